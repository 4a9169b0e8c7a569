package racefree

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racefree/racefree/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "strings",
		commands: []string{"get", "set", "setnx", "setex", "psetex", "getset", "getdel", "getex", "mget", "mset",
			"msetnx", "incr", "incrby", "incrbyfloat", "decr", "decrby", "append", "strlen", "getrange", "substr",
			"setrange", "lcs"},
		templates: strTemplates,
	})
}

// Pools for the random string commands.
var (
	strRandomInts = []string{"0", "1", "-1", "2", "10", "-7", "100", "9223372036854775807", "-9223372036854775808", "1.5", "abc", ""}
	strRandomTTL  = [][]string{
		{"EX", "100"}, {"PX", "200000"}, {"EXAT", "4102444800"}, {"PXAT", "4102444800123"}, {"EXAT", "1"},
		{"PXAT", "1"}, {"EX", "0"}, {"PX", "-5"}, {"EX", "abc"}, {"EX"}, {"KEEPTTL"}, {"PERSIST"},
	}
)

// strRandomOptions builds a random list of SET or GETEX options, valid or
// not.
func strRandomOptions(r *rand.Rand, set bool) []string {
	var out []string
	for range r.IntN(3) {
		switch n := r.IntN(6); {
		case set && n == 0:
			out = append(out, pick(r, []string{"NX", "xx", "GET", "get"}))
		case set && n == 1:
			out = append(out, "GET")
		default:
			out = append(out, pick(r, strRandomTTL)...)
		}
	}
	return out
}

var strTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string { return []string{"GET", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return append([]string{"SET", pick(r, randomKeys), pick(r, randomValues)}, strRandomOptions(r, true)...)
	}},
	{make: func(r *rand.Rand) []string { return []string{"SETNX", pick(r, randomKeys), pick(r, randomValues)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"SETEX", pick(r, randomKeys), pick(r, []string{"100", "0", "-1", "x"}), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"PSETEX", pick(r, randomKeys), pick(r, []string{"100000", "0", "1.5"}), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"GETSET", pick(r, randomKeys), pick(r, randomValues)} }},
	{make: func(r *rand.Rand) []string { return []string{"GETDEL", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return append([]string{"GETEX", pick(r, randomKeys)}, strRandomOptions(r, false)...)
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"MGET"}
		for range 1 + r.IntN(4) {
			args = append(args, pick(r, randomKeys))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{pick(r, []string{"MSET", "MSETNX"})}
		for range 1 + r.IntN(3) {
			args = append(args, pick(r, randomKeys), pick(r, randomValues))
		}
		if r.IntN(10) == 0 {
			args = args[:len(args)-1] // an odd count
		}
		return args
	}},
	{make: func(r *rand.Rand) []string { return []string{pick(r, []string{"INCR", "DECR"}), pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{pick(r, []string{"INCRBY", "DECRBY"}), pick(r, randomKeys), pick(r, strRandomInts)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"INCRBYFLOAT", pick(r, randomKeys), pick(r, []string{"1", "-1.5", "0.1", "1e3", "abc", "2.5e-3", "inf"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"APPEND", pick(r, randomKeys), pick(r, randomValues)} }},
	{make: func(r *rand.Rand) []string { return []string{"STRLEN", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		idx := []string{"0", "1", "3", "-1", "-3", "100", "-100", "x"}
		return []string{pick(r, []string{"GETRANGE", "SUBSTR"}), pick(r, randomKeys), pick(r, idx), pick(r, idx)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"SETRANGE", pick(r, randomKeys), pick(r, []string{"0", "1", "5", "20", "-1"}), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"LCS", pick(r, randomKeys), pick(r, randomKeys)}
		for range r.IntN(3) {
			args = append(args, pick(r, [][]string{{"LEN"}, {"IDX"}, {"WITHMATCHLEN"}, {"MINMATCHLEN", "2"}, {"MINMATCHLEN", "x"}})...)
		}
		return args
	}},
	{make: func(r *rand.Rand) []string { // a key of another type
		return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), pick(r, randomValues)}
	}},
}

// strFixedClock is a Clock that stands still, so that tests can compute
// deadlines exactly.
type strFixedClock struct{ t time.Time }

func (c strFixedClock) Now() time.Time { return c.t }

func newStrFixedTimeStore(t *testing.T) *Store {
	return newTestStore(t, WithClock(strFixedClock{time.UnixMilli(1_700_000_000_123)}))
}

// strAddHash stores a hash under key without going through HSET, for typed
// tests that need a key of another type.
func strAddHash(t *testing.T, s *Store, key string) {
	t.Helper()
	require.NoError(t, s.Update(func(tx *Tx) error {
		d, err := tx.begin(true)
		require.NoError(t, err)
		defer tx.end()
		h := types.NewHash(&d.s.limits)
		h.Set("f", "v")
		d.add(key, hashEntry(h))
		return nil
	}))
}

// strEntryOf returns a copy of key's entry in database 0.
func strEntryOf(t *testing.T, s *Store, key string) entry {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.dbs[0].keys[key]
	require.NotNil(t, e, key)
	return *e
}

func TestStringsGetSet(t *testing.T) {
	s := newTestStore(t)
	v, ok, err := s.Get("k")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, "", v)

	require.NoError(t, s.Set("k", "v", 0))
	v, ok, err = s.Get("k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v", v)

	require.NoError(t, s.Set("k", "\x00\xff", 0))
	v, _, _ = s.Get("k")
	assert.Equal(t, "\x00\xff", v)

	strAddHash(t, s, "h")
	_, _, err = s.Get("h")
	assert.ErrorIs(t, err, ErrWrongType)
	require.NoError(t, s.Set("h", "now a string", 0), "SET replaces any type")
	v, _, err = s.Get("h")
	require.NoError(t, err)
	assert.Equal(t, "now a string", v)
}

func TestStringsSetTTL(t *testing.T) {
	s := newStrFixedTimeStore(t)
	require.NoError(t, s.Set("k", "v", 1500*time.Millisecond))
	assert.Equal(t, s.Now().Add(1500*time.Millisecond).UnixMilli(), strEntryOf(t, s, "k").expireAt)
	require.NoError(t, s.Set("k", "v2", KeepTTL))
	assert.NotZero(t, strEntryOf(t, s, "k").expireAt, "KeepTTL keeps it")
	s.FastForward(2 * time.Second)
	_, ok, err := s.Get("k")
	require.NoError(t, err)
	assert.False(t, ok, "expired")

	require.NoError(t, s.Set("k", "v", time.Minute))
	require.NoError(t, s.Set("k", "v", 0))
	assert.Zero(t, strEntryOf(t, s, "k").expireAt, "a plain Set drops the TTL")

	for _, ttl := range []time.Duration{-2, -time.Second, time.Microsecond} {
		err := s.Set("k", "v", ttl)
		assert.ErrorIs(t, err, ErrInvalidExpire, ttl)
		assert.EqualError(t, err, "ERR invalid expire time in 'set' command")
	}
	assert.ErrorIs(t, s.SetEX("k", "v", 999*time.Millisecond), ErrInvalidExpire)
	assert.EqualError(t, s.SetEX("k", "v", 0), "ERR invalid expire time in 'setex' command")
	assert.EqualError(t, s.PSetEX("k", "v", time.Microsecond), "ERR invalid expire time in 'psetex' command")

	require.NoError(t, s.SetEX("k", "v", 2500*time.Millisecond))
	assert.Equal(t, s.Now().Add(2*time.Second).UnixMilli(), strEntryOf(t, s, "k").expireAt, "SETEX takes whole seconds")
	require.NoError(t, s.PSetEX("k", "v", 2500*time.Millisecond))
	assert.Equal(t, s.Now().Add(2500*time.Millisecond).UnixMilli(), strEntryOf(t, s, "k").expireAt)
	assert.ErrorIs(t, s.Set("k", "v", time.Duration(math.MaxInt64)), nil, "a far deadline is fine")
}

func TestStringsSetArgs(t *testing.T) {
	s := newTestStore(t)
	r, err := s.SetArgs("k", "v", SetArgs{NX: true})
	require.NoError(t, err)
	assert.Equal(t, SetResult{Stored: true}, r)
	r, err = s.SetArgs("k", "v2", SetArgs{NX: true})
	require.NoError(t, err)
	assert.Equal(t, SetResult{}, r)
	r, err = s.SetArgs("k", "v2", SetArgs{NX: true, Get: true})
	require.NoError(t, err)
	assert.Equal(t, SetResult{Old: "v", HadOld: true}, r)
	r, err = s.SetArgs("k", "v3", SetArgs{XX: true, Get: true, TTL: time.Minute})
	require.NoError(t, err)
	assert.Equal(t, SetResult{Old: "v", HadOld: true, Stored: true}, r)
	assert.NotZero(t, strEntryOf(t, s, "k").expireAt)
	r, err = s.SetArgs("k", "v4", SetArgs{TTL: KeepTTL})
	require.NoError(t, err)
	assert.True(t, r.Stored)
	assert.NotZero(t, strEntryOf(t, s, "k").expireAt)
	r, err = s.SetArgs("missing", "v", SetArgs{XX: true, Get: true})
	require.NoError(t, err)
	assert.Equal(t, SetResult{}, r)

	at := time.UnixMilli(4102444800123)
	_, err = s.SetArgs("k", "v", SetArgs{ExpireAt: at})
	require.NoError(t, err)
	assert.Equal(t, at.UnixMilli(), strEntryOf(t, s, "k").expireAt)
	_, err = s.SetArgs("k", "v", SetArgs{ExpireAt: time.UnixMilli(1)})
	require.NoError(t, err)
	_, ok, _ := s.Get("k")
	assert.False(t, ok, "a deadline in the past")

	for _, a := range []SetArgs{{NX: true, XX: true}, {TTL: time.Second, ExpireAt: at}, {TTL: KeepTTL, ExpireAt: at}} {
		_, err = s.SetArgs("k", "v", a)
		assert.ErrorIs(t, err, ErrSyntax, a)
	}
	_, err = s.SetArgs("k", "v", SetArgs{ExpireAt: time.Unix(-1, 0)})
	assert.ErrorIs(t, err, ErrInvalidExpire)

	strAddHash(t, s, "h")
	_, err = s.SetArgs("h", "v", SetArgs{Get: true})
	assert.ErrorIs(t, err, ErrWrongType)
	r, err = s.SetArgs("h", "v", SetArgs{NX: true})
	require.NoError(t, err)
	assert.False(t, r.Stored)
	r, err = s.SetArgs("h", "v", SetArgs{XX: true})
	require.NoError(t, err)
	assert.True(t, r.Stored)
}

func TestStringsSetNXGetSetGetDel(t *testing.T) {
	s := newTestStore(t)
	ok, err := s.SetNX("k", "v")
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = s.SetNX("k", "v2")
	require.NoError(t, err)
	assert.False(t, ok)

	require.NoError(t, s.Set("k", "v", time.Minute))
	old, had, err := s.GetSet("k", "v2")
	require.NoError(t, err)
	assert.True(t, had)
	assert.Equal(t, "v", old)
	assert.Zero(t, strEntryOf(t, s, "k").expireAt, "GETSET drops the TTL")
	_, had, err = s.GetSet("new", "x")
	require.NoError(t, err)
	assert.False(t, had)

	v, ok, err := s.GetDel("k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v2", v)
	_, ok, err = s.GetDel("k")
	require.NoError(t, err)
	assert.False(t, ok)

	strAddHash(t, s, "h")
	_, _, err = s.GetSet("h", "x")
	assert.ErrorIs(t, err, ErrWrongType)
	_, _, err = s.GetDel("h")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.SetNX("h", "x")
	require.NoError(t, err)
}

func TestStringsGetEX(t *testing.T) {
	s := newStrFixedTimeStore(t)
	_, ok, err := s.GetEX("k", GetEXArgs{TTL: -time.Second})
	require.NoError(t, err, "a missing key is nil before the TTL is checked")
	assert.False(t, ok)

	require.NoError(t, s.Set("k", "v", 0))
	v, ok, err := s.GetEX("k", GetEXArgs{TTL: time.Minute})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v", v)
	assert.Equal(t, s.Now().Add(time.Minute).UnixMilli(), strEntryOf(t, s, "k").expireAt)
	_, _, err = s.GetEX("k", GetEXArgs{Persist: true})
	require.NoError(t, err)
	assert.Zero(t, strEntryOf(t, s, "k").expireAt)
	at := time.UnixMilli(4102444800123)
	_, _, err = s.GetEX("k", GetEXArgs{ExpireAt: at})
	require.NoError(t, err)
	assert.Equal(t, at.UnixMilli(), strEntryOf(t, s, "k").expireAt)
	_, _, err = s.GetEX("k", GetEXArgs{})
	require.NoError(t, err)
	assert.Equal(t, at.UnixMilli(), strEntryOf(t, s, "k").expireAt, "no option changes nothing")

	_, _, err = s.GetEX("k", GetEXArgs{TTL: time.Second, Persist: true})
	assert.ErrorIs(t, err, ErrSyntax)
	_, _, err = s.GetEX("k", GetEXArgs{TTL: time.Second, ExpireAt: at})
	assert.ErrorIs(t, err, ErrSyntax)
	_, _, err = s.GetEX("k", GetEXArgs{TTL: -time.Second})
	assert.EqualError(t, err, "ERR invalid expire time in 'getex' command")

	v, ok, err = s.GetEX("k", GetEXArgs{ExpireAt: time.UnixMilli(1)})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v", v)
	_, ok, _ = s.Get("k")
	assert.False(t, ok, "a past deadline deletes the key")

	strAddHash(t, s, "h")
	_, _, err = s.GetEX("h", GetEXArgs{TTL: -1})
	assert.ErrorIs(t, err, ErrWrongType, "the type is checked before the TTL")
}

func TestStringsMGetMSet(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.MSet("a", "1", "b", "2"))
	strAddHash(t, s, "h")
	vals, err := s.MGet("a", "missing", "h", "b")
	require.NoError(t, err)
	require.Len(t, vals, 4)
	assert.Equal(t, "1", *vals[0])
	assert.Nil(t, vals[1])
	assert.Nil(t, vals[2])
	assert.Equal(t, "2", *vals[3])

	_, err = s.MGet()
	assert.ErrorIs(t, err, ErrWrongArity)
	assert.ErrorIs(t, s.MSet("a"), ErrWrongArity)
	assert.EqualError(t, s.MSet(), "ERR wrong number of arguments for 'mset' command")

	ok, err := s.MSetNX("a", "x", "c", "3")
	require.NoError(t, err)
	assert.False(t, ok)
	_, found, _ := s.Get("c")
	assert.False(t, found, "MSETNX sets nothing when one key exists")
	ok, err = s.MSetNX("c", "3", "d", "4")
	require.NoError(t, err)
	assert.True(t, ok)
	_, err = s.MSetNX("c")
	assert.EqualError(t, err, "ERR wrong number of arguments for 'msetnx' command")
}

