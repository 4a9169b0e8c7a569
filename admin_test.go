package racefree

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

func TestMemoryUsage(t *testing.T) {
	s := newTestStore(t)
	_, ok, err := s.MemoryUsage("k")
	require.NoError(t, err)
	require.False(t, ok)
	require.NoError(t, s.Set("k", "value", 0))
	small, ok, err := s.MemoryUsage("k")
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.Set("big", string(make([]byte, 10000)), 0))
	big, _, _ := s.MemoryUsage("big")
	require.Greater(t, big, small+9000)
	v, err := s.Do("MEMORY", "USAGE", "big")
	require.NoError(t, err)
	require.Equal(t, big, v)
}

func TestACLWithPassword(t *testing.T) {
	s := newTestStore(t, WithPassword("secret"))
	v, err := s.Do("ACL", "LIST")
	require.NoError(t, err)
	require.Equal(t, []any{"user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all"}, v)
	v, err = s.Do("ACL", "GETUSER", "default")
	require.NoError(t, err)
	require.Equal(t, []any{"flags", []any{"on"}, "passwords", []any{"2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"},
		"commands", "+@all", "keys", "~*", "channels", "&*", "selectors", []any{}}, v)
	_, err = s.Do("ACL", "SETUSER", "bob", "on")
	require.ErrorIs(t, err, errOnlyDefaultUser)
}

func TestClusterDisabled(t *testing.T) {
	s := newTestStore(t)
	for _, sub := range clusterSubs {
		_, name, _ := strings.Cut(sub.name, "|")
		args := []any{"CLUSTER", name}
		for len(args) < max(sub.arity, -sub.arity) {
			args = append(args, "1")
		}
		_, err := s.Do(args...)
		require.ErrorIs(t, err, errClusterDisabled, sub.name)
	}
}

func ExampleStore_ShutdownRequested() {
	s, _ := New()
	defer s.Close()
	c := s.NewConn()
	go c.Exec(context.Background(), []string{"SHUTDOWN", "NOSAVE"}, discardWriter{2})
	<-s.ShutdownRequested()
	fmt.Println("shutting down")
	// Output: shutting down
}

// TestServerCommandsBadInput runs every command of this family with
// arguments from a small pool of odd values: each must answer, never
// panic. (WAIT and DEBUG SLEEP are left out: they may wait on purpose.)
func TestServerCommandsBadInput(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("key", "v", 0))
	pool := []string{"", "0", "-1", "1", "x", "1.5", "99999999999999999999", "key", "get", "*", "id", "type", "addr", "yes", "on", "|", "a|b|c"}
	r := rand.New(rand.NewPCG(1, 2))
	var all []*command
	for _, cmd := range connCommands {
		if cmd.name == "wait" || cmd.name == "debug" {
			continue
		}
		if cmd.subs == nil {
			all = append(all, cmd)
		}
		all = append(all, cmd.subs...)
	}
	for _, cmd := range all {
		name := strings.Split(cmd.name, "|")
		for range 200 {
			args := []any{}
			for _, n := range name {
				args = append(args, n)
			}
			for range r.IntN(5) {
				args = append(args, pool[r.IntN(len(pool))])
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("%v panicked: %v", args, p)
					}
				}()
				s.Do(args...)
			}()
		}
	}
}

func TestDebugProtocolPush(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	enc := resp.NewEncoder(bw)
	c.Exec(context.Background(), []string{"HELLO", "3"}, enc)
	bw.Flush()
	buf.Reset()
	c.Exec(context.Background(), []string{"DEBUG", "PROTOCOL", "push"}, enc)
	bw.Flush()
	require.Equal(t, ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n", buf.String())
	v := connReply(s.NewConn(), "DEBUG", "PROTOCOL", "push")
	require.Equal(t, "ERR RESP2 is not supported by this command", v.Str)
}
