package racefree

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "lists",
		commands: []string{"lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "lrange", "lindex", "linsert",
			"llen", "lmove", "rpoplpush", "lpos", "lrem", "lset", "ltrim", "lmpop", "blpop", "brpop", "blmove",
			"brpoplpush", "blmpop"},
		templates: listTemplates,
	})
}

// Pools for the random list commands: few distinct elements, so that LREM,
// LPOS and LINSERT find matches.
var (
	listElems   = []string{"a", "b", "c", "", "1", "-1", "\x00\xff", "a b"}
	listIndexes = []string{"0", "1", "2", "-1", "-2", "-3", "5", "-100", "100", "9223372036854775807", "-9223372036854775808", "x", "1.5"}
	listCounts  = []string{"0", "1", "2", "3", "-1", "-2", "10", "x", "9223372036854775807", "-9223372036854775808"}
	listSides   = []string{"LEFT", "RIGHT", "left", "Right", "UP"}
	// Timeouts of the blocking commands: short ones and bad ones.
	listTimeouts = []string{"0.001", "0.001", "0.002", "-1", "abc", "inf", "1e400"}
)

// listElemArgs returns 1 to n random elements.
func listElemArgs(r *rand.Rand, n int) []string {
	out := make([]string, 1+r.IntN(n))
	for i := range out {
		out[i] = pick(r, listElems)
	}
	return out
}

// listKeyArgs returns 1 to n random keys.
func listKeyArgs(r *rand.Rand, n int) []string {
	out := make([]string, 1+r.IntN(n))
	for i := range out {
		out[i] = pick(r, randomKeys)
	}
	return out
}

// listMPopArgs builds the arguments of LMPOP or BLMPOP from numkeys on,
// sometimes wrong.
func listMPopArgs(r *rand.Rand) []string {
	keys := listKeyArgs(r, 3)
	numkeys := strconv.Itoa(len(keys))
	switch r.IntN(12) {
	case 0:
		numkeys = pick(r, []string{"0", "-1", "x", "9"})
	case 1:
		numkeys = strconv.Itoa(len(keys) + 1)
	}
	args := append([]string{numkeys}, keys...)
	args = append(args, pick(r, listSides))
	if r.IntN(2) == 0 {
		args = append(args, "COUNT", pick(r, listCounts))
	}
	if r.IntN(15) == 0 {
		args = append(args, pick(r, []string{"COUNT", "FOO"}))
	}
	return args
}

var listTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		cmd := pick(r, []string{"LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"})
		return append([]string{cmd, pick(r, randomKeys)}, listElemArgs(r, 4)...)
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{pick(r, []string{"LPOP", "RPOP"}), pick(r, randomKeys)}
		if r.IntN(2) == 0 {
			args = append(args, pick(r, listCounts))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"LRANGE", pick(r, randomKeys), pick(r, listIndexes), pick(r, listIndexes)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"LRANGE", pick(r, randomKeys), "0", "-1"} }},
	{make: func(r *rand.Rand) []string { return []string{"LINDEX", pick(r, randomKeys), pick(r, listIndexes)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"LSET", pick(r, randomKeys), pick(r, listIndexes), pick(r, listElems)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"LINSERT", pick(r, randomKeys), pick(r, []string{"BEFORE", "AFTER", "after", "NEAR"}),
			pick(r, listElems), pick(r, listElems)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"LLEN", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"LMOVE", pick(r, randomKeys), pick(r, randomKeys), pick(r, listSides), pick(r, listSides)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"RPOPLPUSH", pick(r, randomKeys), pick(r, randomKeys)}
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"LPOS", pick(r, randomKeys), pick(r, listElems)}
		for range r.IntN(3) {
			args = append(args, pick(r, []string{"RANK", "COUNT", "MAXLEN"}))
			if r.IntN(12) != 0 {
				args = append(args, pick(r, listCounts))
			}
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"LREM", pick(r, randomKeys), pick(r, listCounts), pick(r, listElems)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"LTRIM", pick(r, randomKeys), pick(r, listIndexes), pick(r, listIndexes)}
	}},
	{make: func(r *rand.Rand) []string { return append([]string{"LMPOP"}, listMPopArgs(r)...) }},
	// The blocking commands, in one template: a miss costs the live server
	// a tick of its timer (100 ms), so they are drawn less often.
	{make: func(r *rand.Rand) []string {
		switch r.IntN(4) {
		case 0:
			args := append([]string{pick(r, []string{"BLPOP", "BRPOP"})}, listKeyArgs(r, 4)...)
			return append(args, pick(r, listTimeouts))
		case 1:
			return []string{"BLMOVE", pick(r, randomKeys), pick(r, randomKeys), pick(r, listSides), pick(r, listSides),
				pick(r, listTimeouts)}
		case 2:
			return []string{"BRPOPLPUSH", pick(r, randomKeys), pick(r, randomKeys), pick(r, listTimeouts)}
		}
		return append([]string{"BLMPOP", pick(r, listTimeouts)}, listMPopArgs(r)...)
	}},
	// Keys of other types, for WRONGTYPE.
	{make: func(r *rand.Rand) []string { return []string{"SET", pick(r, randomKeys), pick(r, randomValues)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, randomKeys)} }},
}

