package racefree

func cmdHSet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHSetNX(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdHGet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHMGet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHMSet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHGetAll(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdHDel(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHExists(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdHIncrBy(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdHIncrByFloat(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdHKeys(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHVals(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHLen(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdHStrLen(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdHRandField(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdHScan(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }
