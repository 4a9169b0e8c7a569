package types

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSetInt(t *testing.T) {
	for _, c := range []struct {
		in string
		v  int64
		ok bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"-1", -1, true}, {"123", 123, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false},
		{"", 0, false}, {"-", 0, false}, {"-0", 0, false}, {"01", 0, false}, {"+1", 0, false},
		{" 1", 0, false}, {"1 ", 0, false}, {"1.0", 0, false}, {"1e3", 0, false}, {"abc", 0, false},
		{"99999999999999999999", 0, false}, {"123456789012345678901", 0, false},
	} {
		v, ok := ParseSetInt(c.in)
		assert.Equal(t, c.ok, ok, c.in)
		assert.Equal(t, c.v, v, c.in)
	}
}

func TestSetIntset(t *testing.T) {
	s := NewSet(nil)
	assert.Equal(t, "intset", s.Encoding())
	assert.True(t, s.Add("3"))
	assert.True(t, s.Add("-1"))
	assert.True(t, s.Add("2"))
	assert.False(t, s.Add("2"))
	assert.Equal(t, 3, s.Len())
	assert.True(t, s.Intset())
	assert.Equal(t, []string{"-1", "2", "3"}, s.Members())
	assert.True(t, s.Has("2"))
	assert.False(t, s.Has("02"))
	assert.False(t, s.Has("x"))
	assert.False(t, s.Remove("x"))
	assert.False(t, s.Remove("5"))
	assert.True(t, s.Remove("2"))
	assert.Equal(t, []string{"-1", "3"}, s.Members())
	assert.Equal(t, "3", s.At(1))
	assert.Equal(t, "-1", s.RemoveAt(0))
	assert.Equal(t, []string{"3"}, s.Members())
	assert.Equal(t, "intset", s.Encoding())
}

func TestSetConvertsOnNonInteger(t *testing.T) {
	s := NewSet(nil)
	s.Add("1")
	s.Add("2")
	assert.True(t, s.Add("a"))
	assert.Equal(t, "hashtable", s.Encoding())
	assert.ElementsMatch(t, []string{"1", "2", "a"}, s.Members())
	assert.True(t, s.Has("1"))
	assert.True(t, s.Remove("a"))
	assert.Equal(t, "hashtable", s.Encoding(), "a hashtable never goes back")
	assert.True(t, s.Add("01"))
	assert.True(t, s.Has("01"))
	assert.True(t, s.Has("1"))
}

func TestSetConvertsPast512(t *testing.T) {
	s := NewSet(nil)
	for i := range int(defaultLimits.SetMaxIntsetEntries) {
		require.True(t, s.Add(strconv.Itoa(int(defaultLimits.SetMaxIntsetEntries)-i)))
	}
	assert.Equal(t, "intset", s.Encoding())
	m := s.Members()
	assert.True(t, slices.IsSortedFunc(m, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	}))
	assert.False(t, s.Add("1"), "a duplicate does not convert")
	assert.Equal(t, "intset", s.Encoding())
	assert.True(t, s.Add("0"))
	assert.Equal(t, "hashtable", s.Encoding())
	assert.Equal(t, int(defaultLimits.SetMaxIntsetEntries)+1, s.Len())
	for i := 0; i <= int(defaultLimits.SetMaxIntsetEntries); i++ {
		require.True(t, s.Has(strconv.Itoa(i)))
	}
}

func TestSetEachStops(t *testing.T) {
	for _, members := range [][]string{{"1", "2", "3"}, {"a", "b", "c"}} {
		s := NewSet(nil)
		for _, m := range members {
			s.Add(m)
		}
		n := 0
		s.Each(func(string) bool { n++; return n < 2 })
		assert.Equal(t, 2, n, s.Encoding())
	}
}

func TestSetClone(t *testing.T) {
	s := NewSet(nil)
	s.Add("1")
	s.Add("2")
	c := s.Clone()
	c.Add("3")
	assert.Equal(t, 2, s.Len())
	assert.Equal(t, "intset", c.Encoding())
	s.Add("x")
	h := s.Clone()
	assert.Equal(t, "hashtable", h.Encoding())
	assert.Equal(t, s.Members(), h.Members())
	h.Remove("x")
	assert.True(t, s.Has("x"))
	assert.False(t, h.Has("x"))
}

func TestSetScan(t *testing.T) {
	s := NewSet(nil)
	s.Add("3")
	s.Add("1")
	var got []string
	next := s.Scan(12345, 1, func(m string) { got = append(got, m) })
	assert.Equal(t, uint64(0), next, "an intset comes whole")
	assert.Equal(t, []string{"1", "3"}, got)

	h := NewSet(nil)
	for i := range 100 {
		h.Add("m" + strconv.Itoa(i))
	}
	seen := map[string]int{}
	cursor := uint64(0)
	r := rand.New(rand.NewPCG(1, 2))
	for steps := 0; ; steps++ {
		require.Less(t, steps, 1000)
		cursor = h.Scan(cursor, 7, func(m string) { seen[m]++ })
		// Delete members already returned and add new ones meanwhile: the
		// members present throughout must still all come.
		if r.IntN(2) == 0 {
			for m := range seen {
				h.Remove(m)
				break
			}
			h.Add("new" + strconv.Itoa(steps))
		}
		if cursor == 0 {
			break
		}
	}
	for i := range 100 {
		m := "m" + strconv.Itoa(i)
		if h.Has(m) {
			assert.Positive(t, seen[m], m)
		}
	}
}

func TestSetRemoveAtHashtable(t *testing.T) {
	s := NewSet(nil)
	for _, m := range []string{"a", "b", "c", "d"} {
		s.Add(m)
	}
	m := s.RemoveAt(1)
	assert.Equal(t, "b", m)
	assert.Equal(t, 3, s.Len())
	assert.False(t, s.Has("b"))
	assert.ElementsMatch(t, []string{"a", "c", "d"}, s.Members())
	for s.Len() > 0 {
		s.RemoveAt(0)
	}
	assert.Empty(t, s.Members())
	assert.Equal(t, "hashtable", s.Encoding())
}

func TestSetShrinks(t *testing.T) {
	s := NewSet(nil)
	for i := range 1000 {
		s.Add("k" + strconv.Itoa(i))
	}
	for i := range 990 {
		require.True(t, s.Remove("k"+strconv.Itoa(i)))
	}
	assert.Equal(t, 10, s.Len())
	assert.Less(t, cap(s.members), 100)
	for i := 990; i < 1000; i++ {
		assert.True(t, s.Has("k"+strconv.Itoa(i)))
	}
}
