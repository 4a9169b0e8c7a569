package racefree

// connTx is a connection's MULTI and WATCH state.
type connTx struct{}

// inMulti reports whether the connection is queuing commands after MULTI.
func (c *Conn) inMulti() bool { return false }

// touchWatched breaks the WATCH of every connection watching key in d.
func (d *db) touchWatched(key string) {}

// txCommands are MULTI, EXEC, DISCARD, WATCH and UNWATCH.
var txCommands []*command
