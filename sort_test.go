package racefree

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name:      "sort",
		commands:  []string{"sort", "sort_ro"},
		templates: sortTemplates,
	})
}

// implemented reports whether a command works yet (it runs it on a scratch
// store), so that the random SORT sequences build lists and sorted sets
// only once their families exist.
func implemented(args ...any) func() bool {
	return sync.OnceValue(func() (ok bool) {
		s, err := New()
		if err != nil {
			return false
		}
		defer func() {
			if recover() != nil {
				ok = false // the store's lock is still held: leave it
				return
			}
			s.Close()
		}()
		_, err = s.Do(args...)
		return err == nil
	})
}

var (
	listsImplemented = implemented("RPUSH", "l", "a")
	zsetsImplemented = implemented("ZADD", "z", "1", "a")
)

// Pools for the random SORT commands. No element holds a NUL byte: ALPHA
// compares up to the first one, so two such elements would tie and come
// in Redis's hash table order.
var (
	sortMembers   = []string{"1", "2", "3", "4", "10", "-1", "0", "2.5", "1e3", "a", "b", "B", "k1", "x y", "", " 7"}
	sortPatterns  = []string{"k*", "*", "{t}*", "k*->f1", "{t}*->f2", "nosuch_*", "*->f1"}
	sortGets      = []string{"#", "k*", "k*->f1", "*", "nosuch", "{t}*->f3", "*->f2"}
	sortLimitArgs = [][]string{{"0", "2"}, {"1", "1"}, {"-1", "3"}, {"2", "-1"}, {"0", "0"}, {"5", "10"}, {"1", "100"}}
)

// sortOptions returns random GET, DESC and LIMIT options.
func sortOptions(r *rand.Rand, limit bool) []string {
	var out []string
	for range r.IntN(3) {
		out = append(out, "GET", pick(r, sortGets))
	}
	if r.IntN(2) == 0 {
		out = append(out, pick(r, []string{"DESC", "ASC", "desc"}))
	}
	if limit && r.IntN(2) == 0 {
		out = append(out, "LIMIT")
		out = append(out, pick(r, sortLimitArgs)...)
	}
	return out
}

// The keys hold sets, lists, sorted sets (SORT's sources), strings and
// hashes (BY and GET values), or other types (errors). Sorting is compared
// exactly where Redis's result does not depend on the order of a hash
// table: numeric sorts (ties go by the element's bytes) and ALPHA without
// BY. ALPHA by a pattern and BY nosort are compared sorted (whole results)
// or by shape (a LIMIT of them); STORE only with the deterministic forms,
// since the keyspace is compared at the end.
var sortTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		args := []string{"SADD", pick(r, randomKeys)}
		for range 1 + r.IntN(5) {
			args = append(args, pick(r, sortMembers))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"SADD", pick(r, randomKeys)}
		for range 1 + r.IntN(5) {
			args = append(args, strconv.Itoa(r.IntN(20)-5))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		if !listsImplemented() {
			return []string{"SCARD", pick(r, randomKeys)}
		}
		args := []string{"RPUSH", pick(r, randomKeys)}
		for range 1 + r.IntN(5) {
			args = append(args, pick(r, sortMembers))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		if !zsetsImplemented() {
			return []string{"SCARD", pick(r, randomKeys)}
		}
		args := []string{"ZADD", pick(r, randomKeys)}
		for range 1 + r.IntN(4) {
			args = append(args, strconv.Itoa(r.IntN(5)), pick(r, sortMembers))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"SET", pick(r, randomKeys), pick(r, append([]string{"1", "2", "-3", "0.5", "x"}, randomValues[:11]...))}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), pick(r, []string{"1", "2", "b", "a", "-1", "x"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, randomKeys)} }},
	// Numeric, with or without BY a pattern.
	{make: func(r *rand.Rand) []string {
		args := []string{pick(r, []string{"SORT", "SORT_RO"}), pick(r, randomKeys)}
		if r.IntN(2) == 0 {
			args = append(args, "BY", pick(r, sortPatterns))
		}
		return append(args, sortOptions(r, true)...)
	}},
	// ALPHA without BY.
	{make: func(r *rand.Rand) []string {
		return append([]string{pick(r, []string{"SORT", "SORT_RO"}), pick(r, randomKeys), "ALPHA"}, sortOptions(r, true)...)
	}},
	// ALPHA by a pattern, and BY nosort: the whole result, sorted.
	{mode: "sorted", make: func(r *rand.Rand) []string {
		args := []string{"SORT", pick(r, randomKeys), "BY", pick(r, append([]string{"nosort"}, sortPatterns...))}
		if r.IntN(2) == 0 {
			args = append(args, "ALPHA")
		}
		return append(args, sortOptions(r, false)...)
	}},
	{mode: "shape", make: func(r *rand.Rand) []string {
		args := []string{"SORT", pick(r, randomKeys), "BY", pick(r, append([]string{"nosort"}, sortPatterns...)), "ALPHA"}
		return append(args, sortOptions(r, true)...)
	}},
	// STORE, in the forms whose order is Redis's whatever the source.
	{make: func(r *rand.Rand) []string {
		if !listsImplemented() {
			return []string{"SORT", pick(r, randomKeys), "ALPHA"}
		}
		args := []string{"SORT", pick(r, randomKeys)}
		switch r.IntN(3) {
		case 0:
			args = append(args, "ALPHA")
		case 1:
			args = append(args, "BY", "nosort")
		}
		return append(append(args, sortOptions(r, true)...), "STORE", pick(r, randomKeys))
	}},
	// Errors: syntax, SORT_RO with STORE, bad LIMIT.
	{make: func(r *rand.Rand) []string {
		return pick(r, [][]string{
			{"SORT", pick(r, randomKeys), "FOO"},
			{"SORT_RO", pick(r, randomKeys), "STORE", pick(r, randomKeys)},
			{"SORT", pick(r, randomKeys), "LIMIT", "x", "1"},
			{"SORT", pick(r, randomKeys), "LIMIT", "1"},
			{"SORT", pick(r, randomKeys), "GET"},
			{"SORT", pick(r, randomKeys), "BY"},
		})
	}},
}

