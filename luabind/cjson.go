package luabind

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// This file is the cjson library of Redis scripts: lua-cjson 2.1.0 as Redis
// 7.0 vendors it, rewritten in Go for gopher-lua. Behaviour (output bytes,
// configuration, error texts and their character positions) is the C
// library's, including its quirks: strtod-style number reading with hex,
// inf and nan accepted by default, "%.14g" numbers, "\/" escapes, a NUL byte
// ending the input, and the nesting limits that come from Lua's C stack
// (LUAI_MAXCSTACK) as well as from the configured depths.
//
// Each module table (the global cjson and every cjson.new()) has its own
// configuration, kept in Go and reached through the functions' closures, so
// the table itself can be read-only. All modules of a state share one null
// value, as the C library's NULL light userdata is a single value.

// cjsonMaxCStack is LUAI_MAXCSTACK: the Lua stack slots one C function may
// use. The C library asks for slots as it nests (lua_checkstack), so deep
// structures fail there even below the configured depth limits.
const cjsonMaxCStack = 8000

// cjsonConfig is one module's configuration (json_config_t). The integer
// settings are C ints and keep their 32-bit behaviour.
type cjsonConfig struct {
	sparseConvert  int32 // 0 or 1
	sparseRatio    int32
	sparseSafe     int32
	encodeMaxDepth int32
	decodeMaxDepth int32
	encodeInvalid  int32 // 0 off, 1 on, 2 null
	precision      int32 // 1..14
	keepBuffer     int32 // 0 or 1
	decodeInvalid  int32 // 0 or 1

	buf []byte // the encode buffer kept between calls when keepBuffer is set
}

func newCjsonConfig() *cjsonConfig {
	return &cjsonConfig{
		sparseRatio:    2,
		sparseSafe:     10,
		encodeMaxDepth: 1000,
		decodeMaxDepth: 1000,
		precision:      14,
		keepBuffer:     1,
		decodeInvalid:  1,
	}
}

// cjsonKeptBufferMax bounds the encode buffer a module keeps between calls;
// larger ones are dropped after use (this is not observable).
const cjsonKeptBufferMax = 64 << 10

// openCjson creates the global table cjson.
func openCjson(L *lua.LState) {
	null := L.NewUserData()
	null.Value = cjsonNullValue{}
	L.G.Global.RawSetString("cjson", newCjsonModule(L, null))
}

// cjsonNullValue is the Go value inside the cjson.null userdata.
type cjsonNullValue struct{}

// isCjsonNull reports whether v is cjson.null. In Redis it is a NULL light
// userdata, which tostring prints as "userdata: (nil)".
func isCjsonNull(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	return ok && ud.Value == cjsonNullValue{}
}

// newCjsonModule builds one module table with a fresh configuration; it is
// what cjson.new returns.
func newCjsonModule(L *lua.LState, null *lua.LUserData) *lua.LTable {
	cfg := newCjsonConfig()
	t := L.CreateTable(0, 13)
	set := func(name string, fn func(*lua.LState, *cjsonConfig, *lua.LUserData) int) {
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int { return fn(L, cfg, null) }))
	}
	set("encode", cjsonEncode)
	set("decode", cjsonDecode)
	set("encode_sparse_array", cjsonEncodeSparseArray)
	set("encode_max_depth", cjsonEncodeMaxDepth)
	set("decode_max_depth", cjsonDecodeMaxDepth)
	set("encode_number_precision", cjsonEncodeNumberPrecision)
	set("encode_keep_buffer", cjsonEncodeKeepBuffer)
	set("encode_invalid_numbers", cjsonEncodeInvalidNumbers)
	set("decode_invalid_numbers", cjsonDecodeInvalidNumbers)
	set("new", func(L *lua.LState, _ *cjsonConfig, null *lua.LUserData) int {
		L.Push(newCjsonModule(L, null))
		return 1
	})
	t.RawSetString("null", null)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	return t
}

// ===== errors =====

// cjsonRaise raises msg as luaL_error does: prefixed with the position of
// the calling Lua code, or with nothing when the caller is not Lua (e.g.
// pcall(cjson.decode, s)).
func cjsonRaise(L *lua.LState, msg string) {
	if dbg, ok := L.GetStack(1); ok {
		if _, err := L.GetInfo("S", dbg, lua.LNil); err == nil && dbg.What != "G" {
			msg = L.Where(1) + " " + msg
		}
	}
	L.Error(lua.LString(msg), 0)
}

