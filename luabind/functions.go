package luabind

import (
	"context"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/racefree/racefree/resp"
)

// Redis 7.0 functions (FUNCTION LOAD, FCALL): libraries of named Lua
// callbacks, run in a Lua state of their own, separate from EVAL's.

// Library is a loaded function library.
type Library struct {
	Name      string      // as given by "#!lua name=<Name>"
	Code      string      // the code as loaded, shebang line included
	Functions []*Function // in registration order
}

// Function is a function a library registered.
type Function struct {
	Name           string
	Description    string
	HasDescription bool // whether the library gave a description
	Flags          Flags
	Library        *Library
	script         *Script // the callback; SHA holds the function's name
}

// Functions is the function registry of a store with its Lua state. Like
// Engine, it is not safe for concurrent use.
type Functions struct {
	e       *Engine
	libs    map[string]*Library
	funcs   map[string]*Function // by lower-case name
	loading *Library             // the library whose body runs, during Load
	loadEnv *lua.LTable          // the globals a library body sees
}

// Functions returns the function registry that goes with this engine,
// making it on first use. It survives Flush: SCRIPT FLUSH leaves functions
// alone.
func (e *Engine) Functions() *Functions {
	if e.funcs == nil {
		f := &Functions{libs: map[string]*Library{}, funcs: map[string]*Function{}}
		f.e = &Engine{rand: randInit, lib: f}
		f.e.reset()
		e.funcs = f
	}
	return e.funcs
}

// LoadTimeout bounds how long a library body may run in Load, as Redis's
// fixed 500 ms.
const LoadTimeout = 500 * time.Millisecond

// prepare adapts a fresh sandbox to functions (called by reset before the
// globals are locked): the redis table loses breakpoint, debug and
// replicate_commands, there are no KEYS and ARGV, and the load-time
// environment is built.
func (f *Functions) prepare(g *lua.LTable) {
	L := f.e.L
	if r, ok := g.RawGetString("redis").(*lua.LTable); ok {
		for _, name := range []string{"breakpoint", "debug", "replicate_commands"} {
			r.RawSetString(name, lua.LNil)
		}
	}
	raiseMissing := L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Script attempted to access nonexistent global variable '%s'", L.CheckAny(2).String())
		return 0
	})
	raiseReadonly := L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(errReadonly)
		return 0
	})
	// locked returns a read-only view of real whose missing keys raise.
	locked := func(real *lua.LTable) *lua.LTable {
		miss := L.NewTable()
		miss.RawSetString("__index", raiseMissing)
		L.SetMetatable(real, miss)
		p := L.NewTable()
		mt := L.NewTable()
		mt.RawSetString("__index", real)
		mt.RawSetString("__newindex", raiseReadonly)
		L.SetMetatable(p, mt)
		return p
	}
	r := L.NewTable()
	r.RawSetString("register_function", L.NewFunction(f.registerFunction))
	r.RawSetString("log", L.NewFunction(luaLog))
	for name, v := range map[string]int{"LOG_DEBUG": 0, "LOG_VERBOSE": 1, "LOG_NOTICE": 2, "LOG_WARNING": 3} {
		r.RawSetString(name, lua.LNumber(v))
	}
	r.RawSetString("REDIS_VERSION", lua.LString(redisVersion))
	r.RawSetString("REDIS_VERSION_NUM", lua.LNumber(redisVersionNum))
	env := L.NewTable()
	env.RawSetString("redis", locked(r))
	env.RawSetString(tostringName, g.RawGetString(tostringName)) // what ".." compiles to
	miss := L.NewTable()
	miss.RawSetString("__index", raiseMissing)
	L.SetMetatable(env, miss)
	f.loadEnv = env
}

// Errors of FUNCTION LOAD, in Redis's words.
const (
	errLibraryName = "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
)

// ValidName reports whether name is a valid library or function name:
// letters, digits and underscores, at least one.
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// parseLibraryMeta reads the "#!lua name=<lib>" line and returns the
// library name and the code with that line blanked (its newline kept).
func parseLibraryMeta(code string) (name, body string, err error) {
	if !strings.HasPrefix(code, "#!") {
		return "", "", &Error{"ERR Missing library metadata"}
	}
	nl := strings.IndexByte(code, '\n')
	if nl < 0 {
		return "", "", &Error{"ERR Invalid library metadata"}
	}
	parts, ok := splitArgs(code[:nl])
	if !ok || len(parts) == 0 {
		return "", "", &Error{"ERR Invalid library metadata"}
	}
	engine := parts[0][2:]
	seen := false
	for _, p := range parts[1:] {
		if len(p) < 5 || !strings.EqualFold(p[:5], "name=") {
			return "", "", &Error{"ERR Invalid metadata value given: " + p}
		}
		if seen {
			return "", "", &Error{"ERR Invalid metadata value, name argument was given multiple times"}
		}
		name, seen = p[5:], true
	}
	if !seen {
		return "", "", &Error{"ERR Library name was not given"}
	}
	if !strings.EqualFold(engine, "lua") {
		return "", "", &Error{"ERR Engine '" + engine + "' not found"}
	}
	if !ValidName(name) {
		return "", "", &Error{errLibraryName}
	}
	return name, code[nl:], nil
}

