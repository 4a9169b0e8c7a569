package racefree

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/racefree/racefree/resp"
	"github.com/racefree/racefree/types"
)

// The sorted set commands. A sorted set lives in entry.val as a
// *types.ZSet; one whose last member goes is deleted with it. This file has
// the commands on members (ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD,
// ZRANK, ZREVRANK), the pops (ZPOPMIN, ZPOPMAX, ZMPOP and the blocking
// BZPOPMIN, BZPOPMAX, BZMPOP), ZRANDMEMBER and ZSCAN; zsets_range.go has the
// range commands, zsets_setops.go ZUNION, ZINTER, ZDIFF and their kin.

// Z is a member of a sorted set and its score.
type Z struct {
	Score  float64
	Member string
}

// ZWithKey is a member popped by BZPopMin or BZPopMax, with the key it came
// from.
type ZWithKey struct {
	Z
	Key string
}

// ZAddArgs holds ZADD's options for ZAddArgs and ZAddArgsIncr. NX adds new
// members only, XX updates existing ones only, GT and LT update a member
// only when the new score is greater or less than its current one (new
// members are still added), Ch makes ZAddArgs count the members whose score
// changed as well as the new ones.
type ZAddArgs struct {
	NX, XX, LT, GT, Ch bool
	Members            []Z
}

// ---- implementations (the caller holds the store lock) ----

// zsetRead returns key's sorted set, nil if the key does not exist,
// ErrWrongType if it holds another type.
func (d *db) zsetRead(key string) (*types.ZSet, error) {
	e, err := d.lookupType(key, typeZSet)
	if e == nil || err != nil {
		return nil, err
	}
	return e.zset(), nil
}

// zsetStore stores z, which is not empty, under key as Redis's setKey does:
// it replaces whatever key held, and its TTL (a stream's blocked readers
// fail, as when it is deleted).
func (d *db) zsetStore(key string, z *types.ZSet) {
	d.replace(key, d.peek(key), zsetEntry(z))
}

// zaddFlags are ZADD's options.
type zaddFlags struct {
	nx, xx, gt, lt, ch, incr bool
}

// check returns the error Redis gives for incompatible options, given the
// number of score-member pairs.
func (f zaddFlags) check(pairs int) error {
	switch {
	case f.nx && f.xx:
		return ErrZAddXXNX
	case f.gt && f.nx || f.lt && f.nx || f.gt && f.lt:
		return ErrZAddGTLTNX
	case f.incr && pairs > 1:
		return ErrZAddIncrPair
	}
	return nil
}

// zadd adds or updates the members of elems as ZADD does with flags f. It
// returns the count ZADD replies (new members, plus changed ones with CH)
// and, for INCR, the member's new score and whether it was added or
// updated (ZADD INCR replies nil when NX, XX, GT or LT stopped it).
func (d *db) zadd(key string, f zaddFlags, elems []Z) (n int64, score float64, done bool, err error) {
	e, err := d.lookupType(key, typeZSet)
	if err != nil {
		return 0, 0, false, err
	}
	var z *types.ZSet
	if e == nil {
		if f.xx {
			return 0, 0, false, nil
		}
		z = types.NewZSet(&d.s.limits)
	} else {
		z = e.zset()
	}
	var added, updated int64
	for _, el := range elems {
		score = el.Score
		cur, exists := z.Score(el.Member)
		switch {
		case exists:
			if f.nx {
				continue
			}
			if f.incr {
				score += cur
				if math.IsNaN(score) {
					return 0, 0, false, ErrZScoreNaN
				}
			}
			if f.lt && score >= cur || f.gt && score <= cur {
				continue
			}
			if score != cur {
				z.Add(el.Member, score)
				updated++
			}
		case f.xx:
			continue
		default:
			z.Add(el.Member, score)
			added++
		}
		done = true
	}
	if e == nil {
		d.add(key, zsetEntry(z))
	} else if added+updated > 0 {
		d.modified(key)
	}
	if added+updated > 0 {
		d.notify(notifyZSet, zaddEvent(f.incr), key)
	}
	if f.ch {
		return added + updated, score, done, nil
	}
	return added, score, done, nil
}

