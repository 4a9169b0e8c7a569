package racefree

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "hashes",
		commands: []string{"hset", "hsetnx", "hget", "hmget", "hmset", "hgetall", "hdel", "hexists", "hincrby",
			"hincrbyfloat", "hkeys", "hvals", "hlen", "hstrlen", "hrandfield", "hscan"},
		templates: hashTemplates,
	})
}

// Pools for the random hash commands.
var (
	hashIncrs       = []string{"0", "1", "-1", "5", "-100", "9223372036854775807", "-9223372036854775808", "1.5", "abc", ""}
	hashFloatIncrs  = []string{"0", "1", "-1", "0.1", "10.5", "-2.25", "1e3", "0x10", "inf", "-inf", "nan", "abc", "1e40", "-1e40", ".5"}
	hashRandCounts  = []string{"0", "1", "2", "-1", "-3", "-10", "4", "5", "100", "abc", "-9223372036854775808"}
	hashScanCursors = []string{"0", "0", "1", "17", "-1", "x", ""}
)

// stringsImplemented reports whether SET works yet, so that the random hash
// sequences make keys of another type only once the string family exists.
var stringsImplemented = sync.OnceValue(func() bool {
	s, err := New()
	if err != nil {
		return false
	}
	defer s.Close()
	_, err = s.Do("SET", "k", "v")
	return err == nil
})

// hashFieldArgs returns 1 to n random fields.
func hashFieldArgs(r *rand.Rand, n int) []string {
	var out []string
	for range 1 + r.IntN(n) {
		out = append(out, pick(r, randomFields))
	}
	return out
}

// Every hash in these sequences has at most four short fields (no value
// grows past 64 bytes: the increments stay small), so it stays a
// listpack and replies in insertion order on both sides: replies are
// compared exactly except for random picks.
var hashTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		args := []string{pick(r, []string{"HSET", "HMSET"}), pick(r, randomKeys)}
		for range 1 + r.IntN(3) {
			args = append(args, pick(r, randomFields), pick(r, randomValues))
		}
		if r.IntN(12) == 0 {
			args = args[:len(args)-1] // an odd count
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HSETNX", pick(r, randomKeys), pick(r, randomFields), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"HGET", pick(r, randomKeys), pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string {
		return append([]string{"HMGET", pick(r, randomKeys)}, hashFieldArgs(r, 4)...)
	}},
	{make: func(r *rand.Rand) []string {
		return []string{pick(r, []string{"HGETALL", "HKEYS", "HVALS", "HLEN"}), pick(r, randomKeys)}
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"HDEL", pick(r, randomKeys)}, hashFieldArgs(r, 3)...)
	}},
	{make: func(r *rand.Rand) []string {
		return []string{pick(r, []string{"HEXISTS", "HSTRLEN"}), pick(r, randomKeys), pick(r, randomFields)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HINCRBY", pick(r, randomKeys), pick(r, randomFields), pick(r, hashIncrs)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HINCRBYFLOAT", pick(r, randomKeys), pick(r, randomFields), pick(r, hashFloatIncrs)}
	}},
	{mode: "shape", make: func(r *rand.Rand) []string { return []string{"HRANDFIELD", pick(r, randomKeys)} }},
	{mode: "shape", make: func(r *rand.Rand) []string {
		args := []string{"HRANDFIELD", pick(r, randomKeys), pick(r, hashRandCounts)}
		if r.IntN(2) == 0 {
			args = append(args, pick(r, []string{"WITHVALUES", "withvalues", "x"}))
		}
		return args
	}},
	// A count of at least the hash's size is the whole hash, in order.
	{make: func(r *rand.Rand) []string {
		args := []string{"HRANDFIELD", pick(r, randomKeys), pick(r, []string{"0", "4", "5", "100"})}
		if r.IntN(2) == 0 {
			args = append(args, "WITHVALUES")
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"HSCAN", pick(r, randomKeys), pick(r, hashScanCursors)}
		for range r.IntN(3) {
			args = append(args, pick(r, [][]string{
				{"MATCH", "*"}, {"MATCH", "f[12]"}, {"match", "*3"}, {"COUNT", "1"}, {"COUNT", "100"},
				{"COUNT", "0"}, {"COUNT", "x"}, {"TYPE", "hash"}, {"MATCH"},
			})...)
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		if !stringsImplemented() {
			return []string{"HLEN", pick(r, randomKeys)}
		}
		return []string{"SET", pick(r, randomKeys), pick(r, randomValues)}
	}},
}

