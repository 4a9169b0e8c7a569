package compat

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// forGoRedis runs f with a go-redis client over RESP2 and RESP3, against
// each target.
func forGoRedis(t *testing.T, f func(t *testing.T, rdb *redis.Client, tg *target)) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		for _, proto := range []int{2, 3} {
			t.Run(fmt.Sprintf("RESP%d", proto), func(t *testing.T) {
				rdb := tg.goRedis(t, &redis.Options{Protocol: proto})
				require.NoError(t, rdb.FlushAll(ctx).Err())
				f(t, rdb, tg)
			})
		}
	})
}

// needCommand skips the test when the server answers cmd with "unknown
// command": the feature it needs has not landed.
func needCommand(t *testing.T, rdb *redis.Client, feature string, cmd ...any) {
	t.Helper()
	err := rdb.Do(ctx, cmd...).Err()
	if err != nil && (strings.Contains(err.Error(), "unknown command") || strings.Contains(err.Error(), "unknown subcommand")) {
		t.Skipf("needs %s: %v", feature, err)
	}
}

func TestGoRedis(t *testing.T) {
	forGoRedis(t, func(t *testing.T, rdb *redis.Client, tg *target) {
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
		_, err = rdb.Do(ctx, "NOSUCHCOMMAND", "x").Result()
		assert.EqualError(t, err, "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ")

		require.NoError(t, rdb.HSet(ctx, "h", "a", "1", "b", "2").Err())
		h, err := rdb.HGetAll(ctx, "h").Result()
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"a": "1", "b": "2"}, h)

		if tg.store != nil {
			// The store sees what the client wrote.
			got, _, err := tg.store.Get("k")
			require.NoError(t, err)
			assert.Equal(t, "v", got)
		}

		require.NoError(t, rdb.Set(ctx, "ttl", "x", time.Minute).Err())
		ttl, err := rdb.TTL(ctx, "ttl").Result()
		require.NoError(t, err)
		assert.InDelta(t, time.Minute, ttl, float64(2*time.Second))
		ok, err := rdb.SetNX(ctx, "ttl", "y", 0).Result()
		require.NoError(t, err)
		assert.False(t, ok)

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
		// go-redis rounds BLPop timeouts up to a second; Do sends 0.01.
		_, err = rdb.Do(ctx, "BLPOP", "empty", "0.01").Result()
		assert.ErrorIs(t, err, redis.Nil)

		require.NoError(t, rdb.ZAdd(ctx, "z", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: 2, Member: "b"}).Err())
		zs, err := rdb.ZRangeWithScores(ctx, "z", 0, -1).Result()
		require.NoError(t, err)
		assert.Equal(t, []redis.Z{{Score: 1.5, Member: "a"}, {Score: 2, Member: "b"}}, zs)
		score, err := rdb.ZScore(ctx, "z", "a").Result()
		require.NoError(t, err)
		assert.Equal(t, 1.5, score)

		var keys []string
		iter := rdb.Scan(ctx, 0, "*", 2).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		require.NoError(t, iter.Err())
		assert.ElementsMatch(t, []string{"k", "n", "h", "ttl", "l", "z"}, keys)

		id, err := rdb.ClientID(ctx).Result()
		require.NoError(t, err)
		assert.Positive(t, id)
		require.NoError(t, rdb.Do(ctx, "CLIENT", "SETNAME", "me").Err())
	})
}