func TestStringsCounters(t *testing.T) {
	s := newTestStore(t)
	n, err := s.Incr("k")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = s.IncrBy("k", 41)
	require.NoError(t, err)
	assert.Equal(t, int64(42), n)
	n, err = s.Decr("k")
	require.NoError(t, err)
	assert.Equal(t, int64(41), n)
	n, err = s.DecrBy("k", 50)
	require.NoError(t, err)
	assert.Equal(t, int64(-9), n)
	v, _, _ := s.Get("k")
	assert.Equal(t, "-9", v)

	_, err = s.DecrBy("k", math.MinInt64)
	assert.ErrorIs(t, err, ErrDecrementOverflow)
	require.NoError(t, s.Set("k", strconv.FormatInt(math.MaxInt64, 10), 0))
	_, err = s.Incr("k")
	assert.ErrorIs(t, err, ErrOverflow)
	require.NoError(t, s.Set("k", "1.5", 0))
	_, err = s.Incr("k")
	assert.ErrorIs(t, err, ErrNotInteger)
	strAddHash(t, s, "h")
	_, err = s.Incr("h")
	assert.ErrorIs(t, err, ErrWrongType)

	require.NoError(t, s.Set("t", "1", time.Minute))
	_, err = s.Incr("t")
	require.NoError(t, err)
	assert.NotZero(t, strEntryOf(t, s, "t").expireAt, "INCR keeps the TTL")
}

