package racefree

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Benchmarks of the sorted set commands at 1,000 and 1,000,000 members,
// through the typed API (lock included). Every operation is O(log n): the
// numbers should grow by a small constant factor between the two sizes.
//
//	go test -run '^$' -bench 'BenchmarkZ' -benchmem

var zbenchSizes = []int{1_000, 1_000_000}

// zbenchFixture is a store holding one sorted set of n members "m0000000"...
// with scores 0, 2, 4, ... (so a score range of width 20 holds 10 members).
type zbenchFixture struct {
	s       *Store
	members []string
}

var (
	zbenchMu       sync.Mutex
	zbenchFixtures = map[int]*zbenchFixture{}
)

func zbenchSetup(b *testing.B, n int) *zbenchFixture {
	b.Helper()
	zbenchMu.Lock()
	defer zbenchMu.Unlock()
	if f := zbenchFixtures[n]; f != nil {
		return f
	}
	s, err := New(WithSeed(1))
	if err != nil {
		b.Fatal(err)
	}
	f := &zbenchFixture{s: s, members: make([]string, n)}
	batch := make([]Z, 0, 1000)
	for i := range n {
		f.members[i] = fmt.Sprintf("m%07d", i)
		batch = append(batch, Z{Score: float64(2 * i), Member: f.members[i]})
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := s.ZAdd("z", batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	zbenchFixtures[n] = f
	return f
}

// zbenchQueries returns copies of the members at picks, made together: a
// command's argument is fresh in the cache, not scattered among a million
// strings.
func zbenchQueries(f *zbenchFixture, picks []int) []string {
	q := make([]string, len(picks))
	for i, p := range picks {
		q[i] = strings.Clone(f.members[p])
	}
	return q
}

// zbenchPicks returns random indexes below n, fixed in advance.
func zbenchPicks(n int) []int {
	r := rand.New(rand.NewPCG(7, 7))
	p := make([]int, 1<<16)
	for i := range p {
		p[i] = r.IntN(n)
	}
	return p
}

func zbenchRun(b *testing.B, fn func(b *testing.B, f *zbenchFixture, picks []int)) {
	for _, n := range zbenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			f := zbenchSetup(b, n)
			picks := zbenchPicks(n)
			b.ReportAllocs()
			b.ResetTimer()
			fn(b, f, picks)
		})
	}
}

// BenchmarkZAdd moves a random member to a new score (ZADD on an existing
// member: a deletion and an insertion in the skiplist).
func BenchmarkZAdd(b *testing.B) {
	zbenchRun(b, func(b *testing.B, f *zbenchFixture, picks []int) {
		b.StopTimer()
		q := zbenchQueries(f, picks)
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			// An odd score never collides with the even ones.
			if _, err := f.s.ZAdd("z", Z{Score: float64(2*picks[(i+1)&(len(picks)-1)] + 1), Member: q[i&(len(q)-1)]}); err != nil {
				b.Fatal(err)
			}
		}
		// Put the fixture back for the other benchmarks.
		b.StopTimer()
		for _, p := range picks {
			f.s.ZAdd("z", Z{Score: float64(2 * p), Member: f.members[p]})
		}
	})
}

// BenchmarkZAddNew adds new members (the set grows by b.N).
func BenchmarkZAddNew(b *testing.B) {
	for _, n := range zbenchSizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			f := zbenchSetup(b, n)
			picks := zbenchPicks(n)
			names := make([]string, 1<<16)
			for i := range names {
				names[i] = fmt.Sprintf("new%07d", i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j := i & (len(names) - 1)
				if _, err := f.s.ZAdd("z", Z{Score: float64(2*picks[j] + 1), Member: names[j]}); err != nil {
					b.Fatal(err)
				}
				if j == len(names)-1 {
					b.StopTimer()
					for _, m := range names {
						f.s.ZRem("z", m)
					}
					b.StartTimer()
				}
			}
			b.StopTimer()
			for _, m := range names {
				f.s.ZRem("z", m)
			}
		})
	}
}

func BenchmarkZRank(b *testing.B) {
	zbenchRun(b, func(b *testing.B, f *zbenchFixture, picks []int) {
		b.StopTimer()
		q := zbenchQueries(f, picks)
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			if _, ok, err := f.s.ZRank("z", q[i&(len(q)-1)]); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}

func BenchmarkZScore(b *testing.B) {
	zbenchRun(b, func(b *testing.B, f *zbenchFixture, picks []int) {
		b.StopTimer()
		q := zbenchQueries(f, picks)
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			if _, ok, err := f.s.ZScore("z", q[i&(len(q)-1)]); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
}

// BenchmarkZRangeByRank reads a 10-member window at a random rank.
func BenchmarkZRangeByRank(b *testing.B) {
	zbenchRun(b, func(b *testing.B, f *zbenchFixture, picks []int) {
		n := int64(len(f.members))
		for i := 0; i < b.N; i++ {
			start := int64(picks[i&(len(picks)-1)]) % (n - 10)
			if got, err := f.s.ZRange("z", start, start+9); err != nil || len(got) != 10 {
				b.Fatal(len(got), err)
			}
		}
	})
}

// BenchmarkZRangeByScore reads the first 10 members from a random score
// (ZRANGEBYSCORE key min +inf LIMIT 0 10).
func BenchmarkZRangeByScore(b *testing.B) {
	zbenchRun(b, func(b *testing.B, f *zbenchFixture, picks []int) {
		mins := make([]string, len(picks))
		for i, p := range picks {
			mins[i] = strconv.Itoa(2 * (p % (len(f.members) - 10)))
		}
		for i := 0; i < b.N; i++ {
			got, err := f.s.ZRangeByScore("z", ZRangeBy{Min: mins[i&(len(mins)-1)], Max: "+inf", Count: 10})
			if err != nil || len(got) != 10 {
				b.Fatal(len(got), err)
			}
		}
	})
}

// BenchmarkZRangeCommand is BenchmarkZRangeByRank through Do, the path of
// the wire and of scripts.
func BenchmarkZRangeCommand(b *testing.B) {
	zbenchRun(b, func(b *testing.B, f *zbenchFixture, picks []int) {
		n := len(f.members)
		starts := make([]string, len(picks))
		stops := make([]string, len(picks))
		for i, p := range picks {
			st := p % (n - 10)
			starts[i], stops[i] = strconv.Itoa(st), strconv.Itoa(st+9)
		}
		for i := 0; i < b.N; i++ {
			j := i & (len(picks) - 1)
			if _, err := f.s.Do("ZRANGE", "z", starts[j], stops[j]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
