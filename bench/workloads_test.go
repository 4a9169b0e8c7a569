package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/racefree/racefree"
)

// The command and script workloads. Each runs in three shapes, for every
// system that has it:
//
//	clients=1/pipe=1    one client, one command per round trip
//	clients=1/pipe=100  one client, pipelines of 100 (wire systems only)
//	clients=8/pipe=1    eight clients in parallel (ns/op is wall time per
//	                    command over all eight: lower means more throughput)
//
//	go test -run '^$' -bench . -benchmem

// value16 is the 16-byte value the string workloads store.
const value16 = "0123456789abcdef"

// The scripts: a plain SET, a balance transfer and a rolling-window rate
// limiter (the same bodies as the root module's script_bench_test.go).
const (
	scriptSet      = "return redis.call('SET', KEYS[1], ARGV[1])"
	scriptTransfer = `
local from = tonumber(redis.call('GET', KEYS[1]))
if from < tonumber(ARGV[1]) then return 0 end
redis.call('DECRBY', KEYS[1], ARGV[1])
redis.call('INCRBY', KEYS[2], ARGV[1])
return 1`
	scriptWindow = `
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
return redis.call('ZCARD', KEYS[1])`
)

var (
	shaSet      = redis.NewScript(scriptSet).Hash()
	shaTransfer = redis.NewScript(scriptTransfer).Hash()
	shaWindow   = redis.NewScript(scriptWindow).Hash()

	keysSet      = []string{"bench:evalset"}
	keysTransfer = []string{"bench:acct:a", "bench:acct:b"}
	// keysWindow[g] is client g's window.
	keysWindow [maxClients][]string
	// nums[i] is strconv.Itoa(i), so arguments cost no allocation.
	nums [1 << 16]string
)

const maxClients = 8

func init() {
	for g := range keysWindow {
		keysWindow[g] = []string{"bench:window:" + strconv.Itoa(g)}
	}
	for i := range nums {
		nums[i] = strconv.Itoa(i)
	}
}

// num returns i as a decimal string, allocation-free for small i.
func num(i int) string {
	if i < len(nums) {
		return nums[i]
	}
	return strconv.Itoa(i)
}

// A workload is one operation, written for each kind of system. g is the
// client (0..clients-1), i the operation's index within the run.
type workload struct {
	// load prepares the data the workload reads; it runs on each wire
	// system (racefree's in-process systems share racefree-goredis's Store).
	load func(ctx context.Context, c redis.Cmdable) error
	// inproc names the in-process system: sysTyped or sysEvalSHA.
	inproc string
	typed  func(ctx context.Context, s *racefree.Store, g, i int) error
	wire   func(ctx context.Context, c redis.Cmdable, g, i int) redis.Cmder
	floor  func(m *lockedMap, g, i int) // nil: no floor for this workload
}

// lockedMap is the floor: a bare map under a mutex.
type lockedMap struct {
	mu sync.Mutex
	m  map[string]string
}

func (m *lockedMap) get(k string) (string, bool) {
	m.mu.Lock()
	v, ok := m.m[k]
	m.mu.Unlock()
	return v, ok
}

func (m *lockedMap) set(k, v string) {
	m.mu.Lock()
	m.m[k] = v
	m.mu.Unlock()
}

type shape struct{ clients, pipe int }

var shapes = []shape{{1, 1}, {1, 100}, {maxClients, 1}}