// ---- typed API ----

func TestHashesTypedBasics(t *testing.T) {
	s := newTestStore(t)

	// A missing key is a normal result.
	v, ok, err := s.HGet("h", "f")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, "", v)
	m, err := s.HGetAll("h")
	require.NoError(t, err)
	assert.Empty(t, m)
	assert.NotNil(t, m)
	keys, err := s.HKeys("h")
	require.NoError(t, err)
	assert.Empty(t, keys)
	n, err := s.HLen("h")
	require.NoError(t, err)
	assert.Zero(t, n)
	vals, err := s.HMGet("h", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []*string{nil, nil}, vals)
	exists, err := s.HExists("h", "f")
	require.NoError(t, err)
	assert.False(t, exists)
	n, err = s.HDel("h", "f")
	require.NoError(t, err)
	assert.Zero(t, n)

	n, err = s.HSet("h", "b", "2", "a", "1", "b", "3")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.HSet("h", "c", "", "a", "10")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	v, ok, err = s.HGet("h", "b")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "3", v)

	m, err = s.HGetAll("h")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "10", "b": "3", "c": ""}, m)
	pairs, err := s.HGetAllPairs("h")
	require.NoError(t, err)
	assert.Equal(t, []HashPair{{"b", "3"}, {"a", "10"}, {"c", ""}}, pairs)
	keys, err = s.HKeys("h")
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "a", "c"}, keys)
	values, err := s.HVals("h")
	require.NoError(t, err)
	assert.Equal(t, []string{"3", "10", ""}, values)

	vals, err = s.HMGet("h", "a", "x", "c")
	require.NoError(t, err)
	require.Len(t, vals, 3)
	assert.Equal(t, "10", *vals[0])
	assert.Nil(t, vals[1])
	assert.Equal(t, "", *vals[2])

	n, err = s.HStrLen("h", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.HStrLen("h", "nope")
	require.NoError(t, err)
	assert.Zero(t, n)

	set, err := s.HSetNX("h", "a", "x")
	require.NoError(t, err)
	assert.False(t, set)
	set, err = s.HSetNX("h", "d", "4")
	require.NoError(t, err)
	assert.True(t, set)

	require.NoError(t, s.HMSet("h", "e", "5"))
	n, err = s.HLen("h")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)

	n, err = s.HSetMap("m", map[string]string{"z": "1", "y": "2", "x": "3"})
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	keys, _ = s.HKeys("m")
	assert.Equal(t, []string{"x", "y", "z"}, keys)

	// The key goes with its last field.
	n, err = s.HDel("h", "a", "b", "a", "c", "d", "e", "f")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	s.mu.Lock()
	_, there := s.dbs[0].keys["h"]
	s.mu.Unlock()
	assert.False(t, there)
}

