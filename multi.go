package racefree

import (
	"slices"
	"strings"

	"github.com/racefree/racefree/resp"
)

// Transactions on a connection: MULTI queues the commands that follow until
// EXEC runs them all under the store lock, with the clock frozen as in a
// script, or DISCARD drops them. WATCH makes the next EXEC fail (a nil
// reply) when a watched key changes first, whoever changes it: another
// connection, Do, the typed API, a script, or the key's expiry. Every path
// that changes a key calls db.modified, which calls touchWatched.

var (
	errMultiNested   = newError("ERR MULTI calls can not be nested")
	errExecNoMulti   = newError("ERR EXEC without MULTI")
	errDiscardNoMult = newError("ERR DISCARD without MULTI")
	errWatchInMulti  = newError("ERR WATCH inside MULTI is not allowed")
	errNoMulti       = newError("ERR Command not allowed inside a transaction")
	errExecAbort     = newError("EXECABORT Transaction discarded because of previous errors.")
)

// connTx is a connection's MULTI and WATCH state. Everything in it is
// guarded by the store lock.
type connTx struct {
	multi   bool          // MULTI ran: commands are queued until EXEC or DISCARD
	aborted bool          // a command could not be queued: EXEC answers EXECABORT (Redis's DIRTY_EXEC)
	dirty   bool          // a watched key changed: EXEC answers nil (Redis's DIRTY_CAS)
	queue   [][]string    // the commands queued since MULTI, each its own copy
	flags   cmdFlag       // the flags of the queued commands, or-ed (Redis's mstate.cmd_flags)
	watched []*watchedKey // the keys WATCH registered, in any database
}

// watchedKey is one key a connection watches. The same value is listed in
// the connection's connTx and in the database's watched map.
type watchedKey struct {
	conn *Conn
	db   *db
	key  string
	// expired: the key had expired, but was not yet deleted, when WATCH
	// ran. Its deletion is then no change; Redis keeps the same flag.
	expired bool
}

// inMulti reports whether the connection is queuing commands after MULTI.
func (c *Conn) inMulti() bool { return c.tx.multi }

// runsInMulti reports whether cmd runs at once after MULTI instead of being
// queued, as in Redis: EXEC, DISCARD, MULTI (nested: an error), WATCH (an
// error), QUIT and RESET.
func runsInMulti(cmd *command) bool {
	switch cmd.name {
	case "exec", "discard", "multi", "watch", "quit", "reset":
		return true
	}
	return false
}

// execOrQueue runs the connection's command in k, or queues it when the
// connection is in MULTI: the reply is then +QUEUED, or the error that
// refused it, which makes EXEC fail with EXECABORT. The caller holds s.mu.
func (c *Conn) execOrQueue(k *call) {
	if len(k.args) > 1 && equalFoldASCII("exec", k.args[0]) {
		c.reject(k.args, k.w, arityError("exec"))
		return
	}
	if !c.tx.multi {
		c.s.exec(k)
		return
	}
	cmd := resolveCommand(k.args)
	switch {
	case cmd == nil: // unknown command or subcommand, wrong arity: exec says which
		c.s.exec(k)
		c.tx.aborted = true
	case runsInMulti(cmd):
		c.s.exec(k)
	case cmd.flags&flagNoMulti != 0:
		c.s.rejected(cmd) // INFO commandstats (stats.go)
		k.fail(errNoMulti)
		c.tx.aborted = true
	default:
		// Once EXEC is bound to fail there is no point in keeping more.
		if !c.tx.aborted && !c.tx.dirty {
			c.tx.queue = append(c.tx.queue, slices.Clone(k.args))
			c.tx.flags |= cmd.flags
		}
		k.w.Status("QUEUED")
	}
}

// reject answers a command the connection refuses before running it
// (unknown name, wrong arity, NOAUTH, subscribed mode, BUSY) as Redis's
// rejectCommand does: it flags the transaction, if any, so that EXEC fails
// with EXECABORT; a refused EXEC ends the transaction at once, with an
// EXECABORT that says why. The caller holds s.mu.
func (c *Conn) reject(args []string, w resp.Writer, err error) {
	c.s.rejectCommand(args, err) // INFO errorstats and commandstats (stats.go)
	if len(args) > 0 && equalFoldASCII("exec", args[0]) {
		c.discardTx()
		w.Error("EXECABORT Transaction discarded because of: " + strings.TrimPrefix(replyText(err), "ERR "))
		return
	}
	if c.tx.multi {
		c.tx.aborted = true
	}
	w.Error(replyText(err))
}

