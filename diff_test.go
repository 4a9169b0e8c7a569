package racefree

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racefree/racefree/internal/difftest"
	"github.com/racefree/racefree/resp"
)

// Differential tests: the same commands go to the live redis-server and to a
// Store, and the replies must be equal. Cases live in testdata/diff/*.txt;
// internal/difftest describes the format and the compare modes, and parses
// the files (package server runs the same cases over the wire).

// diffStats counts what the differential tests compared, for CI to print;
// perFile counts the cases of each case file (scripting.txt holds the
// scripting rules).
var diffStats struct {
	cases, commands int
	perFile         map[string]int
}

func init() {
	testSummaries = append(testSummaries, func() string {
		if diffStats.cases == 0 {
			return ""
		}
		var files []string
		for f, n := range diffStats.perFile {
			files = append(files, fmt.Sprintf("%s %d", f, n))
		}
		slices.Sort(files)
		return fmt.Sprintf("differential: %d cases, %d commands compared with redis-server (cases per file: %s)",
			diffStats.cases, diffStats.commands, strings.Join(files, ", "))
	})
}

// diffLine is one command of a case, as the tests of the root package
// build them.
type diffLine struct {
	lineNo int
	mode   string
	args   []string // for "!sleep", args[0] is "!sleep"
}

func fromDifftest(l difftest.Line) diffLine {
	return diffLine{lineNo: l.LineNo, mode: l.Mode, args: l.Args}
}

func diffFiles(t testing.TB) []string {
	files, err := difftest.Files("testdata/diff")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestDifferential runs every case file against the live server and a Store.
func TestDifferential(t *testing.T) {
	needRedis(t)
	for _, path := range diffFiles(t) {
		cases, err := difftest.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			live := dialLive(t)
			s := newTestStore(t)
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					st := &storeConn{s: s}
					resetBoth(t, live, st)
					for _, l := range c.Lines {
						compareCommand(t, live, st, fromDifftest(l))
					}
					diffStats.cases++
					if diffStats.perFile == nil {
						diffStats.perFile = map[string]int{}
					}
					diffStats.perFile[filepath.Base(path)]++
				})
			}
		})
	}
}

func newTestStore(t testing.TB, opts ...Option) *Store {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// resetBoth resets the connection on both sides (database 0, RESP2, no
// name) and empties every database.
func resetBoth(t testing.TB, live *liveConn, st *storeConn) {
	t.Helper()
	for _, args := range [][]string{{"RESET"}, {"FLUSHALL"}} {
		live.do(t, args...)
		st.do(args...)
	}
}

// compareCommand runs one line on both sides and reports a difference.
func compareCommand(t testing.TB, live *liveConn, st *storeConn, l diffLine) {
	t.Helper()
	if l.args[0] == "!sleep" {
		ms, _ := strconv.Atoi(l.args[1])
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return
	}
	var want, got resp.Value
	if l.mode == "scanall" {
		want = difftest.ScanAll(l.args, func(a []string) resp.Value { return live.do(t, a...) })
		got = difftest.ScanAll(l.args, func(a []string) resp.Value { return st.do(a...) })
	} else {
		want = live.do(t, l.args...)
		got = st.do(l.args...)
	}
	diffStats.commands++
	if msg := difftest.Compare(l.mode, want, got); msg != "" {
		t.Errorf("line %d: %s\n%s\nredis-server:\n%v\nracefree:\n%v", l.lineNo, quoteArgs(l.args), msg, want, got)
	}
}

// compareReplies returns "" when the replies match under mode, or what
// differs.
func compareReplies(mode string, want, got resp.Value) string {
	return difftest.Compare(mode, want, got)
}

// valuesEqual reports whether two replies are the same.
func valuesEqual(a, b resp.Value) bool { return difftest.Equal(a, b) }

// sortedTop sorts the elements of an array in groups of n.
func sortedTop(v resp.Value, n int) resp.Value { return difftest.SortedTop(v, n) }

func quoteArgs(args []string) string { return difftest.QuoteArgs(args) }

// TestEveryCommandHasDiffCases fails when the command table holds a command
// (or subcommand) that no differential case runs.
func TestEveryCommandHasDiffCases(t *testing.T) {
	used := map[string]bool{}
	for _, path := range diffFiles(t) {
		cases, err := difftest.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			for _, l := range c.Lines {
				name := strings.ToLower(l.Args[0])
				used[name] = true
				if len(l.Args) > 1 {
					used[name+"|"+strings.ToLower(l.Args[1])] = true
				}
			}
		}
	}
	for _, random := range randomFamilies {
		for _, name := range random.commands {
			used[name] = true
		}
	}
	for _, cmd := range commandList {
		names := []string{cmd.name}
		if cmd.subs != nil {
			names = names[:0]
			for _, sub := range cmd.subs {
				names = append(names, sub.name)
			}
		}
		for _, name := range names {
			if !used[name] {
				t.Errorf("command %q has no differential case in testdata/diff", name)
			}
		}
	}
}

