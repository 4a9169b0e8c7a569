package compat

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	redigo "github.com/gomodule/redigo/redis"
	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// A target is what a compatibility test talks to: a Store through the
// in-process dialers, or the racefree-server binary over TCP.
type target struct {
	name  string
	store *racefree.Store // nil for the binary
	addr  string          // the binary's address
}

// forTargets runs f against a fresh Store over the in-process dialers,
// against a freshly started racefree-server binary (skipped with -short),
// and against a live redis-server, the spec, which checks the tests
// themselves (skipped when it is not installed, except under CI=true). A
// non-empty password is required by each.
func forTargets(t *testing.T, password string, f func(t *testing.T, tg *target)) {
	t.Run("dial", func(t *testing.T) {
		var opts []racefree.Option
		if password != "" {
			opts = append(opts, racefree.WithPassword(password))
		}
		s, err := racefree.New(opts...)
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		f(t, &target{name: "dial", store: s})
	})
	t.Run("binary", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts the racefree-server binary; skipped with -short")
		}
		var args []string
		if password != "" {
			args = append(args, "--requirepass", password)
		}
		f(t, &target{name: "binary", addr: startBinary(t, args...)})
	})
	t.Run("redis-server", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts redis-server; skipped with -short")
		}
		f(t, &target{name: "redis-server", addr: startRedis(t, password)})
	})
}

// startRedis starts redis-server on a free port of 127.0.0.1 and stops it
// when the test ends.
func startRedis(t *testing.T, password string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not installed, required under CI=true")
		}
		t.Skip("redis-server is not installed")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", t.TempDir(), "--daemonize", "no"}
	if password != "" {
		args = append(args, "--requirepass", password)
	}
	cmd := exec.Command(bin, args...)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr
		}
		if i == 200 {
			t.Fatalf("redis-server did not start on %s: %v", addr, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// goRedis returns a go-redis client for the target; opt may be nil.
func (tg *target) goRedis(t *testing.T, opt *redis.Options) *redis.Client {
	t.Helper()
	if opt == nil {
		opt = &redis.Options{}
	}
	if tg.store != nil {
		opt.Addr = "127.0.0.1:6379" // an IP: go-redis resolves host names (see GoRedisDialer)
		opt.Dialer = server.GoRedisDialer(tg.store)
	} else {
		opt.Addr = tg.addr
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// redigo dials one redigo connection to the target. In-process, it uses
// DialContextFunc, or DialNetDial when netDial is set.
func (tg *target) redigo(t *testing.T, netDial bool, opts ...redigo.DialOption) redigo.Conn {
	t.Helper()
	c, err := tg.redigoDial(netDial, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// redigoDial dials one redigo connection to the target; the caller closes it.
func (tg *target) redigoDial(netDial bool, opts ...redigo.DialOption) (redigo.Conn, error) {
	addr := tg.addr
	if tg.store != nil {
		addr = "racefree:6379"
		if netDial {
			opts = append(opts, redigo.DialNetDial(server.RedigoDial(tg.store)))
		} else {
			opts = append(opts, redigo.DialContextFunc(server.RedigoDialContext(tg.store)))
		}
	}
	return redigo.Dial("tcp", addr, opts...)
}

// rawDial opens a plain connection to the target.
func (tg *target) rawDial(t *testing.T) net.Conn {
	t.Helper()
	if tg.store != nil {
		return server.Dial(tg.store)
	}
	c, err := net.Dial("tcp", tg.addr)
	require.NoError(t, err)
	return c
}

// rueidis returns a rueidis client for the target.
func (tg *target) rueidis(t *testing.T, opt rueidis.ClientOption) rueidis.Client {
	t.Helper()
	if tg.store != nil {
		opt.InitAddress = []string{"racefree:6379"}
		opt.DialCtxFn = server.RueidisDialer(tg.store)
	} else {
		opt.InitAddress = []string{tg.addr}
	}
	c, err := rueidis.NewClient(opt)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

// TestMain removes the binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

var readyRE = regexp.MustCompile(`ready to accept connections" addr=([^\s,]+)`)

// startBinary builds cmd/racefree-server once per test binary, starts it on
// a free port of 127.0.0.1 with args, and stops it when the test ends.
func startBinary(t *testing.T, args ...string) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "racefree-compat")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "racefree-server")
		cmd := exec.Command("go", "build", "-o", binPath, "github.com/racefree/racefree/cmd/racefree-server")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	require.NoError(t, buildErr)
	cmd := exec.Command(binPath, append([]string{"--port", "0", "--bind", "127.0.0.1"}, args...)...)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	ready := make(chan string, 1)
	exited := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := readyRE.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	select {
	case addr := <-ready:
		return addr
	case err := <-exited:
		t.Fatalf("racefree-server exited before it was ready: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("racefree-server not ready after 30s")
	}
	return ""
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string {
	return "go build racefree-server: " + e.err.Error() + "\n" + e.out
}

// ctx is the context of the compatibility tests' commands.
var ctx = context.Background()