func TestHashesTypedErrors(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("s", "v", 0))

	_, err := s.HSet("s", "f", "v")
	assert.ErrorIs(t, err, ErrWrongType)
	_, _, err = s.HGet("s", "f")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.HGetAll("s")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.HKeys("s")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.HMGet("s", "f")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.HIncrBy("s", "f", 1)
	assert.ErrorIs(t, err, ErrWrongType)
	_, _, err = s.HScan("s", 0, "", 0)
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.HRandField("s", 0)
	assert.ErrorIs(t, err, ErrWrongType)
	_, _, err = s.HRandFieldOne("s")
	assert.ErrorIs(t, err, ErrWrongType)

	_, err = s.HSet("h")
	assert.ErrorIs(t, err, ErrWrongArity)
	assert.EqualError(t, err, "ERR wrong number of arguments for 'hset' command")
	_, err = s.HSet("h", "f")
	assert.ErrorIs(t, err, ErrWrongArity)
	_, err = s.HSetMap("h", nil)
	assert.ErrorIs(t, err, ErrWrongArity)
	assert.ErrorIs(t, s.HMSet("h", "f"), ErrWrongArity)
	_, err = s.HDel("h")
	assert.ErrorIs(t, err, ErrWrongArity)
	_, err = s.HMGet("h")
	assert.ErrorIs(t, err, ErrWrongArity)

	_, err = s.HSet("h", "word", "abc", "max", "9223372036854775807", "flt", "1.5", "inf", "inf")
	require.NoError(t, err)
	_, err = s.HIncrBy("h", "word", 1)
	assert.ErrorIs(t, err, ErrHashNotInteger)
	_, err = s.HIncrBy("h", "flt", 1)
	assert.ErrorIs(t, err, ErrHashNotInteger)
	_, err = s.HIncrBy("h", "max", 1)
	assert.ErrorIs(t, err, ErrOverflow)
	_, err = s.HIncrByFloat("h", "word", 1)
	assert.ErrorIs(t, err, ErrHashNotFloat)
	_, err = s.HIncrByFloat("h", "f", math.Inf(1))
	assert.ErrorIs(t, err, ErrHashIncrInf)
	_, err = s.HIncrByFloat("h", "f", math.NaN())
	assert.ErrorIs(t, err, ErrNotFloat)
	_, err = s.HIncrByFloat("h", "inf", 1)
	assert.ErrorIs(t, err, ErrIncrNaN)

	_, err = s.HRandField("h", math.MinInt64)
	assert.ErrorIs(t, err, ErrOutOfRange)
	assert.EqualError(t, err, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	_, err = s.HRandFieldWithValues("h", math.MaxInt64/2+1)
	assert.ErrorIs(t, err, ErrOutOfRange)
	_, err = s.HRandField("h", -maxHRandFieldRepeat-1)
	assert.ErrorIs(t, err, ErrOutOfRange)
	got, err := s.HRandField("nokey", -maxHRandFieldRepeat-1)
	require.NoError(t, err, "a missing key answers before the bound")
	assert.Empty(t, got)

	// Errors through Do are the same sentinels.
	_, err = s.Do("HINCRBY", "h", "word", "1")
	assert.ErrorIs(t, err, ErrHashNotInteger)
	_, err = s.Do("HSCAN", "h", "x")
	assert.ErrorIs(t, err, ErrInvalidCursor)
	_, err = s.Do("HINCRBYFLOAT", "h", "f", "-inf")
	assert.ErrorIs(t, err, ErrHashIncrInf)
	_, err = s.Do("HSET", "h", "f")
	assert.ErrorIs(t, err, ErrWrongArity)
	_, err = s.Do("HRANDFIELD", "h", "1", "x")
	assert.ErrorIs(t, err, ErrSyntax)

	// A failed write changes nothing.
	v, _, _ := s.HGet("h", "max")
	assert.Equal(t, "9223372036854775807", v)
	_, ok, _ := s.HGet("h", "f")
	assert.False(t, ok)
}