// cjsonArgError raises luaL_argerror's "bad argument #n to 'name' (msg)",
// naming the function as the calling code called it ('?' when unknown).
func cjsonArgError(L *lua.LState, n int, msg string) {
	name := "?"
	if dbg, ok := L.GetStack(0); ok {
		if _, err := L.GetInfo("n", dbg, lua.LNil); err == nil && cjsonCallName(dbg.Name) {
			name = dbg.Name
		}
	}
	cjsonRaise(L, "bad argument #"+strconv.Itoa(n)+" to '"+name+"' ("+msg+")")
}

// cjsonCallName reports whether gopher-lua's name for a called function is a
// real name rather than a placeholder ("?", "(anonymous)", "main chunk",
// "<source:line>").
func cjsonCallName(s string) bool {
	return s != "" && s != "?" && s[0] != '(' && s[0] != '<' && !strings.ContainsRune(s, ' ')
}

// cjsonTypeName is lua_typename of v's type.
func cjsonTypeName(v lua.LValue) string {
	return v.Type().String()
}

// ===== configuration =====

// cjsonArgInit is json_arg_init: at most max arguments, padded with nils
// so the settings pushed afterwards are the results.
func cjsonArgInit(L *lua.LState, max int) {
	if L.GetTop() > max {
		cjsonArgError(L, max+1, "found too many arguments")
	}
	for L.GetTop() < max {
		L.Push(lua.LNil)
	}
}

// cjsonIntegerOption is json_integer_option: a non-nil argument must be an
// integer (luaL_checkinteger) within [min, max] and becomes the setting; the
// setting is pushed. The range error always names argument #1, as the C
// library does.
func cjsonIntegerOption(L *lua.LState, idx int, setting *int32, min, max int32) {
	if v := L.Get(idx); v != lua.LNil {
		value := cjsonCheckInteger(L, idx)
		if value < min || value > max {
			cjsonArgError(L, 1, "expected integer between "+strconv.Itoa(int(min))+" and "+strconv.Itoa(int(max)))
		}
		*setting = value
	}
	L.Push(lua.LNumber(*setting))
}

// cjsonCheckInteger is luaL_checkinteger followed by the conversion to a C
// int: numbers and numeric strings are truncated toward zero to 64 bits
// (out of range and NaN give the x86 "integer indefinite" value), then
// wrapped to 32 bits.
func cjsonCheckInteger(L *lua.LState, idx int) int32 {
	var f float64
	switch v := L.Get(idx).(type) {
	case lua.LNumber:
		f = float64(v)
	case lua.LString:
		n, ok := cjsonStr2Number(string(v))
		if !ok {
			cjsonArgError(L, idx, "number expected, got string")
		}
		f = n
	default:
		cjsonArgError(L, idx, "number expected, got "+cjsonTypeName(v))
	}
	var i int64
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		i = math.MinInt64
	} else {
		i = int64(f)
	}
	return int32(i)
}

// cjsonEnumOption is json_enum_option with bool_true = 1: a boolean sets 0
// or 1, anything else must be one of the option names (luaL_checkoption).
// The setting is pushed as a boolean when it is 0 or 1, else as its name.
func cjsonEnumOption(L *lua.LState, idx int, setting *int32, options []string) {
	if v := L.Get(idx); v != lua.LNil {
		if b, ok := v.(lua.LBool); ok {
			*setting = 0
			if b {
				*setting = 1
			}
		} else {
			var name string
			switch x := v.(type) {
			case lua.LString:
				name = string(x)
			case lua.LNumber:
				name = cjsonLuaNumberString(float64(x))
			default:
				cjsonArgError(L, idx, "string expected, got "+cjsonTypeName(v))
			}
			found := -1
			for i, o := range options {
				if o == cjsonCString(name) {
					found = i
					break
				}
			}
			if found < 0 {
				cjsonArgError(L, idx, "invalid option '"+cjsonCString(name)+"'")
			}
			*setting = int32(found)
		}
	}
	if *setting == 0 || *setting == 1 {
		L.Push(lua.LBool(*setting == 1))
	} else {
		L.Push(lua.LString(options[*setting]))
	}
}

var (
	cjsonBoolOptions    = []string{"off", "on"}
	cjsonInvalidOptions = []string{"off", "on", "null"}
)

