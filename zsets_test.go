package racefree

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/internal/redistest"
	"github.com/racefree/racefree/resp"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "zsets",
		commands: []string{"zadd", "zincrby", "zrem", "zscore", "zmscore", "zcard", "zcount", "zlexcount", "zrank",
			"zrevrank", "zrange", "zrangestore", "zrangebyscore", "zrevrangebyscore", "zrangebylex", "zrevrangebylex",
			"zrevrange", "zremrangebyscore", "zremrangebyrank", "zremrangebylex", "zpopmin", "zpopmax", "zmpop",
			"zrandmember", "zunion", "zinter", "zdiff", "zunionstore", "zinterstore", "zdiffstore", "zintercard",
			"zscan", "bzpopmin", "bzpopmax", "bzmpop"},
		templates: zsetTemplates,
	})
}

// Pools for the random sorted set commands. Members are few and short, so
// every set stays a listpack and even lex ranges over mixed scores answer
// as on the server.
var (
	zsetMembers   = []string{"a", "b", "c", "d", "e", "", "\x00\xff", "10"}
	zsetScores    = []string{"0", "1", "-1", "2", "2.5", "-0", "inf", "-inf", "1e3", "0.1", "3", "abc", "nan", "", "0x10"}
	zsetBounds    = []string{"-inf", "+inf", "inf", "0", "1", "(1", "2.5", "(2.5", "3", "(-1", "abc", "(", "-0", "1e3"}
	zsetLexBounds = []string{"-", "+", "[a", "(a", "[c", "(c", "[e", "(", "[", "b", "[\x00", "(10"}
	zsetRanks     = []string{"0", "1", "-1", "2", "-2", "5", "-100", "100", "x"}
	zsetCounts    = []string{"0", "1", "2", "3", "-1", "10", "x"}
	zsetFlags     = []string{"NX", "XX", "GT", "LT", "CH", "INCR", "nx", "ch"}
)

// zsetKeys returns n random keys.
func zsetKeys(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = pick(r, randomKeys)
	}
	return out
}

func zsetRangeArgs(r *rand.Rand, by int) []string {
	switch by {
	case zByScore:
		return []string{pick(r, zsetBounds), pick(r, zsetBounds)}
	case zByLex:
		return []string{pick(r, zsetLexBounds), pick(r, zsetLexBounds)}
	}
	return []string{pick(r, zsetRanks), pick(r, zsetRanks)}
}

func zsetLimit(r *rand.Rand) []string {
	return []string{"LIMIT", pick(r, []string{"0", "1", "2", "-1", "x"}), pick(r, []string{"0", "1", "2", "-1", "5"})}
}

var zsetTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		args := []string{"ZADD", pick(r, randomKeys)}
		if r.IntN(3) == 0 {
			for range 1 + r.IntN(2) {
				args = append(args, pick(r, zsetFlags))
			}
		}
		for range 1 + r.IntN(3) {
			args = append(args, pick(r, zsetScores), pick(r, zsetMembers))
		}
		if r.IntN(15) == 0 {
			args = args[:len(args)-1]
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"ZADD", pick(r, randomKeys), pick(r, []string{"1", "2", "3", "-1"}), pick(r, zsetMembers)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"ZINCRBY", pick(r, randomKeys), pick(r, zsetScores), pick(r, zsetMembers)}
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"ZREM", pick(r, randomKeys)}
		for range 1 + r.IntN(3) {
			args = append(args, pick(r, zsetMembers))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{pick(r, []string{"ZSCORE", "ZRANK", "ZREVRANK"}), pick(r, randomKeys), pick(r, zsetMembers)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"ZMSCORE", pick(r, randomKeys), pick(r, zsetMembers), pick(r, zsetMembers)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"ZCARD", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return append([]string{"ZCOUNT", pick(r, randomKeys)}, zsetRangeArgs(r, zByScore)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"ZLEXCOUNT", pick(r, randomKeys)}, zsetRangeArgs(r, zByLex)...)
	}},
	{make: func(r *rand.Rand) []string {
		by := 1 + r.IntN(3)
		args := append([]string{"ZRANGE", pick(r, randomKeys)}, zsetRangeArgs(r, by)...)
		switch by {
		case zByScore:
			args = append(args, "BYSCORE")
		case zByLex:
			args = append(args, "BYLEX")
		}
		if r.IntN(2) == 0 {
			args = append(args, "REV")
		}
		if r.IntN(2) == 0 {
			args = append(args, "WITHSCORES")
		}
		if r.IntN(3) == 0 {
			args = append(args, zsetLimit(r)...)
		}
		if r.IntN(4) == 0 {
			r.Shuffle(len(args)-4, func(i, j int) { args[4+i], args[4+j] = args[4+j], args[4+i] })
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		name := pick(r, []string{"ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREVRANGE"})
		by := zByScore
		switch name {
		case "ZRANGEBYLEX", "ZREVRANGEBYLEX":
			by = zByLex
		case "ZREVRANGE":
			by = zByRank
		}
		args := append([]string{name, pick(r, randomKeys)}, zsetRangeArgs(r, by)...)
		if r.IntN(2) == 0 {
			args = append(args, "WITHSCORES")
		}
		if r.IntN(3) == 0 {
			args = append(args, zsetLimit(r)...)
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		by := 1 + r.IntN(3)
		args := append([]string{"ZRANGESTORE", pick(r, randomKeys), pick(r, randomKeys)}, zsetRangeArgs(r, by)...)
		switch by {
		case zByScore:
			args = append(args, "BYSCORE")
		case zByLex:
			args = append(args, "BYLEX")
		}
		if r.IntN(2) == 0 {
			args = append(args, "REV")
		}
		if r.IntN(3) == 0 && by != zByRank {
			args = append(args, zsetLimit(r)...)
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		by := 1 + r.IntN(3)
		name := map[int]string{zByRank: "ZREMRANGEBYRANK", zByScore: "ZREMRANGEBYSCORE", zByLex: "ZREMRANGEBYLEX"}[by]
		return append([]string{name, pick(r, randomKeys)}, zsetRangeArgs(r, by)...)
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{pick(r, []string{"ZPOPMIN", "ZPOPMAX"}), pick(r, randomKeys)}
		if r.IntN(2) == 0 {
			args = append(args, pick(r, zsetCounts))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		n := 1 + r.IntN(3)
		args := append([]string{"ZMPOP", strconv.Itoa(n)}, zsetKeys(r, n)...)
		args = append(args, pick(r, []string{"MIN", "MAX", "max"}))
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", pick(r, zsetCounts))
		}
		return args
	}},
	// The blocking pops wait 10ms on both sides when nothing is there; they
	// come less often than the rest.
	{make: func(r *rand.Rand) []string {
		if r.IntN(3) > 0 {
			return []string{"ZCARD", pick(r, randomKeys)}
		}
		args := append([]string{pick(r, []string{"BZPOPMIN", "BZPOPMAX"})}, zsetKeys(r, 1+r.IntN(2))...)
		return append(args, pick(r, []string{"0.01", "-1", "x"}))
	}},
	{make: func(r *rand.Rand) []string {
		if r.IntN(3) > 0 {
			return []string{"ZCARD", pick(r, randomKeys)}
		}
		n := 1 + r.IntN(2)
		args := append([]string{"BZMPOP", "0.01", strconv.Itoa(n)}, zsetKeys(r, n)...)
		args = append(args, pick(r, []string{"MIN", "MAX"}))
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", pick(r, zsetCounts))
		}
		return args
	}},
	{mode: "shape", make: func(r *rand.Rand) []string {
		args := []string{"ZRANDMEMBER", pick(r, randomKeys)}
		if r.IntN(3) > 0 {
			args = append(args, pick(r, []string{"0", "1", "2", "-1", "-3", "5", "100", "x"}))
			if r.IntN(2) == 0 {
				args = append(args, "WITHSCORES")
			}
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		name := pick(r, []string{"ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"})
		var args []string
		store := len(name) > 6
		if store {
			args = []string{name, pick(r, randomKeys)}
		} else {
			args = []string{name}
		}
		n := 1 + r.IntN(3)
		args = append(args, strconv.Itoa(n))
		args = append(args, zsetKeys(r, n)...)
		if name != "ZDIFF" && name != "ZDIFFSTORE" {
			if r.IntN(2) == 0 {
				args = append(args, "WEIGHTS")
				for range n {
					args = append(args, pick(r, []string{"1", "2", "-1", "0", "0.5", "inf"}))
				}
			}
			if r.IntN(2) == 0 {
				args = append(args, "AGGREGATE", pick(r, []string{"SUM", "MIN", "MAX", "avg"}))
			}
		}
		if !store && r.IntN(2) == 0 {
			args = append(args, "WITHSCORES")
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		n := 1 + r.IntN(3)
		args := append([]string{"ZINTERCARD", strconv.Itoa(n)}, zsetKeys(r, n)...)
		if r.IntN(2) == 0 {
			args = append(args, "LIMIT", pick(r, zsetCounts))
		}
		return args
	}},
	{mode: "scanall", make: func(r *rand.Rand) []string {
		args := []string{"ZSCAN", pick(r, randomKeys), "0"}
		if r.IntN(2) == 0 {
			args = append(args, "MATCH", pick(r, []string{"*", "a*", "[a-c]", "?"}))
		}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", pick(r, []string{"1", "5"}))
		}
		return args
	}},
	// Values of other types for collisions, and sets as inputs.
	{make: func(r *rand.Rand) []string {
		if !stringsImplemented() {
			return []string{"ZCARD", pick(r, randomKeys)}
		}
		return []string{"SET", pick(r, randomKeys), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		if !zsetSetsImplemented() {
			return []string{"ZCARD", pick(r, randomKeys)}
		}
		return []string{"SADD", pick(r, randomKeys), pick(r, zsetMembers), pick(r, zsetMembers)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, randomKeys)} }},
}

// zsetSetsImplemented reports whether SADD works yet.
var zsetSetsImplemented = sync.OnceValue(func() bool {
	s, err := New()
	if err != nil {
		return false
	}
	defer s.Close()
	_, err = s.Do("SADD", "k", "v")
	return err == nil
})

// ---- typed API ----

func TestZAddTyped(t *testing.T) {
	s := newTestStore(t)
	n, err := s.ZAdd("z", Z{1, "a"}, Z{2, "b"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.ZAdd("z", Z{3, "a"}, Z{4, "c"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	n, err = s.ZAddNX("z", Z{10, "a"}, Z{5, "d"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = s.ZAddXX("z", Z{11, "a"}, Z{5, "e"})
	require.NoError(t, err)
	assert.Equal(t, int64(0), n)
	n, err = s.ZAddArgs("z", ZAddArgs{GT: true, Ch: true, Members: []Z{{1, "a"}, {12, "b"}, {1, "f"}}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n, "b changed, f is new")

	score, ok, err := s.ZAddArgsIncr("z", ZAddArgs{Members: []Z{{0.5, "a"}}})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 11.5, score)
	_, ok, err = s.ZAddArgsIncr("z", ZAddArgs{NX: true, Members: []Z{{1, "a"}}})
	require.NoError(t, err)
	assert.False(t, ok, "NX stopped it")
	_, ok, err = s.ZAddArgsIncr("nokey", ZAddArgs{XX: true, Members: []Z{{1, "a"}}})
	require.NoError(t, err)
	assert.False(t, ok)

	_, err = s.ZAddArgs("z", ZAddArgs{NX: true, XX: true, Members: []Z{{1, "a"}}})
	assert.ErrorIs(t, err, ErrZAddXXNX)
	_, err = s.ZAddArgs("z", ZAddArgs{GT: true, LT: true, Members: []Z{{1, "a"}}})
	assert.ErrorIs(t, err, ErrZAddGTLTNX)
	_, _, err = s.ZAddArgsIncr("z", ZAddArgs{Members: []Z{{1, "a"}, {1, "b"}}})
	assert.ErrorIs(t, err, ErrZAddIncrPair)
	_, err = s.ZAdd("z", Z{math.NaN(), "a"})
	assert.ErrorIs(t, err, ErrNotFloat)
	_, err = s.ZAdd("z")
	assert.ErrorIs(t, err, ErrWrongArity)

	_, err = s.ZIncrBy("inf", math.Inf(1), "m")
	require.NoError(t, err)
	_, err = s.ZIncrBy("inf", math.Inf(-1), "m")
	assert.ErrorIs(t, err, ErrZScoreNaN)
	v, err := s.ZIncrBy("z", 2, "new")
	require.NoError(t, err)
	assert.Equal(t, 2.0, v)

	_, err = s.Do("SET", "str", "x")
	require.NoError(t, err)
	_, err = s.ZAdd("str", Z{1, "a"})
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.ZIncrBy("str", 1, "a")
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestZReadsTyped(t *testing.T) {
	s := newTestStore(t)
	_, err := s.ZAdd("z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"})
	require.NoError(t, err)

	score, ok, err := s.ZScore("z", "b")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, 2.0, score)
	_, ok, err = s.ZScore("z", "x")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.ZScore("nokey", "x")
	require.NoError(t, err)
	assert.False(t, ok)

	scores, found, err := s.ZMScore("z", "a", "x", "c")
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 0, 3}, scores)
	assert.Equal(t, []bool{true, false, true}, found)
	_, found, err = s.ZMScore("nokey", "a")
	require.NoError(t, err)
	assert.Equal(t, []bool{false}, found)

	n, err := s.ZCard("z")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	n, err = s.ZCard("nokey")
	require.NoError(t, err)
	assert.Zero(t, n)

	r, ok, err := s.ZRank("z", "c")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, int64(2), r)
	r, ok, err = s.ZRevRank("z", "c")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, int64(0), r)
	_, ok, err = s.ZRank("nokey", "c")
	require.NoError(t, err)
	assert.False(t, ok)

	n, err = s.ZCount("z", "(1", "+inf")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	_, err = s.ZCount("z", "x", "1")
	assert.ErrorIs(t, err, ErrZMinMaxNotFloat)
	n, err = s.ZLexCount("z", "[b", "+")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	_, err = s.ZLexCount("z", "b", "+")
	assert.ErrorIs(t, err, ErrZLexRange)

	_, err = s.Do("SET", "str", "x")
	require.NoError(t, err)
	for _, f := range []func() error{
		func() error { _, _, err := s.ZScore("str", "a"); return err },
		func() error { _, _, err := s.ZMScore("str", "a"); return err },
		func() error { _, err := s.ZCard("str"); return err },
		func() error { _, _, err := s.ZRank("str", "a"); return err },
		func() error { _, err := s.ZCount("str", "1", "2"); return err },
		func() error { _, err := s.ZRange("str", 0, -1); return err },
		func() error { _, err := s.ZPopMin("str"); return err },
		func() error { _, _, err := s.ZScan("str", 0, "", 0); return err },
		func() error { _, err := s.ZUnion(ZStore{Keys: []string{"z", "str"}}); return err },
	} {
		assert.ErrorIs(t, f(), ErrWrongType)
	}
}

func TestZRangeTyped(t *testing.T) {
	s := newTestStore(t)
	_, err := s.ZAdd("z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"}, Z{5, "e"})
	require.NoError(t, err)

	got, err := s.ZRange("z", 1, -2)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c", "d"}, got)
	zs, err := s.ZRangeWithScores("z", 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []Z{{1, "a"}}, zs)
	got, err = s.ZRevRange("z", 0, 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"e", "d"}, got)
	zs, err = s.ZRevRangeWithScores("z", 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []Z{{5, "e"}}, zs)
	got, err = s.ZRange("nokey", 0, -1)
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.NotNil(t, got)

	got, err = s.ZRangeArgs(ZRangeArgs{Key: "z", Start: "(1", Stop: 4, ByScore: true, Rev: true, Offset: 1, Count: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "b"}, got)
	zs, err = s.ZRangeArgsWithScores(ZRangeArgs{Key: "z", Start: 2, Stop: math.Inf(1), ByScore: true})
	require.NoError(t, err)
	assert.Equal(t, []Z{{2, "b"}, {3, "c"}, {4, "d"}, {5, "e"}}, zs)
	got, err = s.ZRangeArgs(ZRangeArgs{Key: "z", Start: "[b", Stop: "(d", ByLex: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c"}, got)
	_, err = s.ZRangeArgs(ZRangeArgs{Key: "z", Start: 0, Stop: 1, Count: 1})
	assert.ErrorIs(t, err, ErrZRangeLimit)
	_, err = s.ZRangeArgsWithScores(ZRangeArgs{Key: "z", Start: "-", Stop: "+", ByLex: true})
	assert.ErrorIs(t, err, ErrZRangeLexScores)
	_, err = s.ZRangeArgs(ZRangeArgs{Key: "z", Start: struct{}{}, Stop: 1})
	assert.Error(t, err)

	got, err = s.ZRangeByScore("z", ZRangeBy{Min: "-inf", Max: "+inf", Offset: 3, Count: 5})
	require.NoError(t, err)
	assert.Equal(t, []string{"d", "e"}, got)
	zs, err = s.ZRangeByScoreWithScores("z", ZRangeBy{Min: "(4", Max: "+inf"})
	require.NoError(t, err)
	assert.Equal(t, []Z{{5, "e"}}, zs)
	got, err = s.ZRevRangeByScore("z", ZRangeBy{Min: "2", Max: "3"})
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "b"}, got)
	zs, err = s.ZRevRangeByScoreWithScores("z", ZRangeBy{Min: "-inf", Max: "+inf", Count: 1})
	require.NoError(t, err)
	assert.Equal(t, []Z{{5, "e"}}, zs)
	got, err = s.ZRangeByLex("z", ZRangeBy{Min: "-", Max: "[b"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, got)
	got, err = s.ZRevRangeByLex("z", ZRangeBy{Min: "(c", Max: "+"})
	require.NoError(t, err)
	assert.Equal(t, []string{"e", "d"}, got)
	_, err = s.ZRangeByScore("z", ZRangeBy{Min: "x", Max: "1"})
	assert.ErrorIs(t, err, ErrZMinMaxNotFloat)

	n, err := s.ZRangeStore("dst", ZRangeArgs{Key: "z", Start: 1, Stop: 3, ByScore: true, Rev: true})
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	got, err = s.ZRange("dst", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, got)
	n, err = s.ZRangeStore("dst", ZRangeArgs{Key: "nokey", Start: 0, Stop: -1})
	require.NoError(t, err)
	assert.Zero(t, n)
	exists, err := s.Do("EXISTS", "dst")
	require.NoError(t, err)
	assert.Equal(t, int64(0), exists)
}

func TestZRemTyped(t *testing.T) {
	s := newTestStore(t)
	_, err := s.ZAdd("z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"}, Z{5, "e"}, Z{0, "x"}, Z{0, "y"})
	require.NoError(t, err)
	n, err := s.ZRem("z", "x", "nope")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = s.ZRemRangeByScore("z", "0", "0")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	_, err = s.ZAdd("lex", Z{0, "a"}, Z{0, "b"}, Z{0, "c"})
	require.NoError(t, err)
	n, err = s.ZRemRangeByLex("lex", "(a", "+")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.ZRemRangeByRank("z", 0, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	n, err = s.ZRemRangeByScore("z", "(4", "+inf")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	got, err := s.ZRange("z", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c", "d"}, got)
	_, err = s.ZRemRangeByScore("z", "a", "b")
	assert.ErrorIs(t, err, ErrZMinMaxNotFloat)
	_, err = s.ZRemRangeByLex("z", "a", "b")
	assert.ErrorIs(t, err, ErrZLexRange)
	n, err = s.ZRemRangeByRank("z", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	n, err = s.ZCard("z")
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = s.ZRem("z")
	assert.ErrorIs(t, err, ErrWrongArity)
}

func TestZPopTyped(t *testing.T) {
	s := newTestStore(t)
	_, err := s.ZAdd("z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"}, Z{4, "d"})
	require.NoError(t, err)
	got, err := s.ZPopMin("z")
	require.NoError(t, err)
	assert.Equal(t, []Z{{1, "a"}}, got)
	got, err = s.ZPopMax("z", 2)
	require.NoError(t, err)
	assert.Equal(t, []Z{{4, "d"}, {3, "c"}}, got)
	got, err = s.ZPopMin("z", 0)
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = s.ZPopMin("nokey", 3)
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = s.ZPopMin("z", -1)
	assert.ErrorIs(t, err, ErrOutOfRangePositive)

	key, zs, err := s.ZMPop("max", 10, "nokey", "z")
	require.NoError(t, err)
	assert.Equal(t, "z", key)
	assert.Equal(t, []Z{{2, "b"}}, zs)
	key, _, err = s.ZMPop("min", 1, "z")
	require.NoError(t, err)
	assert.Equal(t, "", key, "z went with its last member")
	_, _, err = s.ZMPop("left", 1, "z")
	assert.ErrorIs(t, err, ErrSyntax)
	_, _, err = s.ZMPop("min", 0, "z")
	assert.ErrorIs(t, err, ErrCountPositive)
	_, _, err = s.ZMPop("min", 1)
	assert.ErrorIs(t, err, ErrNumKeys)
}

func TestZRandMemberAndScanTyped(t *testing.T) {
	s := newTestStore(t, WithSeed(1))
	_, err := s.ZAdd("z", Z{1, "a"}, Z{2, "b"}, Z{3, "c"})
	require.NoError(t, err)
	got, err := s.ZRandMember("z", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "b", "a"}, got, "the whole set, from the top")
	got, err = s.ZRandMember("z", 2)
	require.NoError(t, err)
	assert.Len(t, got, 2)
	assert.NotEqual(t, got[0], got[1])
	got, err = s.ZRandMember("z", -7)
	require.NoError(t, err)
	assert.Len(t, got, 7)
	zs, err := s.ZRandMemberWithScores("z", -2)
	require.NoError(t, err)
	for _, z := range zs {
		sc, _, _ := s.ZScore("z", z.Member)
		assert.Equal(t, sc, z.Score)
	}
	m, ok, err := s.ZRandMemberOne("z")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Contains(t, []string{"a", "b", "c"}, m)
	_, ok, err = s.ZRandMemberOne("nokey")
	require.NoError(t, err)
	assert.False(t, ok)
	got, err = s.ZRandMember("nokey", 3)
	require.NoError(t, err)
	assert.Empty(t, got)

	keys, next, err := s.ZScan("z", 0, "[ab]", 0)
	require.NoError(t, err)
	assert.Zero(t, next)
	assert.Equal(t, []string{"a", "1", "b", "2"}, keys)
	keys, next, err = s.ZScan("nokey", 0, "", 0)
	require.NoError(t, err)
	assert.Zero(t, next)
	assert.Empty(t, keys)

	// A large set is scanned in steps and the steps cover it.
	for i := range 300 {
		_, err := s.ZAdd("big", Z{float64(i), fmt.Sprint("m", i)})
		require.NoError(t, err)
	}
	seen := map[string]bool{}
	var cursor uint64
	steps := 0
	for {
		keys, cursor, err = s.ZScan("big", cursor, "", 20)
		require.NoError(t, err)
		for i := 0; i < len(keys); i += 2 {
			seen[keys[i]] = true
		}
		steps++
		if cursor == 0 {
			break
		}
	}
	assert.Len(t, seen, 300)
	assert.Greater(t, steps, 10)
}

func TestZSetOpsTyped(t *testing.T) {
	s := newTestStore(t)
	_, err := s.ZAdd("z1", Z{1, "a"}, Z{2, "b"}, Z{3, "c"})
	require.NoError(t, err)
	_, err = s.ZAdd("z2", Z{10, "b"}, Z{20, "c"}, Z{30, "d"})
	require.NoError(t, err)

	got, err := s.ZUnion(ZStore{Keys: []string{"z1", "z2"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c", "d"}, got)
	zs, err := s.ZUnionWithScores(ZStore{Keys: []string{"z1", "z2"}, Weights: []float64{2, 1}, Aggregate: "MAX"})
	require.NoError(t, err)
	assert.Equal(t, []Z{{2, "a"}, {10, "b"}, {20, "c"}, {30, "d"}}, zs)
	zs, err = s.ZInterWithScores(ZStore{Keys: []string{"z1", "z2"}})
	require.NoError(t, err)
	assert.Equal(t, []Z{{12, "b"}, {23, "c"}}, zs)
	got, err = s.ZInter(ZStore{Keys: []string{"z1", "nokey"}})
	require.NoError(t, err)
	assert.Empty(t, got)
	got, err = s.ZDiff("z1", "z2")
	require.NoError(t, err)
	assert.Equal(t, []string{"a"}, got)
	zs, err = s.ZDiffWithScores("z2", "z1")
	require.NoError(t, err)
	assert.Equal(t, []Z{{30, "d"}}, zs)

	n, err := s.ZUnionStore("u", ZStore{Keys: []string{"z1", "z2"}})
	require.NoError(t, err)
	assert.Equal(t, int64(4), n)
	n, err = s.ZInterStore("i", ZStore{Keys: []string{"z1", "z2"}, Aggregate: "min"})
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	zs, err = s.ZRangeWithScores("i", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []Z{{2, "b"}, {3, "c"}}, zs)
	n, err = s.ZDiffStore("d", "z1", "z1")
	require.NoError(t, err)
	assert.Zero(t, n)
	n, err = s.ZInterCard(0, "z1", "z2")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	n, err = s.ZInterCard(1, "z1", "z2")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	_, err = s.ZUnion(ZStore{})
	assert.ErrorIs(t, err, ErrZNoKeys)
	assert.EqualError(t, err, "ERR at least 1 input key is needed for 'zunion' command")
	_, err = s.ZUnion(ZStore{Keys: []string{"z1"}, Weights: []float64{math.NaN()}})
	assert.ErrorIs(t, err, ErrZWeight)
	_, err = s.ZUnion(ZStore{Keys: []string{"z1"}, Aggregate: "avg"})
	assert.ErrorIs(t, err, ErrSyntax)
	_, err = s.ZInterCard(-1, "z1")
	assert.ErrorIs(t, err, ErrLimitNegative)
}

// TestZTypedAgreesWithDo runs commands both ways on twin stores and
// compares.
func TestZTypedAgreesWithDo(t *testing.T) {
	a, b := newTestStore(t), newTestStore(t)
	members := []Z{{1, "a"}, {2.5, "b"}, {-1, "c"}, {2.5, "bb"}, {math.Inf(1), "top"}}
	_, err := a.ZAdd("z", members...)
	require.NoError(t, err)
	_, err = b.Do("ZADD", "z", "1", "a", "2.5", "b", "-1", "c", "2.5", "bb", "inf", "top")
	require.NoError(t, err)

	flat := func(zs []Z) []any {
		out := []any{}
		for _, z := range zs {
			out = append(out, z.Member, resp.FormatDouble(z.Score))
		}
		return out
	}
	strs := func(ss []string) []any {
		out := []any{}
		for _, s := range ss {
			out = append(out, s)
		}
		return out
	}
	do := func(args ...any) any {
		v, err := b.Do(args...)
		require.NoError(t, err)
		return v
	}

	zs, err := a.ZRangeWithScores("z", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, do("ZRANGE", "z", 0, -1, "WITHSCORES"), flat(zs))
	ss, err := a.ZRangeByScore("z", ZRangeBy{Min: "(-1", Max: "2.5"})
	require.NoError(t, err)
	assert.Equal(t, do("ZRANGEBYSCORE", "z", "(-1", "2.5"), strs(ss))
	zs, err = a.ZRevRangeByScoreWithScores("z", ZRangeBy{Min: "-inf", Max: "+inf", Offset: 1, Count: 2})
	require.NoError(t, err)
	assert.Equal(t, do("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES", "LIMIT", 1, 2), flat(zs))
	r, _, err := a.ZRevRank("z", "bb")
	require.NoError(t, err)
	assert.Equal(t, do("ZREVRANK", "z", "bb"), r)
	sc, _, err := a.ZScore("z", "b")
	require.NoError(t, err)
	assert.Equal(t, do("ZSCORE", "z", "b"), resp.FormatDouble(sc))
	v, err := a.ZIncrBy("z", 0.25, "c")
	require.NoError(t, err)
	assert.Equal(t, do("ZINCRBY", "z", "0.25", "c"), resp.FormatDouble(v))
	zs, err = a.ZPopMax("z", 2)
	require.NoError(t, err)
	assert.Equal(t, do("ZPOPMAX", "z", 2), flat(zs))
	key, zs, err := a.ZMPop("min", 1, "z")
	require.NoError(t, err)
	assert.Equal(t, do("ZMPOP", 1, "z", "MIN"), []any{key, []any{flat(zs)}})
	n, err := a.ZUnionStore("u", ZStore{Keys: []string{"z", "z"}, Weights: []float64{1, 2}})
	require.NoError(t, err)
	assert.Equal(t, do("ZUNIONSTORE", "u", 2, "z", "z", "WEIGHTS", 1, 2), n)
	zs, err = a.ZRangeWithScores("u", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, do("ZRANGE", "u", 0, -1, "WITHSCORES"), flat(zs))
	keys, _, err := a.ZScan("z", 0, "", 0)
	require.NoError(t, err)
	assert.Equal(t, do("ZSCAN", "z", 0), []any{"0", strs(keys)})
}

func TestZSetCopyAndEncoding(t *testing.T) {
	s := newTestStore(t)
	for i := range 129 {
		_, err := s.ZAdd("z", Z{float64(i), fmt.Sprint(i)})
		require.NoError(t, err)
	}
	enc, ok, err := s.ObjectEncoding("z")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "skiplist", enc)
	_, err = s.Do("COPY", "z", "c")
	require.NoError(t, err)
	enc, _, _ = s.ObjectEncoding("c")
	assert.Equal(t, "skiplist", enc)
	_, err = s.ZRem("c", "0")
	require.NoError(t, err)
	n, _ := s.ZCard("z")
	assert.Equal(t, int64(129), n, "the copy is deep")
	require.NoError(t, checkInvariants(s))
}

// ---- blocking ----

// waitBlocked waits until n callers are blocked on the store.
func waitBlocked(t *testing.T, s *Store, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		seen := map[*waiter]bool{}
		for _, q := range s.waiters {
			for _, w := range q {
				seen[w] = true
			}
		}
		return len(seen) >= n
	}, 5*time.Second, time.Millisecond)
}

func TestBZPopMinWokenByZAdd(t *testing.T) {
	s := newTestStore(t)
	type result struct {
		z   ZWithKey
		ok  bool
		err error
	}
	ch := make(chan result, 1)
	go func() {
		z, ok, err := s.BZPopMin(context.Background(), 0, "q1", "q2")
		ch <- result{z, ok, err}
	}()
	waitBlocked(t, s, 1)
	_, err := s.ZAdd("q2", Z{5, "x"}, Z{1, "y"})
	require.NoError(t, err)
	res := <-ch
	require.NoError(t, res.err)
	assert.True(t, res.ok)
	assert.Equal(t, ZWithKey{Z: Z{1, "y"}, Key: "q2"}, res.z)
	left, err := s.ZRange("q2", 0, -1)
	require.NoError(t, err)
	assert.Equal(t, []string{"x"}, left)
}

func TestBZPopMaxThroughDoContext(t *testing.T) {
	s := newTestStore(t)
	ch := make(chan any, 1)
	go func() {
		v, err := s.DoContext(context.Background(), "BZPOPMAX", "q", "0")
		if err != nil {
			ch <- err
			return
		}
		ch <- v
	}()
	waitBlocked(t, s, 1)
	_, err := s.Do("ZADD", "q", "1", "a", "2", "b")
	require.NoError(t, err)
	assert.Equal(t, []any{"q", "b", "2"}, <-ch)

	// BZMPOP takes a count.
	go func() {
		v, err := s.DoContext(context.Background(), "BZMPOP", "0", "2", "n1", "n2", "MIN", "COUNT", "5")
		if err != nil {
			ch <- err
			return
		}
		ch <- v
	}()
	waitBlocked(t, s, 1)
	_, err = s.ZAdd("n2", Z{1, "a"}, Z{2, "b"})
	require.NoError(t, err)
	assert.Equal(t, []any{"n2", []any{[]any{"a", "1"}, []any{"b", "2"}}}, <-ch)
	exists, err := s.Do("EXISTS", "n2")
	require.NoError(t, err)
	assert.Equal(t, int64(0), exists)
}

func TestBZPopTimeoutAndCancel(t *testing.T) {
	s := newTestStore(t)
	start := time.Now()
	_, ok, err := s.BZPopMin(context.Background(), 30*time.Millisecond, "q")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)

	v, err := s.Do("BZPOPMIN", "q", "0.02")
	require.NoError(t, err)
	assert.Nil(t, v)
	v, err = s.Do("BZMPOP", "0.02", "1", "q", "MAX")
	require.NoError(t, err)
	assert.Nil(t, v)

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		waitBlocked(t, s, 1)
		cancel()
	}()
	_, _, err = s.BZMPop(ctx, 0, "min", 3, "q")
	assert.ErrorIs(t, err, context.Canceled)

	ctx, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	_, err = s.DoContext(ctx, "BZPOPMAX", "q", "0")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// Nothing stays registered.
	s.mu.Lock()
	assert.Empty(t, s.waiters)
	s.mu.Unlock()

	closing := newTestStore(t)
	go func() {
		waitBlocked(t, closing, 1)
		closing.Close()
	}()
	_, _, err = closing.BZPopMax(context.Background(), 0, "q")
	assert.ErrorIs(t, err, ErrClosed)

	_, _, err = s.BZPopMin(context.Background(), -time.Second, "q")
	assert.ErrorIs(t, err, ErrTimeoutNegative)
	_, err = s.Do("BZPOPMIN", "q", "-1")
	assert.ErrorIs(t, err, ErrTimeoutNegative)
	_, err = s.Do("BZPOPMIN", "q", "x")
	assert.ErrorIs(t, err, ErrTimeoutNotFloat)
	_, _, err = s.BZMPop(context.Background(), 0, "up", 1, "q")
	assert.ErrorIs(t, err, ErrSyntax)
}