// ---- typed API ----

func TestSortTypedBasics(t *testing.T) {
	s := newTestStore(t)
	_, err := s.SAdd("s", "10", "2", "-3", "7")
	require.NoError(t, err)
	got, err := s.Sort("s", SortArgs{})
	require.NoError(t, err)
	assert.Equal(t, []string{"-3", "2", "7", "10"}, got)
	got, err = s.Sort("s", SortArgs{Order: SortDesc})
	require.NoError(t, err)
	assert.Equal(t, []string{"10", "7", "2", "-3"}, got)
	got, err = s.Sort("s", SortArgs{Alpha: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"-3", "10", "2", "7"}, got)
	got, err = s.Sort("s", SortArgs{Offset: 1, Count: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"2", "7"}, got)
	got, err = s.Sort("s", SortArgs{Offset: 2, Count: -1})
	require.NoError(t, err)
	assert.Equal(t, []string{"7", "10"}, got)
	got, err = s.SortRO("s", SortArgs{Order: "desc", Offset: 0, Count: 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"10"}, got)

	require.NoError(t, s.Set("w_10", "1", 0))
	require.NoError(t, s.Set("w_2", "4", 0))
	require.NoError(t, s.Set("w_-3", "3", 0))
	require.NoError(t, s.Set("w_7", "2", 0))
	got, err = s.Sort("s", SortArgs{By: "w_*"})
	require.NoError(t, err)
	assert.Equal(t, []string{"10", "7", "-3", "2"}, got)
	_, err = s.HSet("h_2", "name", "two")
	require.NoError(t, err)
	got, err = s.Sort("s", SortArgs{By: "w_*", Get: []string{"#", "h_*->name", "w_*"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"10", "", "1", "7", "", "2", "-3", "", "3", "2", "two", "4"}, got)
	got, err = s.Sort("s", SortArgs{By: "nosort"})
	require.NoError(t, err)
	assert.Equal(t, []string{"-3", "2", "7", "10"}, got, "an intset's own order")
}

func TestSortStoreTyped(t *testing.T) {
	s := newTestStore(t)
	_, err := s.SAdd("s", "b", "c", "a")
	require.NoError(t, err)
	require.NoError(t, s.Set("dst", "old", time.Hour))
	n, err := s.SortStore("s", "dst", SortArgs{By: "nosort"})
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	typ, _ := s.Type("dst")
	assert.Equal(t, "list", typ)
	ttl, err := s.TTL("dst")
	require.NoError(t, err)
	assert.Equal(t, time.Duration(TTLNoExpiry), ttl, "STORE replaces the key and its TTL")
	if listsImplemented() {
		v, err := s.Do("LRANGE", "dst", 0, -1)
		require.NoError(t, err)
		assert.Equal(t, []any{"a", "b", "c"}, v, "a set sorted BY nosort into STORE is sorted as strings")
	}
	n, err = s.SortStore("nosuch", "dst", SortArgs{})
	require.NoError(t, err)
	assert.Zero(t, n)
	e, _ := s.Exists("dst")
	assert.Zero(t, e, "an empty result deletes the destination")
	n, err = s.SortStore("s", "dst", SortArgs{Get: []string{"nosuch_*"}, Alpha: true})
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
}

func TestSortTypedErrors(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("str", "x", 0))
	_, err := s.SAdd("s", "1", "a")
	require.NoError(t, err)

	_, err = s.Sort("str", SortArgs{})
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.SortRO("str", SortArgs{})
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.SortStore("str", "d", SortArgs{})
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.Sort("s", SortArgs{})
	assert.ErrorIs(t, err, ErrSortNotFloat)
	_, err = s.SortStore("s", "d", SortArgs{})
	assert.ErrorIs(t, err, ErrSortNotFloat)
	e, _ := s.Exists("d")
	assert.Zero(t, e, "nothing stored on an error")
	_, err = s.Sort("s", SortArgs{Order: "sideways"})
	assert.ErrorIs(t, err, ErrSyntax)

	got, err := s.Sort("nosuch", SortArgs{})
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)

	_, err = s.Do("SORT_RO", "s", "STORE", "d")
	assert.ErrorIs(t, err, ErrSyntax)
	_, err = s.Do("SORT", "s", "LIMIT", "x", "1")
	assert.ErrorIs(t, err, ErrNotInteger)
	_, err = s.Do("SORT", "s")
	assert.ErrorIs(t, err, ErrSortNotFloat)
	assert.Equal(t, "ERR One or more scores can't be converted into double", err.Error())
}

