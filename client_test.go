package racefree

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

// connDo runs one command on a Conn and returns its reply and whether the
// connection must close.
func connDo(c *Conn, args ...string) (resp.Value, bool) {
	b := resp.Builder{Protocol: c.Proto()}
	closeAfter := c.Exec(context.Background(), args, &b)
	return b.Value(), closeAfter
}

func connReply(c *Conn, args ...string) resp.Value {
	v, _ := connDo(c, args...)
	return v
}

// waitFor polls cond until it holds; the test fails after a long time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 5000; i++ {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestClientListAndKill(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	require.Equal(t, "OK", connReply(b, "CLIENT", "SETNAME", "worker").Str)
	b.SetAddr("10.0.0.1:5000", "127.0.0.1:6379")

	list := connReply(a, "CLIENT", "LIST").Str
	lines := strings.Split(strings.TrimSuffix(list, "\n"), "\n")
	require.Len(t, lines, 2)
	require.True(t, strings.HasPrefix(lines[0], "id="+strconv.FormatInt(a.ID(), 10)+" "), lines[0])
	require.Contains(t, lines[1], " addr=10.0.0.1:5000 laddr=127.0.0.1:6379 ")
	require.Contains(t, lines[1], " name=worker ")
	require.Contains(t, lines[0], " cmd=client|list ")
	fields := []string{"id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
		"multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem",
		"events", "cmd", "user", "redir", "resp"}
	for i, kv := range strings.Split(lines[0], " ") {
		name, _, _ := strings.Cut(kv, "=")
		require.Equal(t, fields[i], name)
	}

	infos, err := s.ClientList()
	require.NoError(t, err)
	require.Len(t, infos, 2)
	require.Equal(t, "worker", infos[1].Name)

	// The old form matches the address and answers OK.
	require.Equal(t, "OK", connReply(a, "CLIENT", "KILL", "10.0.0.1:5000").Str)
	select {
	case <-b.Done():
	default:
		t.Fatal("a killed connection's Done is not closed")
	}
	v, closeAfter := connDo(b, "PING")
	require.True(t, closeAfter)
	require.Equal(t, resp.KindError, v.Kind)
	require.Equal(t, int64(0), connReply(a, "CLIENT", "KILL", "ID", strconv.FormatInt(b.ID(), 10)).Int)

	// SKIPME no kills the caller itself, after the reply.
	v, closeAfter = connDo(a, "CLIENT", "KILL", "ID", strconv.FormatInt(a.ID(), 10), "SKIPME", "no")
	require.Equal(t, int64(1), v.Int)
	require.True(t, closeAfter)
	a.Close() // as the server does when Exec says to close
	infos, _ = s.ClientList()
	require.Empty(t, infos)
}

func TestClientKillTyped(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	ok, err := s.ClientKill(c.ID())
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = s.ClientKill(c.ID())
	require.NoError(t, err)
	require.False(t, ok)
	<-c.Done()
}

func TestClientReplyOffAndSkip(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	none := resp.Value{}
	require.Equal(t, none, connReply(c, "CLIENT", "REPLY", "OFF"))
	require.Equal(t, none, connReply(c, "SET", "k", "1"))
	require.Equal(t, none, connReply(c, "GET", "k"))
	require.Equal(t, none, connReply(c, "NOSUCH"))
	require.Equal(t, "OK", connReply(c, "CLIENT", "REPLY", "ON").Str)
	require.Equal(t, "1", connReply(c, "GET", "k").Str)

	require.Equal(t, none, connReply(c, "CLIENT", "REPLY", "SKIP"))
	require.Equal(t, none, connReply(c, "INCR", "k"))
	require.Equal(t, "2", connReply(c, "GET", "k").Str)

	// RESET turns replies back on.
	require.Equal(t, none, connReply(c, "CLIENT", "REPLY", "OFF"))
	require.Equal(t, none, connReply(c, "RESET"))
	require.Equal(t, "2", connReply(c, "GET", "k").Str)
}

