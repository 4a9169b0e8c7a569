package racefree

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "sets",
		commands: []string{"sadd", "srem", "scard", "sismember", "smismember", "smembers", "spop", "srandmember",
			"smove", "sinter", "sintercard", "sinterstore", "sunion", "sunionstore", "sdiff", "sdiffstore", "sscan"},
		templates: setTemplates,
	})
}

// Pools for the random set commands: integers (which keep a set an intset)
// and strings (which make it a hashtable).
var (
	setMembers     = []string{"1", "2", "3", "-1", "10", "0", "9223372036854775807", "a", "b", "c", "", "01", "x y", "\x00\xff"}
	setIntMembers  = []string{"1", "2", "3", "-1", "10", "0", "7", "100"}
	setCounts      = []string{"0", "1", "2", "-1", "-3", "5", "100", "abc", "-9223372036854775808"}
	setScanCursors = []string{"0", "0", "1", "17", "-1", "x", ""}
)

// setMemberArgs returns 1 to n random members, integers only half the time
// so that intsets survive long enough to matter.
func setMemberArgs(r *rand.Rand, n int) []string {
	pool := setMembers
	if r.IntN(2) == 0 {
		pool = setIntMembers
	}
	var out []string
	for range 1 + r.IntN(n) {
		out = append(out, pick(r, pool))
	}
	return out
}

// setKeyArgs returns 1 to n random keys.
func setKeyArgs(r *rand.Rand, n int) []string {
	var out []string
	for range 1 + r.IntN(n) {
		out = append(out, pick(r, randomKeys))
	}
	return out
}

// Random picks (SPOP without a count, SRANDMEMBER with a small count) are
// compared by shape only; SPOP always takes the whole set (or nothing) so
// both sides keep the same keyspace. Results whose order is a hashtable's
// are compared sorted.
var setTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		return append([]string{"SADD", pick(r, randomKeys)}, setMemberArgs(r, 4)...)
	}},
	// Enough integers, now and then, to grow an intset past 512.
	{make: func(r *rand.Rand) []string {
		args := []string{"SADD", pick(r, randomKeys)}
		base := r.IntN(2000)
		for i := range 120 {
			args = append(args, strconv.Itoa(base+i*3))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"SREM", pick(r, randomKeys)}, setMemberArgs(r, 4)...)
	}},
	{make: func(r *rand.Rand) []string { return []string{"SCARD", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"SISMEMBER", pick(r, randomKeys), pick(r, setMembers)}
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"SMISMEMBER", pick(r, randomKeys)}, setMemberArgs(r, 4)...)
	}},
	{mode: "sorted", make: func(r *rand.Rand) []string { return []string{"SMEMBERS", pick(r, randomKeys)} }},
	{mode: "sorted", make: func(r *rand.Rand) []string {
		return []string{"SPOP", pick(r, randomKeys), pick(r, []string{"1000", "0", "-1", "x", "9223372036854775807"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"SPOP", pick(r, randomKeys), "1", "2"} }},
	{mode: "shape", make: func(r *rand.Rand) []string { return []string{"SRANDMEMBER", pick(r, randomKeys)} }},
	{mode: "shape", make: func(r *rand.Rand) []string {
		return []string{"SRANDMEMBER", pick(r, randomKeys), pick(r, setCounts)}
	}},
	{mode: "sorted", make: func(r *rand.Rand) []string {
		return []string{"SRANDMEMBER", pick(r, randomKeys), pick(r, []string{"1000", "0"})}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"SMOVE", pick(r, randomKeys), pick(r, randomKeys), pick(r, setMembers)}
	}},
	{mode: "sorted", make: func(r *rand.Rand) []string {
		return append([]string{pick(r, []string{"SINTER", "SUNION", "SDIFF"})}, setKeyArgs(r, 3)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{pick(r, []string{"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}), pick(r, randomKeys)},
			setKeyArgs(r, 3)...)
	}},
	{make: func(r *rand.Rand) []string {
		keys := setKeyArgs(r, 3)
		n := strconv.Itoa(len(keys))
		if r.IntN(8) == 0 {
			n = pick(r, []string{"0", "-1", "x", "9"})
		}
		args := append([]string{"SINTERCARD", n}, keys...)
		if r.IntN(2) == 0 {
			args = append(args, "LIMIT", pick(r, []string{"0", "1", "2", "-1", "x"}))
		}
		return args
	}},
	{mode: "scanall", make: func(r *rand.Rand) []string {
		args := []string{"SSCAN", pick(r, randomKeys), "0"}
		for range r.IntN(3) {
			args = append(args, pick(r, [][]string{{"MATCH", "*"}, {"MATCH", "1*"}, {"match", "[ab]"}, {"COUNT", "1"}, {"COUNT", "100"}})...)
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"SSCAN", pick(r, randomKeys), pick(r, setScanCursors)}
		if r.IntN(2) == 0 {
			args = append(args, pick(r, [][]string{{"MATCH", "*"}, {"COUNT", "5"}})...)
		}
		// Always a bad option last: the reply of a hashtable at a cursor
		// other than 0 is not comparable, but errors, and the replies for
		// keys that do not exist (given before the options are read), are.
		return append(args, pick(r, [][]string{{"COUNT", "0"}, {"COUNT", "x"}, {"TYPE", "set"}, {"MATCH"}, {"count", "-1"}})...)
	}},
	{make: func(r *rand.Rand) []string {
		if !stringsImplemented() {
			return []string{"SCARD", pick(r, randomKeys)}
		}
		return []string{"SET", pick(r, randomKeys), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, randomKeys)} }},
}

// ---- typed API ----

func TestSetsTypedBasics(t *testing.T) {
	s := newTestStore(t)
	n, err := s.SAdd("s", "3", "1", "2", "1")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	m, err := s.SMembers("s")
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2", "3"}, m, "an intset is in ascending order")
	enc, _, err := s.ObjectEncoding("s")
	require.NoError(t, err)
	assert.Equal(t, "intset", enc)

	n, err = s.SCard("s")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	ok, err := s.SIsMember("s", "2")
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = s.SIsMember("s", "02")
	require.NoError(t, err)
	assert.False(t, ok)
	bs, err := s.SMIsMember("s", "1", "x", "3")
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false, true}, bs)

	_, err = s.SAdd("s", "hello")
	require.NoError(t, err)
	enc, _, _ = s.ObjectEncoding("s")
	assert.Equal(t, "hashtable", enc)
	mm, err := s.SMembersMap("s")
	require.NoError(t, err)
	assert.Equal(t, map[string]struct{}{"1": {}, "2": {}, "3": {}, "hello": {}}, mm)

	n, err = s.SRem("s", "1", "nope", "hello")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.SRem("s", "2", "3")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	exists, err := s.Exists("s")
	require.NoError(t, err)
	assert.Zero(t, exists, "the set goes with its last member")
}

