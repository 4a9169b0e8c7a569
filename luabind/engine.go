// Package luabind runs Redis Lua scripts on gopher-lua with Redis 7.0's
// semantics: the sandbox, the redis library (call, pcall, error_reply, ...),
// the conversions between Lua values and replies, and the script cache.
//
// It sees the data store only through Host, so it depends on nothing above
// it: the racefree package implements Host over its command table and runs
// scripts under its store lock.
package luabind

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/racefree/racefree/resp"
)

// Host is the data store as a running script sees it.
type Host interface {
	// Call runs one command for the script (args[0] is its name) and writes
	// its reply to w, or the error that refuses it at the script layer
	// (unknown command, wrong arity, not allowed from scripts, a write in a
	// read-only run).
	Call(args []string, w resp.Writer)
	// Known reports whether a command of that name exists (for
	// redis.acl_check_cmd).
	Known(name string) bool
	// Stopped words the error of a run that its context stopped (SCRIPT
	// KILL, a deadline): the text before the script suffix.
	Stopped(ctx context.Context) string
	// ReplyError is told of every error reply the engine writes into a
	// run's reply (the script's failure, an error table it returns, one
	// nested in an array, ...), just before it is written, so that the
	// host can count error replies without wrapping the writer.
	ReplyError(msg string)
}

// Flags are the script flags a shebang line declares.
type Flags uint8

// The flags of "#!lua flags=...".
const (
	FlagNoWrites Flags = 1 << iota
	FlagAllowOOM
	FlagAllowStale
	FlagNoCluster
	FlagAllowCrossSlotKeys
	// FlagShebang marks a script that has a shebang line at all: it runs
	// with flag semantics instead of the compatible mode.
	FlagShebang
)

// Script is a compiled script in the cache.
type Script struct {
	SHA   string // lower-case hex SHA1 of the body
	Flags Flags
	Body  string
	fn    *lua.LFunction
	// bounded: the body runs straight through (see boundedStmts), so a run
	// need not check its context between instructions.
	bounded bool
}

// Bounded reports whether the script runs straight through: no loop, no
// goto, no function of its own, nothing that loads code, so that it ends
// after a bounded number of instructions whatever its input. Such a script
// is not checked for the end of its context between instructions (see
// Engine.Run).
func (s *Script) Bounded() bool { return s.bounded }

// Error is an error reply produced by the engine (a compile error, a
// runtime error with its " script: ..." suffix). Its text is Redis's.
type Error struct{ Msg string }

// Error returns the reply text.
func (e *Error) Error() string { return e.Msg }

// Engine is one sandboxed Lua state with its script cache: the equivalent of
// Redis's scripting VM. It is not safe for concurrent use; its owner runs it
// under a lock.
type Engine struct {
	L       *lua.LState
	scripts map[string]*Script // by SHA1
	last    *Script            // the script Lookup found last
	bodies  map[string]*Script // by body, for EVAL

	globals *lua.LTable // the real globals, behind the read-only _G proxy
	keys    *lua.LTable // KEYS, refilled on every run
	argv    *lua.LTable // ARGV, likewise

	run     *run   // the run in progress, nil between runs
	state   run    // what run points to while a script runs
	rand    uint64 // math.random's lrand48 state; survives Flush as in Redis
	argBuf  []string
	handler *lua.LFunction
	// genvMeta is the metatable of the _G proxy; functions swap its
	// __index while a library loads.
	genvMeta *lua.LTable
	// lib is set on the engine of functions (see Functions), nil on EVAL's.
	lib *Functions
	// funcs holds the functions of the store this engine serves (FUNCTION
	// LOAD); it survives Flush, as functions survive SCRIPT FLUSH.
	funcs *Functions
	// chunkSources maps the names of chunks that loadstring made to their
	// source, which Redis prints in the error suffix.
	chunkSources map[string]string
	// hoisted names the globals and fields that script constants replaced
	// (see hoist.go), for error messages.
	boxes    numberBoxes // numbers pushed without an allocation each (box.go)
	hoisted  map[hoistKey]hoisted
	origCode map[*lua.FunctionProto][]uint32 // the code of patched prototypes as compiled
	// liveConsts are the constants that hold KEYS or ARGV, by name.
	liveConsts map[string][]hoistKey
}

// run is the state of one script run.
type run struct {
	host   Host
	script *Script
	resp   int // the protocol redis.call replies use: 2 until redis.setresp(3)
	writer luaWriter

	errLine   int    // where the error being handled was raised
	errSource string // "" when unknown
}

