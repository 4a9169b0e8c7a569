package luabind

import (
	"encoding/binary"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// The cmsgpack library: lua-cmsgpack 0.4.0 as Redis 7.0 ships it.

const (
	mpName        = "cmsgpack"
	mpVersion     = "lua-cmsgpack 0.4.0"
	mpCopyright   = "Copyright (C) 2012, Salvatore Sanfilippo"
	mpDescription = "MessagePack C implementation for Lua"

	// mpMaxNesting is how deep pack follows tables; a table deeper than
	// this is encoded as nil, which also stops reference cycles.
	mpMaxNesting = 16
)

// openCmsgpack creates the global table cmsgpack: pack, unpack, unpack_one,
// unpack_limit and the _NAME, _VERSION, _COPYRIGHT and _DESCRIPTION fields.
func openCmsgpack(L *lua.LState) {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(mpPack))
	t.RawSetString("unpack", L.NewFunction(mpUnpack))
	t.RawSetString("unpack_one", L.NewFunction(mpUnpackOne))
	t.RawSetString("unpack_limit", L.NewFunction(mpUnpackLimit))
	t.RawSetString("_NAME", lua.LString(mpName))
	t.RawSetString("_VERSION", lua.LString(mpVersion))
	t.RawSetString("_COPYRIGHT", lua.LString(mpCopyright))
	t.RawSetString("_DESCRIPTION", lua.LString(mpDescription))
	L.SetGlobal("cmsgpack", t)
}

// ---- encoding ----

// mpPack is cmsgpack.pack(...): the encodings of all arguments, one after
// the other.
func mpPack(L *lua.LState) int {
	nargs := L.GetTop()
	if nargs == 0 {
		c51ArgError(L, 0, "MessagePack pack needs input.")
	}
	if nargs+nargs > c51MaxCStack { // lua_checkstack(L, nargs)
		c51ArgError(L, 0, "Too many arguments for MessagePack pack.")
	}
	var buf []byte
	for i := 1; i <= nargs; i++ {
		buf = mpEncode(buf, L.Get(i), 0)
	}
	L.Push(lua.LString(buf))
	return 1
}

// mpEncode appends the encoding of v, found level tables deep.
func mpEncode(buf []byte, v lua.LValue, level int) []byte {
	switch x := v.(type) {
	case lua.LString:
		return mpEncodeString(buf, string(x))
	case lua.LBool:
		if x {
			return append(buf, 0xc3)
		}
		return append(buf, 0xc2)
	case lua.LNumber:
		return mpEncodeNumber(buf, float64(x))
	case *lua.LTable:
		if level == mpMaxNesting {
			return append(buf, 0xc0)
		}
		if n, ok := mpArrayLen(x); ok {
			buf = mpEncodeHeader(buf, n, 0x90, 0xdc, 0xdd)
			for j := 1; j <= n; j++ {
				buf = mpEncode(buf, x.RawGet(lua.LNumber(j)), level+1)
			}
			return buf
		}
		n := 0
		for k, _ := x.Next(lua.LNil); k != lua.LNil; k, _ = x.Next(k) {
			n++
		}
		buf = mpEncodeHeader(buf, n, 0x80, 0xde, 0xdf)
		for k, val := x.Next(lua.LNil); k != lua.LNil; k, val = x.Next(k) {
			buf = mpEncode(buf, k, level+1)
			buf = mpEncode(buf, val, level+1)
		}
		return buf
	}
	return append(buf, 0xc0) // nil, functions, userdata, threads
}

// mpArrayLen reports whether t is encoded as an array: its keys are all
// numbers that are positive C ints, and the largest equals their count.
func mpArrayLen(t *lua.LTable) (int, bool) {
	count, max := 0, 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		if !ok || n <= 0 || n >= 2147483648 || float64(n) != math.Trunc(float64(n)) {
			return 0, false
		}
		if int(n) > max {
			max = int(n)
		}
		count++
	}
	return count, max == count
}

