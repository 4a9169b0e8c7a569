package racefree

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/internal/difftest"
	"github.com/racefree/racefree/resp"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name:      "transactions",
		commands:  []string{"multi", "exec", "discard", "watch", "unwatch"},
		templates: txTemplates,
	})
}

// txTemplates mix MULTI, EXEC, DISCARD, WATCH and UNWATCH with writes of
// every family on one connection: whether its own writes break its WATCH
// (only when they change something) shows in EXEC's reply.
var txTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string { return []string{"MULTI"} }},
	{make: func(r *rand.Rand) []string { return []string{"EXEC"} }},
	{make: func(r *rand.Rand) []string { return []string{"EXEC"} }},
	{make: func(r *rand.Rand) []string { return []string{"DISCARD"} }},
	{make: func(r *rand.Rand) []string { return []string{"UNWATCH"} }},
	{make: func(r *rand.Rand) []string { return []string{"WATCH", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"WATCH", pick(r, randomKeys), pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"WATCH", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"GET", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"SET", pick(r, randomKeys), pick(r, randomValues)} }},
	{make: func(r *rand.Rand) []string { return []string{"SETNX", pick(r, randomKeys), pick(r, randomValues)} }},
	{make: func(r *rand.Rand) []string { return []string{"INCR", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"APPEND", pick(r, randomKeys), pick(r, []string{"", "x"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"EXPIRE", pick(r, randomKeys), pick(r, []string{"100", "-1"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"PERSIST", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"SADD", pick(r, randomKeys), pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string { return []string{"SREM", pick(r, randomKeys), pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string { return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), "v"} }},
	{make: func(r *rand.Rand) []string {
		return []string{"HSETNX", pick(r, randomKeys), pick(r, randomFields), "v"}
	}},
	{make: func(r *rand.Rand) []string { return []string{"HDEL", pick(r, randomKeys), pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string { return []string{"RPUSH", pick(r, randomKeys), pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string { return []string{"LREM", pick(r, randomKeys), "0", pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string { return []string{"LPOP", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"ZADD", pick(r, randomKeys), pick(r, []string{"1", "2"}), pick(r, randomFields)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"ZREM", pick(r, randomKeys), pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string { return []string{"PFADD", pick(r, randomKeys), pick(r, randomFields)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"SETBIT", pick(r, randomKeys), "3", pick(r, []string{"0", "1"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"RENAME", pick(r, randomKeys), pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"NOSUCH", pick(r, randomKeys)} }},
}

// TestWatchDifferential runs testdata/multi_watch.txt against the live
// server and a Store with two connections on each side: which writes of
// another client break a WATCH must match redis-server 7.0.15. The file uses
// the differential format (see diff_test.go) plus two line forms:
//
//	@2 CMD args            runs CMD on the second connection
//	touch k1 k2: CMD args  the first connection WATCHes k1 k2, the second runs
//	                       CMD, then the first runs MULTI, PING, EXEC
func TestWatchDifferential(t *testing.T) {
	needRedis(t)
	cases, err := difftest.ParseFile("testdata/multi_watch.txt")
	require.NoError(t, err)
	live1, live2 := dialLive(t), dialLive(t)
	s := newTestStore(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			st1, st2 := &storeConn{s: s}, &storeConn{s: s}
			resetBoth(t, live1, st1)
			live2.do(t, "RESET")
			st2.do("RESET")
			defer func() {
				for _, st := range []*storeConn{st1, st2} {
					if st.c != nil {
						st.c.Close()
					}
				}
			}()
			for _, dl := range c.Lines {
				l := fromDifftest(dl)
				switch {
				case l.args[0] == "@2":
					l.args = l.args[1:]
					compareCommand(t, live2, st2, l)
				case strings.EqualFold(l.args[0], "touch"):
					i := 1
					for i < len(l.args) && !strings.HasSuffix(l.args[i], ":") {
						i++
					}
					require.Less(t, i, len(l.args)-1, "line %d: touch keys: command", l.lineNo)
					watch := append([]string{"WATCH"}, l.args[1:i+1]...)
					watch[len(watch)-1] = strings.TrimSuffix(watch[len(watch)-1], ":")
					step := func(live *liveConn, st *storeConn, args ...string) {
						compareCommand(t, live, st, diffLine{lineNo: l.lineNo, args: args})
					}
					step(live1, st1, watch...)
					compareCommand(t, live2, st2, diffLine{lineNo: l.lineNo, mode: l.mode, args: l.args[i+1:]})
					step(live1, st1, "MULTI")
					step(live1, st1, "PING")
					step(live1, st1, "EXEC")
				default:
					compareCommand(t, live1, st1, l)
				}
			}
		})
	}
}

// multiConn is a Conn with a helper that runs a command and returns its
// reply.
type multiConn struct {
	t *testing.T
	c *Conn
}

func newMultiConn(t *testing.T, s *Store) *multiConn {
	c := s.NewConn()
	t.Cleanup(c.Close)
	return &multiConn{t: t, c: c}
}

func (m *multiConn) do(args ...string) resp.Value {
	m.t.Helper()
	b := resp.Builder{Protocol: m.c.Proto()}
	m.c.Exec(context.Background(), args, &b)
	return b.Value()
}

// tryExec runs WATCH key, MULTI, PING, EXEC around change and reports
// whether EXEC ran (false: the WATCH broke).
func (m *multiConn) tryExec(key string, change func()) bool {
	m.t.Helper()
	require.Equal(m.t, "OK", m.do("WATCH", key).Str)
	change()
	require.Equal(m.t, "OK", m.do("MULTI").Str)
	require.Equal(m.t, "QUEUED", m.do("PING").Str)
	v := m.do("EXEC")
	switch v.Kind {
	case resp.KindNullArray:
		return false
	case resp.KindArray:
		return true
	}
	m.t.Fatalf("EXEC replied %v", v)
	return false
}

func TestMultiQueueAndExec(t *testing.T) {
	s := newTestStore(t)
	c := newMultiConn(t, s)
	assert.Equal(t, "OK", c.do("MULTI").Str)
	assert.True(t, c.c.inMulti())
	assert.Equal(t, "QUEUED", c.do("SET", "a", "1").Str)
	assert.Equal(t, "QUEUED", c.do("INCR", "a").Str)
	assert.Equal(t, 2, c.c.queued())
	assert.Equal(t, flagWrite, c.c.queuedFlags()&(flagWrite|flagReadonly))
	// Nothing ran yet: another caller sees no key.
	_, ok, err := s.Get("a")
	require.NoError(t, err)
	assert.False(t, ok)
	v := c.do("EXEC")
	require.Equal(t, resp.KindArray, v.Kind)
	require.Len(t, v.Elems, 2)
	assert.Equal(t, "OK", v.Elems[0].Str)
	assert.Equal(t, int64(2), v.Elems[1].Int)
	assert.False(t, c.c.inMulti())
	assert.Equal(t, -1, c.c.queued())
	got, _, err := s.Get("a")
	require.NoError(t, err)
	assert.Equal(t, "2", got)

	assert.Equal(t, "ERR EXEC without MULTI", c.do("EXEC").Str)
	assert.Equal(t, "ERR DISCARD without MULTI", c.do("DISCARD").Str)
}

func TestMultiAbort(t *testing.T) {
	s := newTestStore(t)
	c := newMultiConn(t, s)
	c.do("MULTI")
	c.do("SET", "a", "1")
	assert.Equal(t, resp.KindError, c.do("NOSUCH").Kind)
	assert.Equal(t, "QUEUED", c.do("SET", "b", "1").Str)
	assert.Equal(t, "EXECABORT Transaction discarded because of previous errors.", c.do("EXEC").Str)
	n, err := s.Exists("a", "b")
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Empty(t, c.c.tx.queue)
}

// TestWatchBrokenByEveryWriter checks that a WATCH breaks whoever changes
// the key: another connection, the typed API, Do, a script, Update, expiry,
// FLUSHALL, SWAPDB, MOVE and RENAME; and that changes elsewhere do not.
func TestWatchBrokenByEveryWriter(t *testing.T) {
	s := newTestStore(t)
	c := newMultiConn(t, s)
	other := newMultiConn(t, s)
	ctx := context.Background()
	set := func() { require.NoError(t, s.Set("k", "v", 0)) }
	set()

	breaks := map[string]func(){
		"conn":  func() { other.do("SET", "k", "x") },
		"typed": func() { require.NoError(t, s.Set("k", "y", 0)) },
		"do":    func() { _, err := s.Do("APPEND", "k", "z"); require.NoError(t, err) },
		"script": func() {
			_, err := s.Eval(ctx, "return redis.call('set', KEYS[1], 'w')", []string{"k"})
			require.NoError(t, err)
		},
		"update": func() {
			require.NoError(t, s.Update(func(tx *Tx) error { _, err := tx.Incr("n"); _, err2 := tx.Del("k"); return cmpErr(err, err2) }))
		},
		"setrange": func() { _, err := s.Do("SETRANGE", "k", "0", "x"); require.NoError(t, err) },
		"expire":   func() { _, err := s.Expire("k", time.Hour); require.NoError(t, err) },
		"flush":    func() { require.NoError(t, s.FlushAll()) },
		"swapdb":   func() { require.NoError(t, s.SwapDB(0, 1)) },
		"move":     func() { _, err := s.Move("k", 2); require.NoError(t, err) },
		"rename":   func() { require.NoError(t, s.Rename("k", "k2")) },
		"ownconn":  func() { c.do("DEL", "k") },
	}
	for name, change := range breaks {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, s.FlushAll())
			set()
			assert.False(t, c.tryExec("k", change), "EXEC ran although the key changed")
		})
	}

	keeps := map[string]func(){
		"read":      func() { other.do("GET", "k") },
		"other key": func() { require.NoError(t, s.Set("j", "v", 0)) },
		"other db":  func() { require.NoError(t, s.DB(1).Set("k", "v", 0)) },
		"no change": func() { other.do("SETNX", "k", "x") },
		"read script": func() {
			_, err := s.Eval(ctx, "return redis.call('get', KEYS[1])", []string{"k"})
			require.NoError(t, err)
		},
		"view":         func() { require.NoError(t, s.View(func(tx *Tx) error { _, _, err := tx.Get("k"); return err })) },
		"persist none": func() { _, err := s.Persist("k"); require.NoError(t, err) },
	}
	for name, change := range keeps {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, s.FlushAll())
			set()
			assert.True(t, c.tryExec("k", change), "EXEC failed although nothing changed the key")
		})
	}
}

func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// TestWatchExpiry follows Redis 7.0: a watched key that expires before EXEC
// fails it, deleted or not; a key that had already expired when it was
// watched does not, unless it is written again.
func TestWatchExpiry(t *testing.T) {
	s := newTestStore(t, WithExpireInterval(time.Hour)) // no sweep: expiry is lazy
	c := newMultiConn(t, s)
	other := newMultiConn(t, s)

	require.NoError(t, s.Set("k", "v", time.Second))
	assert.False(t, c.tryExec("k", func() { s.FastForward(2 * time.Second) }), "expired but not deleted")

	require.NoError(t, s.Set("k", "v", time.Second))
	assert.False(t, c.tryExec("k", func() {
		s.FastForward(2 * time.Second)
		other.do("GET", "k") // deletes it
	}), "expired and deleted")

	require.NoError(t, s.Set("k", "v", time.Second))
	s.FastForward(2 * time.Second)
	assert.True(t, c.tryExec("k", func() { other.do("GET", "k") }), "expired before WATCH, deleted after")

	require.NoError(t, s.Set("k", "v", time.Second))
	s.FastForward(2 * time.Second)
	assert.True(t, c.tryExec("k", func() { require.NoError(t, s.FlushAll()) }), "expired before WATCH, flushed after")

	require.NoError(t, s.Set("k", "v", time.Second))
	s.FastForward(2 * time.Second)
	assert.False(t, c.tryExec("k", func() { other.do("SET", "k", "new") }), "expired before WATCH, written after")

	require.NoError(t, s.Set("k", "v", time.Second))
	s.FastForward(2 * time.Second)
	assert.False(t, c.tryExec("k", func() { other.do("MSET", "k", "new") }), "expired before WATCH, overwritten in place after")

	// The background sweep deletes a watched key that expires: EXEC fails.
	s2 := newTestStore(t, WithExpireInterval(time.Millisecond))
	c2 := newMultiConn(t, s2)
	require.NoError(t, s2.Set("k", "v", 0))
	assert.False(t, c2.tryExec("k", func() {
		_, err := s2.PExpire("k", time.Millisecond)
		require.NoError(t, err)
		time.Sleep(20 * time.Millisecond)
		n, err := s2.DBSize()
		require.NoError(t, err)
		require.Zero(t, n)
	}))
}

func TestWatchStateIsReleased(t *testing.T) {
	s := newTestStore(t)
	c := newMultiConn(t, s)
	d := s.dbs[0]
	c.do("WATCH", "a", "b")
	c.do("SELECT", "1")
	c.do("WATCH", "a")
	assert.Len(t, d.watched, 2)
	assert.Len(t, s.dbs[1].watched, 1)
	c.do("UNWATCH")
	assert.Empty(t, d.watched)
	assert.Empty(t, s.dbs[1].watched)

	c.do("WATCH", "a")
	c.do("RESET")
	assert.Empty(t, d.watched)

	c.do("WATCH", "a")
	c.do("MULTI")
	c.do("DISCARD")
	assert.Empty(t, d.watched)

	c.do("WATCH", "a")
	c.do("MULTI")
	c.do("EXEC")
	assert.Empty(t, d.watched)

	c.do("WATCH", "a")
	c.do("MULTI")
	c.do("QUIT")
	assert.Empty(t, d.watched)
	assert.False(t, c.c.inMulti())

	c.do("WATCH", "a")
	c.do("MULTI")
	c.c.Close()
	assert.Empty(t, d.watched)
	assert.False(t, c.c.inMulti())

	// A broken WATCH lets go of every key at once.
	c2 := newMultiConn(t, s)
	c2.do("WATCH", "a", "b")
	require.NoError(t, s.Set("a", "1", 0))
	assert.Empty(t, d.watched)
	assert.True(t, c2.c.tx.dirty)
}

func TestExecSelectAndBlocking(t *testing.T) {
	s := newTestStore(t)
	c := newMultiConn(t, s)
	c.do("MULTI")
	c.do("SELECT", "3")
	c.do("SET", "k", "v")
	c.do("BLPOP", "list", "0") // must not wait
	done := make(chan resp.Value, 1)
	go func() { done <- c.do("EXEC") }()
	select {
	case v := <-done:
		require.Equal(t, resp.KindArray, v.Kind)
		require.Len(t, v.Elems, 3)
		assert.Equal(t, resp.KindNullArray, v.Elems[2].Kind)
	case <-time.After(5 * time.Second):
		t.Fatal("BLPOP inside MULTI blocked")
	}
	assert.Equal(t, 3, c.c.DB())
	v, ok, err := s.DB(3).Get("k")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v", v)
}

func TestExecRESP3(t *testing.T) {
	s := newTestStore(t)
	c := newMultiConn(t, s)
	c.do("HELLO", "3")
	c.do("WATCH", "k")
	require.NoError(t, s.Set("k", "v", 0))
	c.do("MULTI")
	c.do("GET", "k")
	assert.Contains(t, []resp.Kind{resp.KindNull, resp.KindNullArray}, c.do("EXEC").Kind) // "_" on the wire
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	enc := resp.NewEncoder(bw)
	enc.SetProto(3)
	c.c.Exec(context.Background(), []string{"MULTI"}, enc)
	c.c.Exec(context.Background(), []string{"GET", "k"}, enc)
	c.c.Exec(context.Background(), []string{"HSET", "h", "a", "1"}, enc)
	c.c.Exec(context.Background(), []string{"EXEC"}, enc)
	require.NoError(t, enc.Flush())
	assert.Equal(t, "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n$1\r\nv\r\n:1\r\n", b.String())
}

// TestWatchOptimisticIncrements is the classic optimistic loop: goroutines
// on connections of their own WATCH a counter, read it, and write it back
// incremented in MULTI/EXEC, retrying when EXEC fails. Run under -race, it
// must end with the exact count.
func TestWatchOptimisticIncrements(t *testing.T) {
	s := newTestStore(t)
	workers := 2 * runtime.GOMAXPROCS(0)
	const each = 50
	var wg sync.WaitGroup
	var retries sync.Map
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := s.NewConn()
			defer c.Close()
			do := func(args ...string) resp.Value {
				var b resp.Builder
				c.Exec(context.Background(), args, &b)
				return b.Value()
			}
			n := 0
			for range each {
				for {
					do("WATCH", "counter")
					v := do("GET", "counter")
					cur := int64(0)
					if v.Kind == resp.KindBulk {
						fmt.Sscan(v.Str, &cur)
					}
					do("MULTI")
					do("SET", "counter", fmt.Sprint(cur+1))
					if r := do("EXEC"); r.Kind == resp.KindArray {
						break
					}
					n++
				}
			}
			retries.Store(w, n)
		}()
	}
	// Writers through the typed API break WATCHes too without losing any
	// increment of their own.
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				_, err := s.Incr("counter")
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	v, _, err := s.Get("counter")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(workers*each+2*each), v)
	for _, d := range s.dbs {
		assert.Empty(t, d.watched)
	}
}

// Example_watch shows optimistic locking on a connection: EXEC returns a
// nil reply when another client changed a watched key after WATCH.
func Example_watch() {
	s, _ := New()
	defer s.Close()
	run := func(c *Conn, args ...string) {
		var b resp.Builder
		c.Exec(context.Background(), args, &b)
		fmt.Printf("%s -> %v\n", strings.Join(args, " "), b.Value())
	}
	a, b := s.NewConn(), s.NewConn()
	defer a.Close()
	defer b.Close()

	run(a, "SET", "balance", "100")
	run(a, "WATCH", "balance")
	run(b, "DECRBY", "balance", "30") // another client gets there first
	run(a, "MULTI")
	run(a, "DECRBY", "balance", "50")
	run(a, "EXEC")
	// Output:
	// SET balance 100 -> OK
	// WATCH balance -> OK
	// DECRBY balance 30 -> (integer) 70
	// MULTI -> OK
	// DECRBY balance 50 -> QUEUED
	// EXEC -> (nil array)
}

// TestMultiNoMultiFlag checks that a command flagged no_multi (SAVE,
// SHUTDOWN, ...) is refused after MULTI and aborts the transaction.
func TestMultiNoMultiFlag(t *testing.T) {
	var name string
	for _, cmd := range commandList {
		if cmd.flags&flagNoMulti != 0 && cmd.run != nil {
			name = cmd.name
			break
		}
	}
	if name == "" {
		t.Skip("no command flagged no_multi in the table yet")
	}
	s := newTestStore(t)
	c := newMultiConn(t, s)
	c.do("MULTI")
	assert.Equal(t, "ERR Command not allowed inside a transaction", c.do(name).Str)
	assert.Equal(t, "QUEUED", c.do("PING").Str)
	assert.Equal(t, "EXECABORT Transaction discarded because of previous errors.", c.do("EXEC").Str)
}

// TestExecRejected checks Redis's rejectCommand for EXEC: a refused EXEC
// (wrong arity, NOAUTH) ends the transaction with an EXECABORT that says why.
func TestExecRejected(t *testing.T) {
	s := newTestStore(t, WithPassword("pw"))
	c := newMultiConn(t, s)
	assert.Equal(t, "EXECABORT Transaction discarded because of: NOAUTH Authentication required.", c.do("EXEC").Str)
	assert.Equal(t, "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command", c.do("EXEC", "x").Str)
	c.do("AUTH", "pw")
	c.do("MULTI")
	assert.Equal(t, "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command", c.do("EXEC", "x").Str)
	assert.False(t, c.c.inMulti())
	assert.Equal(t, "ERR EXEC without MULTI", c.do("EXEC").Str)
}
