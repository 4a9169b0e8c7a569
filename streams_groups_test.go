package racefree

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/racefree/racefree/resp"
)

// Seeded random sequences of stream and consumer group commands (XADD,
// XTRIM, XDEL, XREADGROUP, XACK, XCLAIM, XAUTOCLAIM, XGROUP ...), compared
// reply by reply with the live server; TestStreamGroupsRandomState also
// compares XINFO STREAM FULL and XPENDING of every stream and group after
// each step. Thresholds on idle times are far from the time a sequence
// takes, so that timing never decides a result.

var (
	groupKeys      = []string{"s1", "s2"}
	groupNames     = []string{"g1", "g2"}
	groupConsumers = []string{"c1", "c2", "c3"}
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "stream groups",
		commands: []string{"xadd", "xtrim", "xdel", "xreadgroup", "xack", "xclaim", "xautoclaim", "xpending",
			"xgroup|create", "xgroup|setid", "xgroup|destroy", "xgroup|createconsumer", "xgroup|delconsumer",
			"xinfo|groups", "xinfo|consumers", "xinfo|stream", "xsetid"},
		templates: groupTemplates,
	})
	// Weights: the commands that build state come more often.
	for _, i := range []int{1, 1, 1, 5, 5, 5, 8, 8, 8, 8, 9, 10} {
		groupTemplates = append(groupTemplates, groupTemplates[i])
	}
}

// recentID is an ID near the ones XADD made lately, or any ID.
func recentID(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return streamID(r)
	}
	return strconv.Itoa(groupSeq-r.IntN(12)) + "-" + strconv.Itoa(r.IntN(3))
}

func groupIDs(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = recentID(r)
	}
	return out
}

// groupSeq is the last millisecond part of the growing IDs XADD uses.
var groupSeq = 100

func pickIdle(r *rand.Rand) string { return pick(r, []string{"0", "0", "1000000", "-1"}) }

