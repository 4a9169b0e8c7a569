package racefree

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unsafe"

	"github.com/racefree/racefree/types"
)

// The set commands: SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS,
// SPOP, SRANDMEMBER, SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION,
// SUNIONSTORE, SDIFF, SDIFFSTORE and SSCAN. A set lives in entry.val as a
// *types.Set; a set whose last member goes is deleted with it.
//
// Where Redis's order is defined (an intset lists its members in ascending
// numeric order) the replies match it; the order of a "hashtable" set is
// arbitrary here as it is in Redis (and not the same one).

// ---- implementations (the caller holds the store lock) ----

// setRead returns key's set, nil if the key does not exist, ErrWrongType if
// it holds another type.
func (d *db) setRead(key string) (*types.Set, error) {
	e, err := d.lookupType(key, typeSet)
	if e == nil || err != nil {
		return nil, err
	}
	return e.set(), nil
}

// sadd adds members to key's set, creating it, and returns how many are new.
func (d *db) sadd(key string, members []string) (int64, error) {
	e, err := d.lookupType(key, typeSet)
	if err != nil {
		return 0, err
	}
	var s *types.Set
	if e == nil {
		s = types.NewSet(&d.s.limits)
	} else {
		s = e.set()
	}
	var n int64
	for _, m := range members {
		if s.Add(m) {
			n++
		}
	}
	if e == nil && s.Len() > 0 {
		d.add(key, setEntry(s))
	} else if n > 0 {
		d.modified(key)
	}
	if n > 0 {
		d.notify(notifySet, "sadd", key)
	}
	return n, nil
}

// srem removes members and returns how many were there. The key goes with
// its last member.
func (d *db) srem(key string, members []string) (int64, error) {
	e, err := d.lookupType(key, typeSet)
	if e == nil {
		return 0, err
	}
	s := e.set()
	n := d.removeEach(key, e, members, s.Remove, s.Len)
	d.notifyRemoved(notifySet, "srem", key, n, s.Len() == 0)
	return n, nil
}

func (d *db) scard(key string) (int64, error) {
	s, err := d.setRead(key)
	if s == nil {
		return 0, err
	}
	return int64(s.Len()), nil
}

func (d *db) sismember(key, member string) (bool, error) {
	s, err := d.setRead(key)
	return s != nil && s.Has(member), err
}

// smembers returns the members in the set's order (ascending for an intset).
func (d *db) smembers(key string) ([]string, error) {
	s, err := d.setRead(key)
	if s == nil {
		return []string{}, err
	}
	return s.Members(), nil
}

// spop removes a random member and returns it.
func (d *db) spop(key string) (string, bool, error) {
	e, err := d.lookupType(key, typeSet)
	if e == nil {
		return "", false, err
	}
	s := e.set()
	m := s.RemoveAt(d.s.rng.IntN(s.Len()))
	d.notify(notifySet, "spop", key)
	if s.Len() == 0 {
		d.remove(key, e)
		d.notify(notifyGeneric, "del", key)
	} else {
		d.modified(key)
	}
	return m, true, nil
}

// spopN removes count random members (count >= 0) and returns them, as SPOP
// key count does. It follows Redis's strategies, which show in the order of
// the reply and in the encoding of what remains: the whole set when count
// reaches its size (in the order a fresh copy of the set would list them);
// count picks one by one when few are taken; otherwise the members to keep
// are picked and moved to a new set, and the rest is returned in the set's
// order.
func (d *db) spopN(key string, count int64) ([]string, error) {
	e, err := d.lookupType(key, typeSet)
	if e == nil || count == 0 {
		return []string{}, err
	}
	s := e.set()
	size := int64(s.Len())
	d.notify(notifySet, "spop", key)
	if count >= size {
		out := rebuiltSet(s, &d.s.limits).Members()
		d.remove(key, e)
		d.notify(notifyGeneric, "del", key)
		return out, nil
	}
	remaining := size - count
	if remaining*5 > count {
		out := make([]string, count)
		for i := range out {
			out[i] = s.RemoveAt(d.s.rng.IntN(s.Len()))
		}
		d.modified(key)
		return out, nil
	}
	kept := types.NewSet(&d.s.limits)
	for range remaining {
		kept.Add(s.RemoveAt(d.s.rng.IntN(s.Len())))
	}
	e.val = unsafe.Pointer(kept)
	d.modified(key)
	return s.Members(), nil
}

