package racefree

import (
	"context"
	"strings"

	"github.com/racefree/racefree/resp"
)

// Conn is the state of one client connection, as redis-server keeps it per
// client: the selected database, the protocol (2, or 3 after HELLO 3), the
// client id, the name CLIENT SETNAME gave, and whether AUTH passed. The
// server package runs one per network connection; tests may use one to run
// commands exactly as a client would see them.
//
// A Conn is not safe for concurrent use: run one command at a time, as a
// connection does.
type Conn struct {
	s       *Store
	db      int
	proto   int
	id      int64
	name    string
	authed  bool
	noEvict bool
	quit    bool // QUIT ran: close after the reply
	closed  bool

	tx    connTx       // MULTI/WATCH state (multi.go)
	ps    connPubSub   // subscriptions (pubsub.go)
	track connTracking // client-side caching (tracking.go)
	info  connInfo     // what CLIENT LIST and CLIENT INFO report (client.go)
}

// NewConn returns the state of a new client connection on s: database 0,
// RESP2, a client id from the store-wide counter (the first is 1), no name,
// and authenticated unless s was made WithPassword.
func (s *Store) NewConn() *Conn {
	s.mu.Lock()
	s.clientID++
	c := &Conn{s: s, proto: 2, id: s.clientID, authed: s.password == ""}
	c.register()
	s.mu.Unlock()
	return c
}

// Proto returns the protocol the connection speaks: 2, or 3 after HELLO 3.
// Write the next reply in this protocol.
func (c *Conn) Proto() int { return c.proto }

// DB returns the index of the selected database.
func (c *Conn) DB() int { return c.db }

// ID returns the client id, as CLIENT ID and HELLO report it.
func (c *Conn) ID() int64 { return c.id }

// Authenticated reports whether the connection may run commands: AUTH
// passed, or the store has no password.
func (c *Conn) Authenticated() bool { return c.authed }

// Close ends the connection: later commands fail with ErrClosed. It does not
// interrupt a command running in Exec; cancel Exec's context for that.
func (c *Conn) Close() {
	c.closed = true
	c.closeConn()
	c.closeTx()
}

// Exec runs one command (its name first) for the connection and writes the
// reply to w, which must speak c.Proto() as it was before the call: a HELLO
// that switches protocol switches w too when w is a *resp.Builder or has a
// SetProto(int) method, so that HELLO's own reply is in the new protocol. A
// blocking command waits until it is served, its timeout passes or ctx ends
// (then it replies as for a timeout). closeAfter reports that the connection
// must close once the reply is sent (QUIT).
func (c *Conn) Exec(ctx context.Context, args []string, w resp.Writer) (closeAfter bool) {
	s := c.s
	if c.closed {
		w.Error(replyText(ErrClosed))
		return true
	}
	if !s.mu.TryLock() && c.lockOrBusy(args, w) {
		// A script holds the lock: SCRIPT KILL and the like ran without
		// it, or the command got BUSY (admin.go).
		return c.quit
	}
	if s.closed || c.info.killed {
		// A closed store serves no more commands: the connection ends.
		s.mu.Unlock()
		w.Error(replyText(ErrClosed))
		return true
	}
	s.touchClock()
	if !s.srv.pauseEnd.IsZero() && !c.waitPause(ctx, args) {
		s.mu.Unlock()
		w.Error(replyText(ErrClosed))
		return true
	}
	w = c.beforeExec(args, w)
	if !c.authed {
		if cmd := resolveCommand(args); cmd != nil && cmd.flags&flagNoAuth == 0 {
			c.reject(args, w, ErrNoAuth) // flags MULTI, EXECABORT for EXEC (multi.go)
			s.mu.Unlock()
			return false
		}
	}
	if c.pubsubActive() && c.pubsubGate(args, w) { // subscribed or MONITOR mode (pubsub.go)
		s.mu.Unlock()
		return false
	}
	k := s.getCall()
	k.db, k.args, k.w, k.ctx, k.conn = s.dbs[c.db], args, w, ctx, c
	c.execOrQueue(k) // s.exec(k), or queue it after MULTI (multi.go)
	c.db = k.db.id
	if k.blocked != nil {
		c.waitBlockedPushing(ctx, k) // c.waitBlocked, with pushes let out meanwhile (pubsub.go)
	}
	k.conn = nil
	s.putCall(k)
	c.afterExec()
	s.unlock()
	quit := c.quit
	c.quit = false
	return quit
}

// MayBlock reports whether args is a command that can wait for other
// clients (BLPOP, XREAD BLOCK, WAIT, ...): while Exec runs it, a server
// should watch the connection, to end the wait if the client hangs up.
func (c *Conn) MayBlock(args []string) bool {
	cmd := resolveCommand(args)
	return cmd != nil && (cmd.flags&flagBlocking != 0 || cmd.name == "wait")
}

