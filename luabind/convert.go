package luabind

import (
	"math"
	"reflect"
	"strings"
	"unsafe"

	lua "github.com/yuin/gopher-lua"

	"github.com/racefree/racefree/resp"
)

// maxReplyDepth bounds how deep a returned table may nest before the reply
// gives up, as Redis does when the Lua C stack runs out.
const maxReplyDepth = 1000

// writeReply converts a value a script returned into its reply, the way
// Redis does (luaReplyToRedisReply): strings are bulk strings, numbers
// integers truncated toward zero, booleans follow the script's protocol,
// tables with err/ok/double/map/set fields are those kinds, and any other
// table is an array up to its first nil.
func (e *Engine) writeReply(v lua.LValue, w resp.Writer, depth int) {
	switch x := v.(type) {
	case lua.LString:
		w.Bulk(string(x))
	case lua.LNumber:
		w.Int(truncInt(float64(x)))
	case lua.LBool:
		switch {
		case e.run.resp == 3:
			w.Bool(bool(x))
		case bool(x):
			w.Int(1)
		default:
			w.NullBulk()
		}
	case *lua.LTable:
		if depth >= maxReplyDepth {
			e.writeError(w, "ERR reached lua stack limit")
			return
		}
		e.writeTable(x, w, depth)
	default:
		w.NullBulk()
	}
}

func (e *Engine) writeTable(t *lua.LTable, w resp.Writer, depth int) {
	if t == e.run.writer.okTable && isOKTable(t) {
		w.Status("OK") // what redis.call('SET', ...) returned, unchanged
		return
	}
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		e.writeError(w, oneLine(string(s)))
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		w.Status(oneLine(string(s)))
		return
	}
	if n, ok := t.RawGetString("double").(lua.LNumber); ok {
		w.Double(float64(n))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		if bw, ok := w.(interface{ BigNumber(string) }); ok {
			bw.BigNumber(oneLine(string(s)))
		} else {
			w.Bulk(oneLine(string(s)))
		}
		return
	}
	if vs, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		f, okF := vs.RawGetString("format").(lua.LString)
		if s, okS := vs.RawGetString("string").(lua.LString); okF && okS {
			if vw, ok := w.(interface{ Verbatim(format, s string) }); ok {
				vw.Verbatim(string(f), string(s))
			} else {
				w.Bulk(string(s))
			}
			return
		}
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		n := 0
		m.ForEach(func(_, _ lua.LValue) { n++ })
		w.Map(n)
		m.ForEach(func(k, v lua.LValue) {
			e.writeReply(k, w, depth+1)
			e.writeReply(v, w, depth+1)
		})
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		n := 0
		s.ForEach(func(_, _ lua.LValue) { n++ })
		w.Set(n)
		s.ForEach(func(k, _ lua.LValue) { e.writeReply(k, w, depth+1) })
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	w.Array(n)
	for i := 1; i <= n; i++ {
		e.writeReply(t.RawGetInt(i), w, depth+1)
	}
}

// writeError writes the error reply msg, telling the run's host first.
func (e *Engine) writeError(w resp.Writer, msg string) {
	e.run.host.ReplyError(msg)
	w.Error(msg)
}

// truncInt is C's (long long) cast of a double on x86-64: truncation toward
// zero, and the minimum for NaN, infinities and anything out of range.
func truncInt(f float64) int64 {
	if f != f || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

// oneLine replaces CR and LF with spaces, so that a status or error reply
// stays one line.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	}
	return s
}

// luaWriter is a resp.Writer that turns a command's reply into Lua values,
// as redis.call returns them: with RESP2 (the default) a nil is false, a
// status is {ok=...}, an error {err=...}; after redis.setresp(3) nils are
// nil, and doubles, maps, sets and booleans have their RESP3 forms.
type luaWriter struct {
	L       *lua.LState
	proto   int
	result  lua.LValue
	failed  bool // the reply is an error ({err=...} at the top)
	stack   []luaFrame
	okTable *lua.LTable // a {ok="OK"} to reuse
	boxes   *numberBoxes
}

type luaFrame struct {
	t     *lua.LTable // where elements go
	kind  resp.Kind   // KindArray, KindMap or KindSet
	next  int         // next array index
	key   lua.LValue  // a map key waiting for its value
	haveK bool
	left  int
}

func (lw *luaWriter) reset(L *lua.LState, proto int) {
	if lw.L != L {
		lw.okTable = nil
	}
	lw.L, lw.proto, lw.result, lw.failed = L, proto, lua.LNil, false
	lw.stack = lw.stack[:0]
}

func (lw *luaWriter) put(v lua.LValue) {
	if len(lw.stack) == 0 {
		lw.result = v
		return
	}
	f := &lw.stack[len(lw.stack)-1]
	switch f.kind {
	case resp.KindMap:
		if !f.haveK {
			f.key, f.haveK = v, true
			return // a pair counts once, with its value
		}
		if f.key != lua.LNil {
			f.t.RawSet(f.key, v)
		}
		f.haveK = false
	case resp.KindSet:
		if v != lua.LNil {
			f.t.RawSet(v, lua.LTrue)
		}
	default:
		f.next++
		f.t.RawSetInt(f.next, v)
	}
	f.left--
	lw.pop()
}

func (lw *luaWriter) pop() {
	for len(lw.stack) > 0 && lw.stack[len(lw.stack)-1].left == 0 {
		lw.stack = lw.stack[:len(lw.stack)-1]
	}
}

func (lw *luaWriter) open(outer lua.LValue, inner *lua.LTable, kind resp.Kind, n int) {
	lw.put(outer)
	if n > 0 {
		lw.stack = append(lw.stack, luaFrame{t: inner, kind: kind, left: n})
	}
}