func newListStore(t testing.TB) *Store {
	t.Helper()
	s, err := New(WithSeed(1))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestListPushPopTyped(t *testing.T) {
	s := newListStore(t)

	n, err := s.LPush("l", "a", "b", "c")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	n, err = s.RPush("l", "x", "y")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	got, err := s.LRange("l", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "b", "a", "x", "y"}, got)

	n, err = s.LPushX("nokey", "a")
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	n, err = s.RPushX("l", "z")
	require.NoError(t, err)
	assert.Equal(t, int64(6), n)
	n, err = s.LPushX("l", "0")
	require.NoError(t, err)
	assert.Equal(t, int64(7), n)
	exists, err := s.Exists("nokey")
	require.NoError(t, err)
	assert.Equal(t, int64(0), exists)

	v, ok, err := s.LPop("l")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "0", v)
	v, ok, err = s.RPop("l")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "z", v)

	vs, err := s.LPopCount("l", 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "b"}, vs)
	vs, err = s.RPopCount("l", 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"y", "x"}, vs)
	vs, err = s.LPopCount("l", 0)
	require.NoError(t, err)
	assert.NotNil(t, vs)
	assert.Empty(t, vs)
	vs, err = s.RPopCount("l", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, vs)

	// Popped to empty: the key is gone.
	exists, err = s.Exists("l")
	require.NoError(t, err)
	assert.Equal(t, int64(0), exists)

	// A missing key is a normal result.
	_, ok, err = s.LPop("l")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.RPop("l")
	require.NoError(t, err)
	assert.False(t, ok)
	vs, err = s.LPopCount("l", 3)
	require.NoError(t, err)
	assert.Nil(t, vs)
	vs, err = s.LPopCount("l", 0)
	require.NoError(t, err)
	assert.Nil(t, vs)

	_, err = s.LPopCount("l", -1)
	assert.ErrorIs(t, err, ErrOutOfRangePositive)
	_, err = s.LPush("l")
	assert.ErrorIs(t, err, ErrWrongArity)
	assert.EqualError(t, err, "ERR wrong number of arguments for 'lpush' command")
	_, err = s.RPushX("l")
	assert.ErrorIs(t, err, ErrWrongArity)
}

func TestListReadsTyped(t *testing.T) {
	s := newListStore(t)
	_, err := s.RPush("l", "a", "b", "c", "b", "a")
	require.NoError(t, err)

	n, err := s.LLen("l")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	n, err = s.LLen("nokey")
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)

	for _, c := range []struct {
		index int64
		want  string
		ok    bool
	}{{0, "a", true}, {4, "a", true}, {5, "", false}, {-1, "a", true}, {-2, "b", true}, {-5, "a", true}, {-6, "", false}} {
		v, ok, err := s.LIndex("l", c.index)
		require.NoError(t, err)
		assert.Equal(t, c.ok, ok, "index %d", c.index)
		assert.Equal(t, c.want, v, "index %d", c.index)
	}
	_, ok, err := s.LIndex("nokey", 0)
	require.NoError(t, err)
	assert.False(t, ok)

	got, err := s.LRange("l", 1, -2)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c", "b"}, got)
	got, err = s.LRange("l", 3, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{}, got)
	got, err = s.LRange("nokey", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{}, got)

	pos, ok, err := s.LPos("l", "b", LPosArgs{})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, int64(1), pos)
	pos, ok, err = s.LPos("l", "b", LPosArgs{Rank: -1})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, int64(3), pos)
	_, ok, err = s.LPos("l", "b", LPosArgs{Rank: 3})
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.LPos("l", "c", LPosArgs{MaxLen: 2})
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.LPos("nokey", "c", LPosArgs{})
	require.NoError(t, err)
	assert.False(t, ok)

	all, err := s.LPosCount("l", "a", 0, LPosArgs{})
	require.NoError(t, err)
	assert.Equal(t, []int64{0, 4}, all)
	all, err = s.LPosCount("l", "a", 0, LPosArgs{Rank: -1})
	require.NoError(t, err)
	assert.Equal(t, []int64{4, 0}, all)
	all, err = s.LPosCount("l", "b", 1, LPosArgs{Rank: 2})
	require.NoError(t, err)
	assert.Equal(t, []int64{3}, all)
	all, err = s.LPosCount("l", "zz", 0, LPosArgs{})
	require.NoError(t, err)
	assert.Equal(t, []int64{}, all)
	all, err = s.LPosCount("nokey", "zz", 0, LPosArgs{})
	require.NoError(t, err)
	assert.Equal(t, []int64{}, all)

	_, err = s.LPosCount("l", "a", -1, LPosArgs{})
	assert.ErrorIs(t, err, ErrLPosCount)
	_, _, err = s.LPos("l", "a", LPosArgs{MaxLen: -1})
	assert.ErrorIs(t, err, ErrLPosMaxLen)
}

