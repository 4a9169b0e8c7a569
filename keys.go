package racefree

import (
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"weak"
)

// ---- DEL, UNLINK ----------------------------------------------------------

// Del deletes keys, as DEL does, and returns how many of them existed. A key
// named twice counts once.
func (c *cmdable) Del(keys ...string) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.delKeys(keys), nil
}

// Unlink is Del: as UNLINK, it deletes keys and returns how many existed.
// There is no background freeing to do in process, so it is the same as DEL.
func (c *cmdable) Unlink(keys ...string) (int64, error) { return c.Del(keys...) }

func (d *db) delKeys(keys []string) int64 {
	var n int64
	for _, k := range keys {
		if d.delNotify(k) {
			n++
		}
	}
	return n
}

func cmdDel(c *call) { c.w.Int(c.db.delKeys(c.args[1:])) }

func cmdUnlink(c *call) { c.w.Int(c.db.delKeys(c.args[1:])) }

// ---- EXISTS, TYPE, TOUCH --------------------------------------------------

// Exists returns how many of keys exist, as EXISTS does: a key named twice
// counts twice.
func (c *cmdable) Exists(keys ...string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.exists(keys), nil
}

func (d *db) exists(keys []string) int64 {
	var n int64
	for _, k := range keys {
		if d.peek(k) != nil {
			n++
		}
	}
	return n
}

func cmdExists(c *call) { c.w.Int(c.db.exists(c.args[1:])) }

// Type returns the type of the value at key, as TYPE does: "string", "list",
// "set", "zset", "hash" or "stream", and "none" when the key does not exist.
func (c *cmdable) Type(key string) (string, error) {
	d, err := c.begin(false)
	if err != nil {
		return "", err
	}
	defer c.end()
	return d.typeOf(key), nil
}

func (d *db) typeOf(key string) string {
	e := d.peek(key)
	if e == nil {
		return "none"
	}
	return e.typ.String()
}

func cmdType(c *call) { c.w.Status(c.db.typeOf(c.args[1])) }

// Touch marks keys as accessed, as TOUCH does, and returns how many of them
// exist (a key named twice counts twice).
func (c *cmdable) Touch(keys ...string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.touch(keys), nil
}

func (d *db) touch(keys []string) int64 {
	var n int64
	for _, k := range keys {
		if d.lookup(k) != nil {
			n++
		}
	}
	return n
}

func cmdTouch(c *call) { c.w.Int(c.db.touch(c.args[1:])) }

// ---- RENAME, RENAMENX -----------------------------------------------------

// Rename renames key src to dst, as RENAME does, replacing dst if it exists;
// the value keeps its TTL. It fails with ErrNoSuchKey when src does not
// exist. Renaming a key to itself does nothing.
func (c *cmdable) Rename(src, dst string) error {
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	_, err = d.rename(src, dst, false)
	return err
}

// RenameNX renames key src to dst only if dst does not exist, as RENAMENX
// does, and reports whether it did; the value keeps its TTL. It fails with
// ErrNoSuchKey when src does not exist. Renaming a key to itself returns
// false.
func (c *cmdable) RenameNX(src, dst string) (bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	return d.rename(src, dst, true)
}

// rename moves src's entry to dst and reports whether it did. Without nx an
// existing dst is replaced.
func (d *db) rename(src, dst string, nx bool) (bool, error) {
	e := d.lookup(src)
	if e == nil {
		return false, ErrNoSuchKey
	}
	if src == dst {
		return false, nil
	}
	if old := d.lookup(dst); old != nil {
		if nx {
			return false, nil
		}
		d.remove(dst, old)
	}
	d.remove(src, e)
	d.add(dst, e)
	d.notify(notifyGeneric, "rename_from", src)
	d.notify(notifyGeneric, "rename_to", dst)
	return true, nil
}

