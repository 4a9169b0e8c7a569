package racefree

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/racefree/racefree/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func addN(t *testing.T, s *Store, key string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		_, err := s.XAdd(key, XAddArgs{ID: id, Values: []string{"f", id}})
		require.NoError(t, err)
	}
}

func TestStreamGroupsTyped(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	s.SetTime(time.UnixMilli(1_000_000_000))

	assert.ErrorIs(t, s.XGroupCreate("s", "g", "$"), errXGroupNoKey)
	require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))
	assert.ErrorIs(t, s.XGroupCreate("s", "g", "0"), ErrBusyGroup)
	assert.ErrorIs(t, s.XGroupCreate("s", "h", "bad"), ErrStreamID)
	assert.ErrorIs(t, s.XGroupCreateArgs("s", "h", "0", XGroupArgs{SetEntriesRead: true, EntriesRead: -2}), errXGroupEntriesRead)
	require.NoError(t, s.XGroupCreateArgs("s", "h", "0", XGroupArgs{SetEntriesRead: true, EntriesRead: 0}))

	addN(t, s, "s", "1-1", "2-1", "3-1")
	out, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "h", Consumer: "alice", Streams: []string{"s", ">"}, Count: 2})
	require.NoError(t, err)
	assert.Equal(t, []XStream{{Stream: "s", Messages: []XMessage{{ID: "1-1", Values: []string{"f", "1-1"}}, {ID: "2-1", Values: []string{"f", "2-1"}}}}}, out)
	out, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "h", Consumer: "bob", Streams: []string{"s", ">"}})
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.Equal(t, "3-1", out[0].Messages[0].ID)
	// Nothing new: nil at once without Block.
	out, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "h", Consumer: "bob", Streams: []string{"s", ">"}})
	require.NoError(t, err)
	assert.Nil(t, out)
	_, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "nope", Consumer: "bob", Streams: []string{"s", ">"}})
	assert.ErrorIs(t, err, ErrNoGroup)
	_, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "h", Consumer: "bob", Streams: []string{"s", "$"}})
	assert.ErrorIs(t, err, errXReadGroupDollar)
	_, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "h", Consumer: "bob", Streams: []string{"s"}})
	assert.ErrorIs(t, err, ErrXReadUnbalanced)

	sum, err := s.XPending("s", "h")
	require.NoError(t, err)
	assert.Equal(t, XPendingSummary{Count: 3, Lower: "1-1", Higher: "3-1", Consumers: []XPendingConsumer{{"alice", 2}, {"bob", 1}}}, sum)
	_, err = s.XPending("s", "nope")
	assert.ErrorIs(t, err, ErrNoGroup)

	s.FastForward(5 * time.Second)
	pe, err := s.XPendingExt("s", "h", XPendingExtArgs{Start: "-", End: "+", Count: 10, Consumer: "alice"})
	require.NoError(t, err)
	assert.Equal(t, []XPendingEntry{{ID: "1-1", Consumer: "alice", Idle: 5 * time.Second, RetryCount: 1}, {ID: "2-1", Consumer: "alice", Idle: 5 * time.Second, RetryCount: 1}}, pe)
	pe, err = s.XPendingExt("s", "h", XPendingExtArgs{Start: "-", End: "+", Count: 10, Idle: time.Hour})
	require.NoError(t, err)
	assert.Empty(t, pe)

	// History: the consumer's own pending entries, delivered again.
	out, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "h", Consumer: "alice", Streams: []string{"s", "0"}})
	require.NoError(t, err)
	require.Len(t, out[0].Messages, 2)
	pe, err = s.XPendingExt("s", "h", XPendingExtArgs{Start: "-", End: "+", Count: 1})
	require.NoError(t, err)
	assert.Equal(t, []XPendingEntry{{ID: "1-1", Consumer: "alice", Idle: 0, RetryCount: 2}}, pe)

	// Claims.
	s.FastForward(time.Minute)
	ms, err := s.XClaim(XClaimArgs{Stream: "s", Group: "h", Consumer: "carol", MinIdle: 30 * time.Second, Messages: []string{"1-1", "3-1", "9-9"}})
	require.NoError(t, err)
	assert.Equal(t, []XMessage{{ID: "1-1", Values: []string{"f", "1-1"}}, {ID: "3-1", Values: []string{"f", "3-1"}}}, ms)
	ids, err := s.XClaimJustID(XClaimArgs{Stream: "s", Group: "h", Consumer: "dave", Messages: []string{"2-1"}, SetRetryCount: true, RetryCount: 9, Idle: time.Hour, LastID: "5-0"})
	require.NoError(t, err)
	assert.Equal(t, []string{"2-1"}, ids)
	pe, err = s.XPendingExt("s", "h", XPendingExtArgs{Start: "2-1", End: "2-1", Count: 1})
	require.NoError(t, err)
	assert.Equal(t, []XPendingEntry{{ID: "2-1", Consumer: "dave", Idle: time.Hour, RetryCount: 9}}, pe)
	_, err = s.XClaim(XClaimArgs{Stream: "s", Group: "nope", Consumer: "c", Messages: []string{"1-1"}})
	assert.ErrorIs(t, err, ErrNoGroup)
	_, err = s.XClaim(XClaimArgs{Stream: "s", Group: "h", Consumer: "c"})
	assert.ErrorIs(t, err, ErrWrongArity)

	_, err = s.XDel("s", "3-1")
	require.NoError(t, err)
	xclaimed, next, deleted, err := s.XAutoClaim(XAutoClaimArgs{Stream: "s", Group: "h", Consumer: "erin", Start: "0", Count: 1})
	require.NoError(t, err)
	assert.Equal(t, []XMessage{{ID: "1-1", Values: []string{"f", "1-1"}}}, xclaimed)
	assert.Equal(t, "2-1", next)
	assert.Empty(t, deleted)
	cids, next, deleted, err := s.XAutoClaimJustID(XAutoClaimArgs{Stream: "s", Group: "h", Consumer: "erin", Start: next})
	require.NoError(t, err)
	assert.Equal(t, []string{"2-1"}, cids)
	assert.Equal(t, "0-0", next)
	assert.Equal(t, []string{"3-1"}, deleted)
	_, _, _, err = s.XAutoClaim(XAutoClaimArgs{Stream: "s", Group: "h", Consumer: "erin", Start: "0", Count: -1})
	assert.ErrorIs(t, err, errXAutoClaimCount)

	n, err := s.XAck("s", "h", "1-1", "2-1", "7-7")
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	_, err = s.XAck("s", "h", "bad")
	assert.ErrorIs(t, err, ErrStreamID)
	n, err = s.XAck("nokey", "h", "bad")
	require.NoError(t, err)
	assert.Zero(t, n)

	// XINFO.
	groups, err := s.XInfoGroups("s")
	require.NoError(t, err)
	require.Len(t, groups, 2)
	assert.Equal(t, XInfoGroup{Name: "h", Consumers: 5, Pending: 0, LastDeliveredID: "5-0", EntriesRead: 3, EntriesReadKnown: true, Lag: 0, LagKnown: true}, groups[1])
	assert.Equal(t, "g", groups[0].Name)
	cons, err := s.XInfoConsumers("s", "h")
	require.NoError(t, err)
	require.Len(t, cons, 5)
	assert.Equal(t, XInfoConsumer{Name: "alice", Pending: 0, Idle: time.Minute}, cons[0])
	_, err = s.XInfoConsumers("s", "nope")
	assert.ErrorIs(t, err, ErrNoGroup)
	info, err := s.XInfoStream("s")
	require.NoError(t, err)
	assert.Equal(t, XInfoStream{Length: 2, RadixTreeKeys: 1, RadixTreeNodes: 2, LastGeneratedID: "3-1", MaxDeletedEntryID: "3-1",
		EntriesAdded: 3, RecordedFirstEntryID: "1-1", Groups: 2,
		FirstEntry: &XMessage{ID: "1-1", Values: []string{"f", "1-1"}}, LastEntry: &XMessage{ID: "2-1", Values: []string{"f", "2-1"}}}, info)
	_, err = s.XInfoStream("nokey")
	assert.ErrorIs(t, err, ErrNoSuchKey)
	full, err := s.XInfoStreamFull("s", 1)
	require.NoError(t, err)
	assert.Len(t, full.Entries, 1)
	require.Len(t, full.Groups, 2)
	assert.Len(t, full.Groups[1].Consumers, 5)
	assert.Equal(t, time.UnixMilli(1_000_000_000).Add(5*time.Second), full.Groups[1].Consumers[0].SeenTime)

	// Group management.
	n, err = s.XGroupCreateConsumer("s", "h", "zed")
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	n, err = s.XGroupCreateConsumer("s", "h", "zed")
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "zed", Streams: []string{"s", ">"}})
	require.NoError(t, err)
	require.NoError(t, s.XGroupSetID("s", "g", "0"))
	_, err = s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "zed", Streams: []string{"s", ">"}})
	require.NoError(t, err)
	n, err = s.XGroupDelConsumer("s", "g", "zed")
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	require.NoError(t, s.XGroupSetIDArgs("s", "g", "$", XGroupArgs{SetEntriesRead: true, EntriesRead: 3}))
	groups, err = s.XInfoGroups("s")
	require.NoError(t, err)
	assert.Equal(t, XInfoGroup{Name: "g", LastDeliveredID: "3-1", EntriesRead: 3, EntriesReadKnown: true, Lag: 0, LagKnown: true}, groups[0])
	n, err = s.XGroupDestroy("s", "g")
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	n, err = s.XGroupDestroy("s", "g")
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.ErrorIs(t, s.XGroupSetID("s", "g", "0"), ErrNoGroup)

	require.NoError(t, s.Set("str", "x", 0))
	assert.ErrorIs(t, s.XGroupCreate("str", "g", "0"), ErrWrongType)
	_, err = s.XInfoGroups("str")
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestStreamGroupsDeletedEntryInHistory(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	addN(t, s, "s", "1-1", "2-1")
	require.NoError(t, s.XGroupCreate("s", "g", "0"))
	_, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}})
	require.NoError(t, err)
	_, err = s.XDel("s", "1-1")
	require.NoError(t, err)
	out, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", "0"}})
	require.NoError(t, err)
	assert.Equal(t, []XMessage{{ID: "1-1"}, {ID: "2-1", Values: []string{"f", "2-1"}}}, out[0].Messages)
	v, err := s.Do("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0")
	require.NoError(t, err)
	assert.Equal(t, []any{[]any{"s", []any{[]any{"1-1", nil}, []any{"2-1", []any{"f", "2-1"}}}}}, v)
}

