package racefree

func cmdSetBit(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdGetBit(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdBitCount(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdBitPos(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdBitOp(c *call) { c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0])) }

func cmdBitfield(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}

func cmdBitfieldRO(c *call) {
	c.fail(errorf(ErrUnknownCommand, "ERR %s is not implemented yet", c.args[0]))
}
