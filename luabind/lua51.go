package luabind

// Lua 5.1 as Redis embeds it, where gopher-lua differs in ways a script
// can see: the wording of runtime errors (with the variable names Lua 5.1
// finds by symbolic execution of the bytecode), and the base, string,
// table and math functions whose results or errors differ.
//
// Runtime errors. gopher-lua raises "cannot perform add operation between
// nil and number" where Lua 5.1 says "attempt to perform arithmetic on
// local 'x' (a nil value)". Error handlers run before the stack unwinds, so
// lua51Error, called from every handler the engine installs (the one of
// Run, and those of pcall and xpcall), looks at the frame that raised: for
// a Lua function it decodes the failing instruction (the frame's pc is read
// by reflection: gopher-lua does not export it) and names the culprit the
// way Lua 5.1's getobjname does; for a Go function it rewrites gopher-lua's
// argument errors into luaL_argerror's form. Naming a local needs to know
// which locals are live at an instruction; gopher-lua's compiler records
// where each local ends under the wrong index, so locals recomputes
// the scopes from the script's source (see there).

import (
	"math"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// ---- frames ----

// l51Frame is what the translator knows of one call frame.
type l51Frame struct {
	dbg       *lua.Debug
	fn        *lua.LFunction
	pc        int // index of the instruction running (Lua functions), -1 if unknown
	nargs     int // arguments passed (Go functions), -1 if unknown
	localBase int // stack index of its first argument, -1 if unknown
}

// l51FrameAt returns the frame at the given level of the stack.
func l51FrameAt(L *lua.LState, level int) (*l51Frame, bool) {
	dbg, ok := L.GetStack(level)
	if !ok {
		return nil, false
	}
	fv, err := L.GetInfo("f", dbg, lua.LNil)
	if err != nil {
		return nil, false
	}
	fn, ok := fv.(*lua.LFunction)
	if !ok {
		return nil, false
	}
	f := &l51Frame{dbg: dbg, fn: fn, pc: -1, nargs: -1, localBase: -1}
	// The frame's pc and argument count are unexported; read them.
	if fr := reflect.ValueOf(dbg).Elem().FieldByName("frame"); fr.IsValid() && fr.Kind() == reflect.Pointer && !fr.IsNil() {
		fr = fr.Elem()
		if pc := fr.FieldByName("Pc"); pc.IsValid() && pc.CanInt() && !fn.IsG {
			if n := int(pc.Int()) - 1; n >= 0 && n < len(fn.Proto.Code) {
				f.pc = n
			}
		}
		if n := fr.FieldByName("NArgs"); n.IsValid() && n.CanInt() {
			f.nargs = int(n.Int())
		}
		if n := fr.FieldByName("LocalBase"); n.IsValid() && n.CanInt() {
			f.localBase = int(n.Int())
		}
	}
	return f, true
}

// reg returns register r of a Lua frame, as far as the stack still holds it.
func (f *l51Frame) reg(L *lua.LState, r int) (lua.LValue, bool) {
	name, v := L.GetLocal(f.dbg, r+1)
	return v, name != ""
}

// where is the position gopher-lua and Lua 5.1 put in front of messages
// raised in a Lua function: "chunk:line: ".
func (f *l51Frame) where() string {
	if f.fn.IsG || f.pc < 0 || f.pc >= len(f.fn.Proto.DbgSourcePositions) {
		return ""
	}
	return f.fn.Proto.SourceName + ":" + strconv.Itoa(f.fn.Proto.DbgSourcePositions[f.pc]) + ": "
}

// ---- bytecode ----

// Instruction fields, as gopher-lua lays them out (Lua 5.1's layout).
func l51Op(i uint32) int  { return int(i >> 26) }
func l51A(i uint32) int   { return int(i>>18) & 0xff }
func l51B(i uint32) int   { return int(i & 0x1ff) }
func l51C(i uint32) int   { return int(i>>9) & 0x1ff }
func l51Bx(i uint32) int  { return int(i & 0x3ffff) }
func l51SBx(i uint32) int { return l51Bx(i) - 0x1ffff }

const l51BitRK = 1 << 8 // an RK operand with this bit is a constant index

// l51SetsA reports whether an opcode writes register A (Lua 5.1's testAMode,
// with gopher-lua's extra opcodes).
func l51SetsA(op int) bool {
	switch op {
	case lua.OP_MOVE, lua.OP_MOVEN, lua.OP_LOADK, lua.OP_LOADBOOL, lua.OP_LOADNIL,
		lua.OP_GETUPVAL, lua.OP_GETGLOBAL, lua.OP_GETTABLE, lua.OP_GETTABLEKS,
		lua.OP_NEWTABLE, lua.OP_SELF, lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV,
		lua.OP_MOD, lua.OP_POW, lua.OP_UNM, lua.OP_NOT, lua.OP_LEN, lua.OP_CONCAT,
		lua.OP_TEST, lua.OP_TESTSET, lua.OP_CALL, lua.OP_TAILCALL, lua.OP_FORLOOP,
		lua.OP_FORPREP, lua.OP_CLOSURE, lua.OP_VARARG:
		return true
	}
	return false
}

// l51Symbexec is Lua 5.1's symbexec: it runs the code up to lastpc and
// returns the index of the last instruction that changed register reg
// (following forward jumps that do not skip lastpc), or -1.
func l51Symbexec(p *lua.FunctionProto, lastpc, reg int) int {
	last := -1
	code := p.Code
	for pc := 0; pc < lastpc && pc < len(code); pc++ {
		i := code[pc]
		op, a, b, c := l51Op(i), l51A(i), l51B(i), l51C(i)
		if l51SetsA(op) && a == reg {
			last = pc
		}
		switch op {
		case lua.OP_LOADNIL:
			if a <= reg && reg <= b {
				last = pc
			}
		case lua.OP_SELF:
			if reg == a+1 {
				last = pc
			}
		case lua.OP_TFORLOOP:
			if reg >= a+2 {
				last = pc
			}
		case lua.OP_CALL, lua.OP_TAILCALL:
			if reg >= a {
				last = pc
			}
		case lua.OP_JMP, lua.OP_FORLOOP, lua.OP_FORPREP:
			if dest := pc + 1 + l51SBx(i); pc < dest && dest <= lastpc {
				pc += l51SBx(i)
			}
		case lua.OP_SETLIST:
			if c == 0 {
				pc++
			}
		case lua.OP_CLOSURE:
			if bx := l51Bx(i); bx < len(p.FunctionPrototypes) {
				pc += int(p.FunctionPrototypes[bx].NumUpvalues)
			}
		}
	}
	return last
}

// l51Kname is Lua 5.1's kname: a constant string key, or "?".
func l51Kname(p *lua.FunctionProto, rk int) string {
	if rk&l51BitRK != 0 {
		if k := rk &^ l51BitRK; k < len(p.Constants) {
			if s, ok := p.Constants[k].(lua.LString); ok {
				return string(s)
			}
		}
	}
	return "?"
}

// l51ObjName is Lua 5.1's getobjname: how the value in register reg at pc
// came to be there ("local", "global", "field", "upvalue", "method") and
// its name; kind is "" when Lua 5.1 would not know.
func (t *l51Translator) objName(p *lua.FunctionProto, pc, reg int, depth int) (kind, name string) {
	if depth > 50 {
		return "", ""
	}
	if name, ok := t.localName(p, reg, pc); ok {
		return "local", name
	}
	last := l51Symbexec(p, pc, reg)
	if last < 0 {
		return "", ""
	}
	i := p.Code[last]
	switch l51Op(i) {
	case lua.OP_GETGLOBAL:
		if bx := l51Bx(i); bx < len(p.Constants) {
			if s, ok := p.Constants[bx].(lua.LString); ok {
				return "global", string(s)
			}
		}
	case lua.OP_MOVE, lua.OP_MOVEN:
		if b, a := l51B(i), l51A(i); b < a {
			return t.objName(p, pc, b, depth+1)
		}
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
		return "field", l51Kname(p, l51C(i))
	case lua.OP_LOADK:
		if t.e != nil {
			if h, ok := t.e.hoisted[hoistKey{p, l51Bx(i)}]; ok {
				return h.kind, h.name
			}
		}
	case lua.OP_GETUPVAL:
		if b := l51B(i); b < len(p.DbgUpvalues) {
			return "upvalue", p.DbgUpvalues[b]
		}
		return "upvalue", "?"
	case lua.OP_SELF:
		return "method", l51Kname(p, l51C(i))
	case lua.OP_CALL:
		// The operands of ".." go through the hidden tostring of
		// numbers.go, a call Lua 5.1 does not make: look through it.
		if a := l51A(i); a == reg && l51B(i) == 2 {
			if fpc := l51Symbexec(p, last, a); fpc >= 0 && t.isTostr(p, p.Code[fpc]) {
				return t.objName(p, last, a+1, depth+1)
			}
		}
	}
	return "", ""
}

// isTostr reports whether instruction i of p loads the hidden tostring of
// numbers.go: a GETGLOBAL of its name, or the constant hoist.go made of
// one.
func (t *l51Translator) isTostr(p *lua.FunctionProto, i uint32) bool {
	switch l51Op(i) {
	case lua.OP_GETGLOBAL:
		bx := l51Bx(i)
		return bx < len(p.Constants) && p.Constants[bx] == lua.LString(tostringName)
	case lua.OP_LOADK:
		if t.e != nil {
			h, ok := t.e.hoisted[hoistKey{p, l51Bx(i)}]
			return ok && h.kind == "global" && h.name == tostringName
		}
	}
	return false
}

// ---- translation ----

// l51Translator rewrites one error message.
type l51Translator struct {
	e     *Engine
	L     *lua.LState
	level int // of the frame that raised the error
}

// lua51Error translates an error value raised under the running error
// handler into Lua 5.1's wording, if gopher-lua worded it: level 1 of the
// stack is where it was raised. Other values come back unchanged.
func (e *Engine) lua51Error(L *lua.LState, v lua.LValue) lua.LValue {
	return e.lua51ErrorAt(L, v, 1)
}

// lua51ErrorAt is lua51Error for an error raised at the given level.
func (e *Engine) lua51ErrorAt(L *lua.LState, v lua.LValue, level int) lua.LValue {
	msg, ok := v.(lua.LString)
	if !ok {
		return v
	}
	f, ok := l51FrameAt(L, level)
	if !ok {
		return v
	}
	t := &l51Translator{e: e, L: L, level: level}
	if out, ok := t.translate(f, string(msg)); ok {
		return lua.LString(out)
	}
	return v
}

func (t *l51Translator) translate(f *l51Frame, msg string) (string, bool) {
	if !f.fn.IsG {
		prefix := f.where()
		if prefix == "" || !strings.HasPrefix(msg, prefix) {
			return "", false
		}
		body, ok := t.vmError(f, msg[len(prefix):])
		if !ok {
			return "", false
		}
		return prefix + body, true
	}
	if t.e != nil && t.e.globals != nil && f.fn == t.e.globals.RawGetString("error") {
		return "", false // error's message is the script's own
	}
	// gopher-lua puts the position of the nearest Lua function in front
	// of a message a Go function raises; Lua 5.1's luaL_error that of
	// the caller when the caller is a Lua function, and nothing else.
	body := msg
	for level := t.level + 1; level < t.level+200; level++ {
		g, ok := l51FrameAt(t.L, level)
		if !ok {
			break
		}
		if !g.fn.IsG {
			if w := g.where(); w != "" && strings.HasPrefix(msg, w) {
				body = msg[len(w):]
			}
			break
		}
	}
	caller, hasCaller := l51CallerFrom(t.L, t.level+1)
	where := ""
	if hasCaller && !caller.fn.IsG {
		where = caller.where()
	} else {
		hasCaller = false
	}
	if m := l51BadArg.FindStringSubmatch(body); m != nil {
		n, _ := strconv.Atoi(m[1])
		why := m[3]
		if f.nargs >= 0 && n > f.nargs && strings.HasSuffix(why, " expected, got nil") {
			why = strings.TrimSuffix(why, "nil") + "no value"
		}
		if hasCaller {
			return where + t.argError(caller, n, why), true
		}
		return "bad argument #" + strconv.Itoa(n) + " to '?' (" + why + ")", true
	}
	if body == "can not yield from outside of a coroutine" {
		return "attempt to yield across metamethod/C-call boundary", true
	}
	if body == "attempt to call a non-function object" {
		// pcall's or xpcall's: what it was asked to call is its first
		// argument.
		set, _ := t.L.G.Registry.RawGetString(l51ProtectorsKey).(*lua.LTable)
		if set != nil && set.RawGet(f.fn) != lua.LNil {
			if v, ok := f.reg(t.L, 0); ok {
				return l51TypeMsg("call", "", "", v.Type().String()), true
			}
		}
	}
	// A runtime error of the VM while a Go function runs: Lua 5.1 has no
	// position and no names for it.
	if out, ok := l51PlainVM(body); ok {
		return out, true
	}
	return "", false
}

// l51BadArg matches gopher-lua's argument errors: the function's name is
// not quoted.
var l51BadArg = regexpMust(`^bad argument #(\d+) to ([^' ][^ ]*|\(anonymous\)|main chunk) \((.*)\)$`)

// argError words luaL_argerror for argument n of the function the Lua
// frame caller is calling: the name is what the call instruction shows,
// and a method call does not count self.
func (t *l51Translator) argError(caller *l51Frame, n int, why string) string {
	kind, name := t.calleeName(caller)
	if kind == "method" {
		n--
		if n == 0 {
			return "calling '" + name + "' on bad self (" + why + ")"
		}
	}
	if kind == "" {
		name = "?"
	}
	return "bad argument #" + strconv.Itoa(n) + " to '" + name + "' (" + why + ")"
}

// calleeName is Lua 5.1's getfuncname: the name of the function a Lua
// frame is calling, from its call instruction.
func (t *l51Translator) calleeName(caller *l51Frame) (kind, name string) {
	if caller == nil || caller.fn.IsG || caller.pc < 0 {
		return "", ""
	}
	p := caller.fn.Proto
	i := p.Code[caller.pc]
	switch l51Op(i) {
	case lua.OP_CALL, lua.OP_TAILCALL, lua.OP_TFORLOOP:
		return t.objName(p, caller.pc, l51A(i), 0)
	}
	return "", ""
}

// l51TypeMsg is luaG_typeerror's wording.
func l51TypeMsg(op, kind, name, typ string) string {
	if kind != "" {
		return "attempt to " + op + " " + kind + " '" + name + "' (a " + typ + " value)"
	}
	return "attempt to " + op + " a " + typ + " value"
}

// l51OrderError is luaG_ordererror's wording: Lua 5.1 compares the third
// letters of the type names.
func l51OrderError(t1, t2 string) string {
	if len(t1) > 2 && len(t2) > 2 && t1[2] == t2[2] {
		return "attempt to compare two " + t1 + " values"
	}
	return "attempt to compare " + t1 + " with " + t2
}

// l51IsStrNum reports whether a type name is one concatenation takes.
func l51IsStrNum(typ string) bool { return typ == "string" || typ == "number" }

// l51ParseVM recognizes gopher-lua's runtime error messages. It returns
// the kind of error and the type names the message carries.
func l51ParseVM(body string) (kind string, t1, t2 string, ok bool) {
	switch {
	case strings.HasPrefix(body, "cannot perform concat operation between "):
		a, b, ok := strings.Cut(strings.TrimPrefix(body, "cannot perform concat operation between "), " and ")
		return "concat", a, b, ok
	case strings.HasPrefix(body, "cannot perform "):
		rest := strings.TrimPrefix(body, "cannot perform ")
		_, rest, ok := strings.Cut(rest, " operation between ")
		if !ok {
			return "", "", "", false
		}
		a, b, ok := strings.Cut(rest, " and ")
		return "arith", a, b, ok
	case body == "__unm undefined":
		return "unm", "", "", true
	case body == "__len undefined":
		return "len", "", "", true
	case strings.HasPrefix(body, "attempt to compare "):
		a, b, ok := strings.Cut(strings.TrimPrefix(body, "attempt to compare "), " with ")
		if !ok || strings.Contains(a, " ") || strings.Contains(b, " ") {
			return "", "", "", false
		}
		return "compare", a, b, true
	case body == "attempt to call a non-function object":
		return "call", "", "", true
	case strings.HasPrefix(body, "attempt to index a non-table object("):
		typ, _, ok := strings.Cut(strings.TrimPrefix(body, "attempt to index a non-table object("), ")")
		return "index", typ, "", ok
	case body == "for statement init must be a number":
		return "forinit", "", "", true
	case body == "for statement limit must be a number":
		return "forlimit", "", "", true
	case body == "for statement step must be a number":
		return "forstep", "", "", true
	case body == "too many recursions in gettable":
		return "loopget", "", "", true
	case body == "too many recursions in settable":
		return "loopset", "", "", true
	}
	return "", "", "", false
}

// l51PlainVM words a runtime error without names (raised while a Go
// function runs, or where the culprit cannot be found).
func l51PlainVM(body string) (string, bool) {
	kind, t1, t2, ok := l51ParseVM(body)
	if !ok {
		return "", false
	}
	switch kind {
	case "arith":
		if t1 != "number" {
			return l51TypeMsg("perform arithmetic on", "", "", t1), true
		}
		return l51TypeMsg("perform arithmetic on", "", "", t2), true
	case "concat":
		if l51IsStrNum(t1) {
			return l51TypeMsg("concatenate", "", "", t2), true
		}
		return l51TypeMsg("concatenate", "", "", t1), true
	case "compare":
		return l51OrderError(t1, t2), true
	case "index":
		return l51TypeMsg("index", "", "", t1), true
	case "call":
		return l51TypeMsg("call", "", "", "nil"), true // see translate
	case "unm":
		return l51TypeMsg("perform arithmetic on", "", "", "nil"), true
	case "len":
		return l51TypeMsg("get length of", "", "", "nil"), true
	}
	return l51ForError(kind), true
}

func l51ForError(kind string) string {
	switch kind {
	case "forinit":
		return "'for' initial value must be a number"
	case "forlimit":
		return "'for' limit must be a number"
	case "forstep":
		return "'for' step must be a number"
	case "loopget":
		return "loop in gettable"
	}
	return "loop in settable"
}

// vmError words a runtime error raised by the instruction a Lua frame is
// running, naming the culprit as Lua 5.1 does.
func (t *l51Translator) vmError(f *l51Frame, body string) (string, bool) {
	kind, t1, t2, ok := l51ParseVM(body)
	if !ok {
		return "", false
	}
	if f.pc < 0 {
		return l51PlainVM(body)
	}
	p := f.fn.Proto
	i := p.Code[f.pc]
	op := l51Op(i)
	// named returns the name of what register reg holds, provided it is
	// of the type the error is about.
	named := func(rk int, typ string) (string, string) {
		if rk&l51BitRK != 0 {
			return "", ""
		}
		if v, ok := f.reg(t.L, rk); ok && v.Type().String() != typ {
			return "", ""
		}
		return t.objName(p, f.pc, rk, 0)
	}
	regType := func(r int) string {
		if r&l51BitRK != 0 {
			if k := r &^ l51BitRK; k < len(p.Constants) {
				return p.Constants[k].Type().String()
			}
			return "nil"
		}
		if v, ok := f.reg(t.L, r); ok {
			return v.Type().String()
		}
		return "nil"
	}
	switch kind {
	case "arith":
		if op < lua.OP_ADD || op > lua.OP_POW {
			return l51PlainVM(body)
		}
		rk, typ := l51B(i), t1
		if t1 == "number" {
			rk, typ = l51C(i), t2
		}
		k, n := named(rk, typ)
		return l51TypeMsg("perform arithmetic on", k, n, typ), true
	case "unm", "len":
		if op != lua.OP_UNM && op != lua.OP_LEN {
			return l51PlainVM(body)
		}
		r := l51B(i)
		typ := regType(r)
		k, n := named(r, typ)
		if kind == "unm" {
			return l51TypeMsg("perform arithmetic on", k, n, typ), true
		}
		return l51TypeMsg("get length of", k, n, typ), true
	case "concat":
		if op != lua.OP_CONCAT {
			return l51PlainVM(body)
		}
		// Lua 5.1 concatenates from the right: the first pair that fails
		// is the culprit; of the pair, the left one unless it is a
		// string or a number.
		b, c := l51B(i), l51C(i)
		for r := c; r > b; r-- {
			left, right := regType(r-1), regType(r)
			if r < c {
				right = "string" // what was already joined
			}
			if !l51IsStrNum(left) || !l51IsStrNum(right) {
				culprit := r - 1
				if l51IsStrNum(left) {
					culprit = r
				}
				typ := regType(culprit)
				k, n := named(culprit, typ)
				return l51TypeMsg("concatenate", k, n, typ), true
			}
		}
		return l51PlainVM(body)
	case "compare":
		return l51OrderError(t1, t2), true
	case "call":
		var r int
		switch op {
		case lua.OP_CALL, lua.OP_TAILCALL:
			r = l51A(i)
		case lua.OP_TFORLOOP:
			r = l51A(i)
			typ := regType(r)
			k, n := t.objName(p, f.pc, r+3, 0)
			return l51TypeMsg("call", k, n, typ), true
		default:
			return l51PlainVM(body)
		}
		typ := regType(r)
		k, n := named(r, typ)
		return l51TypeMsg("call", k, n, typ), true
	case "index":
		var r int
		switch op {
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
			r = l51B(i)
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			r = l51A(i)
		default:
			return l51PlainVM(body)
		}
		k, n := named(r, t1)
		return l51TypeMsg("index", k, n, t1), true
	}
	return l51ForError(kind), true
}

// ---- locals ----

// l51LocVar is a local variable of a function with the range of
// instructions where it is live (end included), as Lua 5.1 records them.
type l51LocVar struct {
	name       string
	start, end int
}

// localName is Lua 5.1's luaF_getlocalname: the name of the n-th local
// live at pc, where register reg holds the (reg+1)-th.
func (t *l51Translator) localName(p *lua.FunctionProto, reg, pc int) (string, bool) {
	vars := t.locals(p)
	n := reg + 1
	for _, v := range vars {
		if v.start > pc {
			break
		}
		if pc <= v.end {
			n--
			if n == 0 {
				return v.name, true
			}
		}
	}
	return "", false
}

// l51Cache keeps the local scopes computed per function prototype.
var l51Cache struct {
	sync.Mutex
	m map[*lua.FunctionProto][]l51LocVar
}

// locals returns the scopes of p's locals. gopher-lua's compiler stores
// the end of a scope under the local's register number instead of its own
// index, so its DbgLocals are wrong as soon as a register is reused. The
// starts are right; the ends are recomputed here from the source: the
// function is found in a fresh compile of the chunk's source (compilation
// is deterministic), its blocks are enumerated by walking its syntax tree
// the way the compiler does, and for each block the source is compiled
// once more, cut right after the block, so that the block's end is the
// last thing written into those entries. Without the source (or if
// anything does not match), gopher-lua's records are used as they are.
func (t *l51Translator) locals(p *lua.FunctionProto) []l51LocVar {
	l51Cache.Lock()
	vars, ok := l51Cache.m[p]
	l51Cache.Unlock()
	if ok {
		return vars
	}
	vars = t.computeLocals(p)
	l51Cache.Lock()
	if l51Cache.m == nil || len(l51Cache.m) > 512 {
		l51Cache.m = make(map[*lua.FunctionProto][]l51LocVar)
	}
	l51Cache.m[p] = vars
	l51Cache.Unlock()
	return vars
}

// l51Source is a chunk's source as the engine compiled it.
type l51Source struct {
	code, name string
	body       bool // a script body, wrapped in a function as compile does
}

func (t *l51Translator) computeLocals(p *lua.FunctionProto) (vars []l51LocVar) {
	fallback := make([]l51LocVar, len(p.DbgLocals))
	for i, l := range p.DbgLocals {
		// EndPc is the last instruction in scope; an entry the compiler
		// never wrote holds 0.
		fallback[i] = l51LocVar{name: l.Name, start: l.StartPc, end: l.EndPc}
		if l.EndPc < l.StartPc-1 {
			fallback[i].end = len(p.Code)
		}
	}
	defer func() {
		if recover() != nil { // a compiler panic: keep gopher-lua's records
			vars = fallback
		}
	}()
	src, ok := t.source(p)
	if !ok {
		return fallback
	}
	root, chunk, err := l51Compile(src, -1, nil)
	if err != nil {
		return fallback
	}
	path, ok := l51FindProto(root, p, t.e.unpatched(p), nil)
	if !ok {
		return fallback
	}
	w := &l51Walker{cut: -1}
	fe, method := l51Navigate(chunk, path)
	if fe == nil {
		return fallback
	}
	w.function(fe, method, len(path) == 0)
	if len(w.vars) != len(p.DbgLocals) {
		return fallback
	}
	vars = make([]l51LocVar, len(w.vars))
	for i, v := range w.vars {
		if v.name != p.DbgLocals[i].Name {
			return fallback
		}
		vars[i] = l51LocVar{name: v.name, start: p.DbgLocals[i].StartPc, end: len(p.Code)}
	}
	// The end of each block with locals, from a compile cut after it.
	for b, blk := range w.blocks {
		if blk.nvars == 0 {
			continue
		}
		end, ok := l51BlockEnd(src, path, b, blk.firstReg)
		if !ok {
			return fallback
		}
		for i, v := range w.vars {
			if v.block == b {
				vars[i].end = end
			}
		}
		// Lua 5.1 keeps a loop's control variables live through the
		// loop instruction(s) that follow the body, and makes them live
		// only once the loop is set up.
		for k := 0; k < blk.hidden; k++ {
			i := blk.firstVar + k
			if blk.hidden < blk.nvars {
				vars[i].start = vars[blk.firstVar+blk.hidden].start - 1
			}
			if blk.kind == l51BlockNumFor {
				vars[i].end = end + 1
			} else {
				vars[i].end = end + 2
			}
		}
	}
	return vars
}

// source finds the source of the chunk p belongs to: the running script,
// or a chunk loadstring made.
func (t *l51Translator) source(p *lua.FunctionProto) (l51Source, bool) {
	e := t.e
	if e == nil {
		return l51Source{}, false
	}
	if p.SourceName == "user_script" {
		if e.run == nil || e.run.script == nil {
			return l51Source{}, false
		}
		_, code, err := parseShebang(e.run.script.Body)
		if err != nil {
			return l51Source{}, false
		}
		return l51Source{code: code, name: "user_script", body: true}, true
	}
	if p.SourceName == "user_function" { // a function library: Body is its code
		if e.run == nil || e.run.script == nil {
			return l51Source{}, false
		}
		return l51Source{code: e.run.script.Body, name: "user_function"}, true
	}
	if code, ok := l51Chunks(e.L)[p.SourceName]; ok {
		return l51Source{code: code, name: p.SourceName}, true
	}
	return l51Source{}, false
}

const l51ChunksKey = "lua51.chunks"

// l51Chunks returns the sources of the chunks loadstring made, by chunk
// name (the latest chunk of a name wins; l51FindProto checks the code).
func l51Chunks(L *lua.LState) map[string]string {
	if ud, ok := L.G.Registry.RawGetString(l51ChunksKey).(*lua.LUserData); ok {
		if m, ok := ud.Value.(map[string]string); ok {
			return m
		}
	}
	m := map[string]string{}
	L.G.Registry.RawSetString(l51ChunksKey, &lua.LUserData{Value: m})
	return m
}

// l51NoteChunk keeps the source of a chunk loadstring compiled, for the
// names in its runtime errors. At most a thousand are kept.
func (e *Engine) l51NoteChunk(name, code string) {
	m := l51Chunks(e.L)
	if len(m) >= 1000 {
		clear(m)
	}
	m[name] = code
}

// l51Compile parses and compiles a chunk the way the engine's compile
// does. With cut >= 0 the function at path is cut right after its block
// number cut.
func l51Compile(src l51Source, cut int, path []int) (*lua.FunctionProto, []ast.Stmt, error) {
	chunk, err := parse.Parse(strings.NewReader(src.code), src.name)
	if err != nil {
		return nil, nil, err
	}
	rewriteConcat(chunk)
	if src.body {
		fn := &ast.FunctionExpr{ParList: &ast.ParList{}, Stmts: chunk}
		fn.SetLine(1)
		fn.SetLastLine(1 + strings.Count(src.code, "\n"))
		ret := &ast.ReturnStmt{Exprs: []ast.Expr{fn}}
		ret.SetLine(1)
		ret.SetLastLine(fn.LastLine())
		chunk = []ast.Stmt{ret}
	}
	if cut >= 0 {
		fe, method := l51Navigate(chunk, path)
		if fe == nil {
			return nil, nil, errL51NoMatch
		}
		w := &l51Walker{cut: cut}
		w.function(fe, method, len(path) == 0)
		if !w.didCut {
			return nil, nil, errL51NoMatch
		}
		if len(path) == 0 {
			chunk = fe.Stmts // the main chunk was cut through its node
		}
	}
	proto, err := lua.Compile(chunk, src.name)
	if err != nil {
		return nil, nil, err
	}
	return proto, chunk, nil
}

var errL51NoMatch = &Error{"no match"}

func regexpMust(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }

// l51FindProto finds p in the tree of prototypes under root (by its code and
// locals, since root is a fresh compile) and returns the path of child
// indices that leads to it.
// code is p's code as compiled, before hoist.go patched it.
func l51FindProto(root, p *lua.FunctionProto, code []uint32, path []int) ([]int, bool) {
	if l51SameProto(root, p, code) {
		return path, true
	}
	for i, child := range root.FunctionPrototypes {
		if found, ok := l51FindProto(child, p, code, append(path[:len(path):len(path)], i)); ok {
			return found, true
		}
	}
	return nil, false
}

func l51SameProto(a, b *lua.FunctionProto, bcode []uint32) bool {
	if a.LineDefined != b.LineDefined || len(a.Code) != len(bcode) || len(a.DbgLocals) != len(b.DbgLocals) {
		return false
	}
	for i := range a.Code {
		if a.Code[i] != bcode[i] {
			return false
		}
	}
	for i := range a.DbgLocals {
		if a.DbgLocals[i].Name != b.DbgLocals[i].Name || a.DbgLocals[i].StartPc != b.DbgLocals[i].StartPc {
			return false
		}
	}
	return true
}

// l51Navigate returns the function expression at path under the main
// chunk (the main chunk itself for an empty path, as a synthetic node
// sharing the chunk), and whether it is a method.
func l51Navigate(chunk []ast.Stmt, path []int) (*ast.FunctionExpr, bool) {
	fe := &ast.FunctionExpr{ParList: &ast.ParList{HasVargs: true}, Stmts: chunk}
	method := false
	for depth, idx := range path {
		w := &l51Walker{cut: -1}
		w.function(fe, method, depth == 0)
		if idx >= len(w.nested) {
			return nil, false
		}
		fe, method = w.nested[idx].fe, w.nested[idx].method
	}
	return fe, method
}

// l51BlockEnd compiles src cut right after block b of the function at path
// and returns the index of the block's last instruction.
func l51BlockEnd(src l51Source, path []int, b, firstReg int) (int, bool) {
	root, _, err := l51Compile(src, b, path)
	if err != nil {
		return 0, false
	}
	p := root
	for _, idx := range path {
		if idx >= len(p.FunctionPrototypes) {
			return 0, false
		}
		p = p.FunctionPrototypes[idx]
	}
	if firstReg >= len(p.DbgLocals) {
		return 0, false
	}
	return p.DbgLocals[firstReg].EndPc, true
}

// ---- the walker ----

const (
	l51BlockPlain = iota
	l51BlockNumFor
	l51BlockGenFor
)

type l51Block struct {
	kind     int
	firstVar int // index of its first local
	firstReg int // register of its first local
	nvars    int
	hidden   int // the loop's control variables, first in the block
}

type l51WalkVar struct {
	name  string
	block int // -1: the function's own scope
}

type l51Nested struct {
	fe     *ast.FunctionExpr
	method bool
}

// l51Walker walks one function's syntax tree in the order gopher-lua's
// compiler does, noting its locals (in the order they are registered),
// its blocks, and the functions nested in it. With cut >= 0 it cuts the
// tree right after block number cut instead.
type l51Walker struct {
	vars   []l51WalkVar
	blocks []l51Block
	nested []l51Nested
	active int   // locals live now
	stack  []int // open blocks

	cut    int
	didCut bool
	// the chunks being walked, innermost last, to cut them
	chunks []*[]ast.Stmt
	index  []int
}

type l51Stop struct{}

// function walks the body of fe: a method gets the parameter self first,
// and a vararg function other than the main chunk the local arg last.
func (w *l51Walker) function(fe *ast.FunctionExpr, method, main bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(l51Stop); !ok {
				panic(r)
			}
		}
	}()
	if method {
		w.register("self")
	}
	if fe.ParList != nil {
		for _, name := range fe.ParList.Names {
			w.register(name)
		}
		if fe.ParList.HasVargs && lua.CompatVarArg && !main {
			w.register("arg")
		}
	}
	w.chunk(&fe.Stmts)
}