// Load loads a library, as FUNCTION LOAD does, and returns its name. With
// replace, a library of the same name is replaced; without, it is an error.
// Errors are Redis's texts.
func (f *Functions) Load(code string, replace bool) (string, error) {
	lib, err := f.compileLibrary(code, replace)
	if err != nil {
		return "", err
	}
	old := f.libs[lib.Name]
	for _, fn := range lib.Functions {
		if other := f.funcs[strings.ToLower(fn.Name)]; other != nil && other.Library != old {
			return "", &Error{"ERR Function " + fn.Name + " already exists"}
		}
	}
	f.install(lib)
	return lib.Name, nil
}

// install adds lib, replacing a library of the same name.
func (f *Functions) install(lib *Library) {
	if old := f.libs[lib.Name]; old != nil {
		f.remove(old)
	}
	f.libs[lib.Name] = lib
	for _, fn := range lib.Functions {
		f.funcs[strings.ToLower(fn.Name)] = fn
	}
}

func (f *Functions) remove(lib *Library) {
	for _, fn := range lib.Functions {
		if f.funcs[strings.ToLower(fn.Name)] == fn {
			delete(f.funcs, strings.ToLower(fn.Name))
		}
	}
	delete(f.libs, lib.Name)
}

// compileLibrary checks the metadata, compiles the code and runs its body,
// collecting the functions it registers.
func (f *Functions) compileLibrary(code string, replace bool) (*Library, error) {
	name, body, err := parseLibraryMeta(code)
	if err != nil {
		return nil, err
	}
	if f.libs[name] != nil && !replace {
		return nil, &Error{"ERR Library '" + name + "' already exists"}
	}
	proto, _, err := compile(body, "user_function", false)
	if err != nil {
		return nil, &Error{"ERR Error compiling function: " + err.Error()}
	}
	e := f.e
	L := e.L
	lib := &Library{Name: name, Code: code}
	fn := L.NewFunctionFromProto(proto)
	fn.Env = L.G.Global

	ctx, cancel := context.WithTimeout(context.Background(), LoadTimeout)
	defer cancel()
	L.SetContext(ctx)
	defer L.RemoveContext()
	r := &e.state
	r.host, r.script, r.resp, r.errLine, r.errSource = nil, &Script{Body: body}, 2, 0, ""
	e.run = r
	f.loading = lib
	e.genvMeta.RawSetString("__index", f.loadEnv)
	defer func() {
		e.genvMeta.RawSetString("__index", e.globals)
		f.loading = nil
		e.run = nil
	}()
	L.Push(fn)
	if err := L.PCall(0, 0, e.handler); err != nil {
		msg := errorMessage(err)
		if ctx.Err() != nil {
			msg = "ERR FUNCTION LOAD timeout"
		}
		return nil, &Error{"ERR Error registering functions: " + oneLine(msg)}
	}
	if len(lib.Functions) == 0 {
		return nil, &Error{"ERR No functions registered"}
	}
	return lib, nil
}

// luaString is lua_isstring plus lua_tostring: strings, and numbers in
// Lua 5.1's format.
func luaString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return formatNumber(float64(x)), true
	}
	return "", false
}

// registerFunction is redis.register_function, in its positional form
// (name, callback) and its named form ({function_name=, callback=, flags=,
// description=}, keys in any case).
func (f *Functions) registerFunction(L *lua.LState) int {
	lib := f.loading
	if lib == nil {
		raise(L, "ERR redis.register_function can only be called on FUNCTION LOAD command")
	}
	fn := &Function{Library: lib, Flags: FlagShebang}
	var cb *lua.LFunction
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			raise(L, "ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		hasName := false
		for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
			ks, ok := k.(lua.LString)
			if !ok {
				raise(L, "ERR unknown argument given to redis.register_function")
			}
			switch strings.ToLower(string(ks)) {
			case "function_name":
				if fn.Name, ok = luaString(v); !ok {
					raise(L, "ERR function_name argument given to redis.register_function must be a string")
				}
				hasName = true
			case "callback":
				if cb, ok = v.(*lua.LFunction); !ok {
					raise(L, "ERR callback argument given to redis.register_function must be a function")
				}
			case "description":
				if fn.Description, ok = luaString(v); !ok {
					raise(L, "ERR description argument given to redis.register_function must be a string")
				}
				fn.HasDescription = true
			case "flags":
				ft, ok := v.(*lua.LTable)
				if !ok {
					raise(L, "ERR flags argument to redis.register_function must be a table representing function flags")
				}
				for i := 1; ; i++ {
					fv := ft.RawGetInt(i)
					if fv == lua.LNil {
						break
					}
					s, _ := luaString(fv)
					flag, ok := functionFlag(s)
					if !ok {
						raise(L, "ERR unknown flag given")
					}
					fn.Flags |= flag
				}
			default:
				raise(L, "ERR unknown argument given to redis.register_function")
			}
		}
		if !hasName {
			raise(L, "ERR redis.register_function must get a function name argument")
		}
		if cb == nil {
			raise(L, "ERR redis.register_function must get a callback argument")
		}
	case 2:
		var ok bool
		if fn.Name, ok = luaString(L.Get(1)); !ok {
			raise(L, "ERR first argument to redis.register_function must be a string")
		}
		if cb, ok = L.Get(2).(*lua.LFunction); !ok {
			raise(L, "ERR second argument to redis.register_function must be a function")
		}
	default:
		raise(L, "ERR wrong number of arguments to redis.register_function")
	}
	if !ValidName(fn.Name) {
		raise(L, errLibraryName)
	}
	for _, other := range lib.Functions {
		if other.Name == fn.Name {
			raise(L, "ERR Function already exists in the library")
		}
	}
	fn.script = &Script{SHA: fn.Name, Flags: fn.Flags, Body: f.e.run.script.Body, fn: cb}
	lib.Functions = append(lib.Functions, fn)
	return 0
}

