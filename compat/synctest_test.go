package compat

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	redigo "github.com/gomodule/redigo/redis"
	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree"
	"github.com/racefree/racefree/server"
)

// TestGoRedisSynctest runs go-redis over the in-process dialer inside a
// testing/synctest bubble: timeouts and TTLs pass in fake time, at once. The
// rule: create the Store and the clients inside the bubble, and close them
// there.
func TestGoRedisSynctest(t *testing.T) {
	for _, proto := range []int{2, 3} {
		synctest.Test(t, func(t *testing.T) {
			ctx := context.Background()
			s, err := racefree.New()
			require.NoError(t, err)
			defer s.Close()
			rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", Protocol: proto, Dialer: server.GoRedisDialer(s)})
			defer rdb.Close()

			start := time.Now()
			require.NoError(t, rdb.Set(ctx, "k", "v", 0).Err())
			assert.Equal(t, "v", rdb.Get(ctx, "k").Val())

			// A key expires after its TTL in fake time.
			require.NoError(t, rdb.Set(ctx, "session", "x", 10*time.Second).Err())
			time.Sleep(9 * time.Second)
			assert.Equal(t, "x", rdb.Get(ctx, "session").Val())
			ttl, err := rdb.TTL(ctx, "session").Result()
			require.NoError(t, err)
			assert.Equal(t, time.Second, ttl)
			time.Sleep(2 * time.Second)
			assert.ErrorIs(t, rdb.Get(ctx, "session").Err(), redis.Nil)
			n, err := rdb.Exists(ctx, "session").Result()
			require.NoError(t, err)
			assert.Zero(t, n)

			// A BLPOP whose timeout passes in fake time.
			before := time.Now()
			_, err = rdb.BLPop(ctx, 30*time.Second, "empty").Result()
			assert.ErrorIs(t, err, redis.Nil)
			assert.Equal(t, 30*time.Second, time.Since(before))

			// A BLPOP served by another client's push, a minute later.
			other := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", Protocol: proto, Dialer: server.GoRedisDialer(s)})
			defer other.Close()
			done := make(chan []string, 1)
			go func() {
				r, err := rdb.BLPop(ctx, time.Hour, "q").Result()
				assert.NoError(t, err)
				done <- r
			}()
			time.Sleep(time.Minute)
			synctest.Wait()
			select {
			case <-done:
				t.Fatal("BLPOP returned before the push")
			default:
			}
			require.NoError(t, other.RPush(ctx, "q", "job").Err())
			assert.Equal(t, []string{"q", "job"}, <-done)

			// A read timeout of the client fires in fake time too: a
			// BLPOP longer than ReadTimeout with no timeout margin.
			short := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", Protocol: proto, Dialer: server.GoRedisDialer(s), ReadTimeout: time.Second, MaxRetries: -1})
			defer short.Close()
			err = short.Do(ctx, "BLPOP", "never", "0").Err()
			require.Error(t, err)

			// Pub/sub: a message published a minute after the subscription.
			sub := rdb.Subscribe(ctx, "events")
			defer sub.Close()
			_, err = sub.Receive(ctx)
			require.NoError(t, err)
			go func() {
				time.Sleep(time.Minute)
				other.Publish(ctx, "events", "tick")
			}()
			msg, err := sub.ReceiveMessage(ctx)
			require.NoError(t, err)
			assert.Equal(t, "tick", msg.Payload)

			// WATCH and MULTI/EXEC.
			err = rdb.Watch(ctx, func(tx *redis.Tx) error {
				_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
					p.Incr(ctx, "counter")
					p.Expire(ctx, "counter", time.Second)
					return nil
				})
				return err
			}, "counter")
			require.NoError(t, err)
			time.Sleep(time.Second)
			assert.ErrorIs(t, rdb.Get(ctx, "counter").Err(), redis.Nil)

			// The Store's own clock follows the bubble's.
			got, err := rdb.Time(ctx).Result()
			require.NoError(t, err)
			assert.Equal(t, time.Now().Unix(), got.Unix())
			assert.GreaterOrEqual(t, time.Since(start), 9*time.Second+2*time.Second+30*time.Second+2*time.Minute+time.Second)
		})
	}
}

// TestRedigoRueidisSynctest runs redigo and rueidis (client-side cache on)
// over the in-process dialers inside a synctest bubble.
func TestRedigoRueidisSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		s, err := racefree.New()
		require.NoError(t, err)
		defer s.Close()

		c, err := redigo.Dial("tcp", "racefree:6379", redigo.DialContextFunc(server.RedigoDialContext(s)))
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Do("SET", "k", "v", "PX", 1500)
		require.NoError(t, err)
		time.Sleep(time.Second)
		v, err := redigo.String(c.Do("GET", "k"))
		require.NoError(t, err)
		assert.Equal(t, "v", v)
		time.Sleep(time.Second)
		_, err = redigo.String(c.Do("GET", "k"))
		assert.ErrorIs(t, err, redigo.ErrNil)
		before := time.Now()
		r, err := c.Do("BLPOP", "q", "2.5")
		require.NoError(t, err)
		assert.Nil(t, r)
		assert.Equal(t, 2500*time.Millisecond, time.Since(before))

		rc, err := rueidis.NewClient(rueidis.ClientOption{
			InitAddress:       []string{"racefree:6379"},
			DialCtxFn:         server.RueidisDialer(s),
			ForceSingleClient: true,
		})
		require.NoError(t, err)
		defer rc.Close()
		require.NoError(t, rc.Do(ctx, rc.B().Set().Key("c").Value("1").Build()).Error())
		get := func() rueidis.RedisResult {
			return rc.DoCache(ctx, rc.B().Get().Key("c").Cache(), time.Minute)
		}
		require.NoError(t, get().Error())
		assert.True(t, get().IsCacheHit())
		_, err = c.Do("SET", "c", "2")
		require.NoError(t, err)
		synctest.Wait() // the invalidation push has been delivered
		got, err := get().ToString()
		require.NoError(t, err)
		assert.Equal(t, "2", got)
	})
}
