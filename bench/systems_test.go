package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// The systems under comparison. Every benchmark names its system in its last
// path element, so that benchstat can pivot on it (benchstat -col /sys):
//
//	map-mutex         a bare map[string]string under a sync.Mutex: the floor
//	racefree-typed    racefree's typed Go API, in-process
//	racefree-evalsha  racefree's EvalSHA, in-process (script workloads)
//	racefree-goredis  go-redis over racefree's in-process dialer (server.Dialer)
//	miniredis         go-redis over miniredis's in-memory Dial()
//	redis             go-redis over TCP to a redis-server on 127.0.0.1
//
// The redis-server is the one at BENCH_REDIS_ADDR (bench/run.sh starts one;
// "off" skips the redis benchmarks), or else one TestMain starts on a free
// port when redis-server is on PATH.
const (
	sysMap     = "map-mutex"
	sysTyped   = "racefree-typed"
	sysEvalSHA = "racefree-evalsha"
	sysGoRedis = "racefree-goredis"
	sysMini    = "miniredis"
	sysRedis   = "redis"
)

// stallTimeout bounds the write of one request (a pipeline included):
// miniredis's net.Pipe connection deadlocks once a pipeline outgrows its
// 4 KiB buffers, and a benchmark that hits it reports "stall" instead of
// hanging. readTimeout bounds a reply (miniredis's ZRANK on a million
// members takes a quarter of a second).
const (
	stallTimeout = 500 * time.Millisecond
	readTimeout  = 10 * time.Second
)

var (
	redisAddr string // the redis-server under test, "" when there is none

	setupOnce sync.Once
	rfStore   *racefree.Store      // shared by racefree-typed, -evalsha and -goredis
	mini      *miniredis.Miniredis // served through Dial
	clients   map[string]*redis.Client
)

func TestMain(m *testing.M) {
	flag.Parse()
	stop := func() {}
	redisAddr = os.Getenv("BENCH_REDIS_ADDR")
	if redisAddr == "off" {
		redisAddr = ""
	} else if redisAddr == "" && benchmarking() {
		if addr, cancel, err := startRedis(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: no redis-server, its benchmarks are skipped:", err)
		} else {
			redisAddr, stop = addr, cancel
		}
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

func benchmarking() bool {
	f := flag.Lookup("test.bench")
	return f != nil && f.Value.String() != ""
}

// startRedis starts a redis-server on a free loopback port.
func startRedis() (string, func(), error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	c := redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	defer c.Close()
	for range 100 {
		if c.Ping(context.Background()).Err() == nil {
			return addr, stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return "", nil, errors.New("redis-server did not answer PING")
}

// setup makes the shared systems once per process.
func setup(b *testing.B) {
	b.Helper()
	setupOnce.Do(func() {
		var err error
		if rfStore, err = racefree.New(); err != nil {
			panic(err)
		}
		mini = miniredis.NewMiniRedis()
		opts := func() *redis.Options {
			return &redis.Options{
				DisableIdentity: true,
				PoolSize:        16,
				ReadTimeout:     readTimeout,
				WriteTimeout:    stallTimeout,
			}
		}
		clients = map[string]*redis.Client{}
		o := opts()
		o.Addr, o.Dialer = "racefree", server.Dialer(rfStore)
		clients[sysGoRedis] = redis.NewClient(o)
		o = opts()
		o.Addr = "miniredis"
		o.Dialer = func(ctx context.Context, _, _ string) (net.Conn, error) { return mini.Dial() }
		clients[sysMini] = redis.NewClient(o)
		if redisAddr != "" {
			o = opts()
			o.Addr = redisAddr
			clients[sysRedis] = redis.NewClient(o)
			if err := clients[sysRedis].FlushAll(context.Background()).Err(); err != nil {
				panic(err)
			}
		}
	})
}

// wireSystems are the systems reached through go-redis, in benchmark order.
var wireSystems = []string{sysGoRedis, sysMini, sysRedis}

// client returns the go-redis client of a wire system, skipping b when the
// system is not available.
func client(b *testing.B, sys string) *redis.Client {
	b.Helper()
	c := clients[sys]
	if c == nil {
		b.Skip("no " + sys)
	}
	return c
}

// isStall reports whether err is a round trip that timed out.
func isStall(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// stall reports a stalled benchmark: a line "stall: <name>" that
// cmd/table shows as "stall", then skips.
func stall(b *testing.B, err error) {
	b.Helper()
	fmt.Printf("stall: %s\n", b.Name())
	b.Skip("stall: ", err)
}
