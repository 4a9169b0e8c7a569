package racefree

// streamCommands are the stream commands' table entries.
var streamCommands = []*command{}
