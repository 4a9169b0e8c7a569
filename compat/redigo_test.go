package compat

import (
	"fmt"
	"net"
	"testing"
	"time"

	redigo "github.com/gomodule/redigo/redis"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedigo(t *testing.T) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		for _, netDial := range []bool{false, true} {
			t.Run(fmt.Sprintf("netDial=%v", netDial), func(t *testing.T) {
				c := tg.redigo(t, netDial)
				_, err := c.Do("FLUSHALL")
				require.NoError(t, err)

				pong, err := redigo.String(c.Do("PING"))
				require.NoError(t, err)
				assert.Equal(t, "PONG", pong)
				ok, err := redigo.String(c.Do("SET", "k", "v", "EX", 60))
				require.NoError(t, err)
				assert.Equal(t, "OK", ok)
				v, err := redigo.String(c.Do("GET", "k"))
				require.NoError(t, err)
				assert.Equal(t, "v", v)
				_, err = redigo.String(c.Do("GET", "missing"))
				assert.ErrorIs(t, err, redigo.ErrNil)
				n, err := redigo.Int(c.Do("INCRBY", "n", 5))
				require.NoError(t, err)
				assert.Equal(t, 5, n)

				// Errors come back as redigo.Error with Redis's text.
				_, err = c.Do("INCR", "k")
				var rerr redigo.Error
				require.ErrorAs(t, err, &rerr)
				assert.Equal(t, "ERR value is not an integer or out of range", rerr.Error())

				_, err = c.Do("HSET", "h", "a", "1", "b", "2")
				require.NoError(t, err)
				h, err := redigo.StringMap(c.Do("HGETALL", "h"))
				require.NoError(t, err)
				assert.Equal(t, map[string]string{"a": "1", "b": "2"}, h)

				f, err := redigo.Float64(c.Do("INCRBYFLOAT", "f", "1.25"))
				require.NoError(t, err)
				assert.Equal(t, 1.25, f)

				// Pipelining with Send/Flush/Receive.
				for i := range 50 {
					require.NoError(t, c.Send("RPUSH", "l", i))
				}
				require.NoError(t, c.Send("LRANGE", "l", 0, 2))
				require.NoError(t, c.Flush())
				for i := range 50 {
					n, err := redigo.Int(c.Receive())
					require.NoError(t, err)
					assert.Equal(t, i+1, n)
				}
				vals, err := redigo.Strings(c.Receive())
				require.NoError(t, err)
				assert.Equal(t, []string{"0", "1", "2"}, vals)

				// Scripts: redigo's Script does EVALSHA and falls back to EVAL.
				_, err = c.Do("SCRIPT", "FLUSH")
				require.NoError(t, err)
				script := redigo.NewScript(1, "return redis.call('INCRBY', KEYS[1], ARGV[1])")
				got, err := redigo.Int(script.Do(c, "counter", 3))
				require.NoError(t, err)
				assert.Equal(t, 3, got)
				got, err = redigo.Int(script.Do(c, "counter", 4))
				require.NoError(t, err)
				assert.Equal(t, 7, got)
				require.NoError(t, script.Load(c))

				// A blocking pop with a timeout that runs out.
				start := time.Now()
				r, err := c.Do("BLPOP", "empty", "0.05")
				require.NoError(t, err)
				assert.Nil(t, r)
				assert.GreaterOrEqual(t, time.Since(start), 40*time.Millisecond)

				// DoWithTimeout sets a read deadline on the connection.
				cwt, isCWT := c.(redigo.ConnWithTimeout)
				require.True(t, isCWT)
				v, err = redigo.String(cwt.DoWithTimeout(time.Second, "ECHO", "x"))
				require.NoError(t, err)
				assert.Equal(t, "x", v)
			})
		}
	})
}

// TestRedigoPool checks redigo's Pool (with TestOnBorrow) over the dialers.
func TestRedigoPool(t *testing.T) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		pool := &redigo.Pool{
			MaxIdle: 4,
			Dial: func() (redigo.Conn, error) {
				return tg.redigoDial(false)
			},
			TestOnBorrow: func(c redigo.Conn, _ time.Time) error {
				_, err := c.Do("PING")
				return err
			},
		}
		defer pool.Close()
		done := make(chan error, 8)
		for range 8 {
			go func() {
				c := pool.Get()
				defer c.Close()
				for range 100 {
					if _, err := c.Do("INCR", "shared"); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
		}
		for range 8 {
			require.NoError(t, <-done)
		}
		c := pool.Get()
		defer c.Close()
		n, err := redigo.Int(c.Do("GET", "shared"))
		require.NoError(t, err)
		assert.Equal(t, 800, n)
	})
}

func TestRedigoPassword(t *testing.T) {
	forTargets(t, "pw", func(t *testing.T, tg *target) {
		c := tg.redigo(t, false, redigo.DialPassword("pw"), redigo.DialDatabase(2))
		_, err := c.Do("SET", "k", "v")
		require.NoError(t, err)
		v, err := redigo.String(c.Do("GET", "k"))
		require.NoError(t, err)
		assert.Equal(t, "v", v)

		_, err = redigo.Dial("tcp", "x", redigo.DialPassword("bad"), redigo.DialNetDial(func(network, addr string) (net.Conn, error) {
			return tg.rawDial(t), nil
		}))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "WRONGPASS")
	})
}

func TestRedigoPubSub(t *testing.T) {
	forTargets(t, "", func(t *testing.T, tg *target) {
		c := tg.redigo(t, false)
		if _, err := c.Do("PUBSUB", "NUMPAT"); err != nil {
			t.Skipf("needs pub/sub: %v", err)
		}
		psc := redigo.PubSubConn{Conn: tg.redigo(t, false)}
		require.NoError(t, psc.Subscribe("ch"))
		switch m := psc.Receive().(type) {
		case redigo.Subscription:
			assert.Equal(t, "subscribe", m.Kind)
			assert.Equal(t, "ch", m.Channel)
			assert.Equal(t, 1, m.Count)
		default:
			t.Fatalf("got %#v", m)
		}
		_, err := c.Do("PUBLISH", "ch", "hi")
		require.NoError(t, err)
		switch m := psc.ReceiveWithTimeout(5 * time.Second).(type) {
		case redigo.Message:
			assert.Equal(t, "ch", m.Channel)
			assert.Equal(t, []byte("hi"), m.Data)
		default:
			t.Fatalf("got %#v", m)
		}
		require.NoError(t, psc.Ping("p"))
		switch m := psc.ReceiveWithTimeout(5 * time.Second).(type) {
		case redigo.Pong:
			assert.Equal(t, "p", m.Data)
		default:
			t.Fatalf("got %#v", m)
		}
		require.NoError(t, psc.Unsubscribe())
		switch m := psc.ReceiveWithTimeout(5 * time.Second).(type) {
		case redigo.Subscription:
			assert.Equal(t, "unsubscribe", m.Kind)
			assert.Equal(t, 0, m.Count)
		default:
			t.Fatalf("got %#v", m)
		}
	})
}
