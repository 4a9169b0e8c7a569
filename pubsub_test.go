package racefree

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/resp"
)

// takePushes parses the pushes waiting for c.
func takePushes(t *testing.T, c *Conn) []resp.Value {
	t.Helper()
	raw := c.TakePushes(nil)
	r := bufio.NewReader(bytes.NewReader(raw))
	var out []resp.Value
	for r.Buffered() > 0 || len(out) == 0 && len(raw) > 0 {
		v, err := resp.ReadValue(r)
		require.NoError(t, err)
		out = append(out, v)
		if _, err := r.Peek(1); err != nil {
			break
		}
	}
	return out
}

func bulks(v resp.Value) []string {
	var out []string
	for _, e := range v.Elems {
		switch e.Kind {
		case resp.KindInt:
			out = append(out, fmt.Sprint(e.Int))
		case resp.KindArray:
			out = append(out, strings.Join(bulks(e), ","))
		case resp.KindNullBulk, resp.KindNull:
			out = append(out, "<nil>")
		default:
			out = append(out, e.Str)
		}
	}
	return out
}

func TestPubSubBetweenConns(t *testing.T) {
	s := newTestStore(t)
	sub, pub := s.NewConn(), s.NewConn()
	defer sub.Close()
	defer pub.Close()

	v, _ := execConn(sub, "SUBSCRIBE", "news")
	assert.Equal(t, []string{"subscribe", "news", "1"}, bulks(v))
	execConn(sub, "PSUBSCRIBE", "n*")

	v, _ = execConn(pub, "PUBLISH", "news", "hello")
	assert.Equal(t, int64(2), v.Int, "one channel and one pattern subscription")
	select {
	case <-sub.PushReady():
	default:
		t.Fatal("no push signalled")
	}
	got := takePushes(t, sub)
	require.Len(t, got, 2)
	assert.Equal(t, []string{"message", "news", "hello"}, bulks(got[0]))
	assert.Equal(t, []string{"pmessage", "n*", "news", "hello"}, bulks(got[1]))
	assert.Empty(t, sub.TakePushes(nil))

	// RESP3: pushes, not arrays. A subscribed RESP2 connection may not
	// switch (HELLO is refused in subscribed mode).
	v, _ = execConn(sub, "HELLO", "3")
	assert.Equal(t, "ERR Can't execute 'hello': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", v.Str)
	sub3 := s.NewConn()
	execConn(sub3, "HELLO", "3")
	execConn(sub3, "SUBSCRIBE", "news3")
	execConn(pub, "PUBLISH", "news3", "again")
	raw := string(sub3.TakePushes(nil))
	assert.Equal(t, ">3\r\n$7\r\nmessage\r\n$5\r\nnews3\r\n$5\r\nagain\r\n", raw)
	sub3.Close()
	assert.Len(t, takePushes(t, sub), 1, "news3 matches n*")

	// The typed API and scripts publish too.
	n, err := s.Publish("news", "typed")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	got1, err := s.Eval(context.Background(), "return redis.call('publish', KEYS[1], ARGV[1])", []string{"news"}, "lua")
	require.NoError(t, err)
	assert.Equal(t, int64(2), got1)
	assert.Len(t, takePushes(t, sub), 4)

	nums, err := s.PubSubNumSub("news", "other")
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"news": 1, "other": 0}, nums)
	pats, err := s.PubSubNumPat()
	require.NoError(t, err)
	assert.Equal(t, int64(1), pats)
	chans, err := s.PubSubChannels("")
	require.NoError(t, err)
	assert.Equal(t, []string{"news"}, chans)

	// Closing the connection unsubscribes it.
	sub.Close()
	n, err = s.Publish("news", "gone")
	require.NoError(t, err)
	assert.Zero(t, n)
	pats, _ = s.PubSubNumPat()
	assert.Zero(t, pats)
}

