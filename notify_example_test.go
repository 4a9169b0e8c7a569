package racefree_test

import (
	"context"
	"fmt"
	"time"

	"github.com/racefree/racefree"
)

// A program that acts when keys expire: it turns on keyspace notifications
// for expirations (x) on the keyevent channels (E) and subscribes to them.
func Example_keyspaceNotifications() {
	s, _ := racefree.New()
	defer s.Close()

	s.ConfigSet("notify-keyspace-events", "Ex")
	sub := s.Subscribe(context.Background(), "__keyevent@0__:expired")
	defer sub.Close()

	s.Set("session:42", "ada", time.Minute)
	s.FastForward(2 * time.Minute) // as if the minute had passed

	m := <-sub.Messages() // the key expires: a reader or the background sweep deletes it
	fmt.Println(m.Channel, m.Payload)
	// Output:
	// __keyevent@0__:expired session:42
}
