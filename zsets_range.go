package racefree

import (
	"math"
	"strconv"
	"strings"

	"github.com/racefree/racefree/types"
)

// The range commands of sorted sets: ZRANGE and ZRANGESTORE with all their
// options, the older ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
// ZREVRANGEBYLEX and ZREVRANGE, ZCOUNT, ZLEXCOUNT and the ZREMRANGEBY*
// commands.

// ZRangeArgs holds the arguments of ZRangeArgs, ZRangeArgsWithScores and
// ZRangeStore, as go-redis has them. Start and Stop are ranks (integers)
// by default, scores with ByScore (numbers, or strings such as "-inf",
// "(1.5"), members with ByLex ("[a", "(b", "-", "+"); strings, integers and
// floats are accepted. With Rev and ByScore or ByLex, Start is still the
// lower end: the method sends Stop first, as go-redis does. Offset and
// Count, when either is not zero, become LIMIT offset count (which needs
// ByScore or ByLex; a negative Count means all).
type ZRangeArgs struct {
	Key           string
	Start, Stop   any
	ByScore       bool
	ByLex         bool
	Rev           bool
	Offset, Count int64
}

// ZRangeBy holds the range of ZRangeByScore, ZRangeByLex and their
// reverse forms: Min and Max as those commands take them ("-inf", "(1",
// "[a", "+", ...), and Offset and Count, which become LIMIT offset count
// when either is not zero.
type ZRangeBy struct {
	Min, Max      string
	Offset, Count int64
}

// Kinds of range.
const (
	zByRank = iota + 1
	zByScore
	zByLex
)

// Directions of a range; zDirAuto lets ZRANGE's REV choose.
const (
	zDirAuto = iota
	zDirForward
	zDirReverse
)

// zrangeSpec is a parsed ZRANGE-family request.
type zrangeSpec struct {
	by          int
	rev         bool
	withScores  bool
	start, stop int64 // ranks
	score       types.ScoreRange
	lex         types.LexRange
	offset      int64
	limit       int64 // -1: no limit
}

// parseZRange parses min, max and the options of a ZRANGE-family command
// (args starts at min). by and dir are fixed by the older commands and 0
// (auto) for ZRANGE and ZRANGESTORE; store refuses WITHSCORES. The checks
// come in Redis's order.
func parseZRange(args []string, by, dir int, store bool) (zrangeSpec, error) {
	sp := zrangeSpec{limit: -1}
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case !store && strings.EqualFold(a, "withscores"):
			sp.withScores = true
		case left >= 2 && strings.EqualFold(a, "limit"):
			off, ok1 := parseInt(args[j+1])
			if !ok1 {
				return sp, ErrNotInteger
			}
			lim, ok2 := parseInt(args[j+2])
			if !ok2 {
				return sp, ErrNotInteger
			}
			sp.offset, sp.limit = off, lim
			j += 2
		case dir == zDirAuto && strings.EqualFold(a, "rev"):
			dir = zDirReverse
		case by == 0 && strings.EqualFold(a, "bylex"):
			by = zByLex
		case by == 0 && strings.EqualFold(a, "byscore"):
			by = zByScore
		default:
			return sp, ErrSyntax
		}
	}
	if by == 0 {
		by = zByRank
	}
	sp.by, sp.rev = by, dir == zDirReverse
	if sp.limit != -1 && by == zByRank {
		return sp, ErrZRangeLimit
	}
	if sp.withScores && by == zByLex {
		return sp, ErrZRangeLexScores
	}
	lo, hi := args[0], args[1]
	if sp.rev && by != zByRank {
		lo, hi = hi, lo // given as max, min
	}
	var ok bool
	switch by {
	case zByRank:
		var ok2 bool
		sp.start, ok = parseInt(lo)
		sp.stop, ok2 = parseInt(hi)
		if !ok || !ok2 {
			return sp, ErrNotInteger
		}
	case zByScore:
		if sp.score, ok = parseScoreRange(lo, hi); !ok {
			return sp, ErrZMinMaxNotFloat
		}
	case zByLex:
		if sp.lex, ok = parseLexRange(lo, hi); !ok {
			return sp, ErrZLexRange
		}
	}
	return sp, nil
}