func TestSetsMissingKey(t *testing.T) {
	s := newTestStore(t)
	n, err := s.SCard("nope")
	require.NoError(t, err)
	assert.Zero(t, n)
	ok, err := s.SIsMember("nope", "a")
	require.NoError(t, err)
	assert.False(t, ok)
	bs, err := s.SMIsMember("nope", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []bool{false, false}, bs)
	m, err := s.SMembers("nope")
	require.NoError(t, err)
	assert.NotNil(t, m)
	assert.Empty(t, m)
	mm, err := s.SMembersMap("nope")
	require.NoError(t, err)
	assert.Empty(t, mm)
	_, ok, err = s.SPop("nope")
	require.NoError(t, err)
	assert.False(t, ok)
	m, err = s.SPopN("nope", 3)
	require.NoError(t, err)
	assert.Empty(t, m)
	_, ok, err = s.SRandMember("nope")
	require.NoError(t, err)
	assert.False(t, ok)
	m, err = s.SRandMemberN("nope", -3)
	require.NoError(t, err)
	assert.Empty(t, m)
	ok, err = s.SMove("nope", "d", "a")
	require.NoError(t, err)
	assert.False(t, ok)
	n, err = s.SRem("nope", "a")
	require.NoError(t, err)
	assert.Zero(t, n)
	m, err = s.SInter("nope", "other")
	require.NoError(t, err)
	assert.Empty(t, m)
	m, err = s.SUnion("nope")
	require.NoError(t, err)
	assert.Empty(t, m)
	m, err = s.SDiff("nope")
	require.NoError(t, err)
	assert.Empty(t, m)
	n, err = s.SInterCard(0, "nope")
	require.NoError(t, err)
	assert.Zero(t, n)
	members, next, err := s.SScan("nope", 0, "", 0)
	require.NoError(t, err)
	assert.Empty(t, members)
	assert.Zero(t, next)
}

