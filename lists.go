package racefree

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/racefree/racefree/types"
)

// The list commands: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LRANGE,
// LINDEX, LINSERT, LLEN, LMOVE, RPOPLPUSH, LPOS, LREM, LSET, LTRIM, LMPOP and
// the blocking BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP. A list lives in
// entry.val as a *types.List; a list whose last element goes is deleted with
// it.
//
// The blocking commands first try to serve at once, exactly as their
// non-blocking forms. When none of their keys holds a list they register a
// waiter (see blocking.go) whose serve function pops under the lock when a
// command creates one of the keys; waiters of a key are served in the order
// they blocked. Inside Update, View or a script they never wait: they answer
// as for a timeout at once, as inside MULTI.

// Side is an end of a list, for LMove, LMPop and their blocking forms: Left
// is the head (where LPUSH adds), Right the tail. Any case is accepted;
// another value fails with ErrSyntax.
type Side string

// The two ends of a list.
const (
	Left  Side = "LEFT"
	Right Side = "RIGHT"
)

// left reports whether s is Left, or fails with ErrSyntax when s is neither
// side.
func (s Side) left() (bool, error) { return listSideArg(string(s)) }

// listSideArg parses LEFT or RIGHT, in any case.
func listSideArg(s string) (left bool, err error) {
	switch {
	case strings.EqualFold(s, "left"):
		return true, nil
	case strings.EqualFold(s, "right"):
		return false, nil
	}
	return false, ErrSyntax
}

// LPosArgs holds LPOS's options. The zero value searches the whole list for
// the first match from the head.
type LPosArgs struct {
	// Rank picks the Rank-th match: 1 (or 0, the default) is the first, 2 the
	// second ...; a negative rank counts matches from the tail, -1 being the
	// last. Unlike Redis, where RANK 0 is an error, 0 means 1.
	Rank int64
	// MaxLen, when positive, limits the search to the first MaxLen elements
	// looked at (from the end the search starts at); 0 looks at all of them.
	// A negative MaxLen fails with ErrLPosMaxLen.
	MaxLen int64
}

// ---- implementations (the caller holds the store lock) ----

// listRead returns key's list, nil if the key does not exist, ErrWrongType
// if it holds another type.
func (d *db) listRead(key string) (*types.List, error) {
	e, err := d.lookupType(key, typeList)
	if e == nil || err != nil {
		return nil, err
	}
	return e.list(), nil
}

// listDrained publishes the keyspace event of the change to key's list
// (none if event is ""), then deletes key, whose entry is e, if its list is
// now empty.
func (d *db) listDrained(key string, e *entry, event string) {
	if event != "" {
		d.notify(notifyList, event, key)
	}
	if e.list().Len() == 0 {
		d.remove(key, e)
		d.notify(notifyGeneric, "del", key)
	}
}

// popEvent is the keyspace event of a pop from the head (left) or the tail.
func popEvent(left bool) string {
	if left {
		return "lpop"
	}
	return "rpop"
}

// pushEvent is the keyspace event of a push at the head (left) or the tail.
func pushEvent(left bool) string {
	if left {
		return "lpush"
	}
	return "rpush"
}

// push adds values to key's list, one after the other at the head (left)
// or the tail, and returns the new length. It creates the list unless
// onlyExisting (LPUSHX, RPUSHX), in which case a missing key gets nothing and
// 0. values is not empty.
func (d *db) push(key string, values []string, left, onlyExisting bool) (int64, error) {
	e, err := d.lookupType(key, typeList)
	if err != nil {
		return 0, err
	}
	var l *types.List
	if e != nil {
		l = e.list()
	} else {
		if onlyExisting {
			return 0, nil
		}
		l = types.NewListSize(len(values))
		l.SetFill(d.s.limits.ListMaxListpackSize)
		d.add(key, listEntry(l))
	}
	for _, v := range values {
		if left {
			l.PushFront(v)
		} else {
			l.PushBack(v)
		}
	}
	d.modified(key)
	d.notify(notifyList, pushEvent(left), key)
	return int64(l.Len()), nil
}

// popEntry pops one element of the list in e, which is key's, from the head
// (left) or the tail, and deletes the key if that was the last.
func (d *db) popEntry(key string, e *entry, left bool) string {
	l := e.list()
	var v string
	if left {
		v, _ = l.PopFront()
	} else {
		v, _ = l.PopBack()
	}
	d.listDrained(key, e, popEvent(left))
	d.modified(key)
	return v
}

// pop pops one element of key's list from the head (left) or the tail, as
// LPOP and RPOP without a count do.
func (d *db) pop(key string, left bool) (string, bool, error) {
	e, err := d.lookupType(key, typeList)
	if e == nil {
		return "", false, err
	}
	return d.popEntry(key, e, left), true, nil
}

