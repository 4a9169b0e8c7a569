package racefree

import "strconv"

// MONITOR, and the hooks exec calls around each command while some
// connection monitors or tracks keys (client-side caching).

// beforeCommand runs before a command when hooks is non-zero: it notes the
// running connection and feeds the scripting commands to monitors before
// the commands their script runs, as Redis does. The caller holds the store
// lock.
func (s *Store) beforeCommand(c *call, cmd *command) {
	if c.conn != nil {
		s.ps.current = c.conn
		if cmd.flags&flagSkipMonitor != 0 && len(s.ps.monitors) > 0 {
			s.feedMonitors(c.conn.info.addr, c.db.id, c.args)
		}
	}
	s.ps.scriptRead = false
}

// afterCommand runs after a command when hooks is non-zero: it sends the
// BCAST invalidations the command caused, feeds the command to monitors and
// remembers the keys a tracking connection read.
func (s *Store) afterCommand(c *call, cmd *command) {
	conn := c.conn
	if conn == nil {
		s.ps.scriptRead = false
		return
	}
	if len(s.ps.track.changed) > 0 && c.tx == nil { // not a command of EXEC: EXEC sends all at its end
		s.flushBcast()
	}
	if len(s.ps.monitors) > 0 && cmd.flags&(flagSkipMonitor|flagAdmin) == 0 {
		s.feedMonitors(conn.info.addr, c.db.id, c.args)
	}
	if conn.track.on {
		s.trackAfter(conn, cmd, c.args)
	}
	s.ps.scriptRead = false
	s.ps.current = nil
	if len(s.ps.track.slow) > 0 {
		s.killSlow()
	}
}

// afterScriptCall runs after each command a script calls when hooks is
// non-zero.
func (s *Store) afterScriptCall(c *call, cmd *command) {
	if len(s.ps.monitors) > 0 && cmd.flags&(flagSkipMonitor|flagAdmin) == 0 {
		s.feedMonitors("", c.db.id, c.args)
	}
	if cmd.flags&flagReadonly != 0 {
		s.ps.scriptRead = true
	}
}

// feedMonitors sends a command to every MONITOR connection, formatted as
// Redis does: +<unix seconds>.<microseconds> [<db> <client address>]
// "arg" ..., with "lua" for a script's commands (addr ""). AUTH and HELLO's
// credentials are redacted.
func (s *Store) feedMonitors(addr string, db int, args []string) {
	now := s.nowTime()
	b := make([]byte, 0, 64+16*len(args))
	b = append(b, '+')
	b = strconv.AppendInt(b, now.Unix(), 10)
	b = append(b, '.')
	us := strconv.AppendInt(nil, int64(now.Nanosecond()/1000), 10)
	for range 6 - len(us) {
		b = append(b, '0')
	}
	b = append(b, us...)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	if addr == "" {
		b = append(b, "lua"...)
	} else {
		b = append(b, addr...)
	}
	b = append(b, "] "...)
	redactFrom := len(args)
	var helloAuth int
	if len(args) > 0 && equalFoldASCII("auth", args[0]) {
		redactFrom = 1
	} else if len(args) > 0 && equalFoldASCII("hello", args[0]) {
		for i := 2; i+2 < len(args); i++ {
			if equalFoldASCII("auth", args[i]) {
				helloAuth = i
				break
			} else if equalFoldASCII("setname", args[i]) {
				i++
			}
		}
	}
	for i, a := range args {
		if i > 0 {
			b = append(b, ' ')
		}
		if i >= redactFrom || helloAuth > 0 && (i == helloAuth+1 || i == helloAuth+2) {
			b = append(b, `"(redacted)"`...)
			continue
		}
		b = appendRepr(b, a)
	}
	b = append(b, '\r', '\n')
	var slow []*Conn
	for _, m := range s.ps.monitors {
		if !m.push(b) {
			slow = append(slow, m)
		}
	}
	for _, m := range slow {
		m.kill()
	}
}

// appendRepr appends s quoted as Redis's sdscatrepr quotes it.
func appendRepr(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch >= ' ' && ch <= '~' {
				b = append(b, ch)
			} else {
				b = append(b, '\\', 'x', hex[ch>>4], hex[ch&15])
			}
		}
	}
	return append(b, '"')
}