func (w *l51Walker) register(name string) {
	blk := -1
	if n := len(w.stack); n > 0 {
		blk = w.stack[n-1]
		b := &w.blocks[blk]
		if b.nvars == 0 {
			b.firstVar = len(w.vars)
			b.firstReg = w.active
		}
		b.nvars++
	}
	w.vars = append(w.vars, l51WalkVar{name: name, block: blk})
	w.active++
}

func (w *l51Walker) enter(kind int) int {
	w.blocks = append(w.blocks, l51Block{kind: kind})
	id := len(w.blocks) - 1
	w.stack = append(w.stack, id)
	return id
}

// leave closes block id; ifThen is the if statement when the block is its
// then part.
func (w *l51Walker) leave(id int, ifThen *ast.IfStmt) {
	w.stack = w.stack[:len(w.stack)-1]
	w.active -= w.blocks[id].nvars
	if id == w.cut {
		// Cut every chunk we are in after its current statement, and
		// the else part of an if after its then part: nothing compiled
		// after the block may write its locals' entries again.
		for i, c := range w.chunks {
			*c = (*c)[:w.index[i]+1]
		}
		if ifThen != nil {
			ifThen.Else = nil
		}
		w.didCut = true
		panic(l51Stop{})
	}
}

func (w *l51Walker) chunk(stmts *[]ast.Stmt) {
	w.chunks = append(w.chunks, stmts)
	w.index = append(w.index, 0)
	for i, s := range *stmts {
		w.index[len(w.index)-1] = i
		w.stmt(s)
	}
	w.chunks = w.chunks[:len(w.chunks)-1]
	w.index = w.index[:len(w.index)-1]
}

