package compat

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// BenchmarkGoRedis measures GET and EVALSHA through go-redis over the
// in-process dialer: one client or 8 in parallel (goroutines sharing one
// go-redis client with a pool of 8 connections), sending commands one at a
// time or in pipelines of 100. One op is one command.
func BenchmarkGoRedis(b *testing.B) {
	ctx := context.Background()
	const body = "return redis.call('GET', KEYS[1])"
	for _, cmd := range []string{"GET", "EVALSHA"} {
		for _, clients := range []int{1, 8} {
			for _, pipeline := range []int{1, 100} {
				b.Run(fmt.Sprintf("%s/clients=%d/pipeline=%d", cmd, clients, pipeline), func(b *testing.B) {
					s, err := racefree.New()
					if err != nil {
						b.Fatal(err)
					}
					defer s.Close()
					rdb := redis.NewClient(&redis.Options{
						Addr:     "127.0.0.1:6379",
						Dialer:   server.GoRedisDialer(s),
						PoolSize: clients,
					})
					defer rdb.Close()
					if err := rdb.Set(ctx, "key", "value", 0).Err(); err != nil {
						b.Fatal(err)
					}
					sha, err := rdb.ScriptLoad(ctx, body).Result()
					if err != nil {
						b.Fatal(err)
					}
					one := func(c redis.Cmdable) redis.Cmder {
						if cmd == "GET" {
							return c.Get(ctx, "key")
						}
						return c.EvalSha(ctx, sha, []string{"key"})
					}
					// Warm the pool so that dialing is not measured.
					var wg sync.WaitGroup
					for range clients {
						wg.Go(func() { rdb.Ping(ctx) })
					}
					wg.Wait()

					b.ReportAllocs()
					b.ResetTimer()
					var mu sync.Mutex
					var firstErr error
					for g := range clients {
						n := b.N / clients
						if g < b.N%clients {
							n++
						}
						wg.Go(func() {
							err := run(ctx, rdb, n, pipeline, one)
							if err != nil {
								mu.Lock()
								firstErr = err
								mu.Unlock()
							}
						})
					}
					wg.Wait()
					b.StopTimer()
					if firstErr != nil {
						b.Fatal(firstErr)
					}
				})
			}
		}
	}
}

// run sends n commands made by one, in pipelines of the given size.
func run(ctx context.Context, rdb *redis.Client, n, pipeline int, one func(redis.Cmdable) redis.Cmder) error {
	if pipeline == 1 {
		for range n {
			if err := one(rdb).Err(); err != nil {
				return err
			}
		}
		return nil
	}
	p := rdb.Pipeline()
	for n > 0 {
		m := min(n, pipeline)
		for range m {
			one(p)
		}
		cmds, err := p.Exec(ctx)
		if err != nil {
			return err
		}
		if len(cmds) != m {
			return fmt.Errorf("pipeline returned %d replies for %d commands", len(cmds), m)
		}
		n -= m
	}
	return nil
}
