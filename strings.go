package racefree

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// The string commands: GET, SET and its variants, the counters, APPEND, the
// range commands and LCS. Each has one implementation on *db; the handlers
// (cmdXxx) parse arguments and the typed methods on *cmdable convert Go
// values, and both call it.

// maxStringLen is the largest string a command may build: Redis's default
// proto-max-bulk-len, 512 MB.
const maxStringLen = 512 << 20

// KeepTTL, passed as the ttl of Set or the TTL of SetArgs, keeps the key's
// current time to live, as SET's KEEPTTL option does.
const KeepTTL time.Duration = -1

// strExpiry is a TTL or a deadline as a command gave it, not yet checked:
// Redis validates it only at a certain point of each command, which decides
// which error wins.
type strExpiry struct {
	kind    strExpiryKind
	arg     string // the argument as sent, parsed by deadline
	n       int64  // the value, when fromArg is false (the typed API)
	fromArg bool
}

type strExpiryKind uint8

const (
	strExpNone strExpiryKind = iota
	strExpEX                 // seconds from now
	strExpPX                 // milliseconds from now
	strExpEXAT               // Unix seconds
	strExpPXAT               // Unix milliseconds
)

// strOptions are the options of SET and GETEX (and of the commands that are
// SET with fixed options: SETNX, SETEX, PSETEX).
type strOptions struct {
	nx, xx, get, keepTTL, persist bool
	exp                           strExpiry
	cmd                           string // the command named in expire errors; "set" when empty
}

// strDeadline turns x into a deadline in Unix milliseconds, with Redis's
// checks: the value must be positive, and a relative TTL must not overflow.
func (d *db) strDeadline(x strExpiry, cmd string) (int64, error) {
	n := x.n
	if x.fromArg {
		var ok bool
		if n, ok = parseInt(x.arg); !ok {
			return 0, ErrNotInteger
		}
	}
	seconds := x.kind == strExpEX || x.kind == strExpEXAT
	if n <= 0 || seconds && n > math.MaxInt64/1000 {
		return 0, strInvalidExpire(cmd)
	}
	if seconds {
		n *= 1000
	}
	if x.kind == strExpEX || x.kind == strExpPX {
		n += d.s.nowMS() // wraps to a negative number on overflow, as in Redis
	}
	if n <= 0 {
		return 0, strInvalidExpire(cmd)
	}
	return n, nil
}

func strInvalidExpire(cmd string) error {
	return errorf(ErrInvalidExpire, "ERR invalid expire time in '%s' command", cmd)
}

// cOpt returns an option argument up to its first NUL byte: Redis compares
// options as C strings, so "nx\x00junk" is NX.
func cOpt(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// parseStrOptions parses the options of SET (set true, from args[3]) or
// GETEX (from args[2]) as Redis does: any order, a repeated option is
// allowed (the last TTL wins), and any conflict is a syntax error. The TTL
// itself is checked later, by strDeadline.
func parseStrOptions(args []string, set bool) (strOptions, error) {
	var o strOptions
	start := 2
	if set {
		start = 3
	}
	for j := start; j < len(args); j++ {
		opt := cOpt(args[j])
		hasNext := j+1 < len(args)
		kind := strExpNone
		switch {
		case strings.EqualFold(opt, "ex"):
			kind = strExpEX
		case strings.EqualFold(opt, "px"):
			kind = strExpPX
		case strings.EqualFold(opt, "exat"):
			kind = strExpEXAT
		case strings.EqualFold(opt, "pxat"):
			kind = strExpPXAT
		}
		switch {
		case set && !o.xx && strings.EqualFold(opt, "nx"):
			o.nx = true
		case set && !o.nx && strings.EqualFold(opt, "xx"):
			o.xx = true
		case set && strings.EqualFold(opt, "get"):
			o.get = true
		case set && !o.persist && o.exp.kind == strExpNone && strings.EqualFold(opt, "keepttl"):
			o.keepTTL = true
		case !set && o.exp.kind == strExpNone && !o.keepTTL && strings.EqualFold(opt, "persist"):
			o.persist = true
		case kind != strExpNone && hasNext && !o.keepTTL && !o.persist && (o.exp.kind == strExpNone || o.exp.kind == kind):
			o.exp = strExpiry{kind: kind, arg: args[j+1], fromArg: true}
			j++
		default:
			return o, ErrSyntax
		}
	}
	return o, nil
}

// ---- GET, SET and friends ----

func (d *db) get(key string) (string, bool, error) {
	e, err := d.lookupType(key, typeString)
	if e == nil {
		return "", false, err
	}
	return e.str(), true, nil
}

// set is SET with its options. It returns the old value when o.get asks for
// it, and whether the value was stored (NX and XX may prevent it).
func (d *db) set(key, val string, o strOptions) (old string, hadOld, stored bool, err error) {
	var at int64
	if o.exp.kind != strExpNone {
		cmd := o.cmd
		if cmd == "" {
			cmd = "set"
		}
		if at, err = d.strDeadline(o.exp, cmd); err != nil {
			return "", false, false, err
		}
	}
	e := d.lookup(key)
	if o.get && e != nil {
		if e.typ != typeString {
			return "", false, false, ErrWrongType
		}
		old, hadOld = e.str(), true
	}
	if o.nx && e != nil || o.xx && e == nil {
		return old, hadOld, false, nil
	}
	e = d.setString(key, val, o.keepTTL || at != 0)
	d.notify(notifyString, "set", key)
	if at != 0 {
		d.setExpire(key, e, at)
		d.notify(notifyGeneric, "expire", key)
	}
	return old, hadOld, true, nil
}

func (d *db) getSet(key, val string) (string, bool, error) {
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return "", false, err
	}
	var old string
	if e != nil {
		old = e.str()
	}
	d.setString(key, val, false)
	d.notify(notifyString, "set", key)
	return old, e != nil, nil
}

