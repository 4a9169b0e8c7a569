package types

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
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
	z := NewZSet(nil)
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

// BenchmarkZSetRankCold asks the rank of 1<<16 random members in turn, as
// the root BenchmarkZRank does: few of their nodes are still in the cache.
func BenchmarkZSetRankCold(b *testing.B) {
	z, _ := benchZSet(1_000_000)
	r := rand.New(rand.NewPCG(8, 8))
	q := make([]string, 1<<16)
	for i := range q {
		q[i] = strings.Clone(fmt.Sprintf("m%07d", r.IntN(1_000_000)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := z.Rank(q[i&(len(q)-1)]); !ok {
			b.Fatal("missing")
		}
	}
}

// BenchmarkZSetDelete deletes and re-adds a random member.
func BenchmarkZSetDelete(b *testing.B) {
	z, q := benchZSet(1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := q[i&(len(q)-1)]
		s, _ := z.Score(m)
		z.Delete(m)
		z.Add(m, s)
	}
}

// BenchmarkZSetMove moves a random member to a new random score.
func BenchmarkZSetMove(b *testing.B) {
	z, q := benchZSet(1_000_000)
	r := rand.New(rand.NewPCG(9, 9))
	scores := make([]float64, len(q))
	for i := range scores {
		scores[i] = float64(2*r.IntN(1_000_000) + 1)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i & (len(q) - 1)
		z.Add(q[j], scores[j]+float64(i>>14&1)) // a new score on every pass
	}
}

// BenchmarkZSetInsertRandom adds a million members in random order.
func BenchmarkZSetInsertRandom(b *testing.B) { benchInsertRandom(b, 1_000_000) }

// BenchmarkZSetInsertRandomSmall adds 65536 members in random order: the
// set stays in the caches, so splits weigh more.
func BenchmarkZSetInsertRandomSmall(b *testing.B) { benchInsertRandom(b, 1<<16) }

func benchInsertRandom(b *testing.B, n int) {
	r := rand.New(rand.NewPCG(3, 3))
	ms := make([]string, n)
	for i := range ms {
		ms[i] = fmt.Sprintf("m%07d", i)
	}
	r.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	b.ResetTimer()
	for range b.N {
		z := NewZSet(nil)
		for i, m := range ms {
			z.Add(m, float64(i*7919%len(ms)))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/insert")
}

// BenchmarkZSetMemory reports the heap bytes per member of a million-member
// set, members' strings included.
func BenchmarkZSetMemory(b *testing.B) {
	const n = 1_000_000
	ms := make([]string, n)
	for i := range ms {
		ms[i] = fmt.Sprintf("m%07d", i)
	}
	var before, after runtime.MemStats
	for range b.N {
		runtime.GC()
		runtime.ReadMemStats(&before)
		z := NewZSet(nil)
		for i, m := range ms {
			z.Add(m, float64(2*i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/member")
		runtime.KeepAlive(z)
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

// BenchmarkZSetAddNew adds new members at random places, with many equal
// scores, to a set of 1000, as the root BenchmarkZAddNew/1000 does: the set
// grows to 66536 members, then loses them again (not timed), and so on.
func BenchmarkZSetAddNew(b *testing.B) {
	const n = 1000
	z := NewZSet(nil)
	for i := range n {
		z.Add(fmt.Sprintf("m%07d", i), float64(2*i))
	}
	r := rand.New(rand.NewPCG(7, 7))
	names := make([]string, 1<<16)
	scores := make([]float64, len(names))
	for i := range names {
		names[i] = fmt.Sprintf("new%07d", i)
		scores[i] = float64(2*r.IntN(n) + 1)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j := i & (len(names) - 1)
		z.Add(names[j], scores[j])
		if j == len(names)-1 {
			b.StopTimer()
			for _, m := range names {
				z.Delete(m)
			}
			b.StartTimer()
		}
	}
}
