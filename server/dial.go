package server

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/racefree/racefree"
)

// GoRedisDialer returns a function for go-redis's Options.Dialer (it is
// Dialer under the client's name). This and the other client dialers
// (RedigoDialContext, RedigoDial, RueidisDialer) have the exact hook
// signatures of the clients, ignore the network and address they are given,
// and return Dial(s): an in-process connection served by s, with no socket.
// The package does not import the clients:
//
//	go-redis: redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", Dialer: server.GoRedisDialer(s)})
//	redigo:   redis.Dial("tcp", "racefree:6379", redis.DialContextFunc(server.RedigoDialContext(s)))
//	          redis.Dial("tcp", "racefree:6379", redis.DialNetDial(server.RedigoDial(s)))
//	rueidis:  rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{"racefree:6379"},
//	              DialCtxFn: server.RueidisDialer(s), ForceSingleClient: true})
//
// Give go-redis an IP address: recent versions (v9.23 does) resolve a host
// name in Options.Addr when the client is made, for their maintenance
// notifications (the default Addr is "localhost:6379"); that costs a DNS
// lookup and, inside a testing/synctest bubble, crashes the test.
//
// Clients over these dialers work inside a testing/synctest bubble, with
// timeouts, TTLs and blocking commands running in the bubble's fake time, as
// long as the Store, the clients and their connections are all created
// inside the bubble and closed before it ends (the Store's background sweep
// and the connections' goroutines and deadline timers then belong to the
// bubble).
func GoRedisDialer(s *racefree.Store) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return Dialer(s)
}

// RedigoDialContext returns a function for redigo's DialContextFunc option
// (Dialer under the client's name); see GoRedisDialer.
func RedigoDialContext(s *racefree.Store) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return Dialer(s)
}

// RedigoDial returns a function for redigo's DialNetDial option; see
// GoRedisDialer.
func RedigoDial(s *racefree.Store) func(network, addr string) (net.Conn, error) {
	return func(network, addr string) (net.Conn, error) {
		return Dial(s), nil
	}
}

// RueidisDialer returns a function for rueidis's ClientOption.DialCtxFn; see
// GoRedisDialer. It ignores the net.Dialer and the TLS configuration.
func RueidisDialer(s *racefree.Store) func(ctx context.Context, dst string, d *net.Dialer, c *tls.Config) (net.Conn, error) {
	return func(ctx context.Context, dst string, d *net.Dialer, c *tls.Config) (net.Conn, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return Dial(s), nil
	}
}
