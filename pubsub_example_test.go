package racefree_test

import (
	"context"
	"fmt"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/resp"
)

func ExampleStore_Subscribe() {
	s, _ := racefree.New()
	defer s.Close()

	sub := s.Subscribe(context.Background(), "orders")
	defer sub.Close()
	sub.PSubscribe("audit:*")

	n, _ := s.Publish("orders", "order 42 paid")
	fmt.Println("receivers:", n)
	// Scripts publish too.
	s.Eval(context.Background(), "return redis.call('PUBLISH', 'audit:orders', ARGV[1])", nil, "checked")

	for range 2 {
		m := <-sub.Messages()
		fmt.Printf("%s %q %q\n", m.Channel, m.Pattern, m.Payload)
	}
	// Output:
	// receivers: 1
	// orders "" "order 42 paid"
	// audit:orders "audit:*" "checked"
}

func ExampleConn_TakePushes() {
	s, _ := racefree.New()
	defer s.Close()

	// Two connections, as two clients would have: one tracks the keys it
	// reads (RESP3 client-side caching), the other writes.
	reader, writer := s.NewConn(), s.NewConn()
	defer reader.Close()
	defer writer.Close()
	run := func(c *racefree.Conn, args ...string) {
		var b resp.Builder
		b.Protocol = c.Proto()
		c.Exec(context.Background(), args, &b)
	}
	run(reader, "HELLO", "3")
	run(reader, "CLIENT", "TRACKING", "on")
	run(reader, "GET", "user:1")
	run(writer, "SET", "user:1", "Ada")

	<-reader.PushReady()
	fmt.Printf("%q\n", reader.TakePushes(nil))
	// Output:
	// ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:1\r\n"
}