// run runs w on every system in every shape.
func run(b *testing.B, w workload) {
	setup(b)
	ctx := context.Background()
	for _, sh := range shapes {
		b.Run(fmt.Sprintf("clients=%d/pipe=%d", sh.clients, sh.pipe), func(b *testing.B) {
			if w.floor != nil && sh.pipe == 1 {
				b.Run("sys="+sysMap, func(b *testing.B) {
					m := &lockedMap{m: map[string]string{"bench:get": value16}}
					b.ReportAllocs()
					b.ResetTimer()
					parallel(b, sh.clients, func(g, lo, hi int) error {
						for i := lo; i < hi; i++ {
							w.floor(m, g, i)
						}
						return nil
					})
				})
			}
			if w.typed != nil && sh.pipe == 1 {
				b.Run("sys="+w.inproc, func(b *testing.B) {
					if w.load != nil {
						if err := w.load(ctx, clients[sysGoRedis]); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportAllocs()
					b.ResetTimer()
					parallel(b, sh.clients, func(g, lo, hi int) error {
						for i := lo; i < hi; i++ {
							if err := w.typed(ctx, rfStore, g, i); err != nil {
								return err
							}
						}
						return nil
					})
				})
			}
			for _, sys := range wireSystems {
				b.Run("sys="+sys, func(b *testing.B) {
					c := client(b, sys)
					if w.load != nil {
						if err := w.load(ctx, c); err != nil {
							b.Fatal(err)
						}
					}
					if sh.pipe > 1 {
						// One full pipeline first: a system that stalls on it
						// is reported before any timing (see stallTimeout).
						if err := wireRange(ctx, c, w, sh.pipe, 0, 0, sh.pipe); err != nil {
							fail(b, err)
						}
					}
					b.ReportAllocs()
					b.ResetTimer()
					parallel(b, sh.clients, func(g, lo, hi int) error {
						return wireRange(ctx, c, w, sh.pipe, g, lo, hi)
					})
				})
			}
		})
	}
}

// wireRange runs operations lo..hi-1 of client g in pipelines of pipe.
func wireRange(ctx context.Context, c *redis.Client, w workload, pipe, g, lo, hi int) error {
	if pipe == 1 {
		for i := lo; i < hi; i++ {
			if err := w.wire(ctx, c, g, i).Err(); err != nil {
				return err
			}
		}
		return nil
	}
	p := c.Pipeline()
	for i := lo; i < hi; i += pipe {
		for j := i; j < min(i+pipe, hi); j++ {
			w.wire(ctx, p, g, j)
		}
		if _, err := p.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs operations 0..b.N-1 on n clients, each taking chunks of
// consecutive indexes, and fails b on the first error (or reports a stall).
func parallel(b *testing.B, n int, body func(g, lo, hi int) error) {
	if n == 1 {
		if err := body(0, 0, b.N); err != nil {
			fail(b, err)
		}
		return
	}
	const grain = 100 // a multiple of every pipeline depth
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	for g := range n {
		wg.Go(func() {
			for {
				lo := int(next.Add(grain)) - grain
				if lo >= b.N {
					return
				}
				if err := body(g, lo, min(lo+grain, b.N)); err != nil {
					errOnce.Do(func() { first = err })
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		fail(b, first)
	}
}

func fail(b *testing.B, err error) {
	b.Helper()
	if isStall(err) {
		stall(b, err)
	}
	b.Fatal(err)
}

var errMissing = errors.New("bench: a key the workload set up is missing")

func BenchmarkGET(b *testing.B) {
	run(b, workload{
		load: func(ctx context.Context, c redis.Cmdable) error {
			return c.Set(ctx, "bench:get", value16, 0).Err()
		},
		inproc: sysTyped,
		typed: func(_ context.Context, s *racefree.Store, _, _ int) error {
			_, ok, err := s.Get("bench:get")
			if err == nil && !ok {
				err = errMissing
			}
			return err
		},
		wire: func(ctx context.Context, c redis.Cmdable, _, _ int) redis.Cmder {
			return c.Get(ctx, "bench:get")
		},
		floor: func(m *lockedMap, _, _ int) {
			if _, ok := m.get("bench:get"); !ok {
				panic(errMissing)
			}
		},
	})
}

func BenchmarkSET(b *testing.B) {
	run(b, workload{
		inproc: sysTyped,
		typed: func(_ context.Context, s *racefree.Store, _, _ int) error {
			return s.Set("bench:set", value16, 0)
		},
		wire: func(ctx context.Context, c redis.Cmdable, _, _ int) redis.Cmder {
			return c.Set(ctx, "bench:set", value16, 0)
		},
		floor: func(m *lockedMap, _, _ int) { m.set("bench:set", value16) },
	})
}

func BenchmarkINCR(b *testing.B) {
	run(b, workload{
		inproc: sysTyped,
		typed: func(_ context.Context, s *racefree.Store, _, _ int) error {
			_, err := s.Incr("bench:incr")
			return err
		},
		wire: func(ctx context.Context, c redis.Cmdable, _, _ int) redis.Cmder {
			return c.Incr(ctx, "bench:incr")
		},
	})
}

func BenchmarkHSET(b *testing.B) {
	run(b, workload{
		inproc: sysTyped,
		typed: func(_ context.Context, s *racefree.Store, _, _ int) error {
			_, err := s.HSet("bench:hset", "field", value16)
			return err
		},
		wire: func(ctx context.Context, c redis.Cmdable, _, _ int) redis.Cmder {
			return c.HSet(ctx, "bench:hset", "field", value16)
		},
	})
}

func BenchmarkHGET(b *testing.B) {
	run(b, workload{
		load: func(ctx context.Context, c redis.Cmdable) error {
			return c.HSet(ctx, "bench:hget", "field", value16).Err()
		},
		inproc: sysTyped,
		typed: func(_ context.Context, s *racefree.Store, _, _ int) error {
			_, ok, err := s.HGet("bench:hget", "field")
			if err == nil && !ok {
				err = errMissing
			}
			return err
		},
		wire: func(ctx context.Context, c redis.Cmdable, _, _ int) redis.Cmder {
			return c.HGet(ctx, "bench:hget", "field")
		},
	})
}

// loadScript loads src into the script cache of c's system.
func loadScript(src string) func(ctx context.Context, c redis.Cmdable) error {
	return func(ctx context.Context, c redis.Cmdable) error {
		return c.ScriptLoad(ctx, src).Err()
	}
}

// BenchmarkEvalSHASet runs EVALSHA of `return redis.call('SET', KEYS[1], ARGV[1])`.
func BenchmarkEvalSHASet(b *testing.B) {
	run(b, workload{
		load:   loadScript(scriptSet),
		inproc: sysEvalSHA,
		typed: func(ctx context.Context, s *racefree.Store, _, _ int) error {
			_, err := s.EvalSHA(ctx, shaSet, keysSet, value16)
			return err
		},
		wire: func(ctx context.Context, c redis.Cmdable, _, _ int) redis.Cmder {
			return c.EvalSha(ctx, shaSet, keysSet, value16)
		},
	})
}

// BenchmarkEvalSHATransfer runs the balance transfer (GET, DECRBY, INCRBY)
// of 1 from an account that never runs dry.
func BenchmarkEvalSHATransfer(b *testing.B) {
	run(b, workload{
		load: func(ctx context.Context, c redis.Cmdable) error {
			if err := c.MSet(ctx, keysTransfer[0], "1000000000000000", keysTransfer[1], "0").Err(); err != nil {
				return err
			}
			return loadScript(scriptTransfer)(ctx, c)
		},
		inproc: sysEvalSHA,
		typed: func(ctx context.Context, s *racefree.Store, _, _ int) error {
			_, err := s.EvalSHA(ctx, shaTransfer, keysTransfer, "1")
			return err
		},
		wire: func(ctx context.Context, c redis.Cmdable, _, _ int) redis.Cmder {
			return c.EvalSha(ctx, shaTransfer, keysTransfer, "1")
		},
	})
}

// BenchmarkEvalSHAWindow runs the rolling-window counter (ZREMRANGEBYSCORE,
// ZADD, ZCARD): each client has its own window of its last 100 calls.
func BenchmarkEvalSHAWindow(b *testing.B) {
	run(b, workload{
		load: func(ctx context.Context, c redis.Cmdable) error {
			for _, k := range keysWindow {
				if err := c.Del(ctx, k[0]).Err(); err != nil {
					return err
				}
			}
			return loadScript(scriptWindow)(ctx, c)
		},
		inproc: sysEvalSHA,
		typed: func(ctx context.Context, s *racefree.Store, g, i int) error {
			_, err := s.EvalSHA(ctx, shaWindow, keysWindow[g], num(i), "100", num(i))
			return err
		},
		wire: func(ctx context.Context, c redis.Cmdable, g, i int) redis.Cmder {
			return c.EvalSha(ctx, shaWindow, keysWindow[g], num(i), "100", num(i))
		},
	})
}