func (w *l51Walker) stmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		w.exprs(s.Lhs)
		w.exprs(s.Rhs)
	case *ast.LocalAssignStmt:
		if len(s.Names) == 1 && len(s.Exprs) == 1 {
			if _, ok := s.Exprs[0].(*ast.FunctionExpr); ok {
				w.register(s.Names[0])
				w.expr(s.Exprs[0])
				return
			}
		}
		w.exprs(s.Exprs)
		for _, name := range s.Names {
			w.register(name)
		}
	case *ast.FuncCallStmt:
		w.expr(s.Expr)
	case *ast.DoBlockStmt:
		id := w.enter(l51BlockPlain)
		w.chunk(&s.Stmts)
		w.leave(id, nil)
	case *ast.WhileStmt:
		w.expr(s.Condition)
		id := w.enter(l51BlockPlain)
		w.chunk(&s.Stmts)
		w.leave(id, nil)
	case *ast.RepeatStmt:
		id := w.enter(l51BlockPlain)
		w.chunk(&s.Stmts)
		w.expr(s.Condition)
		w.leave(id, nil)
	case *ast.IfStmt:
		w.expr(s.Condition)
		if len(s.Then) > 0 {
			id := w.enter(l51BlockPlain)
			w.chunk(&s.Then)
			w.leave(id, s)
		}
		if len(s.Else) > 0 {
			id := w.enter(l51BlockPlain)
			w.chunk(&s.Else)
			w.leave(id, nil)
		}
	case *ast.NumberForStmt:
		id := w.enter(l51BlockNumFor)
		w.register("(for index)")
		w.expr(s.Init)
		w.register("(for limit)")
		w.expr(s.Limit)
		w.register("(for step)")
		if s.Step != nil {
			w.expr(s.Step)
		}
		w.blocks[id].hidden = 3
		w.register(s.Name)
		w.chunk(&s.Stmts)
		w.leave(id, nil)
	case *ast.GenericForStmt:
		id := w.enter(l51BlockGenFor)
		w.register("(for generator)")
		w.register("(for state)")
		w.register("(for control)")
		w.exprs(s.Exprs)
		w.blocks[id].hidden = 3
		for _, name := range s.Names {
			w.register(name)
		}
		w.chunk(&s.Stmts)
		w.leave(id, nil)
	case *ast.FuncDefStmt:
		if s.Name.Func == nil {
			// "function a:b()": the compiler gives it a parameter self.
			w.expr(s.Name.Receiver)
			w.nested = append(w.nested, l51Nested{fe: s.Func, method: true})
		} else {
			w.expr(s.Name.Func)
			w.expr(s.Func)
		}
	case *ast.ReturnStmt:
		w.exprs(s.Exprs)
	}
}

func (w *l51Walker) exprs(es []ast.Expr) {
	for _, e := range es {
		w.expr(e)
	}
}

func (w *l51Walker) expr(e ast.Expr) {
	switch e := e.(type) {
	case *ast.FunctionExpr:
		w.nested = append(w.nested, l51Nested{fe: e})
	case *ast.AttrGetExpr:
		w.expr(e.Object)
		w.expr(e.Key)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			if f.Key != nil {
				w.expr(f.Key)
			}
			w.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		if e.Receiver != nil {
			w.expr(e.Receiver)
		} else if e.Func != nil {
			w.expr(e.Func)
		}
		w.exprs(e.Args)
	case *ast.LogicalOpExpr:
		w.expr(e.Lhs)
		w.expr(e.Rhs)
	case *ast.RelationalOpExpr:
		w.expr(e.Lhs)
		w.expr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		w.expr(e.Lhs)
		w.expr(e.Rhs)
	case *ast.StringConcatOpExpr:
		w.expr(e.Lhs)
		w.expr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		w.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		w.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		w.expr(e.Expr)
	}
}

// ---- handlers ----

const l51HandlerKey = "lua51.handler"

// lua51Handler returns the error handler pcall uses: it translates the
// message (see lua51Error) before the stack unwinds. It is made once per
// state and kept in the registry, out of the scripts' reach.
func (e *Engine) lua51Handler(L *lua.LState) *lua.LFunction {
	reg := L.G.Registry
	if fn, ok := reg.RawGetString(l51HandlerKey).(*lua.LFunction); ok {
		return fn
	}
	fn := L.NewFunction(func(L *lua.LState) int {
		L.Push(e.lua51Error(L, L.Get(1)))
		l51CloseProtected(L)
		return 1
	})
	reg.RawSetString(l51HandlerKey, fn)
	return fn
}

// ---- the C API of Lua 5.1, for the functions below ----

const l51EngineKey = "lua51.engine"

