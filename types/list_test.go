package types

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func listOf(vs ...string) *List {
	l := NewList()
	for _, v := range vs {
		l.PushBack(v)
	}
	return l
}

func TestListPushPop(t *testing.T) {
	l := NewList()
	assert.Equal(t, 0, l.Len())
	_, ok := l.PopFront()
	assert.False(t, ok)
	_, ok = l.PopBack()
	assert.False(t, ok)

	l.PushBack("b")
	l.PushFront("a")
	l.PushBack("c")
	assert.Equal(t, []string{"a", "b", "c"}, l.Values())
	assert.Equal(t, "quicklist", l.Encoding())

	v, ok := l.PopFront()
	assert.True(t, ok)
	assert.Equal(t, "a", v)
	v, ok = l.PopBack()
	assert.True(t, ok)
	assert.Equal(t, "c", v)
	assert.Equal(t, []string{"b"}, l.Values())
}

func TestListAtSet(t *testing.T) {
	l := NewListSize(3)
	for i := range 20 {
		l.PushFront(strconv.Itoa(i)) // wraps around the ring
	}
	assert.Equal(t, "19", l.At(0))
	assert.Equal(t, "0", l.At(19))
	l.Set(5, "x")
	assert.Equal(t, "x", l.At(5))
	assert.Panics(t, func() { l.At(20) })
	assert.Panics(t, func() { l.At(-1) })
	assert.Panics(t, func() { l.Set(20, "") })
}

func TestListInsertRemoveAt(t *testing.T) {
	l := listOf("a", "b", "c", "d")
	l.Insert(0, "0")
	l.Insert(5, "e")
	l.Insert(2, "x")
	l.Insert(5, "y")
	assert.Equal(t, []string{"0", "a", "x", "b", "c", "y", "d", "e"}, l.Values())
	l.RemoveAt(1)
	l.RemoveAt(5)
	l.RemoveAt(0)
	l.RemoveAt(l.Len() - 1)
	assert.Equal(t, []string{"x", "b", "c", "y"}, l.Values())
	assert.Panics(t, func() { l.Insert(5, "z") })
	assert.Panics(t, func() { l.RemoveAt(4) })
}

func TestListDrop(t *testing.T) {
	l := listOf("a", "b", "c", "d", "e")
	l.DropFront(2)
	assert.Equal(t, []string{"c", "d", "e"}, l.Values())
	l.DropBack(1)
	assert.Equal(t, []string{"c", "d"}, l.Values())
	l.DropBack(-1)
	l.DropFront(0)
	assert.Equal(t, []string{"c", "d"}, l.Values())
	l.DropFront(10)
	assert.Equal(t, 0, l.Len())
	l.PushBack("z")
	assert.Equal(t, []string{"z"}, l.Values())
}

func TestListRemove(t *testing.T) {
	cases := []struct {
		count   int64
		want    []string
		removed int64
	}{
		{0, []string{"b", "c"}, 3},
		{1, []string{"b", "a", "c", "a"}, 1},
		{2, []string{"b", "c", "a"}, 2},
		{10, []string{"b", "c"}, 3},
		{-1, []string{"a", "b", "a", "c"}, 1},
		{-2, []string{"a", "b", "c"}, 2},
		{-10, []string{"b", "c"}, 3},
		{math.MinInt64, []string{"b", "c"}, 3},
	}
	for _, c := range cases {
		l := listOf("a", "b", "a", "c", "a")
		assert.Equal(t, c.removed, l.Remove("a", c.count), "count %d", c.count)
		assert.Equal(t, c.want, l.Values(), "count %d", c.count)
	}
	l := listOf("a", "a")
	assert.Equal(t, int64(2), l.Remove("a", 0))
	assert.Equal(t, 0, l.Len())
	assert.Equal(t, int64(0), l.Remove("a", 0))
}

func TestListAppendRange(t *testing.T) {
	l := listOf("a", "b", "c", "d")
	assert.Equal(t, []string{"b", "c"}, l.AppendRange(nil, 1, 2, false))
	assert.Equal(t, []string{"x", "d", "c", "b"}, l.AppendRange([]string{"x"}, 1, 3, true))
	assert.Empty(t, l.AppendRange(nil, 2, 1, false))
	assert.Empty(t, l.AppendRange(nil, 0, 4, false))
}

