package server

import (
	"bufio"
	"context"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
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