// New returns an engine with an empty cache.
func New() *Engine {
	e := &Engine{rand: randInit}
	e.reset()
	return e
}

// Flush empties the cache and starts a new Lua state, as SCRIPT FLUSH does:
// library configuration (cjson's, ...) is lost; math.random's state is not.
func (e *Engine) Flush() {
	if e.L != nil {
		e.L.Close()
	}
	e.reset()
}

// Lookup finds a cached script by SHA1, in any case.
func (e *Engine) Lookup(sha string) *Script {
	if len(sha) != 40 {
		return nil
	}
	if s := e.last; s != nil && s.SHA == sha {
		return s // the same script again: no hashing of the SHA1
	}
	if s := e.scripts[sha]; s != nil {
		e.last = s
		return s
	}
	return e.scripts[strings.ToLower(sha)]
}

// SHA1 returns the lower-case hex SHA1 of body, the name of a script.
func SHA1(body string) string {
	sum := sha1.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// Load compiles body and caches it, unless it is cached already, and
// returns it. A body that does not compile is not cached; the error is
// Redis's text.
func (e *Engine) Load(body string) (*Script, error) {
	if s := e.bodies[body]; s != nil {
		return s, nil // EVAL of a cached body: no SHA1 to compute
	}
	sha := SHA1(body)
	if s := e.scripts[sha]; s != nil {
		return s, nil
	}
	flags, code, err := parseShebang(body)
	if err != nil {
		return nil, err
	}
	proto, bounded, err := compile(code, "user_script", true)
	if err != nil {
		return nil, &Error{"ERR Error compiling script (new function): " + err.Error()}
	}
	fn := e.L.NewFunctionFromProto(proto)
	fn.Env = e.L.G.Global
	if e.lib == nil && !e.hoist(proto) { // see hoist.go
		fn.Env = e.globals
	}
	s := &Script{SHA: sha, Flags: flags, Body: body, fn: fn, bounded: bounded}
	e.scripts[sha] = s
	e.bodies[body] = s
	return s, nil
}

// compile parses and compiles Lua source under the given chunk name, with
// concatenation rewritten for Lua 5.1 number formatting. A script body
// (body true) is compiled as the body of a function without parameters,
// vararg only when it uses "..." (Redis loads it as a chunk, which is), so
// that no vararg "arg" table is made on every call. Lua 5.1's syntax
// checker (syntax51.go) reads the code first: its verdict and its error
// texts are Lua 5.1's. bounded reports whether a body runs a bounded
// number of instructions (see boundedStmts).
func compile(code, name string, body bool) (proto *lua.FunctionProto, bounded bool, err error) {
	check := syntax51(code, name, 0)
	if check.msg != "" {
		return nil, false, &Error{check.msg}
	}
	if check.code != "" {
		code = check.code
	}
	chunk, err := parse.Parse(strings.NewReader(code), name)
	if err != nil {
		return nil, false, &Error{syntaxMessage(err, code, name)}
	}
	bounded = body && boundedStmts(chunk)
	rewriteConcat(chunk)
	if body {
		fn := &ast.FunctionExpr{ParList: &ast.ParList{HasVargs: check.dots}, Stmts: chunk}
		fn.SetLine(1)
		fn.SetLastLine(1 + strings.Count(code, "\n"))
		ret := &ast.ReturnStmt{Exprs: []ast.Expr{fn}}
		ret.SetLine(1)
		ret.SetLastLine(fn.LastLine())
		chunk = []ast.Stmt{ret}
	}
	proto, err = lua.Compile(chunk, name)
	if err != nil {
		return nil, false, &Error{compileMessage(err)}
	}
	if body {
		proto = proto.FunctionPrototypes[0]
		bounded = bounded && len(proto.Code) < maxBoundedInstructions
	}
	return proto, bounded, nil
}

// compileMessage words a compile error ("user_script line:1: cannot use
// '...' outside a vararg function") as Lua 5.1 does.
func compileMessage(err error) string {
	msg := strings.TrimSpace(err.Error())
	if name, rest, ok := strings.Cut(msg, " line:"); ok {
		line, what, _ := strings.Cut(rest, ": ")
		msg = name + ":" + line + ": " + what
		if strings.HasPrefix(what, "cannot use '...'") {
			msg += " near '...'"
		}
	}
	return msg
}

// syntaxMessage words a parse error as Lua 5.1 does ("user_script:1:
// unexpected symbol near '<eof>'"), as far as gopher-lua's parser tells
// what went wrong.
func syntaxMessage(err error, code, name string) string {
	pe, ok := err.(*parse.Error)
	if !ok {
		return name + ": " + strings.TrimSpace(err.Error())
	}
	line, near := pe.Pos.Line, "'"+pe.Token+"'"
	if line == parse.EOF {
		line, near = 1+strings.Count(code, "\n"), "'<eof>'"
	}
	what := strings.TrimSpace(pe.Message)
	if what == "syntax error" || strings.HasPrefix(what, "syntax error") {
		what = "unexpected symbol"
	}
	return name + ":" + strconv.Itoa(line) + ": " + what + " near " + near
}

// parseShebang reads the "#!lua flags=..." line of a body and returns the
// flags and the code with the line blanked (its newline kept, so line
// numbers stay right).
func parseShebang(body string) (Flags, string, error) {
	if !strings.HasPrefix(body, "#!") {
		return 0, body, nil
	}
	nl := strings.IndexByte(body, '\n')
	if nl < 0 {
		return 0, "", &Error{"ERR Invalid script shebang"}
	}
	parts, ok := splitArgs(body[:nl])
	if !ok || len(parts) == 0 {
		return 0, "", &Error{"ERR Invalid engine in script shebang"}
	}
	if parts[0] != "#!lua" {
		return 0, "", &Error{"ERR Unexpected engine in script shebang: " + parts[0]}
	}
	flags := FlagShebang
	for _, p := range parts[1:] {
		list, ok := strings.CutPrefix(p, "flags=")
		if !ok {
			return 0, "", &Error{"ERR Unknown lua shebang option: " + p}
		}
		if list == "" {
			continue
		}
		for _, f := range strings.Split(list, ",") {
			switch f {
			case "no-writes":
				flags |= FlagNoWrites
			case "allow-oom":
				flags |= FlagAllowOOM
			case "allow-stale":
				flags |= FlagAllowStale
			case "no-cluster":
				flags |= FlagNoCluster
			case "allow-cross-slot-keys":
				flags |= FlagAllowCrossSlotKeys
			default:
				return 0, "", &Error{"ERR Unexpected flag in script shebang: " + f}
			}
		}
	}
	return flags, body[nl:], nil
}

// splitArgs splits a line as Redis's sdssplitargs does: spaces separate,
// double quotes allow escapes, single quotes are literal; an unbalanced
// quote, or a closing quote not followed by a space, is an error.
func splitArgs(line string) ([]string, bool) {
	var out []string
	i := 0
	for {
		for i < len(line) && strings.IndexByte(" \n\r\t\v\f", line[i]) >= 0 {
			i++
		}
		if i == len(line) {
			return out, true
		}
		var b strings.Builder
		inDouble, inSingle := false, false
		for ; ; i++ {
			if i == len(line) {
				if inDouble || inSingle {
					return nil, false
				}
				break
			}
			c := line[i]
			if inDouble {
				switch {
				case c == '\\' && i+3 < len(line) && line[i+1] == 'x' && isHex(line[i+2]) && isHex(line[i+3]):
					b.WriteByte(unhex(line[i+2])<<4 | unhex(line[i+3]))
					i += 3
				case c == '\\' && i+1 < len(line):
					i++
					switch line[i] {
					case 'n':
						b.WriteByte('\n')
					case 'r':
						b.WriteByte('\r')
					case 't':
						b.WriteByte('\t')
					case 'b':
						b.WriteByte('\b')
					case 'a':
						b.WriteByte('\a')
					default:
						b.WriteByte(line[i])
					}
				case c == '"':
					if i+1 < len(line) && strings.IndexByte(" \n\r\t\v\f", line[i+1]) < 0 {
						return nil, false
					}
					inDouble = false
					i++
					goto done
				default:
					b.WriteByte(c)
				}
				continue
			}
			if inSingle {
				switch {
				case c == '\\' && i+1 < len(line) && line[i+1] == '\'':
					i++
					b.WriteByte('\'')
				case c == '\'':
					if i+1 < len(line) && strings.IndexByte(" \n\r\t\v\f", line[i+1]) < 0 {
						return nil, false
					}
					inSingle = false
					i++
					goto done
				default:
					b.WriteByte(c)
				}
				continue
			}
			switch c {
			case ' ', '\n', '\r', '\t', '\v', '\f':
				goto done
			case '"':
				inDouble = true
			case '\'':
				inSingle = true
			default:
				b.WriteByte(c)
			}
		}
	done:
		out = append(out, b.String())
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
