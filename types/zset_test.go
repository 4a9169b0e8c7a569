package types

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zmodel is the obvious sorted set: a slice kept sorted.
type zmodel []zent

type zent struct {
	m string
	s float64
}

func zcmp(a, b zent) int {
	if c := cmp.Compare(a.s, b.s); c != 0 {
		return c
	}
	return strings.Compare(a.m, b.m)
}

func (m *zmodel) find(member string) int {
	for i, e := range *m {
		if e.m == member {
			return i
		}
	}
	return -1
}

func (m *zmodel) add(member string, score float64) {
	if i := m.find(member); i >= 0 {
		*m = slices.Delete(*m, i, i+1)
	}
	e := zent{member, score}
	i, _ := slices.BinarySearchFunc(*m, e, zcmp)
	*m = slices.Insert(*m, i, e)
}

// checkZSet verifies the tree (order, counts, separators, fill, leaf
// links), the map and the slots against the model.
func checkZSet(t *testing.T, z *ZSet, m zmodel) {
	t.Helper()
	require.Equal(t, len(m), z.Len())
	require.Len(t, z.dict, len(m))
	for i, member := range z.slots {
		require.Equal(t, uint32(i), z.dict[member].slot)
	}
	// The leaves, in order, hold the model.
	var got zmodel
	var prev *bnode
	leaves := 0
	for x := z.first; x != nil; x = x.next {
		leaves++
		require.Same(t, x, z.leaf(x.id), "leaf id")
		require.Same(t, prev, x.prev)
		require.Nil(t, x.kids)
		if x != z.root {
			require.GreaterOrEqual(t, x.n, bMin-1)
		}
		for i := 0; i < x.n; i++ {
			got = append(got, zent{x.members[i], x.scores[i]})
			require.Equal(t, x.scores[i], z.dict[x.members[i]].score)
			if z.leaf(z.dict[x.members[i]].leaf) != x {
				t.Fatalf("leaf of %q not recorded", x.members[i])
			}
			if j := x.find(x.scores[i], x.members[i]); j != i {
				t.Fatalf("find %q: %d, want %d", x.members[i], j, i)
			}
		}
		prev = x
	}
	require.Same(t, prev, z.last)
	if z.ids == nil {
		require.Equal(t, 1, leaves, "no leaf ids, one leaf")
		require.Zero(t, z.first.id)
	} else {
		require.Equal(t, len(z.ids.leaves), leaves+len(z.ids.free), "leaf ids in use or free")
		for _, id := range z.ids.free {
			require.Nil(t, z.ids.leaves[id], "free leaf id")
		}
	}
	require.Equal(t, len(m), len(got))
	for i := range m {
		require.Equal(t, m[i], got[i], "entry %d", i)
	}
	// Counts, separators and height.
	var walk func(x *bnode, depth int, lo, hi *zent) int
	walk = func(x *bnode, depth int, lo, hi *zent) int {
		inRange := func(e zent) {
			if lo != nil {
				require.False(t, zcmp(e, *lo) < 0, "%v below its separator %v", e, *lo)
			}
			if hi != nil {
				require.True(t, zcmp(e, *hi) < 0, "%v not below its separator %v", e, *hi)
			}
		}
		for b := 0; (b+1)*bBlock <= min(x.keys(), bMax); b++ {
			require.Equal(t, x.scores[(b+1)*bBlock-1], x.fence[b], "fence %d", b)
		}
		if x.kids == nil {
			require.Equal(t, int(z.height), depth, "leaves all at the same depth")
			for i := 0; i < x.n; i++ {
				inRange(zent{x.members[i], x.scores[i]})
			}
			return x.n
		}
		require.LessOrEqual(t, x.n, bMax)
		if x == z.root {
			require.GreaterOrEqual(t, x.n, 2)
		} else {
			require.GreaterOrEqual(t, x.n, bMin-1)
		}
		total := 0
		for i := 0; i < x.n; i++ {
			clo, chi := lo, hi
			if i > 0 {
				clo = &zent{x.members[i-1], x.scores[i-1]}
			}
			if i < x.n-1 {
				chi = &zent{x.members[i], x.scores[i]}
			}
			if c := x.kids.kid[i]; c.parent != x || int(c.idx) != i {
				t.Fatalf("child %d: parent link %p (want %p), index %d", i, c.parent, x, c.idx)
			}
			n := walk(x.kids.kid[i], depth+1, clo, chi)
			require.Equal(t, n, x.kids.countOf(i))
			total += n
		}
		return total
	}
	require.Nil(t, z.root.parent)
	require.Equal(t, len(m), walk(z.root, 1, nil, nil))
}