// resolveCommand returns the command (or subcommand) args name when exec
// would run it, nil when exec answers with an unknown-command or arity error
// first (those errors come before NOAUTH in Redis).
func resolveCommand(args []string) *command {
	if len(args) == 0 {
		return nil
	}
	cmd := commands.lookup(args[0])
	if cmd == nil {
		return nil
	}
	if cmd.subs != nil && len(args) >= 2 {
		if cmd = cmd.subByName.lookup(args[1]); cmd == nil {
			return nil
		}
	}
	if n := len(args); cmd.arity > 0 && n != cmd.arity || n < -cmd.arity {
		return nil
	}
	return cmd
}

// connOf returns the connection of a call; Do, the typed API and scripts
// have none, and get a fresh one that is thrown away (RESP2, database as
// selected, id 0).
func connOf(c *call) *Conn {
	if c.conn != nil {
		return c.conn
	}
	return &Conn{s: c.s, proto: c.w.Proto(), db: c.db.id, authed: true}
}

// switchProto makes w write protocol p from now on, when it can.
func switchProto(w resp.Writer, p int) {
	switch w := w.(type) {
	case *resp.Builder:
		w.Protocol = p
	case interface{ SetProto(int) }:
		w.SetProto(p)
	}
}

// checkPassword reports whether user and password authenticate Redis's
// default user: with no password set any password does, as with nopass.
func (s *Store) checkPassword(user, password string) bool {
	if user != "default" {
		return false
	}
	return s.password == "" || password == s.password
}

// validClientName reports whether name may be a client name: printable
// ASCII without spaces.
func validClientName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] < '!' || name[i] > '~' {
			return false
		}
	}
	return true
}

// cmdHello is HELLO [protover [AUTH user pass] [SETNAME name]].
func cmdHello(c *call) {
	conn := connOf(c)
	proto := 0
	i := 1
	if len(c.args) >= 2 {
		v, ok := parseInt(c.args[1])
		if !ok {
			c.fail(ErrProtoVersion)
			return
		}
		if v < 2 || v > 3 {
			c.fail(ErrNoProto)
			return
		}
		proto, i = int(v), 2
	}
	// Options take effect as they are read, as in Redis: AUTH authenticates
	// and SETNAME names the connection even if a later option fails or
	// the connection is not authenticated.
	for ; i < len(c.args); i++ {
		more := len(c.args) - 1 - i
		switch opt := c.args[i]; {
		case strings.EqualFold(opt, "auth") && more >= 2:
			if !c.s.checkPassword(c.args[i+1], c.args[i+2]) {
				c.fail(ErrWrongPass)
				return
			}
			conn.authed = true
			i += 2
		case strings.EqualFold(opt, "setname") && more >= 1:
			if !validClientName(c.args[i+1]) {
				c.fail(ErrClientName)
				return
			}
			conn.name = c.args[i+1]
			i++
		default:
			c.fail(errorf(ErrHelloSyntax, "ERR Syntax error in HELLO option '%s'", cString(opt)))
			return
		}
	}
	if !conn.authed {
		c.fail(ErrHelloNoAuth)
		return
	}
	if proto != 0 && proto != conn.proto {
		conn.proto = proto
		switchProto(c.w, proto)
	}
	c.w.Map(7)
	c.w.Bulk("server")
	c.w.Bulk("redis")
	c.w.Bulk("version")
	c.w.Bulk("7.0.15")
	c.w.Bulk("proto")
	c.w.Int(int64(conn.proto))
	c.w.Bulk("id")
	c.w.Int(conn.id)
	c.w.Bulk("mode")
	c.w.Bulk("standalone")
	c.w.Bulk("role")
	c.w.Bulk("master")
	c.w.Bulk("modules")
	c.w.Array(0)
}

// cmdAuth is AUTH [username] password.
func cmdAuth(c *call) {
	var user, pass string
	switch len(c.args) {
	case 2:
		if c.s.password == "" {
			c.fail(ErrAuthNoPassword)
			return
		}
		user, pass = "default", c.args[1]
	case 3:
		user, pass = c.args[1], c.args[2]
	default:
		c.fail(ErrSyntax)
		return
	}
	if !c.s.checkPassword(user, pass) {
		c.fail(ErrWrongPass)
		return
	}
	if c.conn != nil {
		c.conn.authed = true
	}
	c.ok()
}

// cmdQuit is QUIT: OK, then the connection closes.
func cmdQuit(c *call) {
	if c.conn != nil {
		c.conn.quit = true
		c.conn.discardTx() // as when Redis frees the client
	}
	c.ok()
}

// cmdReset is RESET: the connection goes back to how it started (database
// 0, RESP2, no name, not authenticated when the store has a password).
func cmdReset(c *call) {
	c.db = c.s.dbs[0]
	if conn := c.conn; conn != nil {
		conn.discardTx()
		conn.releasePubSub()
		conn.name = ""
		conn.noEvict = false
		conn.info.reply = replyOn
		conn.authed = c.s.password == ""
		if conn.proto != 2 {
			conn.proto = 2
			switchProto(c.w, 2)
		}
	}
	c.w.Status("RESET")
}