// cjsonCString is s as C string functions see it: up to the first NUL.
func cjsonCString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// cjson.encode_sparse_array([convert[, ratio[, safe]]]) → convert, ratio, safe.
func cjsonEncodeSparseArray(L *lua.LState, cfg *cjsonConfig, _ *lua.LUserData) int {
	cjsonArgInit(L, 3)
	cjsonEnumOption(L, 1, &cfg.sparseConvert, cjsonBoolOptions)
	cjsonIntegerOption(L, 2, &cfg.sparseRatio, 0, math.MaxInt32)
	cjsonIntegerOption(L, 3, &cfg.sparseSafe, 0, math.MaxInt32)
	return 3
}

// cjson.encode_max_depth([depth]) → depth.
func cjsonEncodeMaxDepth(L *lua.LState, cfg *cjsonConfig, _ *lua.LUserData) int {
	cjsonArgInit(L, 1)
	cjsonIntegerOption(L, 1, &cfg.encodeMaxDepth, 1, math.MaxInt32)
	return 1
}

// cjson.decode_max_depth([depth]) → depth.
func cjsonDecodeMaxDepth(L *lua.LState, cfg *cjsonConfig, _ *lua.LUserData) int {
	cjsonArgInit(L, 1)
	cjsonIntegerOption(L, 1, &cfg.decodeMaxDepth, 1, math.MaxInt32)
	return 1
}

// cjson.encode_number_precision([digits]) → digits.
func cjsonEncodeNumberPrecision(L *lua.LState, cfg *cjsonConfig, _ *lua.LUserData) int {
	cjsonArgInit(L, 1)
	cjsonIntegerOption(L, 1, &cfg.precision, 1, 14)
	return 1
}

// cjson.encode_keep_buffer([keep]) → keep.
func cjsonEncodeKeepBuffer(L *lua.LState, cfg *cjsonConfig, _ *lua.LUserData) int {
	cjsonArgInit(L, 1)
	cjsonEnumOption(L, 1, &cfg.keepBuffer, cjsonBoolOptions)
	if cfg.keepBuffer == 0 {
		cfg.buf = nil
	}
	return 1
}

// cjson.encode_invalid_numbers([setting]) → setting (true, false or "null").
func cjsonEncodeInvalidNumbers(L *lua.LState, cfg *cjsonConfig, _ *lua.LUserData) int {
	cjsonArgInit(L, 1)
	cjsonEnumOption(L, 1, &cfg.encodeInvalid, cjsonInvalidOptions)
	return 1
}

// cjson.decode_invalid_numbers([setting]) → setting.
func cjsonDecodeInvalidNumbers(L *lua.LState, cfg *cjsonConfig, _ *lua.LUserData) int {
	cjsonArgInit(L, 1)
	cjsonEnumOption(L, 1, &cfg.decodeInvalid, cjsonBoolOptions)
	return 1
}

// ===== encoding =====

type cjsonEncoder struct {
	L    *lua.LState
	cfg  *cjsonConfig
	null *lua.LUserData
	buf  []byte
}

// cjson.encode(value) → JSON text.
func cjsonEncode(L *lua.LState, cfg *cjsonConfig, null *lua.LUserData) int {
	if L.GetTop() != 1 {
		cjsonArgError(L, 1, "expected 1 argument")
	}
	e := cjsonEncoder{L: L, cfg: cfg, null: null}
	if cfg.keepBuffer != 0 {
		e.buf = cfg.buf[:0]
		cfg.buf = nil // taken for this call, given back below
	}
	// The value is the C function's only stack slot.
	e.value(L.Get(1), 0, 1)
	L.Push(lua.LString(e.buf))
	if cfg.keepBuffer != 0 && cap(e.buf) <= cjsonKeptBufferMax {
		cfg.buf = e.buf
	}
	return 1
}

// fail raises "Cannot serialise <type of v>: reason".
func (e *cjsonEncoder) fail(v lua.LValue, reason string) {
	cjsonRaise(e.L, "Cannot serialise "+cjsonTypeName(v)+": "+reason)
}

