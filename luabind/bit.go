package luabind

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// This file holds the bit library (LuaBitOp 1.0.2, as Redis 7.0 ships it)
// and the small emulation of Lua 5.1's C API that bit, struct and cmsgpack
// share: argument checks with lauxlib's error texts, lua_tonumber's string
// conversion (glibc strtod), the x86-64 double-to-integer casts and the
// 8000-slot C stack limit.

// openBit creates the global table bit: tobit, tohex, bnot, band, bor,
// bxor, lshift, rshift, arshift, rol, ror and bswap, all with 32-bit signed
// results.
func openBit(L *lua.LState) {
	t := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"tobit":   bitTobit,
		"bnot":    bitBnot,
		"band":    bitBand,
		"bor":     bitBor,
		"bxor":    bitBxor,
		"lshift":  bitLshift,
		"rshift":  bitRshift,
		"arshift": bitArshift,
		"rol":     bitRol,
		"ror":     bitRor,
		"bswap":   bitBswap,
		"tohex":   bitTohex,
	} {
		t.RawSetString(name, L.NewFunction(fn))
	}
	L.SetGlobal("bit", t)
}

// bitArg normalises argument i to 32 bits as LuaBitOp does: the number plus
// 2^52+2^51 puts the integer part, rounded half to even, in the low 32 bits
// of the double. A value that is not a number raises the type error, unless
// the low bits happen to be non-zero (they never are: a non-number reads as
// 0).
func bitArg(L *lua.LState, i int) uint32 {
	n, ok := c51ToNumber(L.Get(i))
	var b uint32
	if n != n {
		// x86 addition keeps a NaN operand's payload.
		b = uint32(math.Float64bits(n))
	} else {
		b = uint32(math.Float64bits(n + 6755399441055744.0))
	}
	if b == 0 && !ok {
		c51TypeError(L, i, "number")
	}
	return b
}

func bitRet(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

func bitTobit(L *lua.LState) int { return bitRet(L, bitArg(L, 1)) }
func bitBnot(L *lua.LState) int  { return bitRet(L, ^bitArg(L, 1)) }

// bitFold applies op over all arguments; like LuaBitOp it reads the first
// argument, then the others from the last one down.
func bitFold(L *lua.LState, op func(a, b uint32) uint32) int {
	b := bitArg(L, 1)
	for i := L.GetTop(); i > 1; i-- {
		b = op(b, bitArg(L, i))
	}
	return bitRet(L, b)
}

func bitBand(L *lua.LState) int { return bitFold(L, func(a, b uint32) uint32 { return a & b }) }
func bitBor(L *lua.LState) int  { return bitFold(L, func(a, b uint32) uint32 { return a | b }) }
func bitBxor(L *lua.LState) int { return bitFold(L, func(a, b uint32) uint32 { return a ^ b }) }

// bitShift reads the value and the shift count (taken mod 32).
func bitShift(L *lua.LState) (uint32, uint32) {
	b := bitArg(L, 1)
	return b, bitArg(L, 2) & 31
}

func bitLshift(L *lua.LState) int { b, n := bitShift(L); return bitRet(L, b<<n) }
func bitRshift(L *lua.LState) int { b, n := bitShift(L); return bitRet(L, b>>n) }
func bitArshift(L *lua.LState) int {
	b, n := bitShift(L)
	return bitRet(L, uint32(int32(b)>>n))
}
func bitRol(L *lua.LState) int { b, n := bitShift(L); return bitRet(L, b<<n|b>>((32-n)&31)) }
func bitRor(L *lua.LState) int { b, n := bitShift(L); return bitRet(L, b>>n|b<<((32-n)&31)) }

func bitBswap(L *lua.LState) int {
	b := bitArg(L, 1)
	return bitRet(L, b>>24|(b>>8)&0xff00|(b&0xff00)<<8|b<<24)
}

// bitTohex formats the low n hex digits (default 8, at most 8); a negative
// n asks for upper case.
func bitTohex(L *lua.LState) int {
	b := bitArg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(bitArg(L, 2))
	}
	digits := "0123456789abcdef"
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	if n > 8 || n < 0 { // n < 0: -2^31 stays negative; Redis prints 8 digits
		n = 8
	}
	var buf [8]byte
	for i := n - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf[:n]))
	return 1
}
