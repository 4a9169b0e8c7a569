package racefree

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/racefree/racefree/luabind"
	"github.com/racefree/racefree/resp"
)

// Lua scripting. A Store has one long-lived Lua state (made on first use)
// with its script cache; a script runs under the store lock from its first
// instruction to its reply, so it is atomic, with the clock frozen for
// expiry. redis.call goes straight into the command table.

// engine returns the store's Lua engine, making it on first use. The caller
// holds s.mu.
func (s *Store) engine() *luabind.Engine {
	if s.lua == nil {
		s.lua = luabind.New()
	}
	return s.lua
}

// Eval runs a Lua script, as EVAL does, and returns its reply as Do would.
// The script runs atomically: no other caller sees the store until it ends.
// Arguments may be of any type Do accepts. ctx bounds the run: when it ends,
// the script stops (see WithScriptTimeout and ScriptKill); writes it made
// before stay, as with any script that fails half-way.
func (c *cmdable) Eval(ctx context.Context, script string, keys []string, args ...any) (any, error) {
	return c.do(ctx, []string{"EVAL", script, strconv.Itoa(len(keys))}, keys, args)
}

// EvalSHA runs a script from the cache by its SHA1, as EVALSHA does; a
// script not in the cache fails with ErrNoScript.
func (c *cmdable) EvalSHA(ctx context.Context, sha string, keys []string, args ...any) (any, error) {
	return c.do(ctx, []string{"EVALSHA", sha, strconv.Itoa(len(keys))}, keys, args)
}

// EvalRO is Eval for scripts that only read, as EVAL_RO does: a command
// that writes fails inside the script.
func (c *cmdable) EvalRO(ctx context.Context, script string, keys []string, args ...any) (any, error) {
	return c.do(ctx, []string{"EVAL_RO", script, strconv.Itoa(len(keys))}, keys, args)
}

// EvalSHARO is EvalSHA for scripts that only read, as EVALSHA_RO does.
func (c *cmdable) EvalSHARO(ctx context.Context, sha string, keys []string, args ...any) (any, error) {
	return c.do(ctx, []string{"EVALSHA_RO", sha, strconv.Itoa(len(keys))}, keys, args)
}

// ScriptLoad compiles a script into the cache without running it and
// returns its SHA1, as SCRIPT LOAD does.
func (c *cmdable) ScriptLoad(script string) (string, error) {
	if _, err := c.begin(false); err != nil {
		return "", err
	}
	defer c.end()
	sc, err := c.s.engine().Load(script)
	if err != nil {
		return "", errorFromReply(err.Error())
	}
	return sc.SHA, nil
}

// ScriptExists reports which of the SHA1s name cached scripts, as SCRIPT
// EXISTS does.
func (c *cmdable) ScriptExists(shas ...string) ([]bool, error) {
	if _, err := c.begin(false); err != nil {
		return nil, err
	}
	defer c.end()
	out := make([]bool, len(shas))
	for i, sha := range shas {
		out[i] = c.s.engine().Lookup(sha) != nil
	}
	return out, nil
}

// ScriptFlush empties the script cache and resets the Lua state, as SCRIPT
// FLUSH does.
func (c *cmdable) ScriptFlush() error {
	if _, err := c.begin(false); err != nil {
		return err
	}
	defer c.end()
	c.s.engine().Flush()
	return nil
}

// ScriptKill stops the script that is running, as SCRIPT KILL does: the
// script fails with "ERR Script killed by user with SCRIPT KILL..." and its
// caller gets that error. It fails with ErrNotBusy when no script runs and
// with ErrUnkillable once the script has written (its writes would be half
// done). ScriptKill does not wait for the store lock, which the script holds.
func (c *cmdable) ScriptKill() error {
	k := &c.s.kill
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case !k.running:
		return ErrNotBusy
	case k.wrote:
		return ErrUnkillable
	case k.fcall:
		return ErrBusyFunction
	}
	if !k.killed {
		close(k.ch)
		k.killed = true
	}
	return nil
}

func cmdEval(c *call)      { evalCommand(c, false, false) }
func cmdEvalSHA(c *call)   { evalCommand(c, true, false) }
func cmdEvalRO(c *call)    { evalCommand(c, false, true) }
func cmdEvalSHARO(c *call) { evalCommand(c, true, true) }

