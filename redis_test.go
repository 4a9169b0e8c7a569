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

// storeConn runs commands on a Store as a connection would, keeping the
// selected database between commands.
type storeConn struct {
	s  *Store
	db int
}

func (c *storeConn) do(args ...string) resp.Value {
	var b resp.Builder
	c.db = c.s.runOn(context.Background(), c.db, args, &b)
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
