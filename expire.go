package racefree

import (
	"math"
	"strings"
	"time"
)

// The special values of TTL, PTTL, ExpireTime and PExpireTime, as Redis
// replies them. They are untyped: TTL and PTTL return them as a
// time.Duration (-2ns and -1ns, the values go-redis returns too), ExpireTime
// and PExpireTime as an int64.
const (
	// TTLNoKey: the key does not exist.
	TTLNoKey = -2
	// TTLNoExpiry: the key exists and has no deadline.
	TTLNoExpiry = -1
)

// ExpireCond is a condition of EXPIRE and its variants: the flags NX, XX, GT
// and LT of Redis 7.0. Combine them with |; Redis refuses NX with any other
// and GT with LT, and so do the methods (ErrExpireOptions, ErrExpireGTLT).
type ExpireCond uint8

const (
	// ExpireNX sets the deadline only if the key has none.
	ExpireNX ExpireCond = 1 << iota
	// ExpireXX sets the deadline only if the key has one.
	ExpireXX
	// ExpireGT sets the deadline only if it is later than the current one;
	// a key without deadline counts as having an infinite one.
	ExpireGT
	// ExpireLT sets the deadline only if it is earlier than the current one;
	// a key without deadline counts as having an infinite one.
	ExpireLT
)

// check refuses the combinations Redis refuses.
func (f ExpireCond) check() error {
	if f&ExpireNX != 0 && f&(ExpireXX|ExpireGT|ExpireLT) != 0 {
		return ErrExpireOptions
	}
	if f&ExpireGT != 0 && f&ExpireLT != 0 {
		return ErrExpireGTLT
	}
	return nil
}

func conds(cond []ExpireCond) ExpireCond {
	var f ExpireCond
	for _, c := range cond {
		f |= c
	}
	return f
}

// Expire sets a timeout on key, as EXPIRE key seconds [NX|XX|GT|LT] does,
// and reports whether it did (false when the key does not exist or a
// condition fails). As EXPIRE counts whole seconds, ttl is truncated to
// them, as go-redis does; use PExpire for milliseconds. A ttl that comes to
// zero or less deletes the key (and returns true), as in Redis.
func (c *cmdable) Expire(key string, ttl time.Duration, cond ...ExpireCond) (bool, error) {
	return c.expire("expire", key, int64(ttl/time.Second), true, true, conds(cond))
}

// PExpire sets a timeout on key, as PEXPIRE key milliseconds [NX|XX|GT|LT]
// does, and reports whether it did; ttl is truncated to milliseconds. A ttl
// that comes to zero or less deletes the key (and returns true).
func (c *cmdable) PExpire(key string, ttl time.Duration, cond ...ExpireCond) (bool, error) {
	return c.expire("pexpire", key, ttl.Milliseconds(), false, true, conds(cond))
}

// ExpireAt sets key's deadline to tm, as EXPIREAT key unix-time-seconds
// [NX|XX|GT|LT] does, and reports whether it did; tm is truncated to the
// second, as go-redis does. A deadline that has passed deletes the key (and
// returns true).
func (c *cmdable) ExpireAt(key string, tm time.Time, cond ...ExpireCond) (bool, error) {
	return c.expire("expireat", key, tm.Unix(), true, false, conds(cond))
}

// PExpireAt sets key's deadline to tm, as PEXPIREAT key
// unix-time-milliseconds [NX|XX|GT|LT] does, and reports whether it did; tm
// is truncated to the millisecond. A deadline that has passed deletes the key
// (and returns true).
func (c *cmdable) PExpireAt(key string, tm time.Time, cond ...ExpireCond) (bool, error) {
	return c.expire("pexpireat", key, tm.UnixMilli(), false, false, conds(cond))
}

func (c *cmdable) expire(name, key string, n int64, seconds, relative bool, cond ExpireCond) (bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	if err := cond.check(); err != nil {
		return false, err
	}
	when, err := d.deadlineOf(name, n, seconds, relative)
	if err != nil {
		return false, err
	}
	return d.expireAt(key, when, cond), nil
}

// deadlineOf turns the argument n of the expire command name into a
// deadline in Unix milliseconds, refusing what would overflow as Redis does.
// seconds says n counts seconds; relative, that it is counted from now.
func (d *db) deadlineOf(name string, n int64, seconds, relative bool) (int64, error) {
	when := n
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			return 0, invalidExpire(name)
		}
		when *= 1000
	}
	var base int64
	if relative {
		base = d.s.nowMS()
	}
	if when > math.MaxInt64-base {
		return 0, invalidExpire(name)
	}
	return when + base, nil
}

func invalidExpire(name string) *Error {
	return errorf(ErrInvalidExpire, "ERR invalid expire time in '%s' command", strings.ToLower(name))
}

// expireAt sets key's deadline to when (Unix ms) under cond and reports
// whether it did. A deadline not after now deletes the key.
func (d *db) expireAt(key string, when int64, cond ExpireCond) bool {
	e := d.lookup(key)
	if e == nil {
		return false
	}
	if cond != 0 {
		has := e.expireAt != 0
		switch {
		case cond&ExpireNX != 0 && has,
			cond&ExpireXX != 0 && !has,
			cond&ExpireGT != 0 && (!has || when <= e.expireAt),
			cond&ExpireLT != 0 && has && when >= e.expireAt:
			return false
		}
	}
	if when <= d.s.nowMS() {
		d.remove(key, e)
		d.notify(notifyGeneric, "del", key)
		return true
	}
	d.setExpire(key, e, when)
	d.modified(key) // even for the same deadline, as in Redis
	d.notify(notifyGeneric, "expire", key)
	return true
}

