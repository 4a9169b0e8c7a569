package racefree

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/racefree/racefree/resp"
)

// Errors of CLIENT.
var (
	errNoSuchClient      = newError("ERR No such client")
	errClientIDPositive  = newError("ERR client-id should be greater than 0")
	errInvalidClientID   = newError("ERR Invalid client ID")
	errUnknownClientType = newError("ERR Unknown client type")
	errNoSuchUser        = newError("ERR No such user")
	errUnblockReason     = newError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
	errPauseMode         = newError("ERR CLIENT PAUSE mode must be WRITE or ALL")

	// ErrUnblocked is the reply of a blocked command that CLIENT UNBLOCK
	// ... ERROR released.
	ErrUnblocked = newError("UNBLOCKED client unblocked via CLIENT UNBLOCK")
)

// replyMode is what CLIENT REPLY set.
type replyMode uint8

const (
	replyOn       replyMode = iota
	replyOff                // CLIENT REPLY OFF: no replies until CLIENT REPLY ON
	replySkipNext           // CLIENT REPLY SKIP ran: the next command's reply is dropped
	replySkip               // this command's reply is dropped
)

// connInfo is what CLIENT LIST and CLIENT INFO report of a connection
// beyond its id, name and database, and what CLIENT KILL, UNBLOCK and REPLY
// act on. Its fields are guarded by the store lock.
type connInfo struct {
	addr, laddr string
	created     int64 // Unix seconds, the store's clock
	lastSeen    int64 // Unix seconds of the last command
	cmd         *command
	reply       replyMode
	killed      bool
	done        chan struct{} // closed when the connection is killed or closed
	// cancelBlock releases the command the connection is blocked in;
	// unblockErr says CLIENT UNBLOCK asked for an error reply.
	cancelBlock context.CancelFunc
	unblockErr  bool
}

// serverState is what the server commands keep store-wide: the live
// connections, CLIENT PAUSE, counters for INFO, CONFIG and SHUTDOWN. It is
// guarded by the store lock.
type serverState struct {
	conns    map[int64]*Conn
	runID    string // INFO's run_id, made on first use
	started  time.Time
	lastSave int64 // Unix seconds

	connsTotal    int64 // connections ever made
	commandsTotal int64 // commands run through connections

	pauseEnd  time.Time     // CLIENT PAUSE: commands wait until then
	pauseAll  bool          // ALL, not just WRITE
	pauseDone chan struct{} // closed when the pause ends early (CLIENT UNPAUSE)

	shutdown     chan struct{} // closed by SHUTDOWN
	shutdownDone bool

	cfg *configState // CONFIG SET values, made on first use (config.go)
}

// initServerState sets up s.srv; New calls it.
func (s *Store) initServerState() {
	now := s.clock.Now().Add(s.offset)
	s.srv.started = now
	s.srv.lastSave = now.Unix()
	s.srv.conns = map[int64]*Conn{}
	s.srv.shutdown = make(chan struct{})
	s.kill.busyAfter = 5 * time.Second // busy-reply-threshold
}

// register adds c to the live connections. The caller holds s.mu.
func (c *Conn) register() {
	s := c.s
	if s.srv.conns == nil {
		s.srv.conns = map[int64]*Conn{}
	}
	now := s.nowTime().Unix()
	c.info.created, c.info.lastSeen = now, now
	c.info.addr, c.info.laddr = "?:0", "?:0"
	c.info.done = make(chan struct{})
	s.srv.conns[c.id] = c
	s.srv.connsTotal++
}

// unregister removes c from the live connections once. The caller holds
// s.mu.
func (c *Conn) unregister() {
	c.releasePubSub()
	if c.s.srv.conns[c.id] == c {
		delete(c.s.srv.conns, c.id)
	}
	if c.info.done != nil && !c.info.killed {
		c.info.killed = true
		close(c.info.done)
	}
}

