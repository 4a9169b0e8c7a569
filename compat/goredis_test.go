package compat

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// newClient returns a go-redis client on a fresh Store, through the
// in-process dialer, speaking protocol proto.
func newClient(t *testing.T, proto int) (*redis.Client, *racefree.Store) {
	t.Helper()
	s, err := racefree.New()
	require.NoError(t, err)
	rdb := redis.NewClient(&redis.Options{
		Addr:     "racefree",
		Protocol: proto,
		Dialer:   server.Dialer(s),
	})
	t.Cleanup(func() {
		rdb.Close()
		s.Close()
	})
	return rdb, s
}

func TestGoRedis(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
			ctx := context.Background()
			rdb, s := newClient(t, proto)

			require.NoError(t, rdb.Ping(ctx).Err())
			require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
			v, err := rdb.Get(ctx, "k").Result()
			require.NoError(t, err)
			assert.Equal(t, "v", v)
			_, err = rdb.Get(ctx, "missing").Result()
			assert.ErrorIs(t, err, redis.Nil)

			n, err := rdb.Incr(ctx, "n").Result()
			require.NoError(t, err)
			assert.Equal(t, int64(1), n)
			_, err = rdb.Incr(ctx, "k").Result()
			assert.EqualError(t, err, "ERR value is not an integer or out of range")

			require.NoError(t, rdb.HSet(ctx, "h", "a", "1", "b", "2").Err())
			h, err := rdb.HGetAll(ctx, "h").Result()
			require.NoError(t, err)
			assert.Equal(t, map[string]string{"a": "1", "b": "2"}, h)

			// The store sees what the client wrote.
			got, _, err := s.Get("k")
			require.NoError(t, err)
			assert.Equal(t, "v", got)

			require.NoError(t, rdb.LPush(ctx, "l", "x", "y").Err())
			kv, err := rdb.BLPop(ctx, time.Second, "l").Result()
			require.NoError(t, err)
			assert.Equal(t, []string{"l", "y"}, kv)

			// BLPOP that waits for another client's push.
			done := make(chan []string, 1)
			go func() {
				r, _ := rdb.BLPop(ctx, 5*time.Second, "q").Result()
				done <- r
			}()
			time.Sleep(20 * time.Millisecond)
			require.NoError(t, rdb.RPush(ctx, "q", "item").Err())
			select {
			case r := <-done:
				assert.Equal(t, []string{"q", "item"}, r)
			case <-time.After(5 * time.Second):
				t.Fatal("BLPOP was not served")
			}
			_, err = rdb.BLPop(ctx, 10*time.Millisecond, "empty").Result()
			assert.ErrorIs(t, err, redis.Nil)

			require.NoError(t, rdb.ZAdd(ctx, "z", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: 2, Member: "b"}).Err())
			zs, err := rdb.ZRangeWithScores(ctx, "z", 0, -1).Result()
			require.NoError(t, err)
			assert.Equal(t, []redis.Z{{Score: 1.5, Member: "a"}, {Score: 2, Member: "b"}}, zs)
			score, err := rdb.ZScore(ctx, "z", "a").Result()
			require.NoError(t, err)
			assert.Equal(t, 1.5, score)

			res, err := rdb.Eval(ctx, "return {KEYS[1], ARGV[1], 7}", []string{"key"}, "arg").Result()
			require.NoError(t, err)
			assert.Equal(t, []any{"key", "arg", int64(7)}, res)

			body := "return redis.call('INCRBY', KEYS[1], ARGV[1])"
			sha, err := rdb.ScriptLoad(ctx, body).Result()
			require.NoError(t, err)
			r2, err := rdb.EvalSha(ctx, sha, []string{"counter"}, 5).Result()
			require.NoError(t, err)
			assert.Equal(t, int64(5), r2)
			_, err = rdb.EvalSha(ctx, "0000000000000000000000000000000000000000", nil).Result()
			require.Error(t, err)
			assert.Contains(t, err.Error(), "NOSCRIPT")

			// Script.Run falls back from EVALSHA to EVAL for an unknown script.
			script := redis.NewScript(fmt.Sprintf("return redis.call('SET', KEYS[1], ARGV[1] .. '%d')", proto))
			require.NoError(t, rdb.ScriptFlush(ctx).Err())
			r3, err := script.Run(ctx, rdb, []string{"sk"}, "val").Result()
			require.NoError(t, err)
			assert.Equal(t, "OK", r3)
			r3, err = script.Run(ctx, rdb, []string{"sk"}, "again").Result()
			require.NoError(t, err)
			assert.Equal(t, "OK", r3)
			sv, err := rdb.Get(ctx, "sk").Result()
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprintf("again%d", proto), sv)

			cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := range 100 {
					p.Set(ctx, fmt.Sprintf("p%d", i), i, 0)
				}
				p.Get(ctx, "p42")
				p.Incr(ctx, "k") // an error inside the pipeline
				return nil
			})
			require.Error(t, err)
			require.Len(t, cmds, 102)
			assert.Equal(t, "42", cmds[100].(*redis.StringCmd).Val())
			assert.Error(t, cmds[101].Err())

			id, err := rdb.ClientID(ctx).Result()
			require.NoError(t, err)
			assert.Positive(t, id)
			require.NoError(t, rdb.Do(ctx, "CLIENT", "SETNAME", "me").Err())
		})
	}
}

func TestGoRedisPassword(t *testing.T) {
	ctx := context.Background()
	s, err := racefree.New(racefree.WithPassword("secret"))
	require.NoError(t, err)
	defer s.Close()
	for _, proto := range []int{2, 3} {
		bad := redis.NewClient(&redis.Options{Protocol: proto, Dialer: server.Dialer(s), Password: "wrong"})
		err := bad.Ping(ctx).Err()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "WRONGPASS")
		bad.Close()

		good := redis.NewClient(&redis.Options{Protocol: proto, Dialer: server.Dialer(s), Password: "secret"})
		require.NoError(t, good.Set(ctx, "a", "b", 0).Err())
		good.Close()
	}
	none := redis.NewClient(&redis.Options{Dialer: server.Dialer(s)})
	defer none.Close()
	err = none.Get(ctx, "a").Err()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "NOAUTH")
}

func TestGoRedisTCP(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := racefree.New()
	require.NoError(t, err)
	defer s.Close()
	srv := server.New(s)
	ln, err := listen()
	require.NoError(t, err)
	go srv.Serve(ln)
	defer srv.Close()
	defer cancel()

	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), Protocol: 3})
	defer rdb.Close()
	require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
	v, err := rdb.Get(ctx, "k").Result()
	require.NoError(t, err)
	assert.Equal(t, "v", v)
}