// rebuiltSet returns s as Redis rebuilds a set member by member (SUNION of
// one set): an intset, in ascending order, whenever the members allow it.
func rebuiltSet(s *types.Set, lim *types.Limits) *types.Set {
	if s.Intset() {
		return s
	}
	n := types.NewSet(lim)
	s.Each(func(m string) bool {
		n.Add(m)
		return true
	})
	return n
}

// srandmember returns a random member.
func (d *db) srandmember(key string) (string, bool, error) {
	s, err := d.setRead(key)
	if s == nil {
		return "", false, err
	}
	return s.At(d.s.rng.IntN(s.Len())), true, nil
}

// maxSRandMemberRepeat bounds the reply of SRANDMEMBER with a negative
// count, which Redis builds however large it is.
const maxSRandMemberRepeat = 1 << 22

// srandmemberCheck validates SRANDMEMBER's count as Redis does before it
// looks at the key.
func srandmemberCheck(count int64) error {
	if count == math.MinInt64 {
		return errorf(ErrOutOfRange, "ERR value is out of range, value must between %d and %d", -math.MaxInt64, math.MaxInt64)
	}
	return nil
}

// srandmemberN picks count members at random, as SRANDMEMBER key count
// does: distinct ones (the whole set, in its order, if count is at least its
// size) when count is positive, -count independent picks when it is
// negative.
func (d *db) srandmemberN(key string, count int64) ([]string, error) {
	if err := srandmemberCheck(count); err != nil {
		return nil, err
	}
	s, err := d.setRead(key)
	if s == nil || count == 0 {
		return []string{}, err
	}
	size := s.Len()
	switch {
	case count < 0 || count == 1:
		n := count
		if n < 0 {
			n = -n
		}
		if n > maxSRandMemberRepeat {
			return nil, ErrOutOfRange
		}
		out := make([]string, n)
		for i := range out {
			out[i] = s.At(d.s.rng.IntN(size))
		}
		return out, nil
	case count >= int64(size):
		return s.Members(), nil
	case count*3 > int64(size):
		// Most of the set: shuffle the first count positions of a
		// permutation.
		picks := make([]int, size)
		for i := range picks {
			picks[i] = i
		}
		out := make([]string, count)
		for i := range out {
			j := i + d.s.rng.IntN(size-i)
			picks[i], picks[j] = picks[j], picks[i]
			out[i] = s.At(picks[i])
		}
		return out, nil
	default:
		seen := make(map[int]struct{}, count)
		out := make([]string, 0, count)
		for len(out) < int(count) {
			i := d.s.rng.IntN(size)
			if _, dup := seen[i]; !dup {
				seen[i] = struct{}{}
				out = append(out, s.At(i))
			}
		}
		return out, nil
	}
}

// smove moves member from the set at src to the set at dst and reports
// whether it was in src.
func (d *db) smove(src, dst, member string) (bool, error) {
	se := d.lookup(src)
	de := d.lookup(dst)
	if se == nil {
		return false, nil
	}
	if se.typ != typeSet || de != nil && de.typ != typeSet {
		return false, ErrWrongType
	}
	s := se.set()
	if src == dst {
		return s.Has(member), nil
	}
	if !s.Remove(member) {
		return false, nil
	}
	d.notify(notifySet, "srem", src)
	if s.Len() == 0 {
		d.remove(src, se)
		d.notify(notifyGeneric, "del", src)
	} else {
		d.modified(src)
	}
	if de == nil {
		t := types.NewSet(&d.s.limits)
		t.Add(member)
		d.add(dst, setEntry(t))
		d.notify(notifySet, "sadd", dst)
	} else if de.set().Add(member) {
		d.modified(dst)
		d.notify(notifySet, "sadd", dst)
	}
	return true, nil
}

// setsOf looks up keys for the multi-set commands: a nil set for a missing
// key, and ErrWrongType if any key holds another type (checked for every
// key before anything is computed, as Redis does). missing says whether a
// key does not exist.
func (d *db) setsOf(keys []string) (sets []*types.Set, missing bool, err error) {
	sets = make([]*types.Set, len(keys))
	for i, k := range keys {
		e := d.lookup(k)
		switch {
		case e == nil:
			missing = true
		case e.typ != typeSet:
			return nil, false, ErrWrongType
		default:
			sets[i] = e.set()
		}
	}
	return sets, missing, nil
}