// popCountEntry pops up to count elements of the list in e, which is key's,
// from the head (left) or the tail, in the order they are popped, and
// deletes the key if it took them all.
func (d *db) popCountEntry(key string, e *entry, left bool, count int64) []string {
	l := e.list()
	n := int(min(count, int64(l.Len())))
	var out []string
	if left {
		out = l.AppendRange(make([]string, 0, n), 0, n-1, false)
		l.DropFront(n)
	} else {
		out = l.AppendRange(make([]string, 0, n), l.Len()-n, l.Len()-1, true)
		l.DropBack(n)
	}
	d.listDrained(key, e, popEvent(left))
	d.modified(key)
	return out
}

// popCount pops up to count (>= 0) elements of key's list, as LPOP and RPOP
// with a count do. It returns nil when the key does not exist (Redis's nil
// array) and an empty slice when count is 0.
func (d *db) popCount(key string, left bool, count int64) ([]string, error) {
	e, err := d.lookupType(key, typeList)
	if e == nil {
		return nil, err
	}
	if count == 0 {
		return []string{}, nil
	}
	return d.popCountEntry(key, e, left, count), nil
}

// firstList returns the first of keys that holds a list, with its entry; key
// is "" if none does. A key of another type met before fails the whole
// call with ErrWrongType, as in Redis.
func (d *db) firstList(keys []string) (string, *entry, error) {
	for _, k := range keys {
		e, err := d.lookupType(k, typeList)
		if err != nil {
			return "", nil, err
		}
		if e != nil {
			return k, e, nil
		}
	}
	return "", nil, nil
}

// mpop pops up to count (> 0) elements from the first of keys that holds a
// list, as LMPOP does. key is "" if none does.
func (d *db) mpop(keys []string, left bool, count int64) (key string, values []string, err error) {
	key, e, err := d.firstList(keys)
	if e == nil {
		return "", nil, err
	}
	return key, d.popCountEntry(key, e, left, count), nil
}

// listRange turns LRANGE's start and stop (negative ones count from the
// end) into positions within a list of n elements; ok is false when the
// range is empty.
func listRange(n, start, stop int64) (from, to int, ok bool) {
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	if start > stop || start >= n {
		return 0, 0, false
	}
	stop = min(stop, n-1)
	return int(start), int(stop), true
}

// listIndex turns an index (negative ones count from the end) into a
// position within a list of n elements; ok is false when it is outside.
func listIndex(n, index int64) (int, bool) {
	if index < 0 {
		index += n
	}
	if index < 0 || index >= n {
		return 0, false
	}
	return int(index), true
}

// lrange returns elements start to stop of key's list, as LRANGE does.
func (d *db) lrange(key string, start, stop int64) ([]string, error) {
	l, err := d.listRead(key)
	if l == nil {
		return []string{}, err
	}
	from, to, ok := listRange(int64(l.Len()), start, stop)
	if !ok {
		return []string{}, nil
	}
	return l.AppendRange(make([]string, 0, to-from+1), from, to, false), nil
}

// lindex returns element index of key's list, as LINDEX does. indexErr is
// the error of parsing the index, which Redis reports only once it found
// the list.
func (d *db) lindex(key string, index int64, indexErr error) (string, bool, error) {
	l, err := d.listRead(key)
	if l == nil {
		return "", false, err
	}
	if indexErr != nil {
		return "", false, indexErr
	}
	i, ok := listIndex(int64(l.Len()), index)
	if !ok {
		return "", false, nil
	}
	return l.At(i), true, nil
}

// lset replaces element index of key's list, as LSET does. indexErr is the
// error of parsing the index, which Redis reports only once it found the
// list.
func (d *db) lset(key string, index int64, indexErr error, value string) error {
	l, err := d.listRead(key)
	switch {
	case err != nil:
		return err
	case l == nil:
		return ErrNoSuchKey
	case indexErr != nil:
		return indexErr
	}
	i, ok := listIndex(int64(l.Len()), index)
	if !ok {
		return ErrIndexOutOfRange
	}
	l.Set(i, value)
	d.modified(key)
	d.notify(notifyList, "lset", key)
	return nil
}

// linsert inserts value before (or after) the first element equal to pivot,
// as LINSERT does, and returns the new length; -1 if there is no such
// element, 0 if the key does not exist.
func (d *db) linsert(key string, before bool, pivot, value string) (int64, error) {
	l, err := d.listRead(key)
	if l == nil {
		return 0, err
	}
	for i := range l.Len() {
		if l.At(i) == pivot {
			if !before {
				i++
			}
			l.Insert(i, value)
			d.modified(key)
			d.notify(notifyList, "linsert", key)
			return int64(l.Len()), nil
		}
	}
	return -1, nil
}

// llen returns the length of key's list, 0 if it does not exist.
func (d *db) llen(key string) (int64, error) {
	l, err := d.listRead(key)
	if l == nil {
		return 0, err
	}
	return int64(l.Len()), nil
}