func TestHashesIncr(t *testing.T) {
	s := newTestStore(t)
	n, err := s.HIncrBy("h", "n", 5)
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	n, err = s.HIncrBy("h", "n", -7)
	require.NoError(t, err)
	assert.Equal(t, int64(-2), n)

	f, err := s.HIncrByFloat("h", "f", 10.5)
	require.NoError(t, err)
	assert.Equal(t, 10.5, f)
	f, err = s.HIncrByFloat("h", "f", 0.1)
	require.NoError(t, err)
	assert.Equal(t, 10.6, f)
	v, _, _ := s.HGet("h", "f")
	assert.Equal(t, "10.6", v, "stored as Redis formats a long double")
	f, err = s.HIncrByFloat("h", "n", 0.5)
	require.NoError(t, err)
	assert.Equal(t, -1.5, f)
	f, err = s.HIncrByFloat("h", "big", 1e300)
	require.NoError(t, err)
	assert.Equal(t, 1e300, f)
	v, _, _ = s.HGet("h", "big")
	assert.Len(t, v, 301)
}

func TestHashesRandField(t *testing.T) {
	s := newTestStore(t, WithSeed(1))
	f, ok, err := s.HRandFieldOne("h")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, "", f)
	got, err := s.HRandField("h", 3)
	require.NoError(t, err)
	assert.Empty(t, got)

	_, err = s.HSet("h", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6", "g", "7")
	require.NoError(t, err)
	all := []string{"a", "b", "c", "d", "e", "f", "g"}

	f, ok, err = s.HRandFieldOne("h")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Contains(t, all, f)

	got, err = s.HRandField("h", 0)
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = s.HRandField("h", 100)
	require.NoError(t, err)
	assert.Equal(t, all, got, "the whole small hash, in order")

	for _, count := range []int64{1, 2, 3, 5, 6} {
		got, err = s.HRandField("h", count)
		require.NoError(t, err)
		require.Len(t, got, int(count))
		seen := map[string]bool{}
		for _, f := range got {
			assert.Contains(t, all, f)
			assert.False(t, seen[f], "distinct picks")
			seen[f] = true
		}
	}
	got, err = s.HRandField("h", -50)
	require.NoError(t, err)
	require.Len(t, got, 50)
	for _, f := range got {
		assert.Contains(t, all, f)
	}

	pairs, err := s.HRandFieldWithValues("h", -10)
	require.NoError(t, err)
	require.Len(t, pairs, 10)
	for _, p := range pairs {
		v, _, _ := s.HGet("h", p.Field)
		assert.Equal(t, v, p.Value)
	}
	pairs, err = s.HRandFieldWithValues("h", 2)
	require.NoError(t, err)
	require.Len(t, pairs, 2)
	assert.NotEqual(t, pairs[0].Field, pairs[1].Field)

	// Every field comes up, in a large hash too.
	big := make([]string, 0, 2000)
	for i := range 1000 {
		big = append(big, "f"+strconv.Itoa(i), strconv.Itoa(i))
	}
	_, err = s.HSet("big", big...)
	require.NoError(t, err)
	for _, count := range []int64{10, 400, 999} {
		got, err = s.HRandField("big", count)
		require.NoError(t, err)
		require.Len(t, got, int(count))
		slices.Sort(got)
		assert.Len(t, slices.Compact(got), int(count), "distinct picks")
	}
	seen := map[string]bool{}
	for range 200 {
		got, err = s.HRandField("big", -100)
		require.NoError(t, err)
		for _, f := range got {
			seen[f] = true
		}
	}
	assert.Len(t, seen, 1000)
}

func TestHashesRandFieldSeeded(t *testing.T) {
	run := func() []string {
		s := newTestStore(t, WithSeed(42))
		_, err := s.HSet("h", "a", "1", "b", "2", "c", "3", "d", "4")
		require.NoError(t, err)
		var out []string
		for range 5 {
			got, err := s.HRandField("h", -3)
			require.NoError(t, err)
			out = append(out, got...)
			f, _, err := s.HRandFieldOne("h")
			require.NoError(t, err)
			out = append(out, f)
		}
		return out
	}
	assert.Equal(t, run(), run(), "the same seed gives the same picks")
}

