// Command table reads the output of several runs of the bench module's
// benchmarks (go test -bench, concatenated; each run starts with its "goos:"
// header) and prints one markdown table: the median of each system per
// workload, and the medians of same-run ratios between systems.
//
//	go test -c -o bench.test . && for i in 1 2 3; do ./bench.test -test.run '^$' -test.bench .; done > out.txt
//	go run ./cmd/table < out.txt
//
// Rows are benchmark names without their /sys= and /pipe= elements; columns
// are systems, with pipelines of 100 in columns of their own. A stalled
// benchmark (a line "stall: <name>") shows as "stall". Memory rows show
// B/key instead of time.
package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A column is a system, with a pipeline depth when it is not 1.
type column struct {
	key, title string
}

// The columns, in order. "racefree" is the in-process system of the row:
// the typed API for commands, EvalSHA for scripts.
var columns = []column{
	{"map-mutex", "map+mutex"},
	{"racefree", "racefree"},
	{"racefree-goredis", "racefree via go-redis"},
	{"racefree-goredis pipe=100", "racefree via go-redis, pipe 100"},
	{"miniredis", "miniredis"},
	{"miniredis pipe=100", "miniredis, pipe 100"},
	{"redis", "redis"},
	{"redis pipe=100", "redis, pipe 100"},
}

// The ratios: num ÷ den of the same run, median over runs.
var ratios = []struct{ num, den, title string }{
	{"racefree", "map-mutex", "racefree ÷ map"},
	{"racefree", "redis", "racefree ÷ redis"},
	{"racefree", "redis pipe=100", "racefree ÷ redis pipe 100"},
	{"racefree", "miniredis", "racefree ÷ miniredis"},
	{"racefree-goredis", "redis", "via go-redis ÷ redis"},
	{"racefree-goredis", "miniredis", "via go-redis ÷ miniredis"},
}

// cell is one system's results for one row: the value of each run (by run
// index), and whether it stalled.
type cell struct {
	vals   map[int]float64
	allocs map[int]float64
	stall  bool
}

type row struct {
	name  string
	unit  string // "ns/op" or "B/key"
	cells map[string]*cell
}

var (
	sysRe   = regexp.MustCompile(`/sys=([^/]+)`)
	pipeRe  = regexp.MustCompile(`/pipe=(\d+)`)
	procsRe = regexp.MustCompile(`-\d+$`)
)

// split returns a benchmark's row name and column key.
func split(full string) (rowName, col string) {
	name := procsRe.ReplaceAllString(full, "")
	sys := ""
	if m := sysRe.FindStringSubmatch(name); m != nil {
		sys = m[1]
		name = strings.Replace(name, m[0], "", 1)
	}
	if sys == "racefree-typed" || sys == "racefree-evalsha" {
		sys = "racefree"
	}
	if m := pipeRe.FindStringSubmatch(name); m != nil {
		if m[1] != "1" {
			sys += " pipe=" + m[1]
		}
		name = strings.Replace(name, m[0], "", 1)
	}
	return strings.TrimPrefix(name, "Benchmark"), sys
}

type table struct {
	rows  []*row
	byKey map[string]*row
}

func (t *table) cell(full string) (*row, *cell) {
	name, col := split(full)
	r := t.byKey[name]
	if r == nil {
		r = &row{name: name, unit: "ns/op", cells: map[string]*cell{}}
		t.byKey[name] = r
		t.rows = append(t.rows, r)
	}
	c := r.cells[col]
	if c == nil {
		c = &cell{vals: map[int]float64{}, allocs: map[int]float64{}}
		r.cells[col] = c
	}
	return r, c
}