func TestListClone(t *testing.T) {
	l := listOf("a", "b")
	l.PushFront("z")
	c := l.Clone()
	c.Set(0, "changed")
	c.PushBack("more")
	assert.Equal(t, []string{"z", "a", "b"}, l.Values())
	assert.Equal(t, []string{"changed", "a", "b", "more"}, c.Values())
	assert.Equal(t, 0, NewList().Clone().Len())
}

func TestListShrinks(t *testing.T) {
	l := NewList()
	for i := range 10000 {
		l.PushBack(strconv.Itoa(i))
	}
	big := len(l.buf)
	for range 9990 {
		l.PopFront()
	}
	assert.Less(t, len(l.buf), big/100)
	assert.Equal(t, "9990", l.At(0))
	l.DropBack(9)
	assert.Equal(t, []string{"9990"}, l.Values())
}

// TestListModel runs random operations on a List and on a plain slice and
// compares them after each.
func TestListModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	l := NewList()
	var model []string
	vals := []string{"a", "b", "c", ""}
	for step := range 50000 {
		v := vals[r.IntN(len(vals))]
		switch op := r.IntN(11); op {
		case 0, 1:
			l.PushBack(v)
			model = append(model, v)
		case 2, 3:
			l.PushFront(v)
			model = slices.Insert(model, 0, v)
		case 4:
			got, ok := l.PopFront()
			require.Equal(t, len(model) > 0, ok)
			if ok {
				require.Equal(t, model[0], got)
				model = model[1:]
			}
		case 5:
			got, ok := l.PopBack()
			require.Equal(t, len(model) > 0, ok)
			if ok {
				require.Equal(t, model[len(model)-1], got)
				model = model[:len(model)-1]
			}
		case 6:
			i := r.IntN(len(model) + 1)
			l.Insert(i, v)
			model = slices.Insert(model, i, v)
		case 7:
			if len(model) > 0 {
				i := r.IntN(len(model))
				l.RemoveAt(i)
				model = slices.Delete(model, i, i+1)
			}
		case 8:
			count := int64(r.IntN(5) - 2)
			want := modelRemove(model, v, count)
			require.Equal(t, int64(len(model)-len(want)), l.Remove(v, count))
			model = want
		case 9:
			k := r.IntN(3)
			if r.IntN(2) == 0 {
				l.DropFront(k)
				model = model[min(k, len(model)):]
			} else {
				l.DropBack(k)
				model = model[:len(model)-min(k, len(model))]
			}
		case 10:
			if len(model) > 0 {
				i := r.IntN(len(model))
				l.Set(i, v)
				model[i] = v
			}
		}
		require.Equal(t, len(model), l.Len(), "step %d", step)
		if step%97 == 0 {
			require.Equal(t, append([]string{}, model...), l.Values(), "step %d", step)
			checkRing(t, l)
		}
	}
}

// modelRemove is LREM on a slice.
func modelRemove(s []string, v string, count int64) []string {
	keep := make([]bool, len(s))
	for i := range keep {
		keep[i] = true
	}
	var removed int64
	if count >= 0 {
		for i := range s {
			if s[i] == v && (count == 0 || removed < count) {
				keep[i], removed = false, removed+1
			}
		}
	} else {
		for i := len(s) - 1; i >= 0; i-- {
			if s[i] == v && removed < -count {
				keep[i], removed = false, removed+1
			}
		}
	}
	out := []string{}
	for i := range s {
		if keep[i] {
			out = append(out, s[i])
		}
	}
	return out
}

// checkRing checks the buffer's invariants: a power-of-two size that holds
// the elements, and no reference kept in a slot outside them.
func checkRing(t *testing.T, l *List) {
	t.Helper()
	c := len(l.buf)
	require.True(t, c&(c-1) == 0, "buffer size %d", c)
	require.LessOrEqual(t, l.n, c)
	for i := l.n; i < c; i++ {
		require.Equal(t, "", l.buf[(l.head+i)&(c-1)], "slot %d outside the elements holds a value", i)
	}
}