func TestGoRedisScripts(t *testing.T) {
	forGoRedis(t, func(t *testing.T, rdb *redis.Client, tg *target) {
		res, err := rdb.Eval(ctx, "return {KEYS[1], ARGV[1], 7}", []string{"key"}, "arg").Result()
		require.NoError(t, err)
		assert.Equal(t, []any{"key", "arg", int64(7)}, res)

		body := "return redis.call('INCRBY', KEYS[1], ARGV[1])"
		sha, err := rdb.ScriptLoad(ctx, body).Result()
		require.NoError(t, err)
		exists, err := rdb.ScriptExists(ctx, sha, "0000000000000000000000000000000000000000").Result()
		require.NoError(t, err)
		assert.Equal(t, []bool{true, false}, exists)
		r2, err := rdb.EvalSha(ctx, sha, []string{"counter"}, 5).Result()
		require.NoError(t, err)
		assert.Equal(t, int64(5), r2)
		_, err = rdb.EvalSha(ctx, "0000000000000000000000000000000000000000", nil).Result()
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "NOSCRIPT "), err.Error())

		// Script.Run falls back from EVALSHA to EVAL for an unknown script,
		// after which EVALSHA finds it.
		script := redis.NewScript("return redis.call('SET', KEYS[1], ARGV[1] .. '!')")
		require.NoError(t, rdb.ScriptFlush(ctx).Err())
		r3, err := script.Run(ctx, rdb, []string{"sk"}, "val").Result()
		require.NoError(t, err)
		assert.Equal(t, "OK", r3)
		exists, err = script.Exists(ctx, rdb).Result()
		require.NoError(t, err)
		assert.Equal(t, []bool{true}, exists)
		r3, err = script.EvalSha(ctx, rdb, []string{"sk"}, "again").Result()
		require.NoError(t, err)
		assert.Equal(t, "OK", r3)
		sv, err := rdb.Get(ctx, "sk").Result()
		require.NoError(t, err)
		assert.Equal(t, "again!", sv)

		// Errors raised by scripts reach the client with their text.
		_, err = rdb.Eval(ctx, "return redis.error_reply('MY failure')", nil).Result()
		assert.EqualError(t, err, "MY failure")
		_, err = rdb.Eval(ctx, "return redis.call('INCR', KEYS[1])", []string{"sk"}).Result()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ERR value is not an integer or out of range")

		// Lua types through the reply conversion.
		res, err = rdb.Eval(ctx, "return {1, 'two', 3.99, true, false, {ok='fine'}}", nil).Result()
		require.NoError(t, err)
		assert.Equal(t, []any{int64(1), "two", int64(3), int64(1), nil, "fine"}, res)
	})
}

func TestGoRedisPipeline(t *testing.T) {
	forGoRedis(t, func(t *testing.T, rdb *redis.Client, tg *target) {
		require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
		cmds, err := rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i := range 100 {
				p.Set(ctx, fmt.Sprintf("p%d", i), i, 0)
			}
			p.Get(ctx, "p42")
			p.Incr(ctx, "k") // an error inside the pipeline
			p.EvalSha(ctx, "0000000000000000000000000000000000000000", nil)
			p.Get(ctx, "p99")
			return nil
		})
		require.Error(t, err)
		require.Len(t, cmds, 104)
		assert.Equal(t, "42", cmds[100].(*redis.StringCmd).Val())
		assert.EqualError(t, cmds[101].Err(), "ERR value is not an integer or out of range")
		assert.Error(t, cmds[102].Err())
		assert.Equal(t, "99", cmds[103].(*redis.StringCmd).Val())

		// A large pipeline in one write.
		p := rdb.Pipeline()
		for i := range 5000 {
			p.RPush(ctx, "big", strings.Repeat("x", i%100))
		}
		_, err = p.Exec(ctx)
		require.NoError(t, err)
		n, err := rdb.LLen(ctx, "big").Result()
		require.NoError(t, err)
		assert.Equal(t, int64(5000), n)
	})
}

func TestGoRedisTxPipeline(t *testing.T) {
	forGoRedis(t, func(t *testing.T, rdb *redis.Client, tg *target) {
		needCommand(t, rdb, "MULTI/EXEC (tx)", "DISCARD")
		cmds, err := rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "a", "1", 0)
			p.Incr(ctx, "a")
			p.Get(ctx, "a")
			return nil
		})
		require.NoError(t, err)
		require.Len(t, cmds, 3)
		assert.Equal(t, "2", cmds[2].(*redis.StringCmd).Val())

		// A runtime error inside EXEC fails that command only.
		cmds, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "s", "x", 0)
			p.Incr(ctx, "s")
			p.Set(ctx, "after", "y", 0)
			return nil
		})
		require.Error(t, err)
		require.Len(t, cmds, 3)
		assert.NoError(t, cmds[0].Err())
		assert.EqualError(t, cmds[1].Err(), "ERR value is not an integer or out of range")
		assert.NoError(t, cmds[2].Err())
		assert.Equal(t, "y", rdb.Get(ctx, "after").Val())

		// A queueing error (wrong arity) aborts the whole transaction.
		_, err = rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, "never", "1", 0)
			p.Do(ctx, "GET")
			return nil
		})
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "EXECABORT") || strings.Contains(err.Error(), "wrong number of arguments"), err.Error())
		assert.ErrorIs(t, rdb.Get(ctx, "never").Err(), redis.Nil)
	})
}

