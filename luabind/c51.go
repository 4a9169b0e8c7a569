package luabind

// The Lua 5.1 C API as Redis's C libraries (bit, struct, cmsgpack) and
// Lua 5.1's own library use it: argument checks and their error texts,
// number conversions as C and glibc do them.

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// c51MaxCStack is LUAI_MAXCSTACK: lua_checkstack fails when a C function's
// stack would hold more slots than this.
const c51MaxCStack = 8000

// c51CheckStack is luaL_checkstack for a C function whose stack holds top
// slots and wants space more: it raises "stack overflow (msg)".
func c51CheckStack(L *lua.LState, top, space int, msg string) {
	if top+space > c51MaxCStack {
		c51Error(L, "stack overflow ("+msg+")")
	}
}

// c51Error is luaL_error: the message gets the position of the calling Lua
// function in front, or nothing when the caller is not a Lua function (as
// with pcall(f, ...)).
func c51Error(L *lua.LState, msg string) {
	if dbg, ok := L.GetStack(1); ok {
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.What != "G" && dbg.CurrentLine > 0 {
			L.RaiseError("%s", msg)
		}
	}
	L.Error(lua.LString(msg), 0)
}

// c51RuntimeError is an error the Lua core raises while a C function runs
// (luaG_runerror): it carries no position.
func c51RuntimeError(L *lua.LState, msg string) {
	L.Error(lua.LString(msg), 0)
}

// c51FuncName is the name Lua 5.1 gives the running function in argument
// errors: how the caller called it, or "?".
func c51FuncName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("n", dbg, lua.LNil); err != nil || dbg.Name == "" || dbg.Name[0] == '(' || dbg.Name[0] == '<' {
		return "?"
	}
	return dbg.Name
}

// c51ArgError is luaL_argerror.
func c51ArgError(L *lua.LState, i int, msg string) {
	c51Error(L, "bad argument #"+strconv.Itoa(i)+" to '"+c51FuncName(L)+"' ("+msg+")")
}

// c51TypeName is luaL_typename: the type of argument i, "no value" past the
// last one.
func c51TypeName(L *lua.LState, i int) string {
	if i > L.GetTop() {
		return "no value"
	}
	return L.Get(i).Type().String()
}

// c51TypeError is luaL_typerror.
func c51TypeError(L *lua.LState, i int, want string) {
	c51ArgError(L, i, want+" expected, got "+c51TypeName(L, i))
}

// c51CheckNumber is luaL_checknumber: a number, or a string that reads as
// one.
func c51CheckNumber(L *lua.LState, i int) float64 {
	n, ok := c51ToNumber(L.Get(i))
	if !ok {
		c51TypeError(L, i, "number")
	}
	return n
}

// c51CheckInteger is luaL_checkinteger: the number cast to a 64-bit integer
// the way x86-64 does it.
func c51CheckInteger(L *lua.LState, i int) int64 {
	return c51Int64(c51CheckNumber(L, i))
}

// c51OptInteger is luaL_optinteger: def when argument i is absent or nil.
func c51OptInteger(L *lua.LState, i int, def int64) int64 {
	if L.Get(i) == lua.LNil {
		return def
	}
	return c51CheckInteger(L, i)
}

// c51CheckString is luaL_checklstring: a string, or a number formatted as
// Lua 5.1 formats it.
func c51CheckString(L *lua.LState, i int) string {
	switch v := L.Get(i).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return c51FormatNumber(float64(v))
	}
	c51TypeError(L, i, "string")
	return ""
}

// c51Int64 is the C cast (int64_t)d on x86-64 (cvttsd2si): truncation
// toward zero, and 0x8000000000000000 for NaN and anything out of range.
func c51Int64(d float64) int64 {
	if d != d || d >= 9223372036854775808.0 || d < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(d)
}

// c51Uint64 is the C cast (uint64_t)d as gcc compiles it for x86-64:
// values below 2^63 go through cvttsd2si, the others have 2^63 taken off
// first and the top bit flipped back.
func c51Uint64(d float64) uint64 {
	if !(d >= 9223372036854775808.0) { // also NaN
		return uint64(c51Int64(d))
	}
	return uint64(c51Int64(d-9223372036854775808.0)) ^ (1 << 63)
}

// c51FormatNumber is Lua 5.1's number to string conversion, "%.14g".
func c51FormatNumber(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case f != f:
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

// c51ToNumber is lua_tonumber plus lua_isnumber: numbers as they are,
// strings through c51StrToNumber, anything else is 0 and not a number.
func c51ToNumber(v lua.LValue) (float64, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		return c51StrToNumber(string(x))
	}
	return 0, false
}

