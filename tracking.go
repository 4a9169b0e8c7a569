package racefree

// connTracking is a connection's client-side caching state (CLIENT
// TRACKING).
type connTracking struct{}

// trackingOn reports whether CLIENT TRACKING is on for the connection.
func (c *Conn) trackingOn() bool { return false }

// invalidateTracked sends an invalidation for key to the connections that
// track it.
func (s *Store) invalidateTracked(key string) {}