// zrem deletes members and returns how many existed. The key goes with its
// last member.
func (d *db) zrem(key string, members []string) (int64, error) {
	e, err := d.lookupType(key, typeZSet)
	if e == nil {
		return 0, err
	}
	z := e.zset()
	n := d.removeEach(key, e, members, z.Delete, z.Len)
	d.notifyRemoved(notifyZSet, "zrem", key, n, z.Len() == 0)
	return n, nil
}

func (d *db) zscore(key, member string) (float64, bool, error) {
	z, err := d.zsetRead(key)
	if z == nil {
		return 0, false, err
	}
	s, ok := z.Score(member)
	return s, ok, nil
}

// zrank returns member's 0-based rank, from the greatest with reverse.
func (d *db) zrank(key, member string, reverse bool) (int64, bool, error) {
	z, err := d.zsetRead(key)
	if z == nil {
		return 0, false, err
	}
	r, ok := z.Rank(member)
	if !ok {
		return 0, false, nil
	}
	if reverse {
		r = z.Len() - 1 - r
	}
	return int64(r), true, nil
}

func (d *db) zcard(key string) (int64, error) {
	z, err := d.zsetRead(key)
	if z == nil {
		return 0, err
	}
	return int64(z.Len()), nil
}

// zpopEntry pops up to count members (count >= 0) from the low end of
// key's sorted set, held by e (the high end with max), and deletes the key
// when it is emptied.
func (d *db) zpopEntry(key string, e *entry, max bool, count int64) []Z {
	z := e.zset()
	n := min(count, int64(z.Len()))
	out := make([]Z, 0, n)
	for range n {
		var m string
		var s float64
		if max {
			m, s, _ = z.Max()
		} else {
			m, s, _ = z.Min()
		}
		z.Delete(m)
		out = append(out, Z{Score: s, Member: m})
	}
	if n > 0 {
		d.notify(notifyZSet, zpopEvent(max), key)
	}
	if z.Len() == 0 {
		d.remove(key, e)
		d.notify(notifyGeneric, "del", key)
	} else if n > 0 {
		d.modified(key)
	}
	return out
}

// zmpop pops up to count members from the first of keys that holds a
// sorted set, as ZMPOP does, and returns that key. It stops at the first
// key of another type with ErrWrongType; key is "" when none exists.
func (d *db) zmpop(keys []string, max bool, count int64) (key string, out []Z, err error) {
	for _, k := range keys {
		e, err := d.lookupType(k, typeZSet)
		if err != nil {
			return "", nil, err
		}
		if e != nil {
			return k, d.zpopEntry(k, e, max, count), nil
		}
	}
	return "", nil, nil
}

// maxZRandMemberRepeat bounds the reply of ZRANDMEMBER with a negative
// count, which Redis builds however large it is (and dies of running out
// of memory for the largest).
const maxZRandMemberRepeat = 1 << 22

// zrandmemberCheck validates ZRANDMEMBER's count as Redis does before it
// looks at the key.
func zrandmemberCheck(count int64, withScores bool) error {
	if count == math.MinInt64 {
		return errorf(ErrOutOfRange, "ERR value is out of range, value must between %d and %d", -math.MaxInt64, math.MaxInt64)
	}
	if withScores && (count < -math.MaxInt64/2 || count > math.MaxInt64/2) {
		return ErrOutOfRange
	}
	return nil
}