func TestSetsTypedErrors(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("str", "v", 0))
	_, err := s.SAdd("s", "1")
	require.NoError(t, err)

	wrong := []error{}
	add := func(err error) { wrong = append(wrong, err) }
	_, err = s.SAdd("str", "a")
	add(err)
	_, err = s.SRem("str", "a")
	add(err)
	_, err = s.SCard("str")
	add(err)
	_, err = s.SIsMember("str", "a")
	add(err)
	_, err = s.SMIsMember("str", "a")
	add(err)
	_, err = s.SMembers("str")
	add(err)
	_, err = s.SMembersMap("str")
	add(err)
	_, _, err = s.SPop("str")
	add(err)
	_, err = s.SPopN("str", 1)
	add(err)
	_, _, err = s.SRandMember("str")
	add(err)
	_, err = s.SRandMemberN("str", 2)
	add(err)
	_, err = s.SMove("str", "s", "a")
	add(err)
	_, err = s.SMove("s", "str", "1")
	add(err)
	_, err = s.SInter("nope", "str")
	add(err)
	_, err = s.SInterCard(0, "nope", "str")
	add(err)
	_, err = s.SInterStore("d", "s", "str")
	add(err)
	_, err = s.SUnion("s", "str")
	add(err)
	_, err = s.SUnionStore("d", "str")
	add(err)
	_, err = s.SDiff("nope", "str")
	add(err)
	_, err = s.SDiffStore("d", "s", "str")
	add(err)
	_, _, err = s.SScan("str", 0, "", 0)
	add(err)
	for i, err := range wrong {
		assert.ErrorIs(t, err, ErrWrongType, "call %d", i)
	}
	ok, _ := s.SIsMember("s", "1")
	assert.True(t, ok, "SMOVE to a wrong type moves nothing")

	_, err = s.SPopN("s", -1)
	assert.ErrorIs(t, err, ErrOutOfRangePositive)
	_, err = s.SRandMemberN("s", math.MinInt64)
	assert.ErrorIs(t, err, ErrOutOfRange)
	assert.Equal(t, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807", err.Error())
	_, err = s.SRandMemberN("s", -(maxSRandMemberRepeat + 1))
	assert.ErrorIs(t, err, ErrOutOfRange)
	_, err = s.SInterCard(-1, "s")
	assert.ErrorIs(t, err, ErrLimitNegative)
	_, err = s.SInterCard(0)
	assert.ErrorIs(t, err, ErrNumKeys)
	for _, err := range []error{
		func() error { _, err := s.SAdd("s"); return err }(),
		func() error { _, err := s.SRem("s"); return err }(),
		func() error { _, err := s.SMIsMember("s"); return err }(),
		func() error { _, err := s.SInter(); return err }(),
		func() error { _, err := s.SUnion(); return err }(),
		func() error { _, err := s.SDiff(); return err }(),
		func() error { _, err := s.SInterStore("d"); return err }(),
		func() error { _, err := s.SUnionStore("d"); return err }(),
		func() error { _, err := s.SDiffStore("d"); return err }(),
	} {
		assert.ErrorIs(t, err, ErrWrongArity)
	}

	_, err = s.Do("SINTERCARD", "0", "s")
	assert.ErrorIs(t, err, ErrNumKeys)
	_, err = s.Do("SINTERCARD", "2", "s")
	assert.ErrorIs(t, err, ErrNumKeysArgs)
	_, err = s.Do("SINTERCARD", "1", "s", "LIMIT", "x")
	assert.ErrorIs(t, err, ErrLimitNegative)
	_, err = s.Do("SSCAN", "s", "x")
	assert.ErrorIs(t, err, ErrInvalidCursor)
	_, err = s.Do("SPOP", "s", "1", "2")
	assert.ErrorIs(t, err, ErrSyntax)
	var rerr *Error
	require.True(t, errors.As(err, &rerr))
	assert.Equal(t, "ERR", rerr.Code())
}

