package racefree

import (
	"slices"
	"strings"
)

// Client-side caching (CLIENT TRACKING), as Redis 7.0 does it. In the
// default mode the store remembers, per key name (in any database), the
// connections that read it; when the key changes, each gets one
// invalidation and forgets the key. In BCAST mode a connection gets an
// invalidation for every changed key that starts with one of its prefixes.
// Invalidations are pushes (RESP3: >2 "invalidate" [keys]); a RESP2
// connection gets them only through REDIRECT to a connection subscribed to
// something, as messages of __redis__:invalidate. FLUSHDB and FLUSHALL send
// a null: everything is invalid.
//
// Redis gathers the keys a BCAST client must hear about until its event
// loop turns; racefree until the connection's command ends (a command of a
// transaction, a script with all it called), or at once for changes made
// outside a connection (the Go API, Do).

// Errors of CLIENT TRACKING and CLIENT CACHING.
var (
	errTrackingRedirect  = newError("ERR A client can only redirect to a single other client")
	errTrackingNoClient  = newError("ERR The client ID you want redirect to does not exist")
	errTrackingPrefix    = newError("ERR PREFIX option requires BCAST mode to be enabled")
	errTrackingBcastMode = newError("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
	errTrackingOptBcast  = newError("ERR OPTIN and OPTOUT are not compatible with BCAST")
	errTrackingOptBoth   = newError("ERR You can't specify both OPTIN mode and OPTOUT mode")
	errTrackingOptSwitch = newError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
	errTrackingOverlap   = newError("ERR Prefix overlaps with another prefix. Prefixes for a single client must not overlap.")
	errCachingMode       = newError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
	errCachingYes        = newError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
	errCachingNo         = newError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
)

// connTracking is a connection's client-side caching state (CLIENT
// TRACKING), guarded by the store lock.
type connTracking struct {
	on, bcast, optin, optout, noloop bool
	caching                          bool // CLIENT CACHING ran for the next command
	broken                           bool // the redirect target went away
	redirect                         int64
	prefixes                         []string // BCAST, sorted
}

// trackState is the store's tracking table.
type trackState struct {
	clients int                           // connections with tracking on
	keys    map[string]map[int64]struct{} // key name -> ids of the connections that read it
	bcast   []*Conn                       // connections in BCAST mode
	slow    []*Conn                       // overflowed while invalidating: killed after the command
	// changed holds, per BCAST prefix, the keys with that prefix that the
	// running command changed and the connection that changed each last
	// (nil outside a connection), until flushBcast sends them.
	changed map[string]map[string]*Conn
}

// trackingOn reports whether CLIENT TRACKING is on for the connection.
func (c *Conn) trackingOn() bool { return c.track.on }

// trackingRedirect returns the id invalidations are redirected to: -1 when
// tracking is off, 0 when not redirected.
func (c *Conn) trackingRedirect() int64 {
	if !c.track.on {
		return -1
	}
	return c.track.redirect
}

// trackingStats returns what INFO stats reports of the tracking table:
// tracking_total_keys, tracking_total_items (key and connection pairs) and
// tracking_total_prefixes. The caller holds the store lock.
func (s *Store) trackingStats() (keys, items, prefixes int) {
	t := &s.ps.track
	for _, ids := range t.keys {
		items += len(ids)
	}
	seen := map[string]bool{}
	for _, c := range t.bcast {
		for _, p := range c.track.prefixes {
			seen[p] = true
		}
	}
	return len(t.keys), items, len(seen)
}

// trackingOff disables tracking for c. The caller holds the store lock.
func (c *Conn) trackingOff() {
	if !c.track.on {
		return
	}
	p := &c.s.ps
	if c.track.bcast {
		for i, x := range p.track.bcast {
			if x == c {
				p.track.bcast = append(p.track.bcast[:i], p.track.bcast[i+1:]...)
				break
			}
		}
	}
	c.track = connTracking{}
	p.track.clients--
	if p.track.clients == 0 {
		p.track.keys = nil
	}
	p.rehook()
}

// invalidateTracked sends an invalidation for key to the connections that
// track it. The caller holds the store lock.
func (s *Store) invalidateTracked(key string) {
	t := &s.ps.track
	if t.clients == 0 {
		return
	}
	if len(t.bcast) > 0 {
		s.noteBcast(key)
	}
	ids := t.keys[key]
	if ids == nil {
		return
	}
	delete(t.keys, key)
	for id := range ids {
		c := s.srv.conns[id]
		if c == nil || !c.track.on || c.track.bcast || c.track.noloop && c == s.ps.current {
			continue
		}
		s.sendInvalidation(c, []string{key})
	}
}

// noteBcast records that key changed for the BCAST prefixes it matches; a
// connection's command sends them all when it ends (afterCommand), as Redis
// sends what its event loop gathered, any other caller at once.
func (s *Store) noteBcast(key string) {
	t := &s.ps.track
	for _, c := range t.bcast {
		for _, p := range c.track.prefixes {
			if !strings.HasPrefix(key, p) {
				continue
			}
			if t.changed == nil {
				t.changed = map[string]map[string]*Conn{}
			}
			if t.changed[p] == nil {
				t.changed[p] = map[string]*Conn{}
			}
			t.changed[p][key] = s.ps.current
		}
	}
	if s.ps.current == nil {
		s.flushBcast()
	}
}

// flushBcast sends the BCAST invalidations gathered since the last flush:
// one push per prefix and connection, the keys in order, without those a
// NOLOOP connection changed itself.
func (s *Store) flushBcast() {
	t := &s.ps.track
	if len(t.changed) == 0 {
		return
	}
	changed := t.changed
	t.changed = nil
	prefixes := make([]string, 0, len(changed))
	for p := range changed {
		prefixes = append(prefixes, p)
	}
	slices.Sort(prefixes)
	for _, p := range prefixes {
		keys := make([]string, 0, len(changed[p]))
		for k := range changed[p] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, c := range t.bcast {
			if !slices.Contains(c.track.prefixes, p) {
				continue
			}
			send := keys
			if c.track.noloop {
				send = nil
				for _, k := range keys {
					if changed[p][k] != c {
						send = append(send, k)
					}
				}
				if len(send) == 0 {
					continue
				}
			}
			s.sendInvalidation(c, send)
		}
	}
}

// invalidateTrackedAll tells every tracking connection that all keys are
// invalid (FLUSHDB, FLUSHALL) and empties the table. A FLUSHALL flushes
// every database, but each connection hears of it once.
func (s *Store) invalidateTrackedAll() {
	t := &s.ps.track
	if t.clients == 0 {
		return
	}
	for _, c := range s.sortedConns() {
		if c.track.on {
			s.sendInvalidation(c, nil)
		}
	}
	t.keys = nil
}

// sendInvalidation sends c (or the connection it redirects to) an
// invalidation of keys; nil keys is the flush null. The caller holds the
// store lock.
func (s *Store) sendInvalidation(c *Conn, keys []string) {
	to := c
	if c.track.redirect != 0 {
		to = s.srv.conns[c.track.redirect]
		if to == nil {
			c.track.broken = true
			if c.proto == 3 {
				b := appendPushHeader(nil, 3, 2)
				b = appendBulk(b, "tracking-redir-broken")
				b = appendIntReply(b, c.track.redirect)
				s.pushOrKill(c, b)
			}
			return
		}
	}
	var b []byte
	switch {
	case to.proto == 3:
		b = appendPushHeader(b, 3, 2)
		b = appendBulk(b, "invalidate")
	case c.track.redirect != 0 && to.ps.sub.total() > 0:
		b = appendPushHeader(b, 2, 3)
		b = appendBulk(b, "message")
		b = appendBulk(b, "__redis__:invalidate")
	default:
		return // RESP2 without a subscribed redirect target: nowhere to send
	}
	if keys == nil {
		b = appendNullReply(b, to.proto)
	} else {
		b = appendPushHeader(b, 2, len(keys)) // an array in both protocols
		for _, k := range keys {
			b = appendBulk(b, k)
		}
	}
	if !to.pushFlush(b, keys == nil) {
		s.killLater(to)
	}
}

// pushOrKill queues a push for c and kills c (later) when its queue
// overflowed.
func (s *Store) pushOrKill(c *Conn, b []byte) {
	if !c.push(b) {
		s.killLater(c)
	}
}

// killLater kills c once the current command is over (afterCommand), so
// that tables being walked do not change under the walker. The caller holds
// the store lock.
func (s *Store) killLater(c *Conn) {
	for _, x := range s.ps.track.slow {
		if x == c {
			return
		}
	}
	s.ps.track.slow = append(s.ps.track.slow, c)
}

// killSlow kills the connections whose push queue overflowed during a
// command. The caller holds the store lock.
func (s *Store) killSlow() {
	slow := s.ps.track.slow
	s.ps.track.slow = nil
	for _, c := range slow {
		c.kill()
	}
}

// trackAfter runs after a command of a tracking connection: it remembers
// the keys a read-only command read (or a script declared, when it read
// any) and clears CLIENT CACHING's one-command flag.
func (s *Store) trackAfter(c *Conn, cmd *command, args []string) {
	t := &c.track
	if !t.bcast {
		script := isScriptCommand(cmd)
		if cmd.flags&flagReadonly != 0 && !script || script && s.ps.scriptRead {
			s.rememberKeys(c, cmd, args)
		}
	}
	if t.caching && !c.inMulti() && !strings.HasPrefix(cmd.name, "client|") {
		t.caching = false
	}
}

func isScriptCommand(cmd *command) bool {
	switch cmd.name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return true
	}
	return false
}

