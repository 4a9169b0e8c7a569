package luabind

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/racefree/racefree/internal/redistest"
	"github.com/racefree/racefree/resp"
)

// The cjson tests are differential: every script runs with EVAL on the live
// redis-server (after SCRIPT FLUSH, so configuration calls do not leak
// between cases) and on a bare local gopher-lua state with the cjson
// library, and the replies must be the same. Scripts return strings the
// library produced (cjson.encode output, error messages) so the comparison
// is byte-exact without relying on gopher-lua's number formatting.

// cjsonState is a bare Lua state with the libraries the tests use (base,
// table, string, math, coroutine) plus cjson, and ARGV.
func cjsonState(argv []string) *lua.LState {
	L := lua.NewState(lua.Options{SkipOpenLibs: true, CallStackSize: 4096, RegistrySize: 1 << 16})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	openCjson(L)
	a := L.NewTable()
	for i, s := range argv {
		a.RawSetInt(i+1, lua.LString(s))
	}
	L.SetGlobal("ARGV", a)
	return L
}

// cjsonLocal runs script locally and returns its first result as a RESP2
// client would see it; an uncaught error becomes an error reply holding
// the Lua error message.
func cjsonLocal(t testing.TB, script string, argv ...string) resp.Value {
	t.Helper()
	L := cjsonState(argv)
	defer L.Close()
	fn, err := L.Load(strings.NewReader(script), "user_script")
	if err != nil {
		t.Fatalf("local compile of %q: %v", script, err)
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		var ae *lua.ApiError
		if errors.As(err, &ae) {
			if ae.Type == lua.ApiErrorPanic {
				t.Fatalf("Go panic running %q: %v", script, ae.Object)
			}
			return resp.Value{Kind: resp.KindError, Str: ae.Object.String()}
		}
		return resp.Value{Kind: resp.KindError, Str: err.Error()}
	}
	return cjsonReply(L.Get(-1))
}

// cjsonReply converts a Lua value as Redis does for a RESP2 client.
func cjsonReply(v lua.LValue) resp.Value {
	switch x := v.(type) {
	case lua.LString:
		return resp.Value{Kind: resp.KindBulk, Str: string(x)}
	case lua.LNumber:
		f := float64(x)
		if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
			return resp.Value{Kind: resp.KindInt, Int: math.MinInt64}
		}
		return resp.Value{Kind: resp.KindInt, Int: int64(f)}
	case lua.LBool:
		if x {
			return resp.Value{Kind: resp.KindInt, Int: 1}
		}
	case *lua.LTable:
		if e, ok := x.RawGetString("err").(lua.LString); ok {
			return resp.Value{Kind: resp.KindError, Str: string(e)}
		}
		if s, ok := x.RawGetString("ok").(lua.LString); ok {
			return resp.Value{Kind: resp.KindStatus, Str: string(s)}
		}
		out := resp.Value{Kind: resp.KindArray}
		for i := 1; ; i++ {
			e := x.RawGetInt(i)
			if e == lua.LNil {
				break
			}
			out.Elems = append(out.Elems, cjsonReply(e))
		}
		return out
	}
	return resp.Value{Kind: resp.KindNullBulk}
}

// cjsonServer runs script with EVAL on a freshly flushed scripting VM. An
// error reply keeps only the Lua message: "ERR " and the " script: ..."
// suffix are removed.
func cjsonServer(t testing.TB, c *redistest.Conn, script string, argv ...string) resp.Value {
	t.Helper()
	if r := c.Do(t, "SCRIPT", "FLUSH"); r.Kind != resp.KindStatus {
		t.Fatalf("SCRIPT FLUSH: %v", r)
	}
	v := c.Do(t, append([]string{"EVAL", script, "0"}, argv...)...)
	if v.Kind == resp.KindError {
		v.Str = strings.TrimPrefix(v.Str, "ERR ")
		if i := strings.LastIndex(v.Str, " script: "); i >= 0 {
			v.Str = v.Str[:i]
		}
	}
	return v
}

// cjsonSame compares two replies.
func cjsonSame(a, b resp.Value) bool {
	if a.Kind != b.Kind || a.Str != b.Str || a.Int != b.Int || len(a.Elems) != len(b.Elems) {
		return false
	}
	for i := range a.Elems {
		if !cjsonSame(a.Elems[i], b.Elems[i]) {
			return false
		}
	}
	return true
}

type cjsonCase struct {
	script string
	argv   []string
}

// cjsonCompare runs every case on both sides and reports differences.
func cjsonCompare(t *testing.T, cases []cjsonCase) {
	t.Helper()
	c := redistest.Dial(t)
	t.Logf("%d differential cases", len(cases))
	for _, tc := range cases {
		want := cjsonServer(t, c, tc.script, tc.argv...)
		got := cjsonLocal(t, tc.script, tc.argv...)
		if !cjsonSame(want, got) {
			t.Errorf("script %q argv %q:\nredis: %s\nlocal: %s", tc.script, tc.argv, cjsonShort(want.String()), cjsonShort(got.String()))
		}
	}
}

func cjsonShort(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "...(" + strconv.Itoa(len(s)) + " bytes)"
	}
	return s
}

func cjsonScripts(scripts ...string) []cjsonCase {
	out := make([]cjsonCase, len(scripts))
	for i, s := range scripts {
		out[i] = cjsonCase{script: s}
	}
	return out
}

// cjsonTry wraps a Lua expression so the script returns its value, or
// "E: <message>" when it raises (the message keeps its position prefix).
func cjsonTry(expr string) string {
	return "local ok, v = pcall(function() return " + expr + " end) if ok then return v end return 'E: ' .. v"
}

// cjsonCanon defines canon(v), a rendering of a decoded value that does not
// depend on table order: keys sorted, numbers as %.17g, strings through
// cjson.encode, null as NULL.
const cjsonCanon = `local function canon(v)
  local tv = type(v)
  if tv == 'table' then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b)
      if type(a) ~= type(b) then return type(a) < type(b) end
      return a < b
    end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = canon(k) .. '=' .. canon(v[k]) end
    return '{' .. table.concat(parts, ',') .. '}'
  elseif tv == 'number' then
    if v ~= v then return 'nan' elseif v == 1/0 then return 'inf' elseif v == -1/0 then return '-inf' end
    return string.format('%.17g', v)
  elseif tv == 'string' then
    return cjson.encode(v)
  elseif v == cjson.null then
    return 'NULL'
  end
  return tv
end
`