// zrandmember picks members of key at random, as ZRANDMEMBER key count
// does: distinct ones (the whole set, from the greatest down, when count is
// at least its size) for a positive count, -count independent picks for a
// negative one.
func (d *db) zrandmember(key string, count int64, withScores bool) ([]Z, error) {
	if err := zrandmemberCheck(count, withScores); err != nil {
		return nil, err
	}
	z, err := d.zsetRead(key)
	if z == nil || err != nil || count == 0 {
		return []Z{}, err
	}
	size := z.Len()
	rng := d.s.rng
	switch {
	case count < 0:
		if -count > maxZRandMemberRepeat {
			return nil, ErrOutOfRange
		}
		out := make([]Z, -count)
		for i := range out {
			m, s := z.Sample(rng.IntN(size))
			out[i] = Z{Score: s, Member: m}
		}
		return out, nil
	case count >= int64(size):
		out := make([]Z, 0, size)
		z.RangeByRank(0, size-1, true, func(m string, s float64) bool {
			out = append(out, Z{Score: s, Member: m})
			return true
		})
		return out, nil
	}
	// count distinct slots: a partial Fisher-Yates shuffle of the slot
	// numbers.
	n := int(count)
	idx := make([]int, size)
	for i := range idx {
		idx[i] = i
	}
	out := make([]Z, n)
	for i := range n {
		j := i + rng.IntN(size-i)
		idx[i], idx[j] = idx[j], idx[i]
		m, s := z.Sample(idx[i])
		out[i] = Z{Score: s, Member: m}
	}
	return out, nil
}

// zrandmemberOne picks one member at random, as ZRANDMEMBER key does.
func (d *db) zrandmemberOne(key string) (string, bool, error) {
	z, err := d.zsetRead(key)
	if z == nil {
		return "", false, err
	}
	m, _ := z.Sample(d.s.rng.IntN(z.Len()))
	return m, true, nil
}

// zsetScan runs one ZSCAN step over z: member and score pairs (flat, the
// scores as text) whose member matches the pattern match ("*" for all), and
// the next cursor.
func zsetScan(z *types.ZSet, cursor uint64, match string, count int64) ([]string, uint64) {
	n := int64(z.Len())
	lp := z.Listpack()
	if lp || count > n {
		count = n
	}
	out := make([]string, 0, 2*count)
	all := match == "*"
	next := z.Scan(cursor, int(count), func(m string, s float64) {
		if all || matchGlob(match, m) {
			out = append(out, m, zscanScore(s, lp))
		}
	})
	return out, next
}

// zscanScore formats a score as ZSCAN shows it: as the listpack stores it
// (an integer when the score is one, within ±2^62) for a small set, "%.17g"
// for a large one.
func zscanScore(s float64, listpack bool) string {
	if listpack && s >= -float64(math.MaxInt64/2) && s <= float64(math.MaxInt64/2) && s == math.Trunc(s) {
		return strconv.FormatInt(int64(s), 10)
	}
	return resp.FormatDouble(s)
}

// ---- replies ----

// zreply writes members, with their scores when withScores: a flat array
// in RESP2, an array of [member, score] pairs in RESP3.
func (c *call) zreply(elems []Z, withScores bool) {
	nested := withScores && c.w.Proto() > 2
	if withScores && !nested {
		c.w.Array(2 * len(elems))
	} else {
		c.w.Array(len(elems))
	}
	for _, el := range elems {
		if nested {
			c.w.Array(2)
		}
		c.w.Bulk(el.Member)
		if withScores {
			c.w.Double(el.Score)
		}
	}
}

// ---- handlers ----