func TestStringsIncrByFloat(t *testing.T) {
	s := newTestStore(t)
	f, err := s.IncrByFloat("k", 10.5)
	require.NoError(t, err)
	assert.Equal(t, 10.5, f)
	f, err = s.IncrByFloat("k", 0.1)
	require.NoError(t, err)
	assert.Equal(t, 10.6, f)
	v, _, _ := s.Get("k")
	assert.Equal(t, "10.6", v, "long double arithmetic, as Redis prints it")

	require.NoError(t, s.Set("k", "3", 0))
	f, err = s.IncrByFloat("k", 1e300)
	require.NoError(t, err)
	assert.Equal(t, 1e300, f)

	_, err = s.IncrByFloat("k", math.Inf(1))
	assert.ErrorIs(t, err, ErrIncrNaN)
	_, err = s.IncrByFloat("k", math.NaN())
	assert.ErrorIs(t, err, ErrNotFloat)
	require.NoError(t, s.Set("k", "abc", 0))
	_, err = s.IncrByFloat("k", 1)
	assert.ErrorIs(t, err, ErrNotFloat)
	strAddHash(t, s, "h")
	_, err = s.IncrByFloat("h", 1)
	assert.ErrorIs(t, err, ErrWrongType)

	// Beyond float64's range, the text is exact and the float64 is Inf.
	require.NoError(t, s.Set("big", "1e4000", 0))
	f, err = s.IncrByFloat("big", 1)
	require.NoError(t, err)
	assert.True(t, math.IsInf(f, 1))
	v, _, _ = s.Get("big")
	assert.Len(t, v, 4000) // 1e4000 in long double is 9999...65e3999, as in Redis
	assert.True(t, strings.HasPrefix(v, "99999999999999999999654638730"), v[:30])
}

