package luabind

import (
	"math"
	"runtime"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The libraries scripts get besides Lua's own, in the order Redis opens
// them.
var libraries = []func(*lua.LState){openCjson, openStruct, openCmsgpack, openBit}

const (
	errReadonly    = "Attempt to modify a readonly table"
	errHandlerName = "__redis__err__handler"
)

// reset builds a fresh sandboxed state: Lua 5.1's base, table, string, math
// and coroutine libraries less what Redis removes, Redis's replacements
// (pcall, error, tostring, tonumber, loadstring, math.random), the redis
// table and the other libraries, then locks every global table.
func (e *Engine) reset() {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		RegistrySize:     1024 * 16,
		RegistryMaxSize:  1024 * 1024,
		RegistryGrowStep: 1024,
		CallStackSize:    1024,
	})
	e.L = L
	e.scripts = make(map[string]*Script)
	e.last = nil
	e.bodies = make(map[string]*Script)
	e.chunkSources = make(map[string]string)
	e.hoisted = make(map[hoistKey]hoisted)
	e.origCode = make(map[*lua.FunctionProto][]uint32)
	e.liveConsts = make(map[string][]hoistKey)
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
	g := L.G.Global
	for _, name := range []string{"print", "dofile", "loadfile", "require", "module", "package",
		"getfenv", "setfenv", "newproxy", "_printregs", "os", "io", "debug", "channel"} {
		g.RawSetString(name, lua.LNil)
	}
	set := func(t *lua.LTable, name string, fn lua.LGFunction) { t.RawSetString(name, L.NewFunction(fn)) }
	set(g, "pcall", e.luaPcall)
	set(g, "error", luaError)
	set(g, "tostring", luaTostring)
	set(g, "loadstring", e.luaLoadstring)
	set(g, "load", e.luaLoad)
	set(g, "gcinfo", luaGcinfo)
	set(g, tostringName, luaToStr)
	e.handler = L.NewFunction(e.errorHandler)
	g.RawSetString(errHandlerName, e.handler)
	if m, ok := g.RawGetString("math").(*lua.LTable); ok {
		set(m, "random", e.luaRandom)
		set(m, "randomseed", e.luaRandomseed)
		m.RawSetString("mod", m.RawGetString("fmod"))
		m.RawSetString("huge", lua.LNumber(math.Inf(1)))
	}
	if st, ok := g.RawGetString("string").(*lua.LTable); ok {
		st.RawSetString("__index", lua.LNil) // gopher-lua's own string metatable link
	}
	if t, ok := g.RawGetString("table").(*lua.LTable); ok {
		set(t, "foreach", luaTableForeach)
		set(t, "foreachi", luaTableForeachi)
		set(t, "setn", luaTableSetn)
	}
	e.openLua51(g)
	for _, open := range libraries {
		open(L)
	}
	e.openRedis(g)
	e.keys, e.argv = L.NewTable(), L.NewTable()
	if e.lib != nil {
		e.lib.prepare(g) // functions: no KEYS/ARGV, a smaller redis table
	} else {
		g.RawSetString("KEYS", e.keys)
		g.RawSetString("ARGV", e.argv)
	}

	e.lockGlobals(g)
}

