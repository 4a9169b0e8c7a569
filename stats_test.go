package racefree

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/racefree/racefree/internal/difftest"
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

// statsUnlike are the commands whose counts are allowed to differ from
// Redis's in TestStatsMatchRedisOnCases, with why.
var statsUnlike = map[string]string{
	"debug":  "DEBUG subcommands racefree does not have",
	"client": "CLIENT LIST/INFO text",
}

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
			st := &storeConn{s: s}
			resetBoth(t, live, st)
			liveBefore, storeBefore := parseStats(liveInfo.do(t, info...).Str), parseStats(storeInfo.do(info...).Str)
			for _, l := range c.Lines {
				if l.Args[0] == "!sleep" || l.Mode == "scanall" || strings.EqualFold(l.Args[0], "quit") {
					continue
				}
				if len(l.Args) == 2 && strings.EqualFold(l.Args[0], "config") && strings.EqualFold(l.Args[1], "resetstat") {
					continue // compared in TestStatsResetMatchesRedis
				}
				live.do(t, l.Args...)
				st.do(l.Args...)
				liveAfter, storeAfter := parseStats(liveInfo.do(t, info...).Str), parseStats(storeInfo.do(info...).Str)
				want, got := statDelta(liveBefore, liveAfter), statDelta(storeBefore, storeAfter)
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