// lmove pops an element from one end of src's list and pushes it at one end
// of dst's list, as LMOVE does, and returns it; ok is false if src does not
// exist. src and dst may be the same list (a rotation). A dst of another
// type fails with ErrWrongType and changes nothing.
func (d *db) lmove(src, dst string, srcLeft, dstLeft bool) (string, bool, error) {
	se, err := d.lookupType(src, typeList)
	if se == nil {
		return "", false, err
	}
	de, err := d.lookupType(dst, typeList)
	if err != nil {
		return "", false, err
	}
	l := se.list()
	var v string
	if srcLeft {
		v, _ = l.PopFront()
	} else {
		v, _ = l.PopBack()
	}
	if de == nil {
		dl := types.NewList()
		dl.SetFill(d.s.limits.ListMaxListpackSize)
		de = listEntry(dl)
		d.add(dst, de)
	}
	if dl := de.list(); dstLeft {
		dl.PushFront(v)
	} else {
		dl.PushBack(v)
	}
	d.notify(notifyList, pushEvent(dstLeft), dst)
	d.listDrained(src, se, popEvent(srcLeft))
	d.modified(src)
	d.modified(dst)
	return v, true, nil
}

// lpos returns the positions of elements equal to value, as LPOS does:
// rank (not 0) picks where matching starts (negative: from the tail), count
// is how many positions to return (0: all; -1: COUNT was not given, at most
// one), maxlen (>= 0) how many elements to look at (0: all).
func (d *db) lpos(key, value string, rank, count, maxlen int64) ([]int64, error) {
	l, err := d.listRead(key)
	if l == nil {
		return nil, err
	}
	fromTail := rank < 0
	if fromTail {
		rank = -rank // math.MinInt64 stays negative: every match counts, as in Redis
	}
	n := l.Len()
	var out []int64
	var matches int64
	for i := 0; i < n && (maxlen == 0 || int64(i) < maxlen); i++ {
		p := i
		if fromTail {
			p = n - 1 - i
		}
		if l.At(p) != value {
			continue
		}
		matches++
		if matches < rank {
			continue
		}
		out = append(out, int64(p))
		if count == -1 || count != 0 && matches-rank+1 >= count {
			break
		}
	}
	return out, nil
}

// lrem removes elements equal to value, as LREM does (count > 0: the first
// count from the head; < 0: the last -count from the tail; 0: all), and
// returns how many it removed.
func (d *db) lrem(key string, count int64, value string) (int64, error) {
	e, err := d.lookupType(key, typeList)
	if e == nil {
		return 0, err
	}
	n := e.list().Remove(value, count)
	event := ""
	if n > 0 {
		event = "lrem"
	}
	d.listDrained(key, e, event)
	if n > 0 {
		d.modified(key)
	}
	return n, nil
}

// ltrim keeps only elements start to stop of key's list, as LTRIM does.
func (d *db) ltrim(key string, start, stop int64) error {
	e, err := d.lookupType(key, typeList)
	if e == nil {
		return err
	}
	l := e.list()
	from, to, ok := listRange(int64(l.Len()), start, stop)
	if !ok {
		d.remove(key, e)
		d.notify(notifyList, "ltrim", key)
		d.notify(notifyGeneric, "del", key)
		return nil
	}
	l.DropBack(l.Len() - 1 - to)
	l.DropFront(from)
	d.listDrained(key, e, "ltrim")
	d.modified(key) // even when nothing was trimmed, as in Redis
	return nil
}

// ---- blocking ----

// listWaiter builds the waiter of a blocking pop on keys of database
// dbIndex. take pops from key's list, which exists, and returns true; it
// is only called when key holds a list.
func listWaiter(dbIndex int, keys []string, take func(d *db, key string, e *entry) bool) *waiter {
	return &waiter{db: dbIndex, keys: slices.Clone(keys), serve: func(d *db, key string) bool {
		e := d.lookup(key)
		if e == nil || e.typ != typeList {
			return false
		}
		return take(d, key, e)
	}}
}

// bpopWaiter is the waiter of BLPOP, BRPOP and BLMPOP: count < 0 pops one
// element, as BLPOP does. done receives what was popped.
func bpopWaiter(dbIndex int, keys []string, left bool, count int64, done func(key string, values []string)) *waiter {
	return listWaiter(dbIndex, keys, func(d *db, key string, e *entry) bool {
		if count < 0 {
			done(key, []string{d.popEntry(key, e, left)})
		} else {
			done(key, d.popCountEntry(key, e, left, count))
		}
		return true
	})
}

// bmoveWaiter is the waiter of BLMOVE and BRPOPLPUSH. done receives the
// element moved, or the error that ended the wait (a destination of another
// type).
func bmoveWaiter(dbIndex int, src, dst string, srcLeft, dstLeft bool, done func(v string, err error)) *waiter {
	return listWaiter(dbIndex, []string{src}, func(d *db, key string, e *entry) bool {
		v, _, err := d.lmove(key, dst, srcLeft, dstLeft)
		done(v, err)
		return true
	})
}

