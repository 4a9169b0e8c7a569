package racefree

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/racefree/racefree/resp"
)

// The live redis-server that differential tests compare against. TestMain
// starts one per test binary, on 127.0.0.1 at a free port.
var (
	liveAddr    string // empty when no server runs
	liveMissing string // why there is none
)

func TestMain(m *testing.M) {
	stop, err := startRedis()
	if err != nil {
		liveMissing = err.Error()
	}
	code := m.Run()
	writeSummaries()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

func startRedis() (func(), error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server is not installed (apt-get install -y redis-server)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "racefree-redis")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no",
		"--enable-debug-command", "yes")
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i == 100 {
			stop()
			return nil, fmt.Errorf("redis-server did not start on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	liveAddr = addr
	return stop, nil
}

// needRedis skips the test when no live server runs, and fails it under CI,
// where the server must be there.
func needRedis(t testing.TB) {
	t.Helper()
	if liveAddr != "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but the live redis-server is missing: %s", liveMissing)
	}
	t.Skipf("skipping differential test: %s", liveMissing)
}

// liveConn is a connection to the live server.
type liveConn struct {
	c  net.Conn
	rd *bufio.Reader
}

func dialLive(t testing.TB) *liveConn {
	t.Helper()
	needRedis(t)
	c, err := net.Dial("tcp", liveAddr)
	if err != nil {
		t.Fatalf("dial redis-server: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &liveConn{c: c, rd: bufio.NewReader(c)}
}

// do sends one command and reads its reply.
func (l *liveConn) do(t testing.TB, args ...string) resp.Value {
	t.Helper()
	if _, err := l.c.Write(resp.AppendCommand(nil, args...)); err != nil {
		t.Fatalf("write to redis-server: %v", err)
	}
	v, err := resp.ReadValue(l.rd)
	if err != nil {
		t.Fatalf("read from redis-server: %v", err)
	}
	return v
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
