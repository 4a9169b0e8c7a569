package racefree

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/racefree/racefree/internal/redistest"
	"github.com/racefree/racefree/resp"
)

// isPMessage reports whether v is a pmessage push.
func isPMessage(v resp.Value) bool {
	return v.Kind == resp.KindArray && len(v.Elems) == 4 && v.Elems[0].Str == "pmessage"
}

// transcript turns what a command produced into comparable lines: the
// notifications in order, then the reply.
func transcript(vals []resp.Value, withReply bool) []string {
	var out []string
	reply := ""
	for _, v := range vals {
		if isPMessage(v) {
			out = append(out, v.Elems[2].Str+" "+v.Elems[3].Str)
		} else if withReply {
			reply = "reply " + v.String()
		}
	}
	if withReply {
		out = append(out, reply)
	}
	return out
}

// liveNotify runs commands on one connection to the live server and reads
// the notifications on another, subscribed to them and to a marker channel
// published after each command (redis-server writes a connection's own
// notifications into the middle of some replies, ZPOPMIN's for one).
type liveNotify struct {
	cmd, sub *bufio.Reader
	cc, sc   net.Conn
}

func (l *liveNotify) do(t *testing.T, c net.Conn, rd *bufio.Reader, args ...string) resp.Value {
	t.Helper()
	if _, err := c.Write(resp.AppendCommand(nil, args...)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	v, err := resp.ReadValue(rd)
	if err != nil {
		t.Fatalf("read from redis-server: %v", err)
	}
	return v
}

func (l *liveNotify) send(t *testing.T, args ...string) []resp.Value {
	t.Helper()
	reply := l.do(t, l.cc, l.cmd, args...)
	l.do(t, l.cc, l.cmd, "PUBLISH", "notify-marker", "x")
	var vals []resp.Value
	for {
		l.sc.SetReadDeadline(time.Now().Add(5 * time.Second))
		v, err := resp.ReadValue(l.sub)
		if err != nil {
			t.Fatalf("read from redis-server: %v", err)
		}
		if !isPMessage(v) {
			break // the marker
		}
		vals = append(vals, v)
	}
	return append(vals, reply)
}

// storeNotify runs commands on a Conn of a Store whose pushes it collects
// after each command, as liveNotify reads them from the live server.
type storeNotify struct {
	c *Conn
}

func (s *storeNotify) send(args ...string) []resp.Value {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	enc := resp.NewEncoder(bw)
	enc.SetProto(s.c.Proto())
	s.c.Exec(context.Background(), args, enc)
	bw.Flush()
	buf.Write(s.c.TakePushes(nil))
	rd := bufio.NewReader(&buf)
	var vals []resp.Value
	for buf.Len() > 0 || rd.Buffered() > 0 {
		v, err := resp.ReadValue(rd)
		if err != nil {
			break
		}
		vals = append(vals, v)
	}
	return vals
}

// notifySetup makes both sides: FLUSHALL, the notify-keyspace-events
// flags, HELLO 3 and PSUBSCRIBE __key*__:* on the command connection.
func notifySetup(t *testing.T, flags string) (*liveNotify, *storeNotify, *Store) {
	t.Helper()
	redistest.Need(t)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", redistest.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	cc, sc := dial(), dial()
	live := &liveNotify{cc: cc, sc: sc, cmd: bufio.NewReader(cc), sub: bufio.NewReader(sc)}
	// Keys expire when a command finds them, never in the background, on
	// both sides: which of the two deletes a key is a matter of timing.
	s := newTestStore(t, WithExpireInterval(time.Hour))
	st := &storeNotify{c: s.NewConn()}
	live.do(t, cc, live.cmd, "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	t.Cleanup(func() {
		live.do(t, cc, live.cmd, "DEBUG", "SET-ACTIVE-EXPIRE", "1")
		live.do(t, cc, live.cmd, "CONFIG", "SET", "notify-keyspace-events", "")
	})
	live.do(t, cc, live.cmd, "HELLO", "3")
	for _, args := range [][]string{{"FLUSHALL"}, {"CONFIG", "SET", "notify-keyspace-events", flags}} {
		live.do(t, cc, live.cmd, args...)
		st.send(args...)
	}
	live.do(t, sc, live.sub, "PSUBSCRIBE", "__key*__:*")
	live.do(t, sc, live.sub, "SUBSCRIBE", "notify-marker")
	for _, args := range [][]string{{"HELLO", "3"}, {"PSUBSCRIBE", "__key*__:*"}} {
		st.send(args...)
	}
	return live, st, s
}