// closeConn is Close's work under the lock.
func (c *Conn) closeConn() {
	c.s.mu.Lock()
	c.unregister()
	c.s.mu.Unlock()
}

// SetAddr sets the remote and local addresses CLIENT LIST and CLIENT INFO
// report for the connection ("127.0.0.1:51234"), and that CLIENT KILL ADDR
// and LADDR match. The server package sets them for network connections;
// a Conn made with NewConn reports "?:0" for both.
func (c *Conn) SetAddr(remote, local string) {
	c.s.mu.Lock()
	c.info.addr, c.info.laddr = remote, local
	c.s.mu.Unlock()
}

// Done returns a channel that is closed when the connection ends: Close ran,
// or CLIENT KILL killed it from another connection. The owner of a network
// connection closes it when Done is closed; a killed Conn answers every
// later Exec with ErrClosed.
func (c *Conn) Done() <-chan struct{} { return c.info.done }

// beforeExec runs under the lock before a connection's command: it counts
// the command and returns the writer its reply goes to, which discards it
// when CLIENT REPLY turned replies off.
func (c *Conn) beforeExec(args []string, w resp.Writer) resp.Writer {
	s := c.s
	s.srv.commandsTotal++
	c.info.lastSeen = s.lru // the coarse clock: no clock read per command
	c.info.cmd = nil
	switch c.info.reply {
	case replyOn:
		return w
	case replySkipNext:
		c.info.reply = replySkip
	case replySkip:
		// The skipped command returned before afterExec (NOAUTH, ...):
		// this one answers.
		c.info.reply = replyOn
		return w
	}
	// CLIENT REPLY ON always answers.
	if len(args) == 3 && equalFoldASCII("client", args[0]) && equalFoldASCII("reply", args[1]) && equalFoldASCII("on", args[2]) {
		return w
	}
	return discardWriter{w.Proto()}
}

// afterExec runs under the lock after a connection's command.
func (c *Conn) afterExec() {
	if c.info.reply == replySkip {
		c.info.reply = replyOn
	}
}

// waitBlocked waits, without the lock, for the blocking command of k to be
// served, to time out, or to be released by CLIENT UNBLOCK or CLIENT KILL;
// it writes the reply when it was not served. The caller holds s.mu and
// still holds it on return.
func (c *Conn) waitBlocked(ctx context.Context, k *call) {
	s := c.s
	bctx, cancel := context.WithCancel(ctx)
	c.info.cancelBlock, c.info.unblockErr = cancel, false
	s.unlock()
	c.blockWait(true) // pushes may go out meanwhile (pubsub.go)
	served := s.wait(bctx, k.blocked, k.timeout)
	c.blockWait(false)
	s.mu.Lock()
	c.info.cancelBlock = nil
	cancel()
	if !served {
		if c.info.unblockErr {
			c.info.unblockErr = false
			k.fail(ErrUnblocked)
		} else {
			k.timedOut()
		}
	}
}

// waitPause holds a command back while CLIENT PAUSE is in effect for it. The
// caller holds s.mu and still holds it on return; it returns false when the
// connection ended or ctx ended while waiting.
func (c *Conn) waitPause(ctx context.Context, args []string) bool {
	s := c.s
	for {
		if s.srv.pauseEnd.IsZero() {
			return true
		}
		now := s.nowTime()
		if !now.Before(s.srv.pauseEnd) {
			s.srv.pauseEnd, s.srv.pauseDone = time.Time{}, nil
			return true
		}
		if !s.srv.pauseAll {
			cmd := resolveCommand(args)
			if cmd == nil || cmd.flags&(flagWrite|flagMayReplicate) == 0 && !isScriptCall(cmd) {
				return true
			}
		}
		done, wait := s.srv.pauseDone, s.srv.pauseEnd.Sub(now)
		s.mu.Unlock()
		t := time.NewTimer(wait)
		ok := true
		select {
		case <-t.C:
		case <-done:
		case <-c.info.done:
			ok = false
		case <-ctx.Done():
			ok = false
		case <-s.stop:
			ok = false
		}
		t.Stop()
		s.mu.Lock()
		if !ok {
			return false
		}
	}
}