func cmdRename(c *call) {
	if _, err := c.db.rename(c.args[1], c.args[2], false); err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

func cmdRenameNX(c *call) {
	ok, err := c.db.rename(c.args[1], c.args[2], true)
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(ok)
}

// ---- COPY, MOVE -----------------------------------------------------------

// Copy copies the value at src to dst in database db, as COPY src dst DB db
// [REPLACE] does, and reports whether it did; the copy has src's TTL. Without
// replace an existing dst is left alone and Copy returns false. Copying a key
// onto itself fails with ErrSameObject; a database the Store does not have,
// with ErrDBIndex. The arguments are those of go-redis's Copy.
func (c *cmdable) Copy(src, dst string, db int, replace bool) (bool, error) {
	from, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	if db < 0 || db >= len(c.s.dbs) {
		return false, ErrDBIndex
	}
	return copyKey(from, src, c.s.dbs[db], dst, replace)
}

// copyKey copies src of from to dst of to.
func copyKey(from *db, src string, to *db, dst string, replace bool) (bool, error) {
	if from == to && src == dst {
		return false, ErrSameObject
	}
	e := from.lookup(src)
	if e == nil {
		return false, nil
	}
	old := to.lookup(dst)
	if old != nil && !replace {
		return false, nil
	}
	n := cloneEntry(e)
	if old != nil {
		to.remove(dst, old)
	}
	to.add(dst, n)
	to.notify(notifyGeneric, "copy_to", dst)
	return true, nil
}

// cloneEntry returns a deep copy of e, with the same deadline.
func cloneEntry(e *entry) *entry {
	var n *entry
	switch e.typ {
	case typeString:
		enc := e.enc
		if enc == encByValue {
			enc = encUnshared // a copy is an object of its own, never a shared integer
		}
		n = stringEntry(e.str(), enc)
	case typeHash:
		n = hashEntry(e.hash().Clone())
	case typeZSet:
		n = zsetEntry(e.zset().Clone())
	case typeSet:
		n = setEntry(e.set().Clone())
	case typeList:
		n = listEntry(e.list().Clone())
	default:
		n = streamEntry(e.stream().Clone())
	}
	n.expireAt = e.expireAt
	return n
}

// Move moves key to database db, as MOVE does, and reports whether it did; the
// value keeps its TTL. It does nothing and returns false when key does not
// exist or db already has it. Moving to the handle's own database fails with
// ErrSameObject; to a database the Store does not have, with ErrDBIndex.
func (c *cmdable) Move(key string, db int) (bool, error) {
	from, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	if db < 0 || db >= len(c.s.dbs) {
		return false, ErrDBIndex
	}
	return moveKey(from, key, c.s.dbs[db])
}

func moveKey(from *db, key string, to *db) (bool, error) {
	if from == to {
		return false, ErrSameObject
	}
	e := from.lookup(key)
	if e == nil || to.lookup(key) != nil {
		return false, nil
	}
	from.remove(key, e)
	to.add(key, e)
	from.notify(notifyGeneric, "move_from", key)
	to.notify(notifyGeneric, "move_to", key)
	return true, nil
}

func cmdMove(c *call) {
	to, err := c.s.dbArg(c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	ok, err := moveKey(c.db, c.args[1], to)
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(ok)
}

func cmdCopy(c *call) {
	to, replace := c.db, false
	for i := 3; i < len(c.args); i++ {
		switch {
		case strings.EqualFold(c.args[i], "replace"):
			replace = true
		case strings.EqualFold(c.args[i], "db") && i+1 < len(c.args):
			d, err := c.s.dbArg(c.args[i+1])
			if err != nil {
				c.fail(err)
				return
			}
			to = d
			i++
		default:
			c.fail(ErrSyntax)
			return
		}
	}
	ok, err := copyKey(c.db, c.args[1], to, c.args[2], replace)
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(ok)
}

// ---- KEYS -----------------------------------------------------------------

// Keys returns the keys that match the glob-style pattern, as KEYS does, in
// no particular order. The pattern "*" matches every key, the empty one
// included.
func (c *cmdable) Keys(pattern string) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.keysMatching(pattern), nil
}

func (d *db) keysMatching(pattern string) []string {
	d.purge()
	all := pattern == "*"
	out := make([]string, 0, min(len(d.keys), 64))
	for k := range d.keys {
		if all || matchGlob(pattern, k) {
			out = append(out, k)
		}
	}
	return out
}

func cmdKeys(c *call) {
	keys := c.db.keysMatching(c.args[1])
	c.w.Array(len(keys))
	for _, k := range keys {
		c.w.Bulk(k)
	}
}

// ---- SCAN -----------------------------------------------------------------

// Scan iterates over the keys, as SCAN cursor [MATCH match] [COUNT count]
// does: start with cursor 0 and call again with the cursor returned until it
// is 0. Every key that exists for the whole iteration is returned at least
// once; keys added or deleted meanwhile may or may not be. An empty match
// means no MATCH and a count of 0 or less the default of 10, as with
// go-redis. Each call returns up to count keys before MATCH filters them, so
// a call may return none before the end.
//
// Unlike Redis, whose cursors follow its hash table, a cursor here is the
// position of a key's 64-bit hash; cursors are not portable between the two.
func (c *cmdable) Scan(cursor uint64, match string, count int64) ([]string, uint64, error) {
	return c.ScanType(cursor, match, count, "")
}

// ScanType is Scan with SCAN's TYPE option: only keys holding a value of
// keyType ("string", "hash", ...) are returned. An empty keyType means any.
func (c *cmdable) ScanType(cursor uint64, match string, count int64, keyType string) ([]string, uint64, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, 0, err
	}
	defer c.end()
	if count <= 0 {
		count = 10
	}
	if match == "" {
		match = "*"
	}
	keys, next := d.scan(cursor, match, count, keyType)
	return keys, next, nil
}