// rememberKeys notes that c read the keys of the command args.
func (s *Store) rememberKeys(c *Conn, cmd *command, args []string) {
	t := &c.track
	if t.optin && !t.caching || t.optout && t.caching || cmd.flags&flagPubsub != 0 {
		return
	}
	keys := trackedKeys(cmd, args)
	if len(keys) == 0 {
		return
	}
	tt := &s.ps.track
	if tt.keys == nil {
		tt.keys = map[string]map[int64]struct{}{}
	}
	for _, k := range keys {
		ids := tt.keys[k]
		if ids == nil {
			ids = map[int64]struct{}{}
			tt.keys[k] = ids
		}
		ids[c.id] = struct{}{}
	}
}

// trackedKeys returns the key arguments of a command, as Redis's
// getKeysFromCommand finds them.
func trackedKeys(cmd *command, args []string) []string {
	numkeysAt := func(at int) []string {
		if at >= len(args) {
			return nil
		}
		n, ok := parseInt(args[at])
		if !ok || n <= 0 || int(n) > len(args)-at-1 {
			return nil
		}
		return args[at+1 : at+1+int(n)]
	}
	switch cmd.name {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return numkeysAt(2)
	case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop":
		return numkeysAt(1)
	case "sort", "sort_ro":
		return args[1:2]
	case "xread", "xreadgroup":
		for i := 1; i < len(args); i++ {
			if equalFoldASCII("streams", args[i]) {
				rest := args[i+1:]
				return rest[:len(rest)/2]
			}
		}
		return nil
	}
	if cmd.firstKey <= 0 || cmd.firstKey >= len(args) {
		return nil
	}
	last := cmd.lastKey
	if last < 0 {
		last += len(args)
	}
	step := max(cmd.step, 1)
	var keys []string
	for i := cmd.firstKey; i <= last && i < len(args); i += step {
		keys = append(keys, args[i])
	}
	return keys
}