func TestListWritesTyped(t *testing.T) {
	s := newListStore(t)
	_, err := s.RPush("l", "a", "b", "c")
	require.NoError(t, err)

	require.NoError(t, s.LSet("l", -1, "C"))
	assert.ErrorIs(t, s.LSet("l", 3, "x"), ErrIndexOutOfRange)
	assert.ErrorIs(t, s.LSet("nokey", 0, "x"), ErrNoSuchKey)

	n, err := s.LInsertBefore("l", "b", "x")
	require.NoError(t, err)
	assert.Equal(t, int64(4), n)
	n, err = s.LInsertAfter("l", "b", "y")
	require.NoError(t, err)
	assert.Equal(t, int64(5), n)
	n, err = s.LInsert("l", "after", "zz", "y")
	require.NoError(t, err)
	assert.Equal(t, int64(-1), n)
	n, err = s.LInsert("nokey", "BEFORE", "a", "y")
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	_, err = s.LInsert("l", "NEAR", "a", "y")
	assert.ErrorIs(t, err, ErrSyntax)
	got, _ := s.LRange("l", 0, -1)
	assert.Equal(t, []string{"a", "x", "b", "y", "C"}, got)

	_, err = s.RPush("l", "a", "a")
	require.NoError(t, err)
	n, err = s.LRem("l", -1, "a")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = s.LRem("l", 0, "a")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.LRem("nokey", 0, "a")
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	got, _ = s.LRange("l", 0, -1)
	assert.Equal(t, []string{"x", "b", "y", "C"}, got)

	require.NoError(t, s.LTrim("l", 1, 2))
	got, _ = s.LRange("l", 0, -1)
	assert.Equal(t, []string{"b", "y"}, got)
	require.NoError(t, s.LTrim("nokey", 0, 1))
	require.NoError(t, s.LTrim("l", 5, 10))
	n, _ = s.Exists("l")
	assert.Equal(t, int64(0), n, "trimmed to nothing: deleted")

	_, err = s.RPush("r", "a")
	require.NoError(t, err)
	n, err = s.LRem("r", 1, "a")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, _ = s.Exists("r")
	assert.Equal(t, int64(0), n, "removed to nothing: deleted")
}

func TestListMoveTyped(t *testing.T) {
	s := newListStore(t)
	_, err := s.RPush("src", "a", "b", "c")
	require.NoError(t, err)

	v, ok, err := s.LMove("src", "dst", Left, Right)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "a", v)
	v, ok, err = s.RPopLPush("src", "dst")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "c", v)
	got, _ := s.LRange("dst", 0, -1)
	assert.Equal(t, []string{"c", "a"}, got)

	// The same key rotates.
	v, ok, err = s.LMove("dst", "dst", "left", "RIGHT")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "c", v)
	got, _ = s.LRange("dst", 0, -1)
	assert.Equal(t, []string{"a", "c"}, got)

	_, ok, err = s.LMove("nokey", "dst", Left, Left)
	require.NoError(t, err)
	assert.False(t, ok)
	_, _, err = s.LMove("src", "dst", "UP", Left)
	assert.ErrorIs(t, err, ErrSyntax)
	_, _, err = s.LMove("src", "dst", Left, "")
	assert.ErrorIs(t, err, ErrSyntax)

	require.NoError(t, s.Set("str", "x", 0))
	_, _, err = s.LMove("src", "str", Left, Left)
	assert.ErrorIs(t, err, ErrWrongType)
	got, _ = s.LRange("src", 0, -1)
	assert.Equal(t, []string{"b"}, got, "a failed move changes nothing")

	// Moving the last element deletes the source.
	_, _, err = s.LMove("src", "dst", Right, Left)
	require.NoError(t, err)
	n, _ := s.Exists("src")
	assert.Equal(t, int64(0), n)
}

