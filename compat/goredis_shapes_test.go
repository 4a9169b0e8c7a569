package compat

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoRedisReplyShapes runs go-redis commands whose replies have shapes
// that differ between RESP2 and RESP3 (maps, sets, doubles, nested
// arrays), which go-redis parses strictly.
func TestGoRedisReplyShapes(t *testing.T) {
	forGoRedis(t, func(t *testing.T, rdb *redis.Client, tg *target) {
		// Streams: XADD, XRANGE, XREAD (a map in RESP3), XINFO.
		id1, err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"a", "1"}}).Result()
		require.NoError(t, err)
		assert.Equal(t, "1-1", id1)
		require.NoError(t, rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2-1", Values: []string{"b", "2"}}).Err())
		msgs, err := rdb.XRange(ctx, "s", "-", "+").Result()
		require.NoError(t, err)
		assert.Equal(t, []redis.XMessage{{ID: "1-1", Values: map[string]any{"a": "1"}}, {ID: "2-1", Values: map[string]any{"b": "2"}}}, msgs)
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "1-1"}, Count: 10}).Result()
		require.NoError(t, err)
		assert.Equal(t, []redis.XStream{{Stream: "s", Messages: []redis.XMessage{{ID: "2-1", Values: map[string]any{"b": "2"}}}}}, streams)
		_, err = rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "$"}, Block: 10 * time.Millisecond}).Result()
		assert.ErrorIs(t, err, redis.Nil)
		info, err := rdb.XInfoStream(ctx, "s").Result()
		require.NoError(t, err)
		assert.Equal(t, int64(2), info.Length)
		assert.Equal(t, "2-1", info.LastGeneratedID)

		// Sorted sets with scores, ZRANDMEMBER WITHSCORES, ZPOPMIN.
		require.NoError(t, rdb.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2.5, Member: "b"}).Err())
		zs, err := rdb.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: "z", Start: "(1", Stop: "+inf", ByScore: true}).Result()
		require.NoError(t, err)
		assert.Equal(t, []redis.Z{{Score: 2.5, Member: "b"}}, zs)
		rz, err := rdb.ZRandMemberWithScores(ctx, "z", 2).Result()
		require.NoError(t, err)
		assert.Len(t, rz, 2)
		scores, err := rdb.ZMScore(ctx, "z", "a", "nope").Result()
		require.NoError(t, err)
		assert.Equal(t, []float64{1, 0}, scores)
		popped, err := rdb.ZPopMin(ctx, "z").Result()
		require.NoError(t, err)
		assert.Equal(t, []redis.Z{{Score: 1, Member: "a"}}, popped)

		// Hashes: HRANDFIELD WITHVALUES (nested pairs in RESP3).
		require.NoError(t, rdb.HSet(ctx, "h", "f", "v").Err())
		kvs, err := rdb.HRandFieldWithValues(ctx, "h", 1).Result()
		require.NoError(t, err)
		assert.Equal(t, []redis.KeyValue{{Key: "f", Value: "v"}}, kvs)

		// Sets: SMEMBERS (a set in RESP3).
		require.NoError(t, rdb.SAdd(ctx, "set", "x", "y").Err())
		members, err := rdb.SMembers(ctx, "set").Result()
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"x", "y"}, members)
		sm, err := rdb.SMIsMember(ctx, "set", "x", "q").Result()
		require.NoError(t, err)
		assert.Equal(t, []bool{true, false}, sm)

		// Geo: coordinates are doubles in RESP3.
		require.NoError(t, rdb.GeoAdd(ctx, "g", &redis.GeoLocation{Name: "Palermo", Longitude: 13.361389, Latitude: 38.115556}).Err())
		pos, err := rdb.GeoPos(ctx, "g", "Palermo", "nowhere").Result()
		require.NoError(t, err)
		require.Len(t, pos, 2)
		assert.InDelta(t, 13.361389, pos[0].Longitude, 1e-5)
		assert.InDelta(t, 38.115556, pos[0].Latitude, 1e-5)
		assert.Nil(t, pos[1])
		locs, err := rdb.GeoSearchLocation(ctx, "g", &redis.GeoSearchLocationQuery{
			GeoSearchQuery: redis.GeoSearchQuery{Longitude: 15, Latitude: 37, Radius: 200, RadiusUnit: "km"},
			WithCoord:      true, WithDist: true,
		}).Result()
		require.NoError(t, err)
		require.Len(t, locs, 1)
		assert.Equal(t, "Palermo", locs[0].Name)
		assert.InDelta(t, 190.4424, locs[0].Dist, 1e-3)

		// Floats: INCRBYFLOAT, ZINCRBY, a Lua double in RESP3.
		f, err := rdb.IncrByFloat(ctx, "fl", 0.1).Result()
		require.NoError(t, err)
		assert.Equal(t, 0.1, f)
		zf, err := rdb.ZIncrBy(ctx, "z", 0.5, "b").Result()
		require.NoError(t, err)
		assert.Equal(t, 3.0, zf)

		// Functions: FUNCTION LOAD, FCALL, FUNCTION LIST.
		lib := "#!lua name=mylib\nredis.register_function('hello', function(keys, args) return 'hi ' .. args[1] end)"
		name, err := rdb.FunctionLoadReplace(ctx, lib).Result() // FLUSHALL keeps functions
		require.NoError(t, err)
		assert.Equal(t, "mylib", name)
		out, err := rdb.FCall(ctx, "hello", nil, "you").Result()
		require.NoError(t, err)
		assert.Equal(t, "hi you", out)
		libs, err := rdb.FunctionList(ctx, redis.FunctionListQuery{LibraryNamePattern: "my*", WithCode: true}).Result()
		require.NoError(t, err)
		require.Len(t, libs, 1)
		assert.Equal(t, "mylib", libs[0].Name)
		assert.Equal(t, lib, libs[0].Code)
		require.Len(t, libs[0].Functions, 1)
		assert.Equal(t, "hello", libs[0].Functions[0].Name)

		// Server introspection that go-redis parses into structures.
		infoMap, err := rdb.InfoMap(ctx, "server", "keyspace").Result()
		require.NoError(t, err)
		assert.Equal(t, "7.0.15", infoMap["Server"]["redis_version"])
		assert.Contains(t, infoMap["Keyspace"]["db0"], "keys=")
		cfg, err := rdb.ConfigGet(ctx, "maxmemory*").Result()
		require.NoError(t, err)
		assert.Equal(t, "0", cfg["maxmemory"])
		enc, err := rdb.ObjectEncoding(ctx, "h").Result()
		require.NoError(t, err)
		assert.Equal(t, "listpack", enc)
		cmds, err := rdb.Command(ctx).Result()
		require.NoError(t, err)
		require.Contains(t, cmds, "get")
		assert.True(t, cmds["get"].ReadOnly)
		assert.Equal(t, int8(2), cmds["get"].Arity)
		assert.Equal(t, int8(1), cmds["set"].FirstKeyPos)
		ci, err := rdb.ClientInfo(ctx).Result()
		require.NoError(t, err)
		assert.Positive(t, ci.ID)
		list, err := rdb.ClientList(ctx).Result()
		require.NoError(t, err)
		assert.True(t, strings.Contains(list, "id="), list)
		n, err := rdb.DBSize(ctx).Result()
		require.NoError(t, err)
		assert.Positive(t, n)
		tm, err := rdb.Time(ctx).Result()
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), tm, time.Minute)
	})
}