func (d *db) getDel(key string) (string, bool, error) {
	e, err := d.lookupType(key, typeString)
	if e == nil {
		return "", false, err
	}
	d.remove(key, e)
	d.notify(notifyGeneric, "del", key)
	return e.str(), true, nil
}

// getEx is GETEX: the TTL is checked only once the key is known to hold a
// string, and a deadline in the past deletes the key.
func (d *db) getEx(key string, o strOptions) (string, bool, error) {
	e, err := d.lookupType(key, typeString)
	if e == nil {
		return "", false, err
	}
	val := e.str()
	switch {
	case o.exp.kind != strExpNone:
		at, err := d.strDeadline(o.exp, "getex")
		if err != nil {
			return "", false, err
		}
		if at <= d.s.nowMS() {
			d.remove(key, e)
			d.notify(notifyGeneric, "del", key)
		} else {
			d.setExpire(key, e, at)
			d.modified(key)
			d.notify(notifyGeneric, "expire", key)
		}
	case o.persist && e.expireAt != 0:
		d.setExpire(key, e, 0)
		d.modified(key)
		d.notify(notifyGeneric, "persist", key)
	}
	return val, true, nil
}

// mgetOne is one key of MGET: a key of another type reads as missing.
func (d *db) mgetOne(key string) (string, bool) {
	e := d.lookup(key)
	if e == nil || e.typ != typeString {
		return "", false
	}
	return e.str(), true
}

// mset stores key/value pairs; with nx, nothing is stored unless every key
// is missing, and the result says whether they were stored.
func (d *db) mset(pairs []string, nx bool) bool {
	if nx {
		for i := 0; i < len(pairs); i += 2 {
			if d.lookup(pairs[i]) != nil {
				return false
			}
		}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		d.setString(pairs[i], pairs[i+1], false)
		d.notify(notifyString, "set", pairs[i])
	}
	return true
}

