package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/racefree/racefree/internal/redistest"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

// needTool returns the path of a redis-tools program, skipping the test when
// it is missing (and failing it under CI=true).
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (Debian package redis-tools), required under CI=true", name)
		}
		t.Skipf("%s not installed (Debian package redis-tools)", name)
	}
	return p
}

// runTool runs a redis-tools program against addr with args and stdin and
// returns its combined output and exit code.
func runTool(t *testing.T, bin, addr, stdin string, args ...string) (string, int) {
	t.Helper()
	host, port, _ := strings.Cut(addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"-h", host, "-p", port}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err, "%s %v: %s", bin, args, out)
	}
	return string(out), code
}

// TestRedisCLIMatchesRedis runs the same redis-cli invocations against
// racefree-server and the live redis-server and compares what redis-cli
// prints: replies as people see them on RESP2 and RESP3, errors, --pipe,
// -x, -r, --eval and --scan.
func TestRedisCLIMatchesRedis(t *testing.T) {
	cli := needTool(t, "redis-cli")
	redistest.Need(t)
	addr, _, _ := startInProcess(t)
	script := filepath.Join(t.TempDir(), "script.lua")
	require.NoError(t, os.WriteFile(script, []byte("redis.call('SET', KEYS[1], ARGV[1]); return {KEYS[1], ARGV[1], redis.call('STRLEN', KEYS[1])}"), 0o644))
	var mass strings.Builder
	for i := range 500 {
		v := strconv.Itoa(i)
		mass.WriteString("*3\r\n$5\r\nRPUSH\r\n$4\r\nmass\r\n$" + strconv.Itoa(len(v)) + "\r\n" + v + "\r\n")
	}
	steps := []struct {
		stdin  string
		sorted bool // compare the output lines as a set
		args   []string
	}{
		{args: []string{"FLUSHALL"}},
		{args: []string{"PING"}},
		{args: []string{"SET", "greeting", "hello world"}},
		{args: []string{"GET", "greeting"}},
		{args: []string{"--no-raw", "GET", "greeting"}},
		{args: []string{"GET", "missing"}},
		{args: []string{"--no-raw", "GET", "missing"}},
		{args: []string{"INCR", "greeting"}},
		{args: []string{"--no-raw", "INCR", "greeting"}},
		{args: []string{"NOSUCH", "command"}},
		{args: []string{"HSET", "h", "a", "1", "b", "2"}},
		{args: []string{"HGETALL", "h"}},
		{args: []string{"-3", "HGETALL", "h"}},
		{args: []string{"-3", "--no-raw", "HGETALL", "h"}},
		{args: []string{"--no-raw", "HGETALL", "h"}},
		{args: []string{"ZADD", "z", "1.5", "a", "2", "b"}},
		{args: []string{"-3", "--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES"}},
		{args: []string{"--no-raw", "ZSCORE", "z", "a"}},
		{args: []string{"-3", "--no-raw", "ZSCORE", "z", "a"}},
		{args: []string{"SADD", "s", "x", "y"}},
		{args: []string{"-3", "--no-raw", "SISMEMBER", "s", "x"}},
		{args: []string{"EVAL", "return {1, 'two', {3, 'four'}, redis.status_reply('FINE')}", "0"}},
		{args: []string{"--no-raw", "EVAL", "return {1, 'two', {3, 'four'}, redis.status_reply('FINE')}", "0"}},
		{args: []string{"-3", "--no-raw", "EVAL", "redis.setresp(3); return {double = 3.5}", "0"}},
		{args: []string{"-3", "--no-raw", "EVAL", "return redis.error_reply('MY oops')", "0"}},
		{args: []string{"--eval", script, "fromlua", ",", "value"}},
		{stdin: "from stdin", args: []string{"-x", "SET", "stdin"}},
		{args: []string{"GET", "stdin"}},
		{args: []string{"-r", "3", "INCR", "counter"}},
		{stdin: mass.String(), args: []string{"--pipe"}},
		{args: []string{"LLEN", "mass"}},
		{args: []string{"LRANGE", "mass", "0", "3"}},
		{sorted: true, args: []string{"--scan"}},
		{sorted: true, args: []string{"--scan", "--pattern", "g*"}},
		{args: []string{"DBSIZE"}},
		{args: []string{"-n", "3", "SET", "in3", "x"}},
		{args: []string{"-n", "3", "DBSIZE"}},
		{args: []string{"DEL", "h", "z", "s"}},
	}
	for _, st := range steps {
		want, wantCode := runTool(t, cli, redistest.Addr(), st.stdin, st.args...)
		got, gotCode := runTool(t, cli, addr, st.stdin, st.args...)
		if st.sorted {
			want, got = sortLines(want), sortLines(got)
		}
		assert.Equal(t, want, got, "redis-cli %q", st.args)
		assert.Equal(t, wantCode, gotCode, "exit code of redis-cli %q", st.args)
	}
}

// TestRedisBenchmark runs redis-benchmark's standard tests against
// racefree-server, plain, pipelined and on RESP3, and checks each reports
// a rate and no error.
func TestRedisBenchmark(t *testing.T) {
	if testing.Short() {
		t.Skip("runs redis-benchmark; skipped with -short")
	}
	bench := needTool(t, "redis-benchmark")
	addr, _, _ := startInProcess(t)
	tests := "ping_inline,ping_mbulk,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,mset"
	rate := regexp.MustCompile(`^"?([A-Z_a-z0-9 ()]+)"?[:,] ?"?([0-9.]+)`)
	for _, extra := range [][]string{nil, {"-P", "16"}, {"-3"}, {"-c", "8", "--threads", "2"}} {
		args := append([]string{"-t", tests, "-n", "2000", "-r", "100", "-q"}, extra...)
		out, code := runTool(t, bench, addr, "", args...)
		require.Equal(t, 0, code, "redis-benchmark %v: %s", extra, out)
		assert.NotContains(t, strings.ToLower(out), "error", "redis-benchmark %v: %s", extra, out)
		var names []string
		for line := range strings.SplitSeq(out, "\n") {
			line = strings.TrimSpace(line[strings.LastIndexByte(line, '\r')+1:])
			if m := rate.FindStringSubmatch(line); m != nil && strings.Contains(line, "requests per second") {
				names = append(names, m[1])
			}
		}
		assert.Len(t, names, 17, "redis-benchmark %v reported %q:\n%s", extra, names, out)
	}
}

func sortLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
