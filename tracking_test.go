package racefree

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTrackingDefaultMode(t *testing.T) {
	s := newTestStore(t)
	c, w := s.NewConn(), s.NewConn()
	defer c.Close()
	defer w.Close()
	execConn(c, "HELLO", "3")
	v, _ := execConn(c, "CLIENT", "TRACKING", "on")
	require.Equal(t, "OK", v.Str)
	execConn(c, "GET", "k")
	execConn(c, "MGET", "a", "b")
	assert.Empty(t, c.TakePushes(nil), "reads push nothing")

	execConn(w, "SET", "k", "1")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", string(c.TakePushes(nil)))
	execConn(w, "SET", "k", "2")
	assert.Empty(t, c.TakePushes(nil), "one invalidation until read again")

	// The typed API and scripts invalidate too.
	require.NoError(t, s.Set("a", "x", 0))
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n", string(c.TakePushes(nil)))

	// Its own writes invalidate it (no NOLOOP), after the reply.
	execConn(c, "GET", "k")
	v, _ = execConn(c, "SET", "k", "3")
	assert.Equal(t, "OK", v.Str)
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n", string(c.TakePushes(nil)))

	// FLUSHALL: one null, whatever the number of databases.
	execConn(w, "FLUSHALL")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n_\r\n", string(c.TakePushes(nil)))

	// A script's reads track the keys it declared.
	execConn(c, "EVAL", "return redis.call('get', KEYS[1])", "1", "sk")
	execConn(w, "SET", "sk", "1")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nsk\r\n", string(c.TakePushes(nil)))

	execConn(c, "CLIENT", "TRACKING", "off")
	execConn(c, "GET", "k")
	execConn(w, "SET", "k", "4")
	assert.Empty(t, c.TakePushes(nil))
}

func TestTrackingOptInAndNoLoop(t *testing.T) {
	s := newTestStore(t)
	c, w := s.NewConn(), s.NewConn()
	defer c.Close()
	defer w.Close()
	execConn(c, "HELLO", "3")
	execConn(c, "CLIENT", "TRACKING", "on", "OPTIN", "NOLOOP")
	execConn(c, "GET", "a") // not cached: no CACHING yes
	execConn(c, "CLIENT", "CACHING", "yes")
	execConn(c, "GET", "b")
	execConn(c, "GET", "c") // CACHING applies to one command
	execConn(w, "MSET", "a", "1", "b", "1", "c", "1")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nb\r\n", string(c.TakePushes(nil)))

	execConn(c, "CLIENT", "CACHING", "yes")
	execConn(c, "GET", "b")
	execConn(c, "SET", "b", "2") // NOLOOP: its own write
	assert.Empty(t, c.TakePushes(nil))
}

func TestTrackingBcast(t *testing.T) {
	s := newTestStore(t)
	c, w := s.NewConn(), s.NewConn()
	defer c.Close()
	defer w.Close()
	execConn(c, "HELLO", "3")
	execConn(c, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "job:")
	execConn(w, "SET", "user:1", "x")
	execConn(w, "SET", "other", "x")
	execConn(w, "SET", "job:9", "x")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:1\r\n"+
		">2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\njob:9\r\n", string(c.TakePushes(nil)))

	// A command's changes go in one push per prefix, prefixes and keys in
	// order, as Redis sends what one turn of its event loop changed.
	execConn(w, "MSET", "user:2", "a", "user:1", "b", "job:1", "c", "user:2", "d")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\njob:1\r\n"+
		">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n", string(c.TakePushes(nil)))

	// A transaction's changes go out when EXEC ends.
	execConn(w, "MULTI")
	execConn(w, "SET", "user:8", "x")
	execConn(w, "SET", "job:8", "x")
	execConn(w, "EXEC")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\njob:8\r\n"+
		">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:8\r\n", string(c.TakePushes(nil)))

	// NOLOOP leaves out what the connection changed itself.
	execConn(c, "CLIENT", "TRACKING", "off")
	execConn(c, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "NOLOOP")
	execConn(c, "SET", "user:3", "x")
	assert.Empty(t, c.TakePushes(nil))
	execConn(w, "EVAL", "redis.call('set', 'user:3', 'y') redis.call('set', 'user:4', 'y')", "0")
	assert.Equal(t, ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:3\r\n$6\r\nuser:4\r\n", string(c.TakePushes(nil)))
}