// l51EngineOf returns the engine whose state L is (a thread of), or nil.
func l51EngineOf(L *lua.LState) *Engine {
	if ud, ok := L.G.Registry.RawGetString(l51EngineKey).(*lua.LUserData); ok {
		if e, ok := ud.Value.(*Engine); ok {
			return e
		}
	}
	return nil
}

const l51TransparentKey = "lua51.transparent"

// l51Transparent makes a Go function that stands in front of another (the
// sandbox's checks around rawset and setmetatable): errors raised by the
// function behind it are worded as if the script called that directly.
func (e *Engine) l51Transparent(fn lua.LGFunction) *lua.LFunction {
	L := e.L
	f := L.NewFunction(fn)
	set, ok := L.G.Registry.RawGetString(l51TransparentKey).(*lua.LTable)
	if !ok {
		set = L.NewTable()
		L.G.Registry.RawSetString(l51TransparentKey, set)
	}
	set.RawSet(f, lua.LTrue)
	return f
}

// l51Caller returns the frame of the function that called the running Go
// function, looking through transparent ones.
func l51Caller(L *lua.LState) (*l51Frame, bool) { return l51CallerFrom(L, 1) }

// l51CallerFrom returns the first frame from the given level up that is not
// a transparent function.
func l51CallerFrom(L *lua.LState, from int) (*l51Frame, bool) {
	set, _ := L.G.Registry.RawGetString(l51TransparentKey).(*lua.LTable)
	for level := from; level < from+10; level++ {
		f, ok := l51FrameAt(L, level)
		if !ok {
			return nil, false
		}
		if set == nil || set.RawGet(f.fn) == lua.LNil {
			return f, true
		}
	}
	return nil, false
}

// l51Where is luaL_where(L, 1): the position of the Lua function calling
// the running Go function, or "" when the caller is not a Lua function.
func l51Where(L *lua.LState) string {
	if f, ok := l51Caller(L); ok && !f.fn.IsG {
		return f.where()
	}
	return ""
}

// l51Error is luaL_error: the message with the caller's position.
func l51Error(L *lua.LState, msg string) {
	L.Error(lua.LString(l51Where(L)+msg), 0)
}

// l51RunError is an error the core raises while a Go function runs
// (luaG_runerror): no position.
func l51RunError(L *lua.LState, msg string) {
	L.Error(lua.LString(msg), 0)
}

// l51ArgError is luaL_argerror for argument n of the running function.
func l51ArgError(L *lua.LState, n int, why string) {
	caller, ok := l51Caller(L)
	if !ok || caller.fn.IsG {
		l51RunError(L, "bad argument #"+strconv.Itoa(n)+" to '?' ("+why+")")
	}
	t := &l51Translator{e: l51EngineOf(L), L: L}
	l51RunError(L, caller.where()+t.argError(caller, n, why))
}

// l51TypeName is luaL_typename: "no value" past the last argument.
func l51TypeName(L *lua.LState, n int) string {
	if n > L.GetTop() {
		return "no value"
	}
	return L.Get(n).Type().String()
}

func l51ArgTypeError(L *lua.LState, n int, want string) {
	l51ArgError(L, n, want+" expected, got "+l51TypeName(L, n))
}

// l51IsNoneOrNil is lua_isnoneornil.
func l51IsNoneOrNil(L *lua.LState, n int) bool {
	return n > L.GetTop() || L.Get(n) == lua.LNil
}

func l51CheckAny(L *lua.LState, n int) lua.LValue {
	if n > L.GetTop() {
		l51ArgError(L, n, "value expected")
	}
	return L.Get(n)
}

// l51CheckNumber is luaL_checknumber: a number or a string that reads as
// one.
func l51CheckNumber(L *lua.LState, n int) float64 {
	f, ok := c51ToNumber(L.Get(n))
	if !ok {
		l51ArgTypeError(L, n, "number")
	}
	return f
}

// l51CheckInteger is luaL_checkinteger: the number truncated as x86-64
// converts a double to a 64-bit integer.
func l51CheckInteger(L *lua.LState, n int) int64 { return c51Int64(l51CheckNumber(L, n)) }

func l51OptInteger(L *lua.LState, n int, def int64) int64 {
	if l51IsNoneOrNil(L, n) {
		return def
	}
	return l51CheckInteger(L, n)
}

// l51CheckInt is luaL_checkint: luaL_checkinteger cast to a C int.
func l51CheckInt(L *lua.LState, n int) int64 { return int64(int32(l51CheckInteger(L, n))) }

func l51OptInt(L *lua.LState, n int, def int64) int64 {
	if l51IsNoneOrNil(L, n) {
		return def
	}
	return l51CheckInt(L, n)
}

// l51ToString is lua_tolstring: strings, and numbers in "%.14g".
func l51ToString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return formatNumber(float64(x)), true
	}
	return "", false
}

// l51CheckString is luaL_checklstring.
func l51CheckString(L *lua.LState, n int) string {
	s, ok := l51ToString(L.Get(n))
	if !ok {
		l51ArgTypeError(L, n, "string")
	}
	return s
}

func l51OptString(L *lua.LState, n int, def string) string {
	if l51IsNoneOrNil(L, n) {
		return def
	}
	return l51CheckString(L, n)
}

// l51CheckTable is luaL_checktype(L, n, LUA_TTABLE).
func l51CheckTable(L *lua.LState, n int) *lua.LTable {
	t, ok := L.Get(n).(*lua.LTable)
	if !ok {
		l51ArgTypeError(L, n, "table")
	}
	return t
}

// l51MaxString bounds the strings rep and format may build: Redis would
// run out of memory long before; a Store answers "not enough memory".
const l51MaxString = 512 << 20

func l51CheckSize(L *lua.LState, n int64) {
	if n > l51MaxString || n < 0 {
		l51RunError(L, "not enough memory")
	}
}

// ---- string ----

// l51StrPos is posrelat: a negative position counts from the end.
func l51StrPos(pos int64, n int) int64 {
	if pos < 0 {
		pos += int64(n) + 1
	}
	if pos < 0 {
		return 0
	}
	return pos
}

func l51StrLen(L *lua.LState) int {
	L.Push(lua.LNumber(len(l51CheckString(L, 1))))
	return 1
}

func l51StrSub(L *lua.LState) int {
	s := l51CheckString(L, 1)
	start := l51StrPos(l51CheckInteger(L, 2), len(s))
	end := l51StrPos(l51OptInteger(L, 3, -1), len(s))
	if start < 1 {
		start = 1
	}
	if end > int64(len(s)) {
		end = int64(len(s))
	}
	if start <= end {
		L.Push(lua.LString(s[start-1 : end]))
	} else {
		L.Push(lua.LString(""))
	}
	return 1
}

func l51StrReverse(L *lua.LState) int {
	s := l51CheckString(L, 1)
	b := make([]byte, len(s))
	for i := range s {
		b[len(s)-1-i] = s[i]
	}
	L.Push(lua.LString(b))
	return 1
}

// l51StrCase maps every byte with C's tolower or toupper (the "C" locale:
// ASCII letters only).
func l51StrCase(upper bool) lua.LGFunction {
	return func(L *lua.LState) int {
		s := l51CheckString(L, 1)
		b := []byte(s)
		for i, c := range b {
			if upper && c >= 'a' && c <= 'z' {
				b[i] = c - 32
			} else if !upper && c >= 'A' && c <= 'Z' {
				b[i] = c + 32
			}
		}
		L.Push(lua.LString(b))
		return 1
	}
}

func l51StrRep(L *lua.LState) int {
	s := l51CheckString(L, 1)
	n := l51CheckInteger(L, 2)
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if n > l51MaxString/int64(len(s)) {
		l51CheckSize(L, -1)
	}
	L.Push(lua.LString(strings.Repeat(s, int(n))))
	return 1
}

func l51StrByte(L *lua.LState) int {
	s := l51CheckString(L, 1)
	posi := l51StrPos(l51OptInteger(L, 2, 1), len(s))
	pose := l51StrPos(l51OptInteger(L, 3, posi), len(s))
	if posi <= 0 {
		posi = 1
	}
	if pose > int64(len(s)) {
		pose = int64(len(s))
	}
	if posi > pose {
		return 0
	}
	n := int(pose - posi + 1)
	if L.GetTop()+n > c51MaxCStack {
		l51Error(L, "stack overflow (string slice too long)")
	}
	for i := 0; i < n; i++ {
		L.Push(lua.LNumber(s[int(posi)-1+i]))
	}
	return n
}

func l51StrChar(L *lua.LState) int {
	n := L.GetTop()
	b := make([]byte, n)
	for i := 1; i <= n; i++ {
		c := l51CheckInt(L, i)
		if c != int64(byte(c)) {
			l51ArgError(L, i, "invalid value")
		}
		b[i-1] = byte(c)
	}
	L.Push(lua.LString(b))
	return 1
}

// l51StrDump is string.dump. gopher-lua has no Lua 5.1 bytecode to give:
// the result is Lua 5.1's header for x86-64 alone, so that scripts that
// only test or pass the result on see a string (loadstring refuses
// precompiled chunks in Redis anyway).
func l51StrDump(L *lua.LState) int {
	fn, ok := L.Get(1).(*lua.LFunction)
	if !ok {
		l51ArgTypeError(L, 1, "function")
	}
	if fn.IsG {
		l51Error(L, "unable to dump given function")
	}
	L.Push(lua.LString("\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00"))
	return 1
}

// -- string.format --

const l51FormatFlags = "-+ #0"