// ---- handlers ----

func (c *call) pushReply(left, onlyExisting bool) {
	c.replyInt(c.db.push(c.args[1], c.args[2:], left, onlyExisting))
}

func cmdLPush(c *call) { c.pushReply(true, false) }

func cmdRPush(c *call) { c.pushReply(false, false) }

func cmdLPushX(c *call) { c.pushReply(true, true) }

func cmdRPushX(c *call) { c.pushReply(false, true) }

// writeStrings writes vs as an array of bulk strings.
func (c *call) writeStrings(vs []string) {
	c.w.Array(len(vs))
	for _, v := range vs {
		c.w.Bulk(v)
	}
}

func (c *call) popReply(left bool) {
	switch len(c.args) {
	case 2:
		v, ok, err := c.db.pop(c.args[1], left)
		if err != nil {
			c.fail(err)
			return
		}
		c.bulkOrNil(v, ok)
	case 3:
		count, ok := parseInt(c.args[2])
		if !ok || count < 0 {
			c.fail(ErrOutOfRangePositive)
			return
		}
		vs, err := c.db.popCount(c.args[1], left, count)
		switch {
		case err != nil:
			c.fail(err)
		case vs == nil:
			c.w.NullArray()
		default:
			c.writeStrings(vs)
		}
	default:
		name := "rpop"
		if left {
			name = "lpop"
		}
		c.fail(arityError(name))
	}
}

func cmdLPop(c *call) { c.popReply(true) }

func cmdRPop(c *call) { c.popReply(false) }

// intArgs parses the integer arguments at positions i and j.
func (c *call) intArgs(i, j int) (a, b int64, err error) {
	if a, err = intArg(c.args[i]); err == nil {
		b, err = intArg(c.args[j])
	}
	return a, b, err
}

