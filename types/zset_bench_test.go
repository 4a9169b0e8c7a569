package types

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// Benchmarks of the container alone (no store, no lock) at a million
// members, for profiles and instruction counts:
//
//	go test -run '^$' -bench 'ZSet' ./types
//	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind ./types.test -test.run '^$' -test.bench 'ZSetRank' -test.benchtime 100000x

var benchZSets = map[int]*ZSet{}

// benchZSet returns a set of n members "m0000000", ... with scores 0, 2,
// 4, ... (made once per process) and members to query, picked at random.
func benchZSet(n int) (*ZSet, []string) {
	r := rand.New(rand.NewPCG(7, 7))
	q := make([]string, 1<<14)
	for i := range q {
		q[i] = strings.Clone(fmt.Sprintf("m%07d", r.IntN(n)))
	}
	if z := benchZSets[n]; z != nil {
		return z, q
	}
	z := NewZSet()
	for i := range n {
		z.Add(fmt.Sprintf("m%07d", i), float64(2*i))
	}
	benchZSets[n] = z
	return z, q
}

func BenchmarkZSetRank(b *testing.B) {
	z, q := benchZSet(1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := z.Rank(q[i&(len(q)-1)]); !ok {
			b.Fatal("missing")
		}
	}
}

func BenchmarkZSetRangeByScore(b *testing.B) {
	const n = 1_000_000
	z, q := benchZSet(n)
	mins := make([]float64, len(q))
	for i, m := range q {
		v, _ := strconv.Atoi(m[1:])
		mins[i] = float64(2 * (v % (n - 10)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got := 0
		z.RangeByScore(ScoreRange{Min: mins[i&(len(mins)-1)], Max: math.Inf(1)}, 0, 10, false, func(string, float64) bool {
			got++
			return true
		})
		if got != 10 {
			b.Fatal(got)
		}
	}
}