// parseZAdd parses ZADD's (or ZINCRBY's) arguments from the options on.
func parseZAdd(args []string, f zaddFlags, buf []Z) (zaddFlags, []Z, error) {
	i := 0
	for ; i < len(args); i++ {
		switch strings.ToLower(args[i]) {
		case "nx":
			f.nx = true
		case "xx":
			f.xx = true
		case "ch":
			f.ch = true
		case "incr":
			f.incr = true
		case "gt":
			f.gt = true
		case "lt":
			f.lt = true
		default:
			goto pairs
		}
	}
pairs:
	rest := args[i:]
	if len(rest) == 0 || len(rest)%2 != 0 {
		return f, nil, ErrSyntax
	}
	if err := f.check(len(rest) / 2); err != nil {
		return f, nil, err
	}
	elems := buf[:0]
	for j := 0; j < len(rest); j += 2 {
		s, ok := parseFloat(rest[j])
		if !ok {
			return f, nil, ErrNotFloat
		}
		elems = append(elems, Z{Score: s, Member: rest[j+1]})
	}
	return f, elems, nil
}

func (c *call) zaddReply(f zaddFlags, n int64, score float64, done bool) {
	switch {
	case !f.incr:
		c.w.Int(n)
	case done:
		c.w.Double(score)
	default:
		c.w.NullBulk()
	}
}

func cmdZAdd(c *call) {
	var buf [4]Z
	f, elems, err := parseZAdd(c.args[2:], zaddFlags{}, buf[:])
	if err != nil {
		c.fail(err)
		return
	}
	n, score, done, err := c.db.zadd(c.args[1], f, elems)
	if err != nil {
		c.fail(err)
		return
	}
	c.zaddReply(f, n, score, done)
}

func cmdZIncrBy(c *call) {
	var buf [1]Z
	f, elems, err := parseZAdd(c.args[2:], zaddFlags{incr: true}, buf[:])
	if err != nil {
		c.fail(err)
		return
	}
	n, score, done, err := c.db.zadd(c.args[1], f, elems)
	if err != nil {
		c.fail(err)
		return
	}
	c.zaddReply(f, n, score, done)
}

func cmdZRem(c *call) {
	c.replyInt(c.db.zrem(c.args[1], c.args[2:]))
}

func cmdZScore(c *call) {
	s, ok, err := c.db.zscore(c.args[1], c.args[2])
	switch {
	case err != nil:
		c.fail(err)
	case !ok:
		c.w.NullBulk()
	default:
		c.w.Double(s)
	}
}

func cmdZMScore(c *call) {
	z, err := c.db.zsetRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	members := c.args[2:]
	c.w.Array(len(members))
	for _, m := range members {
		var s float64
		ok := false
		if z != nil {
			s, ok = z.Score(m)
		}
		if ok {
			c.w.Double(s)
		} else {
			c.w.NullBulk()
		}
	}
}

func cmdZCard(c *call) {
	c.replyInt(c.db.zcard(c.args[1]))
}

func (c *call) zrankReply(reverse bool) {
	r, ok, err := c.db.zrank(c.args[1], c.args[2], reverse)
	switch {
	case err != nil:
		c.fail(err)
	case !ok:
		c.w.NullBulk()
	default:
		c.w.Int(r)
	}
}

func cmdZRank(c *call) { c.zrankReply(false) }

func cmdZRevRank(c *call) { c.zrankReply(true) }

func (c *call) zpopReply(max bool) {
	if len(c.args) > 3 {
		c.fail(ErrSyntax)
		return
	}
	count := int64(1)
	if len(c.args) == 3 {
		// Redis gives the one message for both faults.
		n, ok := parseInt(c.args[2])
		if !ok || n < 0 {
			c.fail(ErrOutOfRangePositive)
			return
		}
		count = n
	}
	_, elems, err := c.db.zmpop(c.args[1:2], max, count)
	if err != nil {
		c.fail(err)
		return
	}
	// RESP3 nests the pairs when a count was given; RESP2 never does.
	nested := len(c.args) == 3 && c.w.Proto() > 2
	if nested {
		c.w.Array(len(elems))
	} else {
		c.w.Array(2 * len(elems))
	}
	for _, el := range elems {
		if nested {
			c.w.Array(2)
		}
		c.w.Bulk(el.Member)
		c.w.Double(el.Score)
	}
}