func cmdLRange(c *call) {
	start, stop, err := c.intArgs(2, 3)
	if err != nil {
		c.fail(err)
		return
	}
	// Written straight from the list, without copying it first.
	l, err := c.db.listRead(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	if l == nil {
		c.w.Array(0)
		return
	}
	from, to, ok := listRange(int64(l.Len()), start, stop)
	if !ok {
		c.w.Array(0)
		return
	}
	c.w.Array(to - from + 1)
	for i := from; i <= to; i++ {
		c.w.Bulk(l.At(i))
	}
}

func cmdLIndex(c *call) {
	index, indexErr := intArg(c.args[2])
	v, ok, err := c.db.lindex(c.args[1], index, indexErr)
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkOrNil(v, ok)
}

func cmdLSet(c *call) {
	index, indexErr := intArg(c.args[2])
	if err := c.db.lset(c.args[1], index, indexErr, c.args[3]); err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

func cmdLInsert(c *call) {
	var before bool
	switch {
	case strings.EqualFold(c.args[2], "before"):
		before = true
	case strings.EqualFold(c.args[2], "after"):
	default:
		c.fail(ErrSyntax)
		return
	}
	c.replyInt(c.db.linsert(c.args[1], before, c.args[3], c.args[4]))
}

func cmdLLen(c *call) {
	c.replyInt(c.db.llen(c.args[1]))
}

func (c *call) lmoveReply(src, dst string, srcLeft, dstLeft bool) {
	v, ok, err := c.db.lmove(src, dst, srcLeft, dstLeft)
	if err != nil {
		c.fail(err)
		return
	}
	c.bulkOrNil(v, ok)
}

// listSides parses the two sides of LMOVE and BLMOVE at positions 3 and 4.
func (c *call) listSides() (srcLeft, dstLeft bool, err error) {
	if srcLeft, err = listSideArg(c.args[3]); err == nil {
		dstLeft, err = listSideArg(c.args[4])
	}
	return srcLeft, dstLeft, err
}

func cmdLMove(c *call) {
	srcLeft, dstLeft, err := c.listSides()
	if err != nil {
		c.fail(err)
		return
	}
	c.lmoveReply(c.args[1], c.args[2], srcLeft, dstLeft)
}

func cmdRPopLPush(c *call) { c.lmoveReply(c.args[1], c.args[2], false, true) }

// parseLPos parses LPOS's options; count is -1 when COUNT is not given.
func parseLPos(args []string) (rank, count, maxlen int64, err error) {
	rank, count = 1, -1
	for i := 0; i < len(args); i++ {
		if i+1 == len(args) {
			return 0, 0, 0, ErrSyntax
		}
		opt, arg := args[i], args[i+1]
		i++
		switch {
		case strings.EqualFold(opt, "rank"):
			if rank, err = intArg(arg); err != nil {
				return 0, 0, 0, err
			}
			if rank == 0 {
				return 0, 0, 0, ErrLPosRank
			}
		case strings.EqualFold(opt, "count"):
			n, ok := parseInt(arg)
			if !ok || n < 0 {
				return 0, 0, 0, ErrLPosCount
			}
			count = n
		case strings.EqualFold(opt, "maxlen"):
			n, ok := parseInt(arg)
			if !ok || n < 0 {
				return 0, 0, 0, ErrLPosMaxLen
			}
			maxlen = n
		default:
			return 0, 0, 0, ErrSyntax
		}
	}
	return rank, count, maxlen, nil
}

func cmdLPos(c *call) {
	rank, count, maxlen, err := parseLPos(c.args[3:])
	if err != nil {
		c.fail(err)
		return
	}
	pos, err := c.db.lpos(c.args[1], c.args[2], rank, count, maxlen)
	switch {
	case err != nil:
		c.fail(err)
	case count != -1:
		c.w.Array(len(pos))
		for _, p := range pos {
			c.w.Int(p)
		}
	case len(pos) == 0:
		c.w.NullBulk()
	default:
		c.w.Int(pos[0])
	}
}

func cmdLRem(c *call) {
	count, err := intArg(c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	c.replyInt(c.db.lrem(c.args[1], count, c.args[3]))
}

func cmdLTrim(c *call) {
	start, stop, err := c.intArgs(2, 3)
	if err == nil {
		err = c.db.ltrim(c.args[1], start, stop)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

// parseLMPop parses LMPOP's arguments from numkeys on: numkeys, the keys,
// LEFT or RIGHT, [COUNT count]. count is 1 when not given.
func parseLMPop(args []string) (keys []string, left bool, count int64, err error) {
	return parseMPop(args, "left", "right")
}

// mpopReply writes LMPOP's reply: the key and the elements popped, or the
// nil array when key is "".
func (c *call) mpopReply(key string, values []string) {
	if key == "" {
		c.w.NullArray()
		return
	}
	c.w.Array(2)
	c.w.Bulk(key)
	c.writeStrings(values)
}

func cmdLMPop(c *call) {
	keys, left, count, err := parseLMPop(c.args[1:])
	if err != nil {
		c.fail(err)
		return
	}
	key, values, err := c.db.mpop(keys, left, count)
	if err != nil {
		c.fail(err)
		return
	}
	c.mpopReply(key, values)
}

// bpopReply runs BLPOP and BRPOP.
func (c *call) bpopReply(left bool) {
	keys := c.args[1 : len(c.args)-1]
	timeout, err := blockTimeoutArg(c.args[len(c.args)-1])
	if err != nil {
		c.fail(err)
		return
	}
	key, e, err := c.db.firstList(keys)
	switch {
	case err != nil:
		c.fail(err)
	case e != nil:
		v := c.db.popEntry(key, e, left)
		c.w.Array(2)
		c.w.Bulk(key)
		c.w.Bulk(v)
	case !c.canBlock():
		c.w.NullArray()
	default:
		c.block(bpopWaiter(c.db.id, keys, left, -1, func(key string, values []string) {
			c.w.Array(2)
			c.w.Bulk(key)
			c.w.Bulk(values[0])
		}), timeout, c.w.NullArray)
	}
}

func cmdBLPop(c *call) { c.bpopReply(true) }

func cmdBRPop(c *call) { c.bpopReply(false) }

// bmoveReply runs BLMOVE and BRPOPLPUSH once their arguments are parsed.
func (c *call) bmoveReply(src, dst string, srcLeft, dstLeft bool, timeout time.Duration) {
	e, err := c.db.lookupType(src, typeList)
	switch {
	case err != nil:
		c.fail(err)
	case e != nil:
		c.lmoveReply(src, dst, srcLeft, dstLeft)
	case !c.canBlock():
		c.w.NullBulk()
	default:
		c.block(bmoveWaiter(c.db.id, src, dst, srcLeft, dstLeft, func(v string, err error) {
			if err != nil {
				c.fail(err)
				return
			}
			c.w.Bulk(v)
		}), timeout, c.w.NullArray) // as in Redis 7.0: a nil array on timeout, a nil bulk in MULTI
	}
}

func cmdBLMove(c *call) {
	srcLeft, dstLeft, err := c.listSides()
	if err != nil {
		c.fail(err)
		return
	}
	timeout, err := blockTimeoutArg(c.args[5])
	if err != nil {
		c.fail(err)
		return
	}
	c.bmoveReply(c.args[1], c.args[2], srcLeft, dstLeft, timeout)
}

func cmdBRPopLPush(c *call) {
	timeout, err := blockTimeoutArg(c.args[3])
	if err != nil {
		c.fail(err)
		return
	}
	c.bmoveReply(c.args[1], c.args[2], false, true, timeout)
}

func cmdBLMPop(c *call) {
	keys, left, count, err := parseLMPop(c.args[2:])
	if err != nil {
		c.fail(err)
		return
	}
	timeout, err := blockTimeoutArg(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	key, values, err := c.db.mpop(keys, left, count)
	switch {
	case err != nil:
		c.fail(err)
	case key != "":
		c.mpopReply(key, values)
	case !c.canBlock():
		c.w.NullArray()
	default:
		c.block(bpopWaiter(c.db.id, keys, left, count, c.mpopReply), timeout, c.w.NullArray)
	}
}

// ---- typed API ----

// LPush inserts values at the head of the list at key, one after the other
// (so the last ends up first), as LPUSH does, and returns the new length.
// It creates the list if needed and fails with ErrWrongType if key holds
// another type.
func (c *cmdable) LPush(key string, values ...string) (int64, error) {
	return c.pushTyped("lpush", key, values, true, false)
}

// RPush appends values to the tail of the list at key, as RPUSH does, and
// returns the new length. It creates the list if needed.
func (c *cmdable) RPush(key string, values ...string) (int64, error) {
	return c.pushTyped("rpush", key, values, false, false)
}

// LPushX is LPush only if the list exists, as LPUSHX does; it returns 0 and
// creates nothing when key does not exist.
func (c *cmdable) LPushX(key string, values ...string) (int64, error) {
	return c.pushTyped("lpushx", key, values, true, true)
}

// RPushX is RPush only if the list exists, as RPUSHX does; it returns 0 and
// creates nothing when key does not exist.
func (c *cmdable) RPushX(key string, values ...string) (int64, error) {
	return c.pushTyped("rpushx", key, values, false, true)
}

func (c *cmdable) pushTyped(name, key string, values []string, left, onlyExisting bool) (int64, error) {
	if len(values) == 0 {
		return 0, arityError(name)
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.push(key, values, left, onlyExisting)
}

// LPop removes and returns the first element of the list at key, as LPOP
// does; ok is false if the key does not exist. The key is deleted with its
// last element.
func (c *cmdable) LPop(key string) (value string, ok bool, err error) {
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.pop(key, true)
}

// RPop removes and returns the last element of the list at key, as RPOP
// does; ok is false if the key does not exist.
func (c *cmdable) RPop(key string) (value string, ok bool, err error) {
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.pop(key, false)
}

// LPopCount removes and returns up to count elements from the head of the
// list at key, as LPOP key count does. It returns nil if the key does not
// exist (Redis's nil reply) and an empty slice if count is 0; a negative
// count fails with ErrOutOfRangePositive.
func (c *cmdable) LPopCount(key string, count int64) ([]string, error) {
	return c.popCountTyped(key, true, count)
}

// RPopCount removes and returns up to count elements from the tail of the
// list at key, last first, as RPOP key count does; nil and empty as in
// LPopCount.
func (c *cmdable) RPopCount(key string, count int64) ([]string, error) {
	return c.popCountTyped(key, false, count)
}

func (c *cmdable) popCountTyped(key string, left bool, count int64) ([]string, error) {
	if count < 0 {
		return nil, ErrOutOfRangePositive
	}
	d, err := c.begin(true)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.popCount(key, left, count)
}

// LRange returns the elements start to stop (inclusive; negative indexes
// count from the tail, -1 being the last) of the list at key, as LRANGE
// does; empty if the key does not exist or the range is.
func (c *cmdable) LRange(key string, start, stop int64) ([]string, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.lrange(key, start, stop)
}

// LIndex returns element index (negative counts from the tail) of the list
// at key, as LINDEX does; ok is false if the key does not exist or the
// index is outside the list.
func (c *cmdable) LIndex(key string, index int64) (value string, ok bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.lindex(key, index, nil)
}

// LSet replaces element index (negative counts from the tail) of the list at
// key, as LSET does. It fails with ErrNoSuchKey if the key does not exist and
// ErrIndexOutOfRange if the index is outside the list.
func (c *cmdable) LSet(key string, index int64, value string) error {
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	return d.lset(key, index, nil, value)
}

// LInsert inserts value before or after the first element equal to pivot in
// the list at key, as LINSERT does: op is "BEFORE" or "AFTER", in any case
// (another value fails with ErrSyntax). It returns the new length, -1 if no
// element equals pivot and 0 if the key does not exist.
func (c *cmdable) LInsert(key, op, pivot, value string) (int64, error) {
	var before bool
	switch {
	case strings.EqualFold(op, "before"):
		before = true
	case strings.EqualFold(op, "after"):
	default:
		return 0, ErrSyntax
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.linsert(key, before, pivot, value)
}

// LInsertBefore is LInsert with op "BEFORE".
func (c *cmdable) LInsertBefore(key, pivot, value string) (int64, error) {
	return c.LInsert(key, "BEFORE", pivot, value)
}

// LInsertAfter is LInsert with op "AFTER".
func (c *cmdable) LInsertAfter(key, pivot, value string) (int64, error) {
	return c.LInsert(key, "AFTER", pivot, value)
}

// LLen returns the length of the list at key, as LLEN does; 0 if the key
// does not exist.
func (c *cmdable) LLen(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.llen(key)
}

// LMove pops an element from the srcSide end of the list at src and pushes
// it at the dstSide end of the list at dst, as LMOVE does, and returns it;
// ok is false (and nothing changes) if src does not exist. src and dst may
// be the same key, which rotates the list. A dst of another type fails
// with ErrWrongType and changes nothing.
func (c *cmdable) LMove(src, dst string, srcSide, dstSide Side) (value string, ok bool, err error) {
	srcLeft, err := srcSide.left()
	if err != nil {
		return "", false, err
	}
	dstLeft, err := dstSide.left()
	if err != nil {
		return "", false, err
	}
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	return d.lmove(src, dst, srcLeft, dstLeft)
}

// RPopLPush is LMove(src, dst, Right, Left), as the deprecated RPOPLPUSH.
func (c *cmdable) RPopLPush(src, dst string) (value string, ok bool, err error) {
	return c.LMove(src, dst, Right, Left)
}

// LPos returns the position (from the head, 0 first) of an element equal to
// value in the list at key, as LPOS does: the first match, or the one
// args.Rank picks; ok is false if there is none or the key does not exist.
func (c *cmdable) LPos(key, value string, args LPosArgs) (pos int64, ok bool, err error) {
	out, err := c.lposTyped(key, value, -1, args)
	if len(out) == 0 {
		return 0, false, err
	}
	return out[0], true, nil
}

// LPosCount is LPos returning up to count positions (0: all of them), as
// LPOS key value COUNT count does; empty if there is none. A negative count
// fails with ErrLPosCount.
func (c *cmdable) LPosCount(key, value string, count int64, args LPosArgs) ([]int64, error) {
	if count < 0 {
		return nil, ErrLPosCount
	}
	out, err := c.lposTyped(key, value, count, args)
	if out == nil && err == nil {
		out = []int64{}
	}
	return out, err
}

func (c *cmdable) lposTyped(key, value string, count int64, args LPosArgs) ([]int64, error) {
	if args.MaxLen < 0 {
		return nil, ErrLPosMaxLen
	}
	rank := args.Rank
	if rank == 0 {
		rank = 1
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.lpos(key, value, rank, count, args.MaxLen)
}

// LRem removes elements equal to value from the list at key, as LREM does:
// the first count of them from the head when count > 0, the last -count
// from the tail when count < 0, all of them when count is 0. It returns how
// many it removed.
func (c *cmdable) LRem(key string, count int64, value string) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.lrem(key, count, value)
}

// LTrim keeps only elements start to stop (inclusive; negative indexes
// count from the tail) of the list at key, as LTRIM does; the key is
// deleted when nothing is left. A missing key is not an error.
func (c *cmdable) LTrim(key string, start, stop int64) error {
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	return d.ltrim(key, start, stop)
}

// LMPop pops up to count elements from the side end of the first of keys
// that holds a list, as LMPOP does, and returns that key with the elements
// in the order they were popped; key is "" when none of keys exists. No keys
// fails with ErrNumKeys, a count below 1 with ErrCountPositive.
func (c *cmdable) LMPop(side Side, count int64, keys ...string) (key string, values []string, err error) {
	left, err := c.lmpopCheck(side, count, keys)
	if err != nil {
		return "", nil, err
	}
	d, err := c.begin(true)
	if err != nil {
		return "", nil, err
	}
	defer c.end()
	return d.mpop(keys, left, count)
}

func (c *cmdable) lmpopCheck(side Side, count int64, keys []string) (left bool, err error) {
	if len(keys) == 0 {
		return false, ErrNumKeys
	}
	if left, err = side.left(); err != nil {
		return false, err
	}
	if count < 1 {
		return false, ErrCountPositive
	}
	return left, nil
}

// BLPop pops the first element of the first of keys that holds a list, as
// BLPOP does, waiting up to timeout (0: without limit) for one of them to
// get elements; callers blocked on the same key are served in the order
// they blocked. ok is false when the timeout passed first; when ctx ends
// first BLPop returns ctx.Err(). Inside Update or View it does not wait, as
// BLPOP inside MULTI. A negative timeout fails with ErrTimeoutNegative.
func (c *cmdable) BLPop(ctx context.Context, timeout time.Duration, keys ...string) (key, value string, ok bool, err error) {
	return c.bpopTyped(ctx, "blpop", timeout, keys, true)
}

// BRPop is BLPop popping the last element, as BRPOP does.
func (c *cmdable) BRPop(ctx context.Context, timeout time.Duration, keys ...string) (key, value string, ok bool, err error) {
	return c.bpopTyped(ctx, "brpop", timeout, keys, false)
}

func (c *cmdable) bpopTyped(ctx context.Context, name string, timeout time.Duration, keys []string, left bool) (string, string, bool, error) {
	if len(keys) == 0 {
		return "", "", false, arityError(name)
	}
	key, value, _, err := c.blockingPop(ctx, timeout, keys, left, -1)
	return key, value, key != "", err
}

// BLMPop is LMPop waiting up to timeout (0: without limit) for one of keys
// to get elements, as BLMPOP does; key is "" when the timeout passed first.
// When ctx ends first it returns ctx.Err(). Inside Update or View it does
// not wait.
func (c *cmdable) BLMPop(ctx context.Context, timeout time.Duration, side Side, count int64, keys ...string) (key string, values []string, err error) {
	left, err := c.lmpopCheck(side, count, keys)
	if err != nil {
		return "", nil, err
	}
	key, _, values, err = c.blockingPop(ctx, timeout, keys, left, count)
	return key, values, err
}

// blockingPop is BLPOP, BRPOP and BLMPOP for the typed API: with count < 0
// it pops one element into value, otherwise up to count into values. key is
// "" when nothing was popped.
func (c *cmdable) blockingPop(ctx context.Context, timeout time.Duration, keys []string, left bool, count int64) (key, value string, values []string, err error) {
	if timeout < 0 {
		return "", "", nil, ErrTimeoutNegative
	}
	d, err := c.begin(true)
	if err != nil {
		return "", "", nil, err
	}
	key, e, err := d.firstList(keys)
	if err == nil && e == nil && c.tx == nil {
		return c.waitPop(ctx, d, timeout, keys, left, count) // releases the lock
	}
	switch {
	case e == nil: // an error, or nothing to take inside a transaction
	case count < 0:
		value = d.popEntry(key, e, left)
	default:
		values = d.popCountEntry(key, e, left, count)
	}
	c.end()
	return key, value, values, err
}

// waitPop is blockingPop once nothing could be taken: it blocks, releases
// the lock (taken by blockingPop) and waits.
func (c *cmdable) waitPop(ctx context.Context, d *db, timeout time.Duration, keys []string, left bool, count int64) (key, value string, values []string, err error) {
	w := bpopWaiter(d.id, keys, left, count, func(k string, vs []string) { key, values = k, vs })
	c.s.block(w)
	c.end()
	if !c.s.wait(ctx, w, timeout) {
		return "", "", nil, c.waitErr(ctx)
	}
	if count < 0 {
		value, values = values[0], nil
	}
	return key, value, values, nil
}

// waitErr is the error of a blocking call that was not served: ctx's, or
// ErrClosed when the Store closed, or nil for a timeout.
func (c *cmdable) waitErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-c.s.stop:
		return ErrClosed
	default:
		return nil
	}
}

// BLMove is LMove waiting up to timeout (0: without limit) for src to get
// elements, as BLMOVE does; ok is false when the timeout passed first. When
// ctx ends first it returns ctx.Err(). Inside Update or View it does not
// wait. If dst holds another type when an element arrives, BLMove fails with
// ErrWrongType and the element stays in src, as in Redis.
func (c *cmdable) BLMove(ctx context.Context, src, dst string, srcSide, dstSide Side, timeout time.Duration) (value string, ok bool, err error) {
	srcLeft, err := srcSide.left()
	if err != nil {
		return "", false, err
	}
	dstLeft, err := dstSide.left()
	if err != nil {
		return "", false, err
	}
	if timeout < 0 {
		return "", false, ErrTimeoutNegative
	}
	d, err := c.begin(true)
	if err != nil {
		return "", false, err
	}
	e, err := d.lookupType(src, typeList)
	if err == nil && e == nil && c.tx == nil {
		return c.waitMove(ctx, d, src, dst, srcLeft, dstLeft, timeout) // releases the lock
	}
	if e != nil {
		value, ok, err = d.lmove(src, dst, srcLeft, dstLeft)
	}
	c.end()
	return value, ok, err
}

// waitMove is BLMove once src turned out empty: it blocks, releases the
// lock (taken by BLMove) and waits.
func (c *cmdable) waitMove(ctx context.Context, d *db, src, dst string, srcLeft, dstLeft bool, timeout time.Duration) (value string, ok bool, err error) {
	w := bmoveWaiter(d.id, src, dst, srcLeft, dstLeft, func(v string, e error) { value, err = v, e })
	c.s.block(w)
	c.end()
	if c.s.wait(ctx, w, timeout) {
		return value, err == nil, err
	}
	return "", false, c.waitErr(ctx)
}

// BRPopLPush is BLMove(ctx, src, dst, Right, Left, timeout), as the
// deprecated BRPOPLPUSH.
func (c *cmdable) BRPopLPush(ctx context.Context, src, dst string, timeout time.Duration) (value string, ok bool, err error) {
	return c.BLMove(ctx, src, dst, Right, Left, timeout)
}
