package racefree

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/racefree/racefree/types"
)

// The hash commands: HSET, HSETNX, HGET, HMGET, HMSET, HGETALL, HDEL,
// HEXISTS, HINCRBY, HINCRBYFLOAT, HKEYS, HVALS, HLEN, HSTRLEN, HRANDFIELD and
// HSCAN. A hash lives in entry.val as a *types.Hash; a hash whose last field
// is deleted is deleted with it.

// HashPair is one field of a hash and its value.
type HashPair struct {
	Field, Value string
}

// ---- implementations (the caller holds the store lock) ----

// hashRead returns key's hash, nil if the key does not exist, ErrWrongType if
// it holds another type.
func (d *db) hashRead(key string) (*types.Hash, error) {
	e, err := d.lookupType(key, typeHash)
	if e == nil || err != nil {
		return nil, err
	}
	return e.hash(), nil
}

// hashWrite returns key's entry and hash for a write. When the key does not
// exist, the entry is nil and the hash a new one of room n, which the caller
// stores with d.add once it holds a field.
func (d *db) hashWrite(key string, n int) (*entry, *types.Hash, error) {
	e, err := d.lookupType(key, typeHash)
	if err != nil {
		return nil, nil, err
	}
	if e == nil {
		return nil, types.NewHashSize(&d.s.limits, n), nil
	}
	return e, e.hash(), nil
}

// hashCreated stores the new hash h under key.
func (d *db) hashCreated(key string, h *types.Hash) {
	d.add(key, hashEntry(h))
}

// hset sets the fields to the values of fv (field, value, field, value...)
// and returns how many fields are new. len(fv) is even and non-zero.
func (d *db) hset(key string, fv []string) (int64, error) {
	e, h, err := d.hashWrite(key, len(fv)/2)
	if err != nil {
		return 0, err
	}
	var n int64
	for i := 0; i+1 < len(fv); i += 2 {
		if h.Set(fv[i], fv[i+1]) {
			n++
		}
	}
	if e == nil {
		d.hashCreated(key, h)
	} else {
		d.modified(key)
	}
	d.notify(notifyHash, "hset", key)
	return n, nil
}

func (d *db) hsetnx(key, field, value string) (bool, error) {
	e, h, err := d.hashWrite(key, 1)
	if err != nil || h.Has(field) {
		return false, err
	}
	h.Set(field, value)
	if e == nil {
		d.hashCreated(key, h)
	} else {
		d.modified(key)
	}
	d.notify(notifyHash, "hset", key)
	return true, nil
}

func (d *db) hget(key, field string) (string, bool, error) {
	h, err := d.hashRead(key)
	if h == nil {
		return "", false, err
	}
	v, ok := h.Get(field)
	return v, ok, nil
}

// hdel deletes fields and returns how many existed. The key goes with its
// last field.
func (d *db) hdel(key string, fields []string) (int64, error) {
	e, err := d.lookupType(key, typeHash)
	if e == nil {
		return 0, err
	}
	h := e.hash()
	n := d.removeEach(key, e, fields, h.Delete, h.Len)
	d.notifyRemoved(notifyHash, "hdel", key, n, h.Len() == 0)
	return n, nil
}

// hincrby adds incr to the integer in field (0 if it does not exist).
func (d *db) hincrby(key, field string, incr int64) (int64, error) {
	e, h, err := d.hashWrite(key, 1)
	if err != nil {
		return 0, err
	}
	var v int64
	if s, ok := h.Get(field); ok {
		if v, ok = parseInt(s); !ok {
			return 0, ErrHashNotInteger
		}
	}
	if incr < 0 && v < 0 && incr < math.MinInt64-v || incr > 0 && v > 0 && incr > math.MaxInt64-v {
		return 0, ErrOverflow
	}
	v += incr
	h.Set(field, formatCount(v))
	if e == nil {
		d.hashCreated(key, h)
	} else {
		d.modified(key)
	}
	d.notify(notifyHash, "hincrby", key)
	return v, nil
}