func cmdGet(c *call) {
	v, ok, err := c.db.get(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkOrNil(v, ok)
}

func cmdSet(c *call) {
	o, err := parseStrOptions(c.args, true)
	if err != nil {
		c.fail(err)
		return
	}
	c.replySet(c.args[1], c.args[2], o)
}

// replySet runs SET (or a variant) and writes its reply: the old value with
// GET, else OK, or the nil reply when NX or XX stopped it.
func (c *call) replySet(key, val string, o strOptions) {
	old, hadOld, stored, err := c.db.set(key, val, o)
	switch {
	case err != nil:
		c.fail(err)
	case o.get:
		c.bulkOrNil(old, hadOld)
	case stored:
		c.ok()
	default:
		c.w.NullBulk()
	}
}

func cmdSetNX(c *call) {
	_, _, stored, _ := c.db.set(c.args[1], c.args[2], strOptions{nx: true})
	c.bool(stored)
}

func cmdSetEX(c *call) {
	// SETEX key seconds value
	c.replySet(c.args[1], c.args[3], strOptions{exp: strExpiry{kind: strExpEX, arg: c.args[2], fromArg: true}, cmd: "setex"})
}

func cmdPSetEX(c *call) {
	c.replySet(c.args[1], c.args[3], strOptions{exp: strExpiry{kind: strExpPX, arg: c.args[2], fromArg: true}, cmd: "psetex"})
}

func cmdGetSet(c *call) {
	old, ok, err := c.db.getSet(c.args[1], c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkOrNil(old, ok)
}

func cmdGetDel(c *call) {
	v, ok, err := c.db.getDel(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkOrNil(v, ok)
}

func cmdGetEX(c *call) {
	o, err := parseStrOptions(c.args, false)
	if err != nil {
		c.fail(err)
		return
	}
	v, ok, err := c.db.getEx(c.args[1], o)
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkOrNil(v, ok)
}

func cmdMGet(c *call) {
	keys := c.args[1:]
	c.w.Array(len(keys))
	for _, k := range keys {
		v, ok := c.db.mgetOne(k)
		c.bulkOrNil(v, ok)
	}
}

func cmdMSet(c *call) {
	if len(c.args)%2 == 0 {
		c.fail(arityError("mset"))
		return
	}
	c.db.mset(c.args[1:], false)
	c.ok()
}

func cmdMSetNX(c *call) {
	if len(c.args)%2 == 0 {
		c.fail(arityError("msetnx"))
		return
	}
	c.bool(c.db.mset(c.args[1:], true))
}

// Get returns the string stored at key, and false if the key does not exist.
// It fails with ErrWrongType if the key holds another type.
func (c *cmdable) Get(key string) (string, bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.get(key)
}

// Set stores value at key, replacing any value of any type, as SET does. A
// ttl of 0 means no expiry; KeepTTL keeps the key's current TTL; a positive
// ttl is used to the millisecond (as SET ... PX). A ttl that rounds down to
// 0ms, or another negative value, fails with ErrInvalidExpire.
func (c *cmdable) Set(key, value string, ttl time.Duration) error {
	o := ttlOptions(ttl)
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	_, _, _, err = d.set(key, value, o)
	return err
}

// ttlOptions turns Set's ttl into SET's options.
func ttlOptions(ttl time.Duration) strOptions {
	switch {
	case ttl == 0:
		return strOptions{}
	case ttl == KeepTTL:
		return strOptions{keepTTL: true}
	}
	return strOptions{exp: strExpiry{kind: strExpPX, n: ttl.Milliseconds()}}
}

// SetArgs are SET's options for the SetArgs method. The zero value is a
// plain SET.
type SetArgs struct {
	// NX stores the value only if the key does not exist.
	NX bool
	// XX stores the value only if the key exists.
	XX bool
	// Get returns the old value (SET ... GET); the key must then hold a
	// string or nothing, else the call fails with ErrWrongType.
	Get bool
	// TTL is the time to live, used to the millisecond (PX); 0 for none,
	// KeepTTL to keep the current one.
	TTL time.Duration
	// ExpireAt is an absolute deadline, used to the millisecond (PXAT); the
	// zero Time for none. A deadline in the past stores a key that is
	// already gone.
	ExpireAt time.Time
}

// SetResult is what SetArgs did.
type SetResult struct {
	// Old is the previous value; set only with SetArgs.Get.
	Old string
	// HadOld says whether the key held a string before; set only with
	// SetArgs.Get.
	HadOld bool
	// Stored says whether the value was stored: false when NX or XX
	// prevented it.
	Stored bool
}

// SetArgs is SET with all its options. NX with XX, or a TTL with ExpireAt
// or with KeepTTL, fail with ErrSyntax, as the same options would in Redis.
func (c *cmdable) SetArgs(key, value string, a SetArgs) (SetResult, error) {
	o := ttlOptions(a.TTL)
	o.nx, o.xx, o.get = a.NX, a.XX, a.Get
	if !a.ExpireAt.IsZero() {
		if a.TTL != 0 {
			return SetResult{}, ErrSyntax
		}
		o.exp = strExpiry{kind: strExpPXAT, n: a.ExpireAt.UnixMilli()}
	}
	if a.NX && a.XX {
		return SetResult{}, ErrSyntax
	}
	d, err := c.begin(true)
	if err != nil {
		return SetResult{}, err
	}
	defer c.end()
	var r SetResult
	r.Old, r.HadOld, r.Stored, err = d.set(key, value, o)
	return r, err
}

// SetNX stores value at key only if the key does not exist, as SETNX does,
// and reports whether it did.
func (c *cmdable) SetNX(key, value string) (bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	_, _, stored, err := d.set(key, value, strOptions{nx: true})
	return stored, err
}

// SetEX stores value at key with a time to live in whole seconds, as SETEX
// does: ttl is truncated to the second, and fails with ErrInvalidExpire if
// that leaves less than one. Use Set for a TTL to the millisecond.
func (c *cmdable) SetEX(key, value string, ttl time.Duration) error {
	return c.setWithTTL(key, value, strExpEX, int64(ttl/time.Second), "setex")
}

// PSetEX stores value at key with a time to live in milliseconds, as
// PSETEX does: ttl is truncated to the millisecond, and fails with
// ErrInvalidExpire if that leaves less than one.
func (c *cmdable) PSetEX(key, value string, ttl time.Duration) error {
	return c.setWithTTL(key, value, strExpPX, ttl.Milliseconds(), "psetex")
}

func (c *cmdable) setWithTTL(key, value string, kind strExpiryKind, n int64, cmd string) error {
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	_, _, _, err = d.set(key, value, strOptions{exp: strExpiry{kind: kind, n: n}, cmd: cmd})
	return err
}

// GetSet stores value at key and returns the old value, as GETSET does; the
// key loses its TTL. It fails with ErrWrongType, changing nothing, if the
// key holds another type.
func (c *cmdable) GetSet(key, value string) (string, bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.getSet(key, value)
}

// GetDel deletes key and returns the string it held, as GETDEL does.
func (c *cmdable) GetDel(key string) (string, bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.getDel(key)
}

// GetEXArgs are GETEX's options. The zero value changes nothing (GETEX is
// then GET).
type GetEXArgs struct {
	// TTL sets a time to live, used to the millisecond (PX); it must be at
	// least 1ms.
	TTL time.Duration
	// ExpireAt sets an absolute deadline, used to the millisecond (PXAT); a
	// deadline that has passed deletes the key.
	ExpireAt time.Time
	// Persist removes the TTL.
	Persist bool
}

// GetEX returns the string at key and changes its TTL, as GETEX does. More
// than one of TTL, ExpireAt and Persist fails with ErrSyntax; an invalid
// TTL fails with ErrInvalidExpire, but only if the key holds a string, as in
// Redis.
func (c *cmdable) GetEX(key string, a GetEXArgs) (string, bool, error) {
	var o strOptions
	n := 0
	if a.TTL != 0 {
		o.exp, n = strExpiry{kind: strExpPX, n: a.TTL.Milliseconds()}, n+1
	}
	if !a.ExpireAt.IsZero() {
		o.exp, n = strExpiry{kind: strExpPXAT, n: a.ExpireAt.UnixMilli()}, n+1
	}
	if a.Persist {
		o.persist, n = true, n+1
	}
	if n > 1 {
		return "", false, ErrSyntax
	}
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.getEx(key, o)
}

// MGet returns the values of keys, in order: nil for a key that does not
// exist or holds another type, as MGET does. Calling it with no key fails
// with ErrWrongArity, as MGET does.
func (c *cmdable) MGet(keys ...string) ([]*string, error) {
	if len(keys) == 0 {
		return nil, arityError("mget")
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	vals := make([]string, len(keys))
	out := make([]*string, len(keys))
	for i, k := range keys {
		if v, ok := d.mgetOne(k); ok {
			vals[i] = v
			out[i] = &vals[i]
		}
	}
	return out, nil
}

// MSet stores key/value pairs, given as key1, value1, key2, value2, ..., as
// MSET does; the keys lose their TTL. An odd or zero number of arguments
// fails with ErrWrongArity.
func (c *cmdable) MSet(pairs ...string) error {
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return arityError("mset")
	}
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	d.mset(pairs, false)
	return nil
}

// MSetNX is MSet only if none of the keys exists, as MSETNX does; it
// reports whether the pairs were stored.
func (c *cmdable) MSetNX(pairs ...string) (bool, error) {
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		return false, arityError("msetnx")
	}
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	return d.mset(pairs, true), nil
}

// ---- counters ----

// sharedInts holds the decimal forms of 0 to 9999 back to back: formatCount
// slices them, so that a counter in that range is stored without an
// allocation (Redis, too, shares its integer objects for 0 to 9999).
var sharedInts = func() string {
	b := make([]byte, 0, 38890)
	for i := range int64(10000) {
		b = strconv.AppendInt(b, i, 10)
	}
	return string(b)
}()

// formatCount is strconv.FormatInt(v, 10), without an allocation for 0 to
// 9999.
func formatCount(v int64) string {
	var off, n int64
	switch {
	case v < 0 || v >= 10000:
		return strconv.FormatInt(v, 10)
	case v < 10:
		off, n = v, 1
	case v < 100:
		off, n = 10+(v-10)*2, 2
	case v < 1000:
		off, n = 190+(v-100)*3, 3
	default:
		off, n = 2890+(v-1000)*4, 4
	}
	return sharedInts[off : off+n]
}

// incrBy adds n to the integer at key (0 if the key does not exist) and
// stores the result, keeping the key's TTL.
func (d *db) incrBy(key string, n int64) (int64, error) {
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return 0, err
	}
	var v int64
	if e != nil {
		var ok bool
		if v, ok = parseInt(e.str()); !ok {
			return 0, ErrNotInteger
		}
	}
	if n < 0 && v < 0 && n < math.MinInt64-v || n > 0 && v > 0 && n > math.MaxInt64-v {
		return 0, ErrOverflow
	}
	v += n
	s := formatCount(v)
	if e == nil {
		d.add(key, stringEntry(s, encByValue))
	} else {
		e.setStr(s)
		e.enc = encByValue
		d.modified(key)
	}
	d.notify(notifyString, "incrby", key)
	return v, nil
}

// decrBy is DECRBY: the negation of n must fit in 64 bits.
func (d *db) decrBy(key string, n int64) (int64, error) {
	if n == math.MinInt64 {
		return 0, ErrDecrementOverflow
	}
	return d.incrBy(key, -n)
}

// incrByFloat adds the number incr (as sent) to the number at key in long
// double precision and stores the result as Redis formats it, keeping the
// key's TTL. It returns the stored text.
func (d *db) incrByFloat(key, incr string) (string, error) {
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return "", err
	}
	v := new(big.Float).SetPrec(longDoublePrec)
	if e != nil {
		var ok bool
		if v, ok = parseLongDouble(e.str()); !ok {
			return "", ErrNotFloat
		}
	}
	by, ok := parseLongDouble(incr)
	if !ok {
		return "", ErrNotFloat
	}
	sum, ok := addLongDouble(v, by)
	if !ok {
		return "", ErrIncrNaN
	}
	s := formatLongDouble(sum)
	if e == nil {
		d.add(key, stringEntry(s, encString))
	} else {
		e.setStr(s)
		e.enc = encString
		d.modified(key)
	}
	d.notify(notifyString, "incrbyfloat", key)
	return s, nil
}