func TestBZPopInsideTransactionDoesNotWait(t *testing.T) {
	s := newTestStore(t)
	err := s.Update(func(tx *Tx) error {
		_, ok, err := tx.BZPopMin(context.Background(), 0, "q")
		assert.False(t, ok)
		if err != nil {
			return err
		}
		v, err := tx.Do("BZPOPMAX", "q", "0")
		assert.Nil(t, v)
		if err != nil {
			return err
		}
		v, err = tx.Do("BZMPOP", "0", "1", "q", "MIN")
		assert.Nil(t, v)
		if err != nil {
			return err
		}
		if _, err := tx.ZAdd("q", Z{1, "a"}); err != nil {
			return err
		}
		z, ok, err := tx.BZPopMin(context.Background(), 0, "q")
		assert.True(t, ok)
		assert.Equal(t, "a", z.Member)
		return err
	})
	require.NoError(t, err)
}

func TestBZPopServedInOrder(t *testing.T) {
	s := newTestStore(t)
	got := make(chan string, 3)
	for i := range 3 {
		go func() {
			z, ok, err := s.BZPopMin(context.Background(), 0, "q")
			if err != nil || !ok {
				got <- fmt.Sprint("error ", err)
				return
			}
			got <- fmt.Sprint(i, z.Member)
		}()
		waitBlocked(t, s, i+1)
	}
	_, err := s.ZAdd("q", Z{1, "a"}, Z{2, "b"}, Z{3, "c"})
	require.NoError(t, err)
	results := []string{<-got, <-got, <-got}
	sort.Strings(results)
	assert.Equal(t, []string{"0a", "1b", "2c"}, results, "the first blocked takes the lowest")
}