// isScriptCall reports whether cmd runs a script or function, which CLIENT
// PAUSE WRITE holds back as Redis does for scripts that may write.
func isScriptCall(cmd *command) bool {
	switch cmd.name {
	case "eval", "evalsha", "fcall":
		return true
	}
	return false
}

// discardWriter drops a reply (CLIENT REPLY OFF and SKIP).
type discardWriter struct{ proto int }

func (discardWriter) Status(string)    {}
func (discardWriter) Error(string)     {}
func (discardWriter) Int(int64)        {}
func (discardWriter) Bulk(string)      {}
func (discardWriter) NullBulk()        {}
func (discardWriter) NullArray()       {}
func (discardWriter) Array(int)        {}
func (discardWriter) Map(int)          {}
func (discardWriter) Set(int)          {}
func (discardWriter) Double(float64)   {}
func (discardWriter) Bool(bool)        {}
func (d discardWriter) Proto() int     { return d.proto }
func (d discardWriter) SetProto(p int) {}

// verbatim writes s as a verbatim text string when w can (RESP3), else as a
// bulk string.
func verbatim(w resp.Writer, s string) {
	if v, ok := w.(interface{ Verbatim(format, s string) }); ok {
		v.Verbatim("txt", s)
		return
	}
	w.Bulk(s)
}

// clientType is a type CLIENT LIST TYPE and CLIENT KILL TYPE name.
type clientType int

const (
	clientNormal clientType = iota
	clientReplica
	clientPubSub
	clientMaster
)

func parseClientType(name string) (clientType, bool) {
	switch strings.ToLower(name) {
	case "normal":
		return clientNormal, true
	case "slave", "replica":
		return clientReplica, true
	case "pubsub":
		return clientPubSub, true
	case "master":
		return clientMaster, true
	}
	return 0, false
}

func (c *Conn) clientType() clientType {
	if ch, pat := c.subscriptions(); ch+pat+c.shardSubscriptions() > 0 {
		return clientPubSub
	}
	return clientNormal
}

// infoLine is the connection's line of CLIENT LIST, without the newline.
// The caller holds s.mu.
func (c *Conn) infoLine(now int64) string {
	flags := make([]byte, 0, 8)
	if c.clientType() == clientPubSub {
		flags = append(flags, 'P')
	}
	if c.inMulti() {
		flags = append(flags, 'x')
	}
	if c.info.cancelBlock != nil {
		flags = append(flags, 'b')
	}
	if c.trackingOn() {
		flags = append(flags, 't')
		if c.track.broken {
			flags = append(flags, 'R')
		}
		if c.track.bcast {
			flags = append(flags, 'B')
		}
	}
	if c.tx.dirty {
		flags = append(flags, 'd')
	}
	if c.noEvict {
		flags = append(flags, 'e')
	}
	if len(flags) == 0 {
		flags = append(flags, 'N')
	}
	ch, pat := c.subscriptions()
	cmd := "NULL"
	if c.info.cmd != nil {
		cmd = c.info.cmd.name
	}
	addr, laddr, created, seen := c.info.addr, c.info.laddr, c.info.created, c.info.lastSeen
	if c.info.done == nil { // the passing connection of Do, the typed API or a script
		addr, laddr, created, seen = "?:0", "?:0", now, now
	}
	var b strings.Builder
	b.Grow(300)
	b.WriteString("id=")
	b.WriteString(strconv.FormatInt(c.id, 10))
	b.WriteString(" addr=" + addr + " laddr=" + laddr + " fd=-1 name=" + c.name)
	b.WriteString(" age=" + strconv.FormatInt(now-created, 10))
	b.WriteString(" idle=" + strconv.FormatInt(max(now-seen, 0), 10))
	b.WriteString(" flags=" + string(flags) + " db=" + strconv.Itoa(c.db))
	b.WriteString(" sub=" + strconv.Itoa(ch) + " psub=" + strconv.Itoa(pat) + " ssub=" + strconv.Itoa(c.shardSubscriptions()))
	b.WriteString(" multi=" + strconv.Itoa(c.queued()))
	b.WriteString(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=0 tot-mem=16384 events=r")
	b.WriteString(" cmd=" + cmd + " user=default redir=" + strconv.FormatInt(c.trackingRedirect(), 10))
	b.WriteString(" resp=" + strconv.Itoa(c.proto))
	return b.String()
}

// sortedConns returns the live connections in the order they were made.
func (s *Store) sortedConns() []*Conn {
	out := make([]*Conn, 0, len(s.srv.conns))
	for _, c := range s.srv.conns {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Conn) int { return int(a.id - b.id) })
	return out
}