func cmdIncr(c *call) { c.replyInt(c.db.incrBy(c.args[1], 1)) }

func cmdDecr(c *call) { c.replyInt(c.db.incrBy(c.args[1], -1)) }

func cmdIncrBy(c *call) {
	n, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	c.replyInt(c.db.incrBy(c.args[1], n))
}

func cmdDecrBy(c *call) {
	n, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	c.replyInt(c.db.decrBy(c.args[1], n))
}

func cmdIncrByFloat(c *call) {
	s, err := c.db.incrByFloat(c.args[1], c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Bulk(s)
}

// Incr adds 1 to the integer at key, as INCR does, and returns the result.
// A missing key counts as 0; the key keeps its TTL. It fails with
// ErrNotInteger if the value is not a 64-bit integer, ErrOverflow if the
// result would not be one.
func (c *cmdable) Incr(key string) (int64, error) { return c.IncrBy(key, 1) }

// IncrBy adds n to the integer at key, as INCRBY does; see Incr.
func (c *cmdable) IncrBy(key string, n int64) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.incrBy(key, n)
}

// Decr subtracts 1 from the integer at key, as DECR does; see Incr.
func (c *cmdable) Decr(key string) (int64, error) { return c.IncrBy(key, -1) }

// DecrBy subtracts n from the integer at key, as DECRBY does; see Incr. An n
// of math.MinInt64 fails with ErrDecrementOverflow.
func (c *cmdable) DecrBy(key string, n int64) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.decrBy(key, n)
}