// value appends v at nesting depth (the number of tables around it); stack
// is how many Lua stack slots the C encoder would be using at this point.
func (e *cjsonEncoder) value(v lua.LValue, depth int, stack int) {
	switch x := v.(type) {
	case lua.LString:
		e.str(string(x))
	case lua.LNumber:
		e.number(float64(x), v)
	case lua.LBool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case *lua.LTable:
		depth++
		if depth > int(e.cfg.encodeMaxDepth) || stack+3 > cjsonMaxCStack {
			cjsonRaise(e.L, "Cannot serialise, excessive nesting ("+strconv.Itoa(depth)+")")
		}
		if n := e.arrayLength(x); n > 0 {
			e.array(x, n, depth, stack)
		} else {
			e.object(x, depth, stack)
		}
	case *lua.LNilType:
		e.buf = append(e.buf, "null"...)
	case *lua.LUserData:
		if x == e.null {
			e.buf = append(e.buf, "null"...)
			return
		}
		e.fail(v, "type not supported")
	default:
		e.fail(v, "type not supported")
	}
}

// cjsonToCInt is the C conversion of a double to int on x86: truncation,
// with INT_MIN for anything out of range.
func cjsonToCInt(f float64) int32 {
	if f != f || f >= 2147483648.0 || f <= -2147483649.0 {
		return math.MinInt32
	}
	return int32(f)
}

// arrayLength is lua_array_length: the array length of t, or -1 when t is
// an object (a key that is not a positive integer, or an excessively sparse
// array that may be converted). It follows the C int arithmetic.
func (e *cjsonEncoder) arrayLength(t *lua.LTable) int32 {
	var max, items int32
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		if n, ok := k.(lua.LNumber); ok && n != 0 {
			f := float64(n)
			if math.Floor(f) == f && f >= 1 {
				if f > float64(max) {
					max = cjsonToCInt(f)
				}
				items++
				continue
			}
		}
		return -1
	}
	cfg := e.cfg
	if cfg.sparseRatio > 0 && max > items*cfg.sparseRatio && max > cfg.sparseSafe {
		if cfg.sparseConvert == 0 {
			e.fail(t, "excessively sparse array")
		}
		return -1
	}
	return max
}

func (e *cjsonEncoder) array(t *lua.LTable, n int32, depth, stack int) {
	e.buf = append(e.buf, '[')
	for i := 1; i <= int(n); i++ {
		if i > 1 {
			e.buf = append(e.buf, ',')
		}
		e.value(t.RawGetInt(i), depth, stack+1)
	}
	e.buf = append(e.buf, ']')
}

func (e *cjsonEncoder) object(t *lua.LTable, depth, stack int) {
	e.buf = append(e.buf, '{')
	comma := false
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if comma {
			e.buf = append(e.buf, ',')
		}
		comma = true
		switch x := k.(type) {
		case lua.LNumber:
			e.buf = append(e.buf, '"')
			e.number(float64(x), k)
			e.buf = append(e.buf, '"', ':')
		case lua.LString:
			e.str(string(x))
			e.buf = append(e.buf, ':')
		default:
			e.fail(k, "table key must be a number or string")
		}
		e.value(v, depth, stack+2)
	}
	e.buf = append(e.buf, '}')
}

// number appends f per encode_invalid_numbers and encode_number_precision
// ("%.<precision>g", as C's printf writes it).
func (e *cjsonEncoder) number(f float64, v lua.LValue) {
	nan, inf := f != f, math.IsInf(f, 0)
	switch e.cfg.encodeInvalid {
	case 0:
		if nan || inf {
			e.fail(v, "must not be NaN or Inf")
		}
	case 1:
		if nan {
			e.buf = append(e.buf, "nan"...)
			return
		}
	default:
		if nan || inf {
			e.buf = append(e.buf, "null"...)
			return
		}
	}
	e.buf = cjsonAppendG(e.buf, f, int(e.cfg.precision))
}

// cjsonAppendG appends f formatted as C's "%.<prec>g" (Go's 'g' with an
// explicit precision agrees with glibc for finite values; infinities are
// glibc's "inf"/"-inf").
func cjsonAppendG(b []byte, f float64, prec int) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	case f != f:
		if math.Signbit(f) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	}
	return strconv.AppendFloat(b, f, 'g', prec, 64)
}

// cjsonLuaNumberString is how Lua 5.1 turns a number into a string ("%.14g").
func cjsonLuaNumberString(f float64) string {
	return string(cjsonAppendG(nil, f, 14))
}

// cjsonEscapes maps each byte to its JSON escape, "" for bytes written as
// they are: control characters and DEL become \u00xx (with the short forms
// \b \t \n \f \r), and '"', '\' and '/' are backslash-escaped.
var cjsonEscapes = func() (t [256]string) {
	const hex = "0123456789abcdef"
	for c := 0; c < 0x20; c++ {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&15])
	}
	t[0x7f] = `\u007f`
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	t['"'], t['\\'], t['/'] = `\"`, `\\`, `\/`
	return t
}()