func TestClientUnblock(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	defer b.Close()
	bid := strconv.FormatInt(b.ID(), 10)
	require.Equal(t, int64(0), connReply(a, "CLIENT", "UNBLOCK", bid).Int)

	for _, mode := range []string{"TIMEOUT", "ERROR"} {
		done := make(chan resp.Value)
		go func() { done <- connReply(b, "BLPOP", "list", "0") }()
		waitFor(t, "BLPOP to block", func() bool {
			return strings.Contains(connReply(a, "CLIENT", "LIST", "ID", bid).Str, " flags=b ")
		})
		require.Contains(t, connReply(a, "INFO", "clients").Str, "blocked_clients:1\r\n")
		require.Equal(t, int64(1), connReply(a, "CLIENT", "UNBLOCK", bid, mode).Int)
		v := <-done
		if mode == "TIMEOUT" {
			require.Equal(t, resp.KindNullArray, v.Kind)
		} else {
			require.Equal(t, "UNBLOCKED client unblocked via CLIENT UNBLOCK", v.Str)
		}
	}
	// The connection works on afterwards.
	require.Equal(t, "PONG", connReply(b, "PING").Str)

	// The typed API reaches a blocked connection too.
	done := make(chan resp.Value)
	go func() { done <- connReply(b, "BLPOP", "list", "0") }()
	waitFor(t, "BLPOP to block", func() bool {
		ok, err := s.ClientUnblock(b.ID(), true)
		require.NoError(t, err)
		return ok
	})
	require.Equal(t, "UNBLOCKED client unblocked via CLIENT UNBLOCK", (<-done).Str)
}

func TestClientKillReleasesBlocked(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	done := make(chan bool)
	go func() {
		_, closeAfter := connDo(b, "BLPOP", "list", "0")
		done <- closeAfter
	}()
	bid := strconv.FormatInt(b.ID(), 10)
	waitFor(t, "BLPOP to block", func() bool {
		return strings.Contains(connReply(a, "CLIENT", "LIST", "ID", bid).Str, " flags=b ")
	})
	require.Equal(t, int64(1), connReply(a, "CLIENT", "KILL", "ID", bid).Int)
	<-done
	<-b.Done()
}

func TestClientPause(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	defer b.Close()
	require.Equal(t, "OK", connReply(a, "CLIENT", "PAUSE", "100000", "WRITE").Str)
	// Reads go on during a WRITE pause.
	require.Equal(t, resp.KindNullBulk, connReply(b, "GET", "k").Kind)
	done := make(chan resp.Value)
	go func() { done <- connReply(b, "SET", "k", "v") }()
	time.Sleep(20 * time.Millisecond)
	select {
	case v := <-done:
		t.Fatalf("SET ran during CLIENT PAUSE WRITE: %v", v)
	default:
	}
	require.Equal(t, "OK", connReply(a, "CLIENT", "UNPAUSE").Str)
	require.Equal(t, "OK", (<-done).Str)

	// A pause ends by itself.
	require.Equal(t, "OK", connReply(a, "CLIENT", "PAUSE", "30").Str)
	require.Equal(t, "v", connReply(b, "GET", "k").Str)

	// The typed API pauses and unpauses too.
	require.NoError(t, s.ClientPause(time.Hour, false))
	go func() { done <- connReply(b, "GET", "k") }()
	time.Sleep(20 * time.Millisecond)
	select {
	case v := <-done:
		t.Fatalf("GET ran during CLIENT PAUSE ALL: %v", v)
	default:
	}
	require.NoError(t, s.ClientUnpause())
	require.Equal(t, "v", (<-done).Str)
}

func TestClientFromDo(t *testing.T) {
	s := newTestStore(t)
	v, err := s.Do("CLIENT", "ID")
	require.NoError(t, err)
	require.Equal(t, int64(0), v)
	v, err = s.Do("CLIENT", "LIST")
	require.NoError(t, err)
	require.Contains(t, v, "id=0 addr=?:0 laddr=?:0 fd=-1 name= age=0 idle=0 ")
	_, err = s.Do("CLIENT", "NOSUCH")
	require.ErrorIs(t, err, ErrUnknownSubcommand)
}

func TestConnAllowBusy(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	defer b.Close()
	require.Equal(t, "NOTBUSY No scripts in execution right now.", connReply(b, "SCRIPT", "KILL").Str)

	done := make(chan resp.Value)
	go func() { done <- connReply(a, "EVAL", "while true do end", "0") }()
	waitFor(t, "the script to run", func() bool {
		s.kill.mu.Lock()
		defer s.kill.mu.Unlock()
		return s.kill.running
	})
	// Past busy-reply-threshold (here at once) other commands get BUSY.
	s.kill.mu.Lock()
	s.kill.busyAfter = time.Nanosecond
	s.kill.mu.Unlock()
	require.Equal(t, ErrBusyScript.Error(), connReply(b, "GET", "k").Str)
	require.Equal(t, ErrBusyScript.Error(), connReply(b, "FUNCTION", "KILL").Str)
	require.Equal(t, ErrBusyScript.Error(), connReply(b, "SHUTDOWN").Str)
	require.Equal(t, "OK", connReply(b, "SCRIPT", "KILL").Str)
	require.True(t, strings.HasPrefix((<-done).Str, "ERR Script killed by user with SCRIPT KILL..."))
	select {
	case <-s.ShutdownRequested():
		t.Fatal("SHUTDOWN without NOSAVE stopped the store during a script")
	default:
	}
	require.Equal(t, resp.KindNullBulk, connReply(b, "GET", "k").Kind)
}