// IncrByFloat adds incr to the number at key, as INCRBYFLOAT does, and
// returns the result. The sum is computed as Redis computes it, in x87 long
// double precision from incr's shortest decimal form (what a client would
// send), and stored as the text Redis would store ("10.6", not
// "10.600000000000001"); Get returns that exact text, and the float64
// returned here is the text parsed (±Inf if it is beyond float64's range).
// It fails with ErrNotFloat if the value is not a number and ErrIncrNaN if
// the result would be infinite or incr is.
func (c *cmdable) IncrByFloat(key string, incr float64) (float64, error) {
	arg := strconv.FormatFloat(incr, 'g', -1, 64)
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	s, err := d.incrByFloat(key, arg)
	if err != nil {
		return 0, err
	}
	f, _ := strconv.ParseFloat(s, 64) // ±Inf beyond the range of float64
	return f, nil
}

// ---- APPEND, STRLEN, GETRANGE, SETRANGE ----

func (d *db) append(key, val string) (int64, error) {
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return 0, err
	}
	if e == nil {
		d.add(key, stringEntry(val, encByValue))
		d.notify(notifyString, "append", key)
		return int64(len(val)), nil
	}
	if len(e.str())+len(val) > maxStringLen {
		return 0, ErrStringTooLong
	}
	e.enc = encRaw // Redis converts the value to a raw string even to append nothing
	if len(val) > 0 {
		e.setStr(e.str() + val)
	}
	d.modified(key) // even for an empty val, as in Redis
	d.notify(notifyString, "append", key)
	return int64(len(e.str())), nil
}

