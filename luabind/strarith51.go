package luabind

// Arithmetic on strings as Lua 5.1 does it. gopher-lua's VM converts a
// string operand with its own parser (Go's strconv with base prefixes:
// "010" is 8, "0b11" is 3, "1_0" is 10; " 10\r" and "1e500" are not
// numbers); Lua 5.1 uses luaO_str2d (strtod: "010" is 10, "0x1p4" is 16).
// The VM looks for a metamethod before it converts a string, so the string
// metatable carries __add ... __unm that convert as Lua 5.1 does and raise
// the VM's own error (then worded by lua51Error) for what does not
// convert. Unlike Redis, getmetatable("").__add is therefore a function.

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// l51StringArith adds the arithmetic metamethods to the string metatable
// mt.
func (e *Engine) l51StringArith(mt *lua.LTable) {
	L := e.L
	for _, op := range []struct {
		event string
		f     func(a, b float64) float64
	}{
		{"add", func(a, b float64) float64 { return a + b }},
		{"sub", func(a, b float64) float64 { return a - b }},
		{"mul", func(a, b float64) float64 { return a * b }},
		{"div", func(a, b float64) float64 { return a / b }},
		{"mod", func(a, b float64) float64 { return a - math.Floor(a/b)*b }},
		{"pow", math.Pow},
	} {
		mt.RawSetString("__"+op.event, L.NewFunction(func(L *lua.LState) int {
			x, y := L.Get(1), L.Get(2)
			a, ok1 := c51ToNumber(x)
			b, ok2 := c51ToNumber(y)
			if !ok1 || !ok2 {
				e.l51ArithError(L, "cannot perform "+op.event+" operation between "+l51GopherType(x)+" and "+l51GopherType(y))
			}
			L.Push(lua.LNumber(op.f(a, b)))
			return 1
		}))
	}
	mt.RawSetString("__unm", L.NewFunction(func(L *lua.LState) int {
		a, ok := c51ToNumber(L.Get(1))
		if !ok {
			e.l51ArithError(L, "__unm undefined")
		}
		L.Push(lua.LNumber(-a))
		return 1
	}))
}

// l51GopherType is the type gopher-lua names in an arithmetic error: a
// string it reads as a number is a "number".
func l51GopherType(v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		if _, ok := c51StrToNumber(string(s)); ok {
			return "number"
		}
	}
	return v.Type().String()
}

// l51ArithError raises the error the VM would raise at the arithmetic
// instruction of the calling Lua function, worded as Lua 5.1 words it.
func (e *Engine) l51ArithError(L *lua.LState, body string) {
	var msg lua.LValue = lua.LString(body)
	if f, ok := l51FrameAt(L, 1); ok {
		msg = e.lua51ErrorAt(L, lua.LString(f.where()+body), 1)
	}
	L.Error(msg, 0)
}
