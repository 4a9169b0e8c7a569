package luabind

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSyntax51 checks the checker's verdicts and messages against those of
// redis-server 7.0.15 (recorded; lua51_syntax.txt compares them live).
func TestSyntax51(t *testing.T) {
	for _, tc := range []struct{ code, want string }{
		{"if x then", "user_script:1: 'end' expected near '<eof>'"},
		{"return \"abc", "user_script:1: unfinished string near '<eof>'"},
		{"x", "user_script:1: '=' expected near '<eof>'"},
		{"local x = = 1", "user_script:1: unexpected symbol near '='"},
		{"return 1 +", "user_script:1: unexpected symbol near '<eof>'"},
		{"return + 1", "user_script:1: unexpected symbol near '+'"},
		{"return 1e", "user_script:1: malformed number near '1e'"},
		{"local function (", "user_script:1: '<name>' expected near '('"},
		{"function f() return 1", "user_script:1: 'end' expected near '<eof>'"},
		{"f\\n(1)", "user_script:2: ambiguous syntax (function call x new statement) near '('"},
		{"return ...", ""},
		{"return select('#', ...)", ""},
		{"return [[abc", "user_script:1: unfinished long string near '<eof>'"},
		{"return \"\\q\"", ""},
		{"goto x", "user_script:1: '=' expected near 'x'"},
		{"::a::", "user_script:1: unexpected symbol near ':'"},
		{"return 1 // 2", "user_script:1: unexpected symbol near '/'"},
		{"return 1 & 2", "user_script:1: '<eof>' expected near '&'"},
		{"return \"\\z  a\"", ""},
		{"return \"\\x41\"", ""},
		{"x = 1 2", "user_script:1: unexpected symbol near '2'"},
		{"return 08", ""},
		{"return 0x", "user_script:1: malformed number near '0x'"},
		{"return 1..2", "user_script:1: malformed number near '1..2'"},
		{"for i=1 do end", "user_script:1: ',' expected near 'do'"},
		{"local t = {1,2", "user_script:1: '}' expected near '<eof>'"},
		{"return \"a\\nb\"", "user_script:1: unfinished string near '\"a'"},
		{"a.b:c = 1", "user_script:1: function arguments expected near '='"},
		{"return (1)(2)", ""},
		{"x, y() = 1", "user_script:1: syntax error near '='"},
		{"return ~1", "user_script:1: unexpected symbol near '~'"},
		{"return 3 >> 1", "user_script:1: unexpected symbol near '>'"},
		{"break", "user_script:1: no loop to break near '<eof>'"},
		{"return; return", "user_script:1: '<eof>' expected near 'return'"},
		{"return 1 x = 1", "user_script:1: '<eof>' expected near 'x'"},
		{"repeat local x = 1 until x", ""},
		{"return #", "user_script:1: unexpected symbol near '<eof>'"},
		{"while true do", "user_script:1: 'end' expected near '<eof>'"},
		{"return [=[ x ]]", "user_script:1: unfinished long string near '<eof>'"},
		{"--[[ unfinished", "user_script:1: unfinished long comment near '<eof>'"},
		{"return \"\\300\"", "user_script:1: escape sequence too large near '\"'"},
		{"return \"\\9999\"", "user_script:1: escape sequence too large near '\"'"},
		{"local a <const> = 1", "user_script:1: unexpected symbol near '<'"},
		{"return 1e+", "user_script:1: malformed number near '1e+'"},
		{"return .5", ""},
		{"return 5.", ""},
		{"return 3..4", "user_script:1: malformed number near '3..4'"},
		{"return @", "user_script:1: unexpected symbol near '@'"},
		{"return $", "user_script:1: unexpected symbol near '$'"},
		{"a = {[1] 2}", "user_script:1: '=' expected near '2'"},
		{"return function() end()", "user_script:1: '<eof>' expected near '('"},
		{"return {...}", ""},
		{"function a.b:c.d() end", "user_script:1: '(' expected near '.'"},
		{"local a.b = 1", "user_script:1: unexpected symbol near '.'"},
		{"for a,b in pairs({}) do end for x do end", "user_script:1: '=' or 'in' expected near 'do'"},
		{"return nil.x", "user_script:1: '<eof>' expected near '.'"},
		{"return (\"x\")()", ""},
		{"function f(a, ..., b) end", "user_script:1: ')' expected near ','"},
		{"function f(1) end", "user_script:1: <name> or '...' expected near '1'"},
		{"return [==x", "user_script:1: invalid long string delimiter near '[=='"},
		{"return \"abc\\300def\"", "user_script:1: escape sequence too large near '\"abc'"},
		{"if x then\\nelse\\n  y = 1\\n", "user_script:4: 'end' expected (to close 'if' at line 1) near '<eof>'"},
		{"local t = {\\n1,\\n2\\n", "user_script:4: '}' expected (to close '{' at line 1) near '<eof>'"},
		{"f(\\n1,\\n2", "user_script:3: ')' expected (to close '(' at line 1) near '<eof>'"},
		{"do\\nx = 1", "user_script:2: 'end' expected (to close 'do' at line 1) near '<eof>'"},
		{"return (1\\n+2", "user_script:2: ')' expected (to close '(' at line 1) near '<eof>'"},
		{"while true do local function f() break end end return 1", "user_script:1: no loop to break near 'end'"},
		{"return 0x1p-4", "user_script:1: malformed number near '0x1p'"},
		{"return 1.5e3x", "user_script:1: malformed number near '1.5e3x'"},
		{"return \"\\\\\"", ""},
		{"return '\\''", ""},
		{"return 'a\\\\\\nb'", "user_script:1: unfinished string near ''a\\'"},
		{"x = 1;;", "user_script:1: unexpected symbol near ';'"},
		{"return 0x10, 1e2, 0X1F", ""},
		{"return 1 --[==[ comment ]==] + 1", ""},
		{"return \\1", "user_script:1: unexpected symbol near '\\'"},
		{"return \"\\0001\"", ""},
		{"return 0x1p4", ""},
		{"return 0x1.8", "user_script:1: '<eof>' expected near '.8'"},
		{"return 0X1P-2 + 0", "user_script:1: malformed number near '0X1P'"},
		{"return 1e500 > 0", ""},
		{"return tostring(1e500)", ""},
		{"return tostring(0x7fffffffffffffffff)", ""},
		{"return tostring(0xffffffffffffffff)", ""},
		{"return tostring(1e-400)", ""},
		{"return tostring(.5e1)", ""},
		{"return tostring(5.e1)", ""},
		{"return tostring(0x.8p1)", "user_script:1: malformed number near '0x'"},
		{"return 1E2", ""},
		{"return tostring(00012)", ""},
		{"return select('#', ...)", ""},
		{"return {...}", ""},
		{"return #{...}", ""},
		{"return 1 --[[ a [[ b ]]", ""},
		{"return [==[ [[ ]] ]==]", ""},
		{"(x) = 1", "user_script:1: syntax error near '='"},
		{"(x).y = 1", ""},
		{"f() = 1", "user_script:1: unexpected symbol near '='"},
	} {
		code := strings.ReplaceAll(tc.code, `\n`, "\n")
		assert.Equal(t, tc.want, syntax51(code, "user_script", 0).msg, tc.code)
	}
}

