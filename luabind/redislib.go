package luabind

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The redis table, as Redis 7.0.15 gives EVAL scripts.
const (
	redisVersion    = "7.0.15"
	redisVersionNum = 0x07000f
)

func (e *Engine) openRedis(g *lua.LTable) {
	L := e.L
	r := L.NewTable()
	set := func(name string, fn lua.LGFunction) { r.RawSetString(name, L.NewFunction(fn)) }
	set("call", func(L *lua.LState) int { return e.redisCall(L, true) })
	set("pcall", func(L *lua.LState) int { return e.redisCall(L, false) })
	set("error_reply", luaErrorReply)
	set("status_reply", luaStatusReply)
	set("sha1hex", luaSHA1Hex)
	set("log", luaLog)
	set("setresp", e.luaSetresp)
	set("set_repl", luaSetRepl)
	set("replicate_commands", func(L *lua.LState) int { L.Push(lua.LTrue); return 1 })
	set("breakpoint", func(L *lua.LState) int { L.Push(lua.LFalse); return 1 })
	set("debug", func(L *lua.LState) int { return 0 })
	set("acl_check_cmd", e.luaACLCheckCmd)
	for name, v := range map[string]int{
		"LOG_DEBUG": 0, "LOG_VERBOSE": 1, "LOG_NOTICE": 2, "LOG_WARNING": 3,
		"REPL_NONE": 0, "REPL_AOF": 1, "REPL_SLAVE": 2, "REPL_REPLICA": 2, "REPL_ALL": 3,
	} {
		r.RawSetString(name, lua.LNumber(v))
	}
	r.RawSetString("REDIS_VERSION", lua.LString(redisVersion))
	r.RawSetString("REDIS_VERSION_NUM", lua.LNumber(redisVersionNum))
	g.RawSetString("redis", r)
}

// raise raises an error reply (a table with err), as redis.call does: the
// text reaches the client with the script suffix.
func raise(L *lua.LState, msg string) {
	t := L.NewTable()
	t.RawSetString("err", lua.LString(msg))
	L.Error(t, 0)
}

// raisePlain raises msg as Redis's own library errors are raised: with no
// position in front (the reply gets "ERR " and the script suffix).
func raisePlain(L *lua.LState, msg string) {
	L.Error(lua.LString(msg), 0)
}

// redisCall is redis.call (raise true) and redis.pcall: it converts the
// arguments, runs the command through the host and converts its reply.
func (e *Engine) redisCall(L *lua.LState, raiseErrors bool) int {
	fail := func(msg string) int {
		if raiseErrors {
			raise(L, msg)
		}
		t := L.NewTable()
		t.RawSetString("err", lua.LString(msg))
		L.Push(t)
		return 1
	}
	n := L.GetTop()
	if n == 0 {
		return fail("ERR Please specify at least one argument for this redis lib call")
	}
	if e.run == nil {
		return fail("ERR redis.call can only be called inside a script invocation")
	}
	args := e.argBuf[:0]
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			args = append(args, string(v))
		case lua.LNumber:
			args = append(args, formatArg(float64(v)))
		default:
			e.argBuf = args
			return fail("ERR Lua redis lib command arguments must be strings or integers")
		}
	}
	e.argBuf = args
	lw := &e.run.writer
	lw.reset(L, e.run.resp)
	e.run.host.Call(args, lw)
	clearStrings(args)
	res := lw.result
	if raiseErrors && lw.failed {
		L.Error(res, 0)
	}
	L.Push(res)
	return 1
}

// clearStrings empties ss, the arguments of a call, so that they are not
// kept alive: element by element, which for a few costs less than the bulk
// clear that clear(ss) makes of a slice of pointers.
func clearStrings(ss []string) {
	for i := 0; i < len(ss); i++ {
		ss[i] = ""
	}
}

// errorArgs is what error_reply and status_reply return for a bad argument.
func errorArgs(L *lua.LState) int {
	t := L.NewTable()
	t.RawSetString("err", lua.LString("ERR wrong number or type of arguments"))
	L.Push(t)
	return 1
}

func luaErrorReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		return errorArgs(L)
	}
	msg := strings.TrimPrefix(string(s), "-")
	if !strings.Contains(msg, " ") {
		msg = "ERR " + msg
	}
	t := L.NewTable()
	t.RawSetString("err", lua.LString(msg))
	L.Push(t)
	return 1
}

func luaStatusReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		return errorArgs(L)
	}
	t := L.NewTable()
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

func luaSHA1Hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		raisePlain(L, "wrong number of arguments")
	}
	var s string
	switch v := L.Get(1).(type) {
	case lua.LString:
		s = string(v)
	case lua.LNumber:
		s = formatNumber(float64(v))
	}
	L.Push(lua.LString(SHA1(s)))
	return 1
}

func luaLog(L *lua.LState) int {
	if L.GetTop() < 2 {
		raisePlain(L, "redis.log() requires two arguments or more.")
	}
	level, ok := L.Get(1).(lua.LNumber)
	if !ok {
		raisePlain(L, "First argument must be a number (log level).")
	}
	if level < 0 || level > 3 {
		raisePlain(L, "Invalid debug level.")
	}
	return 0
}

func (e *Engine) luaSetresp(L *lua.LState) int {
	if L.GetTop() != 1 {
		raisePlain(L, "redis.setresp() requires one argument.")
	}
	n, ok := L.Get(1).(lua.LNumber)
	if !ok || n != 2 && n != 3 {
		raisePlain(L, "RESP version must be 2 or 3.")
	}
	if e.run != nil {
		e.run.resp = int(n)
	}
	return 0
}

func luaSetRepl(L *lua.LState) int {
	if L.GetTop() != 1 {
		raisePlain(L, "redis.set_repl() requires two arguments.")
	}
	n, ok := L.Get(1).(lua.LNumber)
	if !ok || n < 0 || n > 3 || n != lua.LNumber(int(n)) {
		raisePlain(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
	}
	return 0
}

// luaACLCheckCmd is redis.acl_check_cmd. A Store has one user with every
// permission, so a known command is always allowed.
func (e *Engine) luaACLCheckCmd(L *lua.LState) int {
	if L.GetTop() == 0 {
		raise(L, "ERR Please specify at least one argument for this redis lib call")
	}
	name, ok := L.Get(1).(lua.LString)
	if !ok || e.run == nil || !e.run.host.Known(string(name)) {
		raisePlain(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(lua.LTrue)
	return 1
}
