package racefree

import (
	"slices"
	"strconv"
	"strings"
)

// INFO's counters: keyspace hits and misses, expired keys, error replies
// (total_error_replies and the Errorstats section) and the per-command
// Commandstats section. They count what Redis 7.0 counts, as plain integer
// increments under the store lock:
//
//   - Every command that goes through exec (the wire, Do, EXEC's queue) or
//     that a script calls is counted in Commandstats: calls when its handler
//     ran, rejected_calls when it was refused before running (wrong arity,
//     NOAUTH, a subscribed connection, a write in a read-only script, ...),
//     failed_calls when an error reply was counted while it ran and after
//     the last command nested in it ended, as Redis's call() decides. The
//     typed API does not go through the command table and is not counted
//     there.
//   - Every error reply a client receives counts once in
//     total_error_replies and under its code (the text up to the first space
//     in the first 31 bytes, else ERR) in Errorstats; errors nested in an
//     array (a script's reply) count too. An error a script passes on from
//     redis.call or redis.pcall was counted when the command failed: it
//     counts as a failed call of the script instead, as in Redis.
//   - Key lookups count as keyspace hits or misses when the running command
//     reads: the commands Redis runs with lookupKeyRead (see
//     lookupStatCommands), and, in the typed API, the methods that only
//     read.
//   - Keys deleted because their deadline passed, when a command finds them
//     or the background sweep does, count as expired_keys.
//
// Unlike Redis, command durations are not measured: reading a monotonic
// clock twice per command costs more than the command itself here, so usec
// and usec_per_call are 0 and the latency percentiles are 0.

// statsState holds INFO's counters. It is guarded by the store lock.
type statsState struct {
	cmds      []cmdStats       // by command.stat.id, made on first use
	errors    int64            // total_error_replies
	errCodes  map[string]int64 // Errorstats: error replies by code, made on first use
	prevError int64            // errors when the running command began or a command nested in it ended (Redis's prev_err_count)
	hits      int64            // keyspace_hits
	misses    int64            // keyspace_misses
	expired   int64            // expired_keys
	// lookups: the running command's key lookups count as hits and
	// misses; with skipping, not those of skipKey (the destination of a
	// *STORE command, which Redis looks up for writing).
	lookups    bool
	skipping   bool
	skipKey    string
	skipBudget int // how many more lookups of skipKey count
	// scriptErr is the text of the last error a command called by the
	// running script replied with: the script passing it on is not a new
	// error reply.
	scriptErr string
	// scriptCall and scriptCmd are the script command running (EVAL,
	// FCALL, ...), whose reply's errors scriptReplyError counts; nil
	// outside one.
	scriptCall *call
	scriptCmd  *command
}

// cmdStats are one command's Commandstats counters.
type cmdStats struct {
	calls, rejected, failed int64
}

// cmdStatInfo is what the statistics need to know of a command, set at
// init.
type cmdStatInfo struct {
	id      int32 // index in statsState.cmds and statCommands
	lookups bool  // its key lookups count as keyspace hits and misses
	script  bool  // it runs a script, whose reply may carry errors not counted yet
	// refused: its handler only ever refuses it (MODULE LOAD), which Redis
	// does before running it: an error is a rejected call.
	refused bool
	special bool // script, refused or lookupsFor: runCommand takes the longer way
	// specialArgs: with no more arguments than this, the command is counted
	// as a plain one (SET without options).
	specialArgs int
	// lookupsFor, when set, decides from the arguments whether lookups
	// count, and names the destination key of which only the first budget
	// lookups count (budget < 0: every key counts).
	lookupsFor func(args []string) (lookups bool, skip string, budget int)
}

// statCommands are every command and subcommand of the table, by
// cmdStatInfo.id.
var statCommands []*command

// lookupStatCommands are the commands flagged write whose key lookups
// count as hits and misses all the same: Redis looks their source keys up
// for reading (GETDEL, the *STORE variants, SORT, ...).
var lookupStatCommands = []string{
	"getdel", "getex", "getset", "bitop", "sort", "georadius", "georadiusbymember",
	"geosearchstore", "pfmerge", "sinterstore", "sunionstore", "sdiffstore",
	"zunionstore", "zinterstore", "zdiffstore", "zrangestore", "xreadgroup", "xack",
	"xclaim", "xautoclaim", "copy",
}