func TestCjsonEncodeNumbers(t *testing.T) {
	var scripts []string
	for _, e := range []string{
		"1/3", "2^53", "-0", "-(0)", "0", "42", "-42", "1e15", "1e14", "1e16", "1234567890123456",
		"0.1", "-1.5e-7", "1e300", "2^63", "1e-5", "1e-4", "0.0001234", "123456789012345678",
		"-123.456", "3.14159265358979", "1e100", "5e-324", "1.7976931348623157e308", "100",
		"0.5", "-0.25", "255/256", "1/7", "2^-1074", "99999999999999", "999999999999999",
		"12345678901234", "123456789012345", "0.1+0.2", "1e21", "1e22", "-1e-300", "2^31", "2^32",
		"4294967295", "-2147483648", "1.5", "10/3", "2/3", "1e-10", "123e-20",
	} {
		scripts = append(scripts, "return cjson.encode("+e+")")
		scripts = append(scripts, "return cjson.encode({"+e+"})")
	}
	scripts = append(scripts,
		"local z = 0 return cjson.encode(-z)",
		"local z = 0 return cjson.encode({[1]=-z})",
		cjsonTry("cjson.encode(1/0)"),
		cjsonTry("cjson.encode(-1/0)"),
		cjsonTry("cjson.encode(0/0)"),
		cjsonTry("cjson.encode({1, 2, 1/0})"),
		cjsonTry("cjson.encode({a = 0/0})"),
		cjsonTry("cjson.encode({[1/0] = 1})"),
		cjsonTry("cjson.encode({[-1/0] = 1})"),
		"return cjson.encode(1e308*10 - 1e308*10 == 0)",
	)
	// A spread of values through every precision.
	nums := "{1/3, 2/3, 2^53, 1e15, 123456.789, 0.000123456789, 9.87654321e-20, 1e300, -0.5, 99.95, 1, 10, 100, 12345, 0.1, 2.5, 0.125, 3.5, 1e5, 123456789, 5e-324, 1.7976931348623157e308}"
	for p := 1; p <= 14; p++ {
		scripts = append(scripts, fmt.Sprintf("cjson.encode_number_precision(%d) return cjson.encode(%s)", p, nums))
	}
	// Generated values: products and quotients are exact IEEE operations in
	// both VMs.
	scripts = append(scripts, `local t = {}
local x = 1
for i = 1, 300 do
  x = x * 1.37 + i / 7
  if i % 3 == 0 then x = -x / 1000 end
  t[i] = x
end
return cjson.encode(t)`)
	scripts = append(scripts, `local t = {}
local x = 1
for i = 1, 300 do x = x * 10 t[#t+1] = x t[#t+1] = 1/x t[#t+1] = x/3 end
return cjson.encode(t)`)
	scripts = append(scripts, `cjson.encode_number_precision(3) local t = {}
local x = 1
for i = 1, 200 do x = x * 1.7 t[#t+1] = x t[#t+1] = 1/x end
return cjson.encode(t)`)
	cjsonCompare(t, cjsonScripts(scripts...))
}

func TestCjsonEncodeInvalidNumbers(t *testing.T) {
	cjsonCompare(t, cjsonScripts(
		"return cjson.encode({cjson.encode_invalid_numbers()})",
		"return cjson.encode({cjson.encode_invalid_numbers(true)})",
		"return cjson.encode({cjson.encode_invalid_numbers(false)})",
		"return cjson.encode({cjson.encode_invalid_numbers('on')})",
		"return cjson.encode({cjson.encode_invalid_numbers('off')})",
		"return cjson.encode({cjson.encode_invalid_numbers('null')})",
		"cjson.encode_invalid_numbers('null') return cjson.encode({cjson.encode_invalid_numbers()})",
		"cjson.encode_invalid_numbers(true) return cjson.encode({1/0, -1/0, 0/0, 1.5})",
		"cjson.encode_invalid_numbers('on') return cjson.encode(-(0/0))",
		"cjson.encode_invalid_numbers('null') return cjson.encode({1/0, -1/0, 0/0, 1.5})",
		"cjson.encode_invalid_numbers('null') return cjson.encode(1/0)",
		"cjson.encode_invalid_numbers('null') return cjson.encode({[1/0] = 1})",
		"cjson.encode_invalid_numbers(true) return cjson.encode({[1/0] = 1})",
		"cjson.encode_invalid_numbers(true) return cjson.encode({[-1/0] = 'x'})",
		"cjson.encode_invalid_numbers(true) cjson.encode_number_precision(3) return cjson.encode({1/0, 1/3})",
		"cjson.encode_invalid_numbers(true) cjson.encode_invalid_numbers(false) "+cjsonTry("cjson.encode(1/0)"),
		cjsonTry("cjson.encode_invalid_numbers('nan')"),
		cjsonTry("cjson.encode_invalid_numbers('ON')"),
		cjsonTry("cjson.encode_invalid_numbers(1)"),
		cjsonTry("cjson.encode_invalid_numbers(0)"),
		cjsonTry("cjson.encode_invalid_numbers({})"),
		cjsonTry("cjson.encode_invalid_numbers(cjson.null)"),
		cjsonTry("cjson.encode_invalid_numbers(true, 1)"),
		cjsonTry("cjson.encode_invalid_numbers('on\\0junk')"),
	))
}

func TestCjsonEncodeStrings(t *testing.T) {
	cjsonCompare(t, cjsonScripts(
		"return cjson.encode('')",
		"return cjson.encode('hello')",
		"return cjson.encode('a/b')",
		`return cjson.encode('"quoted"')`,
		`return cjson.encode('back\\slash')`,
		`return cjson.encode('\0\1\2\31\127')`,
		`return cjson.encode('line\nbreak\ttab\rcr\bbs\ffeed\vvt')`,
		`return cjson.encode('\194\169 \195\169 \230\151\165\230\156\172')`,
		`return cjson.encode('\255\254\128\129')`,
		"return cjson.encode(string.rep('x/', 5000))",
		"local s = {} for i = 0, 255 do s[#s+1] = string.char(i) end return cjson.encode(table.concat(s))",
		"local s = {} for i = 0, 255 do s[#s+1] = string.char(i) end return cjson.encode({[table.concat(s)] = table.concat(s)})",
		`return cjson.encode({['a/b'] = 'c\\d'})`,
		`return cjson.encode({['\0'] = '\0'})`,
		"return cjson.encode({'a', 'b', 'c'})",
	))
}