// scanSnap is a database's keys ordered by hash, taken when a scan starts
// (cursor 0). Cursors are hash values: a call returns the keys whose hash is
// at or after the cursor, in hash order, and the next cursor is the hash of
// the first key it did not visit. A snapshot taken at or after the start of
// an iteration holds every key that exists for the whole iteration, which is
// all SCAN promises; keys gone since are skipped.
type scanSnap struct {
	hashes []uint64 // ascending
	keys   []string // keys[i] has hash hashes[i]
}

// The snapshots of databases, weakly keyed so that a Store nobody holds is
// freed with its snapshots. The store lock is held by the callers; the mutex
// is for the map shared by all stores.
var scanSnaps struct {
	mu sync.Mutex
	m  map[weak.Pointer[db]]*scanSnap
}

// keyHash is FNV-1a over the key, with MurmurHash3's finaliser so that short
// keys spread over all 64 bits; it is never 0 (cursor 0 means "start" and
// "done"). It is fixed, so cursors and RANDOMKEY's picks repeat run to run.
func keyHash(k string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(k); i++ {
		h ^= uint64(k[i])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	if h == 0 {
		h = 1
	}
	return h
}

// scanSnapshot returns d's snapshot, taking a new one when fresh or when
// there is none.
func (d *db) scanSnapshot(fresh bool) *scanSnap {
	wp := weak.Make(d)
	scanSnaps.mu.Lock()
	defer scanSnaps.mu.Unlock()
	snap, known := scanSnaps.m[wp]
	if snap != nil && !fresh {
		return snap
	}
	if !known {
		if scanSnaps.m == nil {
			scanSnaps.m = make(map[weak.Pointer[db]]*scanSnap)
		}
		runtime.AddCleanup(d, func(wp weak.Pointer[db]) {
			scanSnaps.mu.Lock()
			delete(scanSnaps.m, wp)
			scanSnaps.mu.Unlock()
		}, wp)
	}
	d.purge()
	type hk struct {
		h uint64
		k string
	}
	all := make([]hk, 0, len(d.keys))
	for k := range d.keys {
		all = append(all, hk{keyHash(k), k})
	}
	slices.SortFunc(all, func(a, b hk) int {
		switch {
		case a.h < b.h:
			return -1
		case a.h > b.h:
			return 1
		}
		return strings.Compare(a.k, b.k)
	})
	snap = &scanSnap{hashes: make([]uint64, len(all)), keys: make([]string, len(all))}
	for i, x := range all {
		snap.hashes[i], snap.keys[i] = x.h, x.k
	}
	scanSnaps.m[wp] = snap
	return snap
}

// dropScanSnapshot frees d's snapshot once an iteration has ended. A scan
// still under way elsewhere takes a new one, which holds every key it must
// return.
func (d *db) dropScanSnapshot() {
	wp := weak.Make(d)
	scanSnaps.mu.Lock()
	if _, ok := scanSnaps.m[wp]; ok {
		scanSnaps.m[wp] = nil
	}
	scanSnaps.mu.Unlock()
}

// scan runs one SCAN step: it visits up to count live keys from cursor (and
// at most ten times count entries of the snapshot, as Redis bounds its own
// walk), keeps those that match pattern ("*" for all) and have type typ (""
// for any, compared without case), and returns them with the next cursor.
func (d *db) scan(cursor uint64, pattern string, count int64, typ string) ([]string, uint64) {
	snap := d.scanSnapshot(cursor == 0)
	i := sort.Search(len(snap.hashes), func(i int) bool { return snap.hashes[i] >= cursor })
	budget := count * 10
	if budget/10 != count {
		budget = 1<<63 - 1
	}
	var out []string
	var taken int64
	for ; i < len(snap.keys) && taken < count && budget > 0; i++ {
		budget--
		k := snap.keys[i]
		e := d.peek(k)
		if e == nil {
			continue
		}
		taken++
		if pattern != "*" && !matchGlob(pattern, k) {
			continue
		}
		if typ != "" && !strings.EqualFold(typ, e.typ.String()) {
			continue
		}
		out = append(out, k)
	}
	if i == len(snap.keys) {
		d.dropScanSnapshot()
		return out, 0
	}
	return out, snap.hashes[i]
}

func cmdScan(c *call) {
	cursor, ok := parseScanCursor(c.args[1])
	if !ok {
		c.fail(ErrInvalidCursor)
		return
	}
	a, err := parseScanArgs(c.args[2:], true)
	if err != nil {
		c.fail(err)
		return
	}
	c.scanReply(c.db.scan(cursor, a.match, a.count, a.typ))
}

// ---- RANDOMKEY ------------------------------------------------------------

// RandomKey returns a random key, as RANDOMKEY does, and false when the
// database is empty. The pick comes from the Store's random source, so
// WithSeed makes it repeatable; like Redis's, it is not exactly uniform.
func (c *cmdable) RandomKey() (string, bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	k, ok := d.randomKey()
	return k, ok, nil
}

// randomKey picks a random point on the ring of key hashes and returns the
// first key at or after it. It walks every key, but needs no index and gives
// the same pick for the same seed whatever the map's iteration order.
func (d *db) randomKey() (string, bool) {
	d.purge()
	if len(d.keys) == 0 {
		return "", false
	}
	target := d.s.rng.Uint64()
	var best, first string
	var bestH, firstH uint64
	haveBest, haveFirst := false, false
	for k := range d.keys {
		h := keyHash(k)
		if !haveFirst || h < firstH || h == firstH && k < first {
			first, firstH, haveFirst = k, h, true
		}
		if h >= target && (!haveBest || h < bestH || h == bestH && k < best) {
			best, bestH, haveBest = k, h, true
		}
	}
	if haveBest {
		return best, true
	}
	return first, true
}

func cmdRandomKey(c *call) { c.bulkOrNil(c.db.randomKey()) }

// ---- OBJECT ---------------------------------------------------------------

// ObjectEncoding returns the internal representation Redis would use for
// the value at key, as OBJECT ENCODING does ("int", "embstr", "raw",
// "listpack", "hashtable", ...), and false when the key does not exist. It
// does not count as an access to the key.
func (c *cmdable) ObjectEncoding(key string) (string, bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	e := d.peekObject(key)
	if e == nil {
		return "", false, nil
	}
	return encodingOf(e), true, nil
}

// encodingOf is what OBJECT ENCODING says for e.
func encodingOf(e *entry) string {
	if e.typ == typeString {
		switch {
		case e.enc == encRaw:
			return "raw"
		case e.enc == encString:
			if len(e.str()) <= 44 {
				return "embstr"
			}
			return "raw"
		case intEncoded(e.str()):
			return "int"
		case len(e.str()) <= 44:
			return "embstr"
		}
		return "raw"
	}
	return e.container().Encoding()
}

// intEncoded reports whether Redis stores the string s as an integer: it
// reads as a 64-bit integer in canonical form (no sign '+', no leading zero).
func intEncoded(s string) bool {
	if len(s) > 20 {
		return false
	}
	_, ok := parseInt(s)
	return ok
}

// sharedInt reports whether the string entry e is, in Redis, one of the
// shared integer objects 0 to 9999, whose reference count is 2147483647.
func sharedInt(e *entry) bool {
	if e.enc != encByValue || len(e.str()) > 4 {
		return false
	}
	n, ok := parseInt(e.str())
	return ok && n >= 0 && n < 10000
}

// ObjectRefCount returns the reference count Redis would report for the value
// at key, as OBJECT REFCOUNT does (1, or 2147483647 for the small integers
// Redis shares), and false when the key does not exist.
func (c *cmdable) ObjectRefCount(key string) (int64, bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	e := d.peekObject(key)
	if e == nil {
		return 0, false, nil
	}
	return refCountOf(e), true, nil
}

func refCountOf(e *entry) int64 {
	if e.typ == typeString && sharedInt(e) {
		return 1<<31 - 1
	}
	return 1
}

// ObjectIdleTime returns how long ago the key was last read or written, as
// OBJECT IDLETIME does (in whole seconds of the store's clock), and false
// when the key does not exist. It does not count as an access.
func (c *cmdable) ObjectIdleTime(key string) (time.Duration, bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	idle, ok := d.idleTime(key)
	return time.Duration(idle) * time.Second, ok, nil
}

// idleTime returns key's idle time in seconds.
func (d *db) idleTime(key string) (int64, bool) {
	e := d.peekObject(key)
	if e == nil {
		return 0, false
	}
	d.s.nowMS() // brings the coarse clock up to date
	return e.idle(d.s.lru), true
}

// ObjectFreq is OBJECT FREQ: it returns false for a missing key and
// otherwise fails with ErrNoLFU, as Redis does under its default maxmemory
// policy, the only one a Store has.
func (c *cmdable) ObjectFreq(key string) (int64, bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	if d.peekObject(key) == nil {
		return 0, false, nil
	}
	return 0, true, ErrNoLFU
}

func cmdObjectEncoding(c *call) {
	e := c.db.peekObject(c.args[2])
	if e == nil {
		c.w.NullBulk()
		return
	}
	c.w.Bulk(encodingOf(e))
}

func cmdObjectRefcount(c *call) {
	e := c.db.peekObject(c.args[2])
	if e == nil {
		c.w.NullBulk()
		return
	}
	c.w.Int(refCountOf(e))
}

func cmdObjectIdletime(c *call) {
	idle, ok := c.db.idleTime(c.args[2])
	if !ok {
		c.w.NullBulk()
		return
	}
	c.w.Int(idle)
}

func cmdObjectFreq(c *call) {
	if c.db.peekObject(c.args[2]) == nil {
		c.w.NullBulk()
		return
	}
	c.fail(ErrNoLFU)
}

// objectHelp is OBJECT HELP's reply after its first line, verbatim from
// redis-server 7.0.15.
var objectHelp = [...]string{
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
	"HELP",
	"    Prints this help.",
}

func cmdObjectHelp(c *call) {
	c.w.Array(len(objectHelp) + 1)
	c.w.Status(strings.ToUpper(c.args[0]) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range objectHelp {
		c.w.Status(l)
	}
}