// lockGlobals makes the globals and every table reachable from them
// read-only, as Redis does: _G becomes an empty proxy whose reads fall
// through to the real globals (a missing one raises an error) and whose
// writes raise; each library table gets the same treatment, and so does the
// string metatable. KEYS and ARGV stay writable element by element.
func (e *Engine) lockGlobals(g *lua.LTable) {
	L := e.L
	raiseReadonly := L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(errReadonly)
		return 0
	})
	protected := map[*lua.LTable]*lua.LTable{} // real table -> proxy
	var proxy func(t *lua.LTable) *lua.LTable
	proxy = func(t *lua.LTable) *lua.LTable {
		if p, ok := protected[t]; ok {
			return p
		}
		p := L.NewTable()
		protected[t] = p
		t.ForEach(func(k, v lua.LValue) {
			if sub, ok := v.(*lua.LTable); ok && sub != e.keys && sub != e.argv && sub != g {
				t.RawSet(k, proxy(sub))
			}
		})
		mt := L.NewTable()
		mt.RawSetString("__index", t)
		mt.RawSetString("__newindex", raiseReadonly)
		L.SetMetatable(p, mt)
		return p
	}
	// The string metatable: methods resolve through the string proxy, and
	// adding fields to it raises.
	var smt *lua.LTable
	if s, ok := g.RawGetString("string").(*lua.LTable); ok {
		smt = L.NewTable()
		smt.RawSetString("__index", proxy(s))
		e.l51StringArith(smt) // strarith51.go
		lock := L.NewTable()
		lock.RawSetString("__newindex", raiseReadonly)
		L.SetMetatable(smt, lock)
		L.SetMetatable(lua.LString(""), smt)
	}
	genv := proxy(g)
	e.genvMeta, _ = genv.Metatable.(*lua.LTable)
	g.RawSetString("_G", genv)
	gmt := L.NewTable()
	gmt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Script attempted to access nonexistent global variable '%s'", L.CheckAny(2).String())
		return 0
	}))
	L.SetMetatable(g, gmt)
	e.globals = g
	L.G.Global = genv

	// What getmetatable shows of the locked tables (see below): read-only
	// views that lead to nothing writable.
	view := func(real *lua.LTable) *lua.LTable {
		v := L.NewTable()
		mt := L.NewTable()
		mt.RawSetString("__index", real)
		mt.RawSetString("__newindex", raiseReadonly)
		L.SetMetatable(v, mt)
		protected[real] = v
		return v
	}
	gmtShown := L.NewTable() // _G's metatable as Redis has it: one __index function
	gmtShown.RawSetString("__index", gmt.RawGetString("__index"))
	gview := view(gmtShown)
	var sview *lua.LTable
	if smt != nil {
		// As Redis has it: __index only, not the arithmetic of strarith51.go.
		smtShown := L.NewTable()
		smtShown.RawSetString("__index", smt.RawGetString("__index"))
		sview = view(smtShown)
	}

	isProtected := func(v lua.LValue) bool {
		t, ok := v.(*lua.LTable)
		if !ok {
			return false
		}
		if t == genv || t == g {
			return true
		}
		for real, p := range protected {
			if t == p || t == real {
				return true
			}
		}
		return false
	}
	// next and pairs see through the proxies, so that pairs(_G) or
	// pairs(cjson) lists what Redis lists.
	realOf := make(map[*lua.LTable]*lua.LTable, len(protected))
	for real, p := range protected {
		realOf[p] = real
	}
	next := L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		if real, ok := realOf[t]; ok {
			t = real
		}
		if key := L.Get(2); key != lua.LNil && !l51ValidKey(t, key) {
			l51RunError(L, "invalid key to 'next'")
		}
		k, v := t.Next(L.Get(2))
		if k == lua.LNil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(k)
		L.Push(v)
		return 2
	})
	g.RawSetString("next", next)
	g.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(next)
		L.Push(t)
		L.Push(lua.LNil)
		return 3
	}))
	rawset := g.RawGetString("rawset")
	g.RawSetString("rawset", e.l51Transparent(func(L *lua.LState) int {
		if isProtected(L.Get(1)) {
			L.Error(lua.LString(errReadonly), 0)
		}
		L.Push(rawset)
		L.Push(L.Get(1))
		L.Push(L.Get(2))
		L.Push(L.Get(3))
		L.Call(3, 1)
		return 1
	}))
	// getmetatable does not hand out the metatables of the locks, through
	// which the real tables could be changed: as in Redis, a library table
	// has none, and _G's and the strings' are read-only.
	getmetatable := g.RawGetString("getmetatable")
	g.RawSetString("getmetatable", e.l51Transparent(func(L *lua.LState) int {
		top := L.GetTop()
		if top >= 1 {
			switch v := L.Get(1).(type) {
			case *lua.LTable:
				if v == genv {
					L.Push(gview)
					return 1
				}
				if _, ok := realOf[v]; ok {
					L.Push(lua.LNil)
					return 1
				}
			case lua.LString:
				if sview != nil {
					L.Push(sview)
					return 1
				}
			}
		}
		L.Push(getmetatable)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, 1)
		return 1
	}))
	setmetatable := g.RawGetString("setmetatable")
	g.RawSetString("setmetatable", e.l51Transparent(func(L *lua.LState) int {
		if isProtected(L.Get(1)) {
			L.Error(lua.LString(errReadonly), 0)
		}
		L.Push(setmetatable)
		L.Push(L.Get(1))
		L.Push(L.Get(2))
		L.Call(2, 1)
		return 1
	}))
}

// luaError is Lua 5.1's error: a string or number message gets the position
// of the function at the given level (1 by default) in front.
func luaError(L *lua.LState) int {
	v := L.Get(1)
	level := L.OptInt(2, 1)
	switch x := v.(type) {
	case lua.LString:
		if level > 0 {
			v = lua.LString(where(L, level) + string(x))
		}
	case lua.LNumber:
		if level > 0 {
			v = lua.LString(where(L, level) + formatNumber(float64(x)))
		}
	}
	L.Error(v, 0)
	return 0
}