// intersect calls fn for every member of the intersection of sets (none
// nil), in the order of the smallest set (the first of the smallest ones),
// until fn returns false.
func intersect(sets []*types.Set, fn func(m string) bool) {
	sets = slices.Clone(sets)
	slices.SortStableFunc(sets, func(a, b *types.Set) int { return cmp.Compare(a.Len(), b.Len()) })
	first := sets[0]
	first.Each(func(m string) bool {
		for _, s := range sets[1:] {
			if s != first && !s.Has(m) {
				return true
			}
		}
		return fn(m)
	})
}

// sinter returns the intersection of the sets at keys, in the order Redis
// lists it.
func (d *db) sinter(keys []string) ([]string, error) {
	sets, missing, err := d.setsOf(keys)
	if err != nil || missing {
		return []string{}, err
	}
	out := []string{}
	intersect(sets, func(m string) bool {
		out = append(out, m)
		return true
	})
	return out, nil
}

// sintercard counts the intersection of the sets at keys, stopping at limit
// unless it is 0.
func (d *db) sintercard(keys []string, limit int64) (int64, error) {
	sets, missing, err := d.setsOf(keys)
	if err != nil || missing {
		return 0, err
	}
	var n int64
	intersect(sets, func(string) bool {
		n++
		return limit == 0 || n < limit
	})
	return n, nil
}

// sinterstore stores the intersection of the sets at keys in dst and
// returns its size.
func (d *db) sinterstore(dst string, keys []string) (int64, error) {
	sets, missing, err := d.setsOf(keys)
	if err != nil {
		return 0, err
	}
	res := types.NewSet(&d.s.limits)
	if !missing {
		intersect(sets, func(m string) bool {
			res.Add(m)
			return true
		})
	}
	return d.storeSet(dst, res, "sinterstore"), nil
}

// sunion returns the union of the sets at keys as a new set, built as
// Redis builds it (so that its encoding and order are Redis's).
func (d *db) sunion(keys []string) (*types.Set, error) {
	sets, _, err := d.setsOf(keys)
	if err != nil {
		return nil, err
	}
	res := types.NewSet(&d.s.limits)
	for _, s := range sets {
		if s == nil {
			continue
		}
		s.Each(func(m string) bool {
			res.Add(m)
			return true
		})
	}
	return res, nil
}

// sdiff returns the members of the first set at keys that are in none of
// the others, as a new set. It picks between Redis's two algorithms as
// Redis does, because they can leave the result in different encodings.
func (d *db) sdiff(keys []string) (*types.Set, error) {
	sets, _, err := d.setsOf(keys)
	if err != nil {
		return nil, err
	}
	res := types.NewSet(&d.s.limits)
	first := sets[0]
	if first == nil {
		return res, nil
	}
	var oneWork, twoWork int64
	for i, s := range sets {
		if i > 0 && s == first {
			return res, nil // a set minus itself is empty
		}
		if s != nil {
			oneWork += int64(first.Len())
			twoWork += int64(s.Len())
		}
	}
	if oneWork/2 <= twoWork {
		first.Each(func(m string) bool {
			for _, s := range sets[1:] {
				if s != nil && s.Has(m) {
					return true
				}
			}
			res.Add(m)
			return true
		})
		return res, nil
	}
	for i, s := range sets {
		if s == nil {
			continue
		}
		s.Each(func(m string) bool {
			if i == 0 {
				res.Add(m)
			} else {
				res.Remove(m)
			}
			return true
		})
		if res.Len() == 0 {
			break
		}
	}
	return res, nil
}

// storeSet replaces whatever dst holds with s (deleting dst when s is
// empty) and returns s's size, as the STORE forms do.
func (d *db) storeSet(dst string, s *types.Set, event string) int64 {
	old := d.peek(dst)
	if s.Len() == 0 {
		if old != nil {
			d.remove(dst, old)
			d.notify(notifyGeneric, "del", dst)
		}
		return 0
	}
	d.replace(dst, old, setEntry(s))
	d.notify(notifySet, event, dst)
	return int64(s.Len())
}