// expireCommand runs EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT: the options
// are checked first, then the number, as Redis does.
func expireCommand(c *call, seconds, relative bool) {
	var cond ExpireCond
	for _, opt := range c.args[3:] {
		switch {
		case strings.EqualFold(opt, "nx"):
			cond |= ExpireNX
		case strings.EqualFold(opt, "xx"):
			cond |= ExpireXX
		case strings.EqualFold(opt, "gt"):
			cond |= ExpireGT
		case strings.EqualFold(opt, "lt"):
			cond |= ExpireLT
		default:
			c.fail(errorf(ErrUnsupportedOption, "ERR Unsupported option %s", oneLine(cString(opt))))
			return
		}
	}
	if err := cond.check(); err != nil {
		c.fail(err)
		return
	}
	n, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	when, err := c.db.deadlineOf(c.args[0], n, seconds, relative)
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(c.db.expireAt(c.args[1], when, cond))
}

func cmdExpire(c *call) { expireCommand(c, true, true) }

func cmdPExpire(c *call) { expireCommand(c, false, true) }

func cmdExpireAt(c *call) { expireCommand(c, true, false) }

func cmdPExpireAt(c *call) { expireCommand(c, false, false) }

// pttl returns key's remaining time to live in milliseconds (or, with abs,
// its deadline in Unix milliseconds), or TTLNoKey or TTLNoExpiry. It does not
// count as an access.
func (d *db) pttl(key string, abs bool) int64 {
	e := d.peek(key)
	switch {
	case e == nil:
		return TTLNoKey
	case e.expireAt == 0:
		return TTLNoExpiry
	case abs:
		return max(e.expireAt, 0)
	}
	return max(e.expireAt-d.s.nowMS(), 0)
}

// ttl is pttl in seconds, rounded to the nearest as Redis rounds.
func (d *db) ttl(key string, abs bool) int64 {
	ms := d.pttl(key, abs)
	if ms < 0 {
		return ms
	}
	return int64((uint64(ms) + 500) / 1000)
}

// TTL returns the time key has left to live, as TTL does: whole seconds,
// rounded to the nearest. It returns TTLNoKey (-2ns) when the key does not
// exist and TTLNoExpiry (-1ns) when it has no deadline. A TTL longer than a
// time.Duration holds (292 years) comes back as the largest Duration.
func (c *cmdable) TTL(key string) (time.Duration, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return durationOf(d.ttl(key, false), time.Second), nil
}

// PTTL returns the time key has left to live, as PTTL does, in
// milliseconds. It returns TTLNoKey (-2ns) when the key does not exist and
// TTLNoExpiry (-1ns) when it has no deadline. A TTL longer than a
// time.Duration holds (292 years) comes back as the largest Duration.
func (c *cmdable) PTTL(key string) (time.Duration, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return durationOf(d.pttl(key, false), time.Millisecond), nil
}

// durationOf turns a TTL reply counted in unit into a Duration: the special
// values stay as they are, the others saturate.
func durationOf(n int64, unit time.Duration) time.Duration {
	if n < 0 {
		return time.Duration(n)
	}
	if n > math.MaxInt64/int64(unit) {
		return math.MaxInt64
	}
	return time.Duration(n) * unit
}

// ExpireTime returns key's deadline as EXPIRETIME does: Unix time in
// seconds (rounded to the nearest), or TTLNoKey (-2) when the key does not
// exist and TTLNoExpiry (-1) when it has no deadline. It returns the raw
// number rather than a time.Time so that the three cases stay apart; convert
// with time.Unix.
func (c *cmdable) ExpireTime(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.ttl(key, true), nil
}

// PExpireTime returns key's deadline as PEXPIRETIME does: Unix time in
// milliseconds, or TTLNoKey (-2) when the key does not exist and TTLNoExpiry
// (-1) when it has no deadline. Convert with time.UnixMilli.
func (c *cmdable) PExpireTime(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.pttl(key, true), nil
}

func cmdTTL(c *call) { c.w.Int(c.db.ttl(c.args[1], false)) }

func cmdPTTL(c *call) { c.w.Int(c.db.pttl(c.args[1], false)) }

func cmdExpireTime(c *call) { c.w.Int(c.db.ttl(c.args[1], true)) }

func cmdPExpireTime(c *call) { c.w.Int(c.db.pttl(c.args[1], true)) }

// Persist removes key's deadline, as PERSIST does, and reports whether it
// had one.
func (c *cmdable) Persist(key string) (bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	return d.persist(key), nil
}

func (d *db) persist(key string) bool {
	e := d.lookup(key)
	if e == nil || e.expireAt == 0 {
		return false
	}
	d.setExpire(key, e, 0)
	d.modified(key)
	d.notify(notifyGeneric, "persist", key)
	return true
}

func cmdPersist(c *call) { c.bool(c.db.persist(c.args[1])) }