// ClientInfo is one connection as CLIENT LIST describes it.
type ClientInfo struct {
	ID   int64  // the client id (CLIENT ID)
	Addr string // the remote address, "?:0" for a Conn made in process
	Name string // the name CLIENT SETNAME or HELLO SETNAME gave, or ""
	DB   int    // the selected database
	// Line is the connection's whole CLIENT LIST line.
	Line string
}

// ClientList describes the live connections (made with NewConn, which the
// server package does for each client), oldest first, as CLIENT LIST does.
func (c *cmdable) ClientList() ([]ClientInfo, error) {
	if _, err := c.begin(false); err != nil {
		return nil, err
	}
	defer c.end()
	now := c.s.nowTime().Unix()
	var out []ClientInfo
	for _, conn := range c.s.sortedConns() {
		out = append(out, ClientInfo{ID: conn.id, Addr: conn.info.addr, Name: conn.name, DB: conn.db, Line: conn.infoLine(now)})
	}
	return out, nil
}

// ClientKill closes the connection with the given id, as CLIENT KILL ID
// does, and reports whether there was one. A command it is blocked in is
// released.
func (c *cmdable) ClientKill(id int64) (bool, error) {
	if _, err := c.begin(false); err != nil {
		return false, err
	}
	defer c.end()
	conn := c.s.srv.conns[id]
	if conn == nil {
		return false, nil
	}
	conn.kill()
	return true, nil
}

// kill ends the connection from another one. The caller holds s.mu.
func (c *Conn) kill() {
	if f := c.info.cancelBlock; f != nil {
		f()
	}
	c.unregister()
}

func cmdClientID(c *call) { c.w.Int(connOf(c).id) }

func cmdClientGetName(c *call) {
	conn := connOf(c)
	c.bulkOrNil(conn.name, conn.name != "")
}

func cmdClientSetName(c *call) {
	if !validClientName(c.args[2]) {
		c.fail(ErrClientName)
		return
	}
	connOf(c).name = c.args[2]
	c.ok()
}

func cmdClientNoEvict(c *call) {
	switch {
	case strings.EqualFold(c.args[2], "on"):
		connOf(c).noEvict = true
	case strings.EqualFold(c.args[2], "off"):
		connOf(c).noEvict = false
	default:
		c.fail(ErrSyntax)
		return
	}
	c.ok()
}

func cmdClientInfo(c *call) {
	verbatim(c.w, connOf(c).infoLine(c.s.nowTime().Unix())+"\n")
}

