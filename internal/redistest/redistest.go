// Package redistest runs a live redis-server for differential tests: the
// spec racefree is compared against. Main starts one server per test binary
// on a free port of 127.0.0.1; Dial connects to it.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/racefree/racefree/resp"
)

var (
	addr    string // empty when no server runs
	missing string // why there is none
)

// Main starts redis-server, runs the tests and stops the server. Call it
// from TestMain: os.Exit(redistest.Main(m)).
func Main(m *testing.M) int {
	stop, err := start()
	if err != nil {
		missing = err.Error()
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	return code
}

// Addr returns the live server's address, or "" when none runs.
func Addr() string { return addr }

func start() (func(), error) {
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
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	a := "127.0.0.1:" + strconv.Itoa(port)
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", a)
		if err == nil {
			c.Close()
			break
		}
		if i == 100 {
			stop()
			return nil, fmt.Errorf("redis-server did not start on %s: %v", a, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	addr = a
	return stop, nil
}

// Need skips the test when no live server runs, and fails it under CI
// (CI=true), where the server must be there.
func Need(t testing.TB) {
	t.Helper()
	if addr != "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but the live redis-server is missing: %s", missing)
	}
	t.Skipf("skipping differential test: %s", missing)
}

// Conn is a connection to the live server.
type Conn struct {
	c  net.Conn
	rd *bufio.Reader
}

// Dial connects to the live server (skipping the test when there is none);
// the connection closes when the test ends.
func Dial(t testing.TB) *Conn {
	t.Helper()
	Need(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial redis-server: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return &Conn{c: c, rd: bufio.NewReader(c)}
}

// Do sends one command and reads its reply.
func (l *Conn) Do(t testing.TB, args ...string) resp.Value {
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