func TestTrackingRedirect(t *testing.T) {
	s := newTestStore(t)
	c, r, w := s.NewConn(), s.NewConn(), s.NewConn()
	defer c.Close()
	defer w.Close()
	// A RESP2 connection gets invalidations through a subscribed target.
	execConn(r, "SUBSCRIBE", "__redis__:invalidate")
	v, _ := execConn(c, "CLIENT", "TRACKING", "on", "REDIRECT", strconv.FormatInt(r.ID(), 10))
	require.Equal(t, "OK", v.Str)
	v, _ = execConn(c, "CLIENT", "GETREDIR")
	assert.Equal(t, r.ID(), v.Int)
	execConn(c, "GET", "k")
	execConn(w, "SET", "k", "1")
	assert.Equal(t, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n", string(r.TakePushes(nil)))
	assert.Empty(t, c.TakePushes(nil))
	execConn(w, "FLUSHDB")
	assert.Equal(t, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n", string(r.TakePushes(nil)))

	// The target goes away: the redirect is broken.
	r.Close()
	execConn(c, "HELLO", "3")
	execConn(c, "GET", "k")
	execConn(w, "SET", "k", "2")
	assert.Equal(t, ">2\r\n$21\r\ntracking-redir-broken\r\n:"+strconv.FormatInt(r.ID(), 10)+"\r\n", string(c.TakePushes(nil)))
	v, _ = execConn(c, "CLIENT", "TRACKINGINFO")
	assert.Contains(t, v.String(), "broken_redirect")
}

func TestTrackedKeys(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"GET", "k"}, []string{"k"}},
		{[]string{"MGET", "a", "b"}, []string{"a", "b"}},
		{[]string{"HGET", "h", "f"}, []string{"h"}},
		{[]string{"ZUNION", "2", "a", "b", "WEIGHTS", "1", "2"}, []string{"a", "b"}},
		{[]string{"EVAL", "s", "1", "k", "arg"}, []string{"k"}},
		{[]string{"SORT_RO", "l", "BY", "w*"}, []string{"l"}},
		{[]string{"XREAD", "COUNT", "1", "STREAMS", "s1", "s2", "0", "0"}, []string{"s1", "s2"}},
		{[]string{"PING"}, nil},
	} {
		cmd := resolveCommand(tc.args)
		require.NotNil(t, cmd, tc.args[0])
		assert.Equal(t, tc.want, trackedKeys(cmd, tc.args), tc.args[0])
	}
}

func TestTrackingFlushOncePerFlush(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	execConn(c, "HELLO", "3")
	execConn(c, "CLIENT", "TRACKING", "on")
	null := ">2\r\n$10\r\ninvalidate\r\n_\r\n"
	require.NoError(t, s.FlushAll())
	assert.Equal(t, null, string(c.TakePushes(nil)), "one null for all databases")
	require.NoError(t, s.FlushDB())
	require.NoError(t, s.FlushDB())
	assert.Equal(t, null, string(c.TakePushes(nil)), "a second null right behind the first is dropped")
	require.NoError(t, s.FlushDB())
	assert.Equal(t, null, string(c.TakePushes(nil)), "again after the pushes were taken")

	// Do is a connection of one command: tracking it leaves nothing behind.
	_, err := s.Do("CLIENT", "TRACKING", "on")
	require.NoError(t, err)
	assert.Equal(t, 1, s.ps.track.clients)
}
