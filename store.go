package racefree

import (
	"errors"
	"math/rand/v2"
	"time"
	"unsafe"

	"github.com/google/btree"

	"github.com/racefree/racefree/luabind"
	"github.com/racefree/racefree/types"
)

// Store is an in-process, Redis-compatible data store. It holds a number of
// logical databases (16 by default, like Redis); the typed methods promoted
// onto Store act on database 0, DB returns a handle for another one.
//
// A Store is safe for concurrent use. Every exported method takes the one
// store-wide lock once, so each call is atomic; Update, View and Eval hold it
// for a whole function or script.
type Store struct {
	cmdable // the typed API on database 0

	mu     storeLock
	dbs    []*db
	clock  Clock
	custom bool          // the clock is not the system clock: refresh lru per call
	offset time.Duration // added to clock.Now() by FastForward and SetTime
	frozen int64         // when non-zero, the time in ms that nowMS returns
	lru    int64         // coarse clock in seconds for OBJECT IDLETIME; the sweep refreshes it
	rng    *rand.Rand
	closed bool
	calls  []*call // free list of command contexts, guarded by mu

	lua  *luabind.Engine // the Lua state and script cache, made on first use
	host scriptHost      // the running script's view of the store
	kill scriptKill      // reaches the running script without the lock

	scriptTimeout time.Duration
	limits        types.Limits // the encoding thresholds of CONFIG, which every container points to

	password string // WithPassword; empty: connections need no AUTH
	clientID int64  // the last connection id NewConn handed out, guarded by mu

	srv serverState // connections, CLIENT PAUSE, CONFIG, INFO counters (client.go), guarded by mu
	ps  pubsubState // pub/sub, MONITOR and CLIENT TRACKING (pubsub.go, tracking.go), guarded by mu

	stat statsState // INFO's keyspace, error and command statistics (stats.go), guarded by mu

	notify notifyState // keyspace notifications (notify.go), guarded by mu

	waiters map[blockKey][]*waiter // callers blocked on keys, oldest first
	ready   []blockKey             // keys created since waiters were last served

	sweepEvery time.Duration
	stop       chan struct{}
	done       chan struct{}
}

// Clock tells the time. A Store reads it for expiry, TTLs and TIME.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Option configures a Store. Pass options to New; none are needed.
type Option func(*config)

type config struct {
	clock         Clock
	databases     int
	seed          *uint64
	sweepEvery    time.Duration
	scriptTimeout time.Duration
	password      string
}

// WithClock sets the clock the Store reads. The default is the system clock,
// which is the fake one inside a testing/synctest bubble. Use it to drive time
// from a test; FastForward and SetTime work with any clock.
func WithClock(c Clock) Option { return func(o *config) { o.clock = c } }

// WithDatabases sets the number of logical databases, 16 by default as in
// Redis. It must be at least 1. Choose more only if code written for a
// server configured with more databases SELECTs them.
func WithDatabases(n int) Option { return func(o *config) { o.databases = n } }

// WithSeed seeds the random source behind RANDOMKEY, HRANDFIELD and the other
// commands that pick at random, so that a test sees the same picks every run.
// By default the source is seeded at random.
func WithSeed(seed uint64) Option { return func(o *config) { o.seed = &seed } }

// WithExpireInterval sets how often the background sweep deletes keys whose
// deadline has passed; the default, 100ms, matches Redis's hz 10. Keys are
// also deleted when a command touches them, so the interval only bounds how
// long memory held by expired keys that nobody reads stays in use. It must be
// positive.
func WithExpireInterval(d time.Duration) Option { return func(o *config) { o.sweepEvery = d } }

// WithScriptTimeout sets the longest a Lua script may run when the context
// given to Eval has no deadline of its own; a script that runs longer stops
// with an error. The default, 0, sets no limit: a script then runs until it
// ends, its context ends or ScriptKill stops it. Choose a limit a little
// above your slowest legitimate script. It must not be negative.
func WithScriptTimeout(d time.Duration) Option { return func(o *config) { o.scriptTimeout = d } }

// WithPassword sets the password of Redis's default user, as requirepass
// does: a connection (NewConn, the server package) must then AUTH with it,
// or say HELLO ... AUTH default <password>, before any other command. The
// Go API, Do and scripts are not connections and never need it. Empty, the
// default, means no password.
func WithPassword(pw string) Option { return func(o *config) { o.password = pw } }

// New returns an empty Store. Close it to stop its background sweep.
func New(opts ...Option) (*Store, error) {
	cfg := config{clock: systemClock{}, databases: 16, sweepEvery: 100 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	switch {
	case cfg.clock == nil:
		return nil, errors.New("racefree: WithClock needs a clock")
	case cfg.databases < 1:
		return nil, errors.New("racefree: WithDatabases needs at least 1 database")
	case cfg.sweepEvery <= 0:
		return nil, errors.New("racefree: WithExpireInterval needs a positive interval")
	case cfg.scriptTimeout < 0:
		return nil, errors.New("racefree: WithScriptTimeout needs a duration of 0 or more")
	}
	var seed1, seed2 uint64
	if cfg.seed != nil {
		seed1, seed2 = *cfg.seed, *cfg.seed^0x9e3779b97f4a7c15
	} else {
		seed1, seed2 = rand.Uint64(), rand.Uint64()
	}
	s := &Store{
		clock:      cfg.clock,
		rng:        rand.New(rand.NewPCG(seed1, seed2)),
		sweepEvery: cfg.sweepEvery,
		stop:       make(chan struct{}),

		scriptTimeout: cfg.scriptTimeout,
		limits:        types.DefaultLimits(),
		password:      cfg.password,
		done:          make(chan struct{}),
	}
	_, system := cfg.clock.(systemClock)
	s.custom = !system
	s.cmdable = cmdable{s: s}
	s.dbs = make([]*db, cfg.databases)
	for i := range s.dbs {
		s.dbs[i] = newDB(s, i)
	}
	s.lru = s.clock.Now().Unix()
	s.initServerState()
	go s.sweepLoop()
	return s, nil
}

// Close stops the background sweep and makes every later call fail with
// ErrClosed. It is safe to call more than once.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.closePubSub()
	close(s.stop)
	<-s.done
	return nil
}

// DB returns a handle for database n, for the typed API and Do. A handle for
// a database the Store does not have returns ErrDBIndex from every call.
func (s *Store) DB(n int) *DB { return &DB{cmdable{s: s, db: n}} }

// DB is a handle on one logical database of a Store. It has the same typed
// methods as Store and is safe for concurrent use.
type DB struct{ cmdable }

// FastForward moves the store's clock forward by d. Keys whose deadline it
// passes are expired, as they would be had the time really passed.
func (s *Store) FastForward(d time.Duration) {
	s.mu.Lock()
	s.offset += d
	s.lru = s.nowTime().Unix()
	s.mu.Unlock()
}

// SetTime sets the store's clock to t; it runs on from there at the pace of
// the underlying clock.
func (s *Store) SetTime(t time.Time) {
	s.mu.Lock()
	s.offset = t.Sub(s.clock.Now())
	s.lru = t.Unix()
	s.mu.Unlock()
}

// Now returns the store's time: the clock plus what FastForward and SetTime
// added.
func (s *Store) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowTime()
}

// nowTime is the store's time, running even while a script or transaction
// has the clock frozen for expiry (TIME keeps advancing in a script, as in
// Redis). The caller holds s.mu.
func (s *Store) nowTime() time.Time {
	return s.clock.Now().Add(s.offset)
}

// nowMS is the store's time in Unix milliseconds, the unit of deadlines. The
// caller holds s.mu.
func (s *Store) nowMS() int64 {
	if s.frozen != 0 {
		if s.frozen == frozenUnread { // frozen, first reading (see freeze)
			s.frozen = 0
			s.frozen = s.nowMS()
		}
		return s.frozen
	}
	ms := s.clock.Now().Add(s.offset).UnixMilli()
	s.lru = ms / 1000
	return ms
}

// touchClock refreshes the coarse clock behind OBJECT IDLETIME. The sweep
// does so every interval, which is as fine as Redis's own LRU clock; a
// custom clock may jump between sweeps, so then every call refreshes it.
// The caller holds s.mu.
func (s *Store) touchClock() {
	if s.custom && s.frozen == 0 {
		s.nowMS()
	}
}

// freeze stops the clock at its current reading until thaw, as Redis does for
// the length of a script or transaction: a key cannot expire half-way through.
// It returns false if the clock was already frozen (nested use), in which
// case the caller must not thaw. The caller holds s.mu.
func (s *Store) freeze() bool {
	if s.frozen != 0 {
		return false
	}
	s.frozen = frozenUnread // read on first use: many scripts never need the time
	return true
}

// frozenUnread in Store.frozen is a clock frozen but not read yet.
const frozenUnread int64 = -1 << 63

func (s *Store) thaw() { s.frozen = 0 }

// sweepBatch is how many expired keys one hold of the lock deletes at most,
// which bounds how long the sweep keeps other callers waiting.
const sweepBatch = 256

func (s *Store) sweepLoop() {
	defer close(s.done)
	t := time.NewTicker(s.sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.sweep()
		}
	}
}

// sweep deletes the keys whose deadline has passed, a batch per hold of the
// lock, until none is left or the store closes.
func (s *Store) sweep() {
	for i := 0; ; i++ {
		s.mu.Lock()
		if s.closed || i >= len(s.dbs) {
			s.mu.Unlock()
			return
		}
		now := s.nowMS()
		n := s.dbs[i].expireDue(now, sweepBatch)
		s.unlock() // serves the XREADGROUP callers blocked on expired streams
		if n == sweepBatch {
			i-- // more may be due in this database
		}
	}
}

// db is one logical database. Its methods expect the caller to hold s.mu.
type db struct {
	s       *Store
	id      int
	keys    map[string]*entry
	expires *btree.BTreeG[deadline]  // the keys that have a TTL, by deadline
	watched map[string][]*watchedKey // the connections that WATCH a key of this database (multi.go)
}

// deadline is an entry of the expiry index.
type deadline struct {
	at  int64 // Unix ms
	key string
}

func deadlineLess(a, b deadline) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.key < b.key
}

func newDB(s *Store, id int) *db {
	return &db{s: s, id: id, keys: make(map[string]*entry), expires: btree.NewG(16, deadlineLess)}
}

// valueType is the Redis type of a value.
type valueType uint8

const (
	typeString valueType = iota + 1
	typeList
	typeSet
	typeZSet
	typeHash
	typeStream
)

var typeNames = [...]string{typeString: "string", typeList: "list", typeSet: "set", typeZSet: "zset", typeHash: "hash", typeStream: "stream"}

func (t valueType) String() string { return typeNames[t] }

// strEnc records what OBJECT ENCODING and OBJECT REFCOUNT report for a
// string when its value alone does not decide it.
type strEnc uint8

const (
	// encByValue: "int" (a shared object for 0..9999) when the value reads
	// as a canonical 64-bit integer, "embstr" up to 44 bytes, else "raw".
	encByValue strEnc = iota
	// encRaw: modified in place (APPEND, SETRANGE, SETBIT, ...): "raw".
	encRaw
	// encString: made as a string, never an integer (INCRBYFLOAT's result):
	// "embstr" up to 44 bytes, else "raw"; never shared.
	encString
	// encUnshared: encByValue, but a private object (a COPY): its
	// reference count is 1 even for 0..9999.
	encUnshared
)

// entry is one key's value and metadata. Its size decides the memory a
// key costs: keep it at 32 bytes (a size class of Go's allocator), as
// TestEntrySize checks. To fit, a string's bytes and the other types'
// containers share one pointer, val: typ says which it holds, and only the
// accessors below (str, list, set, zset, hash, stream, container) read it.
type entry struct {
	typ      valueType
	enc      strEnc         // how Redis would encode the string, where its value alone does not say
	atime    uint32         // last access, Unix seconds of the coarse clock modulo 2^32 (see idle)
	val      unsafe.Pointer // a string's first byte, or the container: *types.List, ...
	n        int            // a string's length
	expireAt int64          // deadline in Unix ms; 0 for none
}

// stringEntry returns a new entry holding the string s, encoded as enc says.
func stringEntry(s string, enc strEnc) *entry {
	e := &entry{typ: typeString, enc: enc}
	e.setStr(s)
	return e
}

// The entries of the container types.
func listEntry(l *types.List) *entry     { return &entry{typ: typeList, val: unsafe.Pointer(l)} }
func setEntry(s *types.Set) *entry       { return &entry{typ: typeSet, val: unsafe.Pointer(s)} }
func zsetEntry(z *types.ZSet) *entry     { return &entry{typ: typeZSet, val: unsafe.Pointer(z)} }
func hashEntry(h *types.Hash) *entry     { return &entry{typ: typeHash, val: unsafe.Pointer(h)} }
func streamEntry(s *types.Stream) *entry { return &entry{typ: typeStream, val: unsafe.Pointer(s)} }