func TestHashesScan(t *testing.T) {
	s := newTestStore(t)
	keys, next, err := s.HScan("nokey", 0, "", 0)
	require.NoError(t, err)
	assert.Zero(t, next)
	assert.Empty(t, keys)

	_, err = s.HSet("h", "a", "1", "b", "2", "ab", "3")
	require.NoError(t, err)
	keys, next, err = s.HScan("h", 0, "", 1)
	require.NoError(t, err)
	assert.Zero(t, next, "a small hash comes whole")
	assert.Equal(t, []string{"a", "1", "b", "2", "ab", "3"}, keys)
	keys, _, err = s.HScan("h", 99, "a*", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "1", "ab", "3"}, keys)

	// A large hash, scanned while it changes: every field that is there
	// for the whole scan comes at least once.
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		_, err = s.HSet("big", "f"+strconv.Itoa(i), "v")
		require.NoError(t, err)
	}
	stable := map[string]bool{}
	for i := range 3000 {
		if i%3 == 0 {
			stable["f"+strconv.Itoa(i)] = true
		}
	}
	seen := map[string]bool{}
	cursor, steps := uint64(0), 0
	for {
		keys, cursor, err = s.HScan("big", cursor, "", 7)
		require.NoError(t, err)
		for i := 0; i < len(keys); i += 2 {
			seen[keys[i]] = true
		}
		steps++
		// Churn the fields that are not stable: delete some, add others.
		for range 5 {
			i := r.IntN(3000)
			if i%3 != 0 {
				_, err = s.HDel("big", "f"+strconv.Itoa(i))
				require.NoError(t, err)
			}
			_, err = s.HSet("big", "new"+strconv.Itoa(r.IntN(5000)), "x")
			require.NoError(t, err)
		}
		if cursor == 0 {
			break
		}
		require.Less(t, steps, 10000, "the scan must end")
	}
	for f := range stable {
		assert.True(t, seen[f], "field %s was there all along but not returned", f)
	}

	// The handler agrees, pattern included.
	v, err := s.Do("HSCAN", "h", "0", "MATCH", "b*", "COUNT", "5")
	require.NoError(t, err)
	assert.Equal(t, []any{"0", []any{"b", "2"}}, v)
}

