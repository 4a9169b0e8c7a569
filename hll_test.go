package racefree

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name:      "hll",
		commands:  []string{"pfadd", "pfcount", "pfmerge"},
		templates: hllTemplates,
	})
}

// hllRandomElements makes n elements, mostly from a pool that makes them
// collide, sometimes from the shared value pool.
func hllRandomElements(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		if r.IntN(10) == 0 {
			out[i] = pick(r, randomValues)
		} else {
			out[i] = "e" + strconv.Itoa(r.IntN(5000))
		}
	}
	return out
}

// hllRandomKeys picks 1 to max keys.
func hllRandomKeys(r *rand.Rand, max int) []string {
	out := make([]string, 1+r.IntN(max))
	for i := range out {
		out[i] = pick(r, randomKeys)
	}
	return out
}

var hllTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		return append([]string{"PFADD", pick(r, randomKeys)}, hllRandomElements(r, r.IntN(6))...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"PFADD", pick(r, randomKeys)}, hllRandomElements(r, 100+r.IntN(400))...)
	}},
	{make: func(r *rand.Rand) []string {
		// Now and then enough to make the string dense.
		if r.IntN(4) != 0 {
			return []string{"PFCOUNT", pick(r, randomKeys)}
		}
		return append([]string{"PFADD", pick(r, randomKeys)}, hllRandomElements(r, 1500+r.IntN(2000))...)
	}},
	{make: func(r *rand.Rand) []string { return []string{"PFCOUNT", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return append([]string{"PFCOUNT"}, hllRandomKeys(r, 3)...) }},
	{make: func(r *rand.Rand) []string { return append([]string{"PFMERGE"}, hllRandomKeys(r, 4)...) }},
	{make: func(r *rand.Rand) []string { return []string{"GET", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"OBJECT", "ENCODING", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		switch r.IntN(4) {
		case 0:
			return []string{"SET", pick(r, randomKeys), pick(r, randomValues)}
		case 1:
			return []string{"SADD", pick(r, randomKeys), pick(r, randomValues)}
		case 2:
			return []string{"DEL", pick(r, randomKeys)}
		}
		// Corrupt the registers of a sparse HyperLogLog now and then.
		return []string{"SETRANGE", pick(r, randomKeys), strconv.Itoa(16 + r.IntN(8)), pick(r, []string{"\x7f", "\x00", "\xff", "\x40\x01"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"APPEND", pick(r, randomKeys), pick(r, randomValues)} }},
}

func TestHLLTyped(t *testing.T) {
	s := newTestStore(t)

	n, err := s.PFCount("missing")
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = s.PFCount("missing", "missing2")
	require.NoError(t, err)
	assert.Zero(t, n)

	changed, err := s.PFAdd("h")
	require.NoError(t, err)
	assert.True(t, changed, "creating the key counts as a change")
	changed, err = s.PFAdd("h")
	require.NoError(t, err)
	assert.False(t, changed)
	raw, ok, err := s.Get("h")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff", raw)

	changed, err = s.PFAdd("h", "a", "b", "c")
	require.NoError(t, err)
	assert.True(t, changed)
	changed, err = s.PFAdd("h", "c", "b")
	require.NoError(t, err)
	assert.False(t, changed)
	n, err = s.PFCount("h")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)

	// The typed method and Do agree, and PFCOUNT cached the estimate.
	v, err := s.Do("PFCOUNT", "h")
	require.NoError(t, err)
	assert.Equal(t, int64(3), v)
	raw, _, _ = s.Get("h")
	assert.Equal(t, "\x03\x00\x00\x00\x00\x00\x00\x00", raw[8:16])

	for i := range 20000 {
		_, err := s.PFAdd("big", "k"+strconv.Itoa(i+1))
		require.NoError(t, err)
	}
	n, err = s.PFCount("big")
	require.NoError(t, err)
	assert.Equal(t, int64(20110), n, "the estimate redis-server 7.0 gives")
	raw, _, _ = s.Get("big")
	assert.Len(t, raw, hllDenseSize)
	assert.Equal(t, byte(hllDense), raw[4])

	require.NoError(t, s.PFMerge("m", "h", "big", "missing"))
	n, err = s.PFCount("m")
	require.NoError(t, err)
	both, err := s.PFCount("h", "big")
	require.NoError(t, err)
	assert.Equal(t, both, n)
	v, err = s.Do("PFCOUNT", "h", "big")
	require.NoError(t, err)
	assert.Equal(t, both, v)

	require.NoError(t, s.Set("str", "hello", 0))
	_, err = s.PFAdd("str", "x")
	assert.True(t, errors.Is(err, ErrNotHLL))
	assert.EqualError(t, err, "WRONGTYPE Key is not a valid HyperLogLog string value.")
	_, err = s.PFCount("h", "str")
	assert.ErrorIs(t, err, ErrNotHLL)
	assert.ErrorIs(t, s.PFMerge("str"), ErrNotHLL)

	_, err = s.RPush("list", "a")
	require.NoError(t, err)
	_, err = s.PFCount("list")
	assert.ErrorIs(t, err, ErrWrongType)
	assert.ErrorIs(t, s.PFMerge("dest", "list"), ErrWrongType)
	ok2, err := s.Exists("dest")
	require.NoError(t, err)
	assert.Zero(t, ok2)

	require.NoError(t, s.Set("bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f", 0))
	_, err = s.PFCount("bad")
	assert.ErrorIs(t, err, ErrHLLCorrupt)
	assert.EqualError(t, err, "INVALIDOBJ Corrupted HLL object detected")
	_, err = s.Do("PFCOUNT", "bad")
	assert.ErrorIs(t, err, ErrHLLCorrupt)
	assert.ErrorIs(t, s.PFMerge("m", "bad"), ErrHLLCorrupt)

	_, err = s.PFCount()
	assert.ErrorIs(t, err, ErrWrongArity)
}

func TestHLLEstimator(t *testing.T) {
	var h [64]int
	h[0] = hllRegisters
	assert.Equal(t, int64(0), hllEstimate(&h), "an empty HyperLogLog")
	h[0], h[1] = hllRegisters-1, 1
	assert.Equal(t, int64(1), hllEstimate(&h))
	h = [64]int{}
	h[hllQ+1] = hllRegisters
	assert.Equal(t, int64(math.MinInt64), hllEstimate(&h), "every register saturated: llround of +Inf")
}

func BenchmarkPFAddDense(b *testing.B) {
	s, _ := New()
	defer s.Close()
	for i := range 5000 {
		s.PFAdd("h", strconv.Itoa(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s.PFAdd("h", strconv.Itoa(i%5000))
	}
}
