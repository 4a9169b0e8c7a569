package racefree

func cmdGet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdSet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdSetNX(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdSetEX(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdPSetEX(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdGetSet(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdGetDel(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdGetEX(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdMGet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdMSet(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdMSetNX(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdIncr(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdIncrBy(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdIncrByFloat(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdDecr(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdDecrBy(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdAppend(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdStrLen(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdGetRange(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdSubstr(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdSetRange(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdLCS(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }
