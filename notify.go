package racefree

import (
	"strconv"
	"strings"

	"github.com/racefree/racefree/resp"
	"github.com/racefree/racefree/types"
)

// Keyspace notifications: with CONFIG SET notify-keyspace-events, every
// change to a key is published on two pub/sub channels, as Redis does:
// __keyspace@<db>__:<key> carries the event's name (class K) and
// __keyevent@<db>__:<event> carries the key (class E). The other flags
// choose which events are published: g generic (DEL, EXPIRE, RENAME, ...),
// $ strings, l lists, s sets, h hashes, z sorted sets, t streams,
// x expirations, e evictions (racefree evicts nothing), d module events
// (racefree has no modules), n the creation of a key and m a read of a
// missing key; A stands for g$lshzxetd. Connections, the server package and
// Store.Subscribe and Store.PSubscribe all receive them.
//
// Every write path calls d.notify next to d.modified, with the class and
// event name redis-server 7.0.15 uses, in its order. Notifications are off by
// default; then notify costs one branch.
//
// A connection subscribed in RESP3 gets the notifications of its own
// command written to its output as the command publishes them, which is
// before the reply (redis-server writes a few after the reply, GETSET's
// and GETDEL's for one, or inside it, ZPOPMIN's), inside MGET's reply for
// its key misses as in Redis, and after EXEC's reply for the commands of a
// transaction. KEYS, SCAN, DBSIZE and RANDOMKEY delete the expired keys
// they meet, with their "expired" event, where redis-server leaves some of
// them to its background expiry.

// The notification classes: the bits of notify-keyspace-events, as Redis
// numbers them.
const (
	notifyKeyspace = 1 << 0  // K
	notifyKeyevent = 1 << 1  // E
	notifyGeneric  = 1 << 2  // g
	notifyString   = 1 << 3  // $
	notifyList     = 1 << 4  // l
	notifySet      = 1 << 5  // s
	notifyHash     = 1 << 6  // h
	notifyZSet     = 1 << 7  // z
	notifyExpired  = 1 << 8  // x
	notifyEvicted  = 1 << 9  // e
	notifyStream   = 1 << 10 // t
	notifyKeyMiss  = 1 << 11 // m, not part of A
	notifyModule   = 1 << 13 // d
	notifyNew      = 1 << 14 // n, not part of A

	notifyAll = notifyGeneric | notifyString | notifyList | notifySet | notifyHash | notifyZSet |
		notifyExpired | notifyEvicted | notifyStream | notifyModule
)

// notifyState is the parsed notify-keyspace-events and the command running,
// guarded by the store lock.
type notifyState struct {
	// flags are the enabled classes; 0 (the default) publishes nothing.
	flags int
	// call is the command exec runs, if any: a notification its own
	// connection subscribes to is written before its reply, as Redis does.
	call *call
}

// notifyFlagChars are the flag characters and their classes, in the order
// CONFIG GET writes them.
var notifyFlagChars = [...]struct {
	c     byte
	class int
}{
	{'g', notifyGeneric}, {'$', notifyString}, {'l', notifyList}, {'s', notifySet},
	{'h', notifyHash}, {'z', notifyZSet}, {'x', notifyExpired}, {'e', notifyEvicted},
	{'t', notifyStream}, {'d', notifyModule}, {'n', notifyNew},
	{'K', notifyKeyspace}, {'E', notifyKeyevent}, {'m', notifyKeyMiss},
}