// TestBZPopManyWaitersManyPushers: under -race, every member pushed is
// popped exactly once.
func TestBZPopManyWaitersManyPushers(t *testing.T) {
	s := newTestStore(t)
	const pushers, perPusher, waiters = 4, 200, 8
	keys := []string{"q1", "q2", "q3"}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	total := pushers * perPusher
	done := make(chan struct{})
	var popped int
	for w := range waiters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var members []string
				if w%2 == 0 {
					z, ok, err := s.BZPopMin(ctx, 0, keys...)
					if err != nil || !ok {
						return
					}
					members = []string{z.Member}
				} else {
					_, zs, err := s.BZMPop(ctx, 0, "max", 3, keys...)
					if err != nil {
						return
					}
					for _, z := range zs {
						members = append(members, z.Member)
					}
				}
				mu.Lock()
				for _, m := range members {
					seen[m]++
				}
				popped += len(members)
				if popped == total {
					close(done)
				}
				mu.Unlock()
			}
		}()
	}
	for p := range pushers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perPusher {
				m := fmt.Sprintf("p%d-%d", p, i)
				if _, err := s.ZAdd(keys[i%len(keys)], Z{float64(i), m}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("members were lost")
	}
	cancel()
	wg.Wait()
	assert.Len(t, seen, total)
	for m, n := range seen {
		assert.Equal(t, 1, n, m)
	}
	require.NoError(t, checkInvariants(s))
}