func TestStringsParseIncrFloat(t *testing.T) {
	for in, ok := range map[string]bool{
		"1": true, "Infinity": true, "-INFINITY": true, "+infinity": true, "--infinity": false, "infinit": false,
		"1e-5000": false, "1e-4940": true, "0x1p-16446": false, "0x1.8p-16446": true, "1e99999": false, "nan": false,
	} {
		_, got := parseLongDouble(in)
		assert.Equal(t, ok, got, in)
	}
}

func TestStringsAppendRanges(t *testing.T) {
	s := newTestStore(t)
	n, err := s.Append("k", "hello")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	first, _, _ := s.Get("k")
	n, err = s.Append("k", " world")
	require.NoError(t, err)
	assert.Equal(t, int64(11), n)
	assert.Equal(t, "hello", first, "a string read before stays as it was")
	n, err = s.StrLen("k")
	require.NoError(t, err)
	assert.Equal(t, int64(11), n)
	n, err = s.StrLen("missing")
	require.NoError(t, err)
	assert.Zero(t, n)

	for _, c := range []struct {
		start, end int64
		want       string
	}{{0, 4, "hello"}, {-5, -1, "world"}, {6, 100, "world"}, {-100, 1, "he"}, {5, 3, ""}, {-1, -5, ""}, {100, 200, ""}} {
		got, err := s.GetRange("k", c.start, c.end)
		require.NoError(t, err)
		assert.Equal(t, c.want, got, "%d %d", c.start, c.end)
		got, err = s.Substr("k", c.start, c.end)
		require.NoError(t, err)
		assert.Equal(t, c.want, got)
	}
	got, err := s.GetRange("missing", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, "", got)

	before, _, _ := s.Get("k")
	n, err = s.SetRange("k", 0, "J")
	require.NoError(t, err)
	assert.Equal(t, int64(11), n)
	assert.Equal(t, "hello world", before, "SETRANGE does not change a string read before")
	v, _, _ := s.Get("k")
	assert.Equal(t, "Jello world", v)
	n, err = s.SetRange("pad", 3, "x")
	require.NoError(t, err)
	assert.Equal(t, int64(4), n)
	v, _, _ = s.Get("pad")
	assert.Equal(t, "\x00\x00\x00x", v)
	n, err = s.SetRange("none", 10, "")
	require.NoError(t, err)
	assert.Zero(t, n)
	_, ok, _ := s.Get("none")
	assert.False(t, ok)

	_, err = s.SetRange("k", -1, "x")
	assert.ErrorIs(t, err, ErrSetRangeOffset)
	_, err = s.SetRange("k", maxStringLen, "x")
	assert.ErrorIs(t, err, ErrStringTooLong)
	strAddHash(t, s, "h")
	_, err = s.Append("h", "x")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.StrLen("h")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.GetRange("h", 0, 1)
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.SetRange("h", 0, "x")
	assert.ErrorIs(t, err, ErrWrongType)
}

