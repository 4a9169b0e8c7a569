package racefree

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name:      "streams",
		commands:  []string{"xadd", "xlen", "xrange", "xrevrange", "xdel", "xtrim", "xread", "xsetid"},
		templates: streamTemplates,
	})
}

// streamID draws an explicit ID from a small range, so that IDs collide,
// with now and then a malformed one.
func streamID(r *rand.Rand) string {
	switch r.IntN(20) {
	case 0:
		return pick(r, []string{"x", "-", "+", "0-0", "1-*", "", "(1", "18446744073709551615-18446744073709551615"})
	case 1:
		return strconv.Itoa(r.IntN(30))
	}
	return strconv.Itoa(r.IntN(30)) + "-" + strconv.Itoa(r.IntN(4))
}

func streamBound(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		return "-"
	case 1:
		return "+"
	case 2:
		return "(" + streamID(r)
	}
	return streamID(r)
}

func streamTrimOpts(r *rand.Rand) []string {
	var args []string
	switch r.IntN(4) {
	case 0:
		args = append(args, "MAXLEN")
	case 1:
		args = append(args, "MINID")
	default:
		return nil
	}
	op := pick(r, []string{"", "=", "~"})
	if op != "" {
		args = append(args, op)
	}
	if args[0] == "MAXLEN" {
		args = append(args, pick(r, []string{"0", "1", "2", "5", "50", "-1", "x"}))
	} else {
		args = append(args, streamID(r))
	}
	if r.IntN(4) == 0 {
		args = append(args, "LIMIT", pick(r, []string{"0", "1", "100", "-1"}))
	}
	return args
}

var streamTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		args := []string{"XADD", pick(r, randomKeys)}
		if r.IntN(8) == 0 {
			args = append(args, "NOMKSTREAM")
		}
		args = append(args, streamTrimOpts(r)...)
		args = append(args, streamID(r))
		for range 1 + r.IntN(2) {
			args = append(args, pick(r, randomFields), pick(r, randomValues))
		}
		if r.IntN(20) == 0 {
			args = args[:len(args)-1]
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"EVAL", "for i=1,tonumber(ARGV[2]) do redis.pcall('xadd', KEYS[1], (ARGV[1]+i)..'-*', 'f', i) end return redis.pcall('xlen', KEYS[1])",
			"1", pick(r, randomKeys), pick(r, []string{"0", "10", "100", "1000"}), pick(r, []string{"50", "120", "250"})}
	}},
	{make: func(r *rand.Rand) []string { return []string{"XLEN", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		args := []string{pick(r, []string{"XRANGE", "XREVRANGE"}), pick(r, randomKeys), streamBound(r), streamBound(r)}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", pick(r, []string{"0", "1", "2", "10", "-1"}))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"XDEL", pick(r, randomKeys)}
		for range 1 + r.IntN(3) {
			args = append(args, streamID(r))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"XTRIM", pick(r, randomKeys)}, streamTrimOpts(r)...)
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"XREAD"}
		if r.IntN(3) == 0 {
			args = append(args, "COUNT", pick(r, []string{"0", "1", "3"}))
		}
		args = append(args, "STREAMS")
		n := 1 + r.IntN(2)
		for range n {
			args = append(args, pick(r, randomKeys))
		}
		for range n {
			if r.IntN(4) == 0 {
				args = append(args, "$")
			} else {
				args = append(args, streamID(r))
			}
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"XSETID", pick(r, randomKeys), streamID(r)}
		if r.IntN(3) == 0 {
			args = append(args, "ENTRIESADDED", pick(r, []string{"0", "1", "100", "-1"}))
		}
		if r.IntN(3) == 0 {
			args = append(args, "MAXDELETEDID", streamID(r))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string { return []string{"SET", pick(r, randomKeys), "x"} }},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, randomKeys)} }},
}