// cmdClientTracking is CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX
// p ...] [OPTIN] [OPTOUT] [NOLOOP].
func cmdClientTracking(c *call) {
	conn := c.conn
	if conn == nil {
		// Do: a connection of one command, which reads nothing after.
		conn = &Conn{s: c.s}
	}
	var (
		redirect                           int64
		bcast, optin, optout, noloop, seen bool
		prefixes                           []string
	)
	for i := 3; i < len(c.args); i++ {
		more := len(c.args) - 1 - i
		switch opt := c.args[i]; {
		case equalFoldASCII("redirect", opt) && more > 0:
			i++
			if redirect != 0 || seen {
				c.fail(errTrackingRedirect)
				return
			}
			id, ok := parseInt(c.args[i])
			if !ok {
				c.fail(ErrNotInteger)
				return
			}
			if c.s.srv.conns[id] == nil {
				c.fail(errTrackingNoClient)
				return
			}
			redirect, seen = id, true
		case equalFoldASCII("bcast", opt):
			bcast = true
		case equalFoldASCII("optin", opt):
			optin = true
		case equalFoldASCII("optout", opt):
			optout = true
		case equalFoldASCII("noloop", opt):
			noloop = true
		case equalFoldASCII("prefix", opt) && more > 0:
			i++
			prefixes = append(prefixes, c.args[i])
		default:
			c.fail(ErrSyntax)
			return
		}
	}
	switch {
	case equalFoldASCII("on", c.args[2]):
	case equalFoldASCII("off", c.args[2]):
		conn.trackingOff()
		c.ok()
		return
	default:
		c.fail(ErrSyntax)
		return
	}
	t := &conn.track
	switch {
	case !bcast && len(prefixes) > 0:
		c.fail(errTrackingPrefix)
		return
	case t.on && t.bcast != bcast:
		c.fail(errTrackingBcastMode)
		return
	case bcast && (optin || optout):
		c.fail(errTrackingOptBcast)
		return
	case optin && optout:
		c.fail(errTrackingOptBoth)
		return
	case optin && t.optout || optout && t.optin:
		c.fail(errTrackingOptSwitch)
		return
	}
	if bcast {
		if err := prefixCollision(t.prefixes, prefixes); err != nil {
			c.fail(err)
			return
		}
	}
	if c.conn == nil {
		c.ok() // Do: nothing to remember for a connection of one command
		return
	}
	p := &c.s.ps
	if !t.on {
		p.track.clients++
		p.rehook()
	}
	wasBcast := t.bcast
	t.on, t.broken, t.redirect = true, false, redirect
	t.bcast, t.optin, t.optout, t.noloop = bcast, optin, optout, noloop
	if bcast {
		if !wasBcast {
			p.track.bcast = append(p.track.bcast, conn)
		}
		if len(prefixes) == 0 {
			prefixes = []string{""}
		}
		for _, pr := range prefixes {
			if !slices.Contains(t.prefixes, pr) {
				t.prefixes = append(t.prefixes, pr)
			}
		}
		slices.Sort(t.prefixes)
	}
	c.ok()
}

