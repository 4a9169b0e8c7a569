package racefree

import (
	"strconv"
	"sync/atomic"
	"testing"
)

// Benchmarks of the hot paths: the typed methods, Do for the same commands,
// and a parallel mixed workload. Compare runs with benchstat.

func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := New()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkGet(b *testing.B) {
	s := benchStore(b)
	s.Set("key", "value", 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, _ := s.Get("key"); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkSet(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Set("key", "value", 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIncr(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Incr("counter"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHSet(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.HSet("hash", "field", "value"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHGet(b *testing.B) {
	s := benchStore(b)
	s.HSet("hash", "field", "value")
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, _ := s.HGet("hash", "field"); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkDoGet(b *testing.B) {
	s := benchStore(b)
	s.Set("key", "value", 0)
	b.ReportAllocs()
	for b.Loop() {
		if v, _ := s.Do("GET", "key"); v == nil {
			b.Fatal("missing")
		}
	}
}

func BenchmarkDoSet(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Do("SET", "key", "value"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDoIncr(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Do("INCR", "counter"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDoHSet(b *testing.B) {
	s := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Do("HSET", "hash", "field", "value"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDoHGet(b *testing.B) {
	s := benchStore(b)
	s.HSet("hash", "field", "value")
	b.ReportAllocs()
	for b.Loop() {
		if v, _ := s.Do("HGET", "hash", "field"); v == nil {
			b.Fatal("missing")
		}
	}
}

// BenchmarkParallelMixed runs 80% reads and 20% writes over 1,000 keys from
// GOMAXPROCS goroutines.
func BenchmarkParallelMixed(b *testing.B) {
	s := benchStore(b)
	keys := make([]string, 1000)
	for i := range keys {
		keys[i] = "key:" + strconv.Itoa(i)
		s.Set(keys[i], "value", 0)
	}
	var seq atomic.Uint64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := seq.Add(1) * 7919
		for pb.Next() {
			i++
			k := keys[i%uint64(len(keys))]
			switch i % 10 {
			case 0:
				s.Set(k, "value", 0)
			case 1:
				s.HSet("hash", k, "v")
			default:
				s.Get(k)
			}
		}
	})
}