func TestCjsonEncodeTables(t *testing.T) {
	scripts := []string{
		"return cjson.encode({})",
		"return cjson.encode({1, 2, 3})",
		"return cjson.encode({{}, {}})",
		"return cjson.encode({{{}}})",
		"return cjson.encode({a = 1})",
		"return cjson.encode({a = {b = {c = {}}}})",
		"return cjson.encode({[1] = 1, [2] = 2, [4] = 4})",
		"return cjson.encode({[2] = 'b'})",
		"return cjson.encode({[10] = 1})",
		"return cjson.encode({[1] = 1, [2] = 2, [3] = 3, [4] = 4, [5] = 5, [11] = 1})",
		"return cjson.encode({[0] = 1})",
		"return cjson.encode({[-1] = 1})",
		"return cjson.encode({[1.5] = 1})",
		"return cjson.encode({[2^31] = 1})",
		"return cjson.encode({[3e9] = 1})",
		"return cjson.encode({[1e15] = 1})",
		"return cjson.encode({[2^53] = 1})",
		"return cjson.encode({[-2^31] = 1})",
		"return cjson.encode({['1'] = 1})",
		"return cjson.encode({true, false})",
		"return cjson.encode({cjson.null, 1})",
		"return cjson.encode({1, nil, 3})",
		"return cjson.encode({nil, nil, 3})",
		"return cjson.encode({n = cjson.null})",
		"return cjson.encode(nil)",
		"return cjson.encode(cjson.null)",
		"return cjson.encode(true)",
		"return cjson.encode(false)",
		"return cjson.encode({{1, {2, {3, {4}}}}})",
		"return cjson.encode({[1] = {}, [2] = {a = {}}})",
		"return cjson.encode(cjson.decode('[]'))",
		"return cjson.encode(cjson.decode('{}'))",
		"return cjson.encode(cjson.decode('[[],{}]'))",
		"local t = cjson.decode(cjson.encode({a = 1, b = 2, c = {1, 2}, d = 'x'})) return {t.a, t.b, t.c[2], t.d}",
		"local t = {} for i = 1, 100 do t[i] = i end return cjson.encode(t)",
		"local t = {} for i = 1, 100 do t[i * 2] = i end return cjson.encode(t)",
		"local t = {} for i = 1, 10 do t[i * 3] = i end " + cjsonTry("cjson.encode(t)"),
		"local t = {} for i = 1, 10 do t[i * 3] = i end cjson.encode_sparse_array(false, 3) return cjson.encode(t)",
		cjsonTry("cjson.encode({[1] = 1, [20] = 2})"),
		cjsonTry("cjson.encode({[11] = 1})"),
		cjsonTry("cjson.encode({[1] = 1, [2] = 2, [3] = 3, [11] = 1})"),
		cjsonTry("cjson.encode({[2^31 - 1] = 1})"),
		cjsonTry("cjson.encode({[true] = 1})"),
		cjsonTry("cjson.encode({[false] = 1})"),
		cjsonTry("cjson.encode({[{}] = 1})"),
		cjsonTry("cjson.encode({[cjson.null] = 1})"),
		cjsonTry("cjson.encode({[function() end] = 1})"),
		cjsonTry("cjson.encode({[coroutine.create(function() end)] = 1})"),
		cjsonTry("cjson.encode({f = function() end})"),
		cjsonTry("cjson.encode({co = coroutine.create(function() end)})"),
		cjsonTry("cjson.encode(function() end)"),
		cjsonTry("cjson.encode(cjson.encode)"),
		cjsonTry("cjson.encode(coroutine.create(function() end))"),
		cjsonTry("cjson.encode({1, 2, function() end})"),
		cjsonTry("cjson.encode({{{{{{function() end}}}}}})"),
		"local t = {} t[1] = t " + cjsonTry("cjson.encode(t)"),
		"local t = {} t.a = t " + cjsonTry("cjson.encode(t)"),
		// Read-only module tables can still be encoded as values: the
		// library table itself holds functions.
		cjsonTry("cjson.encode(setmetatable({}, {__index = function() return 1 end}))"),
		"return cjson.encode(setmetatable({1, 2}, {__len = function() return 10 end}))",
	}
	// Nesting limits.
	nest := func(n int, open, close, inner string) string {
		return "string.rep('" + open + "', " + strconv.Itoa(n) + ") .. '" + inner + "' .. string.rep('" + close + "', " + strconv.Itoa(n) + ")"
	}
	mk := `local function mk(n, key) local t = {} local c = t for i = 2, n do local x = {} c[key] = x c = x end return t end `
	scripts = append(scripts,
		mk+"return #cjson.encode(mk(1000, 1))",
		mk+cjsonTry("cjson.encode(mk(1001, 1))"),
		mk+cjsonTry("cjson.encode(mk(1001, 'a'))"),
		mk+"return #cjson.encode(mk(1000, 'a'))",
		mk+"cjson.encode_max_depth(3) return cjson.encode(mk(3, 1))",
		mk+"cjson.encode_max_depth(3) "+cjsonTry("cjson.encode(mk(4, 1))"),
		mk+"cjson.encode_max_depth(1) return cjson.encode({})",
		mk+"cjson.encode_max_depth(1) return cjson.encode(5)",
		mk+"cjson.encode_max_depth(1) "+cjsonTry("cjson.encode({{}})"),
		mk+"cjson.encode_max_depth(100000) return #cjson.encode(mk(7997, 1))",
		mk+"cjson.encode_max_depth(100000) "+cjsonTry("cjson.encode(mk(7998, 1))"),
		mk+"cjson.encode_max_depth(100000) return #cjson.encode(mk(3999, 'a'))",
		mk+"cjson.encode_max_depth(100000) "+cjsonTry("cjson.encode(mk(4000, 'a'))"),
		mk+"cjson.encode_max_depth(100000) local t = {} local c = t for i = 1, 3000 do local x = {} if i % 2 == 0 then c[1] = x else c.k = x end c = x end "+cjsonTry("#cjson.encode(t)"),
		mk+"cjson.encode_max_depth(100000) local t = {} local c = t for i = 1, 5300 do local x = {} if i % 2 == 0 then c[1] = x else c.k = x end c = x end "+cjsonTry("#cjson.encode(t)"),
		mk+"cjson.encode_max_depth(100000) local t = {} local c = t for i = 1, 5400 do local x = {} if i % 2 == 0 then c[1] = x else c.k = x end c = x end "+cjsonTry("#cjson.encode(t)"),
		"cjson.encode_max_depth(100000) local t = {} t[1] = t "+cjsonTry("cjson.encode(t)"),
		"cjson.encode_max_depth(100000) local t = {} t.a = t "+cjsonTry("cjson.encode(t)"),
		"return #cjson.encode(cjson.decode("+nest(1000, "[", "]", "")+"))",
	)
	// Sparse array configuration.
	for _, cfg := range []string{"", "true", "false", "true, 0", "false, 0", "nil, 1", "nil, 1, 0", "nil, 3, 0", "true, 2, 100", "nil, nil, 0", "true, 1, 0"} {
		for _, tbl := range []string{"{[20] = 2}", "{[1] = 1, [20] = 2}", "{[3] = 3}", "{[1] = 1, [3] = 3}", "{[1] = 1, [2] = 2, [3] = 3}", "{[12] = 1, [11] = 1, [10] = 1, [9] = 1, [8] = 1, [7] = 1}", "{[50] = true}"} {
			// A converted array is an object with several keys, whose
			// order differs between the VMs: compare those decoded.
			scripts = append(scripts, cjsonCanon+"cjson.encode_sparse_array("+cfg+") local ok, s = pcall(function() return cjson.encode("+tbl+") end)\n"+
				"if not ok then return 'E: ' .. s end if s:sub(1, 1) == '{' then return 'OBJ ' .. canon(cjson.decode(s)) end return s")
		}
	}
	cjsonCompare(t, cjsonScripts(scripts...))
}

