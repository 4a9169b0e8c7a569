package compat

import (
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rueidisBasics runs commands every rueidis client must get right.
func rueidisBasics(t *testing.T, c rueidis.Client) {
	t.Helper()
	require.NoError(t, c.Do(ctx, c.B().Flushall().Build()).Error())
	require.NoError(t, c.Do(ctx, c.B().Set().Key("k").Value("v").Build()).Error())
	v, err := c.Do(ctx, c.B().Get().Key("k").Build()).ToString()
	require.NoError(t, err)
	assert.Equal(t, "v", v)
	err = c.Do(ctx, c.B().Get().Key("missing").Build()).Error()
	assert.True(t, rueidis.IsRedisNil(err), "got %v", err)
	err = c.Do(ctx, c.B().Incr().Key("k").Build()).Error()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "value is not an integer or out of range")

	require.NoError(t, c.Do(ctx, c.B().Hset().Key("h").FieldValue().FieldValue("a", "1").FieldValue("b", "2").Build()).Error())
	h, err := c.Do(ctx, c.B().Hgetall().Key("h").Build()).AsStrMap()
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a": "1", "b": "2"}, h)

	require.NoError(t, c.Do(ctx, c.B().Zadd().Key("z").ScoreMember().ScoreMember(1.5, "a").ScoreMember(2, "b").Build()).Error())
	zs, err := c.Do(ctx, c.B().Zrange().Key("z").Min("0").Max("-1").Withscores().Build()).AsZScores()
	require.NoError(t, err)
	assert.Equal(t, []rueidis.ZScore{{Member: "a", Score: 1.5}, {Member: "b", Score: 2}}, zs)

	// DoMulti pipelines.
	cmds := make(rueidis.Commands, 0, 101)
	for i := range 100 {
		cmds = append(cmds, c.B().Rpush().Key("l").Element(strings.Repeat("x", i)).Build())
	}
	cmds = append(cmds, c.B().Llen().Key("l").Build())
	res := c.DoMulti(ctx, cmds...)
	n, err := res[100].AsInt64()
	require.NoError(t, err)
	assert.Equal(t, int64(100), n)

	// Lua scripts: EVALSHA with a fallback to EVAL.
	script := rueidis.NewLuaScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
	require.NoError(t, c.Do(ctx, c.B().ScriptFlush().Build()).Error())
	n, err = script.Exec(ctx, c, []string{"counter"}, []string{"3"}).AsInt64()
	require.NoError(t, err)
	assert.Equal(t, int64(3), n)
	n, err = script.Exec(ctx, c, []string{"counter"}, []string{"4"}).AsInt64()
	require.NoError(t, err)
	assert.Equal(t, int64(7), n)

	// A blocking command uses a dedicated connection.
	require.NoError(t, c.Do(ctx, c.B().Lpush().Key("q").Element("item").Build()).Error())
	kv, err := c.Do(ctx, c.B().Blpop().Key("q").Timeout(1).Build()).AsStrSlice()
	require.NoError(t, err)
	assert.Equal(t, []string{"q", "item"}, kv)
	err = c.Do(ctx, c.B().Blpop().Key("q").Timeout(0.05).Build()).Error()
	assert.True(t, rueidis.IsRedisNil(err), "got %v", err)
}

func TestRueidis(t *testing.T) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		t.Run("RESP2", func(t *testing.T) {
			c := tg.rueidis(t, rueidis.ClientOption{ForceSingleClient: true, DisableCache: true, AlwaysRESP2: true})
			rueidisBasics(t, c)
		})
		t.Run("RESP3 no cache", func(t *testing.T) {
			c := tg.rueidis(t, rueidis.ClientOption{ForceSingleClient: true, DisableCache: true})
			rueidisBasics(t, c)
		})
	})
}

// TestRueidisCache runs rueidis with its client-side cache on (the default):
// it needs RESP3 and CLIENT TRACKING with invalidation pushes.
func TestRueidisCache(t *testing.T) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		probe := tg.goRedis(t, nil)
		if err := probe.Do(ctx, "CLIENT", "TRACKING", "off").Err(); err != nil {
			t.Skipf("needs CLIENT TRACKING (pubsub): %v", err)
		}
		c := tg.rueidis(t, rueidis.ClientOption{ForceSingleClient: true})
		rueidisBasics(t, c)

		require.NoError(t, c.Do(ctx, c.B().Set().Key("cached").Value("1").Build()).Error())
		get := func() rueidis.RedisResult {
			return c.DoCache(ctx, c.B().Get().Key("cached").Cache(), time.Minute)
		}
		v, err := get().ToString()
		require.NoError(t, err)
		assert.Equal(t, "1", v)
		r := get()
		assert.True(t, r.IsCacheHit(), "second read should come from the client-side cache")
		v, err = r.ToString()
		require.NoError(t, err)
		assert.Equal(t, "1", v)

		// A write by another client invalidates the cached value.
		require.NoError(t, probe.Set(ctx, "cached", "2", 0).Err())
		require.Eventually(t, func() bool {
			v, err := get().ToString()
			return err == nil && v == "2"
		}, 5*time.Second, 5*time.Millisecond)

		if tg.store != nil {
			// So does a write through the Go API and one from a script.
			require.True(t, get().IsCacheHit())
			require.NoError(t, tg.store.Set("cached", "3", 0))
			require.Eventually(t, func() bool {
				v, err := get().ToString()
				return err == nil && v == "3"
			}, 5*time.Second, 5*time.Millisecond)
		}
		require.True(t, get().IsCacheHit())
		require.NoError(t, probe.Eval(ctx, "return redis.call('SET', KEYS[1], '4')", []string{"cached"}).Err())
		require.Eventually(t, func() bool {
			v, err := get().ToString()
			return err == nil && v == "4"
		}, 5*time.Second, 5*time.Millisecond)

		// Expiry invalidates too.
		require.NoError(t, probe.Set(ctx, "short", "x", 100*time.Millisecond).Err())
		v, err = c.DoCache(ctx, c.B().Get().Key("short").Cache(), time.Minute).ToString()
		require.NoError(t, err)
		assert.Equal(t, "x", v)
		require.Eventually(t, func() bool {
			err := c.DoCache(ctx, c.B().Get().Key("short").Cache(), time.Minute).Error()
			return rueidis.IsRedisNil(err)
		}, 5*time.Second, 10*time.Millisecond)
	})
}