var groupTemplates = []randomTemplate{
	// Producers.
	{make: func(r *rand.Rand) []string {
		args := []string{"XADD", pick(r, groupKeys)}
		if r.IntN(4) == 0 {
			args = append(args, streamTrimOpts(r)...)
		}
		args = append(args, streamID(r), pick(r, randomFields), pick(r, randomValues))
		return args
	}},
	{make: func(r *rand.Rand) []string {
		// IDs that mostly grow, so that most adds succeed.
		groupSeq += 1 + r.IntN(3)
		id := strconv.Itoa(groupSeq) + "-" + strconv.Itoa(r.IntN(3))
		return []string{"XADD", pick(r, groupKeys), id, pick(r, randomFields), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"EVAL", "for i=1,tonumber(ARGV[2]) do redis.pcall('xadd', KEYS[1], (ARGV[1]+i)..'-*', 'f', i) end return redis.pcall('xlen', KEYS[1])",
			"1", pick(r, groupKeys), pick(r, []string{"0", "10", "30"}), pick(r, []string{"3", "20", "150"})}
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"XTRIM", pick(r, groupKeys)}, streamTrimOpts(r)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"XDEL", pick(r, groupKeys)}, groupIDs(r, 1+r.IntN(3))...)
	}},
	// Groups.
	{make: func(r *rand.Rand) []string {
		args := []string{"XGROUP", "CREATE", pick(r, groupKeys), pick(r, groupNames), pick(r, []string{"$", "0", recentID(r)})}
		if r.IntN(2) == 0 {
			args = append(args, "MKSTREAM")
		}
		if r.IntN(4) == 0 {
			args = append(args, "ENTRIESREAD", pick(r, []string{"-1", "0", "3", "100", "-2"}))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"XGROUP", "SETID", pick(r, groupKeys), pick(r, groupNames), pick(r, []string{"$", "0", "+", recentID(r)})}
		if r.IntN(3) == 0 {
			args = append(args, "ENTRIESREAD", pick(r, []string{"-1", "0", "3", "100"}))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		if r.IntN(3) != 0 {
			return []string{"XGROUP", "CREATECONSUMER", pick(r, groupKeys), pick(r, groupNames), pick(r, groupConsumers)}
		}
		return []string{"XGROUP", pick(r, []string{"DESTROY", "DELCONSUMER"}), pick(r, groupKeys), pick(r, groupNames), pick(r, groupConsumers)}[:4+r.IntN(2)]
	}},
	// Consumers.
	{make: func(r *rand.Rand) []string {
		args := []string{"XREADGROUP", "GROUP", pick(r, groupNames), pick(r, groupConsumers)}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", pick(r, []string{"1", "2", "5", "0"}))
		}
		if r.IntN(6) == 0 {
			args = append(args, "NOACK")
		}
		args = append(args, "STREAMS")
		n := 1 + r.IntN(2)
		for range n {
			args = append(args, pick(r, groupKeys))
		}
		for range n {
			args = append(args, pick(r, []string{">", ">", ">", "0", recentID(r)}))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"XACK", pick(r, groupKeys), pick(r, groupNames)}
		for range 1 + r.IntN(4) {
			args = append(args, recentID(r))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := append([]string{"XCLAIM", pick(r, groupKeys), pick(r, groupNames), pick(r, groupConsumers), pickIdle(r)}, groupIDs(r, 1+r.IntN(3))...)
		for _, opt := range [][]string{{"JUSTID"}, {"FORCE"}, {"IDLE", "5000000"}, {"TIME", "1"}, {"RETRYCOUNT", "3"}, {"LASTID", recentID(r)}} {
			if r.IntN(5) == 0 {
				args = append(args, opt...)
			}
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"XAUTOCLAIM", pick(r, groupKeys), pick(r, groupNames), pick(r, groupConsumers), pickIdle(r), pick(r, []string{"0", "-", recentID(r), "(" + recentID(r)})}
		if r.IntN(2) == 0 {
			args = append(args, "COUNT", pick(r, []string{"1", "2", "10"}))
		}
		if r.IntN(3) == 0 {
			args = append(args, "JUSTID")
		}
		return args
	}},
	// Readers.
	{make: func(r *rand.Rand) []string {
		args := []string{"XPENDING", pick(r, groupKeys), pick(r, groupNames)}
		if r.IntN(2) == 0 {
			return args
		}
		if r.IntN(3) == 0 {
			args = append(args, "IDLE", pick(r, []string{"0", "1000000"}))
		}
		args = append(args, pick(r, []string{"-", recentID(r)}), pick(r, []string{"+", recentID(r)}), pick(r, []string{"1", "3", "100"}))
		if r.IntN(2) == 0 {
			args = append(args, pick(r, groupConsumers))
		}
		return args
	}, mode: "approx"},
	{make: func(r *rand.Rand) []string { return []string{"XINFO", "GROUPS", pick(r, groupKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"XINFO", "CONSUMERS", pick(r, groupKeys), pick(r, groupNames)}
	}, mode: "approx"},
	{make: func(r *rand.Rand) []string { return []string{"XINFO", "STREAM", pick(r, groupKeys)} }},
	{make: func(r *rand.Rand) []string {
		args := []string{"XSETID", pick(r, groupKeys), streamID(r)}
		if r.IntN(2) == 0 {
			args = append(args, "MAXDELETEDID", streamID(r))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, groupKeys)} }},
}

// normalizeTimes zeroes the absolute times in an XINFO STREAM FULL reply:
// seen-time and the delivery times of pending entries.
func normalizeTimes(v resp.Value) resp.Value {
	if len(v.Elems) == 0 {
		return v
	}
	out := v
	out.Elems = make([]resp.Value, len(v.Elems))
	for i, e := range v.Elems {
		out.Elems[i] = normalizeTimes(e)
	}
	for i := 0; i+1 < len(out.Elems); i++ {
		switch out.Elems[i].Str {
		case "seen-time":
			out.Elems[i+1].Int = 0
		case "pending":
			for j, p := range out.Elems[i+1].Elems {
				switch len(p.Elems) {
				case 4:
					out.Elems[i+1].Elems[j].Elems[2].Int = 0
				case 3:
					out.Elems[i+1].Elems[j].Elems[1].Int = 0
				}
			}
		}
	}
	return out
}

// compareStreamState compares XINFO STREAM FULL of every stream key and
// XPENDING of every group: times within 100 ms, everything else exactly.
func compareStreamState(t *testing.T, live *liveConn, st *storeConn) {
	t.Helper()
	for _, key := range groupKeys {
		args := []string{"XINFO", "STREAM", key, "FULL", "COUNT", "0"}
		want, got := live.do(t, args...), st.do(args...)
		if msg := compareReplies("approx", want, got); msg != "" || !valuesEqual(normalizeTimes(want), normalizeTimes(got)) {
			t.Fatalf("%s differs:\nredis-server:\n%v\nracefree:\n%v", quoteArgs(args), want, got)
		}
		for _, g := range groupNames {
			compareCommand(t, live, st, diffLine{args: []string{"XPENDING", key, g}})
			compareCommand(t, live, st, diffLine{mode: "approx", args: []string{"XPENDING", key, g, "-", "+", "1000"}})
		}
	}
}