func TestCjsonDecode(t *testing.T) {
	// The script decodes ARGV[1] and describes the result: the type and a
	// canonical rendering (sorted keys, numbers as %.17g), or the error.
	const describe = cjsonCanon + `local ok, v = pcall(cjson.decode, ARGV[1])
if not ok then return 'E: ' .. v end
return type(v) .. ' ' .. canon(v)`
	inputs := []string{
		`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `1.5`, `1e5`, `1E5`, `1e+5`, `1e-5`, `-1.5e-7`,
		`12345678901234567890`, `1e400`, `-1e400`, `1e-400`, `0.1`, `123.456e2`, `9007199254740993`,
		`4.9406564584124654e-324`, `2.2250738585072011e-308`, `1.7976931348623157e308`, `1.7976931348623159e308`,
		`0.000000000000000000000000000001`, `-0.0`, `-0e5`, `1e999999999999999999`, `1e-99999999999999`,
		`123456789012345678901234567890123456789012345678901234567890`,
		`0.1000000000000000055511151231257827021181583404541015625`,
		`"abc"`, `""`, `"\u0041"`, `"\u00e9"`, `"\u65e5"`, `"\ud83d\ude00"`, `"\uD83D\uDE00"`, `"\u0000"`,
		`"a\u0000b"`, `"\/\\\"\b\f\n\r\t"`, `"\u0080"`, `"\u07ff"`, `"\u0800"`, `"\uffff"`, `"\uFFFE"`,
		`"\uDBFF\uDFFF"`, `"\ud800\udc00"`, "\"a\tb\"", "\"\x01\x1f\"", "\"\xff\xfe\"", "\"日本\"",
		`[]`, `{}`, `[1,2,3]`, `[1,[2,[3]]]`, `{"a":1}`, `{"a":{"b":[1,{"c":null}]}}`, `[null]`,
		`[null,null]`, ` [ 1 , 2 ] `, "\t\n\r 1 \t\n\r", `{"a":1,"a":2}`, `{"1":1}`, `["\u00ff"]`,
		`{"a":1,"b":[true,false,null],"c":{"d":"e"}}`, `[[],{},[[]],[{}]]`, `{"":0}`,
		// Numbers JSON does not allow; accepted by default.
		`0x10`, `0X1F`, `-0x10`, `0x`, `0x.8`, `0x1p4`, `0x1.8p1`, `0xg`, `0x1P-2`, `0x1p`, `+1`, `+`, `+-1`,
		`01`, `-01`, `00`, `007.5`, `nan`, `NaN`, `-nan`, `NAN`, `inf`, `-inf`, `Infinity`, `-Infinity`,
		`INF`, `infinity`, `infinit`, `infx`, `nan(123)`, `nan(abc_1)`, `nan(`, `nan()`, `nanx`, `+inf`, `+nan`,
		`[0x10, +1, 01, nan, inf]`, `{"a":0x1F}`, `[-inf,-nan]`, `i`, `n`, `N`, `I`, `Inf`,
		// Malformed input.
		`1.`, `-.5`, `.5`, `5.e3`, `1e`, `1e+`, `1ee5`, `1.5.5`, `--1`, `-`, `-a`, `- 1`, `1 2`,
		`[1 2]`, `[1,]`, `[,1]`, `[1,,2]`, `{"a" 1}`, `{"a":}`, `{"a":1,}`, `{,}`, `{1:2}`,
		`{"a":1 "b":2}`, `{"a"}`, `{a:1}`, `[`, `]`, `{`, `}`, `:`, `,`, `"abc`, `"abc\`, `"\x"`,
		`"\u12"`, `"\u12g4"`, `"\ud800"`, `"\ud800\u0041"`, `"\udc00"`, `"\ud800\udbff"`, `"\ud800x"`,
		`"\ud800\`, `"\ud800\u"`, `"\ud800\ud`, `"\u`, `"\`, `tru`, `True`, `nul`, `NULL`, `falsey`,
		`truex`, `nullx`, `true false`, `x`, `@`, "\x80", "\xff", `[1]x`, ``, ` `, "\x00", "\x00\x00",
		"1\x00", "\x001", "1 \x00 junk", "\"a\x00b\"", "[1,\x00]", "[1]\x00x", `[[[[`, `]]]`, `{"a":[}`,
		`[{]`, `{"a":1}}`, `[]]`, `{"a":1]`, `[1}`, `{"a",1}`, `{"a"::1}`, `"\'"`, `"\a"`, `"\U0041"`,
		`/`, `//comment`, `/*c*/1`, `'a'`, `{"a":1}x`, `   `, "\v1", "\f1", `[1,2,3`, `{"a":{"b":`,
		`{"a":"b`, "[\"\u0001\"]", `1e5x`, `0.5e-3.2`, `-01.5`, `-0x`, `-0x1p3`, `-infinity`, `-Infinit`,
		"\xc3\xa9", `[true,false,null,1,"x",[],{}]`, `{"\u0000":1}`, `{"a\"b":1}`,
	}
	var cases []cjsonCase
	for _, in := range inputs {
		cases = append(cases, cjsonCase{script: describe, argv: []string{in}})
		cases = append(cases, cjsonCase{script: "cjson.decode_invalid_numbers(false) " + describe, argv: []string{in}})
	}
	cases = append(cases, cjsonScripts(
		"return cjson.decode('[1,null,3]')",
		"return cjson.decode('[1,2,3]')",
		"return cjson.decode('\"x\"')",
		"return cjson.decode('42.9')",
		"return cjson.decode('null')",
		"return {cjson.decode('null') == cjson.null}",
		"return type(cjson.decode('null'))",
		"return type(cjson.null)",
		"return cjson.encode({cjson.decode('true'), cjson.decode('false')})",
		"local t = cjson.decode('{\"a\":null}') return {t.a == cjson.null, type(t.a)}",
		"return cjson.decode(123)",
		"return cjson.encode(cjson.decode(1/3))",
		"return cjson.encode(cjson.decode(2^53))",
		"return cjson.encode(cjson.decode(-(0)))",
		"return cjson.encode(cjson.decode(1e300))",
		cjsonTry("cjson.decode(1/0)"),
		"cjson.encode_invalid_numbers(true) return cjson.encode(cjson.decode(1/0))",
		"cjson.encode_invalid_numbers(true) return cjson.encode(cjson.decode(-1/0))",
		"cjson.encode_invalid_numbers(true) cjson.decode_invalid_numbers(false) "+cjsonTry("cjson.decode(1/0)"),
		cjsonTry("cjson.decode()"),
		cjsonTry("cjson.decode('1', '2')"),
		cjsonTry("cjson.decode(nil)"),
		cjsonTry("cjson.decode(true)"),
		cjsonTry("cjson.decode({})"),
		cjsonTry("cjson.decode(function() end)"),
		cjsonTry("cjson.decode(cjson.null)"),
		cjsonTry("cjson.decode(coroutine.create(function() end))"),
		cjsonTry("cjson.decode('')"),
		cjsonTry("cjson.decode('[')"),
		"return cjson.decode('[')",
		"return cjson.encode(cjson.decode('[1]'))",
		"local ok, e = pcall(cjson.decode, '[') return e",
		"local ok, e = pcall(cjson.decode) return e",
		"local e = cjson.decode return e()",
		"local t = {cjson.decode} return t[1]()",
		"local t = {d = cjson.decode} return t.d('x')",
		"\n\nreturn cjson.decode('{')",
		"local x = 1\nlocal y = 2\n"+cjsonTry("cjson.decode('[1,]')"),
	)...)
	// Nesting limits.
	nest := func(n int, open, close, inner string) string {
		return "string.rep('" + open + "', " + strconv.Itoa(n) + ") .. '" + inner + "' .. string.rep('" + close + "', " + strconv.Itoa(n) + ")"
	}
	cases = append(cases, cjsonScripts(
		"return #cjson.encode(cjson.decode("+nest(1000, "[", "]", "1")+"))",
		cjsonTry("cjson.decode("+nest(1001, "[", "]", "1")+")"),
		cjsonTry("cjson.decode("+nest(1001, "[", "", "")+")"),
		cjsonTry("cjson.decode("+nest(1001, `{"a":`, "}", "1")+")"),
		"return #cjson.encode(cjson.decode("+nest(1000, `{"a":`, "}", "1")+"))",
		cjsonTry("cjson.decode("+nest(600, `[{"a":`, "}]", "1")+")"),
		"cjson.decode_max_depth(1) return cjson.encode(cjson.decode('[1]'))",
		"cjson.decode_max_depth(1) return cjson.encode(cjson.decode('{}'))",
		"cjson.decode_max_depth(1) "+cjsonTry("cjson.decode('[[1]]')"),
		"cjson.decode_max_depth(1) "+cjsonTry("cjson.decode('{\"a\":{}}')"),
		"cjson.decode_max_depth(1) "+cjsonTry("cjson.decode('  [ [')"),
		"cjson.decode_max_depth(5) "+cjsonTry("cjson.decode("+nest(5, "[", "]", "")+")"),
		"cjson.decode_max_depth(5) "+cjsonTry("cjson.decode("+nest(6, "[", "]", "")+")"),
		"cjson.decode_max_depth(100000) return #cjson.encode(cjson.decode("+nest(997, "[", "]", "1")+"))",
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(7998, "[", "]", "1")+"))"),
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(7999, "[", "]", "1")+"))"),
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(3999, `{"a":`, "}", "1")+"))"),
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(4000, `{"a":`, "}", "1")+"))"),
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(2666, `[{"a":`, "}]", "1")+"))"),
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(2667, `[{"a":`, "}]", "1")+"))"),
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(2668, `[{"a":`, "}]", "1")+"))"),
		"cjson.decode_max_depth(100000) "+cjsonTry("type(cjson.decode("+nest(9000, "[", "", "")+"))"),
		"cjson.decode_max_depth(2^31 - 1) return cjson.decode_max_depth()",
	)...)
	cjsonCompare(t, cases)
}