func TestStreamTyped(t *testing.T) {
	s := newTestStore(t)

	n, err := s.XLen("s")
	require.NoError(t, err)
	assert.Zero(t, n)
	ms, err := s.XRange("s", "-", "+")
	require.NoError(t, err)
	assert.Empty(t, ms)

	id, err := s.XAdd("s", XAddArgs{NoMkStream: true, ID: "1-1", Values: []string{"a", "1"}})
	require.NoError(t, err)
	assert.Equal(t, "", id)

	for i := 1; i <= 5; i++ {
		id, err := s.XAdd("s", XAddArgs{ID: strconv.Itoa(i) + "-*", Values: []string{"f", strconv.Itoa(i)}})
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(i)+"-0", id)
	}
	_, err = s.XAdd("s", XAddArgs{ID: "3-0", Values: []string{"f", "v"}})
	assert.ErrorIs(t, err, ErrStreamIDTooSmall)
	_, err = s.XAdd("s", XAddArgs{ID: "bad", Values: []string{"f", "v"}})
	assert.ErrorIs(t, err, ErrStreamID)
	_, err = s.XAdd("s", XAddArgs{ID: "0-0", Values: []string{"f", "v"}})
	assert.ErrorIs(t, err, ErrStreamIDZero)
	_, err = s.XAdd("s", XAddArgs{ID: "9-0"})
	assert.ErrorIs(t, err, ErrWrongArity)

	n, err = s.XLen("s")
	require.NoError(t, err)
	assert.EqualValues(t, 5, n)

	ms, err = s.XRange("s", "(2", "4")
	require.NoError(t, err)
	assert.Equal(t, []XMessage{{ID: "3-0", Values: []string{"f", "3"}}, {ID: "4-0", Values: []string{"f", "4"}}}, ms)
	ms, err = s.XRangeN("s", "-", "+", 2)
	require.NoError(t, err)
	assert.Len(t, ms, 2)
	ms, err = s.XRevRange("s", "+", "-")
	require.NoError(t, err)
	require.Len(t, ms, 5)
	assert.Equal(t, "5-0", ms[0].ID)
	ms, err = s.XRevRangeN("s", "+", "(1", 1)
	require.NoError(t, err)
	assert.Equal(t, []XMessage{{ID: "5-0", Values: []string{"f", "5"}}}, ms)
	_, err = s.XRange("s", "x", "+")
	assert.ErrorIs(t, err, ErrStreamID)

	// The typed method and Do agree.
	got, err := s.Do("XRANGE", "s", "-", "+", "COUNT", "1")
	require.NoError(t, err)
	assert.Equal(t, []any{[]any{"1-0", []any{"f", "1"}}}, got)

	d, err := s.XDel("s", "1-0", "9-9")
	require.NoError(t, err)
	assert.EqualValues(t, 1, d)
	d, err = s.XTrimMaxLen("s", 3)
	require.NoError(t, err)
	assert.EqualValues(t, 1, d)
	d, err = s.XTrimMinID("s", "4")
	require.NoError(t, err)
	assert.EqualValues(t, 1, d)
	d, err = s.XTrimMaxLenApprox("s", 0, 0)
	require.NoError(t, err)
	assert.EqualValues(t, 2, d)
	d, err = s.XTrimMinIDApprox("nokey", "5", 10)
	require.NoError(t, err)
	assert.Zero(t, d)

	require.NoError(t, s.XSetID("s", "10-0", XSetIDArgs{SetEntriesAdded: true, EntriesAdded: 7, MaxDeletedID: "4-0"}))
	assert.ErrorIs(t, s.XSetID("nokey", "1", XSetIDArgs{}), ErrNoSuchKey)
	_, err = s.XAdd("s", XAddArgs{ID: "10-0", Values: []string{"f", "v"}})
	assert.ErrorIs(t, err, ErrStreamIDTooSmall)

	// Approximate trimming removes whole nodes of 100 entries.
	for i := 1; i <= 250; i++ {
		_, err := s.XAdd("big", XAddArgs{ID: strconv.Itoa(i), Values: []string{"f", "v"}})
		require.NoError(t, err)
	}
	id, err = s.XAdd("big", XAddArgs{MaxLen: 120, Approx: true, Values: []string{"f", "v"}})
	require.NoError(t, err)
	assert.NotEmpty(t, id)
	n, err = s.XLen("big")
	require.NoError(t, err)
	assert.EqualValues(t, 151, n)

	// Wrong types.
	require.NoError(t, s.Set("str", "x", 0))
	_, err = s.XLen("str")
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.XAdd("str", XAddArgs{Values: []string{"f", "v"}})
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.XRead(context.Background(), XReadArgs{Streams: []string{"str", "0"}})
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.XRead(context.Background(), XReadArgs{Streams: []string{"str"}})
	assert.ErrorIs(t, err, ErrXReadUnbalanced)

	typ, err := s.Type("s")
	require.NoError(t, err)
	assert.Equal(t, "stream", typ)
}

func TestStreamAutoIDsUseTheStoreClock(t *testing.T) {
	s := newTestStore(t)
	s.SetTime(time.UnixMilli(1_000_000))
	id, err := s.XAdd("s", XAddArgs{Values: []string{"f", "v"}})
	require.NoError(t, err)
	assert.Regexp(t, `^100000\d-0$`, id)
	// Inside a script the clock stands still: the sequence counts up.
	got, err := s.Eval(context.Background(), "local a = redis.call('xadd', KEYS[1], '*', 'f', 'v') local b = redis.call('xadd', KEYS[1], '*', 'f', 'v') return {a, b}", []string{"t"})
	require.NoError(t, err)
	ids := got.([]any)
	ms, _, _ := stringsCut(ids[0].(string))
	assert.Equal(t, ms+"-1", ids[1])
}