func TestListMPopTyped(t *testing.T) {
	s := newListStore(t)
	_, err := s.RPush("l2", "a", "b", "c")
	require.NoError(t, err)

	key, vs, err := s.LMPop(Right, 2, "l1", "l2")
	require.NoError(t, err)
	assert.Equal(t, "l2", key)
	assert.Equal(t, []string{"c", "b"}, vs)
	key, vs, err = s.LMPop(Left, 5, "l1", "l2")
	require.NoError(t, err)
	assert.Equal(t, "l2", key)
	assert.Equal(t, []string{"a"}, vs)
	key, vs, err = s.LMPop(Left, 1, "l1", "l2")
	require.NoError(t, err)
	assert.Equal(t, "", key)
	assert.Nil(t, vs)

	_, _, err = s.LMPop(Left, 1)
	assert.ErrorIs(t, err, ErrNumKeys)
	_, _, err = s.LMPop(Left, 0, "l1")
	assert.ErrorIs(t, err, ErrCountPositive)
	_, _, err = s.LMPop("MIDDLE", 1, "l1")
	assert.ErrorIs(t, err, ErrSyntax)
}

func TestListWrongType(t *testing.T) {
	s := newListStore(t)
	require.NoError(t, s.Set("s", "x", 0))
	ctx := context.Background()

	errs := []error{}
	add := func(err error) { errs = append(errs, err) }
	_, err := s.LPush("s", "a")
	add(err)
	_, err = s.RPushX("s", "a")
	add(err)
	_, _, err = s.LPop("s")
	add(err)
	_, err = s.RPopCount("s", 1)
	add(err)
	_, err = s.LRange("s", 0, -1)
	add(err)
	_, _, err = s.LIndex("s", 0)
	add(err)
	add(s.LSet("s", 0, "x"))
	_, err = s.LInsertBefore("s", "a", "b")
	add(err)
	_, err = s.LLen("s")
	add(err)
	_, _, err = s.LMove("s", "d", Left, Left)
	add(err)
	_, _, err = s.LPos("s", "a", LPosArgs{})
	add(err)
	_, err = s.LRem("s", 0, "a")
	add(err)
	add(s.LTrim("s", 0, 1))
	_, _, err = s.LMPop(Left, 1, "nokey", "s")
	add(err)
	_, _, _, err = s.BLPop(ctx, time.Second, "nokey", "s")
	add(err)
	_, _, err = s.BLMove(ctx, "s", "d", Left, Left, time.Second)
	add(err)
	_, _, err = s.BLMPop(ctx, time.Second, Left, 1, "s")
	add(err)
	for i, err := range errs {
		assert.ErrorIs(t, err, ErrWrongType, "call %d", i)
	}
	v, _, _ := s.Get("s")
	assert.Equal(t, "x", v)
}

// TestListTypedAgreesWithDo runs the same operations through the typed API
// on one store and through Do on another, and compares results and lists.
func TestListTypedAgreesWithDo(t *testing.T) {
	typed, viaDo := newListStore(t), newListStore(t)
	r := rand.New(rand.NewPCG(3, 4))
	keys := []string{"a", "b"}
	for step := range 3000 {
		k, k2, v := pick(r, keys), pick(r, keys), pick(r, listElems)
		i, j := int64(r.IntN(7)-3), int64(r.IntN(7)-3)
		var want, got any
		var wantErr, gotErr error
		switch r.IntN(12) {
		case 0:
			want, wantErr = typed.RPush(k, v, v+"x")
			got, gotErr = viaDo.Do("RPUSH", k, v, v+"x")
		case 1:
			want, wantErr = typed.LPush(k, v)
			got, gotErr = viaDo.Do("LPUSH", k, v)
		case 2:
			var ok bool
			want, ok, wantErr = typed.LPop(k)
			if !ok {
				want = nil
			}
			got, gotErr = viaDo.Do("LPOP", k)
		case 3:
			var vs []string
			vs, wantErr = typed.RPopCount(k, j+3)
			want = stringsAsAny(vs)
			got, gotErr = viaDo.Do("RPOP", k, j+3)
		case 4:
			var vs []string
			vs, wantErr = typed.LRange(k, i, j)
			want = stringsAsAny(vs)
			got, gotErr = viaDo.Do("LRANGE", k, i, j)
		case 5:
			var ok bool
			want, ok, wantErr = typed.LIndex(k, i)
			if !ok {
				want = nil
			}
			got, gotErr = viaDo.Do("LINDEX", k, i)
		case 6:
			wantErr = typed.LSet(k, i, v)
			want = "OK"
			if wantErr != nil {
				want = nil
			}
			got, gotErr = viaDo.Do("LSET", k, i, v)
		case 7:
			want, wantErr = typed.LInsertAfter(k, v, "ins")
			got, gotErr = viaDo.Do("LINSERT", k, "AFTER", v, "ins")
		case 8:
			var ok bool
			want, ok, wantErr = typed.LMove(k, k2, Left, Right)
			if !ok {
				want = nil
			}
			got, gotErr = viaDo.Do("LMOVE", k, k2, "LEFT", "RIGHT")
		case 9:
			want, wantErr = typed.LRem(k, i, v)
			got, gotErr = viaDo.Do("LREM", k, i, v)
		case 10:
			wantErr = typed.LTrim(k, i, j)
			want = "OK"
			got, gotErr = viaDo.Do("LTRIM", k, i, j)
		case 11:
			var ps []int64
			ps, wantErr = typed.LPosCount(k, v, 0, LPosArgs{Rank: i})
			if i == 0 {
				i = 1
			}
			anys := make([]any, len(ps))
			for n, p := range ps {
				anys[n] = p
			}
			want = anys
			got, gotErr = viaDo.Do("LPOS", k, v, "RANK", i, "COUNT", 0)
		}
		require.Equal(t, wantErr, gotErr, "step %d", step)
		if wantErr == nil {
			require.Equal(t, want, got, "step %d", step)
		}
		for _, key := range keys {
			a, _ := typed.LRange(key, 0, -1)
			b, _ := viaDo.Do("LRANGE", key, 0, -1)
			require.Equal(t, stringsAsAny(a), b, "step %d key %s", step, key)
		}
	}
	require.NoError(t, checkInvariants(typed))
	require.NoError(t, checkInvariants(viaDo))
}

