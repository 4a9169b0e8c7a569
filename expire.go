package racefree

func cmdExpire(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdPExpire(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdExpireAt(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdPExpireAt(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdTTL(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdPTTL(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdExpireTime(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdPExpireTime(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdPersist(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}