func TestGoRedisWatch(t *testing.T) {
	forGoRedis(t, func(t *testing.T, rdb *redis.Client, tg *target) {
		needCommand(t, rdb, "WATCH (tx)", "UNWATCH")
		require.NoError(t, rdb.Set(ctx, "counter", "0", 0).Err())
		incr := func() error {
			return rdb.Watch(ctx, func(tx *redis.Tx) error {
				n, err := tx.Get(ctx, "counter").Int()
				if err != nil {
					return err
				}
				_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "counter", n+1, 0)
					return nil
				})
				return err
			}, "counter")
		}

		// A write by another client between WATCH and EXEC aborts EXEC.
		err := rdb.Watch(ctx, func(tx *redis.Tx) error {
			require.NoError(t, rdb.Set(ctx, "counter", "100", 0).Err())
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, "counter", "1", 0)
				return nil
			})
			return err
		}, "counter")
		assert.ErrorIs(t, err, redis.TxFailedErr)
		assert.Equal(t, "100", rdb.Get(ctx, "counter").Val())

		// The usual optimistic-locking loop, from several goroutines.
		require.NoError(t, rdb.Set(ctx, "counter", "0", 0).Err())
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for range 25 {
					for {
						err := incr()
						if err == nil {
							break
						}
						if !errors.Is(err, redis.TxFailedErr) {
							t.Error(err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		assert.Equal(t, "100", rdb.Get(ctx, "counter").Val())

		if tg.store != nil {
			// A write through the Go API also invalidates the WATCH.
			err := rdb.Watch(ctx, func(tx *redis.Tx) error {
				require.NoError(t, tg.store.Set("counter", "7", 0))
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Set(ctx, "counter", "1", 0)
					return nil
				})
				return err
			}, "counter")
			assert.ErrorIs(t, err, redis.TxFailedErr)
		}
	})
}

func TestGoRedisPubSub(t *testing.T) {
	forGoRedis(t, func(t *testing.T, rdb *redis.Client, tg *target) {
		needCommand(t, rdb, "pub/sub", "PUBSUB", "NUMPAT")
		sub := rdb.Subscribe(ctx, "news")
		defer sub.Close()
		_, err := sub.Receive(ctx) // the subscription confirmation
		require.NoError(t, err)
		psub := rdb.PSubscribe(ctx, "news.*")
		defer psub.Close()
		_, err = psub.Receive(ctx)
		require.NoError(t, err)

		n, err := rdb.Publish(ctx, "news", "hello").Result()
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		require.NoError(t, rdb.Publish(ctx, "news.sport", "goal").Err())

		msg, err := sub.ReceiveMessage(ctx)
		require.NoError(t, err)
		assert.Equal(t, "news", msg.Channel)
		assert.Equal(t, "hello", msg.Payload)
		pmsg, err := psub.ReceiveMessage(ctx)
		require.NoError(t, err)
		assert.Equal(t, "news.*", pmsg.Pattern)
		assert.Equal(t, "news.sport", pmsg.Channel)
		assert.Equal(t, "goal", pmsg.Payload)

		chans, err := rdb.PubSubChannels(ctx, "*").Result()
		require.NoError(t, err)
		assert.Equal(t, []string{"news"}, chans)
		numsub, err := rdb.PubSubNumSub(ctx, "news", "other").Result()
		require.NoError(t, err)
		assert.Equal(t, map[string]int64{"news": 1, "other": 0}, numsub)
		numpat, err := rdb.PubSubNumPat(ctx).Result()
		require.NoError(t, err)
		assert.Equal(t, int64(1), numpat)

		// Scripts publish too; so does the Go API.
		require.NoError(t, rdb.Eval(ctx, "return redis.call('PUBLISH', 'news', 'from lua')", nil).Err())
		msg, err = sub.ReceiveMessage(ctx)
		require.NoError(t, err)
		assert.Equal(t, "from lua", msg.Payload)

		// The channel API with a ping/health check.
		ch := sub.Channel()
		require.NoError(t, rdb.Publish(ctx, "news", "via channel").Err())
		select {
		case m := <-ch:
			assert.Equal(t, "via channel", m.Payload)
		case <-time.After(5 * time.Second):
			t.Fatal("no message on the channel")
		}

		require.NoError(t, psub.PUnsubscribe(ctx, "news.*"))
		require.NoError(t, sub.Unsubscribe(ctx, "news"))
		require.Eventually(t, func() bool {
			n, err := rdb.PubSubNumPat(ctx).Result()
			return err == nil && n == 0
		}, 5*time.Second, 10*time.Millisecond)
	})
}