// setScan runs one SSCAN step over s: the members that match the pattern
// match ("*" for all), and the next cursor.
func setScan(s *types.Set, cursor uint64, match string, count int64) ([]string, uint64) {
	n := int64(s.Len())
	if s.Intset() || count > n {
		count = n
	}
	out := make([]string, 0, count)
	all := match == "*"
	next := s.Scan(cursor, int(count), func(m string) {
		if all || matchGlob(match, m) {
			out = append(out, m)
		}
	})
	return out, next
}

// ---- handlers ----

// bulkSet writes members as a set reply.
func (c *call) bulkSet(members []string) {
	c.w.Set(len(members))
	for _, m := range members {
		c.w.Bulk(m)
	}
}

func cmdSAdd(c *call) {
	c.replyInt(c.db.sadd(c.args[1], c.args[2:]))
}

func cmdSRem(c *call) {
	c.replyInt(c.db.srem(c.args[1], c.args[2:]))
}

func cmdSCard(c *call) {
	c.replyInt(c.db.scard(c.args[1]))
}

func cmdSIsMember(c *call) {
	ok, err := c.db.sismember(c.args[1], c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(ok)
}

func cmdSMIsMember(c *call) {
	s, err := c.db.setRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	members := c.args[2:]
	c.w.Array(len(members))
	for _, m := range members {
		c.bool(s != nil && s.Has(m))
	}
}

func cmdSMembers(c *call) {
	s, err := c.db.setRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	if s == nil {
		c.w.Set(0)
		return
	}
	c.w.Set(s.Len())
	s.Each(func(m string) bool {
		c.w.Bulk(m)
		return true
	})
}

func cmdSPop(c *call) {
	switch len(c.args) {
	case 2:
		m, ok, err := c.db.spop(c.args[1])
		if err != nil {
			c.fail(err)
			return
		}
		c.bulkOrNil(m, ok)
	case 3:
		count, ok := parseInt(c.args[2])
		if !ok || count < 0 {
			c.fail(ErrOutOfRangePositive)
			return
		}
		out, err := c.db.spopN(c.args[1], count)
		if err != nil {
			c.fail(err)
			return
		}
		c.bulkSet(out)
	default:
		c.fail(ErrSyntax)
	}
}

func cmdSRandMember(c *call) {
	switch len(c.args) {
	case 2:
		m, ok, err := c.db.srandmember(c.args[1])
		if err != nil {
			c.fail(err)
			return
		}
		c.bulkOrNil(m, ok)
	case 3:
		count, ok := parseInt(c.args[2])
		if !ok {
			c.fail(ErrNotInteger)
			return
		}
		out, err := c.db.srandmemberN(c.args[1], count)
		if err != nil {
			c.fail(err)
			return
		}
		c.w.Array(len(out))
		for _, m := range out {
			c.w.Bulk(m)
		}
	default:
		c.fail(ErrSyntax)
	}
}

func cmdSMove(c *call) {
	ok, err := c.db.smove(c.args[1], c.args[2], c.args[3])
	if err != nil {
		c.fail(err)
		return
	}
	c.bool(ok)
}

func cmdSInter(c *call) {
	out, err := c.db.sinter(c.args[1:])
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkSet(out)
}

// sinterCardArgs parses SINTERCARD's numkeys, keys and LIMIT.
func sinterCardArgs(args []string) (keys []string, limit int64, err error) {
	numkeys, ok := parseInt(args[1])
	if !ok || numkeys < 1 {
		return nil, 0, ErrNumKeys
	}
	if numkeys > int64(len(args)-2) {
		return nil, 0, ErrNumKeysArgs
	}
	keys = args[2 : 2+numkeys]
	for i := 2 + int(numkeys); i < len(args); i++ {
		if !strings.EqualFold(args[i], "limit") || i+1 == len(args) {
			return nil, 0, ErrSyntax
		}
		i++
		n, ok := parseInt(args[i])
		if !ok || n < 0 {
			return nil, 0, ErrLimitNegative
		}
		limit = n
	}
	return keys, limit, nil
}

func cmdSInterCard(c *call) {
	keys, limit, err := sinterCardArgs(c.args)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyInt(c.db.sintercard(keys, limit))
}

func cmdSInterStore(c *call) {
	c.replyInt(c.db.sinterstore(c.args[1], c.args[2:]))
}

// setOpReply runs SUNION or SDIFF (op) on keys and writes the result, or
// stores it in dst when dst is not empty.
func (c *call) setOpReply(op func([]string) (*types.Set, error), keys []string, store bool) {
	res, err := op(keys)
	if err != nil {
		c.fail(err)
		return
	}
	if store {
		event := "sunionstore"
		if strings.EqualFold(c.args[0], "sdiffstore") {
			event = "sdiffstore"
		}
		c.w.Int(c.db.storeSet(c.args[1], res, event))
		return
	}
	c.w.Set(res.Len())
	res.Each(func(m string) bool {
		c.w.Bulk(m)
		return true
	})
}

func cmdSUnion(c *call) { c.setOpReply(c.db.sunion, c.args[1:], false) }

func cmdSUnionStore(c *call) { c.setOpReply(c.db.sunion, c.args[2:], true) }

func cmdSDiff(c *call) { c.setOpReply(c.db.sdiff, c.args[1:], false) }

func cmdSDiffStore(c *call) { c.setOpReply(c.db.sdiff, c.args[2:], true) }

func cmdSScan(c *call) { containerScan(c, (*db).setRead, setScan) }

// ---- typed API ----

// SAdd adds members to the set at key, as SADD does, and returns how many
// were not there yet. It creates the set if needed and fails with
// ErrWrongType if key holds another type.
func (c *cmdable) SAdd(key string, members ...string) (int64, error) {
	if len(members) == 0 {
		return 0, arityError("sadd")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.sadd(key, members)
}

// SRem removes members from the set at key, as SREM does, and returns how
// many were there. The key is deleted with its last member.
func (c *cmdable) SRem(key string, members ...string) (int64, error) {
	if len(members) == 0 {
		return 0, arityError("srem")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.srem(key, members)
}

// SCard returns the number of members of the set at key, as SCARD does; 0
// if the key does not exist.
func (c *cmdable) SCard(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.scard(key)
}

// SIsMember reports whether member is in the set at key, as SISMEMBER does.
func (c *cmdable) SIsMember(key, member string) (bool, error) {
	d, err := c.begin(false)
	if err != nil {
		return false, err
	}
	defer c.end()
	return d.sismember(key, member)
}

// SMIsMember reports for each of members whether it is in the set at key,
// as SMISMEMBER does.
func (c *cmdable) SMIsMember(key string, members ...string) ([]bool, error) {
	if len(members) == 0 {
		return nil, arityError("smismember")
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	s, err := d.setRead(key)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(members))
	for i, m := range members {
		out[i] = s != nil && s.Has(m)
	}
	return out, nil
}

// SMembers returns the members of the set at key, as SMEMBERS does: in
// ascending numeric order while the set holds only integers (at most 512,
// Redis's intset), as in Redis; in an arbitrary order otherwise. It returns
// an empty slice if the key does not exist.
func (c *cmdable) SMembers(key string) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.smembers(key)
}

// SMembersMap returns the members of the set at key as a map, for
// membership tests; an empty map if the key does not exist.
func (c *cmdable) SMembersMap(key string) (map[string]struct{}, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	s, err := d.setRead(key)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return map[string]struct{}{}, nil
	}
	m := make(map[string]struct{}, s.Len())
	s.Each(func(member string) bool {
		m[member] = struct{}{}
		return true
	})
	return m, nil
}

// SPop removes a member picked at random from the set at key and returns
// it, as SPOP key does; ok is false if the key does not exist. Picks come
// from the Store's random source (see WithSeed).
func (c *cmdable) SPop(key string) (member string, ok bool, err error) {
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.spop(key)
}

// SPopN removes up to count members picked at random from the set at key
// and returns them, as SPOP key count does; empty if the key does not
// exist. A negative count fails with ErrOutOfRangePositive.
func (c *cmdable) SPopN(key string, count int64) ([]string, error) {
	if count < 0 {
		return nil, ErrOutOfRangePositive
	}
	d, err := c.begin(true)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.spopN(key, count)
}

// SRandMember returns a member of the set at key picked at random, as
// SRANDMEMBER key does; ok is false if the key does not exist.
func (c *cmdable) SRandMember(key string) (member string, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.srandmember(key)
}

// SRandMemberN returns count members of the set at key picked at random,
// as SRANDMEMBER key count does: distinct members when count is positive
// (the whole set if count is at least its size), -count picks that may
// repeat when it is negative; empty if the key does not exist.
//
// Unlike Redis, which tries to build any reply however large, a negative
// count below -4194304 fails with ErrOutOfRange. A count of math.MinInt64
// fails with ErrOutOfRange, as in Redis.
func (c *cmdable) SRandMemberN(key string, count int64) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.srandmemberN(key, count)
}