// hincrbyfloat adds the number incr (as sent) to the number in field (0 if
// it does not exist) in long double precision, stores the result as Redis
// formats it and returns that text.
func (d *db) hincrbyfloat(key, field, incr string) (string, error) {
	by, ok := parseLongDouble(incr)
	if !ok {
		return "", ErrNotFloat
	}
	if by.IsInf() {
		return "", ErrHashIncrInf
	}
	e, h, err := d.hashWrite(key, 1)
	if err != nil {
		return "", err
	}
	v := zeroLongDouble
	if s, ok := h.Get(field); ok {
		if v, ok = parseLongDouble(s); !ok {
			return "", ErrHashNotFloat
		}
	}
	sum, ok := addLongDouble(v, by)
	if !ok {
		return "", ErrIncrNaN
	}
	s := formatLongDouble(sum)
	h.Set(field, s)
	if e == nil {
		d.hashCreated(key, h)
	} else {
		d.modified(key)
	}
	d.notify(notifyHash, "hincrbyfloat", key)
	return s, nil
}

// zeroLongDouble is the value of a missing field for HINCRBYFLOAT; it is
// only read.
var zeroLongDouble, _ = parseLongDouble("0")

// maxHRandFieldRepeat bounds the reply of HRANDFIELD with a negative count,
// which Redis builds however large it is (and dies of running out of memory
// for the largest).
const maxHRandFieldRepeat = 1 << 22

// hrandfieldCheck validates HRANDFIELD's count as Redis does before it looks
// at the key.
func hrandfieldCheck(count int64, withValues bool) error {
	if count == math.MinInt64 {
		return errorf(ErrOutOfRange, "ERR value is out of range, value must between %d and %d", -math.MaxInt64, math.MaxInt64)
	}
	if withValues && (count < -math.MaxInt64/2 || count > math.MaxInt64/2) {
		return ErrOutOfRange
	}
	return nil
}

// hrandfield picks count fields of key's hash at random, as HRANDFIELD key
// count does: distinct ones (the whole hash, in order, if count is at least
// its size) when count is positive, -count independent picks when it is
// negative. values is nil unless withValues.
func (d *db) hrandfield(key string, count int64, withValues bool) (fields, values []string, err error) {
	if err := hrandfieldCheck(count, withValues); err != nil {
		return nil, nil, err
	}
	h, err := d.hashRead(key)
	if h == nil || count == 0 {
		return []string{}, nil, err
	}
	size := h.Len()
	var picks []int
	switch {
	case count < 0:
		if -count > maxHRandFieldRepeat {
			return nil, nil, ErrOutOfRange
		}
		picks = make([]int, -count)
		for i := range picks {
			picks[i] = d.s.rng.IntN(size)
		}
	case count >= int64(size):
		picks = make([]int, size)
		for i := range picks {
			picks[i] = i
		}
	case count*3 > int64(size):
		// Most of the hash: shuffle the first count positions of a
		// permutation.
		picks = make([]int, size)
		for i := range picks {
			picks[i] = i
		}
		for i := range int(count) {
			j := i + d.s.rng.IntN(size-i)
			picks[i], picks[j] = picks[j], picks[i]
		}
		picks = picks[:count]
	default:
		seen := make(map[int]struct{}, count)
		picks = make([]int, 0, count)
		for len(picks) < int(count) {
			i := d.s.rng.IntN(size)
			if _, dup := seen[i]; !dup {
				seen[i] = struct{}{}
				picks = append(picks, i)
			}
		}
		if h.Listpack() {
			slices.Sort(picks) // Redis samples a listpack in order
		}
	}
	fields = make([]string, len(picks))
	if withValues {
		values = make([]string, len(picks))
	}
	for i, p := range picks {
		f, v := h.At(p)
		fields[i] = f
		if withValues {
			values[i] = v
		}
	}
	return fields, values, nil
}

// hrandfieldOne picks one field at random, as HRANDFIELD key does.
func (d *db) hrandfieldOne(key string) (string, bool, error) {
	h, err := d.hashRead(key)
	if h == nil {
		return "", false, err
	}
	f, _ := h.At(d.s.rng.IntN(h.Len()))
	return f, true, nil
}

// hashScan runs one HSCAN step over h: the fields (with their values, flat)
// whose name matches the pattern match ("*" for all), and the next cursor.
func hashScan(h *types.Hash, cursor uint64, match string, count int64) ([]string, uint64) {
	n := int64(h.Len())
	if h.Listpack() || count > n {
		count = n
	}
	out := make([]string, 0, 2*count)
	all := match == "*"
	next := h.Scan(cursor, int(count), func(f, v string) {
		if all || matchGlob(match, f) {
			out = append(out, f, v)
		}
	})
	return out, next
}