func TestZSetRandomAgainstModel(t *testing.T) {
	for seed := range 20 {
		r := rand.New(rand.NewPCG(uint64(seed), 3))
		z := NewZSet(nil)
		var m zmodel
		members := 30 + r.IntN(300)
		for step := range 3000 {
			member := fmt.Sprintf("m%03d", r.IntN(members))
			score := float64(r.IntN(20)) / 2
			switch op := r.IntN(10); {
			case op < 5:
				added := z.Add(member, score)
				assert.Equal(t, m.find(member) < 0, added)
				m.add(member, score)
			case op < 7:
				deleted := z.Delete(member)
				i := m.find(member)
				assert.Equal(t, i >= 0, deleted)
				if i >= 0 {
					m = slices.Delete(m, i, i+1)
				}
			case op < 8 && len(m) > 0:
				a := r.IntN(len(m))
				b := a + r.IntN(len(m)-a)
				require.Equal(t, b-a+1, z.DeleteRangeByRank(a, b))
				m = slices.Delete(m, a, b+1)
			case op < 9:
				rg := ScoreRange{Min: float64(r.IntN(12)), Max: float64(r.IntN(12)), MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
				n := z.DeleteRangeByScore(rg)
				k := 0
				m = slices.DeleteFunc(m, func(e zent) bool {
					in := rg.aboveMin(e.s) && rg.belowMax(e.s)
					if in {
						k++
					}
					return in
				})
				require.Equal(t, k, n)
			default:
				if s, ok := z.Score(member); ok {
					i := m.find(member)
					require.Equal(t, m[i].s, s)
					rank, ok := z.Rank(member)
					require.True(t, ok)
					require.Equal(t, i, rank)
					gm, gs := z.At(rank)
					require.Equal(t, member, gm)
					require.Equal(t, s, gs)
				} else {
					require.Equal(t, -1, m.find(member))
				}
			}
			if step%100 == 0 {
				checkZSet(t, z, m)
			}
		}
		checkZSet(t, z, m)
		c := z.Clone()
		checkZSet(t, c, m)
		assert.Equal(t, z.Encoding(), c.Encoding())
	}
}

func TestZSetRangesAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		z := NewZSet(nil)
		var m zmodel
		n := 1 + r.IntN(60)
		if round%10 == 0 {
			n = 300 // skiplist encoding
		}
		for i := range n {
			member := fmt.Sprintf("%c%d", 'a'+rune(r.IntN(26)), i)
			score := float64(r.IntN(10))
			z.Add(member, score)
			m.add(member, score)
		}
		checkZSet(t, z, m)
		// Score ranges, with offset and limit, both ways.
		for range 20 {
			rg := ScoreRange{Min: float64(r.IntN(12) - 1), Max: float64(r.IntN(12) - 1), MinEx: r.IntN(3) == 0, MaxEx: r.IntN(3) == 0}
			var want []zent
			for _, e := range m {
				if rg.aboveMin(e.s) && rg.belowMax(e.s) {
					want = append(want, e)
				}
			}
			require.Equal(t, len(want), z.CountByScore(rg))
			offset, limit := r.IntN(len(m)+2), r.IntN(len(m)+2)-1
			for _, rev := range []bool{false, true} {
				w := slices.Clone(want)
				if rev {
					slices.Reverse(w)
				}
				if offset >= len(w) {
					w = nil
				} else {
					w = w[offset:]
				}
				if limit >= 0 && limit < len(w) {
					w = w[:limit]
				}
				var got []zent
				z.RangeByScore(rg, offset, limit, rev, func(m string, s float64) bool {
					got = append(got, zent{m, s})
					return true
				})
				require.Equal(t, len(w), len(got), "%+v offset %d limit %d rev %v", rg, offset, limit, rev)
				for i := range w {
					require.Equal(t, w[i], got[i])
				}
			}
		}
		// Ranks both ways.
		a := r.IntN(len(m))
		b := a + r.IntN(len(m)-a)
		var got []zent
		z.RangeByRank(a, b, false, func(m string, s float64) bool { got = append(got, zent{m, s}); return true })
		require.Equal(t, []zent(m[a:b+1]), got)
		got = nil
		z.RangeByRank(a, b, true, func(m string, s float64) bool { got = append(got, zent{m, s}); return true })
		rev := slices.Clone(m)
		slices.Reverse(rev)
		require.Equal(t, []zent(rev[a:b+1]), got)
	}
}

func TestZSetLexSameScore(t *testing.T) {
	for _, n := range []int{10, 500} {
		z := NewZSet(nil)
		var all []string
		for i := range n {
			m := fmt.Sprintf("k%04d", i*7%n)
			z.Add(m, 0)
			all = append(all, m)
		}
		slices.Sort(all)
		bound := func(s string, ex bool) LexBound {
			switch s {
			case "-":
				return LexBound{Inf: -1}
			case "+":
				return LexBound{Inf: 1}
			}
			return LexBound{Value: s, Exclusive: ex}
		}
		cases := []struct {
			min, max     string
			minEx, maxEx bool
		}{
			{"-", "+", false, false}, {"k0003", "k0007", false, false}, {"k0003", "k0007", true, true},
			{"k0003", "+", true, false}, {"-", "k0005", false, true}, {"k0005", "k0005", false, false},
			{"k0005", "k0005", true, false}, {"z", "+", false, false}, {"+", "-", false, false}, {"k0", "k1", false, false},
		}
		for _, c := range cases {
			rg := LexRange{Min: bound(c.min, c.minEx), Max: bound(c.max, c.maxEx)}
			var want []string
			for _, m := range all {
				if rg.aboveMin(m) && rg.belowMax(m) && !rg.empty() {
					want = append(want, m)
				}
			}
			require.Equal(t, len(want), z.CountByLex(rg), "%+v", c)
			var got []string
			z.RangeByLex(rg, 0, -1, false, func(m string, _ float64) bool { got = append(got, m); return true })
			require.Equal(t, len(want), len(got), "%+v", c)
			for i := range want {
				require.Equal(t, want[i], got[i])
			}
			got = nil
			z.RangeByLex(rg, 1, 3, true, func(m string, _ float64) bool { got = append(got, m); return true })
			w := slices.Clone(want)
			slices.Reverse(w)
			if len(w) > 1 {
				w = w[1:min(len(w), 4)]
			} else {
				w = nil
			}
			require.Equal(t, len(w), len(got))
		}
		c := z.Clone()
		rg := LexRange{Min: LexBound{Value: "k0002"}, Max: LexBound{Value: "k0004", Exclusive: true}}
		require.Equal(t, 2, c.DeleteRangeByLex(rg))
		require.Equal(t, n-2, c.Len())
		require.False(t, c.Has("k0002"))
		require.True(t, c.Has("k0004"))
		require.Equal(t, n, z.Len(), "the clone is independent")
	}
}

func TestZSetEncoding(t *testing.T) {
	z := NewZSet(nil)
	for i := range 128 {
		z.Add(fmt.Sprint(i), float64(i))
	}
	assert.Equal(t, "listpack", z.Encoding())
	assert.True(t, z.Listpack())
	z.Add("0", 5) // an update does not count
	assert.Equal(t, "listpack", z.Encoding())
	z.Add("128", 1)
	assert.Equal(t, "skiplist", z.Encoding())
	z.Delete("128")
	z.DeleteRangeByRank(0, 100)
	assert.Equal(t, "skiplist", z.Encoding(), "no way back")

	long := strings.Repeat("x", 64)
	z = NewZSet(nil)
	z.Add(long, 1)
	assert.Equal(t, "listpack", z.Encoding())
	z.Add(long+"y", 1)
	assert.Equal(t, "skiplist", z.Encoding())
	assert.Equal(t, "skiplist", z.Clone().Encoding())
	assert.Equal(t, "skiplist", NewZSetSkiplist(nil).Encoding())
}

func TestZSetNegativeZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	z := NewZSet(nil)
	z.Add("a", negZero)
	s, _ := z.Score("a")
	assert.False(t, math.Signbit(s), "a listpack stores -0 as 0")
	z = NewZSetSkiplist(nil)
	z.Add("a", negZero)
	s, _ = z.Score("a")
	assert.True(t, math.Signbit(s), "a skiplist keeps -0")
	assert.False(t, z.Add("a", 0), "0 equals -0: no update")
	s, _ = z.Score("a")
	assert.True(t, math.Signbit(s))
}

func TestZSetPopsAndSamples(t *testing.T) {
	z := NewZSet(nil)
	_, _, ok := z.Min()
	assert.False(t, ok)
	_, _, ok = z.Max()
	assert.False(t, ok)
	z.Add("b", 2)
	z.Add("a", 1)
	z.Add("c", 3)
	m, s, ok := z.Min()
	assert.True(t, ok)
	assert.Equal(t, "a", m)
	assert.Equal(t, 1.0, s)
	m, _, _ = z.Max()
	assert.Equal(t, "c", m)
	seen := map[string]bool{}
	for i := range z.Len() {
		m, _ := z.Sample(i)
		seen[m] = true
	}
	assert.Len(t, seen, 3)
	var order []string
	z.Each(func(m string, _ float64) bool { order = append(order, m); return len(order) < 2 })
	assert.Equal(t, []string{"a", "b"}, order)
}

// TestZSetScanGuarantee: every member present for the whole of a SCAN
// iteration is returned, whatever is added and deleted meanwhile.
func TestZSetScanGuarantee(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	z := NewZSet(nil)
	for i := range 1000 {
		z.Add(fmt.Sprint("p", i), float64(i))
	}
	var cursor uint64
	seen := map[string]bool{}
	deleted := map[string]bool{}
	for {
		cursor = z.Scan(cursor, 10, func(m string, _ float64) { seen[m] = true })
		for range 5 {
			victim := fmt.Sprint("p", r.IntN(1000))
			if z.Delete(victim) {
				deleted[victim] = true
			}
			z.Add(fmt.Sprint("n", r.IntN(1000)), 1)
		}
		if cursor == 0 {
			break
		}
	}
	for i := range 1000 {
		m := fmt.Sprint("p", i)
		if !deleted[m] {
			assert.True(t, seen[m], m)
		}
	}
	// A listpack comes whole.
	small := NewZSet(nil)
	small.Add("x", 1)
	small.Add("y", 0)
	var got []string
	assert.Equal(t, uint64(0), small.Scan(7, 1, func(m string, _ float64) { got = append(got, m) }))
	assert.Equal(t, []string{"y", "x"}, got)
}

func TestZSetUpdateInPlaceAndMove(t *testing.T) {
	z := NewZSet(nil)
	var m zmodel
	for i := range 200 {
		z.Add(fmt.Sprint(i), float64(i))
		m.add(fmt.Sprint(i), float64(i))
	}
	for i := range 200 {
		score := float64(i) + 0.5 // stays in place
		if i%3 == 0 {
			score = float64(200 - i) // moves
		}
		z.Add(fmt.Sprint(i), score)
		m.add(fmt.Sprint(i), score)
	}
	checkZSet(t, z, m)
}

// TestZSetLargeTree drives a tree of several levels through growth,
// shrinking by single deletions and range deletions, and score moves.
func TestZSetLargeTree(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	z := NewZSet(nil)
	var m zmodel
	const n = 30000
	for i := range n {
		member := fmt.Sprintf("k%06d", r.IntN(4*n))
		score := float64(r.IntN(1000))
		z.Add(member, score)
		m.add(member, score)
		if i%10000 == 0 {
			checkZSet(t, z, m)
		}
	}
	checkZSet(t, z, m)
	require.GreaterOrEqual(t, int(z.height), 3)
	// Moves: some stay in place, most go elsewhere.
	for range 5000 {
		i := r.IntN(len(m))
		score := m[i].s + float64(r.IntN(3)-1)*0.25
		if r.IntN(2) == 0 {
			score = float64(r.IntN(1000))
		}
		z.Add(m[i].m, score)
		m.add(m[i].m, score)
	}
	checkZSet(t, z, m)
	// Ranks and positions agree everywhere.
	for i := 0; i < len(m); i += 97 {
		rank, ok := z.Rank(m[i].m)
		require.True(t, ok)
		require.Equal(t, i, rank)
		mm, ss := z.At(i)
		require.Equal(t, m[i], zent{mm, ss})
	}
	// Shrink: ranges by rank, by score, single deletions.
	for len(m) > 0 {
		switch r.IntN(3) {
		case 0:
			a := r.IntN(len(m))
			b := min(len(m)-1, a+r.IntN(3000))
			require.Equal(t, b-a+1, z.DeleteRangeByRank(a, b))
			m = slices.Delete(m, a, b+1)
		case 1:
			lo := float64(r.IntN(1000))
			m = deleteScoreRange(t, z, m, ScoreRange{Min: lo, Max: lo + float64(r.IntN(50))})
		default:
			for range 500 {
				if len(m) == 0 {
					break
				}
				i := r.IntN(len(m))
				require.True(t, z.Delete(m[i].m))
				m = slices.Delete(m, i, i+1)
			}
		}
		checkZSet(t, z, m)
	}
	require.Equal(t, int32(1), z.height)
	_, _, ok := z.Min()
	require.False(t, ok)
	// And grows again.
	z.Add("again", 1)
	checkZSet(t, z, zmodel{{"again", 1}})
}

func TestZSetCloneLarge(t *testing.T) {
	for _, n := range []int{0, 1, 31, 33, 48, 49, 97, 5000} {
		z := NewZSet(nil)
		var m zmodel
		for i := range n {
			z.Add(fmt.Sprint(i), float64(i%17))
			m.add(fmt.Sprint(i), float64(i%17))
		}
		c := z.Clone()
		checkZSet(t, c, m)
		assert.Equal(t, z.Encoding(), c.Encoding())
		// The clone works on its own.
		for i := 0; i < n; i += 3 {
			c.Delete(fmt.Sprint(i))
		}
		c.Add("new", 3)
		require.Equal(t, n, z.Len())
		checkZSet(t, z, m)
	}
}

// TestZSetLeafAndParentLinks drives sets of a few levels through random
// additions, moves, deletions, range deletions and clones, checking the
// leaf pointers and parent links (in checkZSet) and every rank against a
// sorted reference.
func TestZSetLeafAndParentLinks(t *testing.T) {
	for seed := range 4 {
		r := rand.New(rand.NewPCG(uint64(seed), 77))
		z := NewZSet(nil)
		var m zmodel
		members := 6000 + r.IntN(6000)
		scores := []int{3, 50, 100000}[seed%3] // few distinct scores: many ties
		checkRanks := func(z *ZSet) {
			t.Helper()
			checkZSet(t, z, m)
			for i, e := range m {
				if rank, ok := z.Rank(e.m); !ok || rank != i {
					t.Fatalf("rank of %q: %d, %v; want %d", e.m, rank, ok, i)
				}
			}
		}
		for step := range 25000 {
			member := fmt.Sprintf("m%05d", r.IntN(members))
			score := float64(r.IntN(scores))
			switch op := r.IntN(1000); {
			case op < 750:
				z.Add(member, score)
				m.add(member, score)
			case op < 950:
				require.Equal(t, m.find(member) >= 0, z.Delete(member))
				if i := m.find(member); i >= 0 {
					m = slices.Delete(m, i, i+1)
				}
			case op < 955 && len(m) > 0:
				a := r.IntN(len(m))
				b := min(len(m)-1, a+r.IntN(50))
				require.Equal(t, b-a+1, z.DeleteRangeByRank(a, b))
				m = slices.Delete(m, a, b+1)
			case op < 957 && scores > 3:
				lo := float64(r.IntN(scores))
				m = deleteScoreRange(t, z, m, ScoreRange{Min: lo, Max: lo + float64(r.IntN(2)), MaxEx: true})
			case op < 958:
				c := z.Clone()
				checkRanks(c)
				// The clone changes apart from the original, then replaces it.
				if len(m) > 0 {
					i := r.IntN(len(m))
					e := m[i]
					fresh := fmt.Sprintf("c%05d", step)
					require.True(t, c.Delete(e.m))
					c.Add(fresh, e.s)
					_, ok := z.Rank(fresh)
					require.False(t, ok)
					_, ok = z.Rank(e.m)
					require.True(t, ok)
					m = slices.Delete(m, i, i+1)
					m.add(fresh, e.s)
				}
				z = c
			default:
				rank, ok := z.Rank(member)
				i := m.find(member)
				require.Equal(t, i >= 0, ok)
				require.Equal(t, max(i, 0), rank)
			}
			if step%5000 == 0 {
				checkRanks(z)
			}
		}
		checkRanks(z)
		require.GreaterOrEqual(t, int(z.height), 3)
	}
}

// TestZSetNodeLayout pins the cache-line layout the searches count on: a
// node's first line holds what a search and a walk up read first, the
// fences fill the second, and every block of 8 scores fills one line.
func TestZSetNodeLayout(t *testing.T) {
	var x bnode
	for _, off := range []uintptr{unsafe.Offsetof(x.n), unsafe.Offsetof(x.kids), unsafe.Offsetof(x.parent),
		unsafe.Offsetof(x.idx), unsafe.Offsetof(x.scores)} {
		assert.Less(t, off, uintptr(64))
	}
	assert.Equal(t, uintptr(64), unsafe.Offsetof(x.fence))
	assert.Equal(t, uintptr(192), unsafe.Offsetof(bleafFull{}.s))
	assert.Equal(t, uintptr(192), unsafe.Offsetof(binnerFull{}.s))
	assert.Equal(t, uintptr(16), unsafe.Sizeof(zEntry{}), "map values stay 16 bytes")
	assert.Equal(t, uintptr(160), unsafe.Sizeof(x), "a small leaf is one 160-byte object")
}

// deleteScoreRange deletes rg from z and from its model m, checks that z
// deleted as many members as the model, and returns the model.
func deleteScoreRange(t *testing.T, z *ZSet, m []zent, rg ScoreRange) []zent {
	t.Helper()
	k := 0
	m = slices.DeleteFunc(m, func(e zent) bool {
		in := rg.aboveMin(e.s) && rg.belowMax(e.s)
		if in {
			k++
		}
		return in
	})
	require.Equal(t, k, z.DeleteRangeByScore(rg))
	return m
}

// Keys added in ascending order (timestamps) leave every leaf but the last
// holding all but bMin entries, and a rolling window over them (add at the
// top, delete at the bottom) and random changes after it keep the set whole.
func TestZSetInOrderSplits(t *testing.T) {
	z := NewZSet(nil)
	var m zmodel
	for i := range 3000 {
		z.Add(fmt.Sprintf("t%05d", i), float64(i))
		m = append(m, zent{fmt.Sprintf("t%05d", i), float64(i)})
	}
	checkZSet(t, z, m)
	for x := z.first; x.next != nil; x = x.next {
		require.Equal(t, bMax+1-bMin, x.n, "an in-order leaf's fill")
	}
	for i := 3000; i < 6000; i++ {
		z.Add(fmt.Sprintf("t%05d", i), float64(i))
		m = append(m, zent{fmt.Sprintf("t%05d", i), float64(i)})
		require.Equal(t, 1, z.DeleteRangeByRank(0, 0))
		m = m[1:]
		if i%250 == 0 {
			checkZSet(t, z, m)
		}
	}
	checkZSet(t, z, m)
	r := rand.New(rand.NewPCG(5, 5))
	for range 2000 {
		member := fmt.Sprintf("t%05d", 3000+r.IntN(4000))
		if r.IntN(2) == 0 {
			s := float64(r.IntN(8000))
			z.Add(member, s)
			m.add(member, s)
		} else if z.Delete(member) {
			m = slices.Delete(m, m.find(member), m.find(member)+1)
		}
	}
	checkZSet(t, z, m)
}