// Random sequences: each family registers templates that build a random
// command over a small keyspace. TestRandomSequences runs seeded sequences on
// both sides, compares every reply, then compares the whole keyspace.
type randomFamily struct {
	name      string
	commands  []string // lower-case names the templates use, for the coverage check
	templates []randomTemplate
}

// randomTemplate makes one random command; mode is as in case files.
type randomTemplate struct {
	mode string
	make func(r *rand.Rand) []string
}

var randomFamilies []randomFamily

// Small pools that make random commands collide on keys and fields.
var (
	randomKeys   = []string{"k1", "k2", "k3", "k4", "{t}a", "{t}b"}
	randomFields = []string{"f1", "f2", "f3", "f4"}
	randomValues = []string{"", "0", "1", "-1", "10", "3.5", "-2.25", "abc", "9223372036854775807", "-9223372036854775808", "1e3", " 1", "hello world", "\x00\xff"}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func TestRandomSequences(t *testing.T) {
	needRedis(t)
	if len(randomFamilies) == 0 {
		t.Skip("no random families registered")
	}
	seeds := 20
	if testing.Short() {
		seeds = 5
	}
	live := dialLive(t)
	s := newTestStore(t)
	for _, fam := range randomFamilies {
		t.Run(fam.name, func(t *testing.T) {
			for seed := range seeds {
				r := rand.New(rand.NewPCG(uint64(seed), 7))
				st := &storeConn{s: s}
				resetBoth(t, live, st)
				for i := range 200 {
					tmpl := pick(r, fam.templates)
					l := diffLine{lineNo: i, mode: tmpl.mode, args: tmpl.make(r)}
					compareCommand(t, live, st, l)
					if t.Failed() {
						t.Fatalf("seed %d, step %d", seed, i)
					}
				}
				compareKeyspace(t, live, st)
				diffStats.cases++
			}
		})
	}
}

// compareKeyspace compares every key of database 0: its type, its value and
// whether it has a TTL.
func compareKeyspace(t testing.TB, live *liveConn, st *storeConn) {
	t.Helper()
	keys := sortedTop(live.do(t, "KEYS", "*"), 1)
	if got := sortedTop(st.do("KEYS", "*"), 1); !valuesEqual(keys, got) {
		t.Fatalf("keyspaces differ:\nredis-server:\n%v\nracefree:\n%v", keys, got)
	}
	for _, k := range keys.Elems {
		key := k.Str
		typ := live.do(t, "TYPE", key)
		checks := []diffLine{{mode: "", args: []string{"TYPE", key}}, {mode: "approx", args: []string{"TTL", key}}}
		switch typ.Str {
		case "string":
			checks = append(checks, diffLine{args: []string{"GET", key}})
		case "hash":
			checks = append(checks, diffLine{mode: "pairs", args: []string{"HGETALL", key}})
		case "list":
			checks = append(checks, diffLine{args: []string{"LRANGE", key, "0", "-1"}})
		case "set":
			checks = append(checks, diffLine{mode: "sorted", args: []string{"SMEMBERS", key}})
		case "zset":
			checks = append(checks, diffLine{args: []string{"ZRANGE", key, "0", "-1", "WITHSCORES"}})
		}
		checks = append(checks, diffLine{args: []string{"OBJECT", "ENCODING", key}})
		for _, c := range checks {
			compareCommand(t, live, st, c)
		}
	}
}