func (d *db) strLen(key string) (int64, error) {
	e, err := d.lookupType(key, typeString)
	if e == nil {
		return 0, err
	}
	return int64(len(e.str())), nil
}

func (d *db) getRange(key string, start, end int64) (string, error) {
	e, err := d.lookupType(key, typeString)
	if e == nil {
		return "", err
	}
	s := e.str()
	n := int64(len(s))
	if start < 0 && end < 0 && start > end {
		return "", nil
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	if end >= n {
		end = n - 1
	}
	if start > end || n == 0 {
		return "", nil
	}
	return s[start : end+1], nil
}

// setRange overwrites the string at key from offset with val, padding with
// zero bytes, and returns the new length. The value is copied, never
// changed in place: earlier strings may still be read.
func (d *db) setRange(key string, offset int64, val string) (int64, error) {
	if offset < 0 {
		return 0, ErrSetRangeOffset
	}
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return 0, err
	}
	var old string
	if e != nil {
		old = e.str()
	}
	if len(val) == 0 {
		return int64(len(old)), nil
	}
	if offset > maxStringLen-int64(len(val)) { // offset+len(val) could overflow
		return 0, ErrStringTooLong
	}
	n := max(len(old), int(offset)+len(val))
	b := make([]byte, n)
	copy(b, old)
	copy(b[offset:], val)
	s := unsafe.String(unsafe.SliceData(b), n) // b is not used again
	if e == nil {
		d.add(key, stringEntry(s, encRaw))
	} else {
		e.setStr(s)
		e.enc = encRaw
		d.modified(key)
	}
	d.notify(notifyString, "setrange", key)
	return int64(n), nil
}

func cmdAppend(c *call) { c.replyInt(c.db.append(c.args[1], c.args[2])) }

func cmdStrLen(c *call) { c.replyInt(c.db.strLen(c.args[1])) }

func cmdGetRange(c *call) {
	start, ok1 := parseInt(c.args[2])
	end, ok2 := parseInt(c.args[3])
	if !ok1 || !ok2 {
		c.fail(ErrNotInteger)
		return
	}
	s, err := c.db.getRange(c.args[1], start, end)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Bulk(s)
}

// cmdSubstr is GETRANGE under its old name.
func cmdSubstr(c *call) { cmdGetRange(c) }

func cmdSetRange(c *call) {
	off, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	c.replyInt(c.db.setRange(c.args[1], off, c.args[3]))
}

// Append appends value to the string at key, creating it if missing, as
// APPEND does, and returns the new length. Unlike Redis, which grows the
// string in place, it copies the value: O(length of the string).
func (c *cmdable) Append(key, value string) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.append(key, value)
}

// StrLen returns the length of the string at key, 0 if it does not exist,
// as STRLEN does.
func (c *cmdable) StrLen(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.strLen(key)
}