func stringsCut(id string) (string, string, bool) {
	for i := range id {
		if id[i] == '-' {
			return id[:i], id[i+1:], true
		}
	}
	return id, "", false
}

func TestStreamXReadNonBlocking(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	out, err := s.XRead(ctx, XReadArgs{Streams: []string{"s", "0"}})
	require.NoError(t, err)
	assert.Nil(t, out)
	_, err = s.XAdd("s", XAddArgs{ID: "1-1", Values: []string{"a", "b"}})
	require.NoError(t, err)
	_, err = s.XAdd("t", XAddArgs{ID: "2-1", Values: []string{"c", "d"}})
	require.NoError(t, err)
	out, err = s.XRead(ctx, XReadArgs{Streams: []string{"s", "t", "0", "$"}})
	require.NoError(t, err)
	assert.Equal(t, []XStream{{Stream: "s", Messages: []XMessage{{ID: "1-1", Values: []string{"a", "b"}}}}}, out)
	start := time.Now()
	out, err = s.XRead(ctx, XReadArgs{Streams: []string{"s", "$"}, Block: 20 * time.Millisecond})
	require.NoError(t, err)
	assert.Nil(t, out)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)

	// Inside a transaction XRead does not wait.
	err = s.View(func(tx *Tx) error {
		out, err := tx.XRead(ctx, XReadArgs{Streams: []string{"s", "$"}, Block: -1})
		assert.Nil(t, out)
		return err
	})
	require.NoError(t, err)

	// A cancelled context ends the wait.
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err = s.XRead(cctx, XReadArgs{Streams: []string{"s", "$"}, Block: -1})
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
}

func TestStreamXReadBlockWokenByXAddAndScript(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	_, err := s.XAdd("s", XAddArgs{ID: "1-1", Values: []string{"a", "b"}})
	require.NoError(t, err)

	for _, wake := range []func() error{
		func() error {
			_, err := s.XAdd("s", XAddArgs{Values: []string{"from", "go"}})
			return err
		},
		func() error {
			_, err := s.Eval(ctx, "return redis.call('xadd', KEYS[1], '*', 'from', 'lua')", []string{"s"})
			return err
		},
	} {
		var wg sync.WaitGroup
		results := make(chan []XStream, 2)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := s.XRead(ctx, XReadArgs{Streams: []string{"other", "s", "0", "$"}, Block: 5 * time.Second})
				assert.NoError(t, err)
				results <- out
			}()
		}
		// Wait until both readers are blocked.
		require.Eventually(t, func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			return len(s.waiters[blockKey{0, "s"}]) == 2
		}, 5*time.Second, time.Millisecond)
		require.NoError(t, wake())
		wg.Wait()
		close(results)
		for out := range results {
			require.Len(t, out, 1)
			assert.Equal(t, "s", out[0].Stream)
			require.Len(t, out[0].Messages, 1)
			assert.Equal(t, "from", out[0].Messages[0].Values[0])
		}
	}

	// Do waits the same way.
	done := make(chan any)
	go func() {
		v, err := s.DoContext(ctx, "XREAD", "BLOCK", "0", "STREAMS", "new", "$")
		assert.NoError(t, err)
		done <- v
	}()
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.waiters[blockKey{0, "new"}]) == 1
	}, 5*time.Second, time.Millisecond)
	_, err = s.XAdd("new", XAddArgs{ID: "7-7", Values: []string{"k", "v"}})
	require.NoError(t, err)
	assert.Equal(t, []any{[]any{"new", []any{[]any{"7-7", []any{"k", "v"}}}}}, <-done)

	// Inside a script BLOCK is refused.
	_, err = s.Eval(ctx, "return redis.call('xread', 'BLOCK', 0, 'STREAMS', KEYS[1], '$')", []string{"s"})
	assert.ErrorIs(t, err, ErrXReadBlockInScript)
}

func BenchmarkXAddMaxLenApprox(b *testing.B) {
	s := newTestStore(b)
	args := XAddArgs{MaxLen: 1000, Approx: true, Values: []string{"field", "value"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.XAdd("s", args); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkXRangeCount10At1M(b *testing.B) {
	s := newTestStore(b)
	for i := 1; i <= 1_000_000; i++ {
		if _, err := s.XAdd("s", XAddArgs{ID: strconv.Itoa(i), Values: []string{"f", "v"}}); err != nil {
			b.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ms, err := s.XRangeN("s", strconv.Itoa(1+r.IntN(999_990)), "+", 10)
		if err != nil || len(ms) != 10 {
			b.Fatal(err, len(ms))
		}
	}
}
