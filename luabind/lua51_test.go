package luabind

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/racefree/racefree/internal/redistest"
	"github.com/racefree/racefree/resp"
)

// l51Host is a Host for scripts that do not call Redis.
type l51Host struct{}

func (l51Host) Call(args []string, w resp.Writer) { w.Error("ERR no commands here") }
func (l51Host) ReplyError(string)                 {}
func (l51Host) Known(string) bool                 { return false }
func (l51Host) Stopped(context.Context) string    { return "ERR stopped" }

// l51Eval runs a script on a full Engine and returns its reply to a RESP2
// client.
func l51Eval(e *Engine, script string) resp.Value { return l51EvalArgs(e, script, nil, nil) }

func l51EvalArgs(e *Engine, script string, keys, argv []string) resp.Value {
	s, err := e.Load(script)
	if err != nil {
		return resp.Value{Kind: resp.KindError, Str: err.Error()}
	}
	var b resp.Builder
	b.Reset()
	e.Run(context.Background(), s, keys, argv, l51Host{}, &b)
	return b.Value()
}

// l51Show renders a reply for the probe, errors quoted.
func l51Show(v resp.Value) string {
	if v.Kind == resp.KindError {
		return "(error) " + strconv.Quote(v.Str)
	}
	return v.String()
}

// TestLua51Probe compares the scripts of the file $L51_PROBE, one a line,
// with the live server, printing both replies (a tool, not a test).
func TestLua51Probe(t *testing.T) {
	path := os.Getenv("L51_PROBE")
	if path == "" {
		t.Skip("L51_PROBE not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	live := redistest.Dial(t)
	e := New()
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "--#") {
			continue
		}
		script := strings.ReplaceAll(line, `\n`, "\n")
		want := l51Show(live.Do(t, "EVAL", script, "0"))
		got := l51Show(l51Eval(e, script))
		mark := "  "
		if want != got {
			mark = "XX"
		}
		t.Logf("%s %s\n   redis: %s\n   local: %s", mark, line, want, got)
	}
}

// TestLua51Dump prints the bytecode of $L51_DUMP (a tool, not a test).
func TestLua51Dump(t *testing.T) {
	code := os.Getenv("L51_DUMP")
	if code == "" {
		t.Skip("L51_DUMP not set")
	}
	p, _, err := compile(strings.ReplaceAll(code, `\n`, "\n"), "user_script", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + p.String())
	for i, l := range p.DbgLocals {
		t.Logf("local %d %s %d-%d", i, l.Name, l.StartPc, l.EndPc)
	}
}

// l51Seed is the seed of a random test: $L51_SEED when set (to explore),
// def otherwise.
func l51Seed(def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv("L51_SEED"), 10, 64); err == nil {
		return v
	}
	return def
}

// l51Gen builds random scripts that fail at run time in the ways real
// scripts do, to compare the wording (and the names Lua 5.1 finds) with
// the live server.
type l51Gen struct {
	r     *rand.Rand
	names []string // locals in scope
	ups   []string // upvalues in scope (inside a nested function)
}

var l51GenValues = []string{"nil", "true", "1", "2.5", "'str'", "'10'", "{}", "{f = 1}", "{1, 2}", "function() end"}

func (g *l51Gen) value() string { return l51GenValues[g.r.Intn(len(l51GenValues))] }

// operand is an expression to apply an operation to.
func (g *l51Gen) operand() string {
	switch g.r.Intn(12) {
	case 0, 1, 2:
		if len(g.names) > 0 {
			return g.names[g.r.Intn(len(g.names))]
		}
	case 3:
		if len(g.ups) > 0 {
			return g.ups[g.r.Intn(len(g.ups))]
		}
	case 4:
		return []string{"KEYS", "ARGV", "redis", "math", "string"}[g.r.Intn(5)]
	case 5:
		return []string{"t.f", "t.g.h", "t.g", "t[1]", "t[k]", "t['f']", "t.nothing", "ARGV[1]", "KEYS[1]", "redis.nothing", "math.pi"}[g.r.Intn(11)]
	case 6:
		return []string{"tostring(1)", "tonumber('x')", "select(2, 1)", "rawget(t, 'f')", "(t.f)", "(nil)"}[g.r.Intn(6)]
	case 7:
		return "(" + g.value() + ")"
	}
	if len(g.names) > 0 {
		return g.names[0]
	}
	return "t.nothing"
}