func cmdClientList(c *call) {
	conns := c.s.sortedConns()
	if c.conn == nil {
		// Do, the typed API and scripts run on a connection of their own.
		conns = append(conns, connOf(c))
	}
	typ := clientType(-1)
	switch {
	case len(c.args) == 4 && strings.EqualFold(c.args[2], "type"):
		t, ok := parseClientType(c.args[3])
		if !ok {
			c.fail(errorf(errUnknownClientType, "ERR Unknown client type '%s'", cString(c.args[3])))
			return
		}
		typ = t
	case len(c.args) > 3 && strings.EqualFold(c.args[2], "id"):
		var picked []*Conn
		for _, a := range c.args[3:] {
			id, ok := parseInt(a)
			if !ok {
				c.fail(errInvalidClientID)
				return
			}
			if conn := c.s.srv.conns[id]; conn != nil {
				picked = append(picked, conn)
			}
		}
		conns = picked
	case len(c.args) != 2:
		c.fail(ErrSyntax)
		return
	}
	now := c.s.nowTime().Unix()
	var b strings.Builder
	for _, conn := range conns {
		if typ >= 0 && conn.clientType() != typ {
			continue
		}
		b.WriteString(conn.infoLine(now))
		b.WriteByte('\n')
	}
	verbatim(c.w, b.String())
}

func cmdClientReply(c *call) {
	conn := connOf(c)
	switch {
	case strings.EqualFold(c.args[2], "on"):
		conn.info.reply = replyOn
		c.ok()
	case strings.EqualFold(c.args[2], "off"):
		conn.info.reply = replyOff
	case strings.EqualFold(c.args[2], "skip"):
		if conn.info.reply != replyOff {
			conn.info.reply = replySkipNext
		}
	default:
		c.fail(ErrSyntax)
	}
}

func cmdClientKill(c *call) {
	self := connOf(c)
	var addr, laddr *string
	typ, id, skipme, byUser := clientType(-1), int64(0), true, false
	switch {
	case len(c.args) == 3:
		addr, skipme = &c.args[2], false
	case len(c.args) > 3:
		for i := 2; i < len(c.args); i += 2 {
			opt, more := c.args[i], i+1 < len(c.args)
			switch {
			case strings.EqualFold(opt, "id") && more:
				n, ok := parseInt(c.args[i+1])
				if !ok || n < 1 {
					c.fail(errClientIDPositive)
					return
				}
				id = n
			case strings.EqualFold(opt, "type") && more:
				t, ok := parseClientType(c.args[i+1])
				if !ok {
					c.fail(errorf(errUnknownClientType, "ERR Unknown client type '%s'", cString(c.args[i+1])))
					return
				}
				typ = t
			case strings.EqualFold(opt, "addr") && more:
				addr = &c.args[i+1]
			case strings.EqualFold(opt, "laddr") && more:
				laddr = &c.args[i+1]
			case strings.EqualFold(opt, "user") && more:
				if c.args[i+1] != "default" {
					c.fail(errorf(errNoSuchUser, "ERR No such user '%s'", cString(c.args[i+1])))
					return
				}
				byUser = true
			case strings.EqualFold(opt, "skipme") && more:
				switch {
				case strings.EqualFold(c.args[i+1], "yes"):
					skipme = true
				case strings.EqualFold(c.args[i+1], "no"):
					skipme = false
				default:
					c.fail(ErrSyntax)
					return
				}
			default:
				c.fail(ErrSyntax)
				return
			}
		}
	default:
		c.fail(ErrSyntax)
		return
	}
	_ = byUser // every connection is the default user's
	killed := 0
	for _, conn := range c.s.sortedConns() {
		switch {
		case addr != nil && conn.info.addr != *addr,
			laddr != nil && conn.info.laddr != *laddr,
			typ >= 0 && conn.clientType() != typ,
			id != 0 && conn.id != id,
			conn == self && skipme:
			continue
		}
		if conn == self {
			self.quit = true // close after this reply
		} else {
			conn.kill()
		}
		killed++
	}
	if len(c.args) == 3 {
		if killed == 0 {
			c.fail(errNoSuchClient)
			return
		}
		c.ok()
		return
	}
	c.w.Int(int64(killed))
}

func cmdClientUnblock(c *call) {
	if len(c.args) > 4 {
		failSubcommandArgs(c)
		return
	}
	unblockErr := false
	if len(c.args) == 4 {
		switch {
		case strings.EqualFold(c.args[3], "timeout"):
		case strings.EqualFold(c.args[3], "error"):
			unblockErr = true
		default:
			c.fail(errUnblockReason)
			return
		}
	}
	id, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	c.bool(c.s.clientUnblock(id, unblockErr))
}