// SMove moves member from the set at src to the set at dst, as SMOVE does,
// and reports whether member was in src. It fails with ErrWrongType if src
// exists and either key holds another type.
func (c *cmdable) SMove(src, dst, member string) (bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	return d.smove(src, dst, member)
}

// SInter returns the members common to the sets at keys, as SINTER does; a
// missing key is an empty set. The order is the order of the smallest set
// (ascending for an intset), as in Redis.
func (c *cmdable) SInter(keys ...string) ([]string, error) {
	if len(keys) == 0 {
		return nil, arityError("sinter")
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.sinter(keys)
}

// SInterCard returns the number of members common to the sets at keys, as
// SINTERCARD does, counting at most limit of them (0: no limit). A negative
// limit fails with ErrLimitNegative, no keys with ErrNumKeys.
func (c *cmdable) SInterCard(limit int64, keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, ErrNumKeys
	}
	if limit < 0 {
		return 0, ErrLimitNegative
	}
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.sintercard(keys, limit)
}

// SInterStore stores the intersection of the sets at keys in dst, as
// SINTERSTORE does, and returns its size. Whatever dst held is replaced
// (its TTL too); an empty result deletes dst.
func (c *cmdable) SInterStore(dst string, keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, arityError("sinterstore")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.sinterstore(dst, keys)
}

