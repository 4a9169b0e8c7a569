package racefree

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racefree/racefree/resp"
)

// Differential tests: the same commands go to the live redis-server and to a
// Store, and the replies must be equal. Cases live in testdata/diff/*.txt:
//
//	# a comment
//	=== the name of a case          (each case starts on empty databases)
//	SET k "a value\r\n"             (quotes and \n \r \t \" \\ \xHH escapes)
//	sorted: KEYS *                  (a mode prefix, see compareModes)
//	!sleep 120                      (wait 120 ms on both sides)
//
// Modes say how to compare replies whose order or content Redis does not fix.
var compareModes = map[string]string{
	"sorted":  "sort the top-level array before comparing",
	"pairs":   "sort the top-level array as field/value pairs",
	"ignore":  "run on both sides, compare nothing",
	"approx":  "integers may differ by up to 100 (PTTL, IDLETIME)",
	"shape":   "same kind and number of elements (random picks)",
	"scanall": "iterate a SCAN-family command to cursor 0 on both sides, compare the sorted set of elements",
	"errors":  "both must be errors, texts may differ (only where Redis's text depends on its internals)",
}

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

type diffLine struct {
	lineNo int
	mode   string
	args   []string // for "!sleep", args[0] is "!sleep"
}

type diffCase struct {
	name  string
	lines []diffLine
}

func parseDiffFile(path string) ([]diffCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cases []diffCase
	for i, text := range strings.Split(string(data), "\n") {
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(text, "==="); ok {
			cases = append(cases, diffCase{name: strings.TrimSpace(name)})
			continue
		}
		if len(cases) == 0 {
			return nil, fmt.Errorf("%s:%d: command before the first === case", path, i+1)
		}
		l := diffLine{lineNo: i + 1}
		if m, rest, ok := strings.Cut(text, ": "); ok && compareModes[m] != "" {
			l.mode, text = m, rest
		}
		l.args, err = splitArgs(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
		}
		c := &cases[len(cases)-1]
		c.lines = append(c.lines, l)
	}
	return cases, nil
}

// splitArgs splits a line as redis-cli does: spaces separate arguments,
// double quotes allow escapes, single quotes take everything literally.
func splitArgs(s string) ([]string, error) {
	var args []string
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		var b strings.Builder
		switch s[i] {
		case '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] != '\\' || i+1 == len(s) {
					b.WriteByte(s[i])
					continue
				}
				i++
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				case 'x':
					if i+2 >= len(s) {
						return nil, fmt.Errorf("short \\x escape")
					}
					n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
					if err != nil {
						return nil, fmt.Errorf("bad \\x escape")
					}
					b.WriteByte(byte(n))
					i += 2
				default:
					b.WriteByte(s[i])
				}
			}
			if i == len(s) {
				return nil, fmt.Errorf("unterminated quote")
			}
			i++
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quote")
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 2
		default:
			for ; i < len(s) && s[i] != ' ' && s[i] != '\t'; i++ {
				b.WriteByte(s[i])
			}
		}
		args = append(args, b.String())
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("empty command")
	}
	return args, nil
}

func diffFiles(t testing.TB) []string {
	files, err := filepath.Glob("testdata/diff/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no differential case files: %v", err)
	}
	return files
}

