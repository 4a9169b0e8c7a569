package luabind

import (
	"context"
	"regexp"
	"strconv"
	"unsafe"

	lua "github.com/yuin/gopher-lua"

	"github.com/racefree/racefree/resp"
)

// Run runs a cached script with the given KEYS and ARGV, calling host for
// every redis.call, and writes the script's reply (or its error, with
// Redis's " script: <sha>, on @user_script:<line>." suffix) to w. When ctx
// ends, the script stops at its next instruction, with the error that
// host.Stopped words; a bounded script (one that runs straight through:
// no loop, no function of its own, no loaded code) is not checked between
// instructions, only before it starts, as it ends in a few instructions
// anyway. The caller holds whatever lock makes the run atomic.
func (e *Engine) Run(ctx context.Context, s *Script, keys, args []string, host Host, w resp.Writer) {
	e.exec(ctx, s, keys, args, host, w, false)
}

// exec runs s: as a script body with KEYS and ARGV set (fcall false), or as
// a function callback given (keys, args) tables (fcall true).
func (e *Engine) exec(ctx context.Context, s *Script, keys, args []string, host Host, w resp.Writer, fcall bool) {
	if ctx.Done() != nil {
		if !s.bounded {
			e.L.SetContext(ctx)
			defer e.L.RemoveContext()
		} else if ctx.Err() != nil {
			// Where the check before the first instruction would stop it.
			line := 1
			if pos := s.fn.Proto.DbgSourcePositions; len(pos) > 0 {
				line = pos[0]
			}
			msg := oneLine(host.Stopped(ctx) + " script: " + s.SHA + ", on @user_script:" + strconv.Itoa(line) + ".")
			host.ReplyError(msg)
			w.Error(msg)
			return
		}
	}
	r := &e.state
	r.host, r.script, r.resp, r.errLine, r.errSource = host, s, 2, 0, ""
	r.writer.boxes = &e.boxes
	// e.run is reset on every way out below. A Go panic on the way (a
	// racefree bug: PCall turns those inside the run into errors) leaves it
	// set, which nothing reads before the next run sets it again.
	e.run = r
	L := e.L
	nargs := 0
	if fcall {
		L.Push(s.fn)
		L.Push(stringTable(L, keys))
		L.Push(stringTable(L, args))
		nargs = 2
	} else {
		e.keys = e.refill(e.keys, "KEYS", keys)
		e.argv = e.refill(e.argv, "ARGV", args)
		L.Push(s.fn)
	}
	if err := L.PCall(nargs, 1, e.handler); err != nil {
		if ctx.Err() != nil {
			err = &lua.ApiError{Object: tableWithErr(L, host.Stopped(ctx))}
		}
		e.writeError(w, oneLine(e.errorText(err)))
		e.run = nil
		return
	}
	v := L.Get(-1)
	L.Pop(1)
	e.writeReply(v, w, 0)
	e.run = nil
}

func tableWithErr(L *lua.LState, msg string) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("err", lua.LString(msg))
	return t
}

// refill makes the global name (KEYS or ARGV) the array of ss. It reuses
// the table of the previous run unless that run gave it keys beyond its
// array (ARGV.x = 1), which a fresh table, as Redis makes, would not have.
func (e *Engine) refill(t *lua.LTable, name string, ss []string) *lua.LTable {
	if fillArray(t, ss) {
		if n, ok := tableKeyCount(t); ok && n == 0 && noMetatable(t) {
			return t // nothing beyond ss, and no key ever set outside the array part
		}
	} else if fill(t, ss); t.Metatable == lua.LNil && t.MaxN() == len(ss) {
		if n, ok := tableKeyCount(t); ok && n == 0 {
			return t
		}
	}
	var last lua.LValue = lua.LNil
	if len(ss) > 0 {
		last = lua.LNumber(len(ss))
	}
	if k, _ := t.Next(last); k != lua.LNil || t.Metatable != lua.LNil {
		t = e.L.CreateTable(len(ss), 0)
		fill(t, ss)
		e.globals.RawSetString(name, t)
		for _, k := range e.liveConsts[name] { // the scripts that read it as a constant
			k.p.Constants[k.k] = t
		}
	}
	return t
}