// ---- RESP3 against the live server ----

// TestZSetRESP3 compares replies whose RESP3 shape differs from RESP2
// (doubles, nested pairs) with the live server speaking RESP3.
func TestZSetRESP3(t *testing.T) {
	needRedis(t)
	c, err := net.Dial("tcp", redistest.Addr())
	require.NoError(t, err)
	defer c.Close()
	rd := bufio.NewReader(c)
	live := func(args ...string) resp.Value {
		_, err := c.Write(resp.AppendCommand(nil, args...))
		require.NoError(t, err)
		v, err := resp.ReadValue(rd)
		require.NoError(t, err)
		return v
	}
	live("HELLO", "3")
	live("FLUSHALL")
	s := newTestStore(t)
	mine := func(args ...string) resp.Value {
		b := resp.Builder{Protocol: 3}
		s.runOn(context.Background(), 0, args, &b)
		return b.Value()
	}
	for _, cmd := range [][]string{
		{"ZADD", "z", "1", "a", "2.5", "b", "inf", "c", "-0", "d"},
		{"ZADD", "z", "INCR", "1", "a"},
		{"ZADD", "z", "NX", "INCR", "1", "a"},
		{"ZINCRBY", "z", "0.5", "b"},
		{"ZSCORE", "z", "a"},
		{"ZSCORE", "z", "nope"},
		{"ZMSCORE", "z", "a", "nope", "c"},
		{"ZRANK", "z", "nope"},
		{"ZRANGE", "z", "0", "-1", "WITHSCORES"},
		{"ZRANGE", "z", "0", "-1"},
		{"ZRANGE", "z", "-inf", "+inf", "BYSCORE", "WITHSCORES", "LIMIT", "1", "2"},
		{"ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES"},
		{"ZRANDMEMBER", "z", "10", "WITHSCORES"},
		{"ZRANDMEMBER", "nokey"},
		{"ZUNION", "2", "z", "z", "WITHSCORES"},
		{"ZINTER", "1", "z", "WITHSCORES"},
		{"ZDIFF", "1", "z", "WITHSCORES"},
		{"ZSCAN", "z", "0"},
		{"ZPOPMIN", "z"},
		{"ZPOPMIN", "z", "1"},
		{"ZPOPMAX", "z", "0"},
		{"ZPOPMAX", "nokey"},
		{"ZADD", "z", "1", "a", "2", "b", "3", "c"},
		{"ZMPOP", "1", "z", "MAX", "COUNT", "2"},
		{"ZMPOP", "1", "nokey", "MAX"},
		{"BZPOPMIN", "z", "0"},
		{"BZPOPMIN", "nokey", "0.01"},
		{"ZADD", "z", "1", "a"},
		{"BZMPOP", "0", "1", "z", "MIN"},
		{"BZMPOP", "0.01", "1", "z", "MIN"},
	} {
		want, got := live(cmd...), mine(cmd...)
		assert.True(t, valuesEqual(want, got), "%q\nredis-server:\n%v\nracefree:\n%v", cmd, want, got)
	}
}