// stringsAsAny converts what a typed method returned to what Do returns for
// the same reply: nil stays nil.
func stringsAsAny(vs []string) any {
	if vs == nil {
		return nil
	}
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

func TestListCopyAndEncoding(t *testing.T) {
	s := newListStore(t)
	_, err := s.RPush("l", "a", "b")
	require.NoError(t, err)
	ok, err := s.Copy("l", "c", 0, false)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = s.RPush("c", "z")
	require.NoError(t, err)
	a, _ := s.LRange("l", 0, -1)
	b, _ := s.LRange("c", 0, -1)
	assert.Equal(t, []string{"a", "b"}, a)
	assert.Equal(t, []string{"a", "b", "z"}, b)
	enc, ok, err := s.ObjectEncoding("c")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "quicklist", enc)
	require.NoError(t, checkInvariants(s))
}

func TestListRESP3(t *testing.T) {
	s := newListStore(t)
	// The nil replies become RESP3 nulls.
	for _, args := range [][]string{{"LPOP", "nokey"}, {"LPOP", "nokey", "2"}, {"LINDEX", "nokey", "0"},
		{"LPOS", "nokey", "a"}, {"LMPOP", "1", "nokey", "LEFT"}, {"BLPOP", "nokey", "0.01"},
		{"BLMOVE", "nokey", "x", "LEFT", "LEFT", "0.01"}} {
		b := resp.Builder{Protocol: 3}
		s.runOn(context.Background(), 0, args, &b)
		assert.Equal(t, resp.KindNull, b.Value().Kind, "%v", args)
	}
}

// ---- blocking ----

func TestBLPopWokenByRPush(t *testing.T) {
	s := newListStore(t)
	type result struct {
		key, value string
		ok         bool
		err        error
	}
	done := make(chan result)
	go func() {
		k, v, ok, err := s.BLPop(context.Background(), 0, "q1", "q2")
		done <- result{k, v, ok, err}
	}()
	listWaitBlocked(t, s, "q2")
	_, err := s.RPush("q2", "job1", "job2")
	require.NoError(t, err)
	res := <-done
	require.NoError(t, res.err)
	assert.True(t, res.ok)
	assert.Equal(t, "q2", res.key)
	assert.Equal(t, "job1", res.value)
	left, _ := s.LRange("q2", 0, -1)
	assert.Equal(t, []string{"job2"}, left)
}

// listWaitBlocked waits until some caller is blocked on key of database 0.
func listWaitBlocked(t testing.TB, s *Store, key string) {
	t.Helper()
	listWaitBlockedN(t, s, key, 1)
}