func TestPubSubShard(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	v, _ := execConn(c, "SSUBSCRIBE", "s1")
	assert.Equal(t, []string{"ssubscribe", "s1", "1"}, bulks(v))
	n, err := s.Publish("s1", "plain")
	require.NoError(t, err)
	assert.Zero(t, n, "a shard channel is not a plain channel")
	n, err = s.SPublish("s1", "x")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	got := takePushes(t, c)
	require.Len(t, got, 1)
	assert.Equal(t, []string{"smessage", "s1", "x"}, bulks(got[0]))
	sh, err := s.PubSubShardChannels("s*")
	require.NoError(t, err)
	assert.Equal(t, []string{"s1"}, sh)
	shn, err := s.PubSubShardNumSub("s1")
	require.NoError(t, err)
	assert.Equal(t, map[string]int64{"s1": 1}, shn)
}

func TestSubscriptionGoAPI(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	sub := s.Subscribe(ctx, "a")
	defer sub.Close()
	require.NoError(t, sub.PSubscribe("b*"))

	for i := range 3 {
		n, err := s.Publish("a", fmt.Sprint(i))
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
	}
	n, err := s.Publish("bee", "buzz")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)

	for i := range 3 {
		m := recv(t, sub)
		assert.Equal(t, Message{Channel: "a", Payload: fmt.Sprint(i)}, m)
	}
	assert.Equal(t, Message{Channel: "bee", Pattern: "b*", Payload: "buzz"}, recv(t, sub))

	// A connection sees Go subscribers in NUMSUB.
	c := s.NewConn()
	defer c.Close()
	v, _ := execConn(c, "PUBSUB", "NUMSUB", "a")
	assert.Equal(t, []string{"a", "1"}, bulks(v))

	require.NoError(t, sub.Unsubscribe())
	n, _ = s.Publish("a", "x")
	assert.Zero(t, n)

	require.NoError(t, sub.Close())
	_, open := <-sub.Messages()
	assert.False(t, open)
	assert.ErrorIs(t, sub.Err(), ErrSubscriptionClosed)
	assert.ErrorIs(t, sub.Subscribe("z"), ErrSubscriptionClosed)
	n, _ = s.Publish("bee", "x")
	assert.Zero(t, n)
}

func recv(t *testing.T, sub *Subscription) Message {
	t.Helper()
	select {
	case m, ok := <-sub.Messages():
		require.True(t, ok, "subscription ended: %v", sub.Err())
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message")
	}
	return Message{}
}

func TestSubscriptionEnds(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := New()
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	byCtx := s.Subscribe(ctx, "a")
	byStore := s.SSubscribe(context.Background(), "b")
	cancel()
	_, open := <-byCtx.Messages()
	assert.False(t, open)
	assert.ErrorIs(t, byCtx.Err(), context.Canceled)

	require.NoError(t, s.Close())
	_, open = <-byStore.Messages()
	assert.False(t, open)
	assert.ErrorIs(t, byStore.Err(), ErrClosed)
	late := s.Subscribe(context.Background(), "c")
	assert.ErrorIs(t, late.Err(), ErrClosed)
	waitGoroutines(t, before)
}

// waitGoroutines fails the test unless the number of goroutines falls back
// to n (allowing for a little runtime noise).
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines left, want %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSlowSubscriberDropped(t *testing.T) {
	s := newTestStore(t)
	sub := s.Subscribe(context.Background(), "big")
	defer sub.Close()
	payload := strings.Repeat("x", 1<<20)
	// Nobody reads: the queue passes 32 MiB and the subscription ends,
	// while PUBLISH never waits.
	for range 40 {
		_, err := s.Publish("big", payload)
		require.NoError(t, err)
	}
	for range sub.Messages() {
	}
	assert.True(t, errors.Is(sub.Err(), ErrSlowSubscriber), "%v", sub.Err())
	n, _ := s.Publish("big", "x")
	assert.Zero(t, n)

	// A connection that nobody reads is killed the same way.
	c := s.NewConn()
	execConn(c, "SUBSCRIBE", "big")
	for range 40 {
		s.Publish("big", payload)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("slow connection not killed")
	}
	n, _ = s.Publish("big", "x")
	assert.Zero(t, n)
}

func TestSubscribeWithoutConn(t *testing.T) {
	s := newTestStore(t)
	_, err := s.Do("SUBSCRIBE", "a")
	assert.EqualError(t, err, "ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client")
	_, err = s.Do("MONITOR")
	assert.EqualError(t, err, "ERR MONITOR isn't allowed for DENY BLOCKING client")
	v, err := s.Do("UNSUBSCRIBE")
	require.NoError(t, err)
	assert.Equal(t, []any{"unsubscribe", nil, int64(0)}, v)
}