func TestSetsPopAndRandom(t *testing.T) {
	s := newTestStore(t, WithSeed(42))
	_, err := s.SAdd("s", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
	require.NoError(t, err)
	all := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}

	for _, count := range []int64{1, 2, 3, 4, 8, 9} {
		got, err := s.SRandMemberN("s", count)
		require.NoError(t, err)
		assert.Len(t, got, int(count))
		assert.Subset(t, all, got)
		sorted := slices.Clone(got)
		slices.Sort(sorted)
		assert.Len(t, slices.Compact(sorted), int(count), "distinct for a positive count")
	}
	got, err := s.SRandMemberN("s", 100)
	require.NoError(t, err)
	assert.ElementsMatch(t, all, got)
	got, err = s.SRandMemberN("s", -50)
	require.NoError(t, err)
	assert.Len(t, got, 50)
	assert.Subset(t, all, got)
	m, ok, err := s.SRandMember("s")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Contains(t, all, m)

	// SPOP strategies: few picks, most of the set, all of it.
	popped := map[string]bool{}
	for _, count := range []int64{1, 2, 5} {
		got, err := s.SPopN("s", count)
		require.NoError(t, err)
		assert.Len(t, got, int(count))
		for _, p := range got {
			assert.False(t, popped[p], "popped twice: %s", p)
			popped[p] = true
		}
	}
	m, ok, err = s.SPop("s")
	require.NoError(t, err)
	require.True(t, ok)
	assert.False(t, popped[m])
	popped[m] = true
	rest, err := s.SPopN("s", 10)
	require.NoError(t, err)
	assert.Len(t, rest, 1)
	popped[rest[0]] = true
	assert.Len(t, popped, 10)
	n, _ := s.Exists("s")
	assert.Zero(t, n)

	// The "keep a few" strategy re-encodes what remains.
	_, err = s.SAdd("h", "x", "1", "2", "3", "4", "5", "6", "7", "8", "9")
	require.NoError(t, err)
	_, err = s.SRem("h", "x")
	require.NoError(t, err)
	enc, _, _ := s.ObjectEncoding("h")
	assert.Equal(t, "hashtable", enc)
	got, err = s.SPopN("h", 8)
	require.NoError(t, err)
	assert.Len(t, got, 8)
	enc, _, _ = s.ObjectEncoding("h")
	assert.Equal(t, "intset", enc)
}

func TestSetsSeededPicksRepeat(t *testing.T) {
	run := func() []string {
		s := newTestStore(t, WithSeed(3))
		_, err := s.SAdd("s", "a", "b", "c", "d", "e", "1", "2")
		require.NoError(t, err)
		var out []string
		for range 5 {
			m, _, _ := s.SRandMember("s")
			out = append(out, m)
		}
		more, _ := s.SRandMemberN("s", -5)
		out = append(out, more...)
		p, _, _ := s.SPop("s")
		return append(out, p)
	}
	assert.Equal(t, run(), run())
}