// l51StrFormat is string.format: C's sprintf conversion by conversion, as
// Lua 5.1 drives it (each item is cut at its first NUL byte, as strlen
// does, except long strings passed whole through a plain %s).
func l51StrFormat(L *lua.LState) int {
	top := L.GetTop()
	arg := 1
	fmtStr := l51CheckString(L, arg)
	var b strings.Builder
	for i := 0; i < len(fmtStr); {
		c := fmtStr[i]
		i++
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i < len(fmtStr) && fmtStr[i] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		arg++
		if arg > top {
			l51ArgError(L, arg, "no value")
		}
		// scanformat: at most 5 flags, 2 width digits, 2 precision digits.
		at := func(k int) byte {
			if k < len(fmtStr) {
				return fmtStr[k]
			}
			return 0
		}
		start := i
		for at(i) != 0 && strings.IndexByte(l51FormatFlags, at(i)) >= 0 {
			i++
		}
		if i-start >= len(l51FormatFlags)+1 {
			l51Error(L, "invalid format (repeated flags)")
		}
		flags := fmtStr[start:i]
		width, prec := -1, -1
		if c51IsDigit(at(i)) {
			width = int(at(i) - '0')
			i++
			if c51IsDigit(at(i)) {
				width = width*10 + int(at(i)-'0')
				i++
			}
		}
		if at(i) == '.' {
			i++
			prec = 0
			if c51IsDigit(at(i)) {
				prec = int(at(i) - '0')
				i++
				if c51IsDigit(at(i)) {
					prec = prec*10 + int(at(i)-'0')
					i++
				}
			}
		}
		if c51IsDigit(at(i)) {
			l51Error(L, "invalid format (width or precision too long)")
		}
		spec := l51Spec{width: width, prec: prec}
		for k := 0; k < len(flags); k++ {
			switch flags[k] {
			case '-':
				spec.minus = true
			case '+':
				spec.plus = true
			case ' ':
				spec.space = true
			case '#':
				spec.alt = true
			case '0':
				spec.zero = true
			}
		}
		conv := at(i)
		i++
		var item string
		switch conv {
		case 'c':
			ch := byte(int32(c51Int64(l51CheckNumber(L, arg))))
			item = spec.pad(string([]byte{ch}), false)
		case 'd', 'i':
			item = spec.formatInt(c51Int64(l51CheckNumber(L, arg)))
		case 'o', 'u', 'x', 'X':
			item = spec.formatUint(c51Uint64(l51CheckNumber(L, arg)), conv)
		case 'e', 'E', 'f', 'g', 'G':
			item = spec.formatFloat(l51CheckNumber(L, arg), conv)
		case 'q':
			l51AddQuoted(&b, l51CheckString(L, arg))
			continue
		case 's':
			s := l51CheckString(L, arg)
			if prec < 0 && len(s) >= 100 {
				b.WriteString(s) // too long to format: kept whole
				continue
			}
			if k := strings.IndexByte(s, 0); k >= 0 {
				s = s[:k]
			}
			if prec >= 0 && len(s) > prec {
				s = s[:prec]
			}
			item = spec.pad(s, false)
		default:
			l51Error(L, "invalid option '%"+l51CChar(conv)+"' to 'format'")
		}
		if k := strings.IndexByte(item, 0); k >= 0 {
			item = item[:k]
		}
		b.WriteString(item)
		if b.Len() > l51MaxString {
			l51CheckSize(L, -1)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// l51CChar is a byte as luaO_pushfstring's %c prints it: NUL ends the
// text, so it prints nothing.
func l51CChar(c byte) string {
	if c == 0 {
		return ""
	}
	return string([]byte{c})
}

// l51AddQuoted is %q: the string in double quotes, with ", \ and newline
// escaped by a backslash, CR as \r and NUL as \000.
func l51AddQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString("\\r")
		case 0:
			b.WriteString("\\000")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

// l51Spec is one conversion's flags, width and precision (-1: none).
type l51Spec struct {
	minus, plus, space, alt, zero bool
	width, prec                   int
}

// pad pads s to the width: left-justified with '-', with zeros after the
// sign when zeroOK and '0' is given, with spaces otherwise.
func (sp l51Spec) pad(s string, zeroOK bool) string {
	n := sp.width - len(s)
	if n <= 0 {
		return s
	}
	if sp.minus {
		return s + strings.Repeat(" ", n)
	}
	if zeroOK && sp.zero {
		signLen := 0
		if len(s) > 0 && (s[0] == '-' || s[0] == '+' || s[0] == ' ') {
			signLen = 1
		}
		if len(s) > signLen+1 && s[signLen] == '0' && (s[signLen+1] == 'x' || s[signLen+1] == 'X') {
			signLen += 2
		}
		return s[:signLen] + strings.Repeat("0", n) + s[signLen:]
	}
	return strings.Repeat(" ", n) + s
}

func (sp l51Spec) sign(neg bool) string {
	switch {
	case neg:
		return "-"
	case sp.plus:
		return "+"
	case sp.space:
		return " "
	}
	return ""
}

// digits applies an integer precision: at least prec digits, and none at
// all for zero with precision 0.
func (sp l51Spec) digits(d string) string {
	if sp.prec >= 0 {
		if d == "0" && sp.prec == 0 {
			return ""
		}
		if len(d) < sp.prec {
			d = strings.Repeat("0", sp.prec-len(d)) + d
		}
	}
	return d
}

func (sp l51Spec) formatInt(v int64) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
	}
	s := sp.sign(neg) + sp.digits(strconv.FormatUint(u, 10))
	return sp.pad(s, sp.prec < 0)
}

func (sp l51Spec) formatUint(v uint64, conv byte) string {
	var d string
	switch conv {
	case 'o':
		d = sp.digits(strconv.FormatUint(v, 8))
		if sp.alt && (d == "" || d[0] != '0') {
			d = "0" + d
		}
	case 'u':
		d = sp.digits(strconv.FormatUint(v, 10))
	case 'x', 'X':
		d = sp.digits(strconv.FormatUint(v, 16))
		if conv == 'X' {
			d = strings.ToUpper(d)
		}
		if sp.alt && v != 0 {
			d = "0" + string(conv) + d
		}
	}
	return sp.pad(d, sp.prec < 0)
}

func (sp l51Spec) formatFloat(f float64, conv byte) string {
	upper := conv == 'E' || conv == 'G'
	f = vmNaN(f)
	neg := math.Signbit(f)
	if math.IsInf(f, 0) || f != f {
		s := "inf"
		if f != f {
			s = "nan"
		}
		if upper {
			s = strings.ToUpper(s)
		}
		return sp.pad(sp.sign(neg)+s, false)
	}
	a := math.Abs(f)
	prec := sp.prec
	if prec < 0 {
		prec = 6
	}
	var body string
	switch conv {
	case 'f':
		body = strconv.FormatFloat(a, 'f', prec, 64)
		if sp.alt && prec == 0 {
			body += "."
		}
	case 'e', 'E':
		body = l51FormatE(a, prec, sp.alt)
	case 'g', 'G':
		if prec == 0 {
			prec = 1
		}
		// The exponent %e would print decides between %e and %f.
		e := strconv.FormatFloat(a, 'e', prec-1, 64)
		x, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
		if x < -4 || x >= prec {
			digits := prec - 1
			if x == prec && sp.alt && a != 0 {
				// glibc picks the %f style from the exponent before
				// rounding, with no decimals, and keeps none when the
				// rounding carries the value into the %e style.
				e0 := strconv.FormatFloat(a, 'e', 40, 64)
				if x0, _ := strconv.Atoi(e0[strings.IndexByte(e0, 'e')+1:]); x0 == prec-1 {
					digits = 0
				}
			}
			body = l51FormatE(a, digits, sp.alt)
			if !sp.alt {
				m, exp, _ := strings.Cut(body, "e")
				body = l51TrimZeros(m) + "e" + exp
			}
		} else {
			body = strconv.FormatFloat(a, 'f', prec-1-x, 64)
			if sp.alt {
				if !strings.Contains(body, ".") {
					body += "."
				}
			} else {
				body = l51TrimZeros(body)
			}
		}
	}
	if upper {
		body = strings.ToUpper(body)
	}
	return sp.pad(sp.sign(neg)+body, true)
}

// l51FormatE is C's %e of a non-negative finite number: at least two
// exponent digits; with alt, a point even without decimals.
func l51FormatE(a float64, prec int, alt bool) string {
	s := strconv.FormatFloat(a, 'e', prec, 64)
	if alt && prec == 0 {
		m, exp, _ := strings.Cut(s, "e")
		s = m + ".e" + exp
	}
	return s
}

// l51TrimZeros drops trailing zeros after a decimal point, and the point.
func l51TrimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// -- patterns --

const (
	l51MaxCaptures   = 32
	l51CapUnfinished = -1
	l51CapPosition   = -2
)

// l51Match is Lua 5.1's MatchState. Positions are indices; reading past
// the end of the subject or the pattern gives 0, as C's terminating NUL
// does (a pattern ends at its first NUL byte).
type l51Match struct {
	L     *lua.LState
	src   string
	pat   string
	level int
	capt  [l51MaxCaptures]struct{ init, len int }
}

func (ms *l51Match) s(i int) byte {
	if i < len(ms.src) {
		return ms.src[i]
	}
	return 0
}

func (ms *l51Match) p(i int) byte {
	if i < len(ms.pat) {
		return ms.pat[i]
	}
	return 0
}

func (ms *l51Match) fail(msg string) { l51Error(ms.L, msg) }

func (ms *l51Match) checkCapture(l byte) int {
	n := int(l) - '1'
	if n < 0 || n >= ms.level || ms.capt[n].len == l51CapUnfinished {
		ms.fail("invalid capture index")
	}
	return n
}

func (ms *l51Match) captureToClose() int {
	for level := ms.level - 1; level >= 0; level-- {
		if ms.capt[level].len == l51CapUnfinished {
			return level
		}
	}
	ms.fail("invalid pattern capture")
	return 0
}

func (ms *l51Match) classEnd(p int) int {
	c := ms.p(p)
	p++
	switch c {
	case '%':
		if ms.p(p) == 0 {
			ms.fail("malformed pattern (ends with '%')")
		}
		return p + 1
	case '[':
		if ms.p(p) == '^' {
			p++
		}
		for {
			if ms.p(p) == 0 {
				ms.fail("malformed pattern (missing ']')")
			}
			c := ms.p(p)
			p++
			if c == '%' && ms.p(p) != 0 {
				p++
			}
			if ms.p(p) == ']' {
				break
			}
		}
		return p + 1
	}
	return p
}

// l51MatchClass is match_class with C's ctype functions in the "C" locale.
func l51MatchClass(c, cl byte) bool {
	var res bool
	switch cl | 0x20 {
	case 'a':
		res = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	case 'c':
		res = c < 32 || c == 127
	case 'd':
		res = c >= '0' && c <= '9'
	case 'l':
		res = c >= 'a' && c <= 'z'
	case 'p':
		res = c >= 33 && c <= 47 || c >= 58 && c <= 64 || c >= 91 && c <= 96 || c >= 123 && c <= 126
	case 's':
		res = c == ' ' || c >= '\t' && c <= '\r'
	case 'u':
		res = c >= 'A' && c <= 'Z'
	case 'w':
		res = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	case 'x':
		res = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
	case 'z':
		res = c == 0
	default:
		return cl == c
	}
	if cl >= 'a' && cl <= 'z' {
		return res
	}
	return !res
}

// matchBracket is matchbracketclass: p is at '[', ec at the closing ']'.
func (ms *l51Match) matchBracket(c byte, p, ec int) bool {
	sig := true
	if ms.p(p+1) == '^' {
		sig = false
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case ms.p(p) == '%':
			p++
			if l51MatchClass(c, ms.p(p)) {
				return sig
			}
		case ms.p(p+1) == '-' && p+2 < ec:
			p += 2
			if ms.p(p-2) <= c && c <= ms.p(p) {
				return sig
			}
		case ms.p(p) == c:
			return sig
		}
	}
	return !sig
}

func (ms *l51Match) single(c byte, p, ep int) bool {
	switch ms.p(p) {
	case '.':
		return true
	case '%':
		return l51MatchClass(c, ms.p(p+1))
	case '[':
		return ms.matchBracket(c, p, ep-1)
	}
	return ms.p(p) == c
}

func (ms *l51Match) balance(s, p int) int {
	if ms.p(p) == 0 || ms.p(p+1) == 0 {
		ms.fail("unbalanced pattern")
	}
	if ms.s(s) != ms.p(p) {
		return -1
	}
	b, e := ms.p(p), ms.p(p+1)
	cont := 1
	for s++; s < len(ms.src); s++ {
		if ms.src[s] == e {
			cont--
			if cont == 0 {
				return s + 1
			}
		} else if ms.src[s] == b {
			cont++
		}
	}
	return -1
}

func (ms *l51Match) maxExpand(s, p, ep int) int {
	i := 0
	for s+i < len(ms.src) && ms.single(ms.src[s+i], p, ep) {
		i++
	}
	for ; i >= 0; i-- {
		if res := ms.match(s+i, ep+1); res >= 0 {
			return res
		}
	}
	return -1
}

func (ms *l51Match) minExpand(s, p, ep int) int {
	for {
		if res := ms.match(s, ep+1); res >= 0 {
			return res
		}
		if s < len(ms.src) && ms.single(ms.src[s], p, ep) {
			s++
		} else {
			return -1
		}
	}
}

func (ms *l51Match) startCapture(s, p, what int) int {
	level := ms.level
	if level >= l51MaxCaptures {
		ms.fail("too many captures")
	}
	ms.capt[level].init, ms.capt[level].len = s, what
	ms.level = level + 1
	res := ms.match(s, p)
	if res < 0 {
		ms.level--
	}
	return res
}

func (ms *l51Match) endCapture(s, p int) int {
	l := ms.captureToClose()
	ms.capt[l].len = s - ms.capt[l].init
	res := ms.match(s, p)
	if res < 0 {
		ms.capt[l].len = l51CapUnfinished
	}
	return res
}

func (ms *l51Match) matchCapture(s int, l byte) int {
	n := ms.checkCapture(l)
	ln := ms.capt[n].len // a position capture (-2) is huge as a size_t
	if ln >= 0 && len(ms.src)-s >= ln && ms.src[ms.capt[n].init:ms.capt[n].init+ln] == ms.src[s:s+ln] {
		return s + ln
	}
	return -1
}

// match returns the end of the match of the pattern from p at s, or -1.
func (ms *l51Match) match(s, p int) int {
	for {
		switch ms.p(p) {
		case '(':
			if ms.p(p+1) == ')' {
				return ms.startCapture(s, p+2, l51CapPosition)
			}
			return ms.startCapture(s, p+1, l51CapUnfinished)
		case ')':
			return ms.endCapture(s, p+1)
		case 0:
			return s
		case '%':
			switch ms.p(p + 1) {
			case 'b':
				s = ms.balance(s, p+2)
				if s < 0 {
					return -1
				}
				p += 4
				continue
			case 'f':
				p += 2
				if ms.p(p) != '[' {
					ms.fail("missing '[' after '%f' in pattern")
				}
				ep := ms.classEnd(p)
				var prev byte
				if s > 0 {
					prev = ms.src[s-1]
				}
				if ms.matchBracket(prev, p, ep-1) || !ms.matchBracket(ms.s(s), p, ep-1) {
					return -1
				}
				p = ep
				continue
			default:
				if c51IsDigit(ms.p(p + 1)) {
					s = ms.matchCapture(s, ms.p(p+1))
					if s < 0 {
						return -1
					}
					p += 2
					continue
				}
			}
		case '$':
			if ms.p(p+1) == 0 {
				if s == len(ms.src) {
					return s
				}
				return -1
			}
		}
		// A single character class, maybe with a repetition.
		ep := ms.classEnd(p)
		m := s < len(ms.src) && ms.single(ms.src[s], p, ep)
		switch ms.p(ep) {
		case '?':
			if m {
				if res := ms.match(s+1, ep+1); res >= 0 {
					return res
				}
			}
			p = ep + 1
			continue
		case '*':
			return ms.maxExpand(s, p, ep)
		case '+':
			if m {
				return ms.maxExpand(s+1, p, ep)
			}
			return -1
		case '-':
			return ms.minExpand(s, p, ep)
		}
		if !m {
			return -1
		}
		s++
		p = ep
	}
}

// capture returns capture i of a match of [s, e) as a Lua value.
func (ms *l51Match) capture(i, s, e int) lua.LValue {
	if i >= ms.level {
		if i == 0 {
			return lua.LString(ms.src[s:e])
		}
		ms.fail("invalid capture index")
	}
	c := ms.capt[i]
	switch c.len {
	case l51CapUnfinished:
		ms.fail("unfinished capture")
	case l51CapPosition:
		return lua.LNumber(c.init + 1)
	}
	return lua.LString(ms.src[c.init : c.init+c.len])
}