func TestSortNumbers(t *testing.T) {
	for _, c := range []struct {
		in string
		v  float64
		ok bool
	}{
		{"", 0, true}, {"1", 1, true}, {" 1", 1, true}, {"\t\n\v\f\r 2", 2, true}, {"+3", 3, true},
		{"0x10", 16, true}, {".5", 0.5, true}, {"5.", 5, true}, {"1e3", 1000, true},
		{"0x1p-1074", 0x1p-1074, true}, {"0x1.8p-1073", 3 * 0x1p-1074, true}, {"0e-999", 0, true},
		{"2.2250738585072014e-308", 2.2250738585072014e-308, true},
		{"1 ", 0, false}, {"   ", 0, false}, {"nan", 0, false}, {"0x", 0, false}, {"abc", 0, false},
		{"1e400", 0, false}, {"1e-310", 0, false}, {"4.9406564584124654e-324", 0, false}, {"1e-400", 0, false},
		{"2.2250738585072011e-308", 0, false},
	} {
		v, ok := sortScore(c.in)
		assert.Equal(t, c.ok, ok, "%q", c.in)
		if c.ok {
			assert.Equal(t, c.v, v, "%q", c.in)
		}
	}
	inf, ok := sortScore("-Infinity")
	assert.True(t, ok)
	assert.True(t, inf < -1e308)
}

// TestSortPartialMatchesFull checks that the partial sort puts in the
// requested range exactly what a full sort puts there, for many shapes.
func TestSortPartialMatchesFull(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	c := sortComparator(false, true, false, false)
	for range 2000 {
		n := r.IntN(120)
		items := make([]sortItem, n)
		for i := range items {
			items[i] = sortItem{elem: strconv.Itoa(r.IntN(50)), score: float64(r.IntN(10))}
		}
		full := slices.Clone(items)
		slices.SortStableFunc(full, c)
		lo, hi := sortLimits(int64(r.IntN(n+2)-1), int64(r.IntN(n+2)-1), n)
		part := slices.Clone(items)
		pqsort(part, lo, hi, func(a, b *sortItem) int { return c(*a, *b) })
		for i := lo; i <= hi; i++ {
			require.Equal(t, full[i].score, part[i].score, "n=%d lo=%d hi=%d i=%d", n, lo, hi, i)
			require.Equal(t, full[i].elem, part[i].elem, "n=%d lo=%d hi=%d i=%d", n, lo, hi, i)
		}
	}
}