// noLookupStatCommands are the commands that do not write but whose key
// lookups do not count: Redis reads the keyspace directly for them.
var noLookupStatCommands = []string{"memory|usage", "scan"}

// refusedStatCommands are the commands Redis refuses before running them.
var refusedStatCommands = []string{"module|load", "module|loadex", "module|unload"}

// scriptStatCommands run scripts.
var scriptStatCommands = []string{"eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"}

// lookupStatArgs decide for some commands from their arguments whether their
// lookups count, and which destination key's do not.
var lookupStatArgs = map[string]func(args []string) (bool, string, int){
	// SET ... GET reads the old value as GET does.
	"set": func(args []string) (bool, string, int) {
		for _, a := range args[3:] {
			if equalFoldASCII("get", a) {
				return true, "", -1
			}
		}
		return false, "", -1
	},
	// SCAN ... TYPE looks each key up.
	"scan": func(args []string) (bool, string, int) {
		for _, a := range args[2:] {
			if equalFoldASCII("type", a) {
				return true, "", -1
			}
		}
		return false, "", -1
	},
	// BITFIELD reads for reading when it only has GET operations.
	"bitfield": func(args []string) (bool, string, int) {
		for i := 2; i < len(args); {
			switch {
			case equalFoldASCII("get", args[i]):
				i += 3
			case equalFoldASCII("overflow", args[i]):
				i += 2
			default:
				return false, "", -1
			}
		}
		return true, "", -1
	},
	"copy":              destArg(2, false),
	"bitop":             destArg(2, false),
	"sinterstore":       destArg(1, false),
	"sunionstore":       destArg(1, false),
	"sdiffstore":        destArg(1, false),
	"zunionstore":       destArg(1, false),
	"zinterstore":       destArg(1, false),
	"zdiffstore":        destArg(1, false),
	"zrangestore":       destArg(1, false),
	"geosearchstore":    destArg(1, false),
	"pfmerge":           destArg(1, true),
	"sort":              destOption(2, "store"),
	"georadius":         destOption(6, "store", "storedist"),
	"georadiusbymember": destOption(5, "store", "storedist"),
}

// destArg: the lookups of a *STORE command count, but for those of its
// destination key, argument i, beyond the times it is also a source (Redis
// looks the destination up for writing, which does not count). With self,
// the destination is a source too (PFMERGE).
func destArg(i int, self bool) func(args []string) (bool, string, int) {
	return func(args []string) (bool, string, int) {
		if i >= len(args) {
			return true, "", -1
		}
		return true, args[i], sourceCount(args, i, self)
	}
}

// destOption: destArg for the destination named by an option (SORT ...
// STORE key), from argument from on.
func destOption(from int, options ...string) func(args []string) (bool, string, int) {
	return func(args []string) (bool, string, int) {
		last := -1 // the last option wins
		for i := from; i+1 < len(args); i++ {
			for _, o := range options {
				if equalFoldASCII(o, args[i]) {
					last = i + 1
				}
			}
		}
		if last < 0 {
			return true, "", -1
		}
		return true, args[last], sourceCount(args, last, false)
	}
}

// sourceCount is how many arguments other than args[i] (and the command
// name) equal it, plus one with self.
func sourceCount(args []string, i int, self bool) int {
	n := 0
	if self {
		n++
	}
	for j, a := range args[1:] {
		if j+1 != i && a == args[i] {
			n++
		}
	}
	return n
}

func init() {
	add := func(cmd *command) {
		cmd.stat.id = int32(len(statCommands))
		cmd.stat.lookups = (cmd.flags&flagWrite == 0 || slices.Contains(lookupStatCommands, cmd.name)) &&
			!slices.Contains(noLookupStatCommands, cmd.name)
		cmd.stat.script = slices.Contains(scriptStatCommands, cmd.name)
		cmd.stat.refused = slices.Contains(refusedStatCommands, cmd.name)
		cmd.stat.lookupsFor = lookupStatArgs[cmd.name]
		cmd.stat.special = cmd.stat.script || cmd.stat.refused || cmd.stat.lookupsFor != nil
		if cmd.name == "set" {
			cmd.stat.specialArgs = 3 // SET key value: no GET
		}
		statCommands = append(statCommands, cmd)
	}
	for _, cmd := range commandList {
		add(cmd)
		for _, sub := range cmd.subs {
			add(sub)
		}
	}
}