// where is Lua 5.1's luaL_where: "chunk:line: " for a Lua function at the
// level, "" for a Go one.
func where(L *lua.LState, level int) string {
	w := L.Where(level)
	if w == "" || w == "[G]:" {
		return ""
	}
	return w + " "
}

// luaPcall is Redis's pcall: like Lua's, except that an error that is a
// table with a string err field (what redis.call raises) comes back as that
// string.
func (e *Engine) luaPcall(L *lua.LState) int {
	top := L.GetTop()
	if top == 0 { // Redis's pcall then calls its own placeholder, true
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a boolean value"))
		return 2
	}
	err := l51PCall(L, top-1, e.lua51Handler(L))
	if err != nil {
		L.Push(lua.LFalse)
		obj := errorObject(err)
		if t, ok := obj.(*lua.LTable); ok {
			if s, ok := t.RawGetString("err").(lua.LString); ok {
				obj = s
			}
		}
		L.Push(obj)
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// errorObject returns the Lua value an error carries.
func errorObject(err error) lua.LValue {
	if ae, ok := err.(*lua.ApiError); ok {
		return ae.Object
	}
	return lua.LString(err.Error())
}

// luaLoadstring compiles a chunk in the sandbox, as Lua 5.1's loadstring
// does; precompiled bytecode is refused.
func (e *Engine) luaLoadstring(L *lua.LState) int {
	code := L.CheckString(1)
	name := L.OptString(2, code)
	return e.loadChunk(L, code, name)
}

func (e *Engine) luaLoad(L *lua.LState) int {
	fn := L.CheckFunction(1)
	name := L.OptString(2, "=(load)")
	var b strings.Builder
	for {
		L.Push(fn)
		L.Call(0, 1)
		piece := L.Get(-1)
		L.Pop(1)
		s, ok := piece.(lua.LString)
		if !ok || s == "" {
			break
		}
		b.WriteString(string(s))
	}
	return e.loadChunk(L, b.String(), name)
}

func (e *Engine) loadChunk(L *lua.LState, code, name string) int {
	if strings.HasPrefix(code, "\x1bLua") {
		L.Push(lua.LNil)
		L.Push(lua.LString("bad binary format"))
		return 2
	}
	proto, _, err := compile(code, chunkID(name), false)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	fn := L.NewFunctionFromProto(proto)
	fn.Env = L.G.Global
	e.chunkSources[chunkID(name)] = name
	e.l51NoteChunk(chunkID(name), code)
	L.Push(fn)
	return 1
}

// chunkID is Lua 5.1's luaO_chunkid: how a chunk name appears in messages.
func chunkID(source string) string {
	const idsize = 60
	switch {
	case strings.HasPrefix(source, "="):
		return truncate(source[1:], idsize-1)
	case strings.HasPrefix(source, "@"):
		s := source[1:]
		if keep := idsize - len(" '...' ") - 1; len(s) > keep {
			return "..." + s[len(s)-keep:]
		}
		return s
	}
	n := strings.IndexAny(source, "\n\r")
	if n < 0 {
		n = len(source)
	}
	if max := idsize - len(` [string "..."] `) - 1; n > max {
		n = max
	}
	if n < len(source) {
		return `[string "` + source[:n] + `..."]`
	}
	return `[string "` + source + `"]`
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// luaGcinfo is Lua 5.1's gcinfo: the memory in use, in kilobytes.
func luaGcinfo(L *lua.LState) int {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	L.Push(lua.LNumber(math.Floor(float64(ms.HeapAlloc) / 1024)))
	return 1
}

func luaTableForeach(L *lua.LState) int {
	t := L.CheckTable(1)
	fn := L.CheckFunction(2)
	k, v := t.Next(lua.LNil)
	for k != lua.LNil {
		L.Push(fn)
		L.Push(k)
		L.Push(v)
		L.Call(2, 1)
		if r := L.Get(-1); r != lua.LNil {
			return 1
		}
		L.Pop(1)
		k, v = t.Next(k)
	}
	return 0
}

func luaTableForeachi(L *lua.LState) int {
	t := L.CheckTable(1)
	fn := L.CheckFunction(2)
	n := t.Len()
	for i := 1; i <= n; i++ {
		L.Push(fn)
		L.Push(lua.LNumber(i))
		L.Push(t.RawGetInt(i))
		L.Call(2, 1)
		if r := L.Get(-1); r != lua.LNil {
			return 1
		}
		L.Pop(1)
	}
	return 0
}

func luaTableSetn(L *lua.LState) int {
	L.RaiseError("'setn' is obsolete")
	return 0
}
