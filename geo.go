package racefree

// geoCommands are the geo commands' table entries.
var geoCommands = []*command{}
