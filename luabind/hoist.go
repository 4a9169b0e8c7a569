package luabind

import (
	lua "github.com/yuin/gopher-lua"
)

// Globals as constants. The globals of a script are read-only, and so is
// every library table (getmetatable hands out nothing that unlocks them),
// so a script's read of a global always finds the value it found when the
// script was compiled, and so does a read of a field of a library table
// ("redis.call"). KEYS and ARGV are the exception, kept so by refill: it
// reuses their tables from run to run, and when it must make a new one it
// patches the constants that hold the old (liveConsts). Going through the
// read-only proxies costs two hash lookups per step; a constant costs none.
// So, once a script body is compiled, its bytecode is patched:
//
//   - GETGLOBAL of an existing global becomes LOADK of its value;
//   - the GETTABLE of a constant field that directly follows it (and that no
//     jump lands on) becomes LOADK of the field's value;
//   - a body that never assigns a global (no SETGLOBAL: the common case, as
//     every such assignment fails) runs with the real globals table as its
//     environment rather than the proxy, so that the read of a missing
//     global, which raises as before, takes one lookup.
//
// The error messages that name a variable (see objName) still name the
// global or field a patched constant came from.

// hoisted is what a patched LOADK replaced: "global" or "field", and the
// name.
type hoisted struct{ kind, name string }

// hoistKey identifies a constant of one function prototype.
type hoistKey struct {
	p *lua.FunctionProto
	k int
}

// liveGlobals are the globals whose value a run may change; refill
// updates the constants that hold them.
var liveGlobals = map[string]bool{"KEYS": true, "ARGV": true}

// hoist patches p and the prototypes nested in it (see above) and reports
// whether any of them assigns a global.
func (e *Engine) hoist(p *lua.FunctionProto) (writes bool) {
	for _, sub := range p.FunctionPrototypes {
		writes = e.hoist(sub) || writes
	}
	e.origCode[p] = append([]uint32(nil), p.Code...)
	code := p.Code
	targets := jumpTargets(code)
	for pc := 0; pc < len(code); pc++ {
		i := code[pc]
		switch l51Op(i) {
		case lua.OP_SETLIST:
			if l51C(i) == 0 {
				pc++ // the next word is the block number, not an instruction
			}
		case lua.OP_SETGLOBAL:
			writes = true
		case lua.OP_GETGLOBAL:
			name, ok := p.Constants[l51Bx(i)].(lua.LString)
			if !ok {
				continue
			}
			v := e.globals.RawGetString(string(name))
			if v == lua.LNil {
				continue // a missing global raises when read
			}
			k, ok := addConstant(p, v)
			if !ok {
				continue
			}
			a := l51A(i)
			code[pc] = loadK(a, k)
			e.hoisted[hoistKey{p, k}] = hoisted{"global", string(name)}
			if liveGlobals[string(name)] {
				e.liveConsts[string(name)] = append(e.liveConsts[string(name)], hoistKey{p, k})
			}
			if pc+1 >= len(code) || targets[pc+1] {
				continue
			}
			next := code[pc+1]
			if op := l51Op(next); op != lua.OP_GETTABLE && op != lua.OP_GETTABLEKS || l51B(next) != a {
				continue
			}
			field := l51Kname(p, l51C(next))
			if field == "?" || l51C(next)&l51BitRK == 0 {
				continue
			}
			fv := libraryField(v, field)
			if fv == lua.LNil {
				continue
			}
			if k, ok := addConstant(p, fv); ok {
				code[pc+1] = loadK(l51A(next), k)
				e.hoisted[hoistKey{p, k}] = hoisted{"field", field}
				pc++
			}
		}
	}
	return writes
}

// libraryField is t.field when t is the read-only proxy of a library
// table, which no script can change; otherwise nil.
func libraryField(t lua.LValue, field string) lua.LValue {
	proxy, ok := t.(*lua.LTable)
	if !ok || proxy.RawGetString(field) != lua.LNil {
		return lua.LNil
	}
	mt, ok := proxy.Metatable.(*lua.LTable)
	if !ok {
		return lua.LNil
	}
	if _, ok := mt.RawGetString("__newindex").(*lua.LFunction); !ok {
		return lua.LNil // not one of the sandbox's proxies
	}
	real, ok := mt.RawGetString("__index").(*lua.LTable)
	if !ok || real.Metatable != lua.LNil {
		return lua.LNil
	}
	return real.RawGetString(field)
}

// addConstant appends v to p's constants and returns its index, if LOADK
// can address it.
func addConstant(p *lua.FunctionProto, v lua.LValue) (int, bool) {
	k := len(p.Constants)
	if k > 0x3ffff {
		return 0, false
	}
	p.Constants = append(p.Constants, v)
	return k, true
}

func loadK(a, k int) uint32 { return uint32(lua.OP_LOADK)<<26 | uint32(a&0xff)<<18 | uint32(k&0x3ffff) }

// jumpTargets marks the instructions that control can reach other than
// from the instruction before.
func jumpTargets(code []uint32) []bool {
	t := make([]bool, len(code)+2)
	for pc := 0; pc < len(code); pc++ {
		i := code[pc]
		switch l51Op(i) {
		case lua.OP_JMP, lua.OP_FORLOOP, lua.OP_FORPREP:
			if d := pc + 1 + l51SBx(i); d >= 0 && d < len(t) {
				t[d] = true
			}
		case lua.OP_EQ, lua.OP_LT, lua.OP_LE, lua.OP_TEST, lua.OP_TESTSET, lua.OP_LOADBOOL, lua.OP_TFORLOOP:
			t[pc+2] = true
		case lua.OP_SETLIST:
			if l51C(i) == 0 {
				pc++
			}
		}
	}
	return t
}

// unpatched returns p's code as the compiler made it, before hoist patched
// it.
func (e *Engine) unpatched(p *lua.FunctionProto) []uint32 {
	if e != nil {
		if code, ok := e.origCode[p]; ok {
			return code
		}
	}
	return p.Code
}
