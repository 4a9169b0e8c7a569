package racefree

// connInfo is what CLIENT LIST and CLIENT INFO report of a connection
// beyond its id, name and database.
type connInfo struct{}

// connCommands are CLIENT, COMMAND, CONFIG, INFO and the other commands
// about the connection and the server.
var connCommands []*command