// listWaitBlockedN waits until n callers are blocked on key of database 0.
func listWaitBlockedN(t testing.TB, s *Store, key string, n int) {
	t.Helper()
	for range 5000 {
		s.mu.Lock()
		got := len(s.waiters[blockKey{0, key}])
		s.mu.Unlock()
		if got >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("nobody blocked on %q", key)
}

func TestBRPopAndBLMPopWoken(t *testing.T) {
	s := newListStore(t)
	done := make(chan []string)
	go func() {
		k, v, ok, err := s.BRPop(context.Background(), 10*time.Second, "q")
		assert.NoError(t, err)
		assert.True(t, ok)
		done <- []string{k, v}
	}()
	listWaitBlocked(t, s, "q")
	_, err := s.RPush("q", "a", "b")
	require.NoError(t, err)
	assert.Equal(t, []string{"q", "b"}, <-done)

	go func() {
		k, vs, err := s.BLMPop(context.Background(), 10*time.Second, Right, 5, "none", "m")
		assert.NoError(t, err)
		done <- append([]string{k}, vs...)
	}()
	listWaitBlocked(t, s, "m")
	_, err = s.RPush("m", "x", "y", "z")
	require.NoError(t, err)
	assert.Equal(t, []string{"m", "z", "y", "x"}, <-done)
	n, _ := s.Exists("m")
	assert.Equal(t, int64(0), n)
}

func TestBLPopThroughDoContext(t *testing.T) {
	s := newListStore(t)
	type result struct {
		v   any
		err error
	}
	done := make(chan result)
	go func() {
		v, err := s.DoContext(context.Background(), "BLPOP", "q", "0")
		done <- result{v, err}
	}()
	listWaitBlocked(t, s, "q")
	_, err := s.Do("LPUSH", "q", "hello")
	require.NoError(t, err)
	res := <-done
	require.NoError(t, res.err)
	assert.Equal(t, []any{"q", "hello"}, res.v)

	// BLMOVE through Do, woken by a push, moves the element.
	go func() {
		v, err := s.DoContext(context.Background(), "BLMOVE", "src", "dst", "RIGHT", "LEFT", "5")
		done <- result{v, err}
	}()
	listWaitBlocked(t, s, "src")
	_, err = s.Do("RPUSH", "src", "a", "b")
	require.NoError(t, err)
	res = <-done
	require.NoError(t, res.err)
	assert.Equal(t, "b", res.v)
	got, _ := s.LRange("dst", 0, -1)
	assert.Equal(t, []string{"b"}, got)

	// BLMPOP through Do.
	go func() {
		v, err := s.DoContext(context.Background(), "BLMPOP", "5", "2", "x", "y", "LEFT", "COUNT", "2")
		done <- result{v, err}
	}()
	listWaitBlocked(t, s, "y")
	_, err = s.Do("RPUSH", "y", "1", "2", "3")
	require.NoError(t, err)
	res = <-done
	require.NoError(t, res.err)
	assert.Equal(t, []any{"y", []any{"1", "2"}}, res.v)

	// Timeouts through Do: a nil reply.
	v, err := s.Do("BRPOP", "none", "0.01")
	require.NoError(t, err)
	assert.Nil(t, v)
	v, err = s.Do("BRPOPLPUSH", "none", "x", "0.01")
	require.NoError(t, err)
	assert.Nil(t, v)
}

func TestBLPopTimeoutAndCancel(t *testing.T) {
	s := newListStore(t)
	start := time.Now()
	_, _, ok, err := s.BLPop(context.Background(), 20*time.Millisecond, "none")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)

	_, ok, err = s.BLMove(context.Background(), "none", "d", Left, Left, 10*time.Millisecond)
	require.NoError(t, err)
	assert.False(t, ok)
	key, vs, err := s.BLMPop(context.Background(), 10*time.Millisecond, Left, 1, "none")
	require.NoError(t, err)
	assert.Equal(t, "", key)
	assert.Nil(t, vs)

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, _, _, err := s.BLPop(ctx, 0, "none")
		errc <- err
	}()
	listWaitBlocked(t, s, "none")
	cancel()
	assert.ErrorIs(t, <-errc, context.Canceled)

	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err = s.DoContext(ctx, "BLPOP", "none", "0")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// Nobody is left waiting, and a push now stays in the list.
	s.mu.Lock()
	assert.Empty(t, s.waiters)
	s.mu.Unlock()
	_, err = s.RPush("none", "x")
	require.NoError(t, err)
	n, _ := s.LLen("none")
	assert.Equal(t, int64(1), n)

	_, _, _, err = s.BLPop(context.Background(), -time.Second, "none")
	assert.ErrorIs(t, err, ErrTimeoutNegative)
	_, _, _, err = s.BLPop(context.Background(), time.Second)
	assert.ErrorIs(t, err, ErrWrongArity)
	_, _, err = s.BLMove(context.Background(), "a", "b", "UP", Left, time.Second)
	assert.ErrorIs(t, err, ErrSyntax)
	_, _, err = s.BLMPop(context.Background(), time.Second, Left, 0, "a")
	assert.ErrorIs(t, err, ErrCountPositive)
}

func TestBLPopClosedStore(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	errc := make(chan error)
	go func() {
		_, _, _, err := s.BLPop(context.Background(), 0, "q")
		errc <- err
	}()
	listWaitBlocked(t, s, "q")
	require.NoError(t, s.Close())
	assert.ErrorIs(t, <-errc, ErrClosed)
}