func (g *l51Gen) failing() string {
	a, b := g.operand(), g.operand()
	switch g.r.Intn(14) {
	case 0:
		return "return " + a + " " + []string{"+", "-", "*", "/", "%", "^"}[g.r.Intn(6)] + " " + b
	case 1:
		return "return -" + a
	case 2:
		return "return #" + a
	case 3:
		return "return " + a + " .. " + b
	case 4:
		return "return 'x' .. " + a + " .. " + b + " .. 'y'"
	case 5:
		return "return " + a + " " + []string{"<", "<=", ">", ">="}[g.r.Intn(4)] + " " + b
	case 6:
		return "return " + a + ".x"
	case 7:
		return "return " + a + "[1]"
	case 8:
		// Not KEYS or ARGV, which the engine keeps between runs, and
		// not a constant, which gopher-lua's compiler mistakes for a
		// register there.
		if a == "KEYS" || a == "ARGV" || strings.HasPrefix(a, "(") {
			a = "t.g"
		}
		return a + ".x = 1"
	case 9:
		return "return " + a + "()"
	case 10:
		return "return " + a + ":m()"
	case 11:
		return "return " + a + ".x.y"
	case 12:
		return "return " + []string{"string.rep", "math.floor", "string.sub", "table.concat", "string.format", "select", "unpack"}[g.r.Intn(7)] + "(" + a + ")"
	}
	return "local z = " + a + " + " + b + " return z"
}

func (g *l51Gen) script() string {
	g.names, g.ups = nil, nil
	var b strings.Builder
	sep := " "
	if g.r.Intn(2) == 0 {
		sep = "\n"
	}
	b.WriteString("local t = {f = " + g.value() + ", g = {h = " + g.value() + "}, 'a'}" + sep + "local k = 'f'" + sep)
	g.names = append(g.names, "t", "k")
	for i, n := 0, g.r.Intn(4); i < n; i++ {
		name := string(rune('a' + i))
		b.WriteString("local " + name + " = " + g.value() + sep)
		g.names = append(g.names, name)
	}
	// Some dead locals in a block first, to move registers around.
	if g.r.Intn(2) == 0 {
		b.WriteString("do local dead1, dead2 = 1, 2 end" + sep)
	}
	body := g.failing()
	switch g.r.Intn(12) {
	case 7:
		b.WriteString("local i = 0" + sep + "while i < 3 do i = i + 1 local w = i" + sep + "if i == 3 then " + body + " end" + sep + "end")
	case 8:
		b.WriteString("local i = 0" + sep + "repeat local r = i i = i + 1" + sep + "if i == 2 then " + body + " end" + sep + "until i > 3")
	case 9:
		b.WriteString("local obj = {v = " + g.value() + "}" + sep + "function obj:m(q)" + sep + "local s = self" + sep + "return s.v + q.x end" + sep + "return obj:m(" + g.operand() + ")")
	case 10:
		b.WriteString("local x, y = " + g.operand() + ", " + g.operand() + sep + "local r = {x, y, " + g.operand() + "}" + sep + body)
	case 11:
		g.ups, g.names = g.names, nil
		inner := g.failing()
		b.WriteString("local function outer()" + sep + "local q = " + g.value() + sep + "return (function() " + inner + " end)()" + sep + "end" + sep + "return outer()")
	case 0:
		b.WriteString("do local inner = " + g.value() + sep + body + sep + "end")
	case 1:
		b.WriteString("if t then local m = 1" + sep + body + sep + "else local n = 2 end")
	case 2:
		b.WriteString("for i = 1, 2 do local v = i" + sep + "if i == 2 then " + body + " end" + sep + "end")
	case 3:
		b.WriteString("for key, val in pairs({x = 1}) do" + sep + body + sep + "end")
	case 4:
		g.ups, g.names = g.names, []string{"p"}
		body = g.failing()
		b.WriteString("local function f(p)" + sep + body + sep + "end" + sep + "return f(" + g.value() + ")")
	case 5:
		b.WriteString("local ok, e = pcall(function()" + sep + body + sep + "end)" + sep + "return {ok, e}")
	default:
		b.WriteString(body)
	}
	return b.String()
}

