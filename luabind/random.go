package luabind

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// Redis replaces math.random with a port of lrand48 whose state is not
// reseeded between scripts, so that scripts replicate deterministically.
// This is the same generator, bit for bit.
const (
	randInit = 0x1234ABCD330E
	randMask = 1<<48 - 1
)

func (e *Engine) lrand48() int32 {
	e.rand = (0x5DEECE66D*e.rand + 0xB) & randMask
	return int32(e.rand >> 17)
}

func (e *Engine) luaRandom(L *lua.LState) int {
	r := float64(e.lrand48()%2147483647) / 2147483647.0
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		m := c51CheckInt(L, 1)
		if m < 1 {
			L.ArgError(1, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(m)) + 1))
	case 2:
		m, n := c51CheckInt(L, 1), c51CheckInt(L, 2)
		if m > n {
			L.ArgError(2, "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(n-m+1)) + float64(m)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (e *Engine) luaRandomseed(L *lua.LState) int {
	s := int32(c51Int64(c51CheckNumber(L, 1)))
	e.rand = (uint64(uint32(s))<<16 | 0x330E) & randMask
	return 0
}

// c51CheckInt is luaL_checkint: luaL_checkinteger cut to a C int (strings
// that read as numbers are accepted, as everywhere in Lua 5.1's library).
func c51CheckInt(L *lua.LState, i int) int { return int(int32(c51CheckInteger(L, i))) }