// TestZSetScoreParsing checks the strtod rules of range bounds.
func TestZSetScoreParsing(t *testing.T) {
	for _, c := range []struct {
		in   string
		v    float64
		ex   bool
		okay bool
	}{
		{"1", 1, false, true}, {"(1", 1, true, true}, {"", 0, false, true}, {"(", 0, true, true},
		{" 2", 2, false, true}, {"2 ", 0, false, false}, {"inf", math.Inf(1), false, true},
		{"-Infinity", math.Inf(-1), false, true}, {"nan", 0, false, false}, {"1e999", math.Inf(1), false, true},
		{"0x10", 16, false, true}, {"3\x00x", 3, false, true}, {"   ", 0, false, false}, {"((1", 0, false, false},
		{"1e", 0, false, false}, {".5", 0.5, false, true},
	} {
		v, ex, ok := parseScoreBound(c.in)
		assert.Equal(t, c.okay, ok, "%q", c.in)
		if ok {
			assert.Equal(t, c.v, v, "%q", c.in)
			assert.Equal(t, c.ex, ex, "%q", c.in)
		}
	}
	d, err := blockTimeoutArg("0.0011")
	require.NoError(t, err)
	assert.Equal(t, 2*time.Millisecond, d)
	d, err = blockTimeoutArg("-0.0001")
	require.NoError(t, err)
	assert.Zero(t, d)
	_, err = blockTimeoutArg("1e20")
	assert.True(t, errors.Is(err, ErrTimeoutNegative))
}