// prefixCollision returns Redis's error when a new BCAST prefix overlaps
// (one is a prefix of the other) an existing one or another new one.
func prefixCollision(old, added []string) error {
	overlap := func(a, b string) bool { return strings.HasPrefix(a, b) || strings.HasPrefix(b, a) }
	for i, p := range added {
		for _, o := range old {
			if overlap(o, p) {
				return errorf(errTrackingOverlap, "ERR Prefix '%s' overlaps with an existing prefix '%s'. Prefixes for a single client must not overlap.", cString(p), cString(o))
			}
		}
		for _, q := range added[i+1:] {
			if overlap(p, q) {
				return errorf(errTrackingOverlap, "ERR Prefix '%s' overlaps with another provided prefix '%s'. Prefixes for a single client must not overlap.", cString(p), cString(q))
			}
		}
	}
	return nil
}

// cmdClientCaching is CLIENT CACHING YES|NO.
func cmdClientCaching(c *call) {
	t := &connOf(c).track
	if !t.on {
		c.fail(errCachingMode)
		return
	}
	switch {
	case equalFoldASCII("yes", c.args[2]):
		if !t.optin {
			c.fail(errCachingYes)
			return
		}
	case equalFoldASCII("no", c.args[2]):
		if !t.optout {
			c.fail(errCachingNo)
			return
		}
	default:
		c.fail(ErrSyntax)
		return
	}
	t.caching = true
	c.ok()
}

// cmdClientGetRedir is CLIENT GETREDIR.
func cmdClientGetRedir(c *call) { c.w.Int(connOf(c).trackingRedirect()) }

// cmdClientTrackingInfo is CLIENT TRACKINGINFO.
func cmdClientTrackingInfo(c *call) {
	conn := connOf(c)
	t := &conn.track
	flags := []string{"off"}
	if t.on {
		flags[0] = "on"
	}
	if t.bcast {
		flags = append(flags, "bcast")
	}
	if t.optin {
		flags = append(flags, "optin")
		if t.caching {
			flags = append(flags, "caching-yes")
		}
	}
	if t.optout {
		flags = append(flags, "optout")
		if t.caching {
			flags = append(flags, "caching-no")
		}
	}
	if t.noloop {
		flags = append(flags, "noloop")
	}
	if t.broken {
		flags = append(flags, "broken_redirect")
	}
	c.w.Map(3)
	c.w.Bulk("flags")
	c.w.Set(len(flags))
	for _, f := range flags {
		c.w.Bulk(f)
	}
	c.w.Bulk("redirect")
	c.w.Int(conn.trackingRedirect())
	c.w.Bulk("prefixes")
	c.w.Array(len(t.prefixes))
	for _, p := range t.prefixes {
		c.w.Bulk(p)
	}
}