// GetRange returns the bytes of the string at key from start to end, both
// included; negative positions count from the end (-1 is the last byte).
// Positions out of range are clamped, as GETRANGE does; a missing key is "".
func (c *cmdable) GetRange(key string, start, end int64) (string, error) {
	d, err := c.begin(false)
	if err != nil {
		return "", err
	}
	defer c.end()
	return d.getRange(key, start, end)
}

// Substr is GetRange under its old name, as SUBSTR is GETRANGE.
func (c *cmdable) Substr(key string, start, end int64) (string, error) {
	return c.GetRange(key, start, end)
}

// SetRange overwrites the string at key from offset on with value, padding
// with zero bytes past the end (a missing key is ""), as SETRANGE does, and
// returns the new length. A negative offset fails with ErrSetRangeOffset, a
// result over 512 MB with ErrStringTooLong. Unlike Redis, which writes in
// place, it copies the value: O(length of the string).
func (c *cmdable) SetRange(key string, offset int64, value string) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.setRange(key, offset, value)
}

// ---- LCS ----

// LCSMatch is one range of the longest common subsequence that LCSIdx
// reports: bytes AStart to AEnd of the first string (both included) match
// bytes BStart to BEnd of the second.
type LCSMatch struct {
	AStart, AEnd int64
	BStart, BEnd int64
	// Len is the length of the range, AEnd-AStart+1.
	Len int64
}

// LCSIdxResult is the result of LCSIdx.
type LCSIdxResult struct {
	// Matches are the matching ranges, from the end of the strings to the
	// start, as LCS IDX lists them.
	Matches []LCSMatch
	// Len is the length of the longest common subsequence.
	Len int64
}

// lcsStrings returns the values of LCS's keys: "" for a missing key.
func (d *db) lcsStrings(key1, key2 string) (a, b string, err error) {
	e1, e2 := d.lookup(key1), d.lookup(key2)
	if e1 != nil && e1.typ != typeString || e2 != nil && e2.typ != typeString {
		return "", "", ErrLCSNotString
	}
	if e1 != nil {
		a = e1.str()
	}
	if e2 != nil {
		b = e2.str()
	}
	return a, b, nil
}

// lcsMode says what LCS computes.
type lcsMode uint8

const (
	lcsString lcsMode = iota // the subsequence itself
	lcsLen                   // LEN: its length only
	lcsIdx                   // IDX: the matching ranges
)

