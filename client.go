package racefree

// connInfo is what CLIENT LIST and CLIENT INFO report of a connection
// beyond its id, name and database.
type connInfo struct{}