// TestSyntax51Limits checks the nesting and local variable limits, the
// "..." report and the numerals rewritten for gopher-lua.
func TestSyntax51Limits(t *testing.T) {
	nest := func(n int) string { return "return " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) }
	assert.Equal(t, "", syntax51(nest(198), "user_script", 0).msg)
	assert.Equal(t, "user_script:1: chunk has too many syntax levels", syntax51(nest(199), "user_script", 0).msg)
	assert.Equal(t, "user_script:1: chunk has too many syntax levels", syntax51(nest(198), "user_script", 1).msg)
	locals := func(n int) string {
		names := make([]string, n)
		for i := range names {
			names[i] = "a" + strings.Repeat("x", i)
		}
		return "local " + strings.Join(names, ",")
	}
	assert.Equal(t, "", syntax51(locals(200), "user_script", 0).msg)
	assert.Equal(t, "user_script:1: main function has more than 200 local variables", syntax51(locals(201), "user_script", 0).msg)
	assert.Equal(t, "user_script:2: function at line 1 has more than 200 local variables",
		syntax51("function f()\n"+locals(201)+" end", "user_script", 0).msg)

	assert.True(t, syntax51("return ...", "user_script", 0).dots)
	assert.False(t, syntax51("return function(...) return ... end", "user_script", 0).dots)

	for code, want := range map[string]string{
		"return 1, 0x10, 1.5e3":            "",
		"return 012":                       "return 12",
		"return 0x1p4 + 0X8P3":             "return 16 + 64",
		"return 1e500, 1e-400":             "return (1/0), 0",
		"return 0xffffffffffffffff - 1":    "return 1.8446744073709552e+19 - 1",
		"return '012' .. [[0x1p4]] -- 012": "",
	} {
		assert.Equal(t, want, syntax51(code, "user_script", 0).code, code)
	}
}

// benchScript is a script of the usual kind, to compare the cost of the
// syntax check with that of compiling.
const benchScript = `local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
for i = 1, #ARGV do
  if ARGV[i] == "x" then return {i, "found", 1.5e3} end
end
local t = {a = 1, [2] = "b", 3}
return redis.call('ZCARD', KEYS[1]) .. t.a`

func BenchmarkSyntax51(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if r := syntax51(benchScript, "user_script", 0); r.msg != "" {
			b.Fatal(r.msg)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := compile(benchScript, "user_script", true); err != nil {
			b.Fatal(err)
		}
	}
}