// TestHashesTypedMatchesDo runs the same steps through the typed API on one
// store and through Do on another, seeded alike, and compares.
func TestHashesTypedMatchesDo(t *testing.T) {
	typed, do := newTestStore(t, WithSeed(7)), newTestStore(t, WithSeed(7))
	res := func(v any, err error) any {
		if err != nil {
			return err.Error()
		}
		return v
	}
	str := func(v string, ok bool, err error) any {
		if err != nil {
			return err.Error()
		}
		if !ok {
			return nil
		}
		return v
	}
	b := func(v bool, err error) any {
		if err != nil {
			return err.Error()
		}
		if v {
			return int64(1)
		}
		return int64(0)
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
	pairsList := func(v []HashPair, err error) any {
		if err != nil {
			return err.Error()
		}
		out := make([]any, 0, 2*len(v))
		for _, p := range v {
			out = append(out, p.Field, p.Value)
		}
		return out
	}
	ptrs := func(v []*string, err error) any {
		if err != nil {
			return err.Error()
		}
		out := make([]any, len(v))
		for i, p := range v {
			if p != nil {
				out[i] = *p
			}
		}
		return out
	}
	scan := func(keys []string, next uint64, err error) any {
		if err != nil {
			return err.Error()
		}
		return []any{strconv.FormatUint(next, 10), list(keys, nil)}
	}
	float := func(f float64, err error) any {
		if err != nil {
			return err.Error()
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	steps := []struct {
		typed func() any
		do    []any
	}{
		{func() any { return res(typed.HSet("h", "a", "1", "b", "2")) }, []any{"HSET", "h", "a", "1", "b", "2"}},
		{func() any { return str(typed.HGet("h", "a")) }, []any{"HGET", "h", "a"}},
		{func() any { return str(typed.HGet("h", "x")) }, []any{"HGET", "h", "x"}},
		{func() any { return b(typed.HSetNX("h", "c", "3")) }, []any{"HSETNX", "h", "c", "3"}},
		{func() any { return b(typed.HSetNX("h", "c", "4")) }, []any{"HSETNX", "h", "c", "4"}},
		{func() any { return res("OK", typed.HMSet("h", "d", "4")) }, []any{"HMSET", "h", "d", "4"}},
		{func() any { return ptrs(typed.HMGet("h", "a", "x", "d")) }, []any{"HMGET", "h", "a", "x", "d"}},
		{func() any { return pairsList(typed.HGetAllPairs("h")) }, []any{"HGETALL", "h"}},
		{func() any { return list(typed.HKeys("h")) }, []any{"HKEYS", "h"}},
		{func() any { return list(typed.HVals("h")) }, []any{"HVALS", "h"}},
		{func() any { return res(typed.HLen("h")) }, []any{"HLEN", "h"}},
		{func() any { return res(typed.HStrLen("h", "a")) }, []any{"HSTRLEN", "h", "a"}},
		{func() any { return b(typed.HExists("h", "b")) }, []any{"HEXISTS", "h", "b"}},
		{func() any { return res(typed.HIncrBy("h", "a", 41)) }, []any{"HINCRBY", "h", "a", 41}},
		{func() any { return res(typed.HIncrBy("h", "b", math.MaxInt64)) }, []any{"HINCRBY", "h", "b", int64(math.MaxInt64)}},
		{func() any { return float(typed.HIncrByFloat("h", "f", 0.1)) }, []any{"HINCRBYFLOAT", "h", "f", 0.1}},
		{func() any { return float(typed.HIncrByFloat("h", "f", 1e21)) }, []any{"HINCRBYFLOAT", "h", "f", 1e21}},
		{func() any { return str(typed.HGet("h", "f")) }, []any{"HGET", "h", "f"}},
		{func() any { return float(typed.HIncrByFloat("h", "f", math.Inf(-1))) }, []any{"HINCRBYFLOAT", "h", "f", math.Inf(-1)}},
		{func() any { return list(typed.HRandField("h", 100)) }, []any{"HRANDFIELD", "h", 100}},
		{func() any { return list(typed.HRandField("h", -5)) }, []any{"HRANDFIELD", "h", -5}},
		{func() any { return list(typed.HRandField("h", 2)) }, []any{"HRANDFIELD", "h", 2}},
		{func() any { return pairsList(typed.HRandFieldWithValues("h", -3)) }, []any{"HRANDFIELD", "h", -3, "WITHVALUES"}},
		{func() any { return str(typed.HRandFieldOne("h")) }, []any{"HRANDFIELD", "h"}},
		{func() any { return str(typed.HRandFieldOne("nokey")) }, []any{"HRANDFIELD", "nokey"}},
		{func() any { return list(typed.HRandField("h", math.MinInt64)) }, []any{"HRANDFIELD", "h", int64(math.MinInt64)}},
		{func() any { return scan(typed.HScan("h", 0, "", 0)) }, []any{"HSCAN", "h", 0}},
		{func() any { return scan(typed.HScan("h", 5, "[ab]", 1)) }, []any{"HSCAN", "h", 5, "MATCH", "[ab]", "COUNT", 1}},
		{func() any { return res(typed.HDel("h", "a", "zz")) }, []any{"HDEL", "h", "a", "zz"}},
		{func() any { return res(typed.HSet("h")) }, []any{"HSET", "h"}},
		{func() any { return res(typed.HDel("h", "b", "c", "d", "f")) }, []any{"HDEL", "h", "b", "c", "d", "f"}},
		{func() any { return res(typed.HLen("h")) }, []any{"HLEN", "h"}},
	}
	for i, st := range steps {
		want := st.typed()
		got, err := do.Do(st.do...)
		if err != nil {
			assert.Equal(t, want, err.Error(), "step %d: %v", i, st.do)
			continue
		}
		assert.Equal(t, want, got, "step %d: %v", i, st.do)
	}
}

// resp3Do runs a command as a RESP3 connection would.
func resp3Do(s *Store, args ...string) resp.Value {
	b := resp.Builder{Protocol: 3}
	s.runOn(context.Background(), 0, args, &b)
	return b.Value()
}

func TestHashesRESP3(t *testing.T) {
	s := newTestStore(t, WithSeed(1))
	assert.Equal(t, resp.KindMap, resp3Do(s, "HGETALL", "nokey").Kind)
	assert.Equal(t, resp.KindNull, resp3Do(s, "HRANDFIELD", "nokey").Kind)
	assert.Equal(t, resp.KindNull, resp3Do(s, "HGET", "nokey", "f").Kind)

	_, err := s.HSet("h", "a", "1", "b", "2")
	require.NoError(t, err)
	v := resp3Do(s, "HGETALL", "h")
	require.Equal(t, resp.KindMap, v.Kind)
	assert.Equal(t, "a 1 b 2", flatten(v))

	for _, args := range [][]string{{"HRANDFIELD", "h", "5", "WITHVALUES"}, {"HRANDFIELD", "h", "-3", "withvalues"}} {
		v = resp3Do(s, args...)
		require.Equal(t, resp.KindArray, v.Kind)
		for _, e := range v.Elems {
			require.Equal(t, resp.KindArray, e.Kind, "RESP3 pairs are nested arrays")
			require.Len(t, e.Elems, 2)
		}
	}
	v = resp3Do(s, "HRANDFIELD", "h", "5", "WITHVALUES")
	assert.Len(t, v.Elems, 2)
	assert.Equal(t, "a 1 b 2", flatten(v))
	v = resp3Do(s, "HRANDFIELD", "h", "-3", "WITHVALUES")
	assert.Len(t, v.Elems, 3)

	// RESP2 is flat.
	var b2 resp.Builder
	s.runOn(context.Background(), 0, []string{"HRANDFIELD", "h", "5", "WITHVALUES"}, &b2)
	assert.Equal(t, resp.KindArray, b2.Value().Kind)
	assert.Len(t, b2.Value().Elems, 4)
}

func flatten(v resp.Value) string {
	var out []string
	var walk func(v resp.Value)
	walk = func(v resp.Value) {
		if len(v.Elems) == 0 {
			out = append(out, v.Str)
		}
		for _, e := range v.Elems {
			walk(e)
		}
	}
	walk(v)
	return strings.Join(out, " ")
}

func TestHashesInTransaction(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Update(func(tx *Tx) error {
		if _, err := tx.HSet("h", "a", "1"); err != nil {
			return err
		}
		n, err := tx.HIncrBy("h", "a", 2)
		assert.Equal(t, int64(3), n)
		return err
	}))
	require.NoError(t, s.View(func(tx *Tx) error {
		v, ok, err := tx.HGet("h", "a")
		assert.True(t, ok)
		assert.Equal(t, "3", v)
		_, werr := tx.HSet("h", "b", "2")
		assert.ErrorIs(t, werr, ErrTxReadOnly)
		_, werr = tx.Do("HDEL", "h", "a")
		assert.ErrorIs(t, werr, ErrTxReadOnly)
		return err
	}))
	n, err := s.DB(3).HSet("h", "x", "y")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	_, ok, _ := s.HGet("h", "x")
	assert.False(t, ok, "another database")
}

func TestHashesAllocations(t *testing.T) {
	s := newTestStore(t)
	_, err := s.HSet("h", "f", "v", "n", "1000")
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.HGet("h", "f") }), "HGet")
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.HSet("h", "f", "v") }), "HSet of an existing field")
	assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { s.HIncrBy("h", "n", 1) }), 1.0, "HIncrBy: the new value only")
}