// discardTx leaves MULTI, drops the queued commands and unwatches every key,
// as DISCARD, EXEC and RESET do. The caller holds s.mu.
func (c *Conn) discardTx() {
	c.tx.multi, c.tx.aborted, c.tx.dirty, c.tx.flags = false, false, false, 0
	clear(c.tx.queue)
	c.tx.queue = c.tx.queue[:0]
	c.unwatchAll()
}

// closeTx drops the connection's transaction and watched keys when it
// closes. It takes the store lock.
func (c *Conn) closeTx() {
	c.s.mu.Lock()
	c.discardTx()
	c.s.mu.Unlock()
}

// watch starts watching key in d, unless the connection already does.
func (c *Conn) watch(d *db, key string) {
	for _, wk := range c.tx.watched {
		if wk.db == d && wk.key == key {
			return
		}
	}
	e := d.keys[key] // not peek: WATCH does not delete an expired key
	wk := &watchedKey{conn: c, db: d, key: key, expired: e != nil && d.expiredEntry(e)}
	if d.watched == nil {
		d.watched = make(map[string][]*watchedKey)
	}
	d.watched[key] = append(d.watched[key], wk)
	c.tx.watched = append(c.tx.watched, wk)
}

// unwatchAll stops watching every key. The dirty flag stays as it is.
func (c *Conn) unwatchAll() {
	for _, wk := range c.tx.watched {
		d := wk.db
		list := d.watched[wk.key]
		if i := slices.Index(list, wk); i >= 0 {
			list = slices.Delete(list, i, i+1)
		}
		if len(list) == 0 {
			delete(d.watched, wk.key)
		} else {
			d.watched[wk.key] = list
		}
	}
	clear(c.tx.watched)
	c.tx.watched = c.tx.watched[:0]
}

// watchedKeyExpired reports whether a key the connection watches has expired
// since WATCH: EXEC then fails, as in Redis, even though nothing deleted the
// key yet.
func (c *Conn) watchedKeyExpired() bool {
	for _, wk := range c.tx.watched {
		if wk.expired {
			continue
		}
		if e := wk.db.keys[wk.key]; e != nil && wk.db.expiredEntry(e) {
			return true
		}
	}
	return false
}

// expiredEntry reports whether e's deadline has passed, whether or not
// the key was deleted yet.
func (d *db) expiredEntry(e *entry) bool {
	return e.expireAt != 0 && e.expireAt <= d.s.nowMS()
}

// touchWatched breaks the WATCH of every connection watching key in d: their
// next EXEC fails. A connection that watched the key when it had already
// expired is not touched when the key is deleted. The cost is a map length
// check when nobody watches.
func (d *db) touchWatched(key string) {
	if len(d.watched) == 0 {
		return
	}
	list := d.watched[key]
	if len(list) == 0 {
		return
	}
	var hit []*Conn
	for _, wk := range list {
		if wk.expired {
			e := d.keys[key]
			if e == nil {
				wk.expired = false // the expired key is gone: logically no change
				continue
			}
			if d.expiredEntry(e) {
				continue // still the expired value
			}
			// Written over without being deleted first (MSET): a change.
		}
		hit = append(hit, wk.conn)
	}
	for _, c := range hit {
		c.tx.dirty = true
		c.unwatchAll() // nothing more to learn from the other keys
	}
}

// touchAllWatched breaks the WATCH of the connections watching a key of d
// that d holds (FLUSHDB, FLUSHALL) or that either d or with holds (SWAPDB
// with with as the other database), as Redis does: keys that had expired
// when they were watched, and stay expired or absent, are no change. The
// caller calls it before the contents change.
func (d *db) touchAllWatched(with *db) {
	if len(d.watched) == 0 {
		return
	}
	for key, list := range d.watched {
		e := d.keys[key]
		var other *entry
		if with != nil {
			other = with.keys[key]
		}
		if e == nil && other == nil {
			continue
		}
		for _, wk := range list {
			switch {
			case wk.expired:
				if other == nil {
					wk.expired = false // the expired key is deleted: no change
					continue
				}
				if with.expiredEntry(other) {
					continue // an expired key stays expired
				}
			case e == nil && with.expiredEntry(other):
				wk.expired = true // a missing key becomes an expired one
				continue
			}
			wk.conn.tx.dirty = true
		}
	}
}