func (e *cjsonEncoder) str(s string) {
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		if esc := cjsonEscapes[s[i]]; esc != "" {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, esc...)
			start = i + 1
		}
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}

// ===== decoding =====

// Token types, in the C library's order (their names appear in errors).
const (
	cjsonTObjBegin = iota
	cjsonTObjEnd
	cjsonTArrBegin
	cjsonTArrEnd
	cjsonTString
	cjsonTNumber
	cjsonTBoolean
	cjsonTNull
	cjsonTColon
	cjsonTComma
	cjsonTEnd
	cjsonTWhitespace
	cjsonTError
	cjsonTUnknown
)

var cjsonTokenNames = [...]string{
	"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING",
	"T_NUMBER", "T_BOOLEAN", "T_NULL", "T_COLON", "T_COMMA", "T_END",
	"T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
}

// cjsonCharTokens classifies the first byte of a token.
var cjsonCharTokens = func() (t [256]uint8) {
	for i := range t {
		t[i] = cjsonTError
	}
	t['{'], t['}'], t['['], t[']'] = cjsonTObjBegin, cjsonTObjEnd, cjsonTArrBegin, cjsonTArrEnd
	t[','], t[':'], t[0] = cjsonTComma, cjsonTColon, cjsonTEnd
	t[' '], t['\t'], t['\n'], t['\r'] = cjsonTWhitespace, cjsonTWhitespace, cjsonTWhitespace, cjsonTWhitespace
	for _, c := range "fiInNt\"+-0123456789" {
		t[c] = cjsonTUnknown
	}
	return t
}()

// cjsonEscapeChars maps the byte after a backslash to the byte it stands for;
// 0 marks an invalid escape, 'u' a unicode escape.
var cjsonEscapeChars = func() (t [256]byte) {
	t['"'], t['\\'], t['/'] = '"', '\\', '/'
	t['b'], t['t'], t['n'], t['f'], t['r'] = '\b', '\t', '\n', '\f', '\r'
	t['u'] = 'u'
	return t
}()

type cjsonToken struct {
	typ   int
	index int // 0-based offset of the token, or of the error
	str   string
	num   float64
	b     bool
	err   string // for cjsonTError
}

type cjsonParser struct {
	L     *lua.LState
	cfg   *cjsonConfig
	null  *lua.LUserData
	data  string
	pos   int
	depth int
	tmp   []byte
}

// cjson.decode(text) → value.
func cjsonDecode(L *lua.LState, cfg *cjsonConfig, null *lua.LUserData) int {
	if L.GetTop() != 1 {
		cjsonArgError(L, 1, "expected 1 argument")
	}
	var data string
	switch v := L.Get(1).(type) {
	case lua.LString:
		data = string(v)
	case lua.LNumber:
		data = cjsonLuaNumberString(float64(v))
	default:
		cjsonArgError(L, 1, "string expected, got "+cjsonTypeName(v))
	}
	// Detect UTF-16/32: the first or second byte is NUL.
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		cjsonRaise(L, "JSON parser does not support UTF-16 or UTF-32")
	}
	p := cjsonParser{L: L, cfg: cfg, null: null, data: data}
	var tok cjsonToken
	p.next(&tok)
	// The text is the C function's only stack slot.
	v := p.value(&tok, 1)
	p.next(&tok)
	if tok.typ != cjsonTEnd {
		p.fail("the end", &tok)
	}
	L.Push(v)
	return 1
}

