package bench

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/racefree/racefree"
)

// BenchmarkMemory stores memKeys string keys "key:0000000", ... with 16-byte
// values and reports the memory that costs per key (B/key): for the Go
// systems the heap growth after runtime.GC, for redis-server the growth of
// INFO's used_memory. One operation loads all the keys into an empty system.
func BenchmarkMemory(b *testing.B) {
	b.Run("keys="+strconv.Itoa(memKeys), func(b *testing.B) {
		b.Run("sys="+sysMap, func(b *testing.B) {
			heapPerKey(b, func() (any, func(k, v string)) {
				m := map[string]string{}
				lm := &lockedMap{m: m}
				return lm, lm.set
			})
		})
		b.Run("sys="+sysTyped, func(b *testing.B) {
			heapPerKey(b, func() (any, func(k, v string)) {
				s, err := racefree.New()
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Close() })
				return s, func(k, v string) {
					if err := s.Set(k, v, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run("sys="+sysMini, func(b *testing.B) {
			heapPerKey(b, func() (any, func(k, v string)) {
				m := miniredis.NewMiniRedis()
				return m, func(k, v string) {
					if err := m.Set(k, v); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run("sys="+sysRedis, redisPerKey)
	})
}

const memKeys = 1_000_000

// memKey returns the i-th key ("key:" and 7 digits) and its 16-byte value,
// each in an allocation of its own, as a server reading them off a
// connection would have them. buf is scratch space.
func memKey(buf []byte, i int) (key, val string, _ []byte) {
	buf = append(buf[:0], "key:0000000-abcdefgh"...)
	for j := 10; j >= 4 && i > 0; j-- {
		buf[j] = byte('0' + i%10)
		i /= 10
	}
	return string(buf[:11]), string(buf[4:]), buf
}

// heapPerKey measures, b.N times, the heap growth of a system made by mk
// once memKeys keys are set.
func heapPerKey(b *testing.B, mk func() (any, func(k, v string))) {
	var total float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		before := heapAfterGC()
		b.StartTimer()
		sys, set := mk()
		var buf []byte
		for j := range memKeys {
			var k, v string
			k, v, buf = memKey(buf, j)
			set(k, v)
		}
		b.StopTimer()
		after := heapAfterGC()
		runtime.KeepAlive(sys)
		total += float64(after) - float64(before)
		sys, set = nil, nil
		b.StartTimer()
	}
	b.ReportMetric(total/float64(b.N)/memKeys, "B/key")
}

func heapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// redisPerKey measures the growth of used_memory in redis-server's db 9
// when memKeys keys are set, in pipelines of 1,000.
func redisPerKey(b *testing.B) {
	if redisAddr == "" {
		b.Skip("no redis")
	}
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: redisAddr, DB: 9, DisableIdentity: true})
	defer c.Close()
	var total float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := c.FlushDB(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		before := usedMemory(b, c)
		b.StartTimer()
		var buf []byte
		p := c.Pipeline()
		for j := range memKeys {
			var k, v string
			k, v, buf = memKey(buf, j)
			p.Set(ctx, k, v, 0)
			if p.Len() == 1000 || j == memKeys-1 {
				if _, err := p.Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StopTimer()
		total += float64(usedMemory(b, c)) - float64(before)
		if err := c.FlushDB(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(total/float64(b.N)/memKeys, "B/key")
}

func usedMemory(b *testing.B, c *redis.Client) int64 {
	info, err := c.InfoMap(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	n, err := strconv.ParseInt(info["Memory"]["used_memory"], 10, 64)
	if err != nil {
		b.Fatal(err)
	}
	return n
}