// pushCaptures pushes the captures of a match (the whole match when the
// pattern has none and whole is true) and returns how many.
func (ms *l51Match) pushCaptures(s, e int, whole bool) int {
	n := ms.level
	if n == 0 && whole {
		n = 1
	}
	if ms.L.GetTop()+n > c51MaxCStack {
		l51Error(ms.L, "stack overflow (too many captures)")
	}
	for i := 0; i < n; i++ {
		ms.L.Push(ms.capture(i, s, e))
	}
	return n
}

// l51CPattern is a pattern as the matcher sees it: up to its first NUL.
func l51CPattern(p string) string {
	if i := strings.IndexByte(p, 0); i >= 0 {
		return p[:i]
	}
	return p
}

func l51StrFind(L *lua.LState) int  { return l51FindAux(L, true) }
func l51StrMatch(L *lua.LState) int { return l51FindAux(L, false) }

func l51FindAux(L *lua.LState, find bool) int {
	s := l51CheckString(L, 1)
	p := l51CheckString(L, 2)
	init := l51StrPos(l51OptInteger(L, 3, 1), len(s)) - 1
	if init < 0 {
		init = 0
	} else if init > int64(len(s)) {
		init = int64(len(s))
	}
	cp := l51CPattern(p)
	if find && (L.Get(4) != lua.LNil && L.Get(4) != lua.LFalse || !strings.ContainsAny(cp, "^$*+?.([%-")) {
		if i := strings.Index(s[init:], p); i >= 0 {
			L.Push(lua.LNumber(int(init) + i + 1))
			L.Push(lua.LNumber(int(init) + i + len(p)))
			return 2
		}
	} else {
		ms := &l51Match{L: L, src: s, pat: cp}
		p0 := 0
		anchor := ms.p(0) == '^'
		if anchor {
			p0 = 1
		}
		for s1 := int(init); ; s1++ {
			ms.level = 0
			if e := ms.match(s1, p0); e >= 0 {
				if find {
					L.Push(lua.LNumber(s1 + 1))
					L.Push(lua.LNumber(e))
					return ms.pushCaptures(-1, 0, false) + 2
				}
				return ms.pushCaptures(s1, e, true)
			}
			if s1 >= len(s) || anchor {
				break
			}
		}
	}
	L.Push(lua.LNil)
	return 1
}

func l51StrGmatch(L *lua.LState) int {
	s := l51CheckString(L, 1)
	p := l51CPattern(l51CheckString(L, 2))
	pos := 0
	L.Push(L.NewFunction(func(L *lua.LState) int {
		ms := &l51Match{L: L, src: s, pat: p}
		for src := pos; src <= len(s); src++ {
			ms.level = 0
			if e := ms.match(src, 0); e >= 0 {
				pos = e
				if e == src {
					pos++
				}
				return ms.pushCaptures(src, e, true)
			}
		}
		pos = len(s) + 1
		return 0
	}))
	return 1
}