// functionFlag is a flag of register_function, matched in any case.
func functionFlag(s string) (Flags, bool) {
	switch strings.ToLower(s) {
	case "no-writes":
		return FlagNoWrites, true
	case "allow-oom":
		return FlagAllowOOM, true
	case "allow-stale":
		return FlagAllowStale, true
	case "no-cluster":
		return FlagNoCluster, true
	case "allow-cross-slot-keys":
		return FlagAllowCrossSlotKeys, true
	}
	return 0, false
}

// FlagNames lists the names of the flags in fl, in Redis's order.
func FlagNames(fl Flags) []string {
	var out []string
	for _, f := range []struct {
		flag Flags
		name string
	}{
		{FlagNoWrites, "no-writes"}, {FlagAllowOOM, "allow-oom"}, {FlagAllowStale, "allow-stale"},
		{FlagNoCluster, "no-cluster"}, {FlagAllowCrossSlotKeys, "allow-cross-slot-keys"},
	} {
		if fl&f.flag != 0 {
			out = append(out, f.name)
		}
	}
	return out
}

// Lookup finds a function by name, in any case.
func (f *Functions) Lookup(name string) *Function {
	if fn := f.funcs[name]; fn != nil {
		return fn
	}
	return f.funcs[strings.ToLower(name)]
}

// Delete removes a library; it reports whether it existed.
func (f *Functions) Delete(name string) bool {
	lib := f.libs[name]
	if lib == nil {
		return false
	}
	f.remove(lib)
	return true
}

// Flush removes every library and starts a new Lua state, as FUNCTION
// FLUSH does.
func (f *Functions) Flush() {
	clear(f.libs)
	clear(f.funcs)
	f.e.Flush()
}

// Libraries returns the loaded libraries sorted by name.
func (f *Functions) Libraries() []*Library {
	out := make([]*Library, 0, len(f.libs))
	for _, l := range f.libs {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Counts returns the number of libraries and of functions.
func (f *Functions) Counts() (libraries, functions int) { return len(f.libs), len(f.funcs) }

// Run calls fn with keys and args, as FCALL does, and writes its reply (or
// its error, with the " script: <name>, on @user_function:<line>." suffix)
// to w. ctx stops the run as in Engine.Run.
func (f *Functions) Run(ctx context.Context, fn *Function, keys, args []string, host Host, w resp.Writer) {
	f.e.exec(ctx, fn.script, keys, args, host, w, true)
}

// stringTable returns a new array of ss.
func stringTable(L *lua.LState, ss []string) *lua.LTable {
	t := L.CreateTable(len(ss), 0)
	for i, s := range ss {
		t.RawSetInt(i+1, lua.LString(s))
	}
	return t
}

// Restore loads libraries from their codes, as FUNCTION RESTORE does, under
// a policy: "FLUSH" (delete every library first), "APPEND" (a library that
// exists already is an error) or "REPLACE". On an error nothing changes.
func (f *Functions) Restore(codes []string, policy string) error {
	var libs []*Library
	names := map[string]bool{}
	for _, code := range codes {
		lib, err := f.compileLibrary(code, true)
		if err != nil {
			return err
		}
		if names[lib.Name] {
			return &Error{"ERR Library '" + lib.Name + "' already exists"}
		}
		names[lib.Name] = true
		libs = append(libs, lib)
	}
	if policy == "FLUSH" {
		clear(f.libs)
		clear(f.funcs)
	}
	if policy == "APPEND" {
		for _, lib := range libs {
			if f.libs[lib.Name] != nil {
				return &Error{"ERR Library " + lib.Name + " already exists"}
			}
		}
	}
	for _, lib := range libs {
		for _, fn := range lib.Functions {
			if other := f.funcs[strings.ToLower(fn.Name)]; other != nil && !names[other.Library.Name] {
				return &Error{"ERR Function " + fn.Name + " already exists"}
			}
		}
	}
	for _, lib := range libs {
		f.install(lib)
	}
	return nil
}