func TestShutdownCommand(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	require.Equal(t, "ERR No shutdown in progress.", connReply(c, "SHUTDOWN", "ABORT").Str)
	select {
	case <-s.ShutdownRequested():
		t.Fatal("shutdown requested before SHUTDOWN")
	default:
	}
	v, closeAfter := connDo(c, "SHUTDOWN", "NOSAVE")
	require.True(t, closeAfter)
	require.Equal(t, resp.Value{}, v, "SHUTDOWN replies nothing to a connection")
	<-s.ShutdownRequested()
	// A second SHUTDOWN is harmless.
	_, err := s.Do("SHUTDOWN")
	require.NoError(t, err)
}

func ExampleStore_ClientList() {
	s, _ := New()
	defer s.Close()
	c := s.NewConn()
	defer c.Close()
	c.SetAddr("192.0.2.1:50000", "127.0.0.1:6379")
	list, _ := s.ClientList()
	for _, cl := range list {
		fmt.Println(cl.ID, cl.Addr)
	}
	// Output: 1 192.0.2.1:50000
}

func TestWaitBlocksForReplicas(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	defer b.Close()
	require.Equal(t, int64(0), connReply(a, "WAIT", "0", "0").Int)
	require.Equal(t, int64(0), connReply(a, "WAIT", "1", "5").Int)
	// WAIT 1 0 waits for ever: CLIENT UNBLOCK ends it.
	done := make(chan resp.Value)
	go func() { done <- connReply(a, "WAIT", "1", "0") }()
	aid := strconv.FormatInt(a.ID(), 10)
	waitFor(t, "WAIT to block", func() bool {
		return connReply(b, "CLIENT", "UNBLOCK", aid).Int == 1
	})
	require.Equal(t, int64(0), (<-done).Int)
}

func TestClientListFlags(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	defer b.Close()
	bid := strconv.FormatInt(b.ID(), 10)
	line := func() string { return connReply(a, "CLIENT", "LIST", "ID", bid).Str }
	require.Contains(t, line(), " flags=N ")
	require.Contains(t, line(), " multi=-1 ")
	connReply(b, "MULTI")
	connReply(b, "SET", "k", "v")
	connReply(b, "GET", "k")
	require.Contains(t, line(), " flags=x ")
	require.Contains(t, line(), " multi=2 ")
	connReply(b, "DISCARD")
	connReply(b, "CLIENT", "NO-EVICT", "on")
	require.Contains(t, line(), " flags=e ")
	connReply(b, "CLIENT", "NO-EVICT", "off")
	connReply(b, "SUBSCRIBE", "ch1", "ch2")
	require.Contains(t, line(), " flags=P ")
	require.Contains(t, line(), " sub=2 psub=0 ")
	require.Contains(t, connReply(a, "CLIENT", "LIST", "TYPE", "pubsub").Str, "id="+bid+" ")
	require.NotContains(t, connReply(a, "CLIENT", "LIST", "TYPE", "normal").Str, "id="+bid+" ")
	require.Contains(t, line(), " cmd=subscribe ")
}

func TestBusyAfterThreshold(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	defer b.Close()
	require.Equal(t, "OK", connReply(b, "CONFIG", "SET", "busy-reply-threshold", "50").Str)
	done := make(chan resp.Value)
	go func() { done <- connReply(a, "EVAL", "while true do end", "0") }()
	waitFor(t, "the script to run", func() bool {
		s.kill.mu.Lock()
		defer s.kill.mu.Unlock()
		return s.kill.running
	})
	// GET waits for the script, then gets BUSY once it has run 50ms.
	require.Equal(t, ErrBusyScript.Error(), connReply(b, "GET", "k").Str)
	require.Equal(t, "OK", connReply(b, "SCRIPT", "KILL").Str)
	<-done
	require.Equal(t, resp.KindNullBulk, connReply(b, "GET", "k").Kind)
}