// at is the byte at i, or 0 (C's terminator) past the end.
func (p *cjsonParser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

// fail raises "Expected <what> but found <token> at character <n>".
func (p *cjsonParser) fail(what string, tok *cjsonToken) {
	found := cjsonTokenNames[tok.typ]
	if tok.typ == cjsonTError {
		found = tok.err
	}
	cjsonRaise(p.L, "Expected "+what+" but found "+found+" at character "+strconv.Itoa(tok.index+1))
}

func (p *cjsonParser) tokenError(tok *cjsonToken, msg string) {
	tok.typ = cjsonTError
	tok.index = p.pos
	tok.err = msg
}

// descend enters one more level of nesting; slots is what the C parser asks
// lua_checkstack for at this level, with stack slots in use.
func (p *cjsonParser) descend(stack, slots int) {
	p.depth++
	if p.depth <= int(p.cfg.decodeMaxDepth) && stack+slots <= cjsonMaxCStack {
		return
	}
	cjsonRaise(p.L, "Found too many nested data structures ("+strconv.Itoa(p.depth)+") at character "+strconv.Itoa(p.pos))
}

// value converts the value starting with tok; stack is the number of Lua
// stack slots the C parser would be using.
func (p *cjsonParser) value(tok *cjsonToken, stack int) lua.LValue {
	switch tok.typ {
	case cjsonTString:
		return lua.LString(tok.str)
	case cjsonTNumber:
		return lua.LNumber(tok.num)
	case cjsonTBoolean:
		return lua.LBool(tok.b)
	case cjsonTObjBegin:
		return p.object(stack)
	case cjsonTArrBegin:
		return p.array(stack)
	case cjsonTNull:
		return p.null
	}
	p.fail("value", tok)
	return nil
}

func (p *cjsonParser) object(stack int) lua.LValue {
	p.descend(stack, 3) // table, key, value
	t := p.L.NewTable()
	var tok cjsonToken
	p.next(&tok)
	if tok.typ == cjsonTObjEnd {
		p.depth--
		return t
	}
	for {
		if tok.typ != cjsonTString {
			p.fail("object key string", &tok)
		}
		key := tok.str
		p.next(&tok)
		if tok.typ != cjsonTColon {
			p.fail("colon", &tok)
		}
		p.next(&tok)
		t.RawSetString(key, p.value(&tok, stack+2))
		p.next(&tok)
		if tok.typ == cjsonTObjEnd {
			p.depth--
			return t
		}
		if tok.typ != cjsonTComma {
			p.fail("comma or object end", &tok)
		}
		p.next(&tok)
	}
}

func (p *cjsonParser) array(stack int) lua.LValue {
	p.descend(stack, 2) // table, value
	t := p.L.NewTable()
	var tok cjsonToken
	p.next(&tok)
	if tok.typ == cjsonTArrEnd {
		p.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, p.value(&tok, stack+1))
		p.next(&tok)
		if tok.typ == cjsonTArrEnd {
			p.depth--
			return t
		}
		if tok.typ != cjsonTComma {
			p.fail("comma or array end", &tok)
		}
		p.next(&tok)
	}
}

// next reads the next token into tok. On an error the position stays at
// the error.
func (p *cjsonParser) next(tok *cjsonToken) {
	var ch byte
	for {
		ch = p.at(p.pos)
		tok.typ = int(cjsonCharTokens[ch])
		if tok.typ != cjsonTWhitespace {
			break
		}
		p.pos++
	}
	tok.index = p.pos
	switch tok.typ {
	case cjsonTError:
		p.tokenError(tok, "invalid token")
		return
	case cjsonTEnd:
		return
	case cjsonTUnknown:
	default:
		p.pos++
		return
	}
	rest := p.data[p.pos:]
	switch {
	case ch == '"':
		p.stringToken(tok)
	case ch == '-' || ('0' <= ch && ch <= '9'):
		if p.cfg.decodeInvalid == 0 && p.invalidNumber() {
			p.tokenError(tok, "invalid number")
			return
		}
		p.numberToken(tok)
	case strings.HasPrefix(rest, "true"):
		tok.typ, tok.b = cjsonTBoolean, true
		p.pos += 4
	case strings.HasPrefix(rest, "false"):
		tok.typ, tok.b = cjsonTBoolean, false
		p.pos += 5
	case strings.HasPrefix(rest, "null"):
		tok.typ = cjsonTNull
		p.pos += 4
	case p.cfg.decodeInvalid != 0 && p.invalidNumber():
		// Only numbers known to be invalid JSON (inf, nan, +, hex) are
		// read here, so other bad tokens stay "invalid token".
		p.numberToken(tok)
	default:
		p.tokenError(tok, "invalid token")
	}
}

// hasPrefixFold is strncasecmp(data+i, prefix, len(prefix)) == 0 for a
// lower-case ASCII prefix.
func (p *cjsonParser) hasPrefixFold(i int, prefix string) bool {
	for j := 0; j < len(prefix); j++ {
		c := p.at(i + j)
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[j] {
			return false
		}
	}
	return true
}

