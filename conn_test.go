package racefree

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

// execConn runs one command on c with a Builder in c's protocol.
func execConn(c *Conn, args ...string) (resp.Value, bool) {
	b := resp.Builder{Protocol: c.Proto()}
	closeAfter := c.Exec(context.Background(), args, &b)
	return b.Value(), closeAfter
}

func TestConnState(t *testing.T) {
	s := newTestStore(t)
	a, b := s.NewConn(), s.NewConn()
	assert.Equal(t, b.ID(), a.ID()+1)
	assert.Equal(t, 2, a.Proto())
	assert.Equal(t, 0, a.DB())
	assert.True(t, a.Authenticated())

	v, _ := execConn(a, "CLIENT", "ID")
	assert.Equal(t, resp.Value{Kind: resp.KindInt, Int: a.ID()}, v)

	v, _ = execConn(a, "SELECT", "3")
	assert.Equal(t, "OK", v.Str)
	assert.Equal(t, 3, a.DB())
	execConn(a, "SET", "k", "v")
	got, found, err := s.DB(3).Get("k")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "v", got)
	assert.Equal(t, 0, b.DB(), "each connection has its own database")

	v, _ = execConn(a, "HELLO", "3", "SETNAME", "conn-a")
	assert.Equal(t, resp.KindMap, v.Kind)
	require.Len(t, v.Elems, 14)
	assert.Equal(t, "proto", v.Elems[4].Str)
	assert.Equal(t, int64(3), v.Elems[5].Int)
	assert.Equal(t, a.ID(), v.Elems[7].Int)
	assert.Equal(t, 3, a.Proto())
	v, _ = execConn(a, "GET", "missing")
	assert.Equal(t, resp.KindNull, v.Kind)
	v, _ = execConn(a, "CLIENT", "GETNAME")
	assert.Equal(t, "conn-a", v.Str)

	v, _ = execConn(a, "RESET")
	assert.Equal(t, resp.Value{Kind: resp.KindStatus, Str: "RESET"}, v)
	assert.Equal(t, 2, a.Proto())
	assert.Equal(t, 0, a.DB())
	v, _ = execConn(a, "CLIENT", "GETNAME")
	assert.Equal(t, resp.KindNullBulk, v.Kind)

	v, closeAfter := execConn(a, "QUIT")
	assert.Equal(t, "OK", v.Str)
	assert.True(t, closeAfter)
	_, closeAfter = execConn(a, "PING")
	assert.False(t, closeAfter, "QUIT closes once")

	a.Close()
	v, closeAfter = execConn(a, "PING")
	assert.True(t, closeAfter)
	assert.Equal(t, replyText(ErrClosed), v.Str)
}

func TestConnHelloErrors(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	for _, tc := range []struct {
		args []string
		want *Error
	}{
		{[]string{"HELLO", "4"}, ErrNoProto},
		{[]string{"HELLO", "x"}, ErrProtoVersion},
		{[]string{"HELLO", "3", "SETNAME", "a b"}, ErrClientName},
		{[]string{"HELLO", "3", "AUTH", "bob", "x"}, ErrWrongPass},
		{[]string{"AUTH", "x"}, ErrAuthNoPassword},
		{[]string{"CLIENT", "SETNAME", "a\nb"}, ErrClientName},
	} {
		v, _ := execConn(c, tc.args...)
		require.Equal(t, resp.KindError, v.Kind, "%q", tc.args)
		assert.True(t, errors.Is(errorFromReply(v.Str), tc.want), "%q: %s", tc.args, v.Str)
	}
	v, _ := execConn(c, "HELLO", "3", "foo")
	assert.Equal(t, "ERR Syntax error in HELLO option 'foo'", v.Str)
	_, err := s.Do("HELLO", "3", "foo")
	assert.ErrorIs(t, err, ErrHelloSyntax)
	assert.Equal(t, 2, c.Proto(), "a failed HELLO keeps the protocol")
}

func TestConnPassword(t *testing.T) {
	s := newTestStore(t, WithPassword("pw"))
	c := s.NewConn()
	assert.False(t, c.Authenticated())
	v, _ := execConn(c, "GET", "k")
	assert.Equal(t, replyText(ErrNoAuth), v.Str)
	v, _ = execConn(c, "CLIENT", "ID")
	assert.Equal(t, replyText(ErrNoAuth), v.Str)
	v, _ = execConn(c, "GET")
	assert.Equal(t, "ERR wrong number of arguments for 'get' command", v.Str, "arity comes before NOAUTH")
	v, _ = execConn(c, "NOSUCH")
	assert.True(t, errors.Is(errorFromReply(v.Str), ErrUnknownCommand))
	v, _ = execConn(c, "HELLO", "3")
	assert.Equal(t, replyText(ErrHelloNoAuth), v.Str)
	v, _ = execConn(c, "AUTH", "bad")
	assert.Equal(t, replyText(ErrWrongPass), v.Str)
	v, _ = execConn(c, "AUTH", "pw")
	assert.Equal(t, "OK", v.Str)
	v, _ = execConn(c, "GET", "k")
	assert.Equal(t, resp.KindNullBulk, v.Kind)
	execConn(c, "RESET")
	assert.False(t, c.Authenticated(), "RESET logs out")
	v, _ = execConn(c, "HELLO", "3", "AUTH", "default", "pw")
	assert.Equal(t, resp.KindMap, v.Kind)
	assert.True(t, c.Authenticated())

	// The Go API and Do are not connections: no AUTH needed.
	require.NoError(t, s.Set("k", "v", 0))
	r, err := s.Do("GET", "k")
	require.NoError(t, err)
	assert.Equal(t, "v", r)
}

func TestConnDoHasNoConnection(t *testing.T) {
	s := newTestStore(t)
	r, err := s.Do("QUIT")
	require.NoError(t, err)
	assert.Equal(t, "OK", r)
	r, err = s.Do("RESET")
	require.NoError(t, err)
	assert.Equal(t, "RESET", r)
	r, err = s.Do("HELLO")
	require.NoError(t, err)
	assert.Len(t, r, 14)
	_, err = s.Do("HELLO", "5")
	assert.ErrorIs(t, err, ErrNoProto)
	_, err = s.Do("AUTH", "x")
	assert.ErrorIs(t, err, ErrAuthNoPassword)
	r, err = s.Do("CLIENT", "ID") // Do runs on a connection of its own, id 0
	require.NoError(t, err)
	assert.Equal(t, int64(0), r)
}

func TestConnBlockingContext(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	var b resp.Builder
	start := time.Now()
	c.Exec(ctx, []string{"BLPOP", "nolist", "0"}, &b)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, resp.KindNullArray, b.Value().Kind)
}

func TestConnMayBlock(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	for args, want := range map[string]bool{
		"BLPOP l 0": true, "bzpopmin z 1": true, "XREAD BLOCK 0 STREAMS s $": true, "wait 1 0": true,
		"XREADGROUP GROUP g c STREAMS s >": true, "GET k": false, "nosuch": false, "": false,
	} {
		if got := c.MayBlock(strings.Fields(args)); got != want {
			t.Errorf("MayBlock(%q) = %v, want %v", args, got, want)
		}
	}
}
