package racefree

// hllCommands are the HyperLogLog commands' table entries.
var hllCommands = []*command{}