// cmdMulti is MULTI.
func cmdMulti(c *call) {
	conn := c.conn
	if conn == nil {
		c.ok() // Do and scripts: a connection of one command
		return
	}
	if conn.tx.multi {
		c.fail(errMultiNested)
		return
	}
	conn.tx.multi = true
	c.ok()
}

// cmdDiscard is DISCARD.
func cmdDiscard(c *call) {
	conn := c.conn
	if conn == nil || !conn.tx.multi {
		c.fail(errDiscardNoMult)
		return
	}
	conn.discardTx()
	c.ok()
}

// cmdExec is EXEC: it runs the queued commands one after the other under the
// lock the caller holds, with the clock frozen, and replies with an array of
// their replies (errors included: nothing is rolled back). It replies nil
// when a watched key changed, EXECABORT when a command could not be queued.
func cmdExec(c *call) {
	conn := c.conn
	if conn == nil || !conn.tx.multi {
		c.fail(errExecNoMulti)
		return
	}
	if conn.watchedKeyExpired() {
		conn.tx.dirty = true
	}
	switch {
	case conn.tx.aborted:
		conn.discardTx()
		c.fail(errExecAbort)
		return
	case conn.tx.dirty:
		conn.discardTx()
		c.w.NullArray()
		return
	}
	conn.unwatchAll()
	s := c.s
	if s.freeze() {
		defer s.thaw()
	}
	// A transaction state of its own makes blocking commands answer at
	// once, as they do inside MULTI in Redis. The connection stays in
	// MULTI until the end, as CLIENT LIST shows it (flags=x) in Redis; no
	// command that changes the queue can be queued.
	tx := &txState{}
	c.w.Array(len(conn.tx.queue))
	for _, args := range conn.tx.queue {
		k := s.getCall()
		k.db, k.args, k.w, k.ctx, k.conn, k.tx = c.db, args, c.w, c.ctx, conn, tx
		s.exec(k)
		c.db = k.db
		k.conn = nil
		s.putCall(k)
	}
	conn.discardTx()
}

// queuedFlags returns the flags of the commands queued since MULTI, or-ed:
// EXEC writes when it holds a command flagged write (CLIENT PAUSE WRITE
// holds it back, as Redis does).
func (c *Conn) queuedFlags() cmdFlag { return c.tx.flags }

// queued returns how many commands the connection queued since MULTI
// (CLIENT LIST's multi=), or -1 outside MULTI.
func (c *Conn) queued() int {
	if !c.tx.multi {
		return -1
	}
	return len(c.tx.queue)
}

// cmdWatch is WATCH key [key ...].
func cmdWatch(c *call) {
	conn := c.conn
	if conn == nil {
		c.ok() // Do and scripts: a connection of one command
		return
	}
	if conn.tx.multi {
		c.fail(errWatchInMulti)
		return
	}
	if !conn.tx.dirty { // no point in watching once EXEC is bound to fail
		for _, key := range c.args[1:] {
			conn.watch(c.db, key)
		}
	}
	c.ok()
}

// cmdUnwatch is UNWATCH.
func cmdUnwatch(c *call) {
	if conn := c.conn; conn != nil {
		conn.unwatchAll()
		conn.tx.dirty = false
	}
	c.ok()
}

// txCommands are MULTI, EXEC, DISCARD, WATCH and UNWATCH.
var txCommands = []*command{
	{name: "multi", arity: 1, flags: flagNoscript | flagLoading | flagStale | flagFast | flagAllowBusy, run: cmdMulti},
	{name: "exec", arity: 1, flags: flagNoscript | flagLoading | flagStale | flagSkipSlowlog, run: cmdExec},
	{name: "discard", arity: 1, flags: flagNoscript | flagLoading | flagStale | flagFast | flagAllowBusy, run: cmdDiscard},
	{name: "watch", arity: -2, flags: flagNoscript | flagLoading | flagStale | flagFast | flagAllowBusy, firstKey: 1, lastKey: -1, step: 1, run: cmdWatch},
	{name: "unwatch", arity: 1, flags: flagNoscript | flagLoading | flagStale | flagFast | flagAllowBusy, run: cmdUnwatch},
}