func cmdZPopMin(c *call) { c.zpopReply(false) }

func cmdZPopMax(c *call) { c.zpopReply(true) }

// parseZMPop parses ZMPOP's arguments from numkeys on: numkeys, the keys,
// MIN or MAX, and an optional COUNT.
func parseZMPop(args []string) (keys []string, max bool, count int64, err error) {
	return parseMPop(args, "max", "min")
}

// zmpopReply writes ZMPOP's reply: the key and its [member, score] pairs,
// or the nil array.
func (c *call) zmpopReply(key string, elems []Z) {
	if key == "" {
		c.w.NullArray()
		return
	}
	c.w.Array(2)
	c.w.Bulk(key)
	c.w.Array(len(elems))
	for _, el := range elems {
		c.w.Array(2)
		c.w.Bulk(el.Member)
		c.w.Double(el.Score)
	}
}

func cmdZMPop(c *call) {
	keys, max, count, err := parseZMPop(c.args[1:])
	if err != nil {
		c.fail(err)
		return
	}
	key, elems, err := c.db.zmpop(keys, max, count)
	if err != nil {
		c.fail(err)
		return
	}
	c.zmpopReply(key, elems)
}

func cmdZRandMember(c *call) {
	if len(c.args) == 2 {
		m, ok, err := c.db.zrandmemberOne(c.args[1])
		if err != nil {
			c.fail(err)
			return
		}
		c.bulkOrNil(m, ok)
		return
	}
	count, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	if count == math.MinInt64 {
		c.fail(zrandmemberCheck(count, false))
		return
	}
	if len(c.args) > 4 || len(c.args) == 4 && !strings.EqualFold(c.args[3], "withscores") {
		c.fail(ErrSyntax)
		return
	}
	withScores := len(c.args) == 4
	elems, err := c.db.zrandmember(c.args[1], count, withScores)
	if err != nil {
		c.fail(err)
		return
	}
	c.zreply(elems, withScores)
}

func cmdZScan(c *call) { containerScan(c, (*db).zsetRead, zsetScan) }

// zpopWaiter builds the waiter of a blocked BZPOPMIN, BZPOPMAX or BZMPOP
// (or of their typed methods) on keys: when one of them holds a sorted set
// it pops up to count members and calls done with the key and what it took.
// A key that now holds another type does not serve it: it waits on, as in
// Redis 7.0.
func zpopWaiter(dbIndex int, keys []string, max bool, count int64, done func(key string, elems []Z)) *waiter {
	return &waiter{db: dbIndex, keys: slices.Clone(keys), serve: func(d *db, key string) bool {
		e := d.lookup(key)
		if e == nil || e.typ != typeZSet {
			return false
		}
		done(key, d.zpopEntry(key, e, max, count))
		return true
	}}
}

func (c *call) bzpopReply(max bool) {
	keys := c.args[1 : len(c.args)-1]
	timeout, err := blockTimeoutArg(c.args[len(c.args)-1])
	if err != nil {
		c.fail(err)
		return
	}
	reply := func(key string, elems []Z) {
		c.w.Array(3)
		c.w.Bulk(key)
		c.w.Bulk(elems[0].Member)
		c.w.Double(elems[0].Score)
	}
	key, elems, err := c.db.zmpop(keys, max, 1)
	switch {
	case err != nil:
		c.fail(err)
	case key != "":
		reply(key, elems)
	case !c.canBlock():
		c.w.NullArray()
	default:
		c.block(zpopWaiter(c.db.id, keys, max, 1, reply), timeout, func() { c.w.NullArray() })
	}
}

func cmdBZPopMin(c *call) { c.bzpopReply(false) }

func cmdBZPopMax(c *call) { c.bzpopReply(true) }