// str returns the value of a string entry.
func (e *entry) str() string { return unsafe.String((*byte)(e.val), e.n) }

// setStr sets the value of a string entry, keeping its encoding note.
func (e *entry) setStr(s string) { e.val, e.n = unsafe.Pointer(unsafe.StringData(s)), len(s) }

// The containers of entries of the other types; e.typ must match.
func (e *entry) list() *types.List     { return (*types.List)(e.val) }
func (e *entry) set() *types.Set       { return (*types.Set)(e.val) }
func (e *entry) zset() *types.ZSet     { return (*types.ZSet)(e.val) }
func (e *entry) hash() *types.Hash     { return (*types.Hash)(e.val) }
func (e *entry) stream() *types.Stream { return (*types.Stream)(e.val) }

// holder is what every container has: its length and its encoding.
type holder interface {
	Len() int
	Encoding() string
}

// container returns the container of an entry that is not a string, or nil
// for a string.
func (e *entry) container() holder {
	switch e.typ {
	case typeList:
		return e.list()
	case typeSet:
		return e.set()
	case typeZSet:
		return e.zset()
	case typeHash:
		return e.hash()
	case typeStream:
		return e.stream()
	}
	return nil
}

// touch records lru, the coarse clock in Unix seconds, as e's last access.
func (e *entry) touch(lru int64) { e.atime = uint32(lru) }

// idle returns the seconds from e's last access to lru, the coarse clock in
// Unix seconds: 0 when the clock went back. Idle times of 2^31 seconds
// (68 years) and more wrap around.
func (e *entry) idle(lru int64) int64 { return max(int64(int32(uint32(lru)-e.atime)), 0) }

// lookup returns key's entry, or nil if it does not exist or has expired (in
// which case it is deleted now). It marks the key as accessed.
func (d *db) lookup(key string) *entry {
	e := d.peek(key)
	if e != nil {
		e.touch(d.s.lru)
	}
	return e
}

// peek is lookup without marking the key as accessed, for the commands that
// Redis runs with LOOKUP_NOTOUCH (TYPE, TTL, OBJECT, ...).
//
// When the running command reads (stats.go), the lookup counts as a
// keyspace hit or miss.
func (d *db) peek(key string) *entry {
	e := d.keys[key]
	if e != nil && e.expireAt != 0 && e.expireAt <= d.s.nowMS() {
		d.s.stat.expired++
		d.remove(key, e)
		d.notify(notifyExpired, "expired", key)
		e = nil
	}
	if st := &d.s.stat; st.lookups && (!st.skipping || st.countLookup(key)) {
		if e != nil {
			st.hits++
		} else {
			st.misses++
			d.notify(notifyKeyMiss, "keymiss", key)
		}
	}
	return e
}

// lookupType returns key's entry if it holds a value of type t, nil if the
// key does not exist, and ErrWrongType if it holds another type.
func (d *db) lookupType(key string, t valueType) (*entry, error) {
	e := d.lookup(key)
	if e != nil && e.typ != t {
		return nil, ErrWrongType
	}
	return e, nil
}

// add stores a new entry under key, which must not exist. The entry keeps its
// deadline, if it has one.
func (d *db) add(key string, e *entry) {
	d.insert(key, e)
	d.notify(notifyNew, "new", key)
}

// replace stores e under key in place of old, key's entry, if there is one
// (else it is add): the *STORE commands overwrite their destination, which
// is no new key.
func (d *db) replace(key string, old, e *entry) {
	if old == nil {
		d.add(key, e)
		return
	}
	d.remove(key, old)
	d.insert(key, e)
}

// insert is add without the keyspace event.
func (d *db) insert(key string, e *entry) {
	e.touch(d.s.lru)
	d.keys[key] = e
	if e.expireAt != 0 {
		d.expires.ReplaceOrInsert(deadline{e.expireAt, key})
	}
	if e.typ == typeList || e.typ == typeZSet || e.typ == typeStream {
		d.signalReady(key)
	}
	d.modified(key)
}

