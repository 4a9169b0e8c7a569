package racefree

import (
	"strings"
	"testing"

	"github.com/racefree/racefree/resp"
)

// TestCommandTableMatchesRedis checks every table entry against what the live
// server reports in COMMAND INFO: arity, flags and key positions.
func TestCommandTableMatchesRedis(t *testing.T) {
	live := dialLive(t)
	var check func(cmd *command, info resp.Value)
	check = func(cmd *command, info resp.Value) {
		if info.Kind != resp.KindArray || len(info.Elems) < 10 {
			t.Errorf("%s: redis-server has no such command: %v", cmd.name, info)
			return
		}
		if got := info.Elems[0].Str; got != cmd.name {
			t.Errorf("%s: redis-server names it %q", cmd.name, got)
		}
		if got := info.Elems[1].Int; got != int64(cmd.arity) {
			t.Errorf("%s: arity %d, redis-server says %d", cmd.name, cmd.arity, got)
		}
		var want []string
		for _, f := range info.Elems[2].Elems {
			want = append(want, f.Str)
		}
		var have []string
		for _, f := range flagNames {
			if cmd.flags&f.flag != 0 {
				have = append(have, f.name)
			}
		}
		if len(want) != len(have) {
			t.Errorf("%s: flags %v, redis-server says %v", cmd.name, have, want)
		} else {
			for i := range want {
				if want[i] != have[i] {
					t.Errorf("%s: flags %v, redis-server says %v", cmd.name, have, want)
					break
				}
			}
		}
		keys := [3]int64{info.Elems[3].Int, info.Elems[4].Int, info.Elems[5].Int}
		if keys != [3]int64{int64(cmd.firstKey), int64(cmd.lastKey), int64(cmd.step)} {
			t.Errorf("%s: keys %d %d %d, redis-server says %v", cmd.name, cmd.firstKey, cmd.lastKey, cmd.step, keys)
		}
		subs := info.Elems[9].Elems
		if len(subs) != len(cmd.subs) {
			t.Errorf("%s: %d subcommands, redis-server has %d", cmd.name, len(cmd.subs), len(subs))
			return
		}
		for _, s := range subs {
			sub := cmd.subByName.lookup(s.Elems[0].Str[len(cmd.name)+1:])
			if sub == nil {
				t.Errorf("%s: missing subcommand %s", cmd.name, s.Elems[0].Str)
				continue
			}
			check(sub, s)
		}
	}
	for _, cmd := range commandList {
		v := live.do(t, "COMMAND", "INFO", cmd.name)
		if len(v.Elems) != 1 {
			t.Fatalf("COMMAND INFO %s: %v", cmd.name, v)
		}
		check(cmd, v.Elems[0])
	}
}

func TestCommandLookup(t *testing.T) {
	for _, cmd := range commandList {
		for _, name := range []string{cmd.name, strings.ToUpper(cmd.name)} {
			if got := commands.lookup(name); got != cmd {
				t.Errorf("lookup(%q) = %v", name, got)
			}
		}
		for _, sub := range cmd.subs {
			_, name, _ := strings.Cut(sub.name, "|")
			if got := cmd.subByName.lookup(strings.ToUpper(name)); got != sub {
				t.Errorf("lookup(%q) in %s = %v", name, cmd.name, got)
			}
		}
	}
	for _, name := range []string{"", "nosuch", "ge", "gett", "GET ", "object|encoding"} {
		if got := commands.lookup(name); got != nil {
			t.Errorf("lookup(%q) = %s, want nil", name, got.name)
		}
	}
}

func BenchmarkCommandLookup(b *testing.B) {
	for b.Loop() {
		if commands.lookup("GET") == nil || commands.lookup("zrangebyscore") == nil {
			b.Fatal("missing")
		}
	}
}
