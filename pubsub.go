package racefree

// connPubSub is a connection's subscriptions.
type connPubSub struct{}

// subscriptions returns how many channels and patterns the connection is
// subscribed to.
func (c *Conn) subscriptions() (channels, patterns int) { return 0, 0 }

// pubsubCommands are the pub/sub commands.
var pubsubCommands []*command