func cmdBZMPop(c *call) {
	keys, max, count, err := parseZMPop(c.args[2:])
	if err != nil {
		c.fail(err)
		return
	}
	timeout, err := blockTimeoutArg(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	key, elems, err := c.db.zmpop(keys, max, count)
	switch {
	case err != nil:
		c.fail(err)
	case key != "":
		c.zmpopReply(key, elems)
	case !c.canBlock():
		c.w.NullArray()
	default:
		c.block(zpopWaiter(c.db.id, keys, max, count, c.zmpopReply), timeout, func() { c.w.NullArray() })
	}
}

// ---- typed API ----

// ZAdd adds members with their scores to the sorted set at key, or updates
// the scores of members already there, and returns how many members are
// new, as ZADD does.
func (c *cmdable) ZAdd(key string, members ...Z) (int64, error) {
	return c.ZAddArgs(key, ZAddArgs{Members: members})
}

// ZAddNX is ZAdd that only adds new members (ZADD NX).
func (c *cmdable) ZAddNX(key string, members ...Z) (int64, error) {
	return c.ZAddArgs(key, ZAddArgs{NX: true, Members: members})
}

// ZAddXX is ZAdd that only updates existing members (ZADD XX); it returns
// 0, since it adds none.
func (c *cmdable) ZAddXX(key string, members ...Z) (int64, error) {
	return c.ZAddArgs(key, ZAddArgs{XX: true, Members: members})
}

// ZAddArgs is ZADD with options: it returns the number of members added
// (plus the number updated with Ch). A NaN score fails with ErrNotFloat,
// as the text "nan" would.
func (c *cmdable) ZAddArgs(key string, args ZAddArgs) (int64, error) {
	n, _, _, err := c.zaddArgs(key, args, false)
	return n, err
}

// ZAddArgsIncr is ZADD ... INCR: it adds the score of the one member in
// args.Members to the member's score (0 when new) and returns the new
// score. ok is false, and nothing changes, when NX, XX, GT or LT stopped
// the update.
func (c *cmdable) ZAddArgsIncr(key string, args ZAddArgs) (score float64, ok bool, err error) {
	_, score, ok, err = c.zaddArgs(key, args, true)
	return score, ok, err
}

func (c *cmdable) zaddArgs(key string, args ZAddArgs, incr bool) (int64, float64, bool, error) {
	if len(args.Members) == 0 {
		return 0, 0, false, arityError("zadd")
	}
	f := zaddFlags{nx: args.NX, xx: args.XX, gt: args.GT, lt: args.LT, ch: args.Ch, incr: incr}
	if err := f.check(len(args.Members)); err != nil {
		return 0, 0, false, err
	}
	for _, m := range args.Members {
		if math.IsNaN(m.Score) {
			return 0, 0, false, ErrNotFloat
		}
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, 0, false, err
	}
	defer c.end()
	return d.zadd(key, f, args.Members)
}

// ZIncrBy adds increment to member's score in the sorted set at key (a new
// member starts at 0) and returns the new score, as ZINCRBY does. Adding
// -inf to inf fails with ErrZScoreNaN.
func (c *cmdable) ZIncrBy(key string, increment float64, member string) (float64, error) {
	if math.IsNaN(increment) {
		return 0, ErrNotFloat
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	_, score, _, err := d.zadd(key, zaddFlags{incr: true}, []Z{{Score: increment, Member: member}})
	return score, err
}

// ZRem removes members from the sorted set at key and returns how many were
// there, as ZREM does.
func (c *cmdable) ZRem(key string, members ...string) (int64, error) {
	if len(members) == 0 {
		return 0, arityError("zrem")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.zrem(key, members)
}

// ZScore returns member's score in the sorted set at key, as ZSCORE does;
// ok is false when the key or the member does not exist.
func (c *cmdable) ZScore(key, member string) (score float64, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	return d.zscore(key, member)
}

// ZMScore returns the scores of members in the sorted set at key, as
// ZMSCORE does: found[i] says whether members[i] exists (its score is 0
// when not).
func (c *cmdable) ZMScore(key string, members ...string) (scores []float64, found []bool, err error) {
	if len(members) == 0 {
		return nil, nil, arityError("zmscore")
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, nil, err
	}
	defer c.end()
	z, err := d.zsetRead(key)
	if err != nil {
		return nil, nil, err
	}
	scores, found = make([]float64, len(members)), make([]bool, len(members))
	if z != nil {
		for i, m := range members {
			scores[i], found[i] = z.Score(m)
		}
	}
	return scores, found, nil
}

// ZCard returns the number of members of the sorted set at key (0 when it
// does not exist), as ZCARD does.
func (c *cmdable) ZCard(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.zcard(key)
}

// ZRank returns member's 0-based rank in the sorted set at key, lowest
// score first, as ZRANK does; ok is false when the key or the member does
// not exist.
func (c *cmdable) ZRank(key, member string) (rank int64, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	return d.zrank(key, member, false)
}

// ZRevRank is ZRank counting from the highest score, as ZREVRANK does.
func (c *cmdable) ZRevRank(key, member string) (rank int64, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, false, err
	}
	defer c.end()
	return d.zrank(key, member, true)
}

// zpopCount checks the count of the typed pops: at most one, 1 when none.
func zpopCount(count []int64) (int64, error) {
	switch {
	case len(count) == 0:
		return 1, nil
	case len(count) > 1:
		return 0, ErrSyntax
	case count[0] < 0:
		return 0, ErrOutOfRangePositive
	}
	return count[0], nil
}

// ZPopMin removes and returns the members with the lowest scores from the
// sorted set at key, lowest first, as ZPOPMIN does: one, or count when
// given. It returns an empty slice when the key does not exist.
func (c *cmdable) ZPopMin(key string, count ...int64) ([]Z, error) {
	return c.zpop(key, false, count)
}

// ZPopMax is ZPopMin for the highest scores, highest first (ZPOPMAX).
func (c *cmdable) ZPopMax(key string, count ...int64) ([]Z, error) {
	return c.zpop(key, true, count)
}

func (c *cmdable) zpop(key string, max bool, count []int64) ([]Z, error) {
	n, err := zpopCount(count)
	if err != nil {
		return nil, err
	}
	d, err := c.begin(true)
	if err != nil {
		return nil, err
	}
	defer c.end()
	_, out, err := d.zmpop([]string{key}, max, n)
	if out == nil && err == nil {
		out = []Z{}
	}
	return out, err
}

// zmpopOrder reads ZMPOP's order, "min" or "max" in any case.
func zmpopOrder(order string) (max bool, err error) {
	switch {
	case strings.EqualFold(order, "min"):
		return false, nil
	case strings.EqualFold(order, "max"):
		return true, nil
	}
	return false, ErrSyntax
}

// ZMPop pops up to count members from the first of keys that holds a
// sorted set, from the lowest scores with order "min" or the highest with
// "max", as ZMPOP does, and returns that key; key is "" when none of keys
// exists.
func (c *cmdable) ZMPop(order string, count int64, keys ...string) (key string, members []Z, err error) {
	if len(keys) == 0 {
		return "", nil, ErrNumKeys
	}
	max, err := zmpopOrder(order)
	if err != nil {
		return "", nil, err
	}
	if count < 1 {
		return "", nil, ErrCountPositive
	}
	d, err := c.begin(true)
	if err != nil {
		return "", nil, err
	}
	defer c.end()
	return d.zmpop(keys, max, count)
}

// ZRandMember returns count distinct members of the sorted set at key
// picked at random (all of them when count is at least its size), or, for
// a negative count, -count picks that may repeat, as ZRANDMEMBER does.
//
// Unlike Redis, which builds the reply however large, a negative count
// below -4194304 fails with ErrOutOfRange.
func (c *cmdable) ZRandMember(key string, count int) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	elems, err := d.zrandmember(key, int64(count), false)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(elems))
	for i, el := range elems {
		out[i] = el.Member
	}
	return out, nil
}

