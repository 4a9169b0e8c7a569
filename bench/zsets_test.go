package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/racefree/racefree"
)

// The sorted set workloads, one client, unpipelined, on a set of n members
// "m0000000", ... with scores 0, 2, 4, ... (a score range of width 20 holds
// 10 members):
//
//	ZADD            moves a random member to a new score
//	ZRANK           the rank of a random member
//	ZSCORE          the score of a random member
//	ZRANGEBYSCORE   ZRANGEBYSCORE key <random min> +inf LIMIT 0 10
//
// miniredis sorts the whole set for ZRANK and ZRANGEBYSCORE (a quarter of a
// second per call at a million members), so those run very few iterations.

var zsetSizes = []int{1_000, 1_000_000}

// zsetOps in benchmark order; ZADD last, as it moves members.
var zsetOps = []string{"ZRANK", "ZSCORE", "ZRANGEBYSCORE", "ZADD"}

// zsetQuery is one operation's arguments, fixed in advance.
type zsetQuery struct {
	member string  // ZRANK, ZSCORE, ZADD
	score  float64 // ZADD: an odd score, never one of the set's
	min    string  // ZRANGEBYSCORE
}

func zsetQueries(n int) []zsetQuery {
	r := rand.New(rand.NewPCG(7, 7))
	q := make([]zsetQuery, 1<<14)
	for i := range q {
		p := r.IntN(n)
		q[i] = zsetQuery{
			member: zsetMember(p),
			score:  float64(2*r.IntN(n) + 1),
			min:    strconv.Itoa(2 * (p % (n - 10))),
		}
	}
	return q
}

func zsetMember(i int) string { return fmt.Sprintf("m%07d", i) }

// zsetLoad fills key with n members on every system.
func zsetLoad(b *testing.B, key string, n int) {
	b.Helper()
	ctx := context.Background()
	batch := make([]racefree.Z, 0, 1000)
	wire := make([]redis.Z, 0, 1000)
	for i := range n {
		m := zsetMember(i)
		batch = append(batch, racefree.Z{Score: float64(2 * i), Member: m})
		wire = append(wire, redis.Z{Score: float64(2 * i), Member: m})
		if len(batch) < cap(batch) && i < n-1 {
			continue
		}
		if _, err := rfStore.ZAdd(key, batch...); err != nil {
			b.Fatal(err)
		}
		for _, z := range batch {
			if _, err := mini.ZAdd(key, z.Score, z.Member); err != nil {
				b.Fatal(err)
			}
		}
		if c := clients[sysRedis]; c != nil {
			if err := c.ZAdd(ctx, key, wire...).Err(); err != nil {
				b.Fatal(err)
			}
		}
		batch, wire = batch[:0], wire[:0]
	}
}

// zsetDrop deletes key on every system.
func zsetDrop(key string) {
	rfStore.Del(key)
	mini.Del(key)
	if c := clients[sysRedis]; c != nil {
		c.Del(context.Background(), key)
	}
}

func BenchmarkZSet(b *testing.B) {
	setup(b)
	ctx := context.Background()
	for _, n := range zsetSizes {
		b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
			key := "bench:z:" + strconv.Itoa(n)
			zsetLoad(b, key, n)
			defer zsetDrop(key)
			qs := zsetQueries(n)
			for _, op := range zsetOps {
				b.Run("op="+op, func(b *testing.B) {
					b.Run("sys="+sysTyped, func(b *testing.B) {
						b.ReportAllocs()
						for i := 0; i < b.N; i++ {
							if err := zsetTyped(rfStore, key, op, &qs[i&(len(qs)-1)]); err != nil {
								b.Fatal(err)
							}
						}
					})
					for _, sys := range wireSystems {
						b.Run("sys="+sys, func(b *testing.B) {
							c := client(b, sys)
							b.ReportAllocs()
							for i := 0; i < b.N; i++ {
								if err := zsetWire(ctx, c, key, op, &qs[i&(len(qs)-1)]); err != nil {
									fail(b, err)
								}
							}
						})
					}
				})
			}
		})
	}
}

func zsetTyped(s *racefree.Store, key, op string, q *zsetQuery) error {
	switch op {
	case "ZADD":
		_, err := s.ZAdd(key, racefree.Z{Score: q.score, Member: q.member})
		return err
	case "ZRANK":
		_, ok, err := s.ZRank(key, q.member)
		if err == nil && !ok {
			err = errMissing
		}
		return err
	case "ZSCORE":
		_, ok, err := s.ZScore(key, q.member)
		if err == nil && !ok {
			err = errMissing
		}
		return err
	default:
		got, err := s.ZRangeByScore(key, racefree.ZRangeBy{Min: q.min, Max: "+inf", Count: 10})
		if err == nil && len(got) != 10 {
			err = fmt.Errorf("ZRANGEBYSCORE: %d members, want 10", len(got))
		}
		return err
	}
}

func zsetWire(ctx context.Context, c *redis.Client, key, op string, q *zsetQuery) error {
	switch op {
	case "ZADD":
		return c.ZAdd(ctx, key, redis.Z{Score: q.score, Member: q.member}).Err()
	case "ZRANK":
		return c.ZRank(ctx, key, q.member).Err()
	case "ZSCORE":
		return c.ZScore(ctx, key, q.member).Err()
	default:
		got, err := c.ZRangeByScore(ctx, key, &redis.ZRangeBy{Min: q.min, Max: "+inf", Count: 10}).Result()
		if err == nil && len(got) != 10 {
			err = fmt.Errorf("ZRANGEBYSCORE: %d members, want 10", len(got))
		}
		return err
	}
}