func TestStreamGroupsRandomState(t *testing.T) {
	needRedis(t)
	seeds, steps := 12, 250
	if testing.Short() {
		seeds = 3
	}
	live := dialLive(t)
	s := newTestStore(t)
	for seed := range seeds {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		st := &storeConn{s: s}
		resetBoth(t, live, st)
		for i := range steps {
			tmpl := pick(r, groupTemplates)
			l := diffLine{lineNo: i, mode: tmpl.mode, args: tmpl.make(r)}
			compareCommand(t, live, st, l)
			if t.Failed() {
				t.Fatalf("seed %d, step %d: %s", seed, i, quoteArgs(l.args))
			}
			compareStreamState(t, live, st)
		}
	}
}

func TestNormalizeTimes(t *testing.T) {
	v := resp.Value{Kind: resp.KindArray, Elems: []resp.Value{
		{Kind: resp.KindBulk, Str: "seen-time"}, {Kind: resp.KindInt, Int: 123},
		{Kind: resp.KindBulk, Str: "pending"}, {Kind: resp.KindArray, Elems: []resp.Value{
			{Kind: resp.KindArray, Elems: []resp.Value{{Kind: resp.KindBulk, Str: "1-1"}, {Kind: resp.KindInt, Int: 77}, {Kind: resp.KindInt, Int: 2}}},
		}},
	}}
	n := normalizeTimes(v)
	if n.Elems[1].Int != 0 || n.Elems[3].Elems[0].Elems[1].Int != 0 || n.Elems[3].Elems[0].Elems[2].Int != 2 {
		t.Fatalf("not normalized: %v", n)
	}
	if v.Elems[1].Int != 123 {
		t.Fatal("the input changed")
	}
}

// TestStreamRaxNodesRandom compares XINFO STREAM's radix-tree-keys and
// radix-tree-nodes with the live server on streams of many nodes (one
// entry per node, thanks to big values) whose IDs share prefixes of every
// length, while entries are deleted and trimmed.
func TestStreamRaxNodesRandom(t *testing.T) {
	needRedis(t)
	live := dialLive(t)
	s := newTestStore(t)
	st := &storeConn{s: s}
	big := strings.Repeat("x", 4000)
	for seed := range 6 {
		resetBoth(t, live, st)
		r := rand.New(rand.NewPCG(uint64(seed), 5))
		var ms, seq uint64
		var ids []string
		for i := range 120 {
			switch r.IntN(4) {
			case 0:
				seq += 1 + uint64(r.IntN(300))
			case 1:
				ms += 1 + uint64(r.IntN(256))
				seq = uint64(r.IntN(3))
			case 2:
				ms += uint64(1) << (8 * uint(r.IntN(7)))
				seq = 0
			default:
				seq += uint64(1) << (8 * uint(r.IntN(7)))
			}
			id := strconv.FormatUint(ms, 10) + "-" + strconv.FormatUint(seq, 10)
			ids = append(ids, id)
			value := "v"
			if r.IntN(4) != 0 {
				value = big
			}
			compareCommand(t, live, st, diffLine{lineNo: i, args: []string{"XADD", "s", id, "f", value}})
			if r.IntN(5) == 0 {
				compareCommand(t, live, st, diffLine{args: []string{"XDEL", "s", pick(r, ids)}})
			}
			if r.IntN(40) == 0 {
				compareCommand(t, live, st, diffLine{args: []string{"XTRIM", "s", "MAXLEN", "~", strconv.Itoa(r.IntN(50))}})
			}
			compareCommand(t, live, st, diffLine{args: []string{"XINFO", "STREAM", "s"}})
			if t.Failed() {
				t.Fatalf("seed %d, step %d", seed, i)
			}
		}
		info := st.do("XINFO", "STREAM", "s")
		if len(info.Elems) < 6 || info.Elems[3].Int < 10 {
			t.Fatalf("seed %d: too few nodes to test anything: %v", seed, info)
		}
	}
}
