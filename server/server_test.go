package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/resp"
)

func newStore(t *testing.T, opts ...racefree.Option) *racefree.Store {
	t.Helper()
	s, err := racefree.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// startTCP serves s on a TCP listener of 127.0.0.1 and returns its address.
func startTCP(t *testing.T, s *racefree.Store) (string, *Server) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := New(s)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		assert.ErrorIs(t, <-done, ErrServerClosed)
	})
	return ln.Addr().String(), srv
}

// transports runs f over a TCP connection and over Dial.
func transports(t *testing.T, s *racefree.Store, f func(t *testing.T, c net.Conn)) {
	addr, _ := startTCP(t, s)
	t.Run("tcp", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		f(t, c)
	})
	t.Run("dial", func(t *testing.T) {
		c := Dial(s)
		defer c.Close()
		f(t, c)
	})
}

// exchange sends raw and reads exactly len(want) bytes back.
func exchange(t *testing.T, c net.Conn, raw, want string) {
	t.Helper()
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	_, err := io.WriteString(c, raw)
	require.NoError(t, err)
	got := make([]byte, len(want))
	_, err = io.ReadFull(c, got)
	require.NoError(t, err, "read so far: %q", got)
	assert.Equal(t, want, string(got))
}

// expectClosed checks that the server closed c.
func expectClosed(t *testing.T, c net.Conn) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	n, err := c.Read(make([]byte, 16))
	assert.Equal(t, 0, n)
	assert.ErrorIs(t, err, io.EOF)
}