// parseScoreRange parses the bounds of a score range, as Redis's
// zslParseRange does: '(' makes a bound exclusive, and the number is read
// by strtod, which skips leading spaces, stops at a NUL byte, accepts
// overflow to infinity and reads an empty string as 0. NaN is refused.
func parseScoreRange(min, max string) (types.ScoreRange, bool) {
	var r types.ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = parseScoreBound(min)
	r.Max, r.MaxEx, ok2 = parseScoreBound(max)
	return r, ok1 && ok2
}

func parseScoreBound(s string) (v float64, exclusive, ok bool) {
	if len(s) > 0 && s[0] == '(' {
		exclusive, s = true, s[1:]
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if s == "" {
		return 0, exclusive, true // strtod converts nothing; the C string ends there
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if !validStrtod(t) {
		return 0, false, false
	}
	v, err := strconv.ParseFloat(hexWithExponent(t), 64)
	if err != nil && !isRangeErr(err) {
		return 0, false, false
	}
	return v, exclusive, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// parseLexRange parses the bounds of a lexicographic range: "[m" and "(m"
// (inclusive and exclusive), "-" and "+" (below and above every member).
func parseLexRange(min, max string) (types.LexRange, bool) {
	var r types.LexRange
	var ok1, ok2 bool
	r.Min, ok1 = parseLexBound(min)
	r.Max, ok2 = parseLexBound(max)
	return r, ok1 && ok2
}

func parseLexBound(s string) (types.LexBound, bool) {
	if s == "" {
		return types.LexBound{}, false
	}
	switch s[0] {
	case '+', '-':
		// The C string must end after the sign.
		if len(s) > 1 && s[1] != 0 {
			return types.LexBound{}, false
		}
		if s[0] == '+' {
			return types.LexBound{Inf: 1}, true
		}
		return types.LexBound{Inf: -1}, true
	case '(':
		return types.LexBound{Value: s[1:], Exclusive: true}, true
	case '[':
		return types.LexBound{Value: s[1:]}, true
	}
	return types.LexBound{}, false
}

// zrankBounds turns ZRANGE-style start and stop (negative ones count from
// the end) into 0-based positions in a set of n members, or reports the
// range empty.
func zrankBounds(start, stop int64, n int) (int, int, bool) {
	l := int64(n)
	if start < 0 {
		start += l
	}
	if stop < 0 {
		stop += l
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= l {
		return 0, 0, false
	}
	if stop >= l {
		stop = l - 1
	}
	return int(start), int(stop), true
}

// clampInt converts a count or offset to int for the container.
func clampInt(v int64) int {
	if int64(int(v)) != v { // 32-bit platforms
		if v > 0 {
			return math.MaxInt
		}
		return math.MinInt
	}
	return int(v)
}

// zrangeOn calls fn for each member that sp selects in z, in order.
func zrangeOn(z *types.ZSet, sp *zrangeSpec, fn func(member string, score float64) bool) {
	switch sp.by {
	case zByRank:
		if start, stop, ok := zrankBounds(sp.start, sp.stop, z.Len()); ok {
			z.RangeByRank(start, stop, sp.rev, fn)
		}
	case zByScore:
		z.RangeByScore(sp.score, clampInt(sp.offset), clampInt(sp.limit), sp.rev, fn)
	case zByLex:
		z.RangeByLex(sp.lex, clampInt(sp.offset), clampInt(sp.limit), sp.rev, fn)
	}
}

// zrangeEach calls fn for each member of key's sorted set that sp selects,
// in order, after calling size with the number of members it will get (an
// upper bound for score and lex ranges). It does neither when the key does
// not exist.
func (d *db) zrangeEach(key string, sp *zrangeSpec, size func(n int), fn func(member string, score float64) bool) error {
	z, err := d.zsetRead(key)
	if z == nil || err != nil {
		return err
	}
	n := 0
	switch {
	case sp.by == zByRank:
		if start, stop, ok := zrankBounds(sp.start, sp.stop, z.Len()); ok {
			n = stop - start + 1
		}
	case sp.limit >= 0:
		n = clampInt(min(sp.limit, int64(z.Len())))
	default:
		n = min(z.Len(), 16)
	}
	size(n)
	zrangeOn(z, sp, fn)
	return nil
}

// zrange returns the members of key's sorted set that sp selects.
func (d *db) zrange(key string, sp *zrangeSpec) ([]Z, error) {
	var out []Z
	err := d.zrangeEach(key, sp, func(n int) { out = make([]Z, 0, n) }, func(m string, s float64) bool {
		out = append(out, Z{Score: s, Member: m})
		return true
	})
	return out, err
}

// zrangestore stores at dst what sp selects from src, as ZRANGESTORE does,
// and returns how many members that is. An empty result deletes dst.
func (d *db) zrangestore(dst, src string, sp *zrangeSpec) (int64, error) {
	elems, err := d.zrange(src, sp)
	if err != nil {
		return 0, err
	}
	if len(elems) == 0 {
		d.delNotify(dst)
		return 0, nil
	}
	// Redis starts a large result of known size as a skiplist, anything
	// else as a listpack that converts as it grows; both add the members
	// in the order of the range.
	var z *types.ZSet
	if lim := &d.s.limits; sp.by == zByRank && int64(len(elems)) > lim.ZSetMaxListpackEntries {
		z = types.NewZSetSkiplist(lim)
	} else {
		z = types.NewZSet(lim)
	}
	for _, el := range elems {
		z.Add(el.Member, el.Score)
	}
	d.zsetStore(dst, z)
	d.notify(notifyZSet, "zrangestore", dst)
	return int64(len(elems)), nil
}

// zcount counts the members with a score in r.
func (d *db) zcount(key string, r types.ScoreRange) (int64, error) {
	z, err := d.zsetRead(key)
	if z == nil {
		return 0, err
	}
	return int64(z.CountByScore(r)), nil
}

// zlexcount counts the members in r.
func (d *db) zlexcount(key string, r types.LexRange) (int64, error) {
	z, err := d.zsetRead(key)
	if z == nil {
		return 0, err
	}
	return int64(z.CountByLex(r)), nil
}

// zremrange deletes the members that sp selects (by rank, score or lex,
// with no limit) and returns how many. The key goes with its last member.
func (d *db) zremrange(key string, sp *zrangeSpec) (int64, error) {
	e, err := d.lookupType(key, typeZSet)
	if e == nil {
		return 0, err
	}
	z := e.zset()
	var n int
	switch sp.by {
	case zByRank:
		start, stop, ok := zrankBounds(sp.start, sp.stop, z.Len())
		if !ok {
			return 0, nil
		}
		n = z.DeleteRangeByRank(start, stop)
	case zByScore:
		n = z.DeleteRangeByScore(sp.score)
	case zByLex:
		n = z.DeleteRangeByLex(sp.lex)
	}
	if n > 0 {
		d.notify(notifyZSet, zremrangeEvents[sp.by], key)
	}
	if z.Len() == 0 {
		d.remove(key, e)
		if n > 0 {
			d.notify(notifyGeneric, "del", key)
		}
	} else if n > 0 {
		d.modified(key)
	}
	return int64(n), nil
}

// ---- handlers ----

// zrangeCommand runs a ZRANGE-family command whose key is args[1].
func (c *call) zrangeCommand(by, dir int) {
	sp, err := parseZRange(c.args[2:], by, dir, false)
	if err != nil {
		c.fail(err)
		return
	}
	z, err := c.db.zsetRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	if z == nil {
		c.w.Array(0)
		return
	}
	if sp.by == zByRank {
		// The size is known: stream the members.
		start, stop, ok := zrankBounds(sp.start, sp.stop, z.Len())
		if !ok {
			c.w.Array(0)
			return
		}
		n := stop - start + 1
		nested := sp.withScores && c.w.Proto() > 2
		if sp.withScores && !nested {
			c.w.Array(2 * n)
		} else {
			c.w.Array(n)
		}
		z.RangeByRank(start, stop, sp.rev, func(m string, s float64) bool {
			if nested {
				c.w.Array(2)
			}
			c.w.Bulk(m)
			if sp.withScores {
				c.w.Double(s)
			}
			return true
		})
		return
	}
	elems := make([]Z, 0, min(z.Len(), 16))
	zrangeOn(z, &sp, func(m string, s float64) bool {
		elems = append(elems, Z{Score: s, Member: m})
		return true
	})
	c.zreply(elems, sp.withScores)
}

func cmdZRange(c *call) { c.zrangeCommand(0, zDirAuto) }

func cmdZRevRange(c *call) { c.zrangeCommand(zByRank, zDirReverse) }

func cmdZRangeByScore(c *call) { c.zrangeCommand(zByScore, zDirForward) }

func cmdZRevRangeByScore(c *call) { c.zrangeCommand(zByScore, zDirReverse) }

func cmdZRangeByLex(c *call) { c.zrangeCommand(zByLex, zDirForward) }

func cmdZRevRangeByLex(c *call) { c.zrangeCommand(zByLex, zDirReverse) }

func cmdZRangeStore(c *call) {
	sp, err := parseZRange(c.args[3:], 0, zDirAuto, true)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyInt(c.db.zrangestore(c.args[1], c.args[2], &sp))
}

func cmdZCount(c *call) {
	r, ok := parseScoreRange(c.args[2], c.args[3])
	if !ok {
		c.fail(ErrZMinMaxNotFloat)
		return
	}
	c.replyInt(c.db.zcount(c.args[1], r))
}

func cmdZLexCount(c *call) {
	r, ok := parseLexRange(c.args[2], c.args[3])
	if !ok {
		c.fail(ErrZLexRange)
		return
	}
	c.replyInt(c.db.zlexcount(c.args[1], r))
}

// parseZRemRange parses the range of a ZREMRANGEBY* command.
func parseZRemRange(by int, min, max string) (zrangeSpec, error) {
	sp := zrangeSpec{by: by}
	var ok bool
	switch by {
	case zByRank:
		var ok2 bool
		sp.start, ok = parseInt(min)
		sp.stop, ok2 = parseInt(max)
		if !ok || !ok2 {
			return sp, ErrNotInteger
		}
	case zByScore:
		if sp.score, ok = parseScoreRange(min, max); !ok {
			return sp, ErrZMinMaxNotFloat
		}
	case zByLex:
		if sp.lex, ok = parseLexRange(min, max); !ok {
			return sp, ErrZLexRange
		}
	}
	return sp, nil
}

func (c *call) zremrangeCommand(by int) {
	sp, err := parseZRemRange(by, c.args[2], c.args[3])
	if err != nil {
		c.fail(err)
		return
	}
	c.replyInt(c.db.zremrange(c.args[1], &sp))
}

func cmdZRemRangeByScore(c *call) { c.zremrangeCommand(zByScore) }

func cmdZRemRangeByRank(c *call) { c.zremrangeCommand(zByRank) }

func cmdZRemRangeByLex(c *call) { c.zremrangeCommand(zByLex) }

// ---- typed API ----

// zrangeZ returns the range sp selects of key, with scores.
func (c *cmdable) zrangeZ(key string, sp *zrangeSpec, err error) ([]Z, error) {
	if err != nil {
		return nil, err
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	out, err := d.zrange(key, sp)
	if out == nil && err == nil {
		out = []Z{}
	}
	return out, err
}

// zrangeMembers returns the members of the range sp selects of key.
func (c *cmdable) zrangeMembers(key string, sp *zrangeSpec, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	var out []string
	err = d.zrangeEach(key, sp, func(n int) { out = make([]string, 0, n) }, func(m string, _ float64) bool {
		out = append(out, m)
		return true
	})
	if out == nil && err == nil {
		out = []string{}
	}
	return out, err
}

func members(elems []Z, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	out := make([]string, len(elems))
	for i, el := range elems {
		out[i] = el.Member
	}
	return out, nil
}

// rankSpec is the range of ZRANGE key start stop (ZREVRANGE with rev).
func rankSpec(start, stop int64, rev bool) *zrangeSpec {
	return &zrangeSpec{by: zByRank, rev: rev, start: start, stop: stop, limit: -1}
}

// ZRange returns the members of the sorted set at key from rank start to
// rank stop (inclusive; negative ranks count from the end), lowest score
// first, as ZRANGE key start stop does.
func (c *cmdable) ZRange(key string, start, stop int64) ([]string, error) {
	return c.zrangeMembers(key, rankSpec(start, stop, false), nil)
}

// ZRangeWithScores is ZRange with the scores (ZRANGE ... WITHSCORES).
func (c *cmdable) ZRangeWithScores(key string, start, stop int64) ([]Z, error) {
	return c.zrangeZ(key, rankSpec(start, stop, false), nil)
}

// ZRevRange is ZRange counting from the highest score, as ZREVRANGE does.
func (c *cmdable) ZRevRange(key string, start, stop int64) ([]string, error) {
	return c.zrangeMembers(key, rankSpec(start, stop, true), nil)
}

// ZRevRangeWithScores is ZRevRange with the scores.
func (c *cmdable) ZRevRangeWithScores(key string, start, stop int64) ([]Z, error) {
	return c.zrangeZ(key, rankSpec(start, stop, true), nil)
}

// zrangeArgList builds the arguments ZRANGE would get for z, after the key.
func zrangeArgList(z ZRangeArgs, withScores bool) ([]string, error) {
	lo, hi := z.Start, z.Stop
	if z.Rev && (z.ByScore || z.ByLex) {
		lo, hi = hi, lo
	}
	args, err := appendArgs(make([]string, 0, 8), []any{lo, hi})
	if err != nil {
		return nil, err
	}
	switch {
	case z.ByScore:
		args = append(args, "BYSCORE")
	case z.ByLex:
		args = append(args, "BYLEX")
	}
	if z.Rev {
		args = append(args, "REV")
	}
	if z.Offset != 0 || z.Count != 0 {
		args = append(args, "LIMIT", strconv.FormatInt(z.Offset, 10), strconv.FormatInt(z.Count, 10))
	}
	if withScores {
		args = append(args, "WITHSCORES")
	}
	return args, nil
}

// ZRangeArgs is ZRANGE with all its options (see ZRangeArgs the type).
func (c *cmdable) ZRangeArgs(z ZRangeArgs) ([]string, error) {
	sp, err := z.spec(false)
	return c.zrangeMembers(z.Key, &sp, err)
}

// spec parses z as ZRANGE would parse the arguments go-redis sends for it.
func (z ZRangeArgs) spec(withScores bool) (zrangeSpec, error) {
	args, err := zrangeArgList(z, withScores)
	if err != nil {
		return zrangeSpec{}, err
	}
	return parseZRange(args, 0, zDirAuto, false)
}

// ZRangeArgsWithScores is ZRangeArgs with the scores; ByLex with scores
// fails with ErrZRangeLexScores, as in Redis.
func (c *cmdable) ZRangeArgsWithScores(z ZRangeArgs) ([]Z, error) {
	sp, err := z.spec(true)
	return c.zrangeZ(z.Key, &sp, err)
}

// ZRangeStore stores the range z selects (z.Key is the source) at dst and
// returns its size, as ZRANGESTORE does; an empty range deletes dst.
func (c *cmdable) ZRangeStore(dst string, z ZRangeArgs) (int64, error) {
	args, err := zrangeArgList(z, false)
	if err != nil {
		return 0, err
	}
	sp, err := parseZRange(args, 0, zDirAuto, true)
	if err != nil {
		return 0, err
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.zrangestore(dst, z.Key, &sp)
}

// rangeBySpec is the range of ZRANGEBYSCORE (by zByScore) or ZRANGEBYLEX
// (zByLex) for opt, as go-redis sends it: LIMIT when Offset or Count is
// not zero.
func rangeBySpec(by int, opt ZRangeBy, rev bool) (zrangeSpec, error) {
	sp := zrangeSpec{by: by, rev: rev, limit: -1}
	if opt.Offset != 0 || opt.Count != 0 {
		sp.offset, sp.limit = opt.Offset, opt.Count
	}
	var ok bool
	if by == zByScore {
		if sp.score, ok = parseScoreRange(opt.Min, opt.Max); !ok {
			return sp, ErrZMinMaxNotFloat
		}
	} else if sp.lex, ok = parseLexRange(opt.Min, opt.Max); !ok {
		return sp, ErrZLexRange
	}
	return sp, nil
}

// ZRangeByScore returns the members of the sorted set at key with a score
// between opt.Min and opt.Max, lowest first, as ZRANGEBYSCORE does.
func (c *cmdable) ZRangeByScore(key string, opt ZRangeBy) ([]string, error) {
	sp, err := rangeBySpec(zByScore, opt, false)
	return c.zrangeMembers(key, &sp, err)
}

// ZRangeByScoreWithScores is ZRangeByScore with the scores.
func (c *cmdable) ZRangeByScoreWithScores(key string, opt ZRangeBy) ([]Z, error) {
	sp, err := rangeBySpec(zByScore, opt, false)
	return c.zrangeZ(key, &sp, err)
}

// ZRevRangeByScore is ZRangeByScore highest first, as ZREVRANGEBYSCORE
// does.
func (c *cmdable) ZRevRangeByScore(key string, opt ZRangeBy) ([]string, error) {
	sp, err := rangeBySpec(zByScore, opt, true)
	return c.zrangeMembers(key, &sp, err)
}

// ZRevRangeByScoreWithScores is ZRevRangeByScore with the scores.
func (c *cmdable) ZRevRangeByScoreWithScores(key string, opt ZRangeBy) ([]Z, error) {
	sp, err := rangeBySpec(zByScore, opt, true)
	return c.zrangeZ(key, &sp, err)
}

// ZRangeByLex returns the members of the sorted set at key between opt.Min
// and opt.Max in bytewise order, as ZRANGEBYLEX does (meant for sets whose
// members all have the same score).
func (c *cmdable) ZRangeByLex(key string, opt ZRangeBy) ([]string, error) {
	sp, err := rangeBySpec(zByLex, opt, false)
	return c.zrangeMembers(key, &sp, err)
}

// ZRevRangeByLex is ZRangeByLex in reverse order (ZREVRANGEBYLEX).
func (c *cmdable) ZRevRangeByLex(key string, opt ZRangeBy) ([]string, error) {
	sp, err := rangeBySpec(zByLex, opt, true)
	return c.zrangeMembers(key, &sp, err)
}

// ZCount returns how many members of the sorted set at key have a score
// between min and max ("-inf", "(1", "2.5", ...), as ZCOUNT does.
func (c *cmdable) ZCount(key, min, max string) (int64, error) {
	r, ok := parseScoreRange(min, max)
	if !ok {
		return 0, ErrZMinMaxNotFloat
	}
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.zcount(key, r)
}

// ZLexCount returns how many members of the sorted set at key lie between
// min and max ("[a", "(b", "-", "+"), as ZLEXCOUNT does.
func (c *cmdable) ZLexCount(key, min, max string) (int64, error) {
	r, ok := parseLexRange(min, max)
	if !ok {
		return 0, ErrZLexRange
	}
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.zlexcount(key, r)
}

func (c *cmdable) zremrangeTyped(key string, sp zrangeSpec, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.zremrange(key, &sp)
}

// ZRemRangeByRank removes the members of the sorted set at key from rank
// start to rank stop (inclusive; negative ranks count from the end) and
// returns how many, as ZREMRANGEBYRANK does.
func (c *cmdable) ZRemRangeByRank(key string, start, stop int64) (int64, error) {
	return c.zremrangeTyped(key, zrangeSpec{by: zByRank, start: start, stop: stop}, nil)
}

// ZRemRangeByScore removes the members with a score between min and max and
// returns how many, as ZREMRANGEBYSCORE does.
func (c *cmdable) ZRemRangeByScore(key, min, max string) (int64, error) {
	sp, err := parseZRemRange(zByScore, min, max)
	return c.zremrangeTyped(key, sp, err)
}

// ZRemRangeByLex removes the members between min and max in bytewise order
// and returns how many, as ZREMRANGEBYLEX does.
func (c *cmdable) ZRemRangeByLex(key, min, max string) (int64, error) {
	sp, err := parseZRemRange(zByLex, min, max)
	return c.zremrangeTyped(key, sp, err)
}