// fill makes t the array of ss, clearing what a previous run left.
func fill(t *lua.LTable, ss []string) {
	for i, s := range ss {
		if old, ok := t.RawGetInt(i + 1).(lua.LString); ok && string(old) == s {
			continue // the same as last run: boxing it again would allocate
		}
		t.RawSetInt(i+1, lua.LString(s))
	}
	for i := len(ss) + 1; t.RawGetInt(i) != lua.LNil; i++ {
		t.RawSetInt(i, lua.LNil)
	}
}

// fillArray is fill on t's array part directly (see tableArray), for the
// common case of a table refilled from run to run: an array part that
// holds at least ss already. It reports true when it filled t and the array
// holds nothing after ss (t.MaxN() == len(ss)); on false, fill and MaxN
// must decide (fill does again what fillArray did, and no more).
func fillArray(t *lua.LTable, ss []string) (done bool) {
	a, ok := tableArray(t)
	if !ok || len(a) < len(ss) {
		return false
	}
	for i, s := range ss {
		if old, ok := a[i].(lua.LString); ok && sameString(string(old), s) {
			continue // the same as last run: boxing it again would allocate
		}
		a[i] = lua.LString(s)
	}
	rest := a[len(ss):]
	for i, v := range rest {
		if _, isNil := v.(*lua.LNilType); isNil {
			break
		}
		rest[i] = lua.LNil
	}
	for _, v := range rest {
		if _, isNil := v.(*lua.LNilType); !isNil {
			return false // a hole, then more: fill's loop stops at the hole too
		}
	}
	return true
}

// sameString is a == b, without a call when both are the same bytes (the
// caller passing the same strings run after run).
func sameString(a, b string) bool {
	return len(a) == len(b) && (unsafe.StringData(a) == unsafe.StringData(b) || a == b)
}

// errorHandler runs where an error was raised, before the stack unwinds: it
// notes the source and line of the innermost Lua function, which Redis
// appends to the error reply.
func (e *Engine) errorHandler(L *lua.LState) int {
	if r := e.run; r != nil {
		for level := 0; ; level++ {
			dbg, ok := L.GetStack(level)
			if !ok {
				break
			}
			if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
				break
			}
			if dbg.What != "G" && dbg.CurrentLine > 0 {
				r.errSource, r.errLine = dbg.Source, dbg.CurrentLine
				break
			}
		}
	}
	L.Push(e.lua51Error(L, L.Get(1)))
	return 1
}

// errorText is the reply for a script that failed.
func (e *Engine) errorText(err error) string {
	msg := errorMessage(err)
	if r := e.run; r != nil && r.errSource == "" {
		r.errSource, r.errLine = l51OverflowWhere(msg) // stack51.go
	}
	if r := e.run; r != nil && r.errSource != "" && r.errLine > 0 {
		source := r.errSource
		if source == "user_script" || source == "user_function" {
			source = "@" + source
		} else if raw, ok := e.chunkSources[source]; ok {
			source = raw
		}
		msg += " script: " + r.script.SHA + ", on " + source + ":" + strconv.Itoa(r.errLine) + "."
	}
	return msg
}

// errorMessage is the text of a script's error without the script suffix.
func errorMessage(err error) string {
	var msg string
	switch v := errorObject(err).(type) {
	case *lua.LTable:
		switch x := v.RawGetString("err").(type) {
		case lua.LString:
			msg = string(x)
		case lua.LNumber:
			msg = formatNumber(float64(x))
		default:
			// Redis 7.0 crashes here; answer instead.
			msg = "ERR unknown error"
		}
	case lua.LString:
		msg = "ERR " + translateError(string(v))
	case lua.LNumber:
		msg = "ERR " + formatNumber(float64(v))
	case *lua.LNilType:
		msg = "ERR nil"
	case lua.LBool:
		msg = "ERR " + v.String()
	default:
		msg = "ERR " + v.String()
	}
	return msg
}

// badArgument matches gopher-lua's argument errors, which lack the quotes
// Lua 5.1 puts around the function's name.
var badArgument = regexp.MustCompile(`bad argument #(\d+) to ([\w.:]+) \(`)

// translateError rewrites gopher-lua's wording of common runtime errors into
// Lua 5.1's.
func translateError(msg string) string {
	return badArgument.ReplaceAllString(msg, "bad argument #$1 to '$2' (")
}