// roundTrip sends raw and reads n replies with resp.ReadValue.
func roundTrip(t *testing.T, c net.Conn, br *bufio.Reader, raw string, n int) []resp.Value {
	t.Helper()
	require.NoError(t, c.SetDeadline(time.Now().Add(5*time.Second)))
	_, err := io.WriteString(c, raw)
	require.NoError(t, err)
	var out []resp.Value
	for range n {
		v, err := resp.ReadValue(br)
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

func TestServeRESP2AndRESP3(t *testing.T) {
	s := newStore(t)
	transports(t, s, func(t *testing.T, c net.Conn) {
		exchange(t, c, "FLUSHALL\r\n", "+OK\r\n")
		exchange(t, c, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", "+OK\r\n")
		exchange(t, c, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "$1\r\nv\r\n")
		exchange(t, c, "*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n", "$-1\r\n")
		exchange(t, c, "HSET h f v\r\nHGETALL h\r\n", ":1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n")
		br := bufio.NewReader(c)
		hello := roundTrip(t, c, br, "HELLO\r\n", 1)[0]
		assert.Equal(t, resp.KindArray, hello.Kind)
		assert.Len(t, hello.Elems, 14)

		hello = roundTrip(t, c, br, "HELLO 3\r\n", 1)[0]
		require.Equal(t, resp.KindMap, hello.Kind)
		require.Len(t, hello.Elems, 14)
		assert.Equal(t, "7.0.15", hello.Elems[3].Str)
		assert.Equal(t, int64(3), hello.Elems[5].Int)
		id := roundTrip(t, c, br, "CLIENT ID\r\n", 1)[0]
		assert.Equal(t, hello.Elems[7].Int, id.Int)

		exchange(t, c, "GET missing\r\n", "_\r\n")
		exchange(t, c, "HGETALL h\r\n", "%1\r\n$1\r\nf\r\n$1\r\nv\r\n")
		exchange(t, c, "ZADD z 1.5 a\r\nZSCORE z a\r\n", ":1\r\n,1.5\r\n")
		exchange(t, c, "RESET\r\nGET missing\r\nZSCORE z a\r\n", "+RESET\r\n$-1\r\n$3\r\n1.5\r\n")
	})
}

func TestServePipelining(t *testing.T) {
	s := newStore(t)
	transports(t, s, func(t *testing.T, c net.Conn) {
		var req, want strings.Builder
		for range 1000 {
			req.WriteString("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n")
		}
		req.WriteString("PING\r\n")
		for i := 1; i <= 1000; i++ {
			want.WriteString(":" + itoa(i) + "\r\n")
		}
		want.WriteString("+PONG\r\n")
		exchange(t, c, req.String(), want.String())
		exchange(t, c, "DEL n\r\n", ":1\r\n")
	})
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestServeQuit(t *testing.T) {
	s := newStore(t)
	transports(t, s, func(t *testing.T, c net.Conn) {
		exchange(t, c, "PING\r\nQUIT\r\nPING\r\n", "+PONG\r\n+OK\r\n")
		expectClosed(t, c)
	})
}

func TestServeProtocolError(t *testing.T) {
	s := newStore(t)
	for _, tc := range []struct{ req, want string }{
		{"*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"},
		{"*2147483648\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
		{"*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"PING\r\nECHO \"a\r\n", "+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n"},
	} {
		transports(t, s, func(t *testing.T, c net.Conn) {
			exchange(t, c, tc.req, tc.want)
			expectClosed(t, c)
		})
	}
}

func TestServePassword(t *testing.T) {
	s := newStore(t, racefree.WithPassword("pw"))
	transports(t, s, func(t *testing.T, c net.Conn) {
		exchange(t, c, "GET k\r\n", "-NOAUTH Authentication required.\r\n")
		exchange(t, c, "AUTH nope\r\n", "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
		exchange(t, c, "AUTH pw\r\nGET k\r\n", "+OK\r\n$-1\r\n")
	})
}

// TestCloseReleasesBlocked checks that Server.Close ends connections blocked
// in BLPOP and leaves no goroutine behind.
func TestCloseReleasesBlocked(t *testing.T) {
	before := runtime.NumGoroutine()
	s := newStore(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := New(s)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var wg sync.WaitGroup
	for range 10 {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		exchange(t, c, "PING\r\n", "+PONG\r\n")
		_, err = io.WriteString(c, "BLPOP nolist 0\r\n")
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			io.Copy(io.Discard, c) // until the server closes it
		}()
	}
	time.Sleep(50 * time.Millisecond)
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	assert.ErrorIs(t, <-served, ErrServerClosed)
	wg.Wait()
	s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before)
}

func TestListenAndServe(t *testing.T) {
	s := newStore(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ListenAndServe(ctx, s, addr) }()
	var c net.Conn
	for i := 0; i < 100; i++ {
		if c, err = net.Dial("tcp", addr); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.NoError(t, err)
	defer c.Close()
	exchange(t, c, "PING\r\n", "+PONG\r\n")
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	expectClosed(t, c)
}

func TestDialer(t *testing.T) {
	s := newStore(t)
	c, err := Dialer(s)(context.Background(), "tcp", "ignored:6379")
	require.NoError(t, err)
	defer c.Close()
	exchange(t, c, "SET a 1\r\nGET a\r\n", "+OK\r\n$1\r\n1\r\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Dialer(s)(ctx, "tcp", "x")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestPipeDeadline(t *testing.T) {
	a, b := newPipe()
	defer a.Close()
	defer b.Close()
	require.NoError(t, a.SetReadDeadline(time.Now().Add(20*time.Millisecond)))
	_, err := a.Read(make([]byte, 1))
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	assert.True(t, ne.Timeout())
	require.NoError(t, a.SetReadDeadline(time.Time{}))
	_, err = b.Write([]byte("hi"))
	require.NoError(t, err)
	buf := make([]byte, 2)
	_, err = io.ReadFull(a, buf)
	require.NoError(t, err)
	assert.Equal(t, "hi", string(buf))
	b.Close()
	_, err = a.Read(buf)
	assert.ErrorIs(t, err, io.EOF)
}

func BenchmarkDialGet(b *testing.B) {
	s, err := racefree.New()
	require.NoError(b, err)
	defer s.Close()
	c := Dial(s)
	defer c.Close()
	br := bufio.NewReader(c)
	io.WriteString(c, "SET k v\r\n")
	br.ReadString('\n')
	req := []byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
	b.ReportAllocs()
	for b.Loop() {
		c.Write(req)
		br.ReadString('\n')
		br.ReadString('\n')
	}
}

func TestPubSubOverConnections(t *testing.T) {
	s := newStore(t)
	transports(t, s, func(t *testing.T, sub net.Conn) {
		pub := Dial(s)
		defer pub.Close()
		ch := t.Name() // a channel per subtest: the last one may still be unsubscribing
		b := func(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
		exchange(t, sub, "SUBSCRIBE "+ch+"\r\n", "*3\r\n$9\r\nsubscribe\r\n"+b(ch)+":1\r\n")
		exchange(t, sub, "PING\r\n", "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
		// The subscriber is idle in a read: the message is pushed to it.
		exchange(t, pub, "PUBLISH "+ch+" hi\r\n", ":1\r\n")
		exchange(t, sub, "", "*3\r\n$7\r\nmessage\r\n"+b(ch)+"$2\r\nhi\r\n")
		exchange(t, sub, "GET k\r\n", "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
		exchange(t, sub, "RESET\r\n", "+RESET\r\n")

		// RESP3: confirmations and messages are pushes, other commands work.
		exchange(t, sub, "HELLO 3\r\n", "")
		readReply(t, sub)
		exchange(t, sub, "SUBSCRIBE "+ch+"\r\n", ">3\r\n$9\r\nsubscribe\r\n"+b(ch)+":1\r\n")
		exchange(t, pub, "PUBLISH "+ch+" again\r\n", ":1\r\n")
		exchange(t, sub, "", ">3\r\n$7\r\nmessage\r\n"+b(ch)+"$5\r\nagain\r\n")
		exchange(t, sub, "SET k v\r\n", "+OK\r\n")
		// Its own message comes before PUBLISH's reply, as in Redis.
		exchange(t, sub, "PUBLISH "+ch+" self\r\n", ">3\r\n$7\r\nmessage\r\n"+b(ch)+"$4\r\nself\r\n:1\r\n")
	})
}

func TestTrackingOverConnections(t *testing.T) {
	s := newStore(t)
	c := Dial(s)
	defer c.Close()
	exchange(t, c, "HELLO 3\r\n", "")
	readReply(t, c)
	exchange(t, c, "CLIENT TRACKING on\r\n", "+OK\r\n")
	exchange(t, c, "GET k\r\n", "_\r\n")
	require.NoError(t, s.Set("k", "v", 0))
	exchange(t, c, "", ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
}

// readReply reads and returns one reply.
func readReply(t *testing.T, c net.Conn) resp.Value {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	v, err := resp.ReadValue(bufio.NewReaderSize(oneByteReader{c}, 16))
	require.NoError(t, err)
	return v
}

// oneByteReader reads one byte at a time, so that a bufio.Reader over it
// never consumes more than the reply it parses.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:1]) }

func TestCloseEndsSubscribedAndBlockedClients(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := racefree.New()
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := New(s)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var conns []net.Conn
	for i := range 20 {
		var c net.Conn
		if i%2 == 0 {
			c, err = net.Dial("tcp", ln.Addr().String())
			require.NoError(t, err)
		} else {
			c = Dial(s)
		}
		conns = append(conns, c)
		if i%4 < 2 {
			exchange(t, c, "SUBSCRIBE a b\r\n", "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n")
		} else {
			_, err := io.WriteString(c, "BLPOP nothing 0\r\n")
			require.NoError(t, err)
		}
	}
	n, err := s.Publish("a", "x")
	require.NoError(t, err)
	assert.Equal(t, int64(10), n)

	require.NoError(t, srv.Close())
	assert.ErrorIs(t, <-served, ErrServerClosed)
	require.NoError(t, s.Close()) // ends the in-process connections too
	for _, c := range conns {
		require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
		_, err := io.ReadAll(c) // EOF, or a reset when BLPOP's input was unread
		assert.False(t, errors.Is(err, os.ErrDeadlineExceeded), "the server did not close the connection")
		c.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, want %d:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPushesWhileBlocked(t *testing.T) {
	s := newStore(t)
	transports(t, s, func(t *testing.T, c net.Conn) {
		other := Dial(s)
		defer other.Close()
		ch, list, key := "ch-"+t.Name(), "list-"+t.Name(), "k-"+t.Name()
		b := func(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
		exchange(t, c, "HELLO 3\r\n", "")
		readReply(t, c)
		exchange(t, c, "SUBSCRIBE "+ch+"\r\n", ">3\r\n$9\r\nsubscribe\r\n"+b(ch)+":1\r\n")
		exchange(t, c, "CLIENT TRACKING on\r\n", "+OK\r\n")
		// A pipelined reply before the blocking command goes out first.
		exchange(t, c, "GET "+key+"\r\nBLPOP "+list+" 0\r\n", "_\r\n")
		// Blocked in BLPOP, the connection still gets its pushes.
		exchange(t, other, "PUBLISH "+ch+" hi\r\n", ":1\r\n")
		exchange(t, c, "", ">3\r\n$7\r\nmessage\r\n"+b(ch)+"$2\r\nhi\r\n")
		exchange(t, other, "SET "+key+" v\r\n", "+OK\r\n")
		exchange(t, c, "", ">2\r\n$10\r\ninvalidate\r\n*1\r\n"+b(key))
		// Then the reply.
		exchange(t, other, "RPUSH "+list+" x\r\n", ":1\r\n")
		exchange(t, c, "", "*2\r\n"+b(list)+"$1\r\nx\r\n")
		// A timeout too.
		exchange(t, c, "BLPOP "+list+" 0.01\r\n", "_\r\n")
	})
}

// TestPubSubSynctest checks that subscribers, over Dial and in Go, work
// inside a synctest bubble and leave nothing running.
func TestPubSubSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newStore(t)
		sub := s.Subscribe(context.Background(), "ch")
		defer sub.Close()
		c := Dial(s)
		defer c.Close()
		exchange(t, c, "SUBSCRIBE ch\r\n", "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
		time.Sleep(time.Minute) // idle: every goroutine is durably blocked
		n, err := s.Publish("ch", "hi")
		require.NoError(t, err)
		assert.Equal(t, int64(2), n)
		exchange(t, c, "", "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n")
		m := <-sub.Messages()
		assert.Equal(t, "hi", m.Payload)
	})
}