// ZRandMemberWithScores is ZRandMember with the members' scores
// (ZRANDMEMBER ... WITHSCORES).
func (c *cmdable) ZRandMemberWithScores(key string, count int) ([]Z, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.zrandmember(key, int64(count), true)
}

// ZRandMemberOne returns one member of the sorted set at key picked at
// random, as ZRANDMEMBER key does; ok is false when the key does not exist.
func (c *cmdable) ZRandMemberOne(key string) (member string, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.zrandmemberOne(key)
}

// ZScan runs one step of a ZSCAN iteration over the sorted set at key:
// start with cursor 0 and pass the returned cursor until it is 0. It
// returns members and scores alternately (the scores as ZSCAN formats
// them), those of the members that match the glob pattern match ("" or "*"
// for all), about count members per step (10 when count <= 0).
func (c *cmdable) ZScan(key string, cursor uint64, match string, count int64) (keys []string, next uint64, err error) {
	return typedScan(c, key, cursor, match, count, (*db).zsetRead, zsetScan)
}

// BZPopMin pops the member with the lowest score from the first of keys
// that holds a sorted set, as BZPOPMIN does, waiting up to timeout (0:
// without limit) for one of them to get members. ok is false when the
// timeout passed first; when ctx ends first BZPopMin returns ctx.Err(), and
// ErrClosed when the store is closed meanwhile. Inside Update or View it
// does not wait, as BZPOPMIN inside MULTI.
func (c *cmdable) BZPopMin(ctx context.Context, timeout time.Duration, keys ...string) (z ZWithKey, ok bool, err error) {
	key, elems, err := c.bzmpop(ctx, timeout, keys, false, 1)
	if key == "" || err != nil {
		return ZWithKey{}, false, err
	}
	return ZWithKey{Z: elems[0], Key: key}, true, nil
}