func TestCjsonConfiguration(t *testing.T) {
	scripts := []string{
		"return cjson.encode({cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision()})",
		"return cjson.encode({cjson.encode_keep_buffer(), cjson.encode_invalid_numbers(), cjson.decode_invalid_numbers()})",
		"return cjson.encode({cjson.encode_sparse_array()})",
		"return {cjson._NAME, cjson._VERSION}",
		"local n = {} for k, v in pairs(cjson) do n[#n + 1] = k .. ':' .. type(v) end table.sort(n) return n",
		"local c = cjson.new() local n = {} for k, v in pairs(c) do n[#n + 1] = k .. ':' .. type(v) end table.sort(n) return n",
		"local c = cjson.new() c.encode_max_depth(2) c.encode_number_precision(3) return cjson.encode({cjson.encode_max_depth(), c.encode_max_depth(), cjson.encode(1/3), c.encode(1/3)})",
		"local c = cjson.new() cjson.encode_max_depth(2) return cjson.encode({cjson.encode_max_depth(), c.encode_max_depth(), c.new().encode_max_depth()})",
		"local c = cjson.new() return {c.null == cjson.null, c.decode('null') == cjson.null, cjson.decode('null') == c.null, c._NAME, c._VERSION, type(c.new), c ~= cjson}",
		"local c = cjson.new() c.encode_sparse_array(true) " + cjsonTry("cjson.encode({[1] = 1, [20] = 2})"),
		"local c = cjson.new() c.encode_sparse_array(true) return c.encode({[20] = 2})",
		"local c = cjson.new() c.decode_invalid_numbers(false) return {cjson.encode(cjson.decode('0x10')), select(2, pcall(c.decode, '0x10'))}",
		"local c = cjson.new(1, 2, 3) return c.encode({1})",
		"local c = cjson.new().new().new() c.encode_max_depth(1) " + cjsonTry("c.encode({{}})"),
		"return cjson.encode(cjson.new().null)",
		"return cjson.new().encode(cjson.null)",
		"cjson.encode_keep_buffer(false) local a = cjson.encode({1, 2}) cjson.encode_keep_buffer(true) return a .. cjson.encode({3})",
		"return cjson.encode({cjson.encode_keep_buffer(false), cjson.encode_keep_buffer(), cjson.encode_keep_buffer('on'), cjson.encode_keep_buffer('off')})",
		cjsonTry("cjson.encode_keep_buffer('null')"),
		cjsonTry("cjson.encode_keep_buffer(1)"),
		cjsonTry("cjson.encode_keep_buffer(1.5)"),
		cjsonTry("cjson.encode_keep_buffer(1e100)"),
		cjsonTry("cjson.encode_keep_buffer(1/3)"),
		cjsonTry("cjson.encode_keep_buffer({})"),
		cjsonTry("cjson.encode_keep_buffer(true, false)"),
		"return cjson.encode({cjson.decode_invalid_numbers(false), cjson.decode_invalid_numbers(), cjson.decode_invalid_numbers('on'), cjson.decode_invalid_numbers('off')})",
		cjsonTry("cjson.decode_invalid_numbers('null')"),
		cjsonTry("cjson.decode_invalid_numbers('')"),
		cjsonTry("cjson.decode_invalid_numbers(function() end)"),
		cjsonTry("cjson.decode_invalid_numbers(nil, nil)"),
		"return cjson.decode_invalid_numbers(nil)",
		// encode_sparse_array arguments.
		"return cjson.encode({cjson.encode_sparse_array(true, 3, 5)})",
		"return cjson.encode({cjson.encode_sparse_array(nil, nil, 20)})",
		"return cjson.encode({cjson.encode_sparse_array('on')})",
		"return cjson.encode({cjson.encode_sparse_array('off', 0, 0)})",
		"return cjson.encode({cjson.encode_sparse_array(false, '7', ' 8 ')})",
		"return cjson.encode({cjson.encode_sparse_array(nil, 2^31 - 1, 2^31 - 1)})",
		cjsonTry("cjson.encode_sparse_array(1)"),
		cjsonTry("cjson.encode_sparse_array('yes')"),
		cjsonTry("cjson.encode_sparse_array({})"),
		cjsonTry("cjson.encode_sparse_array(true, -1)"),
		"pcall(cjson.encode_sparse_array, true, -1) return cjson.encode({cjson.encode_sparse_array()})",
		"pcall(cjson.encode_sparse_array, true, 5, -1) return cjson.encode({cjson.encode_sparse_array()})",
		cjsonTry("cjson.encode_sparse_array(true, 'x')"),
		cjsonTry("cjson.encode_sparse_array(true, 2, 'x')"),
		cjsonTry("cjson.encode_sparse_array(true, 2, {})"),
		cjsonTry("cjson.encode_sparse_array(true, 2, -5)"),
		cjsonTry("cjson.encode_sparse_array(1, 2, 3, 4)"),
		cjsonTry("cjson.encode_sparse_array(nil, nil, nil, nil)"),
		cjsonTry("cjson.encode_sparse_array(nil, 2^31)"),
		"local ok, e = pcall(cjson.encode_sparse_array, nil, 'x') return e",
		"local f = cjson.encode_sparse_array local ok, e = pcall(function() return f(nil, nil, 'x') end) return e",
		// Precision.
		"return cjson.encode({cjson.encode_number_precision(1), cjson.encode_number_precision(14), cjson.encode_number_precision('5'), cjson.encode_number_precision()})",
		cjsonTry("cjson.encode_number_precision(0)"),
		cjsonTry("cjson.encode_number_precision(15)"),
		cjsonTry("cjson.encode_number_precision(-1)"),
		cjsonTry("cjson.encode_number_precision('x')"),
		cjsonTry("cjson.encode_number_precision(true)"),
		cjsonTry("cjson.encode_number_precision(1, 2)"),
		"return cjson.encode_number_precision(14.9)",
		"return cjson.encode_number_precision(1.1)",
	}
	// Integer settings: every way luaL_checkinteger reads a value.
	for _, fn := range []string{"encode_max_depth", "decode_max_depth"} {
		for _, arg := range []string{"5", "'7'", "'0x10'", "' 8 '", "'1e2'", "1.9", "2^32 + 5", "2^31 - 1", "-2^32 + 3",
			"'  12\\t'", "'5\\0junk'", "2^63 + 2^40"} {
			scripts = append(scripts, "return cjson.encode({cjson."+fn+"("+arg+"), cjson."+fn+"()})")
		}
		for _, arg := range []string{"0", "-1", "2^31", "-0.5", "1e30", "-1e30", "0/0", "1/0", "-1/0", "'abc'", "''", "'5x'", "'0x'",
			"true", "false", "{}", "cjson.null", "function() end", "'-3'", "2^32", "2^64", "5, 6", "nil, 6", "' '"} {
			scripts = append(scripts, cjsonTry("cjson."+fn+"("+arg+")"))
		}
		scripts = append(scripts,
			"return cjson."+fn+"(nil)",
			"pcall(cjson."+fn+", 0) return cjson."+fn+"()",
			"local ok, e = pcall(cjson."+fn+", 'x') return e",
			"local g = cjson."+fn+" return g(0)",
		)
	}
	cjsonCompare(t, cjsonScripts(scripts...))
}

