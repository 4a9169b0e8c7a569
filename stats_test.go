package racefree

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racefree/racefree/internal/difftest"
	"github.com/racefree/racefree/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statSnapshot is what INFO stats, commandstats and errorstats report that
// racefree counts as Redis does.
type statSnapshot struct {
	fields map[string]int64    // keyspace_hits, keyspace_misses, total_error_replies, total_commands_processed
	cmds   map[string][3]int64 // calls, rejected_calls, failed_calls by command
	errs   map[string]int64    // count by error code
}

func parseStats(text string) statSnapshot {
	s := statSnapshot{fields: map[string]int64{}, cmds: map[string][3]int64{}, errs: map[string]int64{}}
	for _, line := range strings.Split(text, "\r\n") {
		name, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch {
		case name == "keyspace_hits" || name == "keyspace_misses" || name == "total_error_replies" || name == "total_commands_processed":
			s.fields[name], _ = strconv.ParseInt(val, 10, 64)
		case strings.HasPrefix(name, "cmdstat_"):
			var c [3]int64
			for _, kv := range strings.Split(val, ",") {
				k, v, _ := strings.Cut(kv, "=")
				n, _ := strconv.ParseInt(v, 10, 64)
				switch k {
				case "calls":
					c[0] = n
				case "rejected_calls":
					c[1] = n
				case "failed_calls":
					c[2] = n
				}
			}
			s.cmds[strings.TrimPrefix(name, "cmdstat_")] = c
		case strings.HasPrefix(name, "errorstat_"):
			n, _ := strconv.ParseInt(strings.TrimPrefix(val, "count="), 10, 64)
			s.errs[strings.TrimPrefix(name, "errorstat_")] = n
		}
	}
	return s
}