func TestSetsSetOperations(t *testing.T) {
	s := newTestStore(t)
	_, _ = s.SAdd("a", "1", "2", "3", "4")
	_, _ = s.SAdd("b", "3", "4", "5")
	_, _ = s.SAdd("c", "4", "x")

	m, err := s.SInter("a", "b")
	require.NoError(t, err)
	assert.Equal(t, []string{"3", "4"}, m)
	m, err = s.SInter("a", "b", "c")
	require.NoError(t, err)
	assert.Equal(t, []string{"4"}, m)
	n, err := s.SInterCard(0, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.SInterCard(1, "a", "b")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	m, err = s.SUnion("a", "b")
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2", "3", "4", "5"}, m)
	m, err = s.SDiff("a", "b")
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2"}, m)
	m, err = s.SDiff("a", "a")
	require.NoError(t, err)
	assert.Empty(t, m)

	require.NoError(t, s.Set("d", "string", 0))
	n, err = s.SUnionStore("d", "a", "c")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	typ, _ := s.Type("d")
	assert.Equal(t, "set", typ)
	n, err = s.SInterStore("d", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	m, _ = s.SMembers("d")
	assert.Equal(t, []string{"3", "4"}, m)
	n, err = s.SDiffStore("d", "b", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = s.SDiffStore("d", "a", "a")
	require.NoError(t, err)
	assert.Zero(t, n)
	e, _ := s.Exists("d")
	assert.Zero(t, e, "an empty result deletes the destination")

	ok, err := s.SMove("a", "new", "1")
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = s.SMove("a", "new", "1")
	require.NoError(t, err)
	assert.False(t, ok)
	m, _ = s.SMembers("new")
	assert.Equal(t, []string{"1"}, m)
	ok, err = s.SMove("new", "new", "1")
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestSetsScan(t *testing.T) {
	s := newTestStore(t)
	_, _ = s.SAdd("i", "3", "1", "2")
	members, next, err := s.SScan("i", 0, "", 1)
	require.NoError(t, err)
	assert.Zero(t, next, "an intset comes whole")
	assert.Equal(t, []string{"1", "2", "3"}, members)
	members, _, err = s.SScan("i", 0, "[12]", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "2"}, members)

	want := map[string]bool{}
	args := []string{}
	for i := range 700 {
		m := "m" + strconv.Itoa(i)
		want[m] = true
		args = append(args, m)
	}
	_, err = s.SAdd("h", args...)
	require.NoError(t, err)
	seen := map[string]bool{}
	cursor, steps := uint64(0), 0
	for {
		members, cursor, err = s.SScan("h", cursor, "", 50)
		require.NoError(t, err)
		assert.LessOrEqual(t, len(members), 50)
		for _, m := range members {
			seen[m] = true
		}
		steps++
		if cursor == 0 {
			break
		}
	}
	assert.Equal(t, want, seen)
	assert.Greater(t, steps, 10)
	members, _, err = s.SScan("h", 0, "m69*", 1000)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"m69", "m690", "m691", "m692", "m693", "m694", "m695", "m696", "m697", "m698", "m699"}, members)
}

func TestSetsTypedMatchesDo(t *testing.T) {
	typed, do := newTestStore(t, WithSeed(9)), newTestStore(t, WithSeed(9))
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
	bools := func(v []bool, err error) any {
		if err != nil {
			return err.Error()
		}
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = int64(0)
			if x {
				out[i] = int64(1)
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
	steps := []struct {
		typed func() any
		do    []any
	}{
		{func() any { return res(typed.SAdd("s", "5", "1", "3")) }, []any{"SADD", "s", "5", "1", "3"}},
		{func() any { return res(typed.SAdd("t", "3", "4", "x")) }, []any{"SADD", "t", "3", "4", "x"}},
		{func() any { return list(typed.SMembers("s")) }, []any{"SMEMBERS", "s"}},
		{func() any { return res(typed.SCard("t")) }, []any{"SCARD", "t"}},
		{func() any { return b(typed.SIsMember("s", "3")) }, []any{"SISMEMBER", "s", "3"}},
		{func() any { return bools(typed.SMIsMember("s", "1", "2")) }, []any{"SMISMEMBER", "s", "1", "2"}},
		{func() any { return list(typed.SInter("s", "t")) }, []any{"SINTER", "s", "t"}},
		{func() any { return res(typed.SInterCard(0, "s", "t")) }, []any{"SINTERCARD", 2, "s", "t"}},
		{func() any { return res(typed.SInterCard(1, "s", "t")) }, []any{"SINTERCARD", 2, "s", "t", "LIMIT", 1}},
		{func() any { return list(typed.SUnion("s", "nokey")) }, []any{"SUNION", "s", "nokey"}},
		{func() any { return list(typed.SDiff("s", "t")) }, []any{"SDIFF", "s", "t"}},
		{func() any { return res(typed.SInterStore("d", "s", "t")) }, []any{"SINTERSTORE", "d", "s", "t"}},
		{func() any { return res(typed.SUnionStore("d", "s")) }, []any{"SUNIONSTORE", "d", "s"}},
		{func() any { return res(typed.SDiffStore("d", "s", "s")) }, []any{"SDIFFSTORE", "d", "s", "s"}},
		{func() any { return list(typed.SRandMemberN("s", 10)) }, []any{"SRANDMEMBER", "s", 10}},
		{func() any { return list(typed.SRandMemberN("s", -4)) }, []any{"SRANDMEMBER", "s", -4}},
		{func() any { return list(typed.SRandMemberN("s", 2)) }, []any{"SRANDMEMBER", "s", 2}},
		{func() any { return str(typed.SRandMember("s")) }, []any{"SRANDMEMBER", "s"}},
		{func() any { return list(typed.SRandMemberN("s", math.MinInt64)) }, []any{"SRANDMEMBER", "s", int64(math.MinInt64)}},
		{func() any { return b(typed.SMove("s", "t", "5")) }, []any{"SMOVE", "s", "t", "5"}},
		{func() any { return scan(typed.SScan("t", 0, "", 0)) }, []any{"SSCAN", "t", 0}},
		{func() any { return scan(typed.SScan("s", 0, "[1]", 5)) }, []any{"SSCAN", "s", 0, "MATCH", "[1]", "COUNT", 5}},
		{func() any { return str(typed.SPop("s")) }, []any{"SPOP", "s"}},
		{func() any { return list(typed.SPopN("t", 2)) }, []any{"SPOP", "t", 2}},
		{func() any { return list(typed.SPopN("t", 10)) }, []any{"SPOP", "t", 10}},
		{func() any { return list(typed.SPopN("t", -1)) }, []any{"SPOP", "t", -1}},
		{func() any { return res(typed.SRem("s", "1", "3", "9")) }, []any{"SREM", "s", "1", "3", "9"}},
		{func() any { return res(typed.SCard("s")) }, []any{"SCARD", "s"}},
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

func TestSetsRESP3(t *testing.T) {
	s := newTestStore(t, WithSeed(1))
	assert.Equal(t, resp.KindSet, resp3Do(s, "SMEMBERS", "nokey").Kind)
	assert.Equal(t, resp.KindNull, resp3Do(s, "SPOP", "nokey").Kind)
	assert.Equal(t, resp.KindNull, resp3Do(s, "SRANDMEMBER", "nokey").Kind)
	assert.Equal(t, resp.KindSet, resp3Do(s, "SPOP", "nokey", "2").Kind)
	assert.Equal(t, resp.KindArray, resp3Do(s, "SRANDMEMBER", "nokey", "2").Kind)
	_, err := s.SAdd("s", "1", "2")
	require.NoError(t, err)
	for _, args := range [][]string{{"SMEMBERS", "s"}, {"SINTER", "s"}, {"SUNION", "s"}, {"SDIFF", "s"}, {"SINTER", "s", "nokey"}} {
		assert.Equal(t, resp.KindSet, resp3Do(s, args...).Kind, args)
	}
	assert.Equal(t, resp.KindArray, resp3Do(s, "SMISMEMBER", "s", "1").Kind)
	assert.Equal(t, resp.KindArray, resp3Do(s, "SRANDMEMBER", "s", "5").Kind)
	assert.Equal(t, resp.KindSet, resp3Do(s, "SPOP", "s", "5").Kind)
}

func TestSetsInTransaction(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Update(func(tx *Tx) error {
		if _, err := tx.SAdd("s", "a", "b"); err != nil {
			return err
		}
		n, err := tx.SUnionStore("t", "s")
		assert.Equal(t, int64(2), n)
		return err
	}))
	require.NoError(t, s.View(func(tx *Tx) error {
		n, err := tx.SCard("t")
		assert.Equal(t, int64(2), n)
		_, werr := tx.SAdd("t", "c")
		assert.ErrorIs(t, werr, ErrTxReadOnly)
		_, werr = tx.Do("SPOP", "t")
		assert.ErrorIs(t, werr, ErrTxReadOnly)
		return err
	}))
	n, err := s.DB(2).SAdd("s", "z")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	ok, _ := s.SIsMember("s", "z")
	assert.False(t, ok, "another database")
}

func TestSetsAllocations(t *testing.T) {
	s := newTestStore(t)
	_, err := s.SAdd("i", "1", "2", "3")
	require.NoError(t, err)
	_, err = s.SAdd("h", "a", "b", "c")
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.SIsMember("i", "2") }), "SIsMember on an intset")
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.SIsMember("h", "b") }), "SIsMember on a hashtable")
	assert.Zero(t, testing.AllocsPerRun(100, func() { s.SCard("h") }), "SCard")
}

// Sets of integers list their members in ascending order, as Redis's
// intsets do; the set operations work across keys.
func Example_sets() {
	s, _ := New()
	defer s.Close()

	s.SAdd("online", "42", "7", "19")
	s.SAdd("admins", "7", "99")
	members, _ := s.SMembers("online")
	fmt.Println(members)
	both, _ := s.SInter("online", "admins")
	fmt.Println(both)
	n, _ := s.SUnionStore("everyone", "online", "admins")
	fmt.Println(n)
	ok, _ := s.SIsMember("everyone", "99")
	fmt.Println(ok)
	// Output:
	// [7 19 42]
	// [7]
	// 4
	// true
}
