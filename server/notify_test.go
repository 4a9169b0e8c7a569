package server

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

// TestKeyspaceNotificationsWire: a client subscribed over the wire
// receives the keyspace notifications of another client's writes, and a
// RESP3 client its own, before the reply, as from redis-server.
func TestKeyspaceNotificationsWire(t *testing.T) {
	s := newStore(t)
	transports(t, s, func(t *testing.T, sub net.Conn) {
		rd := bufio.NewReader(sub)
		do := func(c net.Conn, r *bufio.Reader, args ...string) resp.Value {
			t.Helper()
			_, err := c.Write(resp.AppendCommand(nil, args...))
			require.NoError(t, err)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			v, err := resp.ReadValue(r)
			require.NoError(t, err)
			return v
		}
		read := func() resp.Value {
			t.Helper()
			sub.SetReadDeadline(time.Now().Add(5 * time.Second))
			v, err := resp.ReadValue(rd)
			require.NoError(t, err)
			return v
		}
		w := Dial(s)
		defer w.Close()
		wr := bufio.NewReader(w)
		require.Equal(t, "OK", do(w, wr, "CONFIG", "SET", "notify-keyspace-events", "KEl").Str)
		defer do(w, wr, "CONFIG", "SET", "notify-keyspace-events", "")
		do(sub, rd, "PSUBSCRIBE", "__key*@0__:*")
		require.Equal(t, int64(1), do(w, wr, "RPUSH", "queue", "job").Int)
		for _, want := range [][2]string{{"__keyspace@0__:queue", "rpush"}, {"__keyevent@0__:rpush", "queue"}} {
			v := read()
			require.Len(t, v.Elems, 4)
			require.Equal(t, []string{"pmessage", "__key*@0__:*", want[0], want[1]},
				[]string{v.Elems[0].Str, v.Elems[1].Str, v.Elems[2].Str, v.Elems[3].Str})
		}

		// RESP3: the client's own events come before its reply.
		do(w, wr, "HELLO", "3")
		do(w, wr, "PSUBSCRIBE", "__keyevent@0__:*")
		_, err := w.Write(resp.AppendCommand(nil, "LPOP", "queue"))
		require.NoError(t, err)
		var got []string
		for range 2 { // lpop (del is class g, not enabled), then the reply
			w.SetReadDeadline(time.Now().Add(5 * time.Second))
			v, err := resp.ReadValue(wr)
			require.NoError(t, err)
			if v.Kind == resp.KindArray {
				got = append(got, v.Elems[2].Str+" "+v.Elems[3].Str)
			} else {
				got = append(got, "reply "+v.Str)
			}
		}
		require.Equal(t, []string{"__keyevent@0__:lpop queue", "reply job"}, got)
	})
}