// statDelta describes what changed from a to b, one "name:+n" per counter
// that moved, sorted.
func statDelta(a, b statSnapshot) string {
	var out []string
	for name, v := range b.fields {
		if d := v - a.fields[name]; d != 0 {
			out = append(out, fmt.Sprintf("%s:%+d", name, d))
		}
	}
	for name, v := range b.cmds {
		w := a.cmds[name]
		for i, label := range []string{"calls", "rejected", "failed"} {
			if d := v[i] - w[i]; d != 0 {
				out = append(out, fmt.Sprintf("%s.%s:%+d", name, label, d))
			}
		}
	}
	for code, v := range b.errs {
		if d := v - a.errs[code]; d != 0 {
			out = append(out, fmt.Sprintf("err.%s:%+d", code, d))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// dropStats removes the counters named from a statDelta.
func dropStats(delta string, names ...string) string {
	var keep []string
	for _, f := range strings.Fields(delta) {
		name, _, _ := strings.Cut(f, ":")
		if !slices.Contains(names, name) {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// statsUnlike are the commands whose counts are allowed to differ from
// Redis's in TestStatsMatchRedisOnCases, with why.
var statsUnlike = map[string]string{
	"debug":      "racefree's DEBUG OBJECT looks the key up as OBJECT does",
	"migrate":    "racefree's MIGRATE refuses without looking the keys up",
	"spop":       "Redis counts a hit when SPOP's count takes the whole set",
	"xautoclaim": "racefree checks the arguments before it looks the key up",
}

// statsSkipCases (and the cases about client tracking and MONITOR, which
// sees the INFO calls) are cases whose live replies interleave with pushes,
// so that the per-line INFO comparison loses track.
var statsSkipCases = map[string]bool{"client tracking in RESP3 with noloop": true}

// TestStatsMatchRedisOnCases runs every differential case on the live
// server and a Store and compares, command by command, how the counters
// INFO reports moved: keyspace hits and misses, error replies by code,
// commands processed, and calls, rejected and failed calls per command.
func TestStatsMatchRedisOnCases(t *testing.T) {
	needRedis(t)
	info := []string{"INFO", "stats", "commandstats", "errorstats"}
	mismatches := map[string]int{}
	for _, path := range diffFiles(t) {
		cases, err := difftest.ParseFile(path)
		require.NoError(t, err)
		file := strings.TrimSuffix(filepath.Base(path), ".txt")
		live := dialLive(t)
		s := newTestStore(t)
		// INFO goes through other connections: the case's may be in MULTI
		// or subscribed.
		liveInfo, storeInfo := dialLive(t), &storeConn{s: s}
		for _, c := range cases {
			if statsSkipCases[c.Name] || strings.Contains(c.Name, "tracking") || strings.Contains(c.Name, "monitor") {
				continue
			}
			st := &storeConn{s: s}
			resetBoth(t, live, st)
			liveBefore, storeBefore := parseStats(liveInfo.do(t, info...).Str), parseStats(storeInfo.do(info...).Str)
			for _, l := range c.Lines {
				if l.Args[0] == "!sleep" {
					ms, _ := strconv.Atoi(l.Args[1])
					time.Sleep(time.Duration(ms) * time.Millisecond)
					continue
				}
				if l.Mode == "scanall" || strings.EqualFold(l.Args[0], "quit") {
					continue
				}
				if len(l.Args) == 2 && strings.EqualFold(l.Args[0], "config") && strings.EqualFold(l.Args[1], "resetstat") {
					continue // compared in TestStatsResetMatchesRedis
				}
				live.do(t, l.Args...)
				st.do(l.Args...)
				liveAfter, storeAfter := parseStats(liveInfo.do(t, info...).Str), parseStats(storeInfo.do(info...).Str)
				want, got := statDelta(liveBefore, liveAfter), statDelta(storeBefore, storeAfter)
				if strings.Contains(want, "time.calls") {
					// A script that calls TIME until time passes: how often
					// depends on the speed of each side.
					want, got = dropStats(want, "time.calls", "total_commands_processed"), dropStats(got, "time.calls", "total_commands_processed")
				}
				liveBefore, storeBefore = liveAfter, storeAfter
				if want == got {
					continue
				}
				name := strings.ToLower(l.Args[0])
				if _, ok := statsUnlike[name]; ok {
					continue
				}
				mismatches[name]++
				if mismatches[name] <= 3 {
					t.Errorf("%s:%d (%s): %s\nredis-server: %s\nracefree:     %s", file, l.LineNo, c.Name, quoteArgs(l.Args), want, got)
				}
			}
		}
	}
	if len(mismatches) > 0 {
		names := slices.Sorted(maps.Keys(mismatches))
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, " %s:%d", n, mismatches[n])
		}
		t.Errorf("mismatching lines by command:%s", b.String())
	}
}

// TestXReadGroupWokenBySwapDBAndExpiry checks what redis-server 7.0.15
// replies to an XREADGROUP BLOCK caller when SWAPDB or the background expiry
// takes its stream away: UNBLOCKED when no stream is left, NOGROUP when the
// stream swapped in has no such group, its entries when it has the group
// and entries past its last delivered ID.
func TestXReadGroupWokenBySwapDBAndExpiry(t *testing.T) {
	ctx := context.Background()
	block := func(s *Store) chan error {
		errs := make(chan error, 1)
		go func() {
			_, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Block: -1})
			errs <- err
		}()
		waitStreamBlocked(t, s, "s", 1)
		return errs
	}

	t.Run("swapdb with an empty database", func(t *testing.T) {
		s := newTestStore(t)
		require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))
		errs := block(s)
		require.NoError(t, s.SwapDB(0, 1))
		err := <-errs
		assert.ErrorIs(t, err, ErrStreamDeleted)
		assert.EqualError(t, err, "UNBLOCKED the stream key no longer exists")
	})

	t.Run("swapdb brings a stream without the group", func(t *testing.T) {
		s := newTestStore(t)
		require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))
		_, err := s.DB(1).XAdd("s", XAddArgs{ID: "5-1", Values: []string{"f", "v"}})
		require.NoError(t, err)
		errs := block(s)
		_, err = s.Do("SWAPDB", "0", "1")
		require.NoError(t, err)
		err = <-errs
		assert.ErrorIs(t, err, ErrNoGroup)
		assert.EqualError(t, err, "NOGROUP the consumer group this client was blocked on no longer exists")
	})

	t.Run("swapdb brings new entries for the group", func(t *testing.T) {
		s := newTestStore(t)
		require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))
		require.NoError(t, s.DB(1).XGroupCreateMkStream("s", "g", "$"))
		_, err := s.DB(1).XAdd("s", XAddArgs{ID: "1-1", Values: []string{"f", "v"}})
		require.NoError(t, err)
		res := make(chan []XStream, 1)
		go func() {
			out, err := s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Block: -1})
			assert.NoError(t, err)
			res <- out
		}()
		waitStreamBlocked(t, s, "s", 1)
		require.NoError(t, s.SwapDB(1, 0))
		out := <-res
		require.Len(t, out, 1)
		require.Len(t, out[0].Messages, 1)
		assert.Equal(t, "1-1", out[0].Messages[0].ID)
		assert.Equal(t, []string{"f", "v"}, out[0].Messages[0].Values)
	})

	t.Run("background expiry", func(t *testing.T) {
		s := newTestStore(t, WithExpireInterval(5*time.Millisecond))
		require.NoError(t, s.XGroupCreateMkStream("s", "g", "$"))
		errs := block(s)
		before, err := s.Info("stats")
		require.NoError(t, err)
		require.Contains(t, before, "\r\nexpired_keys:0\r\n")
		_, err = s.PExpire("s", 20*time.Millisecond)
		require.NoError(t, err)
		select {
		case err := <-errs:
			assert.ErrorIs(t, err, ErrStreamDeleted)
			assert.EqualError(t, err, "UNBLOCKED the stream key no longer exists")
		case <-time.After(5 * time.Second):
			t.Fatal("the sweep did not wake the blocked XREADGROUP")
		}
		after, err := s.Info("stats")
		require.NoError(t, err)
		assert.Contains(t, after, "\r\nexpired_keys:1\r\n")
	})

	t.Run("xread stays blocked", func(t *testing.T) {
		// XREAD waits for a stream to come, not for its group: SWAPDB
		// taking the key away does not end the wait.
		s := newTestStore(t)
		_, err := s.XAdd("s", XAddArgs{ID: "1-1", Values: []string{"f", "v"}})
		require.NoError(t, err)
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := s.DoContext(cctx, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
			done <- err
		}()
		waitStreamBlocked(t, s, "s", 1)
		require.NoError(t, s.SwapDB(0, 1))
		assert.ErrorIs(t, <-done, context.DeadlineExceeded)
	})
}