func TestCjsonEncodeArguments(t *testing.T) {
	cjsonCompare(t, cjsonScripts(
		cjsonTry("cjson.encode()"),
		cjsonTry("cjson.encode(1, 2)"),
		cjsonTry("cjson.encode(nil, nil)"),
		"local ok, e = pcall(cjson.encode) return e",
		"local ok, e = pcall(cjson.encode, 1, 2) return e",
		"local e = cjson.encode return e()",
		"local t = {cjson.encode} return t[1]()",
		"return cjson.encode()",
		"\nreturn cjson.encode(function() end)",
		"local t = {e = cjson.encode} return t.e({f = error})",
		"return cjson.encode(unpack({1}))",
		"return cjson.encode(select(1, 'a', 'b'))",
	))
}

// TestCjsonRandomDecode feeds random token soup to decode on both sides and
// compares a canonical rendering of each result (or its error).
func TestCjsonRandomDecode(t *testing.T) {
	const script = cjsonCanon + `if ARGV[1] == 'strict' then cjson.decode_invalid_numbers(false) end
cjson.decode_max_depth(12)
local out = {}
for i = 2, #ARGV do
  local ok, v = pcall(cjson.decode, ARGV[i])
  if ok then out[#out + 1] = canon(v) else out[#out + 1] = 'E: ' .. v end
end
return out`
	pieces := []string{"[", "]", "{", "}", ":", ",", " ", "\n", `"a"`, `"b"`, `""`, `"\u00e9"`, `"\ud83d\ude00"`,
		`"\ud800"`, `"\n"`, `"x\"y"`, "1", "0", "-", "-0.5e3", "12", "1e", "e", ".", "+", "0x1f", "0x", "nan", "inf",
		"Infinity", "true", "false", "null", "nul", "\x00", `"`, `\`, "u", "\xff", "t", "n", "f", "1.5", "007", "9e999"}
	rng := rand.New(rand.NewSource(20240607))
	c := redistest.Dial(t)
	for _, mode := range []string{"default", "strict"} {
		for batch := 0; batch < 6; batch++ {
			argv := []string{mode}
			for i := 0; i < 400; i++ {
				var b strings.Builder
				n := 1 + rng.Intn(14)
				for j := 0; j < n; j++ {
					b.WriteString(pieces[rng.Intn(len(pieces))])
				}
				argv = append(argv, b.String())
			}
			want := cjsonServer(t, c, script, argv...)
			got := cjsonLocal(t, script, argv...)
			if want.Kind != resp.KindArray || len(want.Elems) != len(argv)-1 {
				t.Fatalf("redis reply is not one result per input: %s", cjsonShort(want.String()))
			}
			if len(want.Elems) != len(got.Elems) {
				t.Fatalf("reply sizes differ: redis %s, local %s", cjsonShort(want.String()), cjsonShort(got.String()))
			}
			for i := range want.Elems {
				if !cjsonSame(want.Elems[i], got.Elems[i]) {
					t.Errorf("%s decode(%q):\nredis: %s\nlocal: %s", mode, argv[i+1], want.Elems[i], got.Elems[i])
				}
			}
		}
	}
}

// TestCjsonRandomEncode builds random Lua values (arrays, sparse arrays,
// single-key objects, strings, numbers) under random configurations and
// compares the encodings. Objects have one key so key order cannot differ.
func TestCjsonRandomEncode(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	var value func(depth int) string
	str := func() string {
		var b strings.Builder
		b.WriteByte('"')
		n := rng.Intn(6)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\\%d", rng.Intn(256))
		}
		b.WriteByte('"')
		return b.String()
	}
	num := func() string {
		switch rng.Intn(6) {
		case 0:
			return strconv.Itoa(rng.Intn(2000) - 1000)
		case 1:
			return strconv.FormatFloat(rng.NormFloat64()*math.Pow(10, float64(rng.Intn(40)-20)), 'g', 17, 64)
		case 2:
			return strconv.FormatFloat(math.Float64frombits(rng.Uint64()&^(0x7ff<<52)|uint64(rng.Intn(2046)+1)<<52), 'g', 17, 64)
		case 3:
			return []string{"1/0", "-1/0", "0/0", "2^53", "1/3"}[rng.Intn(5)]
		case 4:
			return strconv.Itoa(rng.Intn(10)) + "." + strconv.Itoa(rng.Intn(1000))
		}
		return strconv.FormatInt(rng.Int63()>>uint(rng.Intn(60)), 10)
	}
	value = func(depth int) string {
		k := rng.Intn(10)
		if depth > 4 {
			k = rng.Intn(5)
		}
		switch k {
		case 0:
			return str()
		case 1, 2:
			return "(" + num() + ")"
		case 3:
			return []string{"true", "false", "cjson.null", "nil"}[rng.Intn(4)]
		case 4:
			if rng.Intn(20) == 0 {
				return "function() end"
			}
			return "{}"
		case 5, 6:
			var parts []string
			n := rng.Intn(5)
			for i := 0; i < n; i++ {
				parts = append(parts, value(depth+1))
			}
			return "{" + strings.Join(parts, ", ") + "}"
		case 7:
			var parts []string
			n := 1 + rng.Intn(4)
			for i := 0; i < n; i++ {
				parts = append(parts, fmt.Sprintf("[%d] = %s", 1+rng.Intn(30), value(depth+1)))
			}
			return "{" + strings.Join(parts, ", ") + "}"
		default:
			var key string
			switch rng.Intn(5) {
			case 0:
				key = "[" + strconv.Itoa(rng.Intn(5)-3) + "]"
			case 1:
				// Not NaN (a Lua error whose text differs between the
				// VMs), and no integer key that would make an array of
				// millions of nulls under sparse ratio 0.
				n := num()
				for n == "0/0" || cjsonHugeIndex(n) {
					n = num()
				}
				key = "[" + n + "]"
			case 2:
				key = "[" + []string{"true", "{}", "cjson.null"}[rng.Intn(3)] + "]"
			default:
				key = "[" + str() + "]"
			}
			return "{" + key + " = " + value(depth+1) + "}"
		}
	}
	var cases []cjsonCase
	for i := 0; i < 150; i++ {
		// Converted sparse arrays are objects with several keys, whose
		// order differs between the VMs: with convert on, the encodings
		// are compared decoded.
		// Keys up to 30 need two digits not to collide once converted.
		convert := rng.Intn(3) == 0
		precision := 1 + rng.Intn(14)
		if convert && precision < 2 {
			precision = 2
		}
		cfg := fmt.Sprintf("cjson.encode_number_precision(%d) cjson.encode_sparse_array(%v, %d, %d) cjson.encode_invalid_numbers(%s) cjson.encode_max_depth(%d) ",
			precision, convert, rng.Intn(4), rng.Intn(12), []string{"true", "false", "'null'"}[rng.Intn(3)], 3+rng.Intn(5))
		var b strings.Builder
		b.WriteString(cjsonCanon)
		b.WriteString(cfg)
		b.WriteString("local out = {}\n")
		for j := 0; j < 20; j++ {
			// With convert on, which of several bad values in an object
			// is met first depends on the order too: only the failure
			// itself is compared.
			result, failure := "v", "('E: ' .. v)"
			if convert {
				result, failure = "canon(cjson.decode(v))", "'E'"
			}
			fmt.Fprintf(&b, "do local ok, v = pcall(function() return cjson.encode(%s) end) out[#out + 1] = ok and %s or %s end\n", value(0), result, failure)
		}
		b.WriteString("return out")
		cases = append(cases, cjsonCase{script: b.String()})
	}
	cjsonCompare(t, cases)
}

// cjsonHugeIndex reports whether the Lua literal n is an integer in
// (30, 2^31): a key that encodes as a huge array when sparse arrays are
// allowed.
func cjsonHugeIndex(n string) bool {
	f, err := strconv.ParseFloat(n, 64)
	return err == nil && f == math.Trunc(f) && f > 30 && f < 1<<31
}

// TestCjsonNull checks the null sentinel's identity in Go terms.
func TestCjsonNull(t *testing.T) {
	L := cjsonState(nil)
	defer L.Close()
	if err := L.DoString(`
		local c = cjson.new()
		assert(cjson.null ~= nil)
		assert(type(cjson.null) == 'userdata')
		assert(cjson.decode('null') == cjson.null)
		assert(c.decode('[null]')[1] == cjson.null)
		assert(c.null == cjson.null)
		assert(cjson.encode(cjson.null) == 'null')
		assert(cjson.encode({cjson.null}) == '[null]')
	`); err != nil {
		t.Fatal(err)
	}
	null := L.GetGlobal("cjson").(*lua.LTable).RawGetString("null")
	if !isCjsonNull(null) {
		t.Fatalf("isCjsonNull(cjson.null) = false")
	}
	if isCjsonNull(L.NewUserData()) || isCjsonNull(lua.LNil) {
		t.Fatalf("isCjsonNull accepts other values")
	}
	// A second state has its own null, distinct from the first.
	L2 := cjsonState(nil)
	defer L2.Close()
	if L2.GetGlobal("cjson").(*lua.LTable).RawGetString("null") == null {
		t.Fatalf("two states share one null")
	}
}

// TestCjsonStrtod checks the number reader on forms glibc's strtod accepts.
func TestCjsonStrtod(t *testing.T) {
	for _, tc := range []struct {
		in  string
		val float64
		n   int
	}{
		{"1", 1, 1}, {"-1.5e3x", -1500, 6}, {"1e", 1, 1}, {"1e+", 1, 1}, {"0x10", 16, 4}, {"0x", 0, 1},
		{"0x.8", 0.5, 4}, {"0x1p-2", 0.25, 6}, {"0x1p", 1, 3}, {"inf", math.Inf(1), 3},
		{"-Infinity", math.Inf(-1), 9}, {"infinit", math.Inf(1), 3}, {".5", 0.5, 2}, {"5.", 5, 2},
		{".", 0, 0}, {"-", 0, 0}, {"x", 0, 0}, {"+.e1", 0, 0}, {"1e999", math.Inf(1), 5}, {"1e-999", 0, 6},
		{"00012", 12, 5}, {"1" + strings.Repeat("0", 400) + "e-400", 1, 406},
	} {
		v, n := cjsonStrtod(tc.in, 0)
		if v != tc.val || n != tc.n {
			t.Errorf("strtod(%q) = %v, %d; want %v, %d", tc.in, v, n, tc.val, tc.n)
		}
	}
	for _, s := range []string{"nan", "NAN(abc)", "-nan", "nan("} {
		if v, n := cjsonStrtod(s, 0); v == v || n == 0 {
			t.Errorf("strtod(%q) = %v, %d; want NaN", s, v, n)
		}
	}
	if v, _ := cjsonStrtod("-nan", 0); !math.Signbit(v) {
		t.Errorf("strtod(-nan) is not negative")
	}
}

// FuzzCjsonDecode: decode must never panic in Go, and whatever it accepts
// must encode (with invalid numbers allowed) and decode again.
func FuzzCjsonDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\ud83d\ude00"`, `0x1p3`, `nan`, `[`, "\x00", `"\u`, `1e999`, `[[[[1]]]]`, `{"a":1,"a":2}`, `-`, `+inf`} {
		f.Add(s)
	}
	L := cjsonState(nil)
	defer L.Close()
	fn, err := L.Load(strings.NewReader(`
		local s = ...
		local ok, v = pcall(cjson.decode, s)
		if not ok then
			assert(type(v) == 'string', 'error is not a string')
			return 'error'
		end
		cjson.encode_invalid_numbers(true)
		local ok2, e = pcall(cjson.encode, v)
		assert(ok2, e)
		local ok3, v3 = pcall(cjson.decode, e)
		assert(ok3, v3)
		return 'ok'`), "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		L.Push(fn)
		L.Push(lua.LString(s))
		if err := L.PCall(1, 1, nil); err != nil {
			t.Fatalf("decode(%q): %v", s, err)
		}
		L.Pop(1)
	})
}

// FuzzCjsonStrtod compares the number reader with strconv where both apply:
// a plain decimal number is read whole, with the same value.
func FuzzCjsonStrtod(f *testing.F) {
	for _, s := range []string{"1", "-0.5e-3", "123456789012345678901234567890", "1e400", "4.9e-324", "0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, n := cjsonStrtod(s, 0)
		if n < 0 || n > len(s) {
			t.Fatalf("strtod(%q) read %d bytes", s, n)
		}
		for i := 0; i < len(s); i++ {
			c := s[i]
			if !(cjsonIsDigit(c) || c == '.' || c == 'e' || c == '-') {
				return
			}
		}
		if want, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "_") {
			if n != len(s) || (v != want && !(v != v && want != want)) {
				t.Fatalf("strtod(%q) = %v (%d bytes); ParseFloat %v", s, v, n, want)
			}
		}
	})
}