// setOp runs SUNION or SDIFF for the typed API.
func (c *cmdable) setOp(name string, keys []string, op func(d *db, keys []string) (*types.Set, error)) ([]string, error) {
	if len(keys) == 0 {
		return nil, arityError(name)
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	res, err := op(d, keys)
	if err != nil {
		return nil, err
	}
	return res.Members(), nil
}

// setOpStore runs SUNIONSTORE or SDIFFSTORE for the typed API.
func (c *cmdable) setOpStore(name, dst string, keys []string, op func(d *db, keys []string) (*types.Set, error)) (int64, error) {
	if len(keys) == 0 {
		return 0, arityError(name)
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	res, err := op(d, keys)
	if err != nil {
		return 0, err
	}
	return d.storeSet(dst, res, name), nil
}

// SUnion returns the members of any of the sets at keys, as SUNION does;
// in ascending order when the result is all integers (at most 512), as in
// Redis.
func (c *cmdable) SUnion(keys ...string) ([]string, error) {
	return c.setOp("sunion", keys, (*db).sunion)
}

// SUnionStore stores the union of the sets at keys in dst, as SUNIONSTORE
// does, and returns its size. Whatever dst held is replaced; an empty
// result deletes dst.
func (c *cmdable) SUnionStore(dst string, keys ...string) (int64, error) {
	return c.setOpStore("sunionstore", dst, keys, (*db).sunion)
}

// SDiff returns the members of the first set at keys that are in none of
// the others, as SDIFF does; in ascending order when Redis would list them
// so.
func (c *cmdable) SDiff(keys ...string) ([]string, error) {
	return c.setOp("sdiff", keys, (*db).sdiff)
}

// SDiffStore stores the difference SDiff computes in dst, as SDIFFSTORE
// does, and returns its size. Whatever dst held is replaced; an empty
// result deletes dst.
func (c *cmdable) SDiffStore(dst string, keys ...string) (int64, error) {
	return c.setOpStore("sdiffstore", dst, keys, (*db).sdiff)
}

// SScan runs one step of an SSCAN iteration over the set at key: start
// with cursor 0 and pass the returned cursor back until it is 0. members
// holds the members that match the glob pattern match ("" for all); count
// (10 if zero or negative) is how much work a step does. An intset comes
// whole in the first step, as in Redis. Every member present for the whole
// iteration is returned at least once; the cursors are not Redis's.
func (c *cmdable) SScan(key string, cursor uint64, match string, count int64) (members []string, next uint64, err error) {
	return typedScan(c, key, cursor, match, count, (*db).setRead, setScan)
}