// clientUnblock releases the command connection id is blocked in, as for a
// timeout or with ErrUnblocked. The caller holds s.mu.
func (s *Store) clientUnblock(id int64, withError bool) bool {
	conn := s.srv.conns[id]
	if conn == nil || conn.info.cancelBlock == nil {
		return false
	}
	conn.info.unblockErr = withError
	conn.info.cancelBlock()
	conn.info.cancelBlock = nil
	return true
}

// ClientUnblock releases the blocking command (BLPOP, ...) that connection
// id waits in, as CLIENT UNBLOCK does: it replies as for a timeout, or with
// ErrUnblocked when withError is set. It reports whether the connection was
// blocked.
func (c *cmdable) ClientUnblock(id int64, withError bool) (bool, error) {
	if _, err := c.begin(false); err != nil {
		return false, err
	}
	defer c.end()
	return c.s.clientUnblock(id, withError), nil
}

func cmdClientPause(c *call) {
	if len(c.args) > 4 {
		failSubcommandArgs(c)
		return
	}
	all := true
	if len(c.args) == 4 {
		switch {
		case strings.EqualFold(c.args[3], "write"):
			all = false
		case strings.EqualFold(c.args[3], "all"):
		default:
			c.fail(errPauseMode)
			return
		}
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
	c.s.clientPause(time.Duration(ms)*time.Millisecond, all)
	c.ok()
}

// clientPause holds back the commands of every connection (or those that
// write, unless all) for d. A pause never shortens one in effect. The
// caller holds s.mu.
func (s *Store) clientPause(d time.Duration, all bool) {
	end := s.nowTime().Add(d)
	if s.srv.pauseEnd.IsZero() {
		s.srv.pauseDone = make(chan struct{})
	}
	if end.After(s.srv.pauseEnd) {
		s.srv.pauseEnd = end
	}
	// As in Redis, a new pause of a different kind sets the kind; ALL wins
	// over WRITE while both are in effect.
	s.srv.pauseAll = all || s.srv.pauseAll && !s.srv.pauseEnd.IsZero()
}

// clientUnpause ends a pause. The caller holds s.mu.
func (s *Store) clientUnpause() {
	if s.srv.pauseDone != nil {
		close(s.srv.pauseDone)
	}
	s.srv.pauseEnd, s.srv.pauseDone, s.srv.pauseAll = time.Time{}, nil, false
}

// ClientPause holds back the commands of every connection for d, or only
// those that may write when writesOnly is set, as CLIENT PAUSE does. The Go
// API, Do and scripts are not held back.
func (c *cmdable) ClientPause(d time.Duration, writesOnly bool) error {
	if _, err := c.begin(false); err != nil {
		return err
	}
	defer c.end()
	c.s.clientPause(d, !writesOnly)
	return nil
}

// ClientUnpause ends CLIENT PAUSE, as CLIENT UNPAUSE does.
func (c *cmdable) ClientUnpause() error {
	if _, err := c.begin(false); err != nil {
		return err
	}
	defer c.end()
	c.s.clientUnpause()
	return nil
}

func cmdClientUnpause(c *call) {
	c.s.clientUnpause()
	c.ok()
}

var clientHelp = []string{
	"CACHING (YES|NO)",
	"    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
	"GETREDIR",
	"    Return the client ID we are redirecting to when tracking is enabled.",
	"GETNAME",
	"    Return the name of the current connection.",
	"ID",
	"    Return the ID of the current connection.",
	"INFO",
	"    Return information about the current client connection.",
	"KILL <ip:port>",
	"    Kill connection made from <ip:port>.",
	"KILL <option> <value> [<option> <value> [...]]",
	"    Kill connections. Options are:",
	"    * ADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made from the specified address",
	"    * LADDR (<ip:port>|<unixsocket>:0)",
	"      Kill connections made to specified local address",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Kill connections by type.",
	"    * USER <username>",
	"      Kill connections authenticated by <username>.",
	"    * SKIPME (YES|NO)",
	"      Skip killing current connection (default: yes).",
	"LIST [options ...]",
	"    Return information about client connections. Options:",
	"    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
	"      Return clients of specified type.",
	"UNPAUSE",
	"    Stop the current client pause, resuming traffic.",
	"PAUSE <timeout> [WRITE|ALL]",
	"    Suspend all, or just write, clients for <timeout> milliseconds.",
	"REPLY (ON|OFF|SKIP)",
	"    Control the replies sent to the current connection.",
	"SETNAME <name>",
	"    Assign the name <name> to the current connection.",
	"UNBLOCK <clientid> [TIMEOUT|ERROR]",
	"    Unblock the specified blocked client.",
	"TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
	"         [OPTIN] [OPTOUT] [NOLOOP]",
	"    Control server assisted client side caching.",
	"TRACKINGINFO",
	"    Report tracking status for the current connection.",
	"NO-EVICT (ON|OFF)",
	"    Protect current client connection from eviction.",
}

// failSubcommandArgs is Redis's reply when a subcommand's handler finds
// more arguments than it takes.
func failSubcommandArgs(c *call) {
	c.fail(errorf(ErrUnknownSubcommand, "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP.",
		oneLine(cString(c.args[1])), strings.ToUpper(cString(c.args[0]))))
}

// writeHelp writes a HELP reply: the usage line, lines, then HELP itself.
func writeHelp(c *call, lines []string) {
	c.w.Array(len(lines) + 3)
	c.w.Status(strings.ToUpper(cString(c.args[0])) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.w.Status(l)
	}
	c.w.Status("HELP")
	c.w.Status("    Prints this help.")
}

func cmdClientHelp(c *call) { writeHelp(c, clientHelp) }

// connCommands are CLIENT, COMMAND, CONFIG, INFO and the other commands
// about the connection and the server.
var connCommands = slices.Concat([]*command{
	{name: "client", arity: -2, flags: 0, firstKey: 0, lastKey: 0, step: 0, run: nil, subs: []*command{
		{name: "client|caching", arity: 3, flags: flagNoscript | flagLoading | flagStale, run: cmdClientCaching},
		{name: "client|getname", arity: 2, flags: flagNoscript | flagLoading | flagStale, run: cmdClientGetName},
		{name: "client|getredir", arity: 2, flags: flagNoscript | flagLoading | flagStale, run: cmdClientGetRedir},
		{name: "client|help", arity: 2, flags: flagLoading | flagStale, run: cmdClientHelp},
		{name: "client|id", arity: 2, flags: flagNoscript | flagLoading | flagStale, run: cmdClientID},
		{name: "client|info", arity: 2, flags: flagNoscript | flagLoading | flagStale, run: cmdClientInfo},
		{name: "client|kill", arity: -3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdClientKill},
		{name: "client|list", arity: -2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdClientList},
		{name: "client|no-evict", arity: 3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdClientNoEvict},
		{name: "client|pause", arity: -3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdClientPause},
		{name: "client|reply", arity: 3, flags: flagNoscript | flagLoading | flagStale, run: cmdClientReply},
		{name: "client|setname", arity: 3, flags: flagNoscript | flagLoading | flagStale, run: cmdClientSetName},
		{name: "client|tracking", arity: -3, flags: flagNoscript | flagLoading | flagStale, run: cmdClientTracking},
		{name: "client|trackinginfo", arity: 2, flags: flagNoscript | flagLoading | flagStale, run: cmdClientTrackingInfo},
		{name: "client|unblock", arity: -3, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdClientUnblock},
		{name: "client|unpause", arity: 2, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdClientUnpause},
	}},
}, introspectCommands, infoCommands, configCommands, adminCommands)
