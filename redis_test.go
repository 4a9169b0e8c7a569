package racefree

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/racefree/racefree/internal/redistest"
	"github.com/racefree/racefree/resp"
)

func TestMain(m *testing.M) {
	code := redistest.Main(m)
	writeSummaries()
	os.Exit(code)
}

// needRedis skips the test when no live server runs, and fails it under CI.
func needRedis(t testing.TB) { t.Helper(); redistest.Need(t) }

// liveConn is a connection to the live server.
type liveConn struct{ c *redistest.Conn }

func dialLive(t testing.TB) *liveConn {
	t.Helper()
	return &liveConn{redistest.Dial(t)}
}

// do sends one command and reads its reply.
func (l *liveConn) do(t testing.TB, args ...string) resp.Value {
	t.Helper()
	return l.c.Do(t, args...)
}

// storeConn runs commands on a Store through a Conn, keeping the connection
// state (selected database, protocol, name) between commands.
type storeConn struct {
	s *Store
	c *Conn
}

func (c *storeConn) do(args ...string) resp.Value {
	if c.c == nil {
		c.c = c.s.NewConn()
	}
	b := resp.Builder{Protocol: c.c.Proto()}
	c.c.Exec(context.Background(), args, &b)
	return b.Value()
}

// testSummaries are lines TestMain writes, after the tests, to the file named
// by RACEFREE_TEST_SUMMARY (CI prints it).
var testSummaries []func() string

func writeSummaries() {
	path := os.Getenv("RACEFREE_TEST_SUMMARY")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	for _, s := range testSummaries {
		if line := s(); line != "" {
			fmt.Fprintln(f, line)
		}
	}
}