// waitStreamBlocked waits until n callers are blocked on key of database 0.
func waitStreamBlocked(t *testing.T, s *Store, key string, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.waiters[blockKey{0, key}]) == n
	}, 5*time.Second, time.Millisecond)
}

func TestStreamXReadGroupBlock(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))

	// Woken by an XADD; the other reader gets the next one.
	res := make(chan []XStream, 2)
	for _, name := range []string{"a", "b"} {
		go func() {
			out, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: name, Streams: []string{"s", ">"}, Block: -1})
			assert.NoError(t, err)
			res <- out
		}()
	}
	waitStreamBlocked(t, s, "s", 2)
	addN(t, s, "s", "1-1")
	first := <-res
	require.Len(t, first, 1)
	assert.Equal(t, "1-1", first[0].Messages[0].ID)
	waitStreamBlocked(t, s, "s", 1)
	_, err := s.Eval(ctx, "return redis.call('xadd', KEYS[1], '2-1', 'f', 'v')", []string{"s"})
	require.NoError(t, err)
	second := <-res
	assert.Equal(t, "2-1", second[0].Messages[0].ID)

	// A timeout returns nil.
	out, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"s", ">"}, Block: 10 * time.Millisecond})
	require.NoError(t, err)
	assert.Nil(t, out)

	// Destroying the group fails its blocked readers with NOGROUP, on the
	// typed API and on Do alike.
	errs := make(chan error, 2)
	go func() {
		_, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"s", ">"}, Block: -1})
		errs <- err
	}()
	go func() {
		_, err := s.DoContext(ctx, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
		errs <- err
	}()
	waitStreamBlocked(t, s, "s", 2)
	n, err := s.XGroupDestroy("s", "g")
	require.NoError(t, err)
	assert.EqualValues(t, 1, n)
	for range 2 {
		err := <-errs
		assert.ErrorIs(t, err, ErrNoGroup)
		assert.EqualError(t, err, "NOGROUP the consumer group this client was blocked on no longer exists")
	}

	// Deleting or overwriting the stream fails them with UNBLOCKED.
	for _, end := range []func() error{
		func() error { _, err := s.Del("s"); return err },
		func() error { return s.Set("s", "x", 0) },
		func() error { _, err := s.Do("ZUNIONSTORE", "s", "1", "src"); return err },
		func() error { _, err := s.Do("FLUSHALL"); return err },
	} {
		require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))
		_, err := s.ZAdd("src", Z{Score: 1, Member: "a"})
		require.NoError(t, err)
		go func() {
			_, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"s", ">"}, Block: -1})
			errs <- err
		}()
		go func() {
			_, err := s.DoContext(ctx, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
			errs <- err
		}()
		waitStreamBlocked(t, s, "s", 2)
		require.NoError(t, end())
		for range 2 {
			err := <-errs
			assert.ErrorIs(t, err, ErrStreamDeleted)
			assert.EqualError(t, err, "UNBLOCKED the stream key no longer exists")
		}
		_, err = s.Del("s")
		require.NoError(t, err)
	}

	// Inside a script BLOCK is refused; inside a transaction it answers at once.
	require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))
	_, err = s.Eval(ctx, "return redis.call('xreadgroup', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', KEYS[1], '>')", []string{"s"})
	assert.ErrorIs(t, err, ErrScript)
	assert.ErrorContains(t, err, "ERR xreadgroup command is not allowed with BLOCK option from scripts")
	err = s.Update(func(tx *Tx) error {
		out, err := tx.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Block: -1})
		assert.Nil(t, out)
		return err
	})
	require.NoError(t, err)

	// A cancelled context ends the wait.
	cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	_, err = s.XReadGroup(cctx, XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Block: -1})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestStreamGroupConsumersRace is the issue's test: a producer goroutine and