func TestBlockingListInsideTransaction(t *testing.T) {
	s := newListStore(t)
	err := s.Update(func(tx *Tx) error {
		start := time.Now()
		_, _, ok, err := tx.BLPop(context.Background(), 0, "none")
		require.NoError(t, err)
		assert.False(t, ok)
		_, ok, err = tx.BRPopLPush(context.Background(), "none", "d", 0)
		require.NoError(t, err)
		assert.False(t, ok)
		key, _, err := tx.BLMPop(context.Background(), 0, Left, 1, "none")
		require.NoError(t, err)
		assert.Equal(t, "", key)
		v, err := tx.Do("BLPOP", "none", "0")
		require.NoError(t, err)
		assert.Nil(t, v)
		v, err = tx.Do("BLMOVE", "none", "d", "LEFT", "LEFT", "0")
		require.NoError(t, err)
		assert.Nil(t, v)
		assert.Less(t, time.Since(start), time.Second)

		// What is there is served at once.
		_, err = tx.RPush("q", "a")
		require.NoError(t, err)
		k, val, ok, err := tx.BRPop(context.Background(), 0, "q")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, []string{"q", "a"}, []string{k, val})
		return nil
	})
	require.NoError(t, err)
}

func TestBLPopServedInOrder(t *testing.T) {
	s := newListStore(t)
	const n = 5
	results := make([]chan string, n)
	for i := range n {
		results[i] = make(chan string, 1)
		go func() {
			_, v, _, err := s.BLPop(context.Background(), 0, "q")
			assert.NoError(t, err)
			results[i] <- v
		}()
		listWaitBlockedN(t, s, "q", i+1) // block one after the other
	}
	_, err := s.RPush("q", "0", "1", "2", "3", "4", "extra")
	require.NoError(t, err)
	for i := range n {
		assert.Equal(t, strconv.Itoa(i), <-results[i], "waiter %d", i)
	}
	got, _ := s.LRange("q", 0, -1)
	assert.Equal(t, []string{"extra"}, got)
}

// TestBLMoveChain checks that an element a BLMOVE waiter pushes wakes the
// waiters of its destination, in the same command.
func TestBLMoveChain(t *testing.T) {
	s := newListStore(t)
	moved := make(chan string, 1)
	popped := make(chan string, 1)
	go func() {
		v, _, err := s.BLMove(context.Background(), "a", "b", Left, Left, 0)
		assert.NoError(t, err)
		moved <- v
	}()
	listWaitBlocked(t, s, "a")
	go func() {
		_, v, _, err := s.BLPop(context.Background(), 0, "b")
		assert.NoError(t, err)
		popped <- v
	}()
	listWaitBlocked(t, s, "b")
	_, err := s.RPush("a", "x")
	require.NoError(t, err)
	assert.Equal(t, "x", <-moved)
	assert.Equal(t, "x", <-popped)
	n, _ := s.Exists("a", "b")
	assert.Equal(t, int64(0), n)
}

// TestBLMoveDestinationWrongType: when an element arrives and the
// destination holds another type, the waiter gets WRONGTYPE and the element
// stays, as in Redis.
func TestBLMoveDestinationWrongType(t *testing.T) {
	s := newListStore(t)
	errc := make(chan error, 1)
	go func() {
		_, _, err := s.BLMove(context.Background(), "src", "dst", Left, Left, 0)
		errc <- err
	}()
	listWaitBlocked(t, s, "src")
	require.NoError(t, s.Set("dst", "string", 0))
	_, err := s.RPush("src", "x")
	require.NoError(t, err)
	assert.ErrorIs(t, <-errc, ErrWrongType)
	got, _ := s.LRange("src", 0, -1)
	assert.Equal(t, []string{"x"}, got)

	// The same through Do.
	_, err = s.Del("src")
	require.NoError(t, err)
	res := make(chan error, 1)
	go func() {
		_, err := s.DoContext(context.Background(), "BRPOPLPUSH", "src", "dst", "0")
		res <- err
	}()
	listWaitBlocked(t, s, "src")
	_, err = s.RPush("src", "y")
	require.NoError(t, err)
	assert.ErrorIs(t, <-res, ErrWrongType)
}

// TestBlockedOnAnotherType: a key that becomes a sorted set serves the
// callers blocked on sorted sets and leaves BLPOP blocked, even when the
// BLPOP came first, as in Redis.
func TestBlockedOnAnotherType(t *testing.T) {
	s := newListStore(t)
	listDone := make(chan any, 1)
	zsetDone := make(chan any, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		v, err := s.DoContext(ctx, "BLPOP", "k", "0")
		if err != nil {
			v = err
		}
		listDone <- v
	}()
	listWaitBlocked(t, s, "k")
	go func() {
		v, err := s.DoContext(ctx, "BZPOPMIN", "k", "0")
		if err != nil {
			v = err
		}
		zsetDone <- v
	}()
	listWaitBlockedN(t, s, "k", 2)
	_, err := s.Do("ZADD", "k", "1", "m")
	require.NoError(t, err)
	assert.Equal(t, []any{"k", "m", "1"}, <-zsetDone)
	select {
	case v := <-listDone:
		t.Fatalf("BLPOP served from a sorted set: %v", v)
	case <-time.After(20 * time.Millisecond):
	}
	_, err = s.Do("RPUSH", "k", "x")
	require.NoError(t, err)
	assert.Equal(t, []any{"k", "x"}, <-listDone)
}