// evalCommand is EVAL and its variants: the argument checks in Redis's
// order, the cache, the flag checks, then the run.
func evalCommand(c *call, bySHA, readOnly bool) {
	if bySHA && len(c.args[1]) != 40 {
		c.fail(ErrNoScript)
		return
	}
	numkeys, ok := parseInt(c.args[2])
	switch {
	case !ok:
		c.fail(ErrNotInteger)
		return
	case numkeys > int64(len(c.args)-3):
		c.fail(ErrNumKeysTooMany)
		return
	case numkeys < 0:
		c.fail(ErrNumKeysNegative)
		return
	}
	e := c.s.engine()
	var sc *luabind.Script
	if bySHA {
		if sc = e.Lookup(c.args[1]); sc == nil {
			c.fail(ErrNoScript)
			return
		}
	} else {
		var err error
		if sc, err = e.Load(c.args[1]); err != nil {
			c.fail(errorFromReply(err.Error()))
			return
		}
	}
	if readOnly && sc.Flags&luabind.FlagShebang != 0 && sc.Flags&luabind.FlagNoWrites == 0 {
		c.fail(ErrScriptWriteFlag)
		return
	}
	h := &c.s.host
	h.s, h.db, h.tx, h.readOnly, h.wrote = c.s, c.db, c.tx, readOnly || sc.Flags&luabind.FlagNoWrites != 0, false
	h.bounded = sc.Bounded()
	if c.s.freeze() {
		defer c.s.thaw()
	}
	keys := c.args[3 : 3+numkeys]
	if h.bounded {
		// A script that runs straight through (see luabind.Script.Bounded)
		// ends before anyone could see it busy, as in Redis, where SCRIPT
		// KILL and BUSY come from a hook that such a script does not run
		// long enough to reach: it runs as a plain command, which spares
		// the kill bookkeeping (two locks and a clock reading) per run.
		ctx := c.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		e.Run(ctx, sc, keys, c.args[3+numkeys:], h, c.w)
		h.s = nil
		return
	}
	ctx, done := c.s.scriptContext(c.ctx)
	e.Run(ctx, sc, keys, c.args[3+numkeys:], h, c.w)
	done()
	h.s = nil
}

// scriptKill is what SCRIPT KILL needs to reach a running script without
// the store lock, which the script holds.
type scriptKill struct {
	mu      sync.Mutex
	running bool
	wrote   bool          // the running script has called a write command
	fcall   bool          // the running script is a function (FCALL)
	ch      chan struct{} // closed by a kill; a new one for the next run
	killed  bool
	// started is when the running script began; busyAfter is how long it
	// may run before other connections get BUSY (busy-reply-threshold,
	// config.go).
	started   time.Time
	busyAfter time.Duration
	// end marks the run over; made once, so that a run allocates nothing
	// for it.
	end func()
}

// killContext is the context of a script run that only SCRIPT KILL can end;
// one per Store, reused, so that a run allocates nothing for it.
type killContext struct{ k *scriptKill }

func (killContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (killContext) Value(any) any               { return nil }
func (c killContext) Done() <-chan struct{}     { return c.k.ch }
func (c killContext) Err() error {
	select {
	case <-c.k.ch:
		return context.Canceled
	default:
		return nil
	}
}

// errKilled is the cause of a run stopped by ScriptKill.
var errKilled = errors.New("killed")

// scriptContext returns the context a script runs under: ScriptKill can end
// it, and so can the caller's ctx and the store's script time limit. done
// must be called when the run ends. The caller holds s.mu.
func (s *Store) scriptContext(ctx context.Context) (context.Context, func()) {
	k := &s.kill
	k.mu.Lock()
	if k.ch == nil || k.killed {
		k.ch, k.killed = make(chan struct{}), false
	}
	k.running, k.wrote, k.fcall = true, false, false
	k.started = s.clock.Now()
	if k.end == nil {
		k.end = func() {
			k.mu.Lock()
			k.running = false
			k.mu.Unlock()
		}
	}
	k.mu.Unlock()
	end := k.end
	if ctx == nil {
		ctx = context.Background()
	}
	kc := killContext{k}
	if ctx.Done() == nil && s.scriptTimeout == 0 {
		return kc, end
	}
	cancelTimeout := func() {}
	if _, ok := ctx.Deadline(); !ok && s.scriptTimeout > 0 {
		ctx, cancelTimeout = context.WithTimeout(ctx, s.scriptTimeout)
	}
	merged, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(kc, func() { cancel(errKilled) })
	return merged, func() { stop(); cancel(nil); cancelTimeout(); end() }
}

// Stopped implements luabind.Host: the error of a run that its context
// ended.
func (h *scriptHost) Stopped(ctx context.Context) string {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errKilled) || ctx == context.Context(killContext{&h.s.kill}):
		return "ERR Script killed by user with SCRIPT KILL..."
	case errors.Is(cause, context.DeadlineExceeded):
		return "ERR Script timed out: its context's deadline passed"
	}
	return "ERR Script stopped: " + cause.Error()
}

