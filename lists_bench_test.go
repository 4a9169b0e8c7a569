package racefree

import (
	"context"
	"strconv"
	"testing"
)

// Benchmarks of the list hot paths: a queue's push and pop, and random
// access, on lists of a thousand and a million elements. Compare runs with
// benchstat.

var listBenchSizes = []int{1_000, 1_000_000}

// benchList returns a store whose key "l" holds a list of n elements.
func benchList(b *testing.B, n int) *Store {
	b.Helper()
	s := benchStore(b)
	batch := make([]string, 0, 1000)
	for i := 0; i < n; i += len(batch) {
		batch = batch[:0]
		for j := i; j < n && len(batch) < cap(batch); j++ {
			batch = append(batch, strconv.Itoa(j))
		}
		if _, err := s.RPush("l", batch...); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkLPushRPop is one LPUSH and one RPOP through the typed API, the
// pair a FIFO queue does per job.
func BenchmarkLPushRPop(b *testing.B) {
	for _, n := range listBenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := benchList(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.LPush("l", "job"); err != nil {
					b.Fatal(err)
				}
				if _, ok, err := s.RPop("l"); !ok || err != nil {
					b.Fatal("empty", err)
				}
			}
		})
	}
}

// BenchmarkLIndex reads elements spread over the whole list.
func BenchmarkLIndex(b *testing.B) {
	for _, n := range listBenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			s := benchList(b, n)
			b.ReportAllocs()
			i := int64(0)
			for b.Loop() {
				if _, ok, err := s.LIndex("l", i); !ok || err != nil {
					b.Fatal("missing", err)
				}
				i = (i + 7919) % int64(n) // a prime step, so that the reads wander
			}
		})
	}
}

// BenchmarkLPushRPopDo is the same pair through Do, which parses and
// builds a reply as a connection would.
func BenchmarkLPushRPopDo(b *testing.B) {
	s := benchList(b, 1_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Do("LPUSH", "l", "job"); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Do("RPOP", "l"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLRange10 reads ten elements from the middle of a list.
func BenchmarkLRange10(b *testing.B) {
	s := benchList(b, 1_000)
	b.ReportAllocs()
	for b.Loop() {
		if vs, err := s.LRange("l", 500, 509); len(vs) != 10 || err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBLPopServed is a BLPOP that finds an element at once, after an
// RPUSH: the blocking form on its fast path.
func BenchmarkBLPopServed(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.RPush("q", "job"); err != nil {
			b.Fatal(err)
		}
		if _, _, ok, err := s.BLPop(ctx, 0, "q"); !ok || err != nil {
			b.Fatal("empty", err)
		}
	}
}