func TestGoRedisPassword(t *testing.T) {
	forTargets(t, "secret", func(t *testing.T, tg *target) {
		for _, proto := range []int{2, 3} {
			bad := tg.goRedis(t, &redis.Options{Protocol: proto, Password: "wrong"})
			err := bad.Ping(ctx).Err()
			require.Error(t, err)
			assert.Contains(t, err.Error(), "WRONGPASS")

			good := tg.goRedis(t, &redis.Options{Protocol: proto, Password: "secret"})
			require.NoError(t, good.Set(ctx, "a", "b", 0).Err())
		}
		none := tg.goRedis(t, &redis.Options{})
		err := none.Get(ctx, "a").Err()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "NOAUTH")
	})
}

func TestGoRedisSelect(t *testing.T) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		db3 := tg.goRedis(t, &redis.Options{DB: 3, Protocol: 3})
		db0 := tg.goRedis(t, &redis.Options{Protocol: 2})
		require.NoError(t, db3.Set(ctx, "k", "three", 0).Err())
		assert.ErrorIs(t, db0.Get(ctx, "k").Err(), redis.Nil)
		assert.Equal(t, "three", db3.Get(ctx, "k").Val())
		if tg.store != nil {
			v, ok, err := tg.store.DB(3).Get("k")
			require.NoError(t, err)
			assert.True(t, ok)
			assert.Equal(t, "three", v)
		}
	})
}

// TestGoRedisConnAndUniversal checks a sticky connection (Client.Conn) and
// the UniversalClient that applications often build from configuration.
func TestGoRedisConnAndUniversal(t *testing.T) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		rdb := tg.goRedis(t, &redis.Options{Protocol: 3})
		require.NoError(t, rdb.FlushAll(ctx).Err())
		conn := rdb.Conn()
		defer conn.Close()
		_, err := conn.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.Select(ctx, 5)
			p.ClientSetName(ctx, "sticky")
			return nil
		})
		require.NoError(t, err)
		require.NoError(t, conn.Set(ctx, "k", "in5", 0).Err())
		name, err := conn.ClientGetName(ctx).Result()
		require.NoError(t, err)
		assert.Equal(t, "sticky", name)
		assert.ErrorIs(t, rdb.Get(ctx, "k").Err(), redis.Nil, "the pool's other connections stay on db 0")

		opts := &redis.UniversalOptions{Addrs: []string{tg.addr}, DB: 5, Protocol: 2}
		if tg.store != nil {
			opts.Addrs = []string{"127.0.0.1:6379"}
			opts.Dialer = server.GoRedisDialer(tg.store)
		}
		u := redis.NewUniversalClient(opts)
		defer u.Close()
		assert.Equal(t, "in5", u.Get(ctx, "k").Val())
	})
}

func TestGoRedisTCP(t *testing.T) {
	s, err := racefree.New()
	require.NoError(t, err)
	defer s.Close()
	srv := server.New(s)
	ln, err := listen()
	require.NoError(t, err)
	go srv.Serve(ln)
	defer srv.Close()

	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), Protocol: 3})
	defer rdb.Close()
	require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
	v, err := rdb.Get(ctx, "k").Result()
	require.NoError(t, err)
	assert.Equal(t, "v", v)
}