// invalidNumber is json_is_invalid_number: numbers strtod reads that JSON
// does not allow (a leading '+', hex, leading zeros, inf, nan).
func (p *cjsonParser) invalidNumber() bool {
	i := p.pos
	if p.at(i) == '+' {
		return true
	}
	if p.at(i) == '-' {
		i++
	}
	c := p.at(i)
	if c == '0' {
		c2 := p.at(i + 1)
		return c2|0x20 == 'x' || ('0' <= c2 && c2 <= '9')
	}
	if int8(c) <= '9' { // C's char is signed: bytes >= 0x80 count as below '9'
		return false
	}
	return p.hasPrefixFold(i, "inf") || p.hasPrefixFold(i, "nan")
}

func (p *cjsonParser) numberToken(tok *cjsonToken) {
	f, end := cjsonStrtod(p.data, p.pos)
	if end == p.pos {
		p.tokenError(tok, "invalid number")
		return
	}
	tok.typ = cjsonTNumber
	tok.num = f
	p.pos = end
}

func (p *cjsonParser) stringToken(tok *cjsonToken) {
	p.pos++ // the opening quote
	p.tmp = p.tmp[:0]
	for {
		// Copy a run of ordinary bytes at once.
		start := p.pos
		for p.pos < len(p.data) {
			c := p.data[p.pos]
			if c == '"' || c == '\\' || c == 0 {
				break
			}
			p.pos++
		}
		p.tmp = append(p.tmp, p.data[start:p.pos]...)
		ch := p.at(p.pos)
		if ch == '"' {
			break
		}
		if ch == 0 {
			p.tokenError(tok, "unexpected end of string")
			return
		}
		// A backslash.
		esc := cjsonEscapeChars[p.at(p.pos+1)]
		if esc == 'u' {
			if !p.unicodeEscape() {
				p.tokenError(tok, "invalid unicode escape code")
				return
			}
			continue
		}
		if esc == 0 {
			p.tokenError(tok, "invalid escape code")
			return
		}
		p.tmp = append(p.tmp, esc)
		p.pos += 2
	}
	p.pos++ // the closing quote
	tok.typ = cjsonTString
	tok.str = string(p.tmp)
}

// hex4 reads four hex digits at i, or returns -1.
func (p *cjsonParser) hex4(i int) int {
	v := 0
	for j := 0; j < 4; j++ {
		c := p.at(i + j)
		var d int
		switch {
		case '0' <= c && c <= '9':
			d = int(c - '0')
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			d = int(c|0x20-'a') + 10
		default:
			return -1
		}
		v = v<<4 | d
	}
	return v
}

// unicodeEscape decodes \uXXXX (or a surrogate pair \uXXXX\uXXXX) at the
// position into UTF-8.
func (p *cjsonParser) unicodeEscape() bool {
	cp := p.hex4(p.pos + 2)
	if cp < 0 {
		return false
	}
	n := 6
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 { // a low surrogate first
			return false
		}
		if p.at(p.pos+6) != '\\' || p.at(p.pos+7) != 'u' {
			return false
		}
		lo := p.hex4(p.pos + 8)
		if lo < 0 || lo&0xFC00 != 0xDC00 {
			return false
		}
		cp = ((cp&0x3FF)<<10 | lo&0x3FF) + 0x10000
		n = 12
	}
	switch {
	case cp <= 0x7F:
		p.tmp = append(p.tmp, byte(cp))
	case cp <= 0x7FF:
		p.tmp = append(p.tmp, byte(cp>>6|0xC0), byte(cp&0x3F|0x80))
	case cp <= 0xFFFF:
		p.tmp = append(p.tmp, byte(cp>>12|0xE0), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
	default:
		p.tmp = append(p.tmp, byte(cp>>18|0xF0), byte(cp>>12&0x3F|0x80), byte(cp>>6&0x3F|0x80), byte(cp&0x3F|0x80))
	}
	p.pos += n
	return true
}

// ===== strtod =====

func cjsonIsDigit(c byte) bool { return '0' <= c && c <= '9' }

func cjsonIsHexDigit(c byte) bool {
	return cjsonIsDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f')
}

