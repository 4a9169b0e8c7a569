package main

import (
	"strings"
	"testing"
)

const sample = `goos: linux
BenchmarkGET/clients=1/pipe=1/sys=map-mutex-2         	100	        10.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkGET/clients=1/pipe=1/sys=racefree-typed-2    	100	        20.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkGET/clients=1/pipe=1/sys=redis-2             	100	     50000 ns/op	     272 B/op	       8 allocs/op
BenchmarkGET/clients=1/pipe=100/sys=redis-2           	100	      1000 ns/op	     272 B/op	       8 allocs/op
stall: BenchmarkGET/clients=1/pipe=100/sys=miniredis
BenchmarkMemory/keys=1000000/sys=racefree-typed-2     	1	3711650373 ns/op	       130.0 B/key
BenchmarkMemory/keys=1000000/sys=redis-2              	1	3711650373 ns/op	       100.0 B/key
PASS
goos: linux
BenchmarkGET/clients=1/pipe=1/sys=map-mutex-2         	100	        30.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkGET/clients=1/pipe=1/sys=racefree-typed-2    	100	        30.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkGET/clients=1/pipe=1/sys=redis-2             	100	     70000 ns/op	     272 B/op	       8 allocs/op
BenchmarkGET/clients=1/pipe=100/sys=redis-2           	100	      3000 ns/op	     272 B/op	       8 allocs/op
BenchmarkMemory/keys=1000000/sys=racefree-typed-2     	1	3711650373 ns/op	       150.0 B/key
BenchmarkMemory/keys=1000000/sys=redis-2              	1	3711650373 ns/op	       100.0 B/key
`

func TestTable(t *testing.T) {
	tb, runs, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Fatalf("runs = %d, want 2", runs)
	}
	get := tb.byKey["GET/clients=1"]
	if get == nil {
		t.Fatalf("no row GET/clients=1 in %v", tb.byKey)
	}
	for _, c := range []struct{ col, want string }{
		{"map-mutex", "20.0 ns"},           // median of 10 and 30
		{"racefree", "25.0 ns (0 allocs)"}, // median of 20 and 30
		{"redis", "60.0 µs"},               // median of 50 and 70 µs
		{"redis pipe=100", "2.00 µs"},      // its own column
		{"miniredis pipe=100", "stall"},    // a stall line
		{"miniredis", ""},                  // never ran
		{"racefree-goredis", ""},           // never ran
		{"racefree-typed", ""},             // merged into "racefree"
		{"redis pipe=1", ""},               // pipe=1 has no column of its own
	} {
		if got := get.value(c.col); got != c.want {
			t.Errorf("GET %q = %q, want %q", c.col, got, c.want)
		}
	}
	// Same-run ratios: 20/10 and 30/30, median 1.5.
	if got := get.ratio("racefree", "map-mutex"); got != "1.50x" {
		t.Errorf("racefree ÷ map = %q, want 1.50x", got)
	}
	if got := get.ratio("racefree", "miniredis"); got != "" {
		t.Errorf("ratio with a system that never ran = %q", got)
	}
	if got := get.ratio("racefree", "miniredis pipe=100"); got != "stall" {
		t.Errorf("ratio with a system that stalled = %q", got)
	}
	mem := tb.byKey["Memory/keys=1000000"]
	if got := mem.value("racefree"); got != "140 B/key" {
		t.Errorf("memory racefree = %q, want 140 B/key", got)
	}
	if got := mem.ratio("racefree", "redis"); got != "1.40x" {
		t.Errorf("memory ratio = %q, want 1.40x", got)
	}
	var out strings.Builder
	write(&out, tb, runs)
	for _, want := range []string{"| GET/clients=1 | 20.0 ns | 25.0 ns (0 allocs) |", "| stall |", "Medians of 2 run(s)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