// c51StrToNumber is Lua 5.1's luaO_str2d on glibc: the text up to the
// first NUL byte must be what strtod reads (decimal, hexadecimal with an
// optional binary exponent, inf, infinity, nan, nan(payload); leading
// white space and a sign allowed) followed by nothing but white space.
func c51StrToNumber(s string) (float64, bool) {
	if f, ok := c51SmallInteger(s); ok {
		return f, true
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	f, end := c51Strtod(s)
	if end == 0 {
		return 0, false
	}
	for ; end < len(s); end++ {
		if !c51IsSpace(s[end]) {
			return 0, false
		}
	}
	return f, true
}

// c51SmallInteger reads s when it is only an optional minus and 1 to 15
// decimal digits, the common case, exactly as strtod would (such an
// integer is a float64 exactly); ok is false for anything else.
func c51SmallInteger(s string) (float64, bool) {
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		return 0, false
	}
	n := int64(0)
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	f := float64(n)
	if len(digits) < len(s) {
		f = -f
	}
	return f, true
}

func c51IsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func c51IsDigit(c byte) bool { return c >= '0' && c <= '9' }

func c51IsHex(c byte) bool {
	return c51IsDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

// c51Strtod reads the longest prefix of s that glibc's strtod accepts and
// returns its value and length; a length of 0 means no conversion.
func c51Strtod(s string) (float64, int) {
	i := 0
	for i < len(s) && c51IsSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	signed := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	rest := s[i:]
	switch {
	case c51HasPrefixFold(rest, "infinity"):
		return signed(math.Inf(1)), i + 8
	case c51HasPrefixFold(rest, "inf"):
		return signed(math.Inf(1)), i + 3
	case c51HasPrefixFold(rest, "nan"):
		f, n := c51StrtodNaN(rest)
		if neg {
			f = math.Float64frombits(math.Float64bits(f) | 1<<63)
		}
		return f, i + n
	case len(rest) >= 2 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X'):
		if f, n := c51StrtodHex(rest[2:]); n > 0 {
			return signed(f), i + 2 + n
		}
		return signed(0), i + 1 // just the "0"
	}
	// Decimal: digits, an optional fraction, an optional exponent.
	j := 0
	digits := 0
	for j < len(rest) && c51IsDigit(rest[j]) {
		j++
		digits++
	}
	if j < len(rest) && rest[j] == '.' {
		j++
		for j < len(rest) && c51IsDigit(rest[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	if j < len(rest) && (rest[j] == 'e' || rest[j] == 'E') {
		k := j + 1
		if k < len(rest) && (rest[k] == '+' || rest[k] == '-') {
			k++
		}
		if k < len(rest) && c51IsDigit(rest[k]) {
			for k < len(rest) && c51IsDigit(rest[k]) {
				k++
			}
			j = k
		}
	}
	f, _ := strconv.ParseFloat(rest[:j], 64) // a range error still gives ±Inf or the rounded value
	return signed(f), i + j
}

// c51StrtodHex reads hex digits with an optional point and an optional p
// exponent (after "0x"); it returns 0 length when there is no digit.
func c51StrtodHex(s string) (float64, int) {
	j := 0
	digits := 0
	for j < len(s) && c51IsHex(s[j]) {
		j++
		digits++
	}
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && c51IsHex(s[j]) {
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	mant := s[:j]
	exp := "p0"
	if j < len(s) && (s[j] == 'p' || s[j] == 'P') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && c51IsDigit(s[k]) {
			for k < len(s) && c51IsDigit(s[k]) {
				k++
			}
			exp = "p" + s[j+1:k]
			j = k
		}
	}
	f, _ := strconv.ParseFloat("0x"+mant+exp, 64)
	return f, j
}

// c51StrtodNaN reads "nan" and an optional "(chars)"; when chars is a whole
// integer (strtoull, base 0) it becomes the NaN's payload, as glibc does.
func c51StrtodNaN(s string) (float64, int) {
	bits := uint64(0x7ff8000000000000)
	n := 3
	if n < len(s) && s[n] == '(' {
		k := n + 1
		for k < len(s) && (c51IsDigit(s[k]) || (s[k]|0x20) >= 'a' && (s[k]|0x20) <= 'z' || s[k] == '_') {
			k++
		}
		if k < len(s) && s[k] == ')' {
			if p, ok := c51Strtoull0(s[n+1 : k]); ok {
				if p &= 1<<51 - 1; p != 0 {
					bits |= p
				}
			}
			n = k + 1
		}
	}
	return math.Float64frombits(bits), n
}

// c51Strtoull0 is strtoull(s, &end, 0) requiring end to reach the end of s
// (which holds only letters, digits and '_'); overflow saturates.
func c51Strtoull0(s string) (uint64, bool) {
	base := uint64(10)
	switch {
	case len(s) >= 2 && s[0] == '0' && (s[1]|0x20) == 'x':
		if len(s) == 2 {
			return 0, false // strtoull reads the "0" and stops at 'x'
		}
		base, s = 16, s[2:]
	case len(s) >= 1 && s[0] == '0':
		base = 8
	}
	if s == "" {
		return 0, false
	}
	var v uint64
	overflow := false
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		var d uint64
		switch {
		case c51IsDigit(s[i]):
			d = uint64(s[i] - '0')
		case c >= 'a' && c <= 'z':
			d = uint64(c-'a') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		if v > (math.MaxUint64-d)/base {
			overflow = true
		}
		v = v*base + d
	}
	if overflow {
		v = math.MaxUint64
	}
	return v, true
}

func c51HasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