// TestStringsEncodingFlags checks what OBJECT ENCODING reports after each
// command that changes a string, as redis-server 7.0 reports it.
func TestStringsEncodingFlags(t *testing.T) {
	s := newTestStore(t)
	for _, c := range []struct {
		cmd []any
		enc string
	}{
		{[]any{"SET", "k", "10"}, "int"},
		{[]any{"APPEND", "k", "1"}, "raw"},
		{[]any{"INCR", "k"}, "int"},
		{[]any{"APPEND", "k", ""}, "raw"},
		{[]any{"INCRBYFLOAT", "k", "1.5"}, "embstr"},
		{[]any{"INCRBYFLOAT", "k", "0.5"}, "embstr"},
		{[]any{"SETRANGE", "k", "0", "x"}, "raw"},
		{[]any{"SETRANGE", "k", "0", ""}, "raw"},
		{[]any{"GETSET", "k", "5"}, "int"},
		{[]any{"SETRANGE", "n", "0", "12"}, "raw"},
		{[]any{"APPEND", "a", "12"}, "int"},
		{[]any{"MSET", "k", "v"}, "embstr"},
	} {
		_, err := s.Do(c.cmd...)
		require.NoError(t, err, c.cmd)
		enc, err := s.Do("OBJECT", "ENCODING", c.cmd[1])
		require.NoError(t, err)
		assert.Equal(t, c.enc, enc, c.cmd)
	}
}