// TestBlockingListsStress runs many blocked poppers against many pushers:
// every element pushed is popped exactly once.
func TestBlockingListsStress(t *testing.T) {
	s := newListStore(t)
	const (
		pushers   = 8
		perPusher = 300
		poppers   = 8
	)
	keys := []string{"q1", "q2", "q3"}
	total := pushers * perPusher
	var mu sync.Mutex
	seen := make(map[string]int, total)
	var popWG sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for p := range poppers {
		popWG.Add(1)
		go func() {
			defer popWG.Done()
			for {
				var v string
				var ok bool
				var err error
				switch p % 4 {
				case 0:
					_, v, ok, err = s.BLPop(ctx, 0, keys...)
				case 1:
					_, v, ok, err = s.BRPop(ctx, 0, keys...)
				case 2:
					var vs []string
					var k string
					k, vs, err = s.BLMPop(ctx, 0, Left, 1, keys...)
					ok = k != ""
					if ok {
						v = vs[0]
					}
				case 3:
					var r any
					r, err = s.DoContext(ctx, "BLPOP", "q1", "q2", "q3", "0")
					if err == nil {
						ok = true
						v = r.([]any)[1].(string)
					}
				}
				if errors.Is(err, context.Canceled) {
					return
				}
				if !assert.NoError(t, err) || !assert.True(t, ok) {
					return
				}
				mu.Lock()
				seen[v]++
				n := len(seen)
				mu.Unlock()
				if n == total {
					cancel()
				}
			}
		}()
	}
	var pushWG sync.WaitGroup
	for p := range pushers {
		pushWG.Add(1)
		go func() {
			defer pushWG.Done()
			for i := range perPusher {
				v := strconv.Itoa(p) + ":" + strconv.Itoa(i)
				var err error
				if i%3 == 0 {
					_, err = s.Do("LPUSH", keys[i%len(keys)], v)
				} else {
					_, err = s.RPush(keys[i%len(keys)], v)
				}
				assert.NoError(t, err)
			}
		}()
	}
	pushWG.Wait()
	select {
	case <-ctx.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("not every element was popped")
	}
	popWG.Wait()
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, seen, total)
	for v, n := range seen {
		if n != 1 {
			t.Errorf("%s popped %d times", v, n)
		}
	}
	for _, k := range keys {
		n, _ := s.LLen(k)
		assert.Zero(t, n, "left in %s", k)
	}
	require.NoError(t, checkInvariants(s))
}

// TestListContainerInvariant: a list in the keyspace is a list entry.
func TestListContainerInvariant(t *testing.T) {
	s := newListStore(t)
	_, err := s.RPush("l", "a")
	require.NoError(t, err)
	s.mu.Lock()
	e := s.dbs[0].keys["l"]
	vt, n := e.typ, e.list().Len()
	s.mu.Unlock()
	assert.Equal(t, typeList, vt)
	assert.Equal(t, 1, n)
	typ, err := s.Do("TYPE", "l")
	require.NoError(t, err)
	assert.Equal(t, "list", typ)
}

// FuzzListCommands runs arbitrary list commands (the first argument picks
// one) through DoContext, with a context that bounds the blocking ones: no
// input may panic, and the store's invariants hold after each.
func FuzzListCommands(f *testing.F) {
	names := []string{"LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LRANGE", "LINDEX", "LINSERT",
		"LLEN", "LMOVE", "RPOPLPUSH", "LPOS", "LREM", "LSET", "LTRIM", "LMPOP", "BLPOP", "BRPOP", "BLMOVE",
		"BRPOPLPUSH", "BLMPOP", "SET", "DEL"}
	for _, seed := range []string{
		"\x00k\x00a\x00b", "\x05k\x00-1\x00x", "\x06k\x000\x00-1", "\x08k\x00BEFORE\x00a\x00z",
		"\x0ck\x00a\x00RANK\x00-9223372036854775808\x00COUNT\x000\x00MAXLEN\x001", "\x0dk\x00-2\x00a",
		"\x0ek\x00-1\x00v", "\x0fk\x009223372036854775807\x00-9223372036854775808", "\x102\x00k\x00j\x00RIGHT\x00COUNT\x003",
		"\x11k\x00j\x000", "\x12j\x00k\x000.001", "\x13k\x00k\x00LEFT\x00RIGHT\x000", "\x150\x001\x00k\x00LEFT",
		"\x0ak\x00k\x00LEFT\x00RIGHT",
	} {
		f.Add([]byte(seed))
	}
	s, err := New(WithSeed(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		args := append([]any{names[int(data[0])%len(names)]}, splitFuzzArgs(data[1:])...)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
		defer cancel()
		s.DoContext(ctx, args...)
		if err := checkInvariants(s); err != nil {
			t.Fatalf("after %q: %v", args, err)
		}
	})
}
