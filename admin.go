package racefree

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/racefree/racefree/resp"
)

// The server administration commands. racefree keeps everything in memory
// in one process: it has no persistence, no replicas, no cluster and no
// modules, and answers the commands about them as a redis-server 7.0.15
// would in that situation (SAVE succeeds at once, ROLE says master with no
// replicas, CLUSTER says cluster support is disabled).

// Errors of the administration commands.
var (
	errClusterDisabled  = newError("ERR This instance has cluster support disabled")
	errNoShutdown       = newError("ERR No shutdown in progress.")
	errNoFailover       = newError("ERR No failover in progress.")
	errFailoverReplicas = newError("ERR FAILOVER requires connected replicas.")
	errFailoverTimeout  = newError("ERR FAILOVER timeout must be greater than 0")
	errModuleDisabled   = newError("ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
	errDebugDisabled    = newError("ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
	errNoACLFile        = newError("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
	errGenpassBits      = newError("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
	errDefaultUser      = newError("ERR The 'default' user cannot be removed")
	errOnlyDefaultUser  = newError("ERR racefree has only the default user")
	errNoReplication    = newError("ERR racefree does not replicate")
	errMigrateKeys      = newError("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
	errMigrateIO        = newError("IOERR error or timeout connecting to the client")
)

func cmdClusterDisabled(c *call) { c.fail(errClusterDisabled) }

// ShutdownRequested returns a channel that is closed when a connection
// sends SHUTDOWN (without ABORT). The Store itself keeps running: whoever
// serves it (cmd/racefree-server) watches the channel, stops serving and
// closes the Store.
func (s *Store) ShutdownRequested() <-chan struct{} { return s.srv.shutdown }

// requestShutdown closes the shutdown channel once. The caller holds s.mu or
// runs while a script holds it (SHUTDOWN NOSAVE).
func (s *Store) requestShutdown() {
	s.kill.mu.Lock() // guards shutdownDone for the lock-free path
	if !s.srv.shutdownDone {
		s.srv.shutdownDone = true
		close(s.srv.shutdown)
	}
	s.kill.mu.Unlock()
}

// parseShutdown checks SHUTDOWN's arguments: it returns abort, nosave, or
// an error.
func parseShutdown(args []string) (abort, nosave bool, err error) {
	var save, now, force bool
	for _, a := range args[1:] {
		switch strings.ToLower(a) {
		case "nosave":
			nosave = true
		case "save":
			save = true
		case "now":
			now = true
		case "force":
			force = true
		case "abort":
			abort = true
		default:
			return false, false, ErrSyntax
		}
	}
	if abort && (nosave || save || now || force) || nosave && save {
		return false, false, ErrSyntax
	}
	return abort, nosave, nil
}

func cmdShutdown(c *call) {
	abort, _, err := parseShutdown(c.args)
	switch {
	case err != nil:
		c.fail(err)
		return
	case abort:
		c.fail(errNoShutdown)
		return
	}
	c.s.requestShutdown()
	if c.conn != nil {
		// A connection gets no reply: it is closed, as by a server that
		// exits.
		c.conn.quit = true
		return
	}
	c.ok()
}

// lockOrBusy takes the store lock for a connection's command, or answers
// the command without it while a script runs (see execBusy): it reports
// whether it answered. A command that must wait for a script waits until
// the script ends or has run longer than busy-reply-threshold, then gets
// BUSY, as on redis-server.
func (c *Conn) lockOrBusy(args []string, w resp.Writer) bool {
	s := c.s
	for {
		if c.execBusy(args, w) {
			return true
		}
		k := &s.kill
		k.mu.Lock()
		running, started, threshold := k.running, k.started, k.busyAfter
		k.mu.Unlock()
		if !running || threshold <= 0 {
			s.mu.Lock()
			return false
		}
		// Poll: the script holds the lock and nothing signals its end.
		wait := min(threshold-s.clock.Now().Sub(started), 10*time.Millisecond)
		if wait > 0 {
			time.Sleep(wait)
		}
		if s.mu.TryLock() {
			return false
		}
	}
}

// execBusy runs the commands that may run while a script holds the store
// lock (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE) and answers BUSY to the
// others once the script has run longer than busy-reply-threshold. It
// reports whether it answered; otherwise the caller waits for the lock.
func (c *Conn) execBusy(args []string, w resp.Writer) bool {
	s := c.s
	k := &s.kill
	k.mu.Lock()
	running, fcall, started, threshold := k.running, k.fcall, k.started, k.busyAfter
	k.mu.Unlock()
	if !running || !c.authed || c.closed {
		return false
	}
	cmd := resolveCommand(args)
	if cmd == nil {
		return false
	}
	busyErr := ErrBusyScript
	if fcall {
		busyErr = ErrBusyFunction
	}
	if cmd.flags&flagAllowBusy != 0 {
		var err error
		switch cmd.name {
		case "script|kill":
			err = s.ScriptKill()
		case "function|kill":
			err = s.FunctionKill()
		case "shutdown":
			_, nosave, perr := parseShutdown(args)
			switch {
			case perr != nil:
				err = perr
			case !nosave:
				err = busyErr
			default:
				s.requestShutdown()
				c.quit = true
				return true
			}
		default:
			return false
		}
		if err != nil {
			w.Error(replyText(err))
		} else {
			w.Status("OK")
		}
		return true
	}
	if threshold > 0 && s.clock.Now().Sub(started) >= threshold {
		w.Error(replyText(busyErr))
		return true
	}
	return false
}

func cmdLastSave(c *call) { c.w.Int(c.s.srv.lastSave) }

func cmdSave(c *call) {
	c.s.srv.lastSave = c.s.nowTime().Unix()
	c.ok()
}

func cmdBgSave(c *call) {
	if len(c.args) > 2 || len(c.args) == 2 && !strings.EqualFold(c.args[1], "schedule") {
		c.fail(ErrSyntax)
		return
	}
	c.s.srv.lastSave = c.s.nowTime().Unix()
	c.w.Status("Background saving started")
}

func cmdBgRewriteAOF(c *call) { c.w.Status("Background append only file rewriting started") }

func cmdRole(c *call) {
	c.w.Array(3)
	c.w.Bulk("master")
	c.w.Int(0)
	c.w.Array(0)
}

// cmdLolwut is LOLWUT [VERSION v]: the version line, as redis-server 7.0.15
// answers for every version but 5 and 6, whose generative art racefree does
// not draw.
func cmdLolwut(c *call) {
	for i := 1; i < len(c.args); i++ {
		if strings.EqualFold(c.args[i], "version") && i+1 < len(c.args) {
			if _, ok := parseInt(c.args[i+1]); !ok {
				c.fail(ErrNotInteger)
				return
			}
			i++
		}
	}
	verbatim(c.w, "Redis ver. 7.0.15\n")
}

// cmdWait is WAIT numreplicas timeout. There are no replicas: asking for
// none answers 0 at once; asking for some waits the whole timeout (0: for
// ever, until CLIENT UNBLOCK or the connection ends), as on a server whose
// replicas never acknowledge, then answers 0.
func cmdWait(c *call) {
	n, ok := parseInt(c.args[1])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	ms, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrTimeoutNotInteger)
		return
	}
	if ms < 0 {
		c.fail(ErrTimeoutNegative)
		return
	}
	if n <= 0 || !c.canBlock() {
		c.w.Int(0)
		return
	}
	c.block(&waiter{db: c.db.id}, time.Duration(ms)*time.Millisecond, func() { c.w.Int(0) })
}

func cmdFailover(c *call) {
	if len(c.args) == 2 && strings.EqualFold(c.args[1], "abort") {
		c.fail(errNoFailover)
		return
	}
	var timeout, force, to bool
	for j := 1; j < len(c.args); j++ {
		switch a := c.args[j]; {
		case strings.EqualFold(a, "timeout") && j+1 < len(c.args) && !timeout:
			n, ok := parseInt(c.args[j+1])
			if !ok {
				c.fail(ErrNotInteger)
				return
			}
			if n <= 0 {
				c.fail(errFailoverTimeout)
				return
			}
			timeout = true
			j++
		case strings.EqualFold(a, "to") && j+2 < len(c.args) && !to:
			if _, ok := parseInt(c.args[j+2]); !ok {
				c.fail(ErrNotInteger)
				return
			}
			to = true
			j += 2
		case strings.EqualFold(a, "force") && !force:
			force = true
		default:
			c.fail(ErrSyntax)
			return
		}
	}
	c.fail(errFailoverReplicas)
}

// cmdReplicaOf is REPLICAOF and SLAVEOF: NO ONE is what racefree already
// is; it cannot follow another server.
func cmdReplicaOf(c *call) {
	if strings.EqualFold(c.args[1], "no") && strings.EqualFold(c.args[2], "one") {
		c.ok()
		return
	}
	if _, ok := parseInt(c.args[2]); !ok {
		c.fail(errorFromReply("ERR Invalid master port"))
		return
	}
	c.fail(errNoReplication)
}

func cmdSync(c *call) { c.fail(errNoReplication) }

func cmdPSync(c *call) {
	if _, ok := parseInt(c.args[2]); !ok && c.args[2] != "-1" {
		c.fail(ErrNotInteger)
		return
	}
	c.fail(errNoReplication)
}

func cmdReplConf(c *call) {
	if len(c.args)%2 == 0 {
		c.fail(ErrSyntax)
		return
	}
	for j := 1; j < len(c.args); j += 2 {
		switch strings.ToLower(c.args[j]) {
		case "listening-port":
			if _, ok := parseInt(c.args[j+1]); !ok {
				c.fail(ErrNotInteger)
				return
			}
		case "ip-address", "capa", "rdb-filter-only":
		case "ack", "getack":
			return // no reply, as from a server to a client that is no replica
		case "rdb-only":
			if n, ok := parseInt(c.args[j+1]); !ok || n < 0 || n > 1 {
				c.fail(errorFromReply("ERR value is out of range, must be between 0 and 1"))
				return
			}
		default:
			c.fail(errorf(ErrSyntax, "ERR Unrecognized REPLCONF option: %s", cString(c.args[j])))
			return
		}
	}
	c.ok()
}

func cmdMigrate(c *call) {
	keys := c.args[3:4]
	for j := 6; j < len(c.args); j++ {
		switch strings.ToLower(c.args[j]) {
		case "copy", "replace":
		case "auth":
			if j+1 >= len(c.args) {
				c.fail(ErrSyntax)
				return
			}
			j++
		case "auth2":
			if j+2 >= len(c.args) {
				c.fail(ErrSyntax)
				return
			}
			j += 2
		case "keys":
			if c.args[3] != "" {
				c.fail(errMigrateKeys)
				return
			}
			keys = c.args[j+1:]
			j = len(c.args)
		default:
			c.fail(ErrSyntax)
			return
		}
	}
	if _, ok := parseInt(c.args[5]); !ok {
		c.fail(ErrNotInteger)
		return
	}
	if _, ok := parseInt(c.args[4]); !ok {
		c.fail(ErrNotInteger)
		return
	}
	for _, k := range keys {
		if c.db.peek(k) != nil {
			c.fail(errMigrateIO)
			return
		}
	}
	c.w.Status("NOKEY")
}

func cmdModuleList(c *call)     { c.w.Array(0) }
func cmdModuleDisabled(c *call) { c.fail(errModuleDisabled) }

var moduleHelp = []string{
	"LIST",
	"    Return a list of loaded modules.",
	"LOAD <path> [<arg> ...]",
	"    Load a module library from <path>, passing to it any optional arguments.",
	"LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
	"    Load a module library from <path>, while passing it module configurations and optional arguments.",
	"UNLOAD <name>",
	"    Unload a module.",
}

func cmdModuleHelp(c *call) { writeHelp(c, moduleHelp) }

func cmdPFSelfTest(c *call) { c.ok() }

// MEMORY

// MemoryUsage estimates the bytes key takes, as MEMORY USAGE does; ok is
// false when the key does not exist. The estimate counts the value's bytes
// and a per-element overhead; it is not Redis's figure.
func (c *cmdable) MemoryUsage(key string) (n int64, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	e := d.peek(key)
	if e == nil {
		return 0, false, nil
	}
	return memoryUsage(key, e), true, nil
}

// memoryUsage estimates an entry's size.
func memoryUsage(key string, e *entry) int64 {
	const overhead = int64(unsafe.Sizeof(entry{})) + 16
	n := overhead + int64(len(key))
	switch e.typ {
	case typeString:
		n += int64(len(e.str()))
	default:
		n += int64(e.container().Len()) * 48
	}
	return n
}

func cmdMemoryUsage(c *call) {
	if len(c.args) != 3 {
		if len(c.args) != 5 || !strings.EqualFold(c.args[3], "samples") {
			c.fail(ErrSyntax)
			return
		}
		if _, ok := parseInt(c.args[4]); !ok {
			c.fail(ErrNotInteger)
			return
		}
	}
	e := c.db.peek(c.args[2])
	if e == nil {
		c.w.NullBulk()
		return
	}
	c.w.Int(memoryUsage(c.args[2], e))
}

func cmdMemoryDoctor(c *call) {
	verbatim(c.w, "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n")
}

func cmdMemoryMallocStats(c *call) { c.w.Bulk("Stats not supported for the current allocator") }

func cmdMemoryPurge(c *call) { c.ok() }

func cmdMemoryStats(c *call) {
	heap, total, _, _ := processMetrics()
	type dbStat struct{ id, keys, expires int }
	var dbs []dbStat
	keys := int64(0)
	for _, d := range c.s.dbs {
		if len(d.keys) > 0 {
			dbs = append(dbs, dbStat{d.id, len(d.keys), d.expires.Len()})
			keys += int64(len(d.keys))
		}
	}
	perKey := int64(0)
	if keys > 0 {
		perKey = int64(heap) / keys
	}
	type field struct {
		k string
		v any // int64 or float64
	}
	head := []field{
		{"peak.allocated", int64(heap)}, {"total.allocated", int64(heap)}, {"startup.allocated", int64(0)},
		{"replication.backlog", int64(0)}, {"clients.slaves", int64(0)}, {"clients.normal", int64(0)},
		{"cluster.links", int64(0)}, {"aof.buffer", int64(0)}, {"lua.caches", int64(0)}, {"functions.caches", int64(0)},
	}
	tail := []field{
		{"overhead.total", int64(0)}, {"keys.count", keys}, {"keys.bytes-per-key", perKey},
		{"dataset.bytes", int64(heap)}, {"dataset.percentage", 100.0}, {"peak.percentage", 100.0},
		{"allocator.allocated", int64(heap)}, {"allocator.active", int64(heap)}, {"allocator.resident", int64(total)},
		{"allocator-fragmentation.ratio", 1.0}, {"allocator-fragmentation.bytes", int64(0)},
		{"allocator-rss.ratio", 1.0}, {"allocator-rss.bytes", int64(0)},
		{"rss-overhead.ratio", 1.0}, {"rss-overhead.bytes", int64(0)},
		{"fragmentation", 1.0}, {"fragmentation.bytes", int64(0)},
	}
	w := c.w
	write := func(fs []field) {
		for _, f := range fs {
			w.Bulk(f.k)
			switch v := f.v.(type) {
			case int64:
				w.Int(v)
			case float64:
				w.Double(v)
			}
		}
	}
	w.Map(len(head) + len(dbs) + len(tail))
	write(head)
	for _, d := range dbs {
		w.Bulk("db." + strconv.Itoa(d.id))
		w.Map(3)
		w.Bulk("overhead.hashtable.main")
		w.Int(int64(d.keys) * 24)
		w.Bulk("overhead.hashtable.expires")
		w.Int(int64(d.expires) * 24)
		w.Bulk("overhead.hashtable.slot-to-keys")
		w.Int(0)
	}
	write(tail)
}

var memoryHelp = []string{
	"DOCTOR",
	"    Return memory problems reports.",
	"MALLOC-STATS",
	"    Return internal statistics report from the memory allocator.",
	"PURGE",
	"    Attempt to purge dirty pages for reclamation by the allocator.",
	"STATS",
	"    Return information about the memory usage of the server.",
	"USAGE <key> [SAMPLES <count>]",
	"    Return memory in bytes used by <key> and its value. Nested values are",
	"    sampled up to <count> times (default: 5, 0 means sample all).",
}

func cmdMemoryHelp(c *call) { writeHelp(c, memoryHelp) }

// SLOWLOG: racefree keeps no slow log; it is always empty.

func cmdSlowlogGet(c *call) {
	if len(c.args) > 3 {
		failSubcommandArgs(c)
		return
	}
	if len(c.args) == 3 {
		n, ok := parseInt(c.args[2])
		if !ok || n < -1 {
			c.fail(errorFromReply("ERR count should be greater than or equal to -1"))
			return
		}
	}
	c.w.Array(0)
}

func cmdSlowlogLen(c *call)   { c.w.Int(0) }
func cmdSlowlogReset(c *call) { c.ok() }

var slowlogHelp = []string{
	"GET [<count>]",
	"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
	"    Entries are made of:",
	"    id, timestamp, time in microseconds, arguments array, client IP and port,",
	"    client name",
	"LEN",
	"    Return the length of the slowlog.",
	"RESET",
	"    Reset the slowlog.",
}

func cmdSlowlogHelp(c *call) { writeHelp(c, slowlogHelp) }

// LATENCY: latency monitoring is off (latency-monitor-threshold 0), so
// there are no samples.

func cmdLatencyLatest(c *call)  { c.w.Array(0) }
func cmdLatencyHistory(c *call) { c.w.Array(0) }
func cmdLatencyReset(c *call)   { c.w.Int(0) }

func cmdLatencyDoctor(c *call) {
	verbatim(c.w, "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n")
}

func cmdLatencyGraph(c *call) {
	c.fail(errorf(ErrSyntax, "ERR No samples available for event '%s'", cString(c.args[2])))
}

func cmdLatencyHistogram(c *call) { c.w.Map(0) }

var latencyHelp = []string{
	"DOCTOR",
	"    Return a human readable latency analysis report.",
	"GRAPH <event>",
	"    Return an ASCII latency graph for the <event> class.",
	"HISTORY <event>",
	"    Return time-latency samples for the <event> class.",
	"LATEST",
	"    Return the latest latency samples for all events.",
	"RESET [<event> ...]",
	"    Reset latency data of one or more <event> classes.",
	"    (default: reset all data for all event classes)",
	"HISTOGRAM [COMMAND ...]",
	"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
	"    If no commands are specified then all histograms are replied.",
}

func cmdLatencyHelp(c *call) { writeHelp(c, latencyHelp) }

// DEBUG runs only its harmless subcommands: SLEEP, OBJECT, PROTOCOL, RELOAD
// (a no-op), and SET-ACTIVE-EXPIRE, CHANGE-REPL-ID, LOG,
// QUICKLIST-PACKED-THRESHOLD and SET-SKIP-CHECKSUM-VALIDATION, which are
// accepted and change nothing; the ones that crash or corrupt the server
// are refused with Redis's unknown-subcommand error.
func cmdDebug(c *call) {
	if c.s.configValue("enable-debug-command") == "no" {
		c.fail(errDebugDisabled)
		return
	}
	sub, n := strings.ToLower(c.args[1]), len(c.args)
	switch {
	case sub == "help" && n == 2:
		writeHelp(c, []string{
			"OBJECT <key>",
			"    Show low level info about `key` and associated value.",
			"PROTOCOL <type>",
			"    Reply with a test value of the specified type. <type> can be: string,",
			"    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
			"    true, false.",
			"RELOAD [option ...]",
			"    Answer OK: there is no RDB file to save and load back.",
			"SET-ACTIVE-EXPIRE <0|1>",
			"    Setting it to 0 disables expiring keys in background when they are not",
			"    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
			"    default.",
			"SLEEP <seconds>",
			"    Stop the server for <seconds>. Decimals allowed.",
		})
	case sub == "sleep" && n == 3:
		secs, err := strconv.ParseFloat(c.args[2], 64)
		if err != nil || secs < 0 {
			secs = 0
		}
		time.Sleep(time.Duration(secs * float64(time.Second)))
		c.ok()
	case sub == "object" && n == 3:
		e := c.db.peek(c.args[2])
		if e == nil {
			c.fail(ErrNoSuchKey)
			return
		}
		c.w.Status(fmt.Sprintf("Value at:%p refcount:1 encoding:%s serializedlength:%d lru:%d lru_seconds_idle:%d",
			e, encodingOf(e), memoryUsage(c.args[2], e), e.atime&(1<<24-1), c.s.lru-int64(e.atime)))
	case sub == "protocol" && n == 3:
		debugProtocol(c)
	case sub == "reload":
		c.ok() // there is nothing to save and load back: the data stays as it is
	case (sub == "set-active-expire" || sub == "quicklist-packed-threshold" || sub == "set-skip-checksum-validation") && n == 3,
		sub == "change-repl-id" && n == 2,
		sub == "log" && n == 3:
		c.ok()
	default:
		c.fail(errorf(ErrUnknownSubcommand, "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try DEBUG HELP.", cString(c.args[1])))
	}
}

// debugProtocol is DEBUG PROTOCOL <type>: a sample reply of each RESP type,
// for client tests. An attribute is not sent (the reply that follows it
// is); a push is sent only on a connection that speaks RESP3.
func debugProtocol(c *call) {
	w := c.w
	switch strings.ToLower(c.args[2]) {
	case "string":
		w.Bulk("Hello World")
	case "integer":
		w.Int(12345)
	case "double":
		w.Double(3.141)
	case "bignum":
		if b, ok := w.(interface{ BigNumber(string) }); ok {
			b.BigNumber("1234567999999999999999999999999999999")
		} else {
			w.Bulk("1234567999999999999999999999999999999")
		}
	case "null":
		w.NullBulk()
	case "array", "set":
		if strings.EqualFold(c.args[2], "set") {
			w.Set(3)
		} else {
			w.Array(3)
		}
		for j := range 3 {
			w.Int(int64(j))
		}
	case "map":
		w.Map(3)
		for j := range 3 {
			w.Int(int64(j))
			w.Bool(j == 1)
		}
	case "attrib":
		w.Bulk("Some real reply following the attribute")
	case "push":
		p, ok := w.(interface{ Push(int) })
		if w.Proto() < 3 || !ok {
			c.fail(errorFromReply("ERR RESP2 is not supported by this command"))
			return
		}
		p.Push(2)
		w.Bulk("server-cpu-usage")
		w.Int(42)
		w.Bulk("Some real reply following the push reply")
	case "true":
		w.Bool(true)
	case "false":
		w.Bool(false)
	case "verbatim":
		verbatim(w, "This is a verbatim\nstring")
	default:
		c.fail(errorFromReply("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false"))
	}
}

// ACL: racefree has one user, "default", with every permission; its
// password is requirepass (WithPassword).

var aclCategories = []string{"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
	"hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection",
	"transaction", "scripting"}

func cmdACLWhoAmI(c *call) { c.w.Bulk("default") }
func cmdACLUsers(c *call)  { c.w.Array(1); c.w.Bulk("default") }

// aclUserLine is the default user as ACL LIST describes it.
func (s *Store) aclUserLine() string {
	if s.password == "" {
		return "user default on nopass ~* &* +@all"
	}
	sum := sha256.Sum256([]byte(s.password))
	return "user default on #" + hex.EncodeToString(sum[:]) + " ~* &* +@all"
}

func cmdACLList(c *call) {
	c.w.Array(1)
	c.w.Bulk(c.s.aclUserLine())
}

func cmdACLCat(c *call) {
	if len(c.args) > 3 {
		failSubcommandArgs(c)
		return
	}
	if len(c.args) == 2 {
		c.w.Array(len(aclCategories))
		for _, cat := range aclCategories {
			c.w.Bulk(cat)
		}
		return
	}
	cat := strings.ToLower(c.args[2])
	known := false
	for _, k := range aclCategories {
		known = known || k == cat
	}
	if !known {
		c.fail(errorf(ErrSyntax, "ERR Unknown category '%s'", cString(c.args[2])))
		return
	}
	var names []string
	for _, cmd := range table {
		for _, x := range append([]*command{cmd}, cmd.subs...) {
			if m := metaOf(x); m != nil {
				for _, cc := range m.cats {
					if cc == cat {
						names = append(names, x.name)
						break
					}
				}
			}
		}
	}
	c.w.Array(len(names))
	for _, n := range names {
		c.w.Bulk(n)
	}
}

func cmdACLGetUser(c *call) {
	if c.args[2] != "default" {
		c.w.NullBulk()
		return
	}
	w := c.w
	w.Map(6)
	w.Bulk("flags")
	if c.s.password == "" {
		w.Set(2)
		w.Bulk("on")
		w.Bulk("nopass")
	} else {
		w.Set(1)
		w.Bulk("on")
	}
	w.Bulk("passwords")
	if c.s.password == "" {
		w.Array(0)
	} else {
		sum := sha256.Sum256([]byte(c.s.password))
		w.Array(1)
		w.Bulk(hex.EncodeToString(sum[:]))
	}
	w.Bulk("commands")
	w.Bulk("+@all")
	w.Bulk("keys")
	w.Bulk("~*")
	w.Bulk("channels")
	w.Bulk("&*")
	w.Bulk("selectors")
	w.Array(0)
}

func cmdACLSetUser(c *call) { c.fail(errOnlyDefaultUser) }

func cmdACLDelUser(c *call) {
	for _, u := range c.args[2:] {
		if u == "default" {
			c.fail(errDefaultUser)
			return
		}
	}
	c.w.Int(0)
}

func cmdACLDryRun(c *call) {
	if c.args[2] != "default" {
		c.fail(errorf(ErrSyntax, "ERR User '%s' not found", cString(c.args[2])))
		return
	}
	if commands.lookup(c.args[3]) == nil {
		c.fail(errorf(ErrSyntax, "ERR Command '%s' not found", cString(c.args[3])))
		return
	}
	c.ok()
}

func cmdACLGenPass(c *call) {
	bits := int64(256)
	if len(c.args) > 3 {
		failSubcommandArgs(c)
		return
	}
	if len(c.args) == 3 {
		n, ok := parseInt(c.args[2])
		if !ok {
			c.fail(ErrNotInteger)
			return
		}
		if n <= 0 || n > 4096 {
			c.fail(errGenpassBits)
			return
		}
		bits = n
	}
	chars := int((bits + 3) / 4)
	var b strings.Builder
	for b.Len() < chars {
		fmt.Fprintf(&b, "%016x", c.s.rng.Uint64())
	}
	c.w.Bulk(b.String()[:chars])
}

func cmdACLLog(c *call) {
	if len(c.args) > 3 {
		failSubcommandArgs(c)
		return
	}
	if len(c.args) == 3 {
		if strings.EqualFold(c.args[2], "reset") {
			c.ok()
			return
		}
		if n, ok := parseInt(c.args[2]); !ok || n < 0 {
			c.fail(ErrNotInteger)
			return
		}
	}
	c.w.Array(0)
}

func cmdACLNoFile(c *call) { c.fail(errNoACLFile) }

var aclHelp = []string{
	"CAT [<category>]",
	"    List all commands that belong to <category>, or all command categories",
	"    when no category is specified.",
	"DELUSER <username> [<username> ...]",
	"    Delete a list of users.",
	"DRYRUN <username> <command> [<arg> ...]",
	"    Returns whether the user can execute the given command without executing the command.",
	"GETUSER <username>",
	"    Get the user's details.",
	"GENPASS [<bits>]",
	"    Generate a secure 256-bit user password. The optional `bits` argument can",
	"    be used to specify a different size.",
	"LIST",
	"    Show users details in config file format.",
	"LOAD",
	"    Reload users from the ACL file.",
	"LOG [<count> | RESET]",
	"    Show the ACL log entries.",
	"SAVE",
	"    Save the current config to the ACL file.",
	"SETUSER <username> <attribute> [<attribute> ...]",
	"    Create or modify a user with the specified attributes.",
	"USERS",
	"    List all the registered usernames.",
	"WHOAMI",
	"    Return the current connection username.",
}

func cmdACLHelp(c *call) { writeHelp(c, aclHelp) }

var clusterSubs = []*command{
	{name: "cluster|addslots", arity: -3, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|addslotsrange", arity: -4, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|bumpepoch", arity: 2, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|count-failure-reports", arity: 3, flags: flagAdmin | flagStale},
	{name: "cluster|countkeysinslot", arity: 3, flags: flagStale},
	{name: "cluster|delslots", arity: -3, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|delslotsrange", arity: -4, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|failover", arity: -2, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|flushslots", arity: 2, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|forget", arity: 3, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|getkeysinslot", arity: 4, flags: flagStale},
	{name: "cluster|help", arity: 2, flags: flagLoading | flagStale},
	{name: "cluster|info", arity: 2, flags: flagStale},
	{name: "cluster|keyslot", arity: 3, flags: flagStale},
	{name: "cluster|links", arity: 2, flags: flagStale},
	{name: "cluster|meet", arity: -4, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|myid", arity: 2, flags: flagStale},
	{name: "cluster|nodes", arity: 2, flags: flagStale},
	{name: "cluster|replicas", arity: 3, flags: flagAdmin | flagStale},
	{name: "cluster|replicate", arity: 3, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|reset", arity: -2, flags: flagAdmin | flagNoscript | flagStale},
	{name: "cluster|saveconfig", arity: 2, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|set-config-epoch", arity: 3, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|setslot", arity: -4, flags: flagAdmin | flagStale | flagNoAsyncLoading},
	{name: "cluster|shards", arity: 2, flags: flagStale},
	{name: "cluster|slaves", arity: 3, flags: flagAdmin | flagStale},
	{name: "cluster|slots", arity: 2, flags: flagStale},
}

func init() {
	for _, sub := range clusterSubs {
		sub.run = cmdClusterDisabled
	}
}

// adminCommands are the server administration commands.
var adminCommands = []*command{
	{name: "cluster", arity: -2, subs: clusterSubs},
	{name: "readonly", arity: 1, flags: flagLoading | flagStale | flagFast, run: cmdClusterDisabled},
	{name: "readwrite", arity: 1, flags: flagLoading | flagStale | flagFast, run: cmdClusterDisabled},
	{name: "asking", arity: 1, flags: flagFast, run: cmdClusterDisabled},
	{name: "shutdown", arity: -1, flags: flagAdmin | flagNoscript | flagLoading | flagStale | flagNoMulti | flagAllowBusy, run: cmdShutdown},
	{name: "lastsave", arity: 1, flags: flagLoading | flagStale | flagFast, run: cmdLastSave},
	{name: "save", arity: 1, flags: flagAdmin | flagNoscript | flagNoAsyncLoading | flagNoMulti, run: cmdSave},
	{name: "bgsave", arity: -1, flags: flagAdmin | flagNoscript | flagNoAsyncLoading, run: cmdBgSave},
	{name: "bgrewriteaof", arity: 1, flags: flagAdmin | flagNoscript | flagNoAsyncLoading, run: cmdBgRewriteAOF},
	{name: "role", arity: 1, flags: flagNoscript | flagLoading | flagStale | flagFast, run: cmdRole},
	{name: "lolwut", arity: -1, flags: flagReadonly | flagFast, run: cmdLolwut},
	{name: "memory", arity: -2, subs: []*command{
		{name: "memory|doctor", arity: 2, run: cmdMemoryDoctor},
		{name: "memory|help", arity: 2, flags: flagLoading | flagStale, run: cmdMemoryHelp},
		{name: "memory|malloc-stats", arity: 2, run: cmdMemoryMallocStats},
		{name: "memory|purge", arity: 2, run: cmdMemoryPurge},
		{name: "memory|stats", arity: 2, run: cmdMemoryStats},
		{name: "memory|usage", arity: -3, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdMemoryUsage},
	}},
	{name: "slowlog", arity: -2, subs: []*command{
		{name: "slowlog|get", arity: -2, flags: flagAdmin | flagLoading | flagStale, run: cmdSlowlogGet},
		{name: "slowlog|help", arity: 2, flags: flagLoading | flagStale, run: cmdSlowlogHelp},
		{name: "slowlog|len", arity: 2, flags: flagAdmin | flagLoading | flagStale, run: cmdSlowlogLen},
		{name: "slowlog|reset", arity: 2, flags: flagAdmin | flagLoading | flagStale, run: cmdSlowlogReset},
	}},
	{name: "latency", arity: -2, subs: []*command{
		{name: "latency|doctor", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdLatencyDoctor},
		{name: "latency|graph", arity: 3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdLatencyGraph},
		{name: "latency|help", arity: 2, flags: flagLoading | flagStale, run: cmdLatencyHelp},
		{name: "latency|histogram", arity: -2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdLatencyHistogram},
		{name: "latency|history", arity: 3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdLatencyHistory},
		{name: "latency|latest", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdLatencyLatest},
		{name: "latency|reset", arity: -2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdLatencyReset},
	}},
	{name: "debug", arity: -2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdDebug},
	{name: "wait", arity: 3, flags: flagNoscript, run: cmdWait},
	{name: "failover", arity: -1, flags: flagAdmin | flagNoscript | flagStale, run: cmdFailover},
	{name: "replicaof", arity: 3, flags: flagAdmin | flagNoscript | flagStale | flagNoAsyncLoading, run: cmdReplicaOf},
	{name: "slaveof", arity: 3, flags: flagAdmin | flagNoscript | flagStale | flagNoAsyncLoading, run: cmdReplicaOf},
	{name: "sync", arity: 1, flags: flagAdmin | flagNoscript | flagNoAsyncLoading | flagNoMulti, run: cmdSync},
	{name: "psync", arity: -3, flags: flagAdmin | flagNoscript | flagNoAsyncLoading | flagNoMulti, run: cmdPSync},
	{name: "replconf", arity: -1, flags: flagAdmin | flagNoscript | flagLoading | flagStale | flagAllowBusy, run: cmdReplConf},
	{name: "migrate", arity: -6, flags: flagWrite | flagMovablekeys, firstKey: 3, lastKey: 3, step: 1, run: cmdMigrate},
	{name: "module", arity: -2, subs: []*command{
		{name: "module|help", arity: 2, flags: flagLoading | flagStale, run: cmdModuleHelp},
		{name: "module|list", arity: 2, flags: flagAdmin | flagNoscript, run: cmdModuleList},
		{name: "module|load", arity: -3, flags: flagAdmin | flagNoscript | flagNoAsyncLoading, run: cmdModuleDisabled},
		{name: "module|loadex", arity: -3, flags: flagAdmin | flagNoscript | flagNoAsyncLoading, run: cmdModuleDisabled},
		{name: "module|unload", arity: 3, flags: flagAdmin | flagNoscript | flagNoAsyncLoading, run: cmdModuleDisabled},
	}},
	{name: "acl", arity: -2, subs: []*command{
		{name: "acl|cat", arity: -2, flags: flagNoscript | flagLoading | flagStale, run: cmdACLCat},
		{name: "acl|deluser", arity: -3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLDelUser},
		{name: "acl|dryrun", arity: -4, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLDryRun},
		{name: "acl|genpass", arity: -2, flags: flagNoscript | flagLoading | flagStale, run: cmdACLGenPass},
		{name: "acl|getuser", arity: 3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLGetUser},
		{name: "acl|help", arity: 2, flags: flagLoading | flagStale, run: cmdACLHelp},
		{name: "acl|list", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLList},
		{name: "acl|load", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLNoFile},
		{name: "acl|log", arity: -2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLLog},
		{name: "acl|save", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLNoFile},
		{name: "acl|setuser", arity: -3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLSetUser},
		{name: "acl|users", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdACLUsers},
		{name: "acl|whoami", arity: 2, flags: flagNoscript | flagLoading | flagStale, run: cmdACLWhoAmI},
	}},
	{name: "pfselftest", arity: 1, flags: flagAdmin, run: cmdPFSelfTest},
}