func TestStringsLCS(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.MSet("a", "ohmytext", "b", "mynewtext"))
	got, err := s.LCS("a", "b")
	require.NoError(t, err)
	assert.Equal(t, "mytext", got)
	n, err := s.LCSLen("a", "b")
	require.NoError(t, err)
	assert.Equal(t, int64(6), n)
	r, err := s.LCSIdx("a", "b", 0)
	require.NoError(t, err)
	assert.Equal(t, LCSIdxResult{Len: 6, Matches: []LCSMatch{{4, 7, 5, 8, 4}, {2, 3, 0, 1, 2}}}, r)
	r, err = s.LCSIdx("a", "b", 3)
	require.NoError(t, err)
	assert.Equal(t, LCSIdxResult{Len: 6, Matches: []LCSMatch{{4, 7, 5, 8, 4}}}, r)
	got, err = s.LCS("a", "missing")
	require.NoError(t, err)
	assert.Equal(t, "", got)

	strAddHash(t, s, "h")
	_, err = s.LCS("a", "h")
	assert.ErrorIs(t, err, ErrLCSNotString)
	_, err = s.LCSLen("h", "a")
	assert.ErrorIs(t, err, ErrLCSNotString)

	require.NoError(t, s.Set("big", strings.Repeat("x", 12000), 0))
	_, err = s.LCSLen("big", "big")
	assert.ErrorIs(t, err, ErrLCSTooBig)
}

// TestStringsTypedMatchesDo runs each command through its typed method and
// through Do on twin stores and compares the results.
func TestStringsTypedMatchesDo(t *testing.T) {
	typed, do := newTestStore(t), newTestStore(t)
	str := func(v string, ok bool, err error) any {
		if err != nil {
			return err.Error()
		}
		if !ok {
			return nil
		}
		return v
	}
	num := func(n int64, err error) any {
		if err != nil {
			return err.Error()
		}
		return n
	}
	viaDo := func(args ...any) any {
		v, err := do.Do(args...)
		if err != nil {
			return err.Error()
		}
		return v
	}
	steps := []struct {
		typed func() any
		do    []any
	}{
		{func() any { return str(typed.Get("k")) }, []any{"GET", "k"}},
		{func() any { return str("OK", true, typed.Set("k", "10", 0)) }, []any{"SET", "k", "10"}},
		{func() any { return num(typed.Incr("k")) }, []any{"INCR", "k"}},
		{func() any { return num(typed.IncrBy("k", -20)) }, []any{"INCRBY", "k", -20}},
		{func() any { return num(typed.Decr("k")) }, []any{"DECR", "k"}},
		{func() any { return num(typed.DecrBy("k", 5)) }, []any{"DECRBY", "k", 5}},
		{func() any {
			f, err := typed.IncrByFloat("k", 0.1)
			return str(strconv.FormatFloat(f, 'f', -1, 64), true, err)
		}, []any{"INCRBYFLOAT", "k", 0.1}},
		{func() any { return str(typed.Get("k")) }, []any{"GET", "k"}},
		{func() any { return num(typed.Append("k", "xy")) }, []any{"APPEND", "k", "xy"}},
		{func() any { return num(typed.StrLen("k")) }, []any{"STRLEN", "k"}},
		{func() any { r, err := typed.GetRange("k", 1, -2); return str(r, true, err) }, []any{"GETRANGE", "k", 1, -2}},
		{func() any { r, err := typed.Substr("k", -3, -1); return str(r, true, err) }, []any{"SUBSTR", "k", -3, -1}},
		{func() any { return num(typed.SetRange("k", 2, "ZZ")) }, []any{"SETRANGE", "k", 2, "ZZ"}},
		{func() any { return str(typed.GetSet("k", "new")) }, []any{"GETSET", "k", "new"}},
		{func() any { return str(typed.GetEX("k", GetEXArgs{TTL: time.Hour})) }, []any{"GETEX", "k", "PX", 3600000}},
		{func() any { return str(typed.GetEX("k", GetEXArgs{TTL: -1})) }, []any{"GETEX", "k", "PX", -1}},
		{func() any { return str(typed.GetDel("k")) }, []any{"GETDEL", "k"}},
		{func() any {
			r, err := typed.SetArgs("k", "v", SetArgs{NX: true, Get: true})
			return str(r.Old, r.HadOld, err)
		}, []any{"SET", "k", "v", "NX", "GET"}},
		{func() any {
			ok, err := typed.SetNX("k", "w")
			return num(map[bool]int64{true: 1, false: 0}[ok], err)
		}, []any{"SETNX", "k", "w"}},
		{func() any { return str("OK", true, typed.SetEX("k", "v", 0)) }, []any{"SETEX", "k", 0, "v"}},
		{func() any { return str("OK", true, typed.PSetEX("k", "v", time.Minute)) }, []any{"PSETEX", "k", 60000, "v"}},
		{func() any { return str("OK", true, typed.MSet("a", "ohmytext", "b", "mynewtext")) }, []any{"MSET", "a", "ohmytext", "b", "mynewtext"}},
		{func() any { r, err := typed.LCS("a", "b"); return str(r, true, err) }, []any{"LCS", "a", "b"}},
		{func() any { return num(typed.LCSLen("a", "b")) }, []any{"LCS", "a", "b", "LEN"}},
		{func() any { return str("OK", true, typed.Set("k", "v", -5)) }, []any{"SET", "k", "v", "PX", -5}},
	}
	for i, st := range steps {
		assert.Equal(t, viaDo(st.do...), st.typed(), "step %d: %v", i, st.do)
	}
	// LCS IDX: the typed result against Do's nested arrays.
	r, err := typed.LCSIdx("a", "b", 0)
	require.NoError(t, err)
	v, err := do.Do("LCS", "a", "b", "IDX", "WITHMATCHLEN")
	require.NoError(t, err)
	var matches []any
	for _, m := range r.Matches {
		matches = append(matches, []any{[]any{m.AStart, m.AEnd}, []any{m.BStart, m.BEnd}, m.Len})
	}
	assert.Equal(t, []any{"matches", matches, "len", r.Len}, v)
	// MGET.
	vals, err := typed.MGet("a", "zz", "b")
	require.NoError(t, err)
	dv, err := do.Do("MGET", "a", "zz", "b")
	require.NoError(t, err)
	assert.Equal(t, []any{*vals[0], nil, *vals[2]}, dv)
}