// notifyScript is the commands the differential notification test runs:
// every event redis-server 7.0.15 publishes. A leading "~" compares the
// notifications only (the reply is random).
var notifyScript = [][]string{
	// strings
	{"SET", "s", "1"}, {"SET", "s", "2", "EX", "100"}, {"SET", "s", "3", "KEEPTTL"},
	{"SET", "s", "x", "NX"}, {"SET", "nx", "x", "XX"}, {"SET", "s", "4", "GET"},
	{"SETNX", "s2", "a"}, {"SETNX", "s2", "b"}, {"SETEX", "s3", "100", "v"}, {"PSETEX", "s4", "100000", "v"},
	{"GETSET", "s", "5"}, {"MSET", "m1", "1", "m2", "2"}, {"MSETNX", "m3", "1", "m1", "1"}, {"MSETNX", "m4", "1", "m5", "2"},
	{"INCR", "c"}, {"INCRBY", "c", "5"}, {"DECR", "c"}, {"DECRBY", "c", "2"}, {"INCRBYFLOAT", "c", "1.5"}, {"INCR", "s2"},
	{"APPEND", "a", "x"}, {"APPEND", "a", "y"}, {"APPEND", "a", ""}, {"SETRANGE", "a", "5", "z"}, {"SETRANGE", "a", "1", ""},
	{"SETRANGE", "r", "2", "q"}, {"GETDEL", "a"}, {"GETDEL", "a"},
	{"GETEX", "m1", "EX", "100"}, {"GETEX", "m1", "PERSIST"}, {"GETEX", "m1", "PERSIST"}, {"GETEX", "m1", "PXAT", "1"},
	{"GET", "nosuch"}, {"MGET", "m2"}, {"STRLEN", "nosuch"},
	// bits
	{"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "1"}, {"SETBIT", "b", "7", "0"},
	{"BITFIELD", "bf", "SET", "u8", "0", "255"}, {"BITFIELD", "bf", "GET", "u8", "0"}, {"BITFIELD", "bf", "INCRBY", "u8", "0", "1"},
	{"BITOP", "OR", "bo", "b", "bf"}, {"BITOP", "AND", "bo", "nosuch1", "nosuch2"}, {"BITOP", "AND", "bo", "nosuch1"},
	// HyperLogLog
	{"PFADD", "h1", "a", "b"}, {"PFADD", "h1", "a"}, {"PFADD", "h2", "c"}, {"PFMERGE", "h3", "h1", "h2"}, {"PFCOUNT", "h1", "h2"},
	// keys
	{"DEL", "h1", "h2", "nosuch"}, {"UNLINK", "h3"}, {"RENAME", "s", "s5"}, {"RENAME", "s5", "s2"}, {"RENAMENX", "s2", "s3"},
	{"RENAMENX", "s2", "s6"}, {"RENAME", "s6", "s6"}, {"MOVE", "s6", "1"}, {"COPY", "s3", "s7"}, {"COPY", "s3", "s7", "REPLACE"},
	{"COPY", "s3", "s8", "DB", "2"}, {"EXPIRE", "s7", "100"}, {"PEXPIRE", "s7", "100000", "NX"}, {"EXPIREAT", "s7", "9999999999"},
	{"PERSIST", "s7"}, {"PERSIST", "s7"}, {"PEXPIREAT", "s7", "1"}, {"EXPIRE", "s3", "-1"}, {"TOUCH", "s8"}, {"EXISTS", "nosuch"},
	{"TYPE", "nosuch"}, {"DUMP", "nosuch"}, {"SWAPDB", "0", "1"}, {"SWAPDB", "0", "1"},
	// lists
	{"LPUSH", "l", "a", "b", "c"}, {"RPUSH", "l", "d"}, {"LPUSHX", "nol", "a"}, {"RPUSHX", "l", "e"}, {"LPOP", "l"},
	{"RPOP", "l", "2"}, {"LPOP", "l", "0"}, {"LSET", "l", "0", "x"}, {"LINSERT", "l", "BEFORE", "x", "y"}, {"LINSERT", "l", "BEFORE", "zz", "y"},
	{"LREM", "l", "0", "nothere"}, {"LREM", "l", "1", "y"}, {"LMOVE", "l", "l2", "LEFT", "RIGHT"}, {"RPOPLPUSH", "l2", "l"},
	{"LMOVE", "l", "l", "LEFT", "RIGHT"}, {"LTRIM", "l", "0", "0"}, {"LRANGE", "l", "0", "-1"}, {"LTRIM", "l", "5", "10"},
	{"RPUSH", "l", "a", "b", "c"}, {"LMPOP", "2", "nol", "l", "LEFT", "COUNT", "2"}, {"BLPOP", "l", "0"}, {"BRPOP", "nol", "l", "0.01"}, {"RPUSH", "l", "q"}, {"BRPOP", "nol", "l", "0"},
	{"RPUSH", "l", "a"}, {"BLMOVE", "l", "l3", "RIGHT", "LEFT", "0"}, {"BLMPOP", "0", "1", "l3", "RIGHT"}, {"RPUSH", "l", "1"},
	{"BRPOPLPUSH", "l", "l", "0"}, {"LPOP", "l"}, {"LLEN", "nol"},
	// hashes
	{"HSET", "h", "f", "1", "g", "2"}, {"HSET", "h", "f", "1"}, {"HMSET", "h", "k", "v"}, {"HSETNX", "h", "f", "x"}, {"HSETNX", "h", "n", "x"},
	{"HINCRBY", "h", "f", "2"}, {"HINCRBYFLOAT", "h", "f", "0.5"}, {"HDEL", "h", "nothere"}, {"HDEL", "h", "f", "g"},
	{"HDEL", "h", "k", "n"}, {"HGET", "h", "f"}, {"HSETNX", "h2", "a", "b"},
	// sets
	{"SADD", "st", "a", "b", "c"}, {"SADD", "st", "a"}, {"SREM", "st", "x"}, {"SREM", "st", "a"}, {"SMOVE", "st", "st2", "b"},
	{"SMOVE", "st", "st2", "b"}, {"SMOVE", "st", "st2", "c"}, {"SADD", "st2", "x"}, {"SMOVE", "st2", "st2", "x"}, {"SADD", "st3", "x"},
	{"SMOVE", "st2", "st3", "x"}, {"~SPOP", "st3"}, {"~SPOP", "st2"}, {"SADD", "p", "1", "2", "3"}, {"~SPOP", "p", "1"}, {"SPOP", "p", "0"},
	{"~SPOP", "p", "5"}, {"SADD", "sa", "1", "2"}, {"SADD", "sb", "2", "3"}, {"SINTERSTORE", "sc", "sa", "sb"},
	{"SINTERSTORE", "sc", "sa", "sb"}, {"SINTERSTORE", "sc", "sa", "nosuch"}, {"SUNIONSTORE", "sc", "sa", "sb"},
	{"SDIFFSTORE", "sc", "sa", "sb"}, {"SDIFFSTORE", "sc", "sa", "sa"}, {"SDIFFSTORE", "sc", "sa", "sa"}, {"SMEMBERS", "nosuch"},
	// sorted sets
	{"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZADD", "z", "1", "a"}, {"ZADD", "z", "INCR", "1", "a"}, {"ZINCRBY", "z", "1", "a"},
	{"ZADD", "z", "XX", "5", "nothere"}, {"ZADD", "zn", "XX", "5", "x"}, {"ZADD", "z", "GT", "CH", "0", "c"}, {"ZREM", "z", "x"},
	{"ZREM", "z", "a"}, {"ZPOPMIN", "z"}, {"ZPOPMAX", "z", "5"}, {"ZPOPMIN", "nosuch"},
	{"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}, {"ZREMRANGEBYRANK", "z", "0", "0"}, {"ZREMRANGEBYRANK", "z", "10", "20"},
	{"ZREMRANGEBYSCORE", "z", "2", "2"}, {"ZREMRANGEBYLEX", "z", "[c", "[c"}, {"ZREMRANGEBYSCORE", "z", "-inf", "+inf"},
	{"ZADD", "za", "1", "a", "2", "b"}, {"ZADD", "zb", "1", "b"}, {"ZUNIONSTORE", "zc", "2", "za", "zb"},
	{"ZINTERSTORE", "zc", "2", "za", "zb"}, {"ZDIFFSTORE", "zc", "2", "za", "za"}, {"ZDIFFSTORE", "zc", "1", "za"},
	{"ZRANGESTORE", "zd", "za", "0", "-1"}, {"ZRANGESTORE", "zd", "za", "5", "6"}, {"ZRANGESTORE", "zd", "za", "5", "6"},
	{"ZMPOP", "2", "nosuch", "za", "MIN"}, {"BZPOPMIN", "za", "0"}, {"BZPOPMAX", "zb", "0"}, {"ZADD", "za", "1", "a"},
	{"BZMPOP", "0", "1", "za", "MAX", "COUNT", "3"}, {"ZSCORE", "nosuch", "a"},
	// geo
	{"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
	{"GEOADD", "g", "NX", "13.361389", "38.115556", "Palermo"},
	{"GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gs"}, {"GEORADIUS", "g", "15", "37", "200", "km", "STOREDIST", "gs"},
	{"GEORADIUSBYMEMBER", "g", "Palermo", "1", "km", "STORE", "gs2"}, {"GEOSEARCHSTORE", "gs3", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
	{"GEOSEARCHSTORE", "gs3", "nosuch", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"},
	{"GEOSEARCHSTORE", "gs3", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"}, {"GEOPOS", "nosuch", "a"},
	// sort
	{"RPUSH", "sl", "3", "1", "2"}, {"SORT", "sl", "STORE", "so"}, {"SORT", "sl", "STORE", "so"}, {"SORT", "nosuch", "STORE", "so"},
	{"SORT", "nosuch", "STORE", "so"},
	// streams
	{"XADD", "x", "1-1", "f", "v"}, {"XADD", "x", "MAXLEN", "1", "2-1", "f", "v"}, {"XADD", "x", "NOMKSTREAM", "3-1", "f", "v"},
	{"XADD", "nox", "NOMKSTREAM", "3-1", "f", "v"}, {"XADD", "x", "4-1", "f", "v"}, {"XDEL", "x", "9-9"}, {"XDEL", "x", "3-1"},
	{"XTRIM", "x", "MAXLEN", "5"}, {"XTRIM", "x", "MAXLEN", "0"}, {"XADD", "x", "5-1", "f", "v"}, {"XSETID", "x", "10-1"},
	{"XGROUP", "CREATE", "x", "g", "0"}, {"XGROUP", "CREATE", "x", "g", "0"}, {"XGROUP", "CREATE", "x2", "g", "$", "MKSTREAM"},
	{"XGROUP", "SETID", "x", "g", "0"}, {"XGROUP", "CREATECONSUMER", "x", "g", "c1"}, {"XGROUP", "CREATECONSUMER", "x", "g", "c1"},
	{"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "x", ">"}, {"XREADGROUP", "GROUP", "g", "c3", "STREAMS", "x", ">"},
	{"XREADGROUP", "GROUP", "g", "c4", "STREAMS", "x", "0"}, {"XCLAIM", "x", "g", "c5", "0", "5-1"},
	{"XAUTOCLAIM", "x", "g", "c6", "0", "0"}, {"XACK", "x", "g", "5-1"}, {"XGROUP", "DELCONSUMER", "x", "g", "c1"},
	{"XGROUP", "DELCONSUMER", "x", "g", "nobody"}, {"XGROUP", "DESTROY", "x", "g"}, {"XGROUP", "DESTROY", "x", "g"},
	// dump / restore
	{"SET", "d", "v"}, {"RESTORE", "d2", "0", "\x00\x01v\n\x00\x91\b\xce\xb2\x198\x8a\xce"},
	{"RESTORE", "d2", "0", "\x00\x01v\n\x00\x91\b\xce\xb2\x198\x8a\xce", "REPLACE"},
	{"RESTORE", "d2", "1", "\x00\x01v\n\x00\x91\b\xce\xb2\x198\x8a\xce", "REPLACE", "ABSTTL"},
	// expiry: found by a lookup, a write or the background sweep
	{"SET", "e1", "v", "PX", "1"}, {"SET", "e2", "v", "PX", "1"}, {"HSET", "e3", "f", "v"}, {"PEXPIRE", "e3", "1"},
	{"RPUSH", "e4", "a"}, {"PEXPIRE", "e4", "1"}, {"!sleep"}, {"GET", "e1"}, {"MSET", "e2", "w"}, {"HGET", "e3", "f"},
	{"LPUSH", "e4", "b"},
	// key misses (m) of reads, and of writes that read their sources
	{"TTL", "nosuch"}, {"PTTL", "nosuch"}, {"OBJECT", "ENCODING", "nosuch"}, {"OBJECT", "FREQ", "nosuch"},
	{"OBJECT", "IDLETIME", "nosuch"}, {"OBJECT", "REFCOUNT", "nosuch"}, {"MEMORY", "USAGE", "nosuch"},
	{"SUNIONSTORE", "dst", "nosuch"}, {"ZUNIONSTORE", "dst", "1", "nosuch"}, {"SORT", "nosuch"}, {"XRANGE", "nosuch", "-", "+"},
	{"HGETALL", "nosuch"}, {"LINDEX", "nosuch", "0"}, {"GETRANGE", "nosuch", "0", "1"}, {"BITCOUNT", "nosuch"},
	{"SRANDMEMBER", "nosuch"}, {"HSTRLEN", "nosuch", "f"}, {"ZRANGE", "nosuch", "0", "-1"}, {"PFCOUNT", "nosuch"},
	{"LCS", "nosuch", "nosuch2"}, {"SINTERCARD", "1", "nosuch"}, {"SISMEMBER", "nosuch", "a"}, {"HEXISTS", "nosuch", "f"},
	{"GETEX", "nosuch"}, {"BITPOS", "nosuch", "1"}, {"XLEN", "nosuch"}, {"ZCARD", "nosuch"}, {"SCARD", "nosuch"},
	{"EVAL", "return redis.call('GET', KEYS[1])", "1", "nosuch"}, {"SET", "nosuch", "v", "GET"}, {"INCR", "nosuch2"},
	{"FLUSHDB"}, {"FLUSHALL"},
}

// TestNotifyDifferential runs notifyScript on the live server and a Store
// with notifications on, comparing the notifications and the reply of
// every command.
func TestNotifyDifferential(t *testing.T) {
	for _, flags := range []string{"KEA", "KEAnm", "Kg", "E$lz", "Ksh", "Etn", "Kxm", "AE", "K"} {
		t.Run(flags, func(t *testing.T) {
			live, st, _ := notifySetup(t, flags)
			events, seen := 0, map[string]bool{}
			defer func() {
				// The script must exercise what the flags enable.
				if hasClass := strings.ContainsAny(flags, "Ag$lshzxetdnm"); hasClass != (events > 0) {
					t.Errorf("%d notifications compared", events)
				}
				if strings.Contains(flags, "n") && !seen["new"] {
					t.Error(`no "new" event compared`)
				}
				if strings.Contains(flags, "m") && !seen["keymiss"] {
					t.Error(`no "keymiss" event compared`)
				}
				t.Logf("%d notifications compared", events)
			}()
			for _, args := range notifyScript {
				if args[0] == "!sleep" {
					time.Sleep(30 * time.Millisecond)
					continue
				}
				random := strings.HasPrefix(args[0], "~")
				if random {
					args = append([]string{args[0][1:]}, args[1:]...)
				}
				want := transcript(live.send(t, args...), !random)
				got := transcript(st.send(args...), !random)
				for _, w := range want {
					if !strings.HasPrefix(w, "reply ") {
						events++
						ch, msg, _ := strings.Cut(w, " ")
						if strings.HasPrefix(ch, "__keyevent@") {
							msg = ch[strings.IndexByte(ch, ':')+1:]
						}
						seen[msg] = true
					}
				}
				if strings.Join(want, "\n") != strings.Join(got, "\n") {
					t.Errorf("%s:\nredis-server:\n  %s\nracefree:\n  %s", quoteArgs(args),
						strings.Join(want, "\n  "), strings.Join(got, "\n  "))
				}
			}
		})
	}
}

// nextMessage returns the next message of sub, failing after a while.
func nextMessage(t *testing.T, sub *Subscription) Message {
	t.Helper()
	select {
	case m := <-sub.Messages():
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message")
		return Message{}
	}
}

// noMessage fails if sub receives a message soon.
func noMessage(t *testing.T, sub *Subscription) {
	t.Helper()
	select {
	case m := <-sub.Messages():
		t.Fatalf("unexpected message %+v", m)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestNotifyGo: notifications are off by default; once on, a Go
// Subscription sees the classes enabled, expirations by lookup and by the
// background sweep included, and bad flags are refused.
func TestNotifyGo(t *testing.T) {
	s := newTestStore(t, WithExpireInterval(10*time.Millisecond))
	sub := s.PSubscribe(context.Background(), "__key*__:*")
	defer sub.Close()
	s.Set("k", "v", 0)
	s.Del("k")
	s.HSet("h", "f", "v")
	noMessage(t, sub)

	if err := s.ConfigSet("notify-keyspace-events", "Ex"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ConfigGet("notify-keyspace-events"); got["notify-keyspace-events"] != "xE" {
		t.Fatalf("CONFIG GET: %q", got)
	}
	s.Set("a", "v", time.Hour) // classes $ and g are off
	s.Set("b", "v", time.Hour)
	noMessage(t, sub)
	s.FastForward(2 * time.Hour)
	if _, ok, _ := s.Get("a"); ok { // a lookup finds a expired
		t.Fatal("a did not expire")
	}
	// a by the lookup; b by the sweep, which may also come first.
	got := map[string]bool{}
	for range 2 {
		m := nextMessage(t, sub)
		if m.Channel != "__keyevent@0__:expired" || m.Pattern != "__key*__:*" {
			t.Fatalf("got %+v", m)
		}
		got[m.Payload] = true
	}
	if !got["a"] || !got["b"] {
		t.Fatalf("expired: %v", got)
	}
	noMessage(t, sub)

	if err := s.ConfigSet("notify-keyspace-events", "KA"); err != nil {
		t.Fatal(err)
	}
	s.DB(3).LPush("l", "x")
	if m := nextMessage(t, sub); m.Channel != "__keyspace@3__:l" || m.Payload != "lpush" {
		t.Fatalf("got %+v", m)
	}
	s.ConfigSet("notify-keyspace-events", "")
	s.DB(3).LPush("l", "x")
	noMessage(t, sub)

	err := s.ConfigSet("notify-keyspace-events", "KEAq")
	if err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'." {
		t.Fatalf("bad flags: %v", err)
	}
}

// TestNotifyConfig compares CONFIG SET and GET of notify-keyspace-events
// with the live server: the canonical order, A, and the error.
func TestNotifyConfig(t *testing.T) {
	live := dialLive(t)
	st := &storeConn{s: newTestStore(t)}
	defer live.do(t, "CONFIG", "SET", "notify-keyspace-events", "")
	for _, v := range []string{
		"KEA", "", "A", "AKE", "EK", "g$lshzxetd", "g$lshzxetdK", "gz", "m", "n", "Kn", "AnmKE", "KEAnm",
		"e", "d", "EEgg", "xg$lshzetdE", "KEAq", "a", "k", " ", "ÿ", "lK",
	} {
		for _, args := range [][]string{
			{"CONFIG", "SET", "notify-keyspace-events", v},
			{"CONFIG", "GET", "notify-keyspace-events"},
			{"CONFIG", "GET", "notify-*"},
		} {
			compareCommand(t, live, st, diffLine{args: args})
		}
	}
}

// TestNotifyEveryPath: scripts, transactions, Do, Update and the typed API
// run the same code and publish the same events; a connection subscribed
// in RESP3 gets its own command's events before the reply.
func TestNotifyEveryPath(t *testing.T) {
	s := newTestStore(t)
	sub := s.PSubscribe(context.Background(), "__keyspace@*")
	defer sub.Close()
	if err := s.ConfigSet("notify-keyspace-events", "KA"); err != nil {
		t.Fatal(err)
	}
	expect := func(what string, want ...string) {
		t.Helper()
		for _, w := range want {
			m := nextMessage(t, sub)
			if got := m.Channel + " " + m.Payload; got != w {
				t.Fatalf("%s: got %q, want %q", what, got, w)
			}
		}
		noMessage(t, sub)
	}
	if _, err := s.Eval(context.Background(), "redis.call('SET', KEYS[1], 'v') return redis.call('INCR', KEYS[2])", []string{"a", "n"}); err != nil {
		t.Fatal(err)
	}
	expect("script", "__keyspace@0__:a set", "__keyspace@0__:n incrby")
	if _, err := s.DB(1).Do("SADD", "st", "x"); err != nil {
		t.Fatal(err)
	}
	expect("Do", "__keyspace@1__:st sadd")
	if err := s.Update(func(tx *Tx) error {
		tx.HSet("h", "f", "v")
		_, err := tx.Del("h", "a")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	expect("Update", "__keyspace@0__:h hset", "__keyspace@0__:h del", "__keyspace@0__:a del")

	// A blocked pop, served by a push: lpush, then the pop and the delete.
	popped := make(chan string)
	go func() {
		_, v, _, _ := s.BLPop(context.Background(), 0, "q")
		popped <- v
	}()
	waitBlocked(t, s, 1)
	s.LPush("q", "job")
	if v := <-popped; v != "job" {
		t.Fatalf("BLPop: %q", v)
	}
	expect("blocked pop", "__keyspace@0__:q lpush", "__keyspace@0__:q lpop", "__keyspace@0__:q del")

	c := s.NewConn()
	defer c.Close()
	st := &storeNotify{c: c}
	for _, args := range [][]string{{"MULTI"}, {"LPUSH", "l", "x"}, {"RPOP", "l"}, {"EXEC"}} {
		st.send(args...)
	}
	expect("MULTI/EXEC", "__keyspace@0__:l lpush", "__keyspace@0__:l rpop", "__keyspace@0__:l del")

	// The connection's own events, before its reply.
	st.send("HELLO", "3")
	st.send("PSUBSCRIBE", "__keyspace@0__:*")
	vals := st.send("SET", "k", "v")
	if len(vals) != 2 || !isPMessage(vals[0]) || vals[0].Elems[2].Str != "__keyspace@0__:k" || vals[1].Str != "OK" {
		t.Fatalf("SET on a subscribed connection: %v", vals)
	}
	expect("connection", "__keyspace@0__:k set")
	// A script's events too, as redis-server writes them.
	vals = st.send("EVAL", "return redis.call('SET', KEYS[1], 'v')", "1", "k2")
	if len(vals) != 2 || !isPMessage(vals[0]) || vals[0].Elems[2].Str != "__keyspace@0__:k2" || vals[1].Str != "OK" {
		t.Fatalf("EVAL on a subscribed connection: %v", vals)
	}
	expect("connection", "__keyspace@0__:k2 set")
}