// scriptHost is the store as a running script sees it: the database the
// script has selected (SELECT inside a script lasts until it ends) and
// whether it may write.
type scriptHost struct {
	s        *Store
	db       *db
	tx       *txState
	readOnly bool
	wrote    bool // the run has called a write command (ScriptKill refuses then)
	bounded  bool // the run is a bounded script, unseen by ScriptKill
	names    nameCache
}

// nameCache remembers the commands recently looked up by name, by the
// address of the name's bytes. The names a script passes to redis.call are
// nearly always constants of its compiled code, the same string at the same
// address on every run, and so are the names Go code passes to Do; the
// address then finds the command without hashing the name. A name at an
// address seen before is the same name: the cache holds the address, so
// the string stays alive.
type nameCache [16]struct {
	p   *byte
	n   int
	cmd *command
}

// lookup finds the command named name, as commands.lookup does.
func (nc *nameCache) lookup(name string) *command {
	p := unsafe.StringData(name)
	e := &nc[uintptr(unsafe.Pointer(p))>>4%uintptr(len(nc))]
	if e.p == p && e.n == len(name) && p != nil {
		return e.cmd
	}
	cmd := commands.lookup(name)
	e.p, e.n, e.cmd = p, len(name), cmd
	return cmd
}

// ReplyError implements luabind.Host: INFO counts the error replies in a
// script's reply (stats.go).
func (h *scriptHost) ReplyError(msg string) { h.s.scriptReplyError(msg) }

// Known implements luabind.Host.
func (h *scriptHost) Known(name string) bool { return commands.lookup(name) != nil }

// Call implements luabind.Host: the script layer's checks, then the command.
func (h *scriptHost) Call(args []string, w resp.Writer) {
	cmd := h.names.lookup(args[0])
	if cmd == nil {
		h.s.scriptRejected(nil, scriptErrUnknown) // INFO stats (stats.go)
		w.Error(scriptErrUnknown)
		return
	}
	if cmd.subs != nil {
		if len(args) < 2 {
			h.s.scriptRejected(cmd, scriptErrArity)
			w.Error(scriptErrArity)
			return
		}
		if cmd = cmd.subByName.lookup(args[1]); cmd == nil {
			h.s.scriptRejected(nil, scriptErrUnknown)
			w.Error(scriptErrUnknown)
			return
		}
	}
	switch n := len(args); {
	case cmd.arity > 0 && n != cmd.arity || n < -cmd.arity:
		h.s.scriptRejected(cmd, scriptErrArity)
		w.Error(scriptErrArity)
		return
	case cmd.flags&flagNoscript != 0:
		h.s.scriptRejected(cmd, scriptErrNoScript)
		w.Error(scriptErrNoScript)
		return
	case h.readOnly && cmd.flags&(flagWrite|flagMayReplicate) != 0:
		h.s.scriptRejected(cmd, scriptErrReadOnly)
		w.Error(scriptErrReadOnly)
		return
	}
	if cmd.flags&flagWrite != 0 && !h.wrote && !h.bounded {
		h.wrote = true
		h.s.kill.mu.Lock()
		h.s.kill.wrote = true
		h.s.kill.mu.Unlock()
	}
	k := h.s.getCall()
	k.db, k.args, k.w, k.tx, k.inScript = h.db, args, w, h.tx, true
	h.s.runCommand(k, cmd) // cmd.run(k), counted for INFO (stats.go)
	if h.s.ps.hooks != 0 {
		h.s.afterScriptCall(k, cmd)
	}
	h.db = k.db
	h.s.putCall(k)
}