func TestStringsInTransaction(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Update(func(tx *Tx) error {
		if err := tx.Set("k", "1", 0); err != nil {
			return err
		}
		_, err := tx.IncrBy("k", 9)
		return err
	}))
	v, _, _ := s.Get("k")
	assert.Equal(t, "10", v)
	err := s.View(func(tx *Tx) error {
		v, _, err := tx.Get("k")
		assert.Equal(t, "10", v)
		require.NoError(t, err)
		return tx.Set("k", "2", 0)
	})
	assert.ErrorIs(t, err, ErrTxReadOnly)
	v, _, _ = s.DB(1).Get("k")
	assert.Equal(t, "", v)
}

func TestStringsAllocations(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("k", "v", 0))
	require.NoError(t, s.Set("n", "1000", 0))
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.Get("k") }), "Get")
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.Set("k", "v", 0) }), "Set of an existing key")
	assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { s.Incr("n") }), 1.0, "Incr: the new value only")
}

// TestFormatCount checks formatCount against strconv around every edge of
// the shared range, and that a counter in that range allocates nothing.
func TestFormatCount(t *testing.T) {
	for _, v := range []int64{math.MinInt64, -10000, -1, 0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 5555, 9998, 9999, 10000, 10001, math.MaxInt64} {
		assert.Equal(t, strconv.FormatInt(v, 10), formatCount(v), "%d", v)
	}
	for v := range int64(10000) {
		if got := formatCount(v); got != strconv.FormatInt(v, 10) {
			t.Fatalf("formatCount(%d) = %q", v, got)
		}
	}
	s := newTestStore(t)
	require.NoError(t, s.Set("n", "500", 0))
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		if _, err := s.Incr("n"); err != nil {
			t.Fatal(err)
		}
	}), "INCR below 10000")
	v, _, _ := s.Get("n")
	assert.Equal(t, "601", v)
}