// a Lua script add entries while three consumers of one group wait in
// XREADGROUP BLOCK (two through the typed API, one through Do); every entry
// is delivered exactly once and acknowledged. Run it with -race.
func TestStreamGroupConsumersRace(t *testing.T) {
	s := newTestStore(t)
	const perProducer = 300
	const total = 2 * perProducer
	require.NoError(t, s.XGroupCreateMkStream("jobs", "workers", "$"))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done, stop := context.WithCancel(ctx)
	defer stop()

	var mu sync.Mutex
	seen := map[string]string{} // id -> consumer
	var got atomic.Int64
	deliver := func(consumer string, msgs []XMessage) {
		for _, m := range msgs {
			mu.Lock()
			if prev, dup := seen[m.ID]; dup {
				t.Errorf("%s delivered to %s and %s", m.ID, prev, consumer)
			}
			seen[m.ID] = consumer
			mu.Unlock()
			n, err := s.XAck("jobs", "workers", m.ID)
			if err != nil || n != 1 {
				t.Errorf("XAck %s: %d, %v", m.ID, n, err)
			}
			if got.Add(1) == total {
				stop()
			}
		}
	}
	var wg sync.WaitGroup
	for i := range 3 {
		name := "w" + strconv.Itoa(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done.Err() == nil {
				if i == 2 {
					v, err := s.DoContext(done, "XREADGROUP", "GROUP", "workers", name, "COUNT", "7", "BLOCK", "0", "STREAMS", "jobs", ">")
					if err != nil {
						if done.Err() == nil {
							t.Errorf("Do: %v", err)
						}
						return
					}
					deliver(name, messagesFromDo(t, v))
					continue
				}
				out, err := s.XReadGroup(done, XReadGroupArgs{Group: "workers", Consumer: name, Streams: []string{"jobs", ">"}, Count: 5, Block: -1})
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						t.Errorf("XReadGroup: %v", err)
					}
					return
				}
				for _, x := range out {
					deliver(name, x.Messages)
				}
			}
		}()
	}
	waitStreamBlocked(t, s, "jobs", 3)
	var producers sync.WaitGroup
	producers.Add(2)
	go func() {
		defer producers.Done()
		for i := range perProducer {
			if _, err := s.XAdd("jobs", XAddArgs{Values: []string{"from", "go", "n", strconv.Itoa(i)}}); err != nil {
				t.Errorf("XAdd: %v", err)
			}
		}
	}()
	go func() {
		defer producers.Done()
		for i := range perProducer {
			if _, err := s.Eval(ctx, "return redis.call('xadd', KEYS[1], '*', 'from', 'lua', 'n', ARGV[1])", []string{"jobs"}, strconv.Itoa(i)); err != nil {
				t.Errorf("Eval: %v", err)
			}
		}
	}()
	producers.Wait()
	wg.Wait()
	require.NoError(t, ctx.Err(), "the consumers did not receive everything in time")
	assert.EqualValues(t, total, got.Load())
	assert.Len(t, seen, total)
	sum, err := s.XPending("jobs", "workers")
	require.NoError(t, err)
	assert.Zero(t, sum.Count)
	groups, err := s.XInfoGroups("jobs")
	require.NoError(t, err)
	assert.Equal(t, XInfoGroup{Name: "workers", Consumers: 3, LastDeliveredID: groups[0].LastDeliveredID, EntriesRead: total, EntriesReadKnown: true, Lag: 0, LagKnown: true}, groups[0])
}