func TestSortTypedMatchesDo(t *testing.T) {
	typed, do := newTestStore(t), newTestStore(t)
	for _, s := range []*Store{typed, do} {
		_, err := s.SAdd("s", "3", "1", "2", "x")
		require.NoError(t, err)
		_, err = s.SAdd("n", "30", "10", "20")
		require.NoError(t, err)
		require.NoError(t, s.Set("w_10", "c", 0))
		require.NoError(t, s.Set("w_20", "a", 0))
	}
	list := func(v []string, err error) any {
		if err != nil {
			return err.Error()
		}
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = s
		}
		return out
	}
	res := func(v any, err error) any {
		if err != nil {
			return err.Error()
		}
		return v
	}
	steps := []struct {
		typed func() any
		do    []any
	}{
		{func() any { return list(typed.Sort("n", SortArgs{})) }, []any{"SORT", "n"}},
		{func() any { return list(typed.Sort("s", SortArgs{})) }, []any{"SORT", "s"}},
		{func() any { return list(typed.Sort("s", SortArgs{Alpha: true, Order: SortDesc})) }, []any{"SORT", "s", "ALPHA", "DESC"}},
		{func() any { return list(typed.SortRO("n", SortArgs{Offset: 1, Count: 1})) }, []any{"SORT_RO", "n", "LIMIT", 1, 1}},
		{func() any { return list(typed.Sort("n", SortArgs{By: "w_*", Alpha: true})) }, []any{"SORT", "n", "BY", "w_*", "ALPHA"}},
		{func() any { return list(typed.Sort("n", SortArgs{Get: []string{"#", "w_*"}, Alpha: true})) }, []any{"SORT", "n", "GET", "#", "GET", "w_*", "ALPHA"}},
		{func() any { return res(typed.SortStore("n", "d", SortArgs{Order: SortDesc})) }, []any{"SORT", "n", "DESC", "STORE", "d"}},
		{func() any { return res(typed.SortStore("nosuch", "d", SortArgs{})) }, []any{"SORT", "nosuch", "STORE", "d"}},
		{func() any { return res(typed.Exists("d")) }, []any{"EXISTS", "d"}},
	}
	for i, st := range steps {
		want := st.typed()
		got, err := do.Do(st.do...)
		if err != nil {
			assert.Equal(t, want, err.Error(), "step %d: %v", i, st.do)
			continue
		}
		if len(st.do) > 5 && st.do[1] == "n" && st.do[2] == "GET" {
			// Do keeps the nil of a GET that finds nothing; Sort gives "".
			for j, v := range got.([]any) {
				if v == nil {
					got.([]any)[j] = ""
				}
			}
		}
		assert.Equal(t, want, got, "step %d: %v", i, st.do)
	}
}

func TestSortConvertsZSet(t *testing.T) {
	if !zsetsImplemented() {
		t.Skip("sorted sets are not implemented yet")
	}
	s := newTestStore(t)
	_, err := s.Do("ZADD", "z", 2, "b", 1, "a")
	require.NoError(t, err)
	enc, _, _ := s.ObjectEncoding("z")
	assert.Equal(t, "listpack", enc)
	got, err := s.SortRO("z", SortArgs{By: "nosort", Order: SortDesc})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "a"}, got)
	enc, _, _ = s.ObjectEncoding("z")
	assert.Equal(t, "skiplist", enc, "SORT converts a sorted set for good, as Redis does")
}

func TestSortStoreWakesBlockedPop(t *testing.T) {
	s := newTestStore(t)
	_, err := s.SAdd("s", "2", "1")
	require.NoError(t, err)
	type popped struct {
		key, value string
		ok         bool
		err        error
	}
	done := make(chan popped, 1)
	go func() {
		k, v, ok, err := s.BLPop(context.Background(), 5*time.Second, "dst")
		done <- popped{k, v, ok, err}
	}()
	// Wait until the pop is blocked, then store into its key.
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.waiters) > 0
	}, 5*time.Second, time.Millisecond)
	n, err := s.SortStore("s", "dst", SortArgs{})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	p := <-done
	require.NoError(t, p.err)
	assert.True(t, p.ok)
	assert.Equal(t, "dst", p.key)
	assert.Equal(t, "1", p.value)
	v, err := s.Do("LRANGE", "dst", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []any{"2"}, v)
}

func TestSortInView(t *testing.T) {
	s := newTestStore(t)
	_, err := s.SAdd("s", "2", "1")
	require.NoError(t, err)
	require.NoError(t, s.View(func(tx *Tx) error {
		got, err := tx.SortRO("s", SortArgs{})
		assert.Equal(t, []string{"1", "2"}, got)
		_, werr := tx.Sort("s", SortArgs{})
		assert.ErrorIs(t, werr, ErrTxReadOnly)
		_, werr = tx.SortStore("s", "d", SortArgs{})
		assert.ErrorIs(t, werr, ErrTxReadOnly)
		_, werr = tx.Do("SORT", "s")
		assert.ErrorIs(t, werr, ErrTxReadOnly)
		v, derr := tx.Do("SORT_RO", "s", "DESC")
		assert.NoError(t, derr)
		assert.Equal(t, []any{"2", "1"}, v)
		return err
	}))
}

// SORT by the values of other keys, fetching other keys' values.
func Example_sort() {
	s, _ := New()
	defer s.Close()

	s.SAdd("users", "1", "2", "3")
	s.Set("score:1", "30", 0)
	s.Set("score:2", "10", 0)
	s.Set("score:3", "20", 0)
	s.HSet("user:1", "name", "ann")
	s.HSet("user:2", "name", "bob")
	s.HSet("user:3", "name", "cy")
	names, _ := s.Sort("users", SortArgs{By: "score:*", Order: SortDesc, Get: []string{"user:*->name"}})
	fmt.Println(names)
	n, _ := s.SortStore("users", "ranked", SortArgs{By: "score:*", Count: 2})
	fmt.Println(n)
	// Output:
	// [ann cy bob]
	// 2
}