// TestDifferential runs every case file against the live server and a Store.
func TestDifferential(t *testing.T) {
	needRedis(t)
	for _, path := range diffFiles(t) {
		cases, err := parseDiffFile(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			live := dialLive(t)
			s := newTestStore(t)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					st := &storeConn{s: s}
					resetBoth(t, live, st)
					for _, l := range c.lines {
						compareCommand(t, live, st, l)
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
		want = scanAll(l.args, func(a []string) resp.Value { return live.do(t, a...) })
		got = scanAll(l.args, func(a []string) resp.Value { return st.do(a...) })
		l.mode = "sorted"
	} else {
		want = live.do(t, l.args...)
		got = st.do(l.args...)
	}
	diffStats.commands++
	if msg := compareReplies(l.mode, want, got); msg != "" {
		t.Errorf("line %d: %s\n%s\nredis-server:\n%v\nracefree:\n%v", l.lineNo, quoteArgs(l.args), msg, want, got)
	}
}

// scanAll iterates a SCAN-family command (the cursor is the argument after
// the key for HSCAN/SSCAN/ZSCAN, the first for SCAN) until it returns cursor 0,
// and returns every element seen, with duplicates removed (pairs kept whole
// for HSCAN and ZSCAN).
func scanAll(args []string, do func([]string) resp.Value) resp.Value {
	at := 2
	if strings.EqualFold(args[0], "scan") {
		at = 1
	}
	a := slices.Clone(args)
	a[at] = "0"
	pairs := !strings.EqualFold(args[0], "scan") && !strings.EqualFold(args[0], "sscan")
	seen := map[string]bool{}
	var out []resp.Value
	for range 100000 {
		v := do(a)
		if v.Kind != resp.KindArray || len(v.Elems) != 2 {
			return v
		}
		step := 1
		if pairs {
			step = 2
		}
		elems := v.Elems[1].Elems
		for i := 0; i+step <= len(elems); i += step {
			k := elems[i].String()
			if pairs {
				k += "\x00" + elems[i+1].String()
			}
			if !seen[k] {
				seen[k] = true
				out = append(out, elems[i:i+step]...)
			}
		}
		a[at] = v.Elems[0].Str
		if a[at] == "0" {
			break
		}
	}
	if pairs {
		// Join pairs into one element each so that sorting keeps them whole.
		var joined []resp.Value
		for i := 0; i+1 < len(out); i += 2 {
			joined = append(joined, resp.Value{Kind: resp.KindBulk, Str: out[i].Str + " => " + out[i+1].Str})
		}
		out = joined
	}
	return resp.Value{Kind: resp.KindArray, Elems: out}
}

// compareReplies returns "" when the replies match under mode, or what
// differs.
func compareReplies(mode string, want, got resp.Value) string {
	switch mode {
	case "ignore":
		return ""
	case "sorted":
		want, got = sortedTop(want, 1), sortedTop(got, 1)
	case "pairs":
		want, got = sortedTop(want, 2), sortedTop(got, 2)
	case "shape":
		if want.Kind != got.Kind || len(want.Elems) != len(got.Elems) {
			return "different shape"
		}
		return ""
	case "errors":
		if want.Kind != resp.KindError || got.Kind != resp.KindError {
			return "both should be errors"
		}
		return ""
	case "approx":
		if approxEqual(want, got) {
			return ""
		}
		return "not within 100 of each other"
	}
	if !valuesEqual(want, got) {
		return "different replies"
	}
	return ""
}

func approxEqual(a, b resp.Value) bool {
	if a.Kind != b.Kind || len(a.Elems) != len(b.Elems) {
		return false
	}
	if a.Kind == resp.KindInt {
		d := a.Int - b.Int
		return d >= -100 && d <= 100
	}
	for i := range a.Elems {
		if !approxEqual(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return valuesEqual(resp.Value{Kind: a.Kind, Str: a.Str}, resp.Value{Kind: b.Kind, Str: b.Str})
}

func valuesEqual(a, b resp.Value) bool {
	if a.Kind != b.Kind || a.Str != b.Str || a.Int != b.Int || len(a.Elems) != len(b.Elems) {
		return false
	}
	if a.Float != b.Float && !(a.Float != a.Float && b.Float != b.Float) {
		return false
	}
	for i := range a.Elems {
		if !valuesEqual(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

// sortedTop sorts the elements of an array in groups of n.
func sortedTop(v resp.Value, n int) resp.Value {
	if v.Kind != resp.KindArray && v.Kind != resp.KindSet && v.Kind != resp.KindMap {
		return v
	}
	var groups [][]resp.Value
	for i := 0; i+n <= len(v.Elems); i += n {
		groups = append(groups, v.Elems[i:i+n])
	}
	slices.SortFunc(groups, func(a, b []resp.Value) int {
		return strings.Compare(resp.Value{Kind: resp.KindArray, Elems: a}.String(), resp.Value{Kind: resp.KindArray, Elems: b}.String())
	})
	out := resp.Value{Kind: v.Kind}
	for _, g := range groups {
		out.Elems = append(out.Elems, g...)
	}
	return out
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, " ")
}

// TestEveryCommandHasDiffCases fails when the command table holds a command
// (or subcommand) that no differential case runs.
func TestEveryCommandHasDiffCases(t *testing.T) {
	used := map[string]bool{}
	for _, path := range diffFiles(t) {
		cases, err := parseDiffFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			for _, l := range c.lines {
				name := strings.ToLower(l.args[0])
				used[name] = true
				if len(l.args) > 1 {
					used[name+"|"+strings.ToLower(l.args[1])] = true
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