func mpEncodeString(buf []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		buf = append(buf, 0xa0|byte(n))
	case n <= 0xff:
		buf = append(buf, 0xd9, byte(n))
	case n <= 0xffff:
		buf = append(buf, 0xda, byte(n>>8), byte(n))
	default:
		buf = append(buf, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(buf, s...)
}

// mpEncodeHeader appends an array or map header: the fix form below 16,
// then 16 and 32 bits.
func mpEncodeHeader(buf []byte, n int, fix, b16, b32 byte) []byte {
	switch {
	case n <= 15:
		return append(buf, fix|byte(n))
	case n <= 0xffff:
		return append(buf, b16, byte(n>>8), byte(n))
	}
	return append(buf, b32, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// mpEncodeNumber encodes a number that an int64 holds exactly (and is not
// infinite) as the smallest integer form; anything else as float 32 when
// that is exact, else float 64.
func mpEncodeNumber(buf []byte, d float64) []byte {
	if i := c51Int64(d); !math.IsInf(d, 0) && float64(i) == d {
		return mpEncodeInt(buf, i)
	}
	if f := float32(d); float64(f) == d {
		return binary.BigEndian.AppendUint32(append(buf, 0xca), math.Float32bits(f))
	}
	return binary.BigEndian.AppendUint64(append(buf, 0xcb), math.Float64bits(d))
}

func mpEncodeInt(buf []byte, n int64) []byte {
	if n >= 0 {
		switch {
		case n <= 127:
			return append(buf, byte(n))
		case n <= 0xff:
			return append(buf, 0xcc, byte(n))
		case n <= 0xffff:
			return binary.BigEndian.AppendUint16(append(buf, 0xcd), uint16(n))
		case n <= 0xffffffff:
			return binary.BigEndian.AppendUint32(append(buf, 0xce), uint32(n))
		}
		return binary.BigEndian.AppendUint64(append(buf, 0xcf), uint64(n))
	}
	switch {
	case n >= -32:
		return append(buf, byte(n))
	case n >= -128:
		return append(buf, 0xd0, byte(n))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(buf, 0xd1), uint16(n))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(buf, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(buf, 0xd3), uint64(n))
}

// ---- decoding ----

// mpUnpack is cmsgpack.unpack(data): every value in data.
func mpUnpack(L *lua.LState) int {
	return mpUnpackFull(L, 0, 0, L.GetTop())
}

// mpUnpackOne is cmsgpack.unpack_one(data[, offset]): the offset of the
// next value (-1 at the end), then one value.
func mpUnpackOne(L *lua.LState) int {
	offset := c51OptInteger(L, 2, 0)
	return mpUnpackFull(L, 1, offset, 1)
}

// mpUnpackLimit is cmsgpack.unpack_limit(data, limit[, offset]): the offset
// of the next value (-1 at the end), then up to limit values. A limit and
// offset of 0 mean everything, with no offset returned.
func mpUnpackLimit(L *lua.LState) int {
	limit := c51CheckInteger(L, 2)
	offset := c51OptInteger(L, 3, 0)
	return mpUnpackFull(L, limit, offset, 1)
}

// Decoding failures, as lua-cmsgpack's cursor records them.
const (
	mpOK     = 0
	mpEOF    = 1 // not enough data
	mpBadFmt = 2 // a type byte lua-cmsgpack does not know
)

// mpDecoder walks the input. top counts the slots the C implementation
// would hold on its Lua stack, so that the stack limit strikes where it
// strikes in Redis.
type mpDecoder struct {
	L   *lua.LState
	s   string
	pos int
	top int
	err int
}

func mpUnpackFull(L *lua.LState, limit, offset int64, top int) int {
	s := c51CheckString(L, 1)
	if offset < 0 || limit < 0 {
		c51Error(L, "Invalid request to unpack with offset of "+strconv.Itoa(int(int32(offset)))+
			" and limit of "+strconv.Itoa(int(int32(len(s))))+".")
	}
	if uint64(offset) > uint64(len(s)) {
		c51Error(L, "Start offset "+strconv.Itoa(int(int32(offset)))+" greater than input length "+
			strconv.Itoa(int(int32(len(s))))+".")
	}
	all := limit == 0 && offset == 0
	if all {
		limit = math.MaxInt32
	}
	d := &mpDecoder{L: L, s: s, pos: int(offset), top: top}
	var vals []lua.LValue
	for cnt := int64(0); d.pos < len(s) && cnt < limit; cnt++ {
		v := d.decode()
		switch d.err {
		case mpEOF:
			c51Error(L, "Missing bytes in input.")
		case mpBadFmt:
			c51Error(L, "Bad data format in input.")
		}
		vals = append(vals, v)
	}
	n := len(vals)
	if !all {
		c51CheckStack(L, d.top, 1, "in function mp_unpack_full")
		next := lua.LNumber(-1)
		if d.pos < len(s) {
			next = lua.LNumber(d.pos)
		}
		L.Push(next)
		n++
	}
	for _, v := range vals {
		L.Push(v)
	}
	return n
}

// need reports whether n more bytes are there, noting end of input when not.
func (d *mpDecoder) need(n uint64) bool {
	if uint64(len(d.s)-d.pos) < n {
		d.err = mpEOF
		return false
	}
	return true
}

func (d *mpDecoder) be(off, n int) uint64 {
	var v uint64
	for i := 0; i < n; i++ {
		v = v<<8 | uint64(d.s[d.pos+off+i])
	}
	return v
}

// decode reads one value; on failure d.err is set and the value is
// meaningless.
func (d *mpDecoder) decode() lua.LValue {
	if !d.need(1) {
		return lua.LNil
	}
	c51CheckStack(d.L, d.top, 1, "too many return values at once; use unpack_one or unpack_limit instead.")
	b := d.s[d.pos]
	// fixed-size scalars: how many bytes, and the value
	scalar := func(n int, v lua.LValue) lua.LValue {
		d.pos += n
		d.top++
		return v
	}
	switch b {
	case 0xcc:
		if d.need(2) {
			return scalar(2, lua.LNumber(d.s[d.pos+1]))
		}
	case 0xd0:
		if d.need(2) {
			return scalar(2, lua.LNumber(int8(d.s[d.pos+1])))
		}
	case 0xcd:
		if d.need(3) {
			return scalar(3, lua.LNumber(d.be(1, 2)))
		}
	case 0xd1:
		if d.need(3) {
			return scalar(3, lua.LNumber(int16(d.be(1, 2))))
		}
	case 0xce:
		if d.need(5) {
			return scalar(5, lua.LNumber(d.be(1, 4)))
		}
	case 0xd2:
		if d.need(5) {
			return scalar(5, lua.LNumber(int32(d.be(1, 4))))
		}
	case 0xcf, 0xd3:
		// uint 64 goes through lua_pushinteger, so it wraps to signed too
		if d.need(9) {
			return scalar(9, lua.LNumber(int64(d.be(1, 8))))
		}
	case 0xc0:
		return scalar(1, lua.LNil)
	case 0xc3:
		return scalar(1, lua.LTrue)
	case 0xc2:
		return scalar(1, lua.LFalse)
	case 0xca:
		if d.need(5) {
			return scalar(5, lua.LNumber(math.Float32frombits(uint32(d.be(1, 4)))))
		}
	case 0xcb:
		if d.need(9) {
			return scalar(9, lua.LNumber(math.Float64frombits(d.be(1, 8))))
		}
	case 0xd9:
		if d.need(2) {
			return d.str(2, d.be(1, 1))
		}
	case 0xda:
		if d.need(3) {
			return d.str(3, d.be(1, 2))
		}
	case 0xdb:
		if d.need(5) {
			return d.str(5, d.be(1, 4))
		}
	case 0xdc:
		if d.need(3) {
			n := d.be(1, 2)
			d.pos += 3
			return d.array(n)
		}
	case 0xdd:
		if d.need(5) {
			n := d.be(1, 4)
			d.pos += 5
			return d.array(n)
		}
	case 0xde:
		if d.need(3) {
			n := d.be(1, 2)
			d.pos += 3
			return d.hash(n)
		}
	case 0xdf:
		if d.need(5) {
			n := d.be(1, 4)
			d.pos += 5
			return d.hash(n)
		}
	default:
		switch {
		case b&0x80 == 0: // positive fixnum
			return scalar(1, lua.LNumber(b))
		case b&0xe0 == 0xe0: // negative fixnum
			return scalar(1, lua.LNumber(int8(b)))
		case b&0xe0 == 0xa0: // fixstr
			return d.str(1, uint64(b&0x1f))
		case b&0xf0 == 0x90: // fixarray
			d.pos++
			return d.array(uint64(b & 0xf))
		case b&0xf0 == 0x80: // fixmap
			d.pos++
			return d.hash(uint64(b & 0xf))
		}
		d.err = mpBadFmt // bin, ext and the unused 0xc1
	}
	return lua.LNil
}

// str reads a string of n bytes after a header of hdr bytes.
func (d *mpDecoder) str(hdr int, n uint64) lua.LValue {
	if hdr == 5 { // raw 32 consumes its header before checking the body
		d.pos += hdr
		hdr = 0
	}
	if !d.need(uint64(hdr) + n) {
		return lua.LNil
	}
	start := d.pos + hdr
	d.pos = start + int(n)
	d.top++
	return lua.LString(d.s[start:d.pos])
}

func (d *mpDecoder) array(n uint64) lua.LValue {
	t := d.L.NewTable()
	d.top++
	c51CheckStack(d.L, d.top, 1, "in function mp_decode_to_lua_array")
	for i := uint64(1); i <= n; i++ {
		d.top++ // the index
		v := d.decode()
		if d.err != mpOK {
			return lua.LNil
		}
		t.RawSetInt(int(i), v)
		d.top -= 2
	}
	return t
}

func (d *mpDecoder) hash(n uint64) lua.LValue {
	t := d.L.NewTable()
	d.top++
	for ; n > 0; n-- {
		k := d.decode()
		if d.err != mpOK {
			return lua.LNil
		}
		v := d.decode()
		if d.err != mpOK {
			return lua.LNil
		}
		switch x := k.(type) {
		case *lua.LNilType:
			c51RuntimeError(d.L, "table index is nil")
		case lua.LNumber:
			if x != x {
				c51RuntimeError(d.L, "table index is NaN")
			}
		}
		t.RawSet(k, v)
		d.top -= 2
	}
	return t
}
