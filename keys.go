package racefree

func cmdDel(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdUnlink(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdExists(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdType(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdRename(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdRenameNX(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdCopy(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdKeys(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdScan(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdRandomKey(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdTouch(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdObjectEncoding(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdObjectFreq(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdObjectHelp(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdObjectIdletime(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdObjectRefcount(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdMove(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }
