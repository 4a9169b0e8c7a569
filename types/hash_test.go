package types

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pairsOf returns h's fields and values in order, flat.
func pairsOf(h *Hash) []string {
	var out []string
	h.Each(func(f, v string) bool {
		out = append(out, f, v)
		return true
	})
	return out
}

// checkHash verifies the index agrees with the pairs.
func checkHash(t *testing.T, h *Hash) {
	t.Helper()
	require.Equal(t, len(h.pairs), len(h.index))
	for i, p := range h.pairs {
		require.Equal(t, i, h.index[p.field], "field %q", p.field)
	}
}

func TestHashSmallKeepsInsertionOrder(t *testing.T) {
	h := NewHash(nil)
	assert.True(t, h.Set("b", "1"))
	assert.True(t, h.Set("a", "2"))
	assert.True(t, h.Set("c", "3"))
	assert.False(t, h.Set("a", "22"), "an update keeps the position")
	assert.Equal(t, []string{"b", "1", "a", "22", "c", "3"}, pairsOf(h))
	assert.True(t, h.Delete("b"))
	assert.False(t, h.Delete("b"))
	assert.True(t, h.Set("b", "4"))
	assert.Equal(t, []string{"a", "22", "c", "3", "b", "4"}, pairsOf(h))
	checkHash(t, h)
	assert.Equal(t, 3, h.Len())
	v, ok := h.Get("c")
	assert.True(t, ok)
	assert.Equal(t, "3", v)
	_, ok = h.Get("x")
	assert.False(t, ok)
	assert.True(t, h.Has("a"))
	assert.False(t, h.Has("x"))
	f, v := h.At(1)
	assert.Equal(t, "c", f)
	assert.Equal(t, "3", v)
	assert.Equal(t, "listpack", h.Encoding())
	assert.True(t, h.Listpack())
}

func TestHashEncoding(t *testing.T) {
	h := NewHash(nil)
	for i := range int(defaultLimits.HashMaxListpackEntries) {
		h.Set(strconv.Itoa(i), "v")
	}
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("0", "again")
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("one more", "v")
	assert.Equal(t, "hashtable", h.Encoding())
	h.Delete("one more")
	h.Delete("0")
	assert.Equal(t, "hashtable", h.Encoding(), "never goes back")

	long := strings.Repeat("x", int(defaultLimits.HashMaxListpackValue))
	h = NewHash(nil)
	h.Set(long, long)
	assert.Equal(t, "listpack", h.Encoding())
	h.Set("a", long+"x")
	assert.Equal(t, "hashtable", h.Encoding())
	h = NewHash(nil)
	h.Set(long+"x", "")
	assert.Equal(t, "hashtable", h.Encoding())

	c := h.Clone()
	assert.Equal(t, "hashtable", c.Encoding())
}

func TestHashClone(t *testing.T) {
	h := NewHashSize(nil, 3)
	h.Set("a", "1")
	h.Set("b", "2")
	h.Set("c", "3")
	c := h.Clone()
	h.Set("a", "changed")
	h.Delete("b")
	assert.Equal(t, []string{"a", "1", "b", "2", "c", "3"}, pairsOf(c))
	checkHash(t, c)
	assert.Equal(t, "listpack", c.Encoding())
}

func TestHashEachStops(t *testing.T) {
	h := NewHash(nil)
	h.Set("a", "1")
	h.Set("b", "2")
	n := 0
	h.Each(func(string, string) bool { n++; return false })
	assert.Equal(t, 1, n)
}

func TestHashRandomOperations(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	h := NewHash(nil)
	model := map[string]string{}
	var order []string // insertion order while small
	for i := range 20000 {
		f := "f" + strconv.Itoa(r.IntN(700))
		if r.IntN(3) == 0 {
			_, had := model[f]
			assert.Equal(t, had, h.Delete(f))
			delete(model, f)
			if idx := indexOf(order, f); idx >= 0 {
				order = append(order[:idx], order[idx+1:]...)
			}
		} else {
			v := strconv.Itoa(i)
			_, had := model[f]
			assert.Equal(t, !had, h.Set(f, v))
			model[f] = v
			if !had {
				order = append(order, f)
			}
		}
		if i%500 == 0 {
			checkHash(t, h)
		}
		if h.Listpack() {
			var got []string
			h.Each(func(f, _ string) bool { got = append(got, f); return true })
			require.Equal(t, order, got, "step %d", i)
		}
	}
	checkHash(t, h)
	require.Equal(t, len(model), h.Len())
	for f, v := range model {
		got, ok := h.Get(f)
		require.True(t, ok)
		require.Equal(t, v, got)
	}
}

func indexOf(s []string, x string) int {
	for i, y := range s {
		if y == x {
			return i
		}
	}
	return -1
}

func TestHashScanSmall(t *testing.T) {
	h := NewHash(nil)
	h.Set("a", "1")
	h.Set("b", "2")
	for _, cursor := range []uint64{0, 1, 12345, 1<<64 - 1} {
		var got []string
		next := h.Scan(cursor, 1, func(f, v string) { got = append(got, f, v) })
		assert.Zero(t, next)
		assert.Equal(t, []string{"a", "1", "b", "2"}, got)
	}
}

// TestHashScanGuarantee scans large hashes while fields come and go: every
// field that is there for the whole scan must be returned.
func TestHashScanGuarantee(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 1))
		h := NewHash(nil)
		n := 600 + r.IntN(3000)
		for i := range n {
			h.Set("f"+strconv.Itoa(i), "")
		}
		stable := func(f string) bool { return strings.HasSuffix(f, "7") }
		seen := map[string]bool{}
		cursor, steps := uint64(0), 0
		for {
			cursor = h.Scan(cursor, 1+r.IntN(20), func(f, _ string) { seen[f] = true })
			steps++
			for range r.IntN(30) {
				f := "f" + strconv.Itoa(r.IntN(2*n))
				if stable(f) {
					continue
				}
				if r.IntN(2) == 0 {
					h.Delete(f)
				} else {
					h.Set(f, "")
				}
			}
			if cursor == 0 {
				break
			}
			require.Less(t, steps, 100*n)
		}
		for i := range n {
			if f := "f" + strconv.Itoa(i); stable(f) {
				require.True(t, seen[f], "seed %d: %s not returned", seed, f)
			}
		}
		checkHash(t, h)
	}
}

func TestHashScanCursorBeyondEnd(t *testing.T) {
	h := NewHash(nil)
	for i := range 1000 {
		h.Set(strconv.Itoa(i), "")
	}
	n := 0
	next := h.Scan(5000, 2000, func(string, string) { n++ })
	assert.Zero(t, next)
	assert.Equal(t, 1000, n, "a cursor past the end starts from the end")
}

func TestHashShrinks(t *testing.T) {
	h := NewHash(nil)
	for i := range 10000 {
		h.Set(strconv.Itoa(i), "")
	}
	for i := range 9990 {
		h.Delete(strconv.Itoa(i))
	}
	assert.Equal(t, 10, h.Len())
	assert.Less(t, cap(h.pairs), 1000)
	checkHash(t, h)
}

func BenchmarkHashSetGet(b *testing.B) {
	h := NewHash(nil)
	fields := make([]string, 256)
	for i := range fields {
		fields[i] = "field:" + strconv.Itoa(i)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f := fields[i&255]
		h.Set(f, "value")
		h.Get(f)
	}
}
