package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for the server's writes and the test's
// reads at the same time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var addrRE = regexp.MustCompile(`ready to accept connections" addr=([^\s,]+)`)

// startInProcess runs run with args (plus --port 0) until the test ends
// and returns the address it listens on, its log, and a stop function that
// cancels it and returns run's error.
func startInProcess(t *testing.T, args ...string) (addr string, log *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"--port", "0"}, args...), log) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(10 * time.Second):
				runErr = errors.New("run did not return within 10s of cancel")
			}
		})
		return runErr
	}
	t.Cleanup(func() { stop() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := addrRE.FindStringSubmatch(log.String()); m != nil {
			return m[1], log, stop
		}
		select {
		case err := <-done:
			t.Fatalf("run returned before it was ready: %v\nlog:\n%s", err, log)
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("server not ready after 10s; log:\n%s", log)
	return "", nil, nil
}

// client is a minimal RESP client: it sends commands as arrays of bulk
// strings and reads each reply back as its raw bytes.
type client struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
	return &client{t: t, c: c, br: bufio.NewReader(c)}
}

// do sends one command and returns its raw reply.
func (cl *client) do(args ...string) string {
	cl.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	_, err := cl.c.Write([]byte(b.String()))
	require.NoError(cl.t, err)
	var out strings.Builder
	require.NoError(cl.t, cl.read(&out))
	return out.String()
}

// read copies one whole reply (RESP2 or RESP3) to out.
func (cl *client) read(out *strings.Builder) error {
	line, err := cl.br.ReadString('\n')
	if err != nil {
		return err
	}
	out.WriteString(line)
	if len(line) < 3 {
		return fmt.Errorf("short reply line %q", line)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	switch line[0] {
	case '$', '=', '!':
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(cl.br, buf); err != nil {
			return err
		}
		out.Write(buf)
	case '*', '~', '>':
		for i := 0; i < n; i++ {
			if err := cl.read(out); err != nil {
				return err
			}
		}
	case '%', '|':
		for i := 0; i < 2*n; i++ {
			if err := cl.read(out); err != nil {
				return err
			}
		}
	}
	return nil
}

// requireReleased checks that addr can be listened on again.
func requireReleased(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err, "port of %s not released", addr)
	ln.Close()
}

func TestServeRESP(t *testing.T) {
	addr, log, stop := startInProcess(t)
	c := dial(t, addr)
	assert.Equal(t, "+PONG\r\n", c.do("PING"))
	assert.Equal(t, "+OK\r\n", c.do("SET", "greeting", "hello"))
	assert.Equal(t, "$5\r\nhello\r\n", c.do("GET", "greeting"))
	assert.Equal(t, "$-1\r\n", c.do("GET", "missing"))
	assert.Equal(t, ":3\r\n", c.do("INCRBY", "n", "3"))

	hello := c.do("HELLO", "3")
	assert.True(t, strings.HasPrefix(hello, "%7\r\n"), "HELLO 3 reply: %q", hello)
	assert.Contains(t, hello, "$7\r\nversion\r\n$6\r\n7.0.15\r\n")
	assert.Contains(t, hello, "$5\r\nproto\r\n:3\r\n")
	assert.Equal(t, "_\r\n", c.do("GET", "missing"), "RESP3 null after HELLO 3")
	assert.Equal(t, "$5\r\nhello\r\n", c.do("GET", "greeting"))

	// A second connection sees the same store.
	c2 := dial(t, addr)
	assert.Equal(t, "$5\r\nhello\r\n", c2.do("GET", "greeting"))

	require.NoError(t, stop())
	// Connections are closed, the port is free, and the log has one line
	// for start and one for shutdown.
	_, err := c.br.ReadByte()
	assert.Error(t, err, "connection should be closed at shutdown")
	requireReleased(t, addr)
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	require.Len(t, lines, 2, "log:\n%s", log)
	assert.Contains(t, lines[0], `msg="racefree devel (Redis 7.0.15 compatible) ready to accept connections"`)
	assert.Contains(t, lines[0], "addr="+addr)
	assert.Contains(t, lines[0], "level=INFO")
	assert.Contains(t, lines[1], `msg="shutting down"`)
}

func TestRequirePass(t *testing.T) {
	addr, _, stop := startInProcess(t, "--requirepass", "s3cret")
	c := dial(t, addr)
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", c.do("PING"))
	assert.Equal(t, "-NOAUTH Authentication required.\r\n", c.do("GET", "k"))
	assert.Equal(t, "-WRONGPASS invalid username-password pair or user is disabled.\r\n", c.do("AUTH", "nope"))
	assert.Equal(t, "+OK\r\n", c.do("AUTH", "s3cret"))
	assert.Equal(t, "+PONG\r\n", c.do("PING"))
	assert.Equal(t, "+OK\r\n", c.do("SET", "k", "v"))

	c2 := dial(t, addr)
	noauth := c2.do("HELLO", "3")
	assert.True(t, strings.HasPrefix(noauth, "-NOAUTH HELLO must be called with the client already authenticated"), "HELLO 3 unauthenticated: %q", noauth)
	hello := c2.do("HELLO", "3", "AUTH", "default", "s3cret")
	assert.True(t, strings.HasPrefix(hello, "%7\r\n"), "HELLO 3 AUTH reply: %q", hello)
	assert.Equal(t, "$1\r\nv\r\n", c2.do("GET", "k"))
	require.NoError(t, stop())
}

func TestDatabases(t *testing.T) {
	addr, _, stop := startInProcess(t, "--databases", "2")
	c := dial(t, addr)
	assert.Equal(t, "+OK\r\n", c.do("SELECT", "1"))
	assert.Equal(t, "-ERR DB index is out of range\r\n", c.do("SELECT", "2"))
	require.NoError(t, stop())
}

func TestRedisStyleFlags(t *testing.T) {
	// --name value, --name=value and -name value all work; bind takes a
	// space-separated list.
	addr, _, stop := startInProcess(t, "--bind", "127.0.0.1", "--databases=4", "-requirepass", "pw")
	c := dial(t, addr)
	assert.Equal(t, "+OK\r\n", c.do("AUTH", "pw"))
	assert.Equal(t, "+OK\r\n", c.do("SELECT", "3"))
	require.NoError(t, stop())

	addr, log, stop := startInProcess(t, "--bind", "127.0.0.1 -::1")
	assert.Equal(t, "+PONG\r\n", dial(t, addr).do("PING"))
	require.NoError(t, stop())
	assert.Len(t, strings.Split(strings.TrimSpace(log.String()), "\n"), 2, "log:\n%s", log)
}

func TestBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--port", "abc"}, `invalid value "abc" for flag -port`},
		{[]string{"--port", "70000"}, "invalid --port 70000: must be between 0 and 65535"},
		{[]string{"--port", "-1"}, "invalid --port -1"},
		{[]string{"--databases", "0"}, "invalid --databases 0: must be between 1 and 65536"},
		{[]string{"--databases", "x"}, `invalid value "x" for flag -databases`},
		{[]string{"--databases", "100000"}, "invalid --databases 100000"},
		{[]string{"--bind", ""}, `invalid --bind "": needs at least one address`},
		{[]string{"--bind", "not-an-ip"}, `invalid --bind address "not-an-ip"`},
		{[]string{"--maxmemory", "1gb"}, "flag provided but not defined: -maxmemory"},
		{[]string{"--port"}, "flag needs an argument: -port"},
		{[]string{"/etc/redis/redis.conf"}, `unexpected argument "/etc/redis/redis.conf"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stderr syncBuffer
			err := run(context.Background(), tc.args, &stderr)
			require.Error(t, err)
			assert.ErrorIs(t, err, errUsage)
			assert.Contains(t, stderr.String(), tc.want)
		})
	}
}

func TestHelp(t *testing.T) {
	var stderr syncBuffer
	require.NoError(t, run(context.Background(), []string{"--help"}, &stderr))
	assert.Contains(t, stderr.String(), "Usage: racefree-server")
	assert.Contains(t, stderr.String(), "-requirepass")
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	var stderr syncBuffer
	err = run(context.Background(), []string{"--port", port}, &stderr)
	require.Error(t, err)
	assert.NotErrorIs(t, err, errUsage)
	assert.Contains(t, err.Error(), "address already in use")
}

// TestBinary builds the real binary, serves on a free port, talks to it
// with a RESP client and, when installed, redis-cli and redis-benchmark,
// then sends SIGTERM and checks it exits 0 and releases the port.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found in PATH")
	}
	bin := filepath.Join(t.TempDir(), "racefree-server")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	// A bad value: a clear message and exit status 2.
	out, err = exec.Command(bin, "--databases", "0").CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 2, ee.ExitCode())
	assert.Contains(t, string(out), "invalid --databases 0")

	cmd := exec.Command(bin, "--port", "0", "--bind", "127.0.0.1")
	stderrPipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	var log syncBuffer
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderrPipe)
		for sc.Scan() {
			log.Write([]byte(sc.Text() + "\n"))
			if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	})
	var addr string
	select {
	case addr = <-ready:
	case err := <-exited:
		t.Fatalf("server exited before it was ready: %v\nlog:\n%s", err, log.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("server not ready after 20s; log:\n%s", log.String())
	}
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	assert.Regexp(t, `msg="racefree \S+ \(Redis 7\.0\.15 compatible\) ready to accept connections"`, log.String())

	c := dial(t, addr)
	assert.Equal(t, "+PONG\r\n", c.do("PING"))
	assert.Equal(t, "+OK\r\n", c.do("SET", "k", "v"))
	assert.Equal(t, "$1\r\nv\r\n", c.do("GET", "k"))

	t.Run("redis-cli", func(t *testing.T) {
		cli, err := exec.LookPath("redis-cli")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("redis-cli not installed (Debian package redis-server), required under CI=true")
			}
			t.Skip("redis-cli not installed (Debian package redis-server)")
		}
		rc := func(args ...string) string {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, cli, append([]string{"-h", "127.0.0.1", "-p", port}, args...)...).CombinedOutput()
			require.NoError(t, err, "redis-cli %v: %s", args, out)
			return string(out)
		}
		assert.Equal(t, "PONG\n", rc("PING"))
		assert.Equal(t, "OK\n", rc("SET", "greeting", "hello world"))
		assert.Equal(t, "hello world\n", rc("GET", "greeting"))
		assert.Equal(t, "v\n", rc("GET", "k"), "redis-cli sees what the RESP client set")

		bench, err := exec.LookPath("redis-benchmark")
		if err != nil {
			t.Skip("redis-benchmark not installed")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bench, "-h", "127.0.0.1", "-p", port, "-t", "set,get", "-n", "2000", "-q").CombinedOutput()
		require.NoError(t, err, "redis-benchmark: %s", out)
		assert.Regexp(t, `SET: [0-9.]+ requests per second`, string(out))
		assert.Regexp(t, `GET: [0-9.]+ requests per second`, string(out))
	})

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, "exit after SIGTERM; log:\n%s", log.String())
		assert.Equal(t, 0, cmd.ProcessState.ExitCode())
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not exit within 20s of SIGTERM; log:\n%s", log.String())
	}
	_, err = c.br.ReadByte()
	assert.Error(t, err, "connection should be closed at shutdown")
	requireReleased(t, addr)
	assert.Contains(t, log.String(), `msg="shutting down" reason="received signal terminated"`)
	assert.Len(t, strings.Split(strings.TrimSpace(log.String()), "\n"), 2, "log:\n%s", log.String())
}

func TestShutdownCommand(t *testing.T) {
	ctx := context.Background()
	log := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--port", "0"}, log) }()
	var addr string
	for addr == "" {
		if m := addrRE.FindStringSubmatch(log.String()); m != nil {
			addr = m[1]
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cl := dial(t, addr)
	_, port, _ := net.SplitHostPort(addr)
	require.Contains(t, cl.do("INFO", "server"), "\r\ntcp_port:"+port+"\r\n")
	require.Equal(t, "-ERR No shutdown in progress.\r\n", cl.do("SHUTDOWN", "ABORT"))
	_, err := cl.c.Write([]byte("*1\r\n$8\r\nSHUTDOWN\r\n"))
	require.NoError(t, err)
	// No reply: the connection closes and run returns, as redis-server exits.
	_, err = cl.br.ReadByte()
	require.Error(t, err)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after SHUTDOWN")
	}
	require.Contains(t, log.String(), "SHUTDOWN command")
	requireReleased(t, addr)
}