func parse(in io.Reader) (*table, int, error) {
	t := &table{byKey: map[string]*row{}}
	run := -1
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "goos:"):
			run++
		case strings.HasPrefix(line, "stall: "):
			_, c := t.cell(strings.TrimSpace(strings.TrimPrefix(line, "stall: ")))
			c.stall = true
		case strings.HasPrefix(line, "Benchmark"):
			f := strings.Fields(line)
			if len(f) < 4 || f[0] == "" {
				continue
			}
			if _, err := strconv.Atoi(f[1]); err != nil {
				continue
			}
			r, c := t.cell(f[0])
			for i := 2; i+1 < len(f); i += 2 {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil || math.IsNaN(v) {
					continue
				}
				switch f[i+1] {
				case "B/key":
					r.unit = "B/key"
					c.vals[max(run, 0)] = v
				case "ns/op":
					if r.unit == "ns/op" {
						c.vals[max(run, 0)] = v
					}
				case "allocs/op":
					c.allocs[max(run, 0)] = v
				}
			}
		}
	}
	return t, run + 1, sc.Err()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

func values(m map[int]float64) []float64 {
	var out []float64
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// formatTime prints ns with 3 significant digits in a fitting unit.
func formatTime(ns float64) string {
	switch {
	case ns >= 1e9:
		return sig(ns/1e9) + " s"
	case ns >= 1e6:
		return sig(ns/1e6) + " ms"
	case ns >= 1e3:
		return sig(ns/1e3) + " µs"
	default:
		return sig(ns) + " ns"
	}
}

func sig(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	default:
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
}

// formatRatio prints a ratio with 3 significant digits.
func formatRatio(x float64) string {
	if x >= 1 {
		return sig(x) + "x"
	}
	return strconv.FormatFloat(x, 'g', 3, 64) + "x"
}

func (r *row) value(col string) string {
	c := r.cells[col]
	switch {
	case c == nil:
		return ""
	case c.stall:
		return "stall"
	case len(c.vals) == 0:
		return ""
	}
	m := median(values(c.vals))
	if r.unit == "B/key" {
		return strconv.FormatFloat(m, 'f', 0, 64) + " B/key"
	}
	s := formatTime(m)
	if col == "racefree" && len(c.allocs) > 0 {
		s += fmt.Sprintf(" (%g allocs)", median(values(c.allocs)))
	}
	return s
}

// ratio is the median over runs of num ÷ den measured in the same run.
func (r *row) ratio(num, den string) string {
	a, b := r.cells[num], r.cells[den]
	if a == nil || b == nil {
		return ""
	}
	if a.stall || b.stall {
		return "stall"
	}
	var xs []float64
	for run, x := range a.vals {
		if y, ok := b.vals[run]; ok && y > 0 {
			xs = append(xs, x/y)
		}
	}
	if len(xs) == 0 {
		return ""
	}
	return formatRatio(median(xs))
}

func write(w io.Writer, t *table, runs int) {
	// Only the columns and ratios some row has.
	var cols []column
	for _, c := range columns {
		for _, r := range t.rows {
			if r.cells[c.key] != nil {
				cols = append(cols, c)
				break
			}
		}
	}
	var rats []int
	for i, q := range ratios {
		for _, r := range t.rows {
			if r.ratio(q.num, q.den) != "" {
				rats = append(rats, i)
				break
			}
		}
	}
	fmt.Fprint(w, "| workload |")
	for _, c := range cols {
		fmt.Fprintf(w, " %s |", c.title)
	}
	for _, i := range rats {
		fmt.Fprintf(w, " %s |", ratios[i].title)
	}
	fmt.Fprint(w, "\n|---|")
	for range len(cols) + len(rats) {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, r := range t.rows {
		fmt.Fprintf(w, "| %s |", r.name)
		for _, c := range cols {
			fmt.Fprintf(w, " %s |", r.value(c.key))
		}
		for _, i := range rats {
			fmt.Fprintf(w, " %s |", r.ratio(ratios[i].num, ratios[i].den))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nMedians of %d run(s); ratios are medians of same-run ratios (lower is better for racefree). "+
		"Times are per command (clients=8: wall time per command over all eight clients).\n", runs)
}

func main() {
	t, runs, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
	if len(t.rows) == 0 {
		fmt.Fprintln(os.Stderr, "table: no benchmark results on stdin")
		os.Exit(1)
	}
	write(os.Stdout, t, runs)
}