// TestZSetStoreResultEncoding: store results are listpacks when small,
// whatever encoding their sources had.
func TestZSetStoreResultEncoding(t *testing.T) {
	s := newTestStore(t)
	long := string(slices.Repeat([]byte("x"), 70))
	_, err := s.ZAdd("big", Z{1, long}, Z{2, "a"})
	require.NoError(t, err)
	_, err = s.ZRem("big", long)
	require.NoError(t, err)
	enc, _, _ := s.ObjectEncoding("big")
	assert.Equal(t, "skiplist", enc)
	_, err = s.ZUnionStore("u", ZStore{Keys: []string{"big"}})
	require.NoError(t, err)
	enc, _, _ = s.ObjectEncoding("u")
	assert.Equal(t, "listpack", enc)
	_, err = s.ZRangeStore("r", ZRangeArgs{Key: "big", Start: 0, Stop: -1})
	require.NoError(t, err)
	enc, _, _ = s.ObjectEncoding("r")
	assert.Equal(t, "listpack", enc)
	e := s.dbs[0].keys["u"]
	assert.Equal(t, typeZSet, e.typ)
	assert.Equal(t, "listpack", e.zset().Encoding())
}

// TestZSetBigSetsDifferential runs random commands on sets past the
// listpack limits (so the tree has several nodes, and encodings and store
// results convert) against the live server. Lex commands run on a set whose
// scores are all equal, where Redis's answer does not depend on its
// skiplist's random levels.
func TestZSetBigSetsDifferential(t *testing.T) {
	needRedis(t)
	live := dialLive(t)
	s := newTestStore(t, WithSeed(3))
	st := &storeConn{s: s}
	keys := []string{"b1", "b2", "b3"}
	mem := func(r *rand.Rand) string { return fmt.Sprintf("m%03d", r.IntN(400)) }
	sc := func(r *rand.Rand) string { return strconv.Itoa(r.IntN(20)) }
	bound := func(r *rand.Rand) string { return pick(r, []string{"-inf", "+inf", sc(r), "(" + sc(r)}) }
	lexb := func(r *rand.Rand) string { return pick(r, []string{"-", "+", "[" + mem(r), "(" + mem(r)}) }
	for seed := range 30 {
		r := rand.New(rand.NewPCG(uint64(seed), 5))
		resetBoth(t, live, st)
		for _, k := range keys {
			args := []string{"ZADD", k}
			for range 150 + r.IntN(200) {
				args = append(args, sc(r), mem(r))
			}
			compareCommand(t, live, st, diffLine{args: args})
		}
		lex := []string{"ZADD", "lx"}
		for range 300 {
			lex = append(lex, "0", mem(r))
		}
		compareCommand(t, live, st, diffLine{args: lex})
		for i := range 300 {
			k := pick(r, keys)
			var args []string
			mode := ""
			switch r.IntN(16) {
			case 0:
				args = []string{"ZADD", k, sc(r), mem(r), sc(r), mem(r)}
			case 1:
				args = []string{"ZREM", k, mem(r), mem(r)}
			case 2:
				args = []string{"ZRANGE", k, strconv.Itoa(r.IntN(400) - 200), strconv.Itoa(r.IntN(400) - 200), "WITHSCORES"}
				if r.IntN(2) == 0 {
					args = append(args, "REV")
				}
			case 3:
				args = []string{"ZRANGE", k, bound(r), bound(r), "BYSCORE", "LIMIT", strconv.Itoa(r.IntN(40)), strconv.Itoa(r.IntN(30) - 2)}
				if r.IntN(2) == 0 {
					args = append(args, "REV")
				}
			case 4:
				args = []string{"ZCOUNT", k, bound(r), bound(r)}
			case 5:
				args = []string{pick(r, []string{"ZRANK", "ZREVRANK", "ZSCORE"}), k, mem(r)}
			case 6:
				args = []string{"ZREMRANGEBYRANK", k, strconv.Itoa(r.IntN(300)), strconv.Itoa(r.IntN(300))}
			case 7:
				args = []string{"ZREMRANGEBYSCORE", k, bound(r), bound(r)}
			case 8:
				args = []string{pick(r, []string{"ZPOPMIN", "ZPOPMAX"}), k, strconv.Itoa(r.IntN(5))}
			case 9:
				args = []string{"ZRANGESTORE", pick(r, keys), k, bound(r), bound(r), "BYSCORE"}
			case 10:
				args = []string{pick(r, []string{"ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"}), pick(r, keys), "2", k, pick(r, keys)}
			case 11:
				args = []string{"ZRANGE", "lx", lexb(r), lexb(r), "BYLEX", "LIMIT", strconv.Itoa(r.IntN(40)), strconv.Itoa(r.IntN(30) - 2)}
				if r.IntN(2) == 0 {
					args = append(args, "REV")
				}
			case 12:
				args = []string{"ZLEXCOUNT", "lx", lexb(r), lexb(r)}
			case 13:
				if r.IntN(4) == 0 {
					args = []string{"ZREMRANGEBYLEX", "lx", lexb(r), lexb(r)}
				} else {
					args = []string{"ZADD", "lx", "0", mem(r)}
				}
			case 14:
				args = []string{"ZINCRBY", k, sc(r), mem(r)}
			default:
				args = []string{"ZSCAN", k, "0", "COUNT", "7"}
				mode = "scanall"
			}
			compareCommand(t, live, st, diffLine{lineNo: i, mode: mode, args: args})
			if t.Failed() {
				t.Fatalf("seed %d step %d", seed, i)
			}
		}
		require.NoError(t, checkInvariants(s))
		compareKeyspace(t, live, st)
	}
}