// parseNotifyFlags reads a value of notify-keyspace-events; ok is false if
// it holds a character that is no flag.
func parseNotifyFlags(v string) (flags int, ok bool) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == 'A' {
			flags |= notifyAll
			continue
		}
		found := false
		for _, f := range notifyFlagChars {
			if f.c == c {
				flags |= f.class
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return flags, true
}

// formatNotifyFlags is the canonical form CONFIG GET reports: A when all
// of its classes are on (n is then left out, though it stays on, as Redis
// writes it), else the class letters; then K, E and m.
func formatNotifyFlags(flags int) string {
	var b strings.Builder
	all := flags&notifyAll == notifyAll
	if all {
		b.WriteByte('A')
	}
	for _, f := range notifyFlagChars {
		isClass := f.class != notifyKeyspace && f.class != notifyKeyevent && f.class != notifyKeyMiss
		if flags&f.class != 0 && !(all && isClass) {
			b.WriteByte(f.c)
		}
	}
	return b.String()
}

// configNotify checks a value of notify-keyspace-events and returns its
// canonical form.
func configNotify(name, v string) (string, error) {
	flags, ok := parseNotifyFlags(v)
	if !ok {
		return "", configSetError(name, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")
	}
	return formatNotifyFlags(flags), nil
}

// setNotifyConfig applies a value of notify-keyspace-events that
// configNotify accepted, as given: n stays on beside A, which CONFIG GET
// does not show. The caller holds s.mu.
func (s *Store) setNotifyConfig(v string) {
	s.notify.flags, _ = parseNotifyFlags(v)
}

// notify publishes the keyspace event event of class on key in d, if its
// class is enabled. The caller holds s.mu.
func (d *db) notify(class int, event, key string) {
	if d.s.notify.flags&class != 0 {
		d.publishEvent(event, key)
	}
}

// publishEvent publishes a keyspace event that notify let through.
func (d *db) publishEvent(event, key string) {
	s := d.s
	var self *Conn
	var w resp.Writer
	if c := s.notify.call; c != nil && c.conn != nil && c.tx == nil && !c.inScript {
		self, w = c.conn, c.w
	}
	db := strconv.Itoa(d.id)
	if s.notify.flags&notifyKeyspace != 0 {
		s.publish(plainChannels, "__keyspace@"+db+"__:"+key, event, self, w)
	}
	if s.notify.flags&notifyKeyevent != 0 {
		s.publish(plainChannels, "__keyevent@"+db+"__:"+event, key, self, w)
	}
}

// notifyRemoved publishes the events of a removal of n elements from key's
// container (HDEL, SREM, ZREM, ...): event of class when some went, then
// "del" when the key went with them.
func (d *db) notifyRemoved(class int, event, key string, n int64, gone bool) {
	if n > 0 && d.s.notify.flags != 0 {
		d.notify(class, event, key)
		if gone {
			d.notify(notifyGeneric, "del", key)
		}
	}
}

// zaddEvent is the keyspace event of ZADD, or of ZADD INCR and ZINCRBY.
func zaddEvent(incr bool) string {
	if incr {
		return "zincr"
	}
	return "zadd"
}

// zpopEvent is the keyspace event of a pop of the highest (max) or lowest
// members of a sorted set.
func zpopEvent(max bool) string {
	if max {
		return "zpopmax"
	}
	return "zpopmin"
}

// zremrangeEvents are the keyspace events of ZREMRANGEBY*, by range kind.
var zremrangeEvents = [...]string{zByRank: "zremrangebyrank", zByScore: "zremrangebyscore", zByLex: "zremrangebylex"}

// zstoreEvents are the keyspace events of ZUNIONSTORE, ZINTERSTORE and
// ZDIFFSTORE, by operation.
var zstoreEvents = [...]string{zopUnion: "zunionstore", zopInter: "zinterstore", zopDiff: "zdiffstore"}

// seeConsumer is g.SeeConsumer on the group g of key's stream; it
// publishes xgroup-createconsumer when it creates the consumer.
func (d *db) seeConsumer(key string, g *types.StreamGroup, name string, now int64) *types.StreamConsumer {
	if d.s.notify.flags&notifyStream != 0 && g.Consumer(name) == nil {
		d.notify(notifyStream, "xgroup-createconsumer", key)
	}
	return g.SeeConsumer(name, now)
}

// peekObject is peek for OBJECT, whose lookups publish no keymiss event
// (they still count as keyspace hits and misses), as in Redis.
func (d *db) peekObject(key string) *entry {
	flags := d.s.notify.flags
	d.s.notify.flags &^= notifyKeyMiss
	e := d.peek(key)
	d.s.notify.flags = flags
	return e
}