// runCommand runs cmd's handler for c and counts the call, as Redis's
// call() does. The caller holds s.mu.
func (s *Store) runCommand(c *call, cmd *command) {
	st := &s.stat
	if st.cmds == nil {
		st.cmds = make([]cmdStats, len(statCommands))
	}
	st.prevError = st.errors
	st.lookups = cmd.stat.lookups
	s.runHandler(c, cmd)
	cs := &st.cmds[cmd.stat.id]
	cs.calls++
	if st.errors > st.prevError {
		cs.failed++
	}
	st.prevError = st.errors
	if c.inScript && c.err != nil {
		st.scriptErr = replyText(c.err)
	}
}

// runHandler runs cmd's handler. A handler that panics is a racefree bug;
// its panic becomes an error reply, so that the store lock, which the
// caller holds, is released as usual and the store goes on serving.
func (s *Store) runHandler(c *call, cmd *command) {
	returned := false // recover only when the handler did not return: recover costs even when nothing panics
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			c.fail(errorf(errInternal, "ERR racefree internal error in '%s': %v", cmd.name, r))
		}
	}()
	if cmd.stat.special && len(c.args) > cmd.stat.specialArgs {
		s.runSpecial(c, cmd)
	} else {
		cmd.run(c)
	}
	returned = true
}

// errInternal is the error reply of a command whose handler panicked.
var errInternal = newError("ERR racefree internal error")

// runSpecial is runCommand for the commands whose counting needs more than
// the common case: a script, arguments that decide the lookups, a command
// that is always refused.
func (s *Store) runSpecial(c *call, cmd *command) {
	st := &s.stat
	if f := cmd.stat.lookupsFor; f != nil {
		var budget int
		st.lookups, st.skipKey, budget = f(c.args)
		st.skipping, st.skipBudget = budget >= 0, budget
	}
	if cmd.stat.script {
		s.runScriptCommand(c, cmd)
	} else {
		cmd.run(c)
	}
	st.skipping = false
	if cmd.stat.refused && c.err != nil {
		// Not a call: a rejected one, counted as Redis counts a command it
		// refuses before running it.
		st.cmds[cmd.stat.id].calls--
		st.cmds[cmd.stat.id].rejected++
		st.prevError = st.errors
	}
}

// runScriptCommand runs a command that runs a script, noting it as the one
// whose reply's errors scriptReplyError counts.
func (s *Store) runScriptCommand(c *call, cmd *command) {
	st := &s.stat
	// A script command running inside another (not in Redis) puts the
	// outer one back when it ends.
	outerCall, outerCmd := st.scriptCall, st.scriptCmd
	st.scriptCall, st.scriptCmd, st.scriptErr = c, cmd, ""
	cmd.run(c)
	st.scriptCall, st.scriptCmd, st.scriptErr = outerCall, outerCmd, ""
}

// scriptReplyError counts msg, an error reply the script engine writes into
// the reply of the running script command, unless the command's own
// failure (counted by fail) writes it, or it is an error a command in the
// script replied with (counted then): that one counts as a failed call of
// the script, as Redis does. The caller holds s.mu.
func (s *Store) scriptReplyError(msg string) {
	st := &s.stat
	c := st.scriptCall
	if c == nil || c.err != nil {
		return
	}
	if e := st.scriptErr; e != "" && strings.HasPrefix(msg, e) {
		st.cmds[st.scriptCmd.stat.id].failed++
	} else {
		s.countError(msg)
	}
}

// countLookup reports whether a lookup of key counts while skipping: not
// beyond the budget of skipKey's.
func (st *statsState) countLookup(key string) bool {
	if key != st.skipKey {
		return true
	}
	if st.skipBudget > 0 {
		st.skipBudget--
		return true
	}
	return false
}

// countError counts an error reply whose text is msg. The caller holds
// s.mu.
func (s *Store) countError(msg string) {
	st := &s.stat
	st.errors++
	if st.errCodes == nil {
		st.errCodes = map[string]int64{}
	}
	st.errCodes[errorCode(msg)]++
}

// errorCode is the code Errorstats counts an error reply under: its text up
// to the first space, which must come within the first 31 bytes; ERR when
// it does not.
func errorCode(msg string) string {
	if i := strings.IndexByte(msg[:min(len(msg), 31)], ' '); i >= 0 {
		return msg[:i]
	}
	return "ERR"
}