func (lw *luaWriter) Proto() int { return lw.proto }

// Status makes {ok=s}. Tables are dear in gopher-lua (each string key
// needs a Go map), and nearly every status is "OK", so the writer keeps one
// {ok="OK"} and hands it out again as long as nobody has changed it.
func (lw *luaWriter) Status(s string) {
	if s == "OK" {
		if t := lw.okTable; t != nil && isOKTable(t) {
			lw.put(t)
			return
		}
	}
	t := lw.L.NewTable()
	t.RawSetString("ok", lua.LString(s))
	if s == "OK" {
		lw.okTable = t
	}
	lw.put(t)
}

// isOKTable reports whether t, made as {ok="OK"}, still is exactly that,
// with no metatable. "ok" was its first key, and a table's key order only
// grows at the end, so no other key means none after "ok"; the array part
// is apart.
func isOKTable(t *lua.LTable) bool {
	if !noMetatable(t) {
		return false
	}
	if ok, isStr := t.RawGetString("ok").(lua.LString); !isStr || ok != "OK" || t.MaxN() != 0 {
		return false
	}
	if n, ok := tableKeyCount(t); ok {
		return n == 1
	}
	k, _ := t.Next(lua.LString("ok"))
	return k == lua.LNil
}

// tableKeysOffset is where gopher-lua keeps a table's list of hash keys
// (every key ever set outside the array part, in order; it never shrinks),
// or -1 if its layout is not the expected one.
var tableKeysOffset = func() uintptr {
	f, ok := reflect.TypeOf(lua.LTable{}).FieldByName("keys")
	if !ok || f.Type != reflect.TypeOf([]lua.LValue(nil)) {
		return ^uintptr(0)
	}
	return f.Offset
}()

// noMetatable reports whether t has no metatable, without the call that
// comparing two interfaces takes: a table's metatable is LNil, the only
// *LNilType, or a table.
func noMetatable(t *lua.LTable) bool {
	_, none := t.Metatable.(*lua.LNilType)
	return none
}

// tableArrayOffset is where gopher-lua keeps a table's array part, or -1 if
// its layout is not the expected one.
var tableArrayOffset = func() uintptr {
	f, ok := reflect.TypeOf(lua.LTable{}).FieldByName("array")
	if !ok || f.Type != reflect.TypeOf([]lua.LValue(nil)) {
		return ^uintptr(0)
	}
	return f.Offset
}()

// tableArray is t's array part (see tableArrayOffset), read without a call
// per element: RawGetInt and RawSetInt on an index inside it read and write
// its elements. ok is false when it cannot be read.
func tableArray(t *lua.LTable) (a []lua.LValue, ok bool) {
	if tableArrayOffset == ^uintptr(0) {
		return nil, false
	}
	return *(*[]lua.LValue)(unsafe.Add(unsafe.Pointer(t), tableArrayOffset)), true
}

// tableKeyCount is the length of t's list of hash keys, read without the
// two hash lookups Next takes (see tableKeysOffset); ok is false when it
// cannot be read.
func tableKeyCount(t *lua.LTable) (n int, ok bool) {
	if tableKeysOffset == ^uintptr(0) {
		return 0, false
	}
	return len(*(*[]lua.LValue)(unsafe.Add(unsafe.Pointer(t), tableKeysOffset))), true
}

func (lw *luaWriter) Error(msg string) {
	if len(lw.stack) == 0 {
		lw.failed = true
	}
	t := lw.L.NewTable()
	t.RawSetString("err", lua.LString(msg))
	lw.put(t)
}

func (lw *luaWriter) Int(n int64)   { lw.put(lw.number(float64(n))) }
func (lw *luaWriter) Bulk(s string) { lw.put(lua.LString(s)) }

func (lw *luaWriter) number(f float64) lua.LValue {
	if lw.boxes == nil {
		return lua.LNumber(f)
	}
	return lw.boxes.box(f)
}

func (lw *luaWriter) NullBulk() { lw.null() }

func (lw *luaWriter) NullArray() { lw.null() }

func (lw *luaWriter) null() {
	if lw.proto == 3 {
		lw.put(lua.LNil)
		return
	}
	lw.put(lua.LFalse)
}

func (lw *luaWriter) Array(n int) {
	t := lw.L.CreateTable(max(n, 0), 0)
	lw.open(t, t, resp.KindArray, n)
}

func (lw *luaWriter) Map(n int) {
	if lw.proto != 3 {
		lw.Array(2 * n)
		return
	}
	inner, outer := lw.L.CreateTable(0, max(n, 0)), lw.L.NewTable()
	outer.RawSetString("map", inner)
	lw.open(outer, inner, resp.KindMap, n)
}

func (lw *luaWriter) Set(n int) {
	if lw.proto != 3 {
		lw.Array(n)
		return
	}
	inner, outer := lw.L.CreateTable(0, max(n, 0)), lw.L.NewTable()
	outer.RawSetString("set", inner)
	lw.open(outer, inner, resp.KindSet, n)
}

func (lw *luaWriter) Double(f float64) {
	if lw.proto != 3 {
		lw.Bulk(resp.FormatDouble(f))
		return
	}
	t := lw.L.NewTable()
	t.RawSetString("double", lua.LNumber(f))
	lw.put(t)
}

func (lw *luaWriter) Bool(b bool) {
	if lw.proto != 3 {
		if b {
			lw.Int(1)
		} else {
			lw.Int(0)
		}
		return
	}
	lw.put(lua.LBool(b))
}