// lcs computes the longest common subsequence of a and b with the classic
// dynamic programming table, and walks the table back from the end as Redis
// does, so that ties resolve to the same subsequence and ranges. For IDX,
// ranges shorter than minLen are left out.
func lcs(a, b string, mode lcsMode, minLen int64) (string, LCSIdxResult, error) {
	alen, blen := len(a), len(b)
	if uint64(alen+1)*uint64(blen+1)*4 > maxStringLen {
		return "", LCSIdxResult{}, ErrLCSTooBig
	}
	w := blen + 1
	if mode == lcsLen {
		// Only the last row is needed: two rows instead of the table.
		prev, cur := make([]uint32, w), make([]uint32, w)
		for i := 1; i <= alen; i++ {
			for j := 1; j <= blen; j++ {
				switch {
				case a[i-1] == b[j-1]:
					cur[j] = prev[j-1] + 1
				case prev[j] > cur[j-1]:
					cur[j] = prev[j]
				default:
					cur[j] = cur[j-1]
				}
			}
			prev, cur = cur, prev
		}
		return "", LCSIdxResult{Len: int64(prev[blen])}, nil
	}
	t := make([]uint32, (alen+1)*w)
	for i := 1; i <= alen; i++ {
		row, up := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		for j := 1; j <= blen; j++ {
			switch {
			case a[i-1] == b[j-1]:
				row[j] = up[j-1] + 1
			case up[j] > row[j-1]:
				row[j] = up[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	total := int(t[alen*w+blen])
	out := make([]byte, total)
	var res LCSIdxResult
	res.Len = int64(total)
	k := total
	open := false // whether a range is being collected
	var as, ae, bs, be int
	for i, j := alen, blen; i > 0 && j > 0; {
		emit := false
		if a[i-1] == b[j-1] {
			out[k-1] = a[i-1]
			switch {
			case !open:
				as, ae, bs, be, open = i-1, i-1, j-1, j-1, true
			case as == i && bs == j: // contiguous: extend the range backwards
				as, bs = as-1, bs-1
			default:
				emit = true
			}
			if as == 0 || bs == 0 {
				emit = true
			}
			k, i, j = k-1, i-1, j-1
		} else {
			if t[(i-1)*w+j] > t[i*w+j-1] {
				i--
			} else {
				j--
			}
			emit = open
		}
		if emit {
			n := int64(ae - as + 1)
			if mode == lcsIdx && (minLen == 0 || n >= minLen) {
				res.Matches = append(res.Matches, LCSMatch{int64(as), int64(ae), int64(bs), int64(be), n})
			}
			open = false
		}
	}
	if mode == lcsIdx {
		return "", res, nil
	}
	return unsafe.String(unsafe.SliceData(out), len(out)), res, nil
}

func cmdLCS(c *call) {
	a, b, err := c.db.lcsStrings(c.args[1], c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	var getLen, getIdx, withLen bool
	var minLen int64
	for j := 3; j < len(c.args); j++ {
		switch opt := cOpt(c.args[j]); {
		case strings.EqualFold(opt, "idx"):
			getIdx = true
		case strings.EqualFold(opt, "len"):
			getLen = true
		case strings.EqualFold(opt, "withmatchlen"):
			withLen = true
		case strings.EqualFold(opt, "minmatchlen") && j+1 < len(c.args):
			n, ok := parseInt(c.args[j+1])
			if !ok {
				c.fail(ErrNotInteger)
				return
			}
			minLen = max(n, 0)
			j++
		default:
			c.fail(ErrSyntax)
			return
		}
	}
	if getLen && getIdx {
		c.fail(ErrLCSLenAndIdx)
		return
	}
	mode := lcsString
	switch {
	case getIdx:
		mode = lcsIdx
	case getLen:
		mode = lcsLen
	}
	s, r, err := lcs(a, b, mode, minLen)
	switch {
	case err != nil:
		c.fail(err)
	case mode == lcsLen:
		c.w.Int(r.Len)
	case mode == lcsString:
		c.w.Bulk(s)
	default:
		c.w.Map(2)
		c.w.Bulk("matches")
		c.w.Array(len(r.Matches))
		for _, m := range r.Matches {
			if withLen {
				c.w.Array(3)
			} else {
				c.w.Array(2)
			}
			c.w.Array(2)
			c.w.Int(m.AStart)
			c.w.Int(m.AEnd)
			c.w.Array(2)
			c.w.Int(m.BStart)
			c.w.Int(m.BEnd)
			if withLen {
				c.w.Int(m.Len)
			}
		}
		c.w.Bulk("len")
		c.w.Int(r.Len)
	}
}

// LCS returns the longest common subsequence of the strings at key1 and
// key2, as LCS does; a missing key is "". It fails with ErrLCSNotString if a
// key holds another type, and with ErrLCSTooBig if the strings are so long
// that Redis would refuse them (the product of their lengths over 128M).
func (c *cmdable) LCS(key1, key2 string) (string, error) {
	s, _, err := c.lcs(key1, key2, lcsString, 0)
	return s, err
}

// LCSLen returns the length of the longest common subsequence of the
// strings at key1 and key2, as LCS ... LEN does; see LCS.
func (c *cmdable) LCSLen(key1, key2 string) (int64, error) {
	_, r, err := c.lcs(key1, key2, lcsLen, 0)
	return r.Len, err
}

// LCSIdx returns the matching ranges of the longest common subsequence of
// the strings at key1 and key2 and its length, as LCS ... IDX WITHMATCHLEN
// does; ranges shorter than minMatchLen are left out (MINMATCHLEN). See LCS.
func (c *cmdable) LCSIdx(key1, key2 string, minMatchLen int64) (LCSIdxResult, error) {
	_, r, err := c.lcs(key1, key2, lcsIdx, max(minMatchLen, 0))
	return r, err
}

func (c *cmdable) lcs(key1, key2 string, mode lcsMode, minLen int64) (string, LCSIdxResult, error) {
	d, err := c.begin(false)
	if err != nil {
		return "", LCSIdxResult{}, err
	}
	defer c.end()
	a, b, err := d.lcsStrings(key1, key2)
	if err != nil {
		return "", LCSIdxResult{}, err
	}
	return lcs(a, b, mode, minLen)
}
