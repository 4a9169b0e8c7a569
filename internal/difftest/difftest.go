// Package difftest reads the differential case files (testdata/diff/*.txt)
// and compares replies under their modes. The root package runs the cases
// through Conn.Exec, package server runs them over RESP2 and RESP3
// connections; both compare with redis-server.
//
// A case file looks like this:
//
//	# a comment
//	=== the name of a case          (each case starts on empty databases)
//	SET k "a value\r\n"             (quotes and \n \r \t \" \\ \xHH escapes)
//	sorted: KEYS *                  (a mode prefix, see Modes)
//	!sleep 120                      (wait 120 ms on both sides)
package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/racefree/racefree/resp"
)

// Modes say how to compare replies whose order or content Redis does not
// fix; a line without a mode must match exactly.
var Modes = map[string]string{
	"sorted":  "sort the top-level array before comparing",
	"pairs":   "sort the top-level array as field/value pairs",
	"ignore":  "run on both sides, compare nothing",
	"approx":  "integers may differ by up to 100 (PTTL, IDLETIME)",
	"shape":   "same kind and number of elements (random picks)",
	"scanall": "iterate a SCAN-family command to cursor 0 on both sides, compare the sorted set of elements",
	"errors":  "both must be errors, texts may differ (only where Redis's text depends on its internals)",
}

// Line is one command of a case.
type Line struct {
	LineNo int
	Mode   string
	Args   []string // for "!sleep", Args[0] is "!sleep"
}

// Case is a named sequence of commands that starts on empty databases.
type Case struct {
	Name  string
	Lines []Line
}

// Files returns the case files of dir, sorted, and an error when there are
// none.
func Files(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no differential case files in %s", dir)
	}
	return files, err
}

// ParseFile reads the cases of one file.
func ParseFile(path string) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cases []Case
	for i, text := range strings.Split(string(data), "\n") {
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(text, "==="); ok {
			cases = append(cases, Case{Name: strings.TrimSpace(name)})
			continue
		}
		if len(cases) == 0 {
			return nil, fmt.Errorf("%s:%d: command before the first === case", path, i+1)
		}
		l := Line{LineNo: i + 1}
		if m, rest, ok := strings.Cut(text, ": "); ok && Modes[m] != "" {
			l.Mode, text = m, rest
		}
		l.Args, err = SplitArgs(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
		}
		c := &cases[len(cases)-1]
		c.Lines = append(c.Lines, l)
	}
	return cases, nil
}

// SplitArgs splits a line as redis-cli does: spaces separate arguments,
// double quotes allow escapes, single quotes take everything literally.
func SplitArgs(s string) ([]string, error) {
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

// ScanAll iterates a SCAN-family command (the cursor is the argument after
// the key for HSCAN/SSCAN/ZSCAN, the first for SCAN) until it returns cursor
// 0, and returns every element seen, with duplicates removed (pairs kept
// whole for HSCAN and ZSCAN). Compare the results with mode "sorted".
func ScanAll(args []string, do func([]string) resp.Value) resp.Value {
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

// Compare returns "" when the replies match under mode, or what differs.
// Mode "scanall" compares as "sorted" (the replies are ScanAll's).
func Compare(mode string, want, got resp.Value) string {
	switch mode {
	case "ignore":
		return ""
	case "sorted", "scanall":
		want, got = SortedTop(want, 1), SortedTop(got, 1)
	case "pairs":
		want, got = SortedTop(want, pairGroup(want)), SortedTop(got, pairGroup(got))
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
	if !Equal(want, got) {
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
	return Equal(resp.Value{Kind: a.Kind, Str: a.Str}, resp.Value{Kind: b.Kind, Str: b.Str})
}

// pairGroup is 2 for pairs laid out flat (RESP2), 1 for an array of
// two-element arrays (what HRANDFIELD WITHVALUES and the like send on RESP3).
func pairGroup(v resp.Value) int {
	if v.Kind != resp.KindArray || len(v.Elems) == 0 {
		return 2
	}
	for _, e := range v.Elems {
		if e.Kind != resp.KindArray || len(e.Elems) != 2 {
			return 2
		}
	}
	return 1
}

// Equal reports whether two replies are the same (NaN equals NaN).
func Equal(a, b resp.Value) bool {
	if a.Kind != b.Kind || a.Str != b.Str || a.Int != b.Int || len(a.Elems) != len(b.Elems) {
		return false
	}
	if a.Float != b.Float && !(a.Float != a.Float && b.Float != b.Float) {
		return false
	}
	for i := range a.Elems {
		if !Equal(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

// SortedTop sorts the elements of an array, set or map in groups of n.
func SortedTop(v resp.Value, n int) resp.Value {
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

// QuoteArgs renders a command for a failure message.
func QuoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return strings.Join(q, " ")
}