// cjsonStrtod reads a number at s[i:] as glibc's strtod does in the C
// locale (a NUL or the end of s stops it): optional sign, then a decimal
// number with optional fraction and exponent, a hexadecimal number with
// optional fraction and binary exponent, "inf"/"infinity" or "nan" with an
// optional "(chars)", in any case. Leading white space is not skipped. It
// returns the value and the offset after the number; the offset is i when
// nothing was read. Overflow gives ±inf and underflow 0, as strtod's value
// does.
func cjsonStrtod(s string, i int) (float64, int) {
	at := func(j int) byte {
		if j < len(s) {
			return s[j]
		}
		return 0
	}
	fold := func(j int, prefix string) bool {
		for k := 0; k < len(prefix); k++ {
			c := at(j + k)
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != prefix[k] {
				return false
			}
		}
		return true
	}
	start := i
	j := i
	neg := false
	if c := at(j); c == '+' || c == '-' {
		neg = c == '-'
		j++
	}
	sign := func(f float64) float64 {
		if neg {
			return -f
		}
		return f
	}
	switch {
	case fold(j, "inf"):
		j += 3
		if fold(j, "inity") {
			j += 5
		}
		return sign(math.Inf(1)), j
	case fold(j, "nan"):
		j += 3
		if at(j) == '(' {
			k := j + 1
			for c := at(k); cjsonIsDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'z') || c == '_'; c = at(k) {
				k++
			}
			if at(k) == ')' {
				j = k + 1
			}
		}
		return math.Copysign(math.NaN(), sign(1)), j
	case at(j) == '0' && at(j+1)|0x20 == 'x':
		k := j + 2
		intStart := k
		for cjsonIsHexDigit(at(k)) {
			k++
		}
		intDigits := s[intStart:k]
		fracDigits := ""
		if at(k) == '.' {
			fs := k + 1
			fe := fs
			for cjsonIsHexDigit(at(fe)) {
				fe++
			}
			if intDigits != "" || fe > fs {
				fracDigits = s[fs:fe]
				k = fe
			}
		}
		if intDigits == "" && fracDigits == "" {
			// "0x" with no digits: strtod reads the "0".
			return sign(0), j + 1
		}
		exp := "0"
		if at(k)|0x20 == 'p' {
			e := k + 1
			if c := at(e); c == '+' || c == '-' {
				e++
			}
			if cjsonIsDigit(at(e)) {
				for cjsonIsDigit(at(e)) {
					e++
				}
				exp = s[k+1 : e]
				k = e
			}
		}
		if intDigits == "" {
			intDigits = "0"
		}
		f, _ := strconv.ParseFloat("0x"+intDigits+"."+fracDigits+"0p"+cjsonClampExp(exp), 64)
		return sign(f), k
	}
	k := j
	digits := 0
	for cjsonIsDigit(at(k)) {
		k++
		digits++
	}
	if at(k) == '.' {
		fe := k + 1
		for cjsonIsDigit(at(fe)) {
			fe++
			digits++
		}
		if digits > 0 {
			k = fe
		}
	}
	if digits == 0 {
		return 0, start
	}
	mant := s[j:k]
	exp := ""
	if at(k)|0x20 == 'e' {
		e := k + 1
		if c := at(e); c == '+' || c == '-' {
			e++
		}
		if cjsonIsDigit(at(e)) {
			for cjsonIsDigit(at(e)) {
				e++
			}
			exp = s[k+1 : e]
			k = e
		}
	}
	text := mant
	if exp != "" {
		text += "e" + cjsonClampExp(exp)
	}
	f, _ := strconv.ParseFloat(text, 64) // ±Inf or 0 on range errors, as strtod
	return sign(f), k
}

// cjsonClampExp shortens an exponent with very many digits to one with the
// same effect, so the number parser need not read it all.
func cjsonClampExp(exp string) string {
	sign := ""
	digits := exp
	if exp != "" && (exp[0] == '+' || exp[0] == '-') {
		sign, digits = exp[:1], exp[1:]
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0"
	}
	if len(digits) > 9 {
		digits = "999999999"
	}
	return sign + digits
}

// cjsonStr2Number converts a string to a number as Lua 5.1 does for
// arguments (luaO_str2d): strtod after optional white space, then only
// white space to the end (a NUL ends the string for C).
func cjsonStr2Number(s string) (float64, bool) {
	s = cjsonCString(s)
	i := 0
	for i < len(s) && cjsonIsSpace(s[i]) {
		i++
	}
	f, end := cjsonStrtod(s, i)
	if end == i {
		return 0, false
	}
	for end < len(s) && cjsonIsSpace(s[end]) {
		end++
	}
	return f, end == len(s)
}

func cjsonIsSpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}