// BZPopMax is BZPopMin for the highest score (BZPOPMAX).
func (c *cmdable) BZPopMax(ctx context.Context, timeout time.Duration, keys ...string) (z ZWithKey, ok bool, err error) {
	key, elems, err := c.bzmpop(ctx, timeout, keys, true, 1)
	if key == "" || err != nil {
		return ZWithKey{}, false, err
	}
	return ZWithKey{Z: elems[0], Key: key}, true, nil
}

// BZMPop is ZMPop that waits up to timeout (0: without limit) for one of
// keys to get members, as BZMPOP does; key is "" when the timeout passed
// first. When ctx ends first it returns ctx.Err().
func (c *cmdable) BZMPop(ctx context.Context, timeout time.Duration, order string, count int64, keys ...string) (key string, members []Z, err error) {
	max, err := zmpopOrder(order)
	if err != nil {
		return "", nil, err
	}
	if count < 1 {
		return "", nil, ErrCountPositive
	}
	return c.bzmpop(ctx, timeout, keys, max, count)
}

func (c *cmdable) bzmpop(ctx context.Context, timeout time.Duration, keys []string, max bool, count int64) (string, []Z, error) {
	if len(keys) == 0 {
		return "", nil, ErrNumKeys
	}
	if timeout < 0 {
		return "", nil, ErrTimeoutNegative
	}
	d, err := c.begin(true)
	if err != nil {
		return "", nil, err
	}
	key, elems, err := d.zmpop(keys, max, count)
	if err != nil || key != "" || c.tx != nil {
		c.end()
		return key, elems, err
	}
	w := zpopWaiter(d.id, keys, max, count, func(k string, e []Z) { key, elems = k, e })
	c.s.block(w)
	c.end()
	if c.s.wait(ctx, w, timeout) {
		return key, elems, nil
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	select {
	case <-c.s.stop:
		return "", nil, ErrClosed
	default:
	}
	return "", nil, nil
}