// messagesFromDo takes the entries out of a Do reply to XREADGROUP on one
// stream.
func messagesFromDo(t *testing.T, v any) []XMessage {
	var out []XMessage
	for _, x := range v.([]any) {
		for _, e := range x.([]any)[1].([]any) {
			pair := e.([]any)
			m := XMessage{ID: pair[0].(string)}
			for _, f := range pair[1].([]any) {
				m.Values = append(m.Values, f.(string))
			}
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		t.Errorf("empty reply %v", v)
	}
	return out
}

func ExampleStore_XReadGroup() {
	s, _ := New()
	defer s.Close()
	ctx := context.Background()

	_ = s.XGroupCreateMkStream("jobs", "workers", "$")
	_, _ = s.XAdd("jobs", XAddArgs{ID: "1-1", Values: []string{"task", "resize"}})
	_, _ = s.XAdd("jobs", XAddArgs{ID: "2-1", Values: []string{"task", "email"}})

	// A worker takes what no one in the group has taken yet.
	out, _ := s.XReadGroup(ctx, XReadGroupArgs{Group: "workers", Consumer: "w1", Streams: []string{"jobs", ">"}, Count: 1})
	fmt.Println(out[0].Messages[0].ID, out[0].Messages[0].Values)

	// Until it acknowledges, the entry is pending.
	sum, _ := s.XPending("jobs", "workers")
	fmt.Println(sum.Count, sum.Consumers)
	_, _ = s.XAck("jobs", "workers", "1-1")

	// Another worker waits for the next entry, at most a second.
	out, _ = s.XReadGroup(ctx, XReadGroupArgs{Group: "workers", Consumer: "w2", Streams: []string{"jobs", ">"}, Block: time.Second})
	fmt.Println(out[0].Messages[0].ID, out[0].Messages[0].Values)

	groups, _ := s.XInfoGroups("jobs")
	fmt.Println(groups[0].Name, groups[0].Pending, groups[0].Lag)
	// Output:
	// 1-1 [task resize]
	// 1 [{w1 1}]
	// 2-1 [task email]
	// workers 1 0
}

func ExampleStore_XAutoClaim() {
	s, _ := New()
	defer s.Close()
	ctx := context.Background()
	_ = s.XGroupCreateMkStream("jobs", "workers", "0")
	_, _ = s.XAdd("jobs", XAddArgs{ID: "1-1", Values: []string{"task", "resize"}})
	_, _ = s.XReadGroup(ctx, XReadGroupArgs{Group: "workers", Consumer: "crashed", Streams: []string{"jobs", ">"}})

	// An hour later another worker takes over what was left pending.
	s.FastForward(time.Hour)
	msgs, next, _, _ := s.XAutoClaim(XAutoClaimArgs{Stream: "jobs", Group: "workers", Consumer: "rescuer", MinIdle: time.Minute, Start: "0"})
	fmt.Println(msgs, next)
	// Output:
	// [{1-1 [task resize]}] 0-0
}

func TestAppendStreamID(t *testing.T) {
	for _, id := range []types.StreamID{{}, {Ms: 9, Seq: 10}, {Ms: 10, Seq: 9}, {Ms: 1234567890123, Seq: 99}, types.MaxStreamID} {
		assert.Equal(t, id.String(), string(appendStreamID([]byte("x"), id))[1:])
	}
	ms := toMessages([]types.StreamEntry{{ID: types.StreamID{Ms: 1, Seq: 2}, Fields: []string{"a", "b"}}, {ID: types.MaxStreamID, Fields: []string{"c", "d"}}})
	assert.Equal(t, []XMessage{{ID: "1-2", Values: []string{"a", "b"}}, {ID: "18446744073709551615-18446744073709551615", Values: []string{"c", "d"}}}, ms)
}