func cmdScriptLoad(c *call) {
	sc, err := c.s.engine().Load(c.args[2])
	if err != nil {
		c.fail(errorFromReply(err.Error()))
		return
	}
	c.w.Bulk(sc.SHA)
}

func cmdScriptExists(c *call) {
	c.w.Array(len(c.args) - 2)
	for _, sha := range c.args[2:] {
		c.bool(c.s.engine().Lookup(sha) != nil)
	}
}

func cmdScriptFlush(c *call) {
	if len(c.args) > 3 || len(c.args) == 3 && !strings.EqualFold(c.args[2], "sync") && !strings.EqualFold(c.args[2], "async") {
		c.fail(ErrScriptFlushOption)
		return
	}
	c.s.engine().Flush()
	c.ok()
}

func cmdScriptKill(c *call) { c.fail(ErrNotBusy) }

// cmdScriptDebug accepts NO; racefree has no Lua debugger, so YES and SYNC
// are refused.
func cmdScriptDebug(c *call) {
	switch strings.ToLower(c.args[2]) {
	case "no":
		c.ok()
	case "yes", "sync":
		c.fail(errorf(ErrSyntax, "ERR racefree has no Lua debugger: SCRIPT DEBUG %s is not supported", strings.ToUpper(c.args[2])))
	default:
		c.fail(errorf(ErrSyntax, "ERR Use SCRIPT DEBUG YES/SYNC/NO"))
	}
}

var scriptHelp = []string{
	"DEBUG (YES|SYNC|NO)",
	"    Set the debug mode for subsequent scripts executed.",
	"EXISTS <sha1> [<sha1> ...]",
	"    Return information about the existence of the scripts in the script cache.",
	"FLUSH [ASYNC|SYNC]",
	"    Flush the Lua scripts cache. Very dangerous on replicas.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the scripts cache.",
	"    * SYNC: Synchronously flush the scripts cache.",
	"KILL",
	"    Kill the currently executing Lua script.",
	"LOAD <script>",
	"    Load a script into the scripts cache without executing it.",
	"HELP",
	"    Prints this help.",
}

func cmdScriptHelp(c *call) {
	c.w.Array(len(scriptHelp) + 1)
	c.w.Status(strings.ToUpper(c.args[0]) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range scriptHelp {
		c.w.Status(l)
	}
}

// Script is a Lua script that remembers its SHA1, in the spirit of
// go-redis's Script: Run tries EVALSHA and falls back to EVAL when the cache
// does not have it (after SCRIPT FLUSH, or on first use). A Script is safe
// for concurrent use.
type Script struct {
	src, sha string
}

// NewScript returns a Script for the Lua source src.
func NewScript(src string) *Script {
	return &Script{src: src, sha: luabind.SHA1(src)}
}

// Hash returns the script's SHA1, the name EVALSHA takes.
func (s *Script) Hash() string { return s.sha }

// Source returns the script's Lua source.
func (s *Script) Source() string { return s.src }

// Scripter is what runs a Script: a Store, a DB handle or a Tx.
type Scripter interface {
	EvalSHA(ctx context.Context, sha string, keys []string, args ...any) (any, error)
	Eval(ctx context.Context, script string, keys []string, args ...any) (any, error)
}

// Run runs the script on c by its SHA1, loading it with EVAL if the cache
// lacks it.
func (s *Script) Run(ctx context.Context, c Scripter, keys []string, args ...any) (any, error) {
	v, err := c.EvalSHA(ctx, s.sha, keys, args...)
	if errors.Is(err, ErrNoScript) {
		return c.Eval(ctx, s.src, keys, args...)
	}
	return v, err
}

// RunRO is Run with EVALSHA_RO and EVAL_RO.
func (s *Script) RunRO(ctx context.Context, c interface {
	EvalSHARO(ctx context.Context, sha string, keys []string, args ...any) (any, error)
	EvalRO(ctx context.Context, script string, keys []string, args ...any) (any, error)
}, keys []string, args ...any) (any, error) {
	v, err := c.EvalSHARO(ctx, s.sha, keys, args...)
	if errors.Is(err, ErrNoScript) {
		return c.EvalRO(ctx, s.src, keys, args...)
	}
	return v, err
}
