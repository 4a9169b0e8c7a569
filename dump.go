package racefree

// dumpCommands are DUMP and RESTORE.
var dumpCommands []*command