// ---- handlers ----

func cmdHSet(c *call) {
	if len(c.args)%2 == 1 {
		c.fail(arityError("hset"))
		return
	}
	c.replyInt(c.db.hset(c.args[1], c.args[2:]))
}

func cmdHMSet(c *call) {
	if len(c.args)%2 == 1 {
		c.fail(arityError("hmset"))
		return
	}
	if _, err := c.db.hset(c.args[1], c.args[2:]); err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

func cmdHSetNX(c *call) {
	ok, err := c.db.hsetnx(c.args[1], c.args[2], c.args[3])
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(ok)
}

func cmdHGet(c *call) {
	v, ok, err := c.db.hget(c.args[1], c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkOrNil(v, ok)
}

func cmdHMGet(c *call) {
	h, err := c.db.hashRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	fields := c.args[2:]
	c.w.Array(len(fields))
	for _, f := range fields {
		if h == nil {
			c.w.NullBulk()
			continue
		}
		c.bulkOrNil(h.Get(f))
	}
}

// hashReplyAll writes the fields and/or values of key's hash: HGETALL,
// HKEYS and HVALS.
func (c *call) hashReplyAll(fields, values bool) {
	h, err := c.db.hashRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	n := 0
	if h != nil {
		n = h.Len()
	}
	if fields && values {
		c.w.Map(n)
	} else {
		c.w.Array(n)
	}
	if h == nil {
		return
	}
	h.Each(func(f, v string) bool {
		if fields {
			c.w.Bulk(f)
		}
		if values {
			c.w.Bulk(v)
		}
		return true
	})
}

func cmdHGetAll(c *call) { c.hashReplyAll(true, true) }

func cmdHKeys(c *call) { c.hashReplyAll(true, false) }

func cmdHVals(c *call) { c.hashReplyAll(false, true) }

func cmdHDel(c *call) {
	c.replyInt(c.db.hdel(c.args[1], c.args[2:]))
}

func cmdHExists(c *call) {
	h, err := c.db.hashRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(h != nil && h.Has(c.args[2]))
}

func cmdHIncrBy(c *call) {
	incr, ok := parseInt(c.args[3])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	c.replyInt(c.db.hincrby(c.args[1], c.args[2], incr))
}

func cmdHIncrByFloat(c *call) {
	s, err := c.db.hincrbyfloat(c.args[1], c.args[2], c.args[3])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Bulk(s)
}

func cmdHLen(c *call) {
	h, err := c.db.hashRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	if h == nil {
		c.w.Int(0)
		return
	}
	c.w.Int(int64(h.Len()))
}

func cmdHStrLen(c *call) {
	v, _, err := c.db.hget(c.args[1], c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Int(int64(len(v)))
}

func cmdHRandField(c *call) {
	if len(c.args) == 2 {
		f, ok, err := c.db.hrandfieldOne(c.args[1])
		if err != nil {
			c.fail(err)
			return
		}
		c.bulkOrNil(f, ok)
		return
	}
	count, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	if err := hrandfieldCheck(count, false); err != nil {
		c.fail(err)
		return
	}
	withValues := len(c.args) == 4 && strings.EqualFold(c.args[3], "withvalues")
	if len(c.args) > 4 || len(c.args) == 4 && !withValues {
		c.fail(ErrSyntax)
		return
	}
	fields, values, err := c.db.hrandfield(c.args[1], count, withValues)
	if err != nil {
		c.fail(err)
		return
	}
	resp3 := c.w.Proto() == 3
	if withValues && !resp3 {
		c.w.Array(2 * len(fields))
	} else {
		c.w.Array(len(fields))
	}
	for i, f := range fields {
		if withValues && resp3 {
			c.w.Array(2)
		}
		c.w.Bulk(f)
		if withValues {
			c.w.Bulk(values[i])
		}
	}
}

func cmdHScan(c *call) { containerScan(c, (*db).hashRead, hashScan) }

// ---- typed API ----

// HSet sets fields of the hash at key, as HSET does: fieldsAndValues is
// field, value, field, value... (at least one pair; the fields are added in
// that order). It returns how many fields are new. It creates the hash if
// needed and fails with ErrWrongType if key holds another type.
func (c *cmdable) HSet(key string, fieldsAndValues ...string) (int64, error) {
	if len(fieldsAndValues) == 0 || len(fieldsAndValues)%2 != 0 {
		return 0, arityError("hset")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.hset(key, fieldsAndValues)
}

// HSetMap sets the fields of m in the hash at key, as HSET does, and returns
// how many are new. A map has no order, so the fields are set in sorted
// order (the order HGETALL then returns new fields of a small hash in). An
// empty m fails with ErrWrongArity, as HSET without a pair does.
func (c *cmdable) HSetMap(key string, m map[string]string) (int64, error) {
	if len(m) == 0 {
		return 0, arityError("hset")
	}
	fv := make([]string, 0, 2*len(m))
	for _, f := range slices.Sorted(maps.Keys(m)) {
		fv = append(fv, f, m[f])
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.hset(key, fv)
}

// HMSet is HSet without the count, as the deprecated HMSET is.
func (c *cmdable) HMSet(key string, fieldsAndValues ...string) error {
	if len(fieldsAndValues) == 0 || len(fieldsAndValues)%2 != 0 {
		return arityError("hmset")
	}
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	_, err = d.hset(key, fieldsAndValues)
	return err
}

// HSetNX sets field in the hash at key only if it does not exist yet, as
// HSETNX does, and reports whether it did.
func (c *cmdable) HSetNX(key, field, value string) (bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	return d.hsetnx(key, field, value)
}

// HGet returns the value of field in the hash at key, as HGET does; ok is
// false if the key or the field does not exist.
func (c *cmdable) HGet(key, field string) (value string, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.hget(key, field)
}

// HMGet returns the values of fields in the hash at key, as HMGET does: nil
// for a field (or key) that does not exist.
func (c *cmdable) HMGet(key string, fields ...string) ([]*string, error) {
	if len(fields) == 0 {
		return nil, arityError("hmget")
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	h, err := d.hashRead(key)
	if err != nil {
		return nil, err
	}
	out := make([]*string, len(fields))
	if h == nil {
		return out, nil
	}
	vals := make([]string, len(fields))
	for i, f := range fields {
		if v, ok := h.Get(f); ok {
			vals[i] = v
			out[i] = &vals[i]
		}
	}
	return out, nil
}

// HGetAll returns the hash at key as a map, as HGETALL does; an empty map
// if the key does not exist.
func (c *cmdable) HGetAll(key string) (map[string]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	h, err := d.hashRead(key)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return map[string]string{}, nil
	}
	m := make(map[string]string, h.Len())
	h.Each(func(f, v string) bool {
		m[f] = v
		return true
	})
	return m, nil
}

// HGetAllPairs is HGetAll in the order HGETALL replies: insertion order for
// a small hash, as in Redis; an arbitrary order for a large one (as in Redis,
// where the order is not the same one).
func (c *cmdable) HGetAllPairs(key string) ([]HashPair, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	h, err := d.hashRead(key)
	if h == nil {
		return nil, err
	}
	out := make([]HashPair, 0, h.Len())
	h.Each(func(f, v string) bool {
		out = append(out, HashPair{f, v})
		return true
	})
	return out, nil
}

// hashList returns the fields or the values of key's hash in HKEYS order.
func (c *cmdable) hashList(key string, values bool) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	h, err := d.hashRead(key)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return []string{}, nil
	}
	out := make([]string, 0, h.Len())
	h.Each(func(f, v string) bool {
		if values {
			f = v
		}
		out = append(out, f)
		return true
	})
	return out, nil
}

// HKeys returns the fields of the hash at key, as HKEYS does, in the order
// of HGetAllPairs; empty if the key does not exist.
func (c *cmdable) HKeys(key string) ([]string, error) { return c.hashList(key, false) }

// HVals returns the values of the hash at key, as HVALS does, in the order
// of HGetAllPairs; empty if the key does not exist.
func (c *cmdable) HVals(key string) ([]string, error) { return c.hashList(key, true) }

// HDel deletes fields from the hash at key, as HDEL does, and returns how
// many existed. The key is deleted with its last field.
func (c *cmdable) HDel(key string, fields ...string) (int64, error) {
	if len(fields) == 0 {
		return 0, arityError("hdel")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.hdel(key, fields)
}

// HExists reports whether field exists in the hash at key, as HEXISTS does.
func (c *cmdable) HExists(key, field string) (bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return false, err
	}
	defer c.end()
	h, err := d.hashRead(key)
	return h != nil && h.Has(field), err
}

// HIncrBy adds incr to the integer in field of the hash at key, as HINCRBY
// does, and returns the result; a missing field counts as 0. It fails with
// ErrHashNotInteger if the value is not a 64-bit integer and ErrOverflow if
// the result would not be one.
func (c *cmdable) HIncrBy(key, field string, incr int64) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.hincrby(key, field, incr)
}

// HIncrByFloat adds incr to the number in field of the hash at key, as
// HINCRBYFLOAT does, and returns the result; a missing field counts as 0.
// As in IncrByFloat, the sum is computed in long double precision from
// incr's shortest decimal form (what a client would send) and stored as the
// text Redis stores; HGet returns that exact text, and the float64 returned
// here is it parsed (±Inf beyond float64's range). It fails with
// ErrHashNotFloat if the value is not a number, ErrHashIncrInf if incr is
// infinite, ErrNotFloat if it is NaN and ErrIncrNaN if the result would be
// infinite.
func (c *cmdable) HIncrByFloat(key, field string, incr float64) (float64, error) {
	arg := strconv.FormatFloat(incr, 'g', -1, 64)
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	s, err := d.hincrbyfloat(key, field, arg)
	if err != nil {
		return 0, err
	}
	f, _ := strconv.ParseFloat(s, 64)
	return f, nil
}

// HLen returns the number of fields of the hash at key, as HLEN does; 0 if
// the key does not exist.
func (c *cmdable) HLen(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	h, err := d.hashRead(key)
	if h == nil {
		return 0, err
	}
	return int64(h.Len()), nil
}

// HStrLen returns the length of the value of field in the hash at key, as
// HSTRLEN does; 0 if the key or field does not exist.
func (c *cmdable) HStrLen(key, field string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	v, _, err := d.hget(key, field)
	return int64(len(v)), err
}

// HRandField returns count fields of the hash at key picked at random, as
// HRANDFIELD key count does: distinct fields when count is positive (the
// whole hash if count is at least its size), -count picks that may repeat
// when it is negative; empty if the key does not exist. Picks come from the
// Store's random source (see WithSeed).
//
// Unlike Redis, which tries to build any reply however large, a negative
// count below -4194304 fails with ErrOutOfRange. A count of math.MinInt64
// fails with ErrOutOfRange, as in Redis.
func (c *cmdable) HRandField(key string, count int64) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	fields, _, err := d.hrandfield(key, count, false)
	return fields, err
}

// HRandFieldWithValues is HRandField with the values, as HRANDFIELD key
// count WITHVALUES does. As in Redis, a count beyond ±math.MaxInt64/2 fails
// with ErrOutOfRange.
func (c *cmdable) HRandFieldWithValues(key string, count int64) ([]HashPair, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	fields, values, err := d.hrandfield(key, count, true)
	if err != nil {
		return nil, err
	}
	out := make([]HashPair, len(fields))
	for i := range fields {
		out[i] = HashPair{fields[i], values[i]}
	}
	return out, nil
}

// HRandFieldOne returns one field of the hash at key picked at random, as
// HRANDFIELD key (without a count) does; ok is false if the key does not
// exist.
func (c *cmdable) HRandFieldOne(key string) (field string, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.hrandfieldOne(key)
}

// HScan runs one step of an HSCAN iteration over the hash at key: start
// with cursor 0 and pass the returned cursor back until it is 0. keys holds
// field, value, field, value... for the fields whose name matches the glob
// pattern match ("" for all); count (10 if zero or negative) is how much
// work a step does. A small hash comes whole in the first step, as in Redis.
// Every field present for the whole iteration is returned at least once;
// the cursors are not Redis's.
func (c *cmdable) HScan(key string, cursor uint64, match string, count int64) (keys []string, next uint64, err error) {
	return typedScan(c, key, cursor, match, count, (*db).hashRead, hashScan)
}