func l51StrGsub(L *lua.LState) int {
	src := l51CheckString(L, 1)
	p := l51CPattern(l51CheckString(L, 2))
	repl := L.Get(3)
	switch repl.(type) {
	case lua.LNumber, lua.LString, *lua.LFunction, *lua.LTable:
	default:
		l51ArgError(L, 3, "string/function/table expected")
	}
	maxS := l51OptInt(L, 4, int64(len(src))+1)
	ms := &l51Match{L: L, src: src, pat: p}
	p0 := 0
	anchor := ms.p(0) == '^'
	if anchor {
		p0 = 1
	}
	var b strings.Builder
	s, n := 0, int64(0)
	for n < maxS {
		ms.level = 0
		e := ms.match(s, p0)
		if e >= 0 {
			n++
			l51AddValue(ms, &b, s, e, repl)
		}
		if e >= 0 && e > s {
			s = e
		} else if s < len(src) {
			b.WriteByte(src[s])
			s++
		} else {
			break
		}
		if b.Len() > l51MaxString {
			l51CheckSize(L, -1)
		}
		if anchor {
			break
		}
	}
	b.WriteString(src[s:])
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// l51AddValue appends the replacement of the match [s, e).
func l51AddValue(ms *l51Match, b *strings.Builder, s, e int, repl lua.LValue) {
	L := ms.L
	var v lua.LValue
	switch r := repl.(type) {
	case lua.LNumber, lua.LString:
		news, _ := l51ToString(r)
		for i := 0; i < len(news); i++ {
			if news[i] != '%' {
				b.WriteByte(news[i])
				continue
			}
			i++
			var c byte // past the end: the terminating NUL
			if i < len(news) {
				c = news[i]
			}
			switch {
			case !c51IsDigit(c):
				b.WriteByte(c)
			case c == '0':
				b.WriteString(ms.src[s:e])
			default:
				cv := ms.capture(int(c-'1'), s, e)
				str, _ := l51ToString(cv)
				b.WriteString(str)
			}
		}
		return
	case *lua.LFunction:
		top := L.GetTop()
		L.Push(r)
		n := ms.pushCaptures(s, e, true)
		L.Call(n, 1)
		v = L.Get(-1)
		L.SetTop(top)
	case *lua.LTable:
		v = L.GetTable(r, ms.capture(0, s, e))
	}
	switch x := v.(type) {
	case *lua.LNilType:
		b.WriteString(ms.src[s:e])
	case lua.LBool:
		if !x {
			b.WriteString(ms.src[s:e])
			return
		}
		l51Error(L, "invalid replacement value (a boolean)")
	case lua.LString, lua.LNumber:
		str, _ := l51ToString(x)
		b.WriteString(str)
	default:
		l51Error(L, "invalid replacement value (a "+v.Type().String()+")")
	}
}

// ---- table ----

// l51Getn is luaL_getn (the length of the table, its metatable ignored).
func l51Getn(L *lua.LState, n int) (*lua.LTable, int64) {
	t := l51CheckTable(L, n)
	return t, int64(t.Len())
}

func l51TabGetn(L *lua.LState) int {
	_, n := l51Getn(L, 1)
	L.Push(lua.LNumber(n))
	return 1
}

func l51TabMaxn(L *lua.LState) int {
	t := l51CheckTable(L, 1)
	max := 0.0
	t.ForEach(func(k, _ lua.LValue) {
		if n, ok := k.(lua.LNumber); ok && float64(n) > max {
			max = float64(n)
		}
	})
	L.Push(lua.LNumber(max))
	return 1
}

func l51TabInsert(L *lua.LState) int {
	t, e := l51Getn(L, 1)
	e++ // the first empty element
	var pos int64
	switch L.GetTop() {
	case 2:
		pos = e
	case 3:
		pos = l51CheckInt(L, 2)
		if pos > e {
			e = pos
		}
		for i := e; i > pos; i-- {
			t.RawSetInt(int(i), t.RawGetInt(int(i-1)))
		}
	default:
		l51Error(L, "wrong number of arguments to 'insert'")
	}
	t.RawSetInt(int(pos), L.Get(-1))
	return 0
}

func l51TabRemove(L *lua.LState) int {
	t, e := l51Getn(L, 1)
	pos := l51OptInt(L, 2, e)
	if pos < 1 || pos > e {
		return 0 // nothing to remove
	}
	v := t.RawGetInt(int(pos))
	for ; pos < e; pos++ {
		t.RawSetInt(int(pos), t.RawGetInt(int(pos+1)))
	}
	t.RawSetInt(int(e), lua.LNil)
	L.Push(v)
	return 1
}

func l51TabConcat(L *lua.LState) int {
	sep := l51OptString(L, 2, "")
	t := l51CheckTable(L, 1)
	i := l51OptInt(L, 3, 1)
	var last int64
	if l51IsNoneOrNil(L, 4) {
		last = int64(t.Len())
	} else {
		last = l51CheckInt(L, 4)
	}
	var b strings.Builder
	add := func(i int64) {
		v := t.RawGetInt(int(i))
		s, ok := l51ToString(v)
		if !ok {
			l51Error(L, "invalid value ("+v.Type().String()+") at index "+strconv.FormatInt(i, 10)+" in table for 'concat'")
		}
		b.WriteString(s)
		if b.Len() > l51MaxString {
			l51CheckSize(L, -1)
		}
	}
	for ; i < last; i++ {
		add(i)
		b.WriteString(sep)
	}
	if i == last {
		add(i)
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// l51Sorter is table.sort: Lua 5.1's quicksort, step by step, so that the
// order of equal elements, the calls made to the comparison function and
// the "invalid order function" error are the same.
type l51Sorter struct {
	L   *lua.LState
	t   *lua.LTable
	cmp lua.LValue // nil: the < operator
}

func (so *l51Sorter) get(i int) lua.LValue { return so.t.RawGetInt(i) }
func (so *l51Sorter) set(i int, v lua.LValue) {
	so.t.RawSetInt(i, v)
}

// less is sort_comp: a < b by the function or by Lua's <.
func (so *l51Sorter) less(a, b lua.LValue) bool {
	L := so.L
	if so.cmp != lua.LNil {
		L.Push(so.cmp)
		L.Push(a)
		L.Push(b)
		L.Call(2, 1)
		r := L.Get(-1)
		L.Pop(1)
		return r != lua.LNil && r != lua.LFalse
	}
	return l51LessThan(L, a, b)
}

func (so *l51Sorter) sort(l, u int) {
	for l < u {
		// sort a[l], a[(l+u)/2] and a[u]
		al, au := so.get(l), so.get(u)
		if so.less(au, al) {
			so.set(l, au)
			so.set(u, al)
		}
		if u-l == 1 {
			break
		}
		i := (l + u) / 2
		ai, al := so.get(i), so.get(l)
		if so.less(ai, al) {
			so.set(i, al)
			so.set(l, ai)
		} else {
			au := so.get(u)
			if so.less(au, ai) {
				so.set(i, au)
				so.set(u, ai)
			}
		}
		if u-l == 2 {
			break
		}
		pivot := so.get(i)
		au1 := so.get(u - 1)
		so.set(i, au1)
		so.set(u-1, pivot)
		// a[l] <= P == a[u-1] <= a[u]; sort a[l+1..u-2]
		i, j := l, u-1
		for {
			var vi, vj lua.LValue
			for {
				i++
				if vi = so.get(i); !so.less(vi, pivot) {
					break
				}
				if i > u {
					l51Error(so.L, "invalid order function for sorting")
				}
			}
			for {
				j--
				if vj = so.get(j); !so.less(pivot, vj) {
					break
				}
				if j < l {
					l51Error(so.L, "invalid order function for sorting")
				}
			}
			if j < i {
				break
			}
			so.set(i, vj)
			so.set(j, vi)
		}
		au1, ai = so.get(u-1), so.get(i)
		so.set(u-1, ai)
		so.set(i, au1)
		// recurse into the smaller half, loop on the larger one
		if i-l < u-i {
			j, i, l = l, i-1, i+1
		} else {
			j, i, u = i+1, u, i-1
		}
		so.sort(j, i)
	}
}

func l51TabSort(L *lua.LState) int {
	t, n := l51Getn(L, 1)
	cmp := lua.LValue(lua.LNil)
	if !l51IsNoneOrNil(L, 2) {
		if _, ok := L.Get(2).(*lua.LFunction); !ok {
			l51ArgTypeError(L, 2, "function")
		}
		cmp = L.Get(2)
	}
	so := &l51Sorter{L: L, t: t, cmp: cmp}
	so.sort(1, int(n))
	return 0
}

// l51LessThan is lua_lessthan while a Go function runs: numbers, strings
// (byte order, as strcoll in the "C" locale), or an __lt metamethod both
// sides share; anything else is luaG_ordererror, without a position.
func l51LessThan(L *lua.LState, a, b lua.LValue) bool {
	switch x := a.(type) {
	case lua.LNumber:
		if y, ok := b.(lua.LNumber); ok {
			return x < y
		}
	case lua.LString:
		if y, ok := b.(lua.LString); ok {
			return x < y
		}
	}
	if a.Type() == b.Type() {
		m1, m2 := L.GetMetaField(a, "__lt"), L.GetMetaField(b, "__lt")
		if m1 != lua.LNil && m1 == m2 {
			L.Push(m1)
			L.Push(a)
			L.Push(b)
			L.Call(2, 1)
			r := L.Get(-1)
			L.Pop(1)
			return r != lua.LNil && r != lua.LFalse
		}
	}
	l51RunError(L, l51OrderError(a.Type().String(), b.Type().String()))
	return false
}

// ---- math ----

// The NaNs glibc's functions return for a domain error on x86-64: most
// give the default NaN of the FPU, whose sign bit is set (printed "-nan").
var (
	l51NegNaN = math.Float64frombits(0xfff8000000000000)
	l51PosNaN = math.Float64frombits(0x7ff8000000000000)
)

// l51Math1 makes a one-argument math function: a NaN argument comes back
// as it is (sign included), as C's functions return it.
func l51Math1(f func(float64) float64) lua.LGFunction {
	return func(L *lua.LState) int {
		x := l51CheckNumber(L, 1)
		if x != x {
			L.Push(lua.LNumber(x))
		} else {
			L.Push(lua.LNumber(f(x)))
		}
		return 1
	}
}

func l51Domain(ok func(float64) bool, nan float64, f func(float64) float64) func(float64) float64 {
	return func(x float64) float64 {
		if !ok(x) {
			return nan
		}
		return f(x)
	}
}

func l51Finite(x float64) bool { return !math.IsInf(x, 0) }

func l51MathFmod(L *lua.LState) int {
	a, b := l51CheckNumber(L, 1), l51CheckNumber(L, 2)
	var r float64
	switch {
	case a != a:
		r = a
	case b != b:
		r = b
	case b == 0 || math.IsInf(a, 0):
		r = l51NegNaN
	case math.IsInf(b, 0):
		r = a
	default:
		r = math.Mod(a, b)
	}
	L.Push(lua.LNumber(r))
	return 1
}

func l51MathModf(L *lua.LState) int {
	x := l51CheckNumber(L, 1)
	var ip, fp float64
	switch {
	case x != x:
		ip, fp = x, x
	case math.IsInf(x, 0):
		ip, fp = x, math.Copysign(0, x)
	default:
		ip, fp = math.Modf(x)
	}
	L.Push(lua.LNumber(ip))
	L.Push(lua.LNumber(fp))
	return 2
}

func l51MathPow(L *lua.LState) int {
	x, y := l51CheckNumber(L, 1), l51CheckNumber(L, 2)
	var r float64
	switch {
	case y == 0 || x == 1:
		r = 1
	case x != x:
		r = x
	case y != y:
		r = y
	case x < 0 && l51Finite(x) && l51Finite(y) && y != math.Trunc(y):
		r = l51NegNaN
	default:
		r = math.Pow(x, y)
	}
	L.Push(lua.LNumber(r))
	return 1
}

func l51MathAtan2(L *lua.LState) int {
	y, x := l51CheckNumber(L, 1), l51CheckNumber(L, 2)
	switch {
	case y != y:
		L.Push(lua.LNumber(y))
	case x != x:
		L.Push(lua.LNumber(x))
	default:
		L.Push(lua.LNumber(math.Atan2(y, x)))
	}
	return 1
}

func l51MathFrexp(L *lua.LState) int {
	m, e := math.Frexp(l51CheckNumber(L, 1))
	L.Push(lua.LNumber(m))
	L.Push(lua.LNumber(e))
	return 2
}

func l51MathLdexp(L *lua.LState) int {
	m := l51CheckNumber(L, 1)
	e := l51CheckInt(L, 2)
	L.Push(lua.LNumber(math.Ldexp(m, int(e))))
	return 1
}

// l51RadPerDeg is Lua 5.1's RADIANS_PER_DEGREE, computed in doubles as C
// computes PI/180.0.
var l51RadPerDeg = func() float64 { pi := math.Pi; return pi / 180.0 }()

func l51MathMinMax(max bool) lua.LGFunction {
	return func(L *lua.LState) int {
		n := L.GetTop()
		m := l51CheckNumber(L, 1)
		for i := 2; i <= n; i++ {
			d := l51CheckNumber(L, i)
			if max && d > m || !max && d < m {
				m = d
			}
		}
		L.Push(lua.LNumber(m))
		return 1
	}
}

// ---- base ----

func l51Assert(L *lua.LState) int {
	v := l51CheckAny(L, 1)
	if v == lua.LNil || v == lua.LFalse {
		l51Error(L, l51OptString(L, 2, "assertion failed!"))
	}
	return L.GetTop()
}

func l51Type(L *lua.LState) int {
	L.Push(lua.LString(l51CheckAny(L, 1).Type().String()))
	return 1
}

func l51Select(L *lua.LState) int {
	n := L.GetTop()
	if s, ok := L.Get(1).(lua.LString); ok && len(s) > 0 && s[0] == '#' {
		L.Push(lua.LNumber(n - 1))
		return 1
	}
	i := l51CheckInt(L, 1)
	if i < 0 {
		i += int64(n)
	} else if i > int64(n) {
		i = int64(n)
	}
	if i < 1 {
		l51ArgError(L, 1, "index out of range")
	}
	return n - int(i)
}

// l51ValidKey reports whether next may continue from key: a key the
// table holds or held (traversal may clear fields). gopher-lua keeps the
// keys it has seen; they are read by reflection. If that fails, any key
// is taken as valid.
func l51ValidKey(t *lua.LTable, key lua.LValue) bool {
	if t.RawGet(key) != lua.LNil {
		return true
	}
	tv := reflect.ValueOf(t).Elem()
	if n, ok := key.(lua.LNumber); ok {
		if arr := tv.FieldByName("array"); arr.IsValid() && arr.Kind() == reflect.Slice {
			if f := float64(n); f >= 1 && f <= float64(arr.Len()) && f == math.Trunc(f) {
				return true
			}
		}
	}
	k2i := tv.FieldByName("k2i")
	if !k2i.IsValid() || k2i.Kind() != reflect.Map {
		return true
	}
	if k2i.IsNil() {
		return false
	}
	kv := reflect.New(k2i.Type().Key()).Elem()
	if !reflect.ValueOf(key).Type().AssignableTo(kv.Type()) {
		return true
	}
	kv.Set(reflect.ValueOf(key))
	return k2i.MapIndex(kv).IsValid()
}

func l51Unpack(L *lua.LState) int {
	t := l51CheckTable(L, 1)
	i := l51OptInt(L, 2, 1)
	var e int64
	if l51IsNoneOrNil(L, 3) {
		e = int64(t.Len())
	} else {
		e = l51CheckInt(L, 3)
	}
	if i > e {
		return 0
	}
	n := e - i + 1
	if n <= 0 || n+int64(L.GetTop()) > c51MaxCStack {
		l51Error(L, "too many results to unpack")
	}
	for k := i; k <= e; k++ {
		L.Push(t.RawGetInt(int(k)))
	}
	return int(n)
}

func l51Setmetatable(L *lua.LState) int {
	mt := L.Get(2)
	t := l51CheckTable(L, 1)
	switch mt.(type) {
	case *lua.LNilType, *lua.LTable:
	default:
		l51ArgError(L, 2, "nil or table expected")
	}
	if L.GetMetaField(t, "__metatable") != lua.LNil {
		l51Error(L, "cannot change a protected metatable")
	}
	L.SetMetatable(t, mt)
	L.SetTop(1)
	return 1
}

// l51Tonumber is Lua 5.1's tonumber: base 10 reads what the lexer reads
// (strtod), other bases go through strtoul.
func l51Tonumber(L *lua.LState, boxes *numberBoxes) int {
	base := l51OptInt(L, 2, 10)
	if base == 10 {
		l51CheckAny(L, 1)
		v := L.Get(1)
		if _, ok := v.(lua.LNumber); ok {
			L.Push(v)
			return 1
		}
		if f, ok := c51ToNumber(v); ok {
			L.Push(boxes.box(f))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}
	s := l51CheckString(L, 1)
	if base < 2 || base > 36 {
		l51ArgError(L, 2, "base out of range")
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	n, end := l51Strtoul(s, int(base))
	if end > 0 {
		for end < len(s) && c51IsSpace(s[end]) {
			end++
		}
		if end == len(s) {
			L.Push(lua.LNumber(float64(n)))
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

// l51Strtoul is glibc's strtoul for a base from 2 to 36: leading white
// space, a sign (a minus negates in unsigned arithmetic), "0x" for base
// 16, saturation at the maximum. It returns the value and the number of
// bytes read (0 when there is no digit).
func l51Strtoul(s string, base int) (uint64, int) {
	i := 0
	for i < len(s) && c51IsSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	digit := func(c byte) int {
		switch {
		case c >= '0' && c <= '9':
			return int(c - '0')
		case c >= 'a' && c <= 'z':
			return int(c-'a') + 10
		case c >= 'A' && c <= 'Z':
			return int(c-'A') + 10
		}
		return 99
	}
	if base == 16 && i+2 < len(s)+1 && i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') && i+2 < len(s) && digit(s[i+2]) < 16 {
		i += 2
	}
	start := i
	var n uint64
	over := false
	for i < len(s) && digit(s[i]) < base {
		d := uint64(digit(s[i]))
		if n > (math.MaxUint64-d)/uint64(base) {
			over = true
		}
		n = n*uint64(base) + d
		i++
	}
	if i == start {
		return 0, 0
	}
	if over {
		return math.MaxUint64, i
	}
	if neg {
		n = -n
	}
	return n, i
}

// l51Xpcall is Lua 5.1's xpcall: the handler gets the message (worded as
// Lua 5.1 words it) before the stack unwinds; a handler that is not a
// function, or that fails, makes "error in error handling".
func (e *Engine) l51Xpcall(L *lua.LState) int {
	l51CheckAny(L, 2)
	L.SetTop(2)
	h := L.Get(2)
	f := L.Get(1)
	L.SetTop(0)
	failed := false
	handler := L.NewFunction(func(L *lua.LState) int {
		msg := e.lua51Error(L, L.Get(1))
		l51CloseProtected(L)
		hf, ok := h.(*lua.LFunction)
		if !ok {
			failed = true
			L.Push(lua.LNil)
			return 1
		}
		L.Push(hf)
		L.Push(msg)
		if err := L.PCall(1, 1, nil); err != nil {
			failed = true
			L.Push(lua.LNil)
		}
		return 1
	})
	L.Push(f)
	if err := l51PCall(L, 0, handler); err != nil {
		L.SetTop(0)
		L.Push(lua.LFalse)
		if failed {
			L.Push(lua.LString("error in error handling"))
		} else {
			L.Push(errorObject(err))
		}
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// l51Collectgarbage answers collectgarbage's options as Lua 5.1 does;
// there is no collector to drive (Go's runs by itself).
func (e *Engine) l51Collectgarbage() lua.LGFunction {
	pause, stepmul := int64(200), int64(200)
	return func(L *lua.LState) int {
		opt := l51OptString(L, 1, "collect")
		ex := l51OptInt(L, 2, 0)
		switch opt {
		case "stop", "restart", "collect":
			L.Push(lua.LNumber(0))
		case "count":
			return luaGcinfoCount(L)
		case "step":
			L.Push(lua.LFalse)
		case "setpause":
			L.Push(lua.LNumber(pause))
			pause = ex
		case "setstepmul":
			L.Push(lua.LNumber(stepmul))
			stepmul = ex
		default:
			l51ArgError(L, 1, "invalid option '"+opt+"'")
		}
		return 1
	}
}

// luaGcinfoCount is collectgarbage("count"): kilobytes in use, with a
// fraction.
func luaGcinfoCount(L *lua.LState) int {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	L.Push(lua.LNumber(float64(ms.HeapAlloc) / 1024))
	return 1
}

// ---- numeric for ----

// l51ForNumName is the hidden global the compiler rewrite (numbers.go)
// passes the operands of a numeric for through: Lua 5.1 converts strings
// that read as numbers there (for i = 1, ARGV[1] do), gopher-lua does not.
const l51ForNumName = "__redis__fornum"

func l51ForNum(L *lua.LState) int {
	v := L.Get(1)
	if s, ok := v.(lua.LString); ok {
		if f, ok := c51StrToNumber(string(s)); ok {
			v = lua.LNumber(f)
		}
	}
	L.Push(v)
	return 1
}

// forOperand wraps an operand of a numeric for in a call to
// l51ForNumName, unless it is a number constant.
func forOperand(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.NumberExpr:
		return e
	case *ast.UnaryMinusOpExpr:
		if _, ok := x.Expr.(*ast.NumberExpr); ok {
			return e
		}
	}
	fn := &ast.IdentExpr{Value: l51ForNumName}
	fn.SetLine(e.Line())
	fn.SetLastLine(e.LastLine())
	call := &ast.FuncCallExpr{Func: fn, Args: []ast.Expr{e}, AdjustRet: true}
	call.SetLine(e.Line())
	call.SetLastLine(e.LastLine())
	return call
}

// ---- registration ----

// openLua51 replaces the functions of gopher-lua's base, string, table and
// math libraries that differ from Lua 5.1's. reset calls it after opening
// the libraries and before locking the globals.
func (e *Engine) openLua51(g *lua.LTable) {
	L := e.L
	L.G.Registry.RawSetString(l51EngineKey, &lua.LUserData{Value: e})
	set := func(t *lua.LTable, name string, fn lua.LGFunction) { t.RawSetString(name, L.NewFunction(fn)) }
	set(g, l51ForNumName, l51ForNum)
	set(g, "assert", l51Assert)
	set(g, "collectgarbage", e.l51Collectgarbage())
	set(g, "select", l51Select)
	set(g, "setmetatable", l51Setmetatable)
	set(g, "tonumber", func(L *lua.LState) int { return l51Tonumber(L, &e.boxes) })
	set(g, "type", l51Type)
	set(g, "unpack", l51Unpack)
	set(g, "xpcall", e.l51Xpcall)
	l51Protector(L, g.RawGetString("xpcall"))
	l51Protector(L, g.RawGetString("pcall"))
	if s, ok := g.RawGetString("string").(*lua.LTable); ok {
		set(s, "byte", l51StrByte)
		set(s, "char", l51StrChar)
		set(s, "dump", l51StrDump)
		set(s, "find", l51StrFind)
		set(s, "format", l51StrFormat)
		set(s, "gmatch", l51StrGmatch)
		s.RawSetString("gfind", s.RawGetString("gmatch"))
		set(s, "gsub", l51StrGsub)
		set(s, "len", l51StrLen)
		set(s, "lower", l51StrCase(false))
		set(s, "match", l51StrMatch)
		set(s, "rep", l51StrRep)
		set(s, "reverse", l51StrReverse)
		set(s, "sub", l51StrSub)
		set(s, "upper", l51StrCase(true))
	}
	if t, ok := g.RawGetString("table").(*lua.LTable); ok {
		set(t, "concat", l51TabConcat)
		set(t, "getn", l51TabGetn)
		set(t, "insert", l51TabInsert)
		set(t, "maxn", l51TabMaxn)
		set(t, "remove", l51TabRemove)
		set(t, "sort", l51TabSort)
	}
	if co, ok := g.RawGetString("coroutine").(*lua.LTable); ok {
		e.l51Coroutine(co)
	}
	if m, ok := g.RawGetString("math").(*lua.LTable); ok {
		set(m, "abs", func(L *lua.LState) int { L.Push(lua.LNumber(math.Abs(l51CheckNumber(L, 1)))); return 1 })
		set(m, "acos", l51Math1(l51Domain(func(x float64) bool { return x >= -1 && x <= 1 }, l51PosNaN, math.Acos)))
		set(m, "asin", l51Math1(l51Domain(func(x float64) bool { return x >= -1 && x <= 1 }, l51PosNaN, math.Asin)))
		set(m, "atan", l51Math1(math.Atan))
		set(m, "atan2", l51MathAtan2)
		set(m, "ceil", l51Math1(math.Ceil))
		set(m, "cos", l51Math1(l51Domain(l51Finite, l51NegNaN, math.Cos)))
		set(m, "cosh", l51Math1(math.Cosh))
		set(m, "deg", l51Math1(func(x float64) float64 { return x / l51RadPerDeg }))
		set(m, "exp", l51Math1(math.Exp))
		set(m, "floor", l51Math1(math.Floor))
		set(m, "fmod", l51MathFmod)
		m.RawSetString("mod", m.RawGetString("fmod"))
		set(m, "frexp", l51MathFrexp)
		set(m, "ldexp", l51MathLdexp)
		set(m, "log", l51Math1(l51Domain(func(x float64) bool { return x >= 0 }, l51NegNaN, math.Log)))
		set(m, "log10", l51Math1(l51Domain(func(x float64) bool { return x >= 0 }, l51PosNaN, math.Log10)))
		set(m, "max", l51MathMinMax(true))
		set(m, "min", l51MathMinMax(false))
		set(m, "modf", l51MathModf)
		set(m, "pow", l51MathPow)
		set(m, "rad", l51Math1(func(x float64) float64 { return x * l51RadPerDeg }))
		set(m, "sin", l51Math1(l51Domain(l51Finite, l51NegNaN, math.Sin)))
		set(m, "sinh", l51Math1(math.Sinh))
		set(m, "sqrt", l51Math1(l51Domain(func(x float64) bool { return x >= 0 }, l51NegNaN, math.Sqrt)))
		set(m, "tan", l51Math1(l51Domain(l51Finite, l51NegNaN, math.Tan)))
		set(m, "tanh", l51Math1(math.Tanh))
	}
}

// ---- coroutine ----

// l51CoStatus is Lua 5.1's costatus, seen from the running thread L:
// running (L itself), normal (it resumed L, directly or not), suspended or
// dead.
func l51CoStatus(L, th *lua.LState) string {
	switch {
	case th == L:
		return "running"
	case th.Dead:
		return "dead"
	}
	for p := L.Parent; p != nil; p = p.Parent {
		if p == th {
			return "normal"
		}
	}
	return "suspended"
}

// l51Prefix splits a message raised in a Lua function into its position
// ("chunk:line: ") and the rest.
var l51Prefix = regexpMust(`^(.*?:\d+: )(.*)$`)

// l51TranslateText words an error message Lua 5.1's way from its text
// alone (the frames that raised it are gone): no variable names.
func l51TranslateText(v lua.LValue) lua.LValue {
	s, ok := v.(lua.LString)
	if !ok {
		return v
	}
	if m := l51Prefix.FindStringSubmatch(string(s)); m != nil {
		if out, ok := l51PlainVM(m[2]); ok {
			return lua.LString(m[1] + out)
		}
		if out, ok := l51PlainBadArg(m[2]); ok {
			return lua.LString(m[1] + out)
		}
		return v
	}
	if out, ok := l51PlainVM(string(s)); ok {
		return lua.LString(out)
	}
	return v
}

// l51PlainBadArg quotes the name in gopher-lua's argument errors.
func l51PlainBadArg(body string) (string, bool) {
	m := l51BadArg.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return "bad argument #" + m[1] + " to '" + m[2] + "' (" + m[3] + ")", true
}

// l51Coroutine replaces create, resume, status and wrap with Lua 5.1's
// checks and messages around gopher-lua's own.
func (e *Engine) l51Coroutine(co *lua.LTable) {
	L := e.L
	create, _ := co.RawGetString("create").(*lua.LFunction)
	resume, _ := co.RawGetString("resume").(*lua.LFunction)
	if create == nil || resume == nil {
		return
	}
	checkFn := func(L *lua.LState) {
		if fn, ok := L.Get(1).(*lua.LFunction); !ok || fn.IsG {
			l51ArgError(L, 1, "Lua function expected")
		}
	}
	checkCo := func(L *lua.LState) *lua.LState {
		th, ok := L.Get(1).(*lua.LState)
		if !ok {
			l51ArgError(L, 1, "coroutine expected")
		}
		return th
	}
	// doResume resumes th with the arguments from index from on and
	// returns whether it worked; the results (or the message) are on the
	// stack in place of the arguments.
	doResume := func(L *lua.LState, th *lua.LState, from int) bool {
		args := L.GetTop() - from + 1
		if st := l51CoStatus(L, th); st != "suspended" {
			L.SetTop(from - 1)
			L.Push(lua.LString("cannot resume " + st + " coroutine"))
			return false
		}
		base := L.GetTop() - args
		L.Push(resume)
		L.Push(th)
		for i := 0; i < args; i++ {
			L.Push(L.Get(from + i))
		}
		L.Call(args+1, lua.MultRet)
		ok := L.Get(base+args+1) == lua.LTrue
		n := L.GetTop() - (base + args + 1) // results after the flag
		out := make([]lua.LValue, n)
		for i := range out {
			out[i] = L.Get(base + args + 2 + i)
		}
		L.SetTop(from - 1)
		if !ok {
			msg := lua.LValue(lua.LNil)
			if n > 0 {
				msg = l51TranslateText(out[0])
			}
			L.Push(msg)
			return false
		}
		for _, v := range out {
			L.Push(v)
		}
		return true
	}
	// A coroutine runs its function through a trampoline that yields
	// once at once, so that the thread is started when create returns and
	// its Panic hook (which gopher-lua sets on the first resume) can be
	// replaced by one that words errors while the thread's frames are
	// there. The first real resume hands its arguments to the function.
	tramp, err := L.LoadString("local yield = ... return function(f) return function() return f(yield()) end end")
	if err != nil {
		return
	}
	L.Push(tramp)
	L.Push(co.RawGetString("yield"))
	L.Call(1, 1)
	wrapFn := L.Get(-1)
	L.Pop(1)
	hook := func(th *lua.LState) {
		v := e.lua51ErrorAt(th, th.Get(-1), 0)
		panic(&lua.ApiError{Type: lua.ApiErrorRun, Object: v})
	}
	newThread := func(L *lua.LState, fn lua.LValue) *lua.LState {
		L.Push(wrapFn)
		L.Push(fn)
		L.Call(1, 1)
		f := L.Get(-1)
		L.Pop(1)
		L.Push(create)
		L.Push(f)
		L.Call(1, 1)
		th := L.Get(-1).(*lua.LState)
		L.Pop(1)
		L.Push(resume)
		L.Push(th)
		L.Call(1, 0)
		th.Panic = hook
		return th
	}
	co.RawSetString("create", L.NewFunction(func(L *lua.LState) int {
		checkFn(L)
		L.Push(newThread(L, L.Get(1)))
		return 1
	}))
	co.RawSetString("status", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(l51CoStatus(L, checkCo(L))))
		return 1
	}))
	co.RawSetString("resume", L.NewFunction(func(L *lua.LState) int {
		th := checkCo(L)
		if doResume(L, th, 2) {
			L.Insert(lua.LTrue, 2)
		} else {
			L.Insert(lua.LFalse, 2)
		}
		return L.GetTop() - 1
	}))
	co.RawSetString("wrap", L.NewFunction(func(L *lua.LState) int {
		checkFn(L)
		th := newThread(L, L.Get(1))
		L.Push(L.NewFunction(func(L *lua.LState) int {
			if doResume(L, th, 1) {
				return L.GetTop()
			}
			msg := L.Get(-1)
			if s, ok := l51ToString(msg); ok {
				msg = lua.LString(l51Where(L) + s)
			}
			L.Error(msg, 0)
			return 0
		}))
		return 1
	}))
}

// ---- protected calls ----

// gopher-lua does not manage the upvalues of the functions a protected
// call unwinds as Lua 5.1 does. It closes them when the error is raised
// unless an error handler is active, and then closes all of them, those of
// the functions still running below the protected call included (a
// closure sharing a local with a running function loses it); with a
// handler it closes none (a closure made in the failed call keeps
// pointing at stack slots that get reused). And every protected call
// clears the "handler active" flag when it returns, even when an outer
// one still has its handler. pcall and xpcall therefore run with a handler
// (lua51Handler, or xpcall's), which closes the upvalues at and above the
// called function while the stack still holds their values, and
// l51PCall puts the flag back as it was. The flag and the list of open
// upvalues are not exported: they are reached through reflect and
// unsafe, and left alone if gopher-lua's layout is not the expected one.

const l51ProtectorsKey = "lua51.protectors"

// l51Protector marks fn as a function that makes protected calls with a
// handler that closes upvalues (pcall, xpcall).
func l51Protector(L *lua.LState, fn lua.LValue) {
	set, ok := L.G.Registry.RawGetString(l51ProtectorsKey).(*lua.LTable)
	if !ok {
		set = L.NewTable()
		L.G.Registry.RawSetString(l51ProtectorsKey, set)
	}
	set.RawSet(fn, lua.LTrue)
}

// l51CloseProtected closes, from an error handler running at level 0, the
// open upvalues of the functions the nearest protected call is about to
// unwind.
func l51CloseProtected(L *lua.LState) {
	set, _ := L.G.Registry.RawGetString(l51ProtectorsKey).(*lua.LTable)
	if set == nil {
		return
	}
	for level := 1; level < 100000; level++ {
		f, ok := l51FrameAt(L, level)
		if !ok {
			return
		}
		if f.fn.IsG && set.RawGet(f.fn) != lua.LNil {
			if f.localBase >= 0 {
				l51CloseUpvalues(L, f.localBase)
			}
			return
		}
	}
}

var l51UpvalueType = reflect.TypeOf((*lua.Upvalue)(nil))

// l51CloseUpvalues closes the open upvalues of L at stack index idx and
// above, as gopher-lua's closeUpvalues does (its list is sorted by index).
func l51CloseUpvalues(L *lua.LState, idx int) {
	head := reflect.ValueOf(L).Elem().FieldByName("uvcache")
	if !head.IsValid() || head.Type() != l51UpvalueType {
		return
	}
	link := (**lua.Upvalue)(unsafe.Pointer(head.UnsafeAddr()))
	for uv := *link; uv != nil; {
		v := reflect.ValueOf(uv).Elem()
		index, next := v.FieldByName("index"), v.FieldByName("next")
		if !index.IsValid() || !index.CanInt() || !next.IsValid() || next.Type() != l51UpvalueType {
			return
		}
		if int(index.Int()) >= idx {
			*link = nil
			for c := uv; c != nil; {
				n := *(**lua.Upvalue)(unsafe.Pointer(reflect.ValueOf(c).Elem().FieldByName("next").UnsafeAddr()))
				c.Close()
				c = n
			}
			return
		}
		link = (**lua.Upvalue)(unsafe.Pointer(next.UnsafeAddr()))
		uv = *link
	}
}

// l51HandlerFlag returns gopher-lua's "error handler active" flag of L,
// or nil.
func l51HandlerFlag(L *lua.LState) *bool {
	f := reflect.ValueOf(L).Elem().FieldByName("hasErrorFunc")
	if !f.IsValid() || f.Kind() != reflect.Bool {
		return nil
	}
	return (*bool)(unsafe.Pointer(f.UnsafeAddr()))
}

// l51PCall is L.PCall(nargs, MultRet, handler) for pcall and xpcall: the
// handler flag is as it was before when it returns.
func l51PCall(L *lua.LState, nargs int, handler *lua.LFunction) error {
	flag := l51HandlerFlag(L)
	saved := false
	if flag != nil {
		saved = *flag
	}
	err := L.PCall(nargs, lua.MultRet, handler)
	if flag != nil {
		*flag = saved
	}
	return err
}