func TestMonitor(t *testing.T) {
	s := newTestStore(t)
	mon, c := s.NewConn(), s.NewConn()
	defer mon.Close()
	defer c.Close()
	v, _ := execConn(mon, "MONITOR")
	assert.Equal(t, "OK", v.Str)
	v, _ = execConn(mon, "GET", "k")
	assert.Equal(t, "ERR Replica can't interact with the keyspace", v.Str)

	execConn(c, "SET", "k", "a \"q\"\n\x01")
	execConn(c, "SELECT", "2")
	execConn(c, "EVAL", "return redis.call('get', KEYS[1])", "1", "k")
	execConn(c, "AUTH", "secret")
	execConn(c, "HELLO", "2", "AUTH", "default", "pw")
	execConn(c, "GET")                // arity error: not shown
	execConn(c, "CONFIG", "GET", "x") // admin: not shown
	execConn(mon, "PING")             // its own commands are shown too

	raw := string(mon.TakePushes(nil))
	lines := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
	var got []string
	for _, l := range lines {
		require.Regexp(t, `^\+\d+\.\d{6} \[`, l)
		got = append(got, l[strings.Index(l, "["):])
	}
	assert.Equal(t, []string{
		`[0 ?:0] "SET" "k" "a \"q\"\n\x01"`,
		`[2 ?:0] "SELECT" "2"`,
		`[2 ?:0] "EVAL" "return redis.call('get', KEYS[1])" "1" "k"`,
		`[2 lua] "get" "k"`,
		`[2 ?:0] "AUTH" "(redacted)"`,
		`[2 ?:0] "HELLO" "2" "AUTH" "(redacted)" "(redacted)"`,
		`[0 ?:0] "PING"`,
	}, got)

	// RESET ends MONITOR.
	execConn(mon, "RESET")
	execConn(c, "PING")
	assert.Empty(t, mon.TakePushes(nil))
}

func TestPubSubConcurrent(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	const rounds = 200
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for i := range 4 {
		sub := s.Subscribe(ctx, "c")
		defer sub.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 4 * rounds {
				if _, ok := <-sub.Messages(); !ok {
					return
				}
				counts[i]++
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				s.Publish("c", "m")
				s.Set("k", "v", 0)
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds / 10 {
				c := s.NewConn()
				execConn(c, "HELLO", "3")
				execConn(c, "CLIENT", "TRACKING", "on")
				execConn(c, "SUBSCRIBE", "c")
				execConn(c, "GET", "k")
				c.TakePushes(nil)
				execConn(c, "UNSUBSCRIBE")
				c.Close()
			}
		}()
	}
	wg.Wait()
	for i, n := range counts {
		assert.Equal(t, 4*rounds, n, "subscription %d", i)
	}
}

func TestSubscribeWithRepliesOff(t *testing.T) {
	s := newTestStore(t)
	c := s.NewConn()
	defer c.Close()
	execConn(c, "CLIENT", "REPLY", "OFF")
	execConn(c, "SUBSCRIBE", "a")
	s.Publish("a", "x")
	// As in Redis 7.0, confirmations and messages go out all the same.
	assert.Equal(t, "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$1\r\nx\r\n", string(c.TakePushes(nil)))
}

func TestPubSubInfo(t *testing.T) {
	s := newTestStore(t)
	c, tr := s.NewConn(), s.NewConn()
	defer c.Close()
	defer tr.Close()
	execConn(c, "SUBSCRIBE", "a", "b")
	execConn(c, "PSUBSCRIBE", "p*")
	execConn(tr, "CLIENT", "TRACKING", "on")
	execConn(tr, "MGET", "k1", "k2")
	v, _ := execConn(tr, "INFO", "stats")
	for _, want := range []string{"pubsub_channels:2\r\n", "pubsub_patterns:1\r\n", "pubsubshard_channels:0\r\n", "tracking_total_keys:2\r\n", "tracking_total_items:2\r\n"} {
		assert.Contains(t, v.Str, want)
	}
}