func TestInfoStatsCounters(t *testing.T) {
	s := newTestStore(t)
	stats := func() statSnapshot {
		t.Helper()
		text, err := s.Info("stats", "commandstats", "errorstats")
		require.NoError(t, err)
		return parseStats(text)
	}

	// The typed API counts keyspace hits and misses for reads only.
	_, ok, err := s.Get("k")
	require.NoError(t, err)
	require.False(t, ok)
	require.NoError(t, s.Set("k", "v", time.Minute))
	_, _, _ = s.Get("k")
	n, err := s.Exists("k", "nokey")
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	got := stats()
	assert.EqualValues(t, 2, got.fields["keyspace_hits"])
	assert.EqualValues(t, 2, got.fields["keyspace_misses"])
	assert.Empty(t, got.cmds, "the typed API is not in commandstats")

	// An expired key found by a read counts as expired and missed.
	s.FastForward(2 * time.Minute)
	_, ok, _ = s.Get("k")
	require.False(t, ok)
	text, _ := s.Info("stats")
	assert.Contains(t, text, "\r\nexpired_keys:1\r\n")
	assert.EqualValues(t, 3, stats().fields["keyspace_misses"])

	// Do goes through the command table: calls, rejected and failed calls,
	// error replies by code.
	_, err = s.Do("SET", "s", "x")
	require.NoError(t, err)
	_, err = s.Do("GET", "s")
	require.NoError(t, err)
	_, err = s.Do("GET")
	require.Error(t, err)
	_, err = s.Do("INCR", "s")
	require.Error(t, err)
	_, err = s.Do("LPUSH", "s", "a")
	require.ErrorIs(t, err, ErrWrongType)
	got = stats()
	assert.Equal(t, [3]int64{1, 1, 0}, got.cmds["get"])
	assert.Equal(t, [3]int64{1, 0, 1}, got.cmds["incr"])
	assert.Equal(t, [3]int64{1, 0, 1}, got.cmds["lpush"])
	assert.Equal(t, [3]int64{1, 0, 0}, got.cmds["set"])
	assert.Equal(t, map[string]int64{"ERR": 2, "WRONGTYPE": 1}, got.errs)
	assert.EqualValues(t, 3, got.fields["total_error_replies"])
	assert.EqualValues(t, 4, got.fields["total_commands_processed"])
	text, _ = s.Info("latencystats")
	assert.Contains(t, text, "latency_percentiles_usec_get:p50=0.000,p99=0.000,p99.9=0.000\r\n")

	// A script's commands count; an error it passes on counts once, as a
	// failed call of the script.
	_, err = s.Eval(context.Background(), "return redis.call('incr', KEYS[1])", []string{"s"})
	require.Error(t, err)
	got = stats()
	assert.Equal(t, [3]int64{2, 0, 2}, got.cmds["incr"])
	assert.Equal(t, [3]int64{1, 0, 1}, got.cmds["eval"])
	assert.EqualValues(t, 4, got.fields["total_error_replies"])

	// CONFIG RESETSTAT starts over; it counts itself.
	_, err = s.Do("CONFIG", "RESETSTAT")
	require.NoError(t, err)
	got = stats()
	assert.Equal(t, map[string][3]int64{"config|resetstat": {1, 0, 0}}, got.cmds)
	assert.Empty(t, got.errs)
	for _, f := range []string{"keyspace_hits", "keyspace_misses", "total_error_replies"} {
		assert.Zero(t, got.fields[f], f)
	}
	assert.EqualValues(t, 1, got.fields["total_commands_processed"])
	text, _ = s.Info("stats")
	assert.Contains(t, text, "\r\nexpired_keys:0\r\n")
}