// TestLua51RandomErrors compares random failing scripts with the live
// server, replies and error texts byte for byte.
func TestLua51RandomErrors(t *testing.T) {
	live := redistest.Dial(t)
	e := New()
	g := &l51Gen{r: rand.New(rand.NewSource(l51Seed(51)))}
	n := 1500
	if testing.Short() {
		n = 200
	}
	bad := 0
	for i := 0; i < n; i++ {
		script := g.script()
		want := l51Show(live.Do(t, "EVAL", script, "1", "k1", "a1"))
		got := l51Show(l51EvalArgs(e, script, []string{"k1"}, []string{"a1"}))
		if want != got {
			bad++
			if bad <= 20 {
				t.Errorf("script %q\nredis: %s\nlocal: %s", script, want, got)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d scripts differ", bad, n)
	}
}

// l51Quote writes s as a Lua string literal with decimal escapes.
func l51Quote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' {
			b.WriteByte(c)
		} else {
			b.WriteString(fmt.Sprintf("\\%03d", c))
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// TestLua51RandomFormat compares string.format with random conversions.
func TestLua51RandomFormat(t *testing.T) {
	live := redistest.Dial(t)
	e := New()
	r := rand.New(rand.NewSource(l51Seed(7)))
	nums := []string{"0", "1", "-1", "7", "42", "-42", "255", "3.14159", "-2.5", "0.5", "1/3", "2/3", "1e10", "1e15", "1e16", "1e20", "1e-5", "1e-4", "123456", "1234567",
		"9.9999995", "0.000123456", "2^53", "2^63", "-2^63", "2^64", "1e300", "5e-324", "1/0", "-1/0", "0/0", "-(0/0)", "-z", "65", "'12'", "' 0x1f '", "99.5", "0.05", "100", "1e100"}
	strs := []string{"''", "'a'", "'hello'", "'hello world'", "'\\0x'", "'x\\0'", "'a\\nb'", "'\"q\"'", "'\\\\'", "'\\r'", "'\\200\\255'", "12", "1.5"}
	bad := 0
	n := 1500
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		var f strings.Builder
		var args []string
		for k, items := 0, 1+r.Intn(3); k < items; k++ {
			if r.Intn(3) == 0 {
				f.WriteString([]string{"x", "-", " ", "%%", "ab"}[r.Intn(5)])
			}
			f.WriteByte('%')
			for _, fl := range "-+ #0" {
				if r.Intn(5) == 0 {
					f.WriteRune(fl)
				}
			}
			if r.Intn(2) == 0 {
				f.WriteString(strconv.Itoa(r.Intn(25)))
			}
			if r.Intn(2) == 0 {
				f.WriteString("." + strconv.Itoa(r.Intn(20)))
			}
			conv := "diouxXeEfgGcsq"[r.Intn(14)]
			f.WriteByte(conv)
			switch conv {
			case 's', 'q':
				if r.Intn(3) == 0 {
					args = append(args, nums[r.Intn(len(nums))])
				} else {
					args = append(args, strs[r.Intn(len(strs))])
				}
			case 'c':
				args = append(args, strconv.Itoa(r.Intn(300)-20))
			default:
				args = append(args, nums[r.Intn(len(nums))])
			}
		}
		// -z: a negative zero made at run time (a constant -0.0 would
		// share its slot with any 0 constant, in Lua 5.1 as in
		// gopher-lua, but not the same way).
		script := "local z = 0 return string.format(" + l51Quote(f.String())
		for _, a := range args {
			script += ", " + a
		}
		script += ")"
		want := l51Show(live.Do(t, "EVAL", script, "0"))
		got := l51Show(l51Eval(e, script))
		if want != got {
			bad++
			if bad <= 20 {
				t.Errorf("script %s\nredis: %s\nlocal: %s", script, want, got)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d scripts differ", bad, n)
	}
}

// TestLua51RandomPatterns compares find, match, gmatch and gsub with
// random patterns and subjects.
func TestLua51RandomPatterns(t *testing.T) {
	live := redistest.Dial(t)
	e := New()
	r := rand.New(rand.NewSource(l51Seed(9)))
	items := []string{"a", "b", ".", "%a", "%d", "%s", "%w", "%p", "%u", "%l", "%x", "%c", "%z", "%A", "%D", "%S", "%W",
		"[ab]", "[^ab]", "[a-c]", "[%d_]", "[%a%-]", "[]a]", "[^]]", "%.", "%%", "%(", "x", "1", " ", "-", "[\\0-\\31]", "[\\128-\\255]"}
	quants := []string{"", "", "", "*", "+", "-", "?"}
	specials := []string{"()", "(", ")", "%1", "%b()", "%bab", "%f[%a]", "%f[%A]", "^", "$", "%"}
	alphabet := "aabbc1 2x_-().%]\x00\x80\xff"
	bad := 0
	n := 2000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		var p strings.Builder
		if r.Intn(4) == 0 {
			p.WriteByte('^')
		}
		open := 0
		for k, cnt := 0, 1+r.Intn(5); k < cnt; k++ {
			switch {
			case r.Intn(8) == 0:
				sp := specials[r.Intn(len(specials))]
				p.WriteString(sp)
			case r.Intn(6) == 0:
				p.WriteByte('(')
				open++
			case open > 0 && r.Intn(4) == 0:
				p.WriteByte(')')
				open--
			default:
				p.WriteString(items[r.Intn(len(items))] + quants[r.Intn(len(quants))])
			}
		}
		for ; open > 0 && r.Intn(5) != 0; open-- {
			p.WriteByte(')')
		}
		if r.Intn(5) == 0 {
			p.WriteByte('$')
		}
		subj := make([]byte, r.Intn(16))
		for k := range subj {
			subj[k] = alphabet[r.Intn(len(alphabet))]
		}
		pat, s := l51Quote(p.String()), l51Quote(string(subj))
		var script string
		switch r.Intn(5) {
		case 0:
			script = "return {string.find(" + s + ", " + pat + ", " + strconv.Itoa(r.Intn(8)-3) + ")}"
		case 1:
			script = "return {string.match(" + s + ", " + pat + ")}"
		case 2:
			script = "local t = {} for a, b in string.gmatch(" + s + ", " + pat + ") do t[#t + 1] = tostring(a) .. '|' .. tostring(b) if #t > 50 then break end end return t"
		case 3:
			repl := []string{"'<%0>'", "'%1'", "'[%2]'", "'x'", "'%%'", "{a = 'A', b = false}", "function(a, b) return b end", "string.upper"}[r.Intn(8)]
			script = "return {string.gsub(" + s + ", " + pat + ", " + repl + ")}"
		default:
			script = "return {string.gsub(" + s + ", " + pat + ", '-', " + strconv.Itoa(r.Intn(4)) + ")}"
		}
		want := l51Show(live.Do(t, "EVAL", script, "0"))
		got := l51Show(l51Eval(e, script))
		if want != got {
			bad++
			if bad <= 20 {
				t.Errorf("script %s\nredis: %s\nlocal: %s", script, want, got)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d scripts differ", bad, n)
	}
}

// TestLua51RandomSort compares table.sort, orders and errors, with
// consistent and inconsistent comparison functions.
func TestLua51RandomSort(t *testing.T) {
	live := redistest.Dial(t)
	e := New()
	r := rand.New(rand.NewSource(l51Seed(5)))
	cmps := []string{"", "function(a, b) return a < b end", "function(a, b) return a > b end", "function(a, b) return a <= b end",
		"function(a, b) return a >= b end", "function(a, b) return true end", "function(a, b) return false end",
		"function(a, b) return (a * 7 + b * 3) % 5 < 2 end", "function(a, b) return a % 3 < b % 3 end",
		"function(a, b) calls = calls + 1 return a < b end"}
	bad := 0
	n := 600
	if testing.Short() {
		n = 100
	}
	for i := 0; i < n; i++ {
		size := r.Intn(40)
		var elems []string
		for k := 0; k < size; k++ {
			elems = append(elems, strconv.Itoa(r.Intn(size/2+2)))
		}
		cmp := cmps[r.Intn(len(cmps))]
		args := "t"
		if cmp != "" {
			args += ", " + cmp
		}
		script := "local calls = 0 local t = {" + strings.Join(elems, ", ") + "} local ok, err = pcall(table.sort, " + args + ") return {ok and 'ok' or err, calls, unpack(t)}"
		want := l51Show(live.Do(t, "EVAL", script, "0"))
		got := l51Show(l51Eval(e, script))
		if want != got {
			bad++
			if bad <= 10 {
				t.Errorf("script %s\nredis: %s\nlocal: %s", script, want, got)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d scripts differ", bad, n)
	}
}

// TestLua51RandomTonumber compares tonumber with random texts and bases.
func TestLua51RandomTonumber(t *testing.T) {
	live := redistest.Dial(t)
	e := New()
	r := rand.New(rand.NewSource(l51Seed(3)))
	pieces := []string{"0", "1", "7", "9", "a", "f", "F", "z", "Z", "x", "0x", "-", "+", " ", "\t", ".", "e", "E", "p", "inf", "nan", "10", "ff", "1e5", "\x00", "g"}
	bases := []string{"", "10", "2", "8", "16", "36", "'16'", "10.5", "3"}
	bad := 0
	n := 1500
	if testing.Short() {
		n = 200
	}
	for i := 0; i < n; i++ {
		var s strings.Builder
		for k, cnt := 0, r.Intn(5); k < cnt; k++ {
			s.WriteString(pieces[r.Intn(len(pieces))])
		}
		base := bases[r.Intn(len(bases))]
		call := "tonumber(" + l51Quote(s.String())
		if base != "" {
			call += ", " + base
		}
		call += ")"
		script := "local v = " + call + " return {type(v), tostring(v)}"
		want := l51Show(live.Do(t, "EVAL", script, "0"))
		got := l51Show(l51Eval(e, script))
		if want != got {
			bad++
			if bad <= 10 {
				t.Errorf("script %s\nredis: %s\nlocal: %s", script, want, got)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d scripts differ", bad, n)
	}
}

// TestLua51GopherLayout checks that the gopher-lua internals the
// translator reads (by reflection) are there: a frame's pc and argument
// count, the "error handler active" flag, the list of open upvalues and a
// table's key index. If gopher-lua changes them, the error wording falls
// back to names-less messages and this test says why.
func TestLua51GopherLayout(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	require.NotNil(t, l51HandlerFlag(L), "LState.hasErrorFunc")
	head := reflect.ValueOf(L).Elem().FieldByName("uvcache")
	require.True(t, head.IsValid(), "LState.uvcache")
	require.Equal(t, l51UpvalueType, head.Type())
	uv := reflect.TypeOf(lua.Upvalue{})
	f, ok := uv.FieldByName("index")
	require.True(t, ok, "Upvalue.index")
	require.Equal(t, reflect.Int, f.Type.Kind())
	f, ok = uv.FieldByName("next")
	require.True(t, ok, "Upvalue.next")
	require.Equal(t, l51UpvalueType, f.Type)
	tv := reflect.TypeOf(lua.LTable{})
	_, ok = tv.FieldByName("k2i")
	require.True(t, ok, "LTable.k2i")
	_, ok = tv.FieldByName("array")
	require.True(t, ok, "LTable.array")

	var pc, nargs, base int
	L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
		g, ok := l51FrameAt(L, 0)
		require.True(t, ok)
		nargs, base = g.nargs, g.localBase
		f, ok := l51FrameAt(L, 1)
		require.True(t, ok)
		pc = f.pc
		return 0
	}))
	require.NoError(t, L.DoString("local a = 1\nprobe(1, 2, 3)"))
	require.Equal(t, 3, nargs)
	require.Greater(t, pc, 0)
	require.Greater(t, base, 0)
}

func TestLua51Strtoul(t *testing.T) {
	for _, c := range []struct {
		s    string
		base int
		n    uint64
		end  int
	}{
		{"ff", 16, 255, 2},
		{"0xff", 16, 255, 4},
		{"0x", 16, 0, 1},
		{"0xg", 16, 0, 1},
		{"  -11", 2, math.MaxUint64 - 2, 5},
		{"+7", 8, 7, 2},
		{"z", 36, 35, 1},
		{"12", 2, 1, 1},
		{"", 10, 0, 0},
		{"-", 10, 0, 0},
		{"1ffffffffffffffff", 16, math.MaxUint64, 17},
		{"-1ffffffffffffffff", 16, math.MaxUint64, 18},
	} {
		n, end := l51Strtoul(c.s, c.base)
		assert.Equal(t, c.n, n, "%q base %d", c.s, c.base)
		assert.Equal(t, c.end, end, "%q base %d", c.s, c.base)
	}
}

func TestLua51Symbexec(t *testing.T) {
	p, _, err := compile("local t = {}\nlocal x = t.a\nreturn x + KEYS", "user_script", true)
	require.NoError(t, err)
	var add int
	for pc, i := range p.Code {
		if l51Op(i) == lua.OP_ADD {
			add = pc
		}
	}
	tr := &l51Translator{}
	// The global operand was loaded by GETGLOBAL; the local is a local.
	rk := l51C(p.Code[add])
	require.Zero(t, rk&l51BitRK)
	kind, name := tr.objName(p, add, rk, 0)
	assert.Equal(t, "global", kind)
	assert.Equal(t, "KEYS", name)
	kind, name = tr.objName(p, add, l51B(p.Code[add]), 0)
	assert.Equal(t, "local", kind)
	assert.Equal(t, "x", name)
}

func TestLua51FormatSpec(t *testing.T) {
	for _, c := range []struct {
		spec l51Spec
		f    float64
		conv byte
		want string
	}{
		{l51Spec{width: -1, prec: -1}, 1.0 / 3, 'g', "0.333333"},
		{l51Spec{width: -1, prec: -1}, 1234567, 'g', "1.23457e+06"},
		{l51Spec{width: -1, prec: 2, alt: true}, 99.5, 'g', "1.e+02"},
		{l51Spec{width: -1, prec: 2, alt: true}, 9.96, 'g', "10."},
		{l51Spec{width: 8, prec: 2, zero: true}, -3.14159, 'f', "-0003.14"},
		{l51Spec{width: 6, prec: -1, zero: true}, math.Inf(1), 'f', "   inf"},
		{l51Spec{width: -1, prec: -1}, math.Float64frombits(0xfff8000000000000), 'e', "-nan"},
		{l51Spec{width: -1, prec: 0, alt: true}, 4, 'f', "4."},
		{l51Spec{width: -1, prec: -1}, 5e-324, 'g', "4.94066e-324"},
	} {
		assert.Equal(t, c.want, c.spec.formatFloat(c.f, c.conv), "%+v %v %c", c.spec, c.f, c.conv)
	}
	assert.Equal(t, "0x00ff", l51Spec{width: 6, prec: -1, zero: true, alt: true}.formatUint(255, 'x'))
	assert.Equal(t, "", l51Spec{width: -1, prec: 0}.formatUint(0, 'x'))
	assert.Equal(t, "0", l51Spec{width: -1, prec: 0, alt: true}.formatUint(0, 'o'))
	assert.Equal(t, "+007", l51Spec{width: -1, prec: 3, plus: true}.formatInt(7))
	assert.Equal(t, "-9223372036854775808", l51Spec{width: -1, prec: -1}.formatInt(math.MinInt64))
}

// TestLua51Locals checks the scopes recomputed for a function whose
// registers are reused, where gopher-lua's own records are wrong.
func TestLua51Locals(t *testing.T) {
	code := "do local a = 1 end\nlocal b, c = 2\nfor i = 1, 2 do local d = i end\nlocal e\nreturn e"
	e := New()
	s, err := e.Load(code)
	require.NoError(t, err)
	e.state.script = s
	e.run = &e.state
	defer func() { e.run = nil }()
	tr := &l51Translator{e: e}
	vars := tr.locals(s.fn.Proto)
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.name
		assert.LessOrEqual(t, v.start, v.end+1, v.name)
	}
	assert.Equal(t, []string{"a", "b", "c", "(for index)", "(for limit)", "(for step)", "i", "d", "e"}, names)
	// a ends before b starts (both use register 0).
	assert.Less(t, vars[0].end, vars[1].start)
	// The last instruction sees b, c and e, not the loop's locals.
	last := len(s.fn.Proto.Code) - 1
	for reg, want := range []string{"b", "c", "e"} {
		name, ok := tr.localName(s.fn.Proto, reg, last)
		assert.True(t, ok)
		assert.Equal(t, want, name)
	}
	_, ok := tr.localName(s.fn.Proto, 3, last)
	assert.False(t, ok)
}

// FuzzLua51Patterns runs the matcher on random patterns and subjects:
// errors are Lua errors, never Go panics.
func FuzzLua51Patterns(f *testing.F) {
	for _, s := range []string{"%b()", "(()", "%f[%a]", "[^%]]", "(a)%1", "()%1", "%", "[a-", "^$", "(.-)x$"} {
		f.Add(s, "abc(d)e")
	}
	e := New()
	f.Fuzz(func(t *testing.T, pat, subj string) {
		if len(pat) > 40 || len(subj) > 40 {
			return
		}
		L := e.L
		for _, fn := range []string{"find", "match", "gsub"} {
			L.SetTop(0)
			L.Push(L.GetField(L.GetGlobal("string"), fn))
			L.Push(lua.LString(subj))
			L.Push(lua.LString(pat))
			if fn == "gsub" {
				L.Push(lua.LString("<%0>"))
			}
			if err := L.PCall(L.GetTop()-1, lua.MultRet, nil); err != nil {
				if strings.Contains(err.Error(), "runtime error") {
					t.Fatalf("%s(%q, %q): %v", fn, subj, pat, err)
				}
			}
		}
	})
}

// FuzzLua51Format runs string.format on random formats: errors are Lua
// errors, never Go panics.
func FuzzLua51Format(f *testing.F) {
	for _, s := range []string{"%5.2f", "%-#0 +5d", "%q", "%99.99f", "%c", "%", "%5%", "%.0g"} {
		f.Add(s, 3.25)
	}
	e := New()
	f.Fuzz(func(t *testing.T, format string, x float64) {
		if len(format) > 40 {
			return
		}
		L := e.L
		L.SetTop(0)
		L.Push(L.GetField(L.GetGlobal("string"), "format"))
		L.Push(lua.LString(format))
		for i := 0; i < 4; i++ {
			L.Push(lua.LNumber(x))
		}
		if err := L.PCall(5, 1, nil); err != nil && strings.Contains(err.Error(), "runtime error") {
			t.Fatalf("format(%q, %v): %v", format, x, err)
		}
	})
}

func BenchmarkLua51Tonumber(b *testing.B) {
	for _, c := range []struct {
		name string
		fn   lua.LGFunction
	}{{"lua51", func(L *lua.LState) int { return l51Tonumber(L, &numberBoxes{}) }}} {
		b.Run(c.name, func(b *testing.B) {
			L := lua.NewState()
			defer L.Close()
			fn := L.NewFunction(c.fn)
			b.ReportAllocs()
			for b.Loop() {
				L.Push(fn)
				L.Push(lua.LString("1000000000000"))
				L.Call(1, 1)
				L.Pop(1)
			}
		})
	}
}