// rejectCommand counts a command a connection refused before it ran with
// err (Conn.reject): an error reply, EXECABORT for EXEC, and a rejected
// call of the command args names, if there is one. The caller holds s.mu.
func (s *Store) rejectCommand(args []string, err error) {
	if len(args) > 0 && equalFoldASCII("exec", args[0]) {
		s.countError("EXECABORT Transaction discarded")
	} else {
		s.countError(replyText(err))
	}
	if cmd := statCommand(args); cmd != nil {
		s.rejected(cmd)
	}
}

// rejected counts a rejected call of cmd; its error reply is counted apart.
// The caller holds s.mu.
func (s *Store) rejected(cmd *command) {
	st := &s.stat
	if int(cmd.stat.id) >= len(st.cmds) {
		st.cmds = make([]cmdStats, len(statCommands))
	}
	st.cmds[cmd.stat.id].rejected++
	st.prevError = st.errors
}

// scriptRejected counts a command a script called that was refused before
// it ran (unknown, wrong arity, not allowed in scripts): an error reply,
// which the script passing it on does not count again, and a rejected call
// of cmd, if known. The caller holds s.mu.
func (s *Store) scriptRejected(cmd *command, msg string) {
	s.countError(msg)
	s.stat.scriptErr = msg
	if cmd != nil {
		s.rejected(cmd)
	}
	s.stat.prevError = s.stat.errors
}

// statCommand returns the command args names, whatever its arity; nil for
// an unknown command or subcommand.
func statCommand(args []string) *command {
	if len(args) == 0 {
		return nil
	}
	cmd := commands.lookup(args[0])
	if cmd != nil && cmd.subs != nil && len(args) >= 2 {
		cmd = cmd.subByName.lookup(args[1])
	}
	return cmd
}

// resetStats is CONFIG RESETSTAT: every counter INFO reports goes back to
// 0. The caller holds s.mu.
func (s *Store) resetStats() {
	st := &s.stat
	clear(st.cmds)
	st.errors, st.errCodes = 0, nil
	st.hits, st.misses, st.expired = 0, 0, 0
}

// commandsProcessed is total_commands_processed: the calls of every
// command.
func (s *Store) commandsProcessed() int64 {
	var n int64
	for _, cs := range s.stat.cmds {
		n += cs.calls
	}
	return n
}

// commandStatsInfo is INFO's Commandstats section: the commands called or
// rejected since the last reset, by name.
func (s *Store) commandStatsInfo() [][2]string {
	var out [][2]string
	for _, i := range s.calledCommands() {
		cs := s.stat.cmds[i]
		out = append(out, [2]string{"cmdstat_" + statCommands[i].name,
			"calls=" + itoa(cs.calls) + ",usec=0,usec_per_call=0.00,rejected_calls=" + itoa(cs.rejected) +
				",failed_calls=" + itoa(cs.failed)})
	}
	return out
}

// latencyStatsInfo is INFO's Latencystats section: a line for each command
// that ran since the last reset. Durations are not measured: they are 0.
func (s *Store) latencyStatsInfo() [][2]string {
	var out [][2]string
	for _, i := range s.calledCommands() {
		if s.stat.cmds[i].calls > 0 {
			out = append(out, [2]string{"latency_percentiles_usec_" + statCommands[i].name, "p50=0.000,p99=0.000,p99.9=0.000"})
		}
	}
	return out
}

// calledCommands returns the ids of the commands called or rejected since
// the last reset, sorted by name.
func (s *Store) calledCommands() []int {
	var ids []int
	for i, cs := range s.stat.cmds {
		if cs.calls > 0 || cs.rejected > 0 || cs.failed > 0 {
			ids = append(ids, i)
		}
	}
	slices.SortFunc(ids, func(a, b int) int { return strings.Compare(statCommands[a].name, statCommands[b].name) })
	return ids
}

// errorStatsInfo is INFO's Errorstats section, by code in byte order.
func (s *Store) errorStatsInfo() [][2]string {
	codes := make([]string, 0, len(s.stat.errCodes))
	for code := range s.stat.errCodes {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	out := make([][2]string, len(codes))
	for i, code := range codes {
		out[i] = [2]string{"errorstat_" + code, "count=" + strconv.FormatInt(s.stat.errCodes[code], 10)}
	}
	return out
}