// TestStatsResetMatchesRedis compares INFO errorstats and the counts of
// commandstats after CONFIG RESETSTAT and a few commands with the live
// server's.
func TestStatsResetMatchesRedis(t *testing.T) {
	live := dialLive(t)
	st := &storeConn{s: newTestStore(t)}
	resetBoth(t, live, st)
	for _, args := range [][]string{
		{"SET", "a", "1"}, {"CONFIG", "RESETSTAT"}, {"GET", "a"}, {"GET", "b"}, {"GET"},
		{"HSET", "a", "f", "v"}, {"EVAL", "return redis.pcall('hget', KEYS[1], 'f')", "1", "a"},
	} {
		live.do(t, args...)
		st.do(args...)
	}
	info := []string{"INFO", "stats", "commandstats", "errorstats"}
	want, got := parseStats(live.do(t, info...).Str), parseStats(st.do(info...).Str)
	assert.Equal(t, want.cmds, got.cmds)
	assert.Equal(t, want.errs, got.errs)
	assert.Equal(t, want.fields, got.fields)
}

// TestHandlerPanicBecomesError checks that a handler that panics gets an
// error reply and leaves the store usable.
func TestHandlerPanicBecomesError(t *testing.T) {
	s := newTestStore(t)
	s.mu.Lock()
	c := s.getCall()
	var b resp.Builder
	c.db, c.args, c.w = s.dbs[0], []string{"boom"}, &b
	s.runHandler(c, &command{name: "boom", run: func(*call) { panic("index out of range") }})
	s.putCall(c)
	s.mu.Unlock()
	if got := b.Value(); got.Kind != resp.KindError || !strings.Contains(got.Str, "racefree internal error in 'boom': index out of range") {
		t.Fatalf("reply %v", got)
	}
	if err := s.Set("k", "v", 0); err != nil {
		t.Fatalf("the store after a panic: %v", err)
	}
}