// setString stores a string value under key, replacing what was there. With
// keepTTL the old deadline stays; otherwise the key persists.
func (d *db) setString(key, val string, keepTTL bool) *entry {
	e := d.keys[key]
	if e == nil {
		e = stringEntry(val, encByValue)
		d.add(key, e)
		return e
	}
	expired := e.expireAt != 0 && e.expireAt <= d.s.nowMS()
	if expired {
		d.s.stat.expired++ // deleted, then made anew, in Redis
		d.notify(notifyExpired, "expired", key)
		d.notify(notifyNew, "new", key)
	}
	if !keepTTL || expired {
		d.setExpire(key, e, 0)
	}
	if e.typ == typeStream {
		d.signalReady(key) // its XREADGROUP waiters fail
	}
	e.typ, e.enc = typeString, encByValue
	e.setStr(val)
	e.touch(d.s.lru)
	d.modified(key)
	return e
}

// setExpire sets the deadline of key's entry e; 0 removes it.
func (d *db) setExpire(key string, e *entry, at int64) {
	if e.expireAt == at {
		return
	}
	if e.expireAt != 0 {
		d.expires.Delete(deadline{e.expireAt, key})
	}
	e.expireAt = at
	if at != 0 {
		d.expires.ReplaceOrInsert(deadline{at, key})
	}
}

// remove deletes key, whose entry is e.
func (d *db) remove(key string, e *entry) {
	if e.expireAt != 0 {
		d.expires.Delete(deadline{e.expireAt, key})
	}
	delete(d.keys, key)
	d.modified(key)
	if e.typ == typeStream {
		d.signalReady(key) // its XREADGROUP waiters fail
	}
}

// del deletes key and reports whether it existed (and had not expired).
func (d *db) del(key string) bool {
	e := d.peek(key)
	if e == nil {
		return false
	}
	d.remove(key, e)
	return true
}

// delNotify is del for the commands that publish "del" when they delete a
// key: DEL itself, and the STORE commands whose result is empty.
func (d *db) delNotify(key string) bool {
	if !d.del(key) {
		return false
	}
	d.notify(notifyGeneric, "del", key)
	return true
}

// expireDue deletes up to max keys whose deadline is at or before now and
// returns how many it deleted. The callers blocked on an expired stream
// with XREADGROUP fail when the lock is released (unlock), as in Redis.
func (d *db) expireDue(now int64, max int) int {
	n := 0
	for n < max {
		min, ok := d.expires.Min()
		if !ok || min.at > now {
			break
		}
		d.expires.DeleteMin()
		e := d.keys[min.key]
		delete(d.keys, min.key)
		d.s.stat.expired++
		d.modified(min.key)
		d.notify(notifyExpired, "expired", min.key)
		if e != nil && e.typ == typeStream {
			d.signalReady(min.key)
		}
		n++
	}
	return n
}

// purge deletes every key whose deadline has passed, so that counts and
// listings (DBSIZE, KEYS, SCAN, RANDOMKEY) see only live keys.
func (d *db) purge() {
	now := d.s.nowMS()
	for d.expireDue(now, sweepBatch) == sweepBatch {
	}
}

// modified is Redis's signalModifiedKey: key's value in d changed, or the
// key was created or deleted. It breaks the WATCH of every connection
// watching the key and sends client-side cache invalidations for it. Every
// write path calls it after it changes a key, the typed API included: add,
// setString, remove and the expiry of a key call it themselves; code that
// changes a value in place (HSET on an existing hash, ...) calls it when
// something actually changed, as Redis does.
func (d *db) modified(key string) {
	d.touchWatched(key)
	d.s.invalidateTracked(key)
}

// flush deletes every key, breaking the WATCH of the connections that
// watch a key that existed.
func (d *db) flush() {
	d.s.invalidateTrackedAll()
	d.touchAllWatched(nil)
	d.signalStreamWaiters() // XREADGROUP waiters fail, as in Redis
	d.keys = make(map[string]*entry)
	d.expires.Clear(false)
}

// removeEach deletes each of names from key's container (entry e) with
// del, as SREM, ZREM and HDEL do, and returns how many were there. The key
// goes with its last element; the change is signalled once.
func (d *db) removeEach(key string, e *entry, names []string, del func(string) bool, size func() int) int64 {
	var n int64
	for _, name := range names {
		if del(name) {
			n++
			if size() == 0 {
				d.remove(key, e)
				return n
			}
		}
	}
	if n > 0 {
		d.modified(key)
	}
	return n
}
