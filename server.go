package racefree

import (
	"strconv"
	"strings"
	"time"
)

// Ping returns "PONG", or msg when one is given, as PING does.
func (c *cmdable) Ping(msg ...string) (string, error) {
	if len(msg) > 1 {
		return "", arityError("ping")
	}
	if _, err := c.begin(false); err != nil {
		return "", err
	}
	c.end()
	if len(msg) == 1 {
		return msg[0], nil
	}
	return "PONG", nil
}

func cmdPing(c *call) {
	if pingSubscribed(c) {
		return
	}
	switch len(c.args) {
	case 1:
		c.w.Status("PONG")
	case 2:
		c.w.Bulk(c.args[1])
	default:
		c.fail(arityError("ping"))
	}
}

func cmdEcho(c *call) { c.w.Bulk(c.args[1]) }

// Time returns the store's time, as TIME does (to the microsecond).
func (c *cmdable) Time() (time.Time, error) {
	if _, err := c.begin(false); err != nil {
		return time.Time{}, err
	}
	defer c.end()
	return c.s.nowTime().Truncate(time.Microsecond), nil
}

func cmdTime(c *call) {
	t := c.s.nowTime()
	c.w.Array(2)
	c.w.Bulk(strconv.FormatInt(t.Unix(), 10))
	c.w.Bulk(strconv.FormatInt(int64(t.Nanosecond()/1000), 10))
}

// DBSize returns the number of keys in the database, as DBSIZE does.
//
// Unlike Redis, which counts keys whose deadline has passed until they are
// reclaimed, DBSize never counts an expired key.
func (c *cmdable) DBSize() (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.size(), nil
}

func (d *db) size() int64 {
	d.purge()
	return int64(len(d.keys))
}

func cmdDBSize(c *call) { c.w.Int(c.db.size()) }

// FlushDB deletes every key of the database, as FLUSHDB does.
func (c *cmdable) FlushDB() error {
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	d.flush()
	return nil
}

// FlushAll deletes every key of every database, as FLUSHALL does.
func (c *cmdable) FlushAll() error {
	if _, err := c.begin(true); err != nil {
		return err
	}
	defer c.end()
	c.s.flushAll()
	return nil
}

func (s *Store) flushAll() {
	for _, d := range s.dbs {
		d.flush()
	}
}

// flushMode checks FLUSHDB's and FLUSHALL's optional SYNC or ASYNC. Both
// flush at once here: there is nothing to free in the background.
func flushMode(c *call) bool {
	if len(c.args) > 2 || len(c.args) == 2 && !strings.EqualFold(c.args[1], "sync") && !strings.EqualFold(c.args[1], "async") {
		c.fail(ErrSyntax)
		return false
	}
	return true
}

func cmdFlushDB(c *call) {
	if flushMode(c) {
		c.db.flush()
		c.ok()
	}
}

func cmdFlushAll(c *call) {
	if flushMode(c) {
		c.s.flushAll()
		c.ok()
	}
}

// dbArg parses a database number argument.
func (s *Store) dbArg(arg string) (*db, error) {
	n, ok := parseInt(arg)
	switch {
	case !ok:
		return nil, ErrNotInteger
	case n < -(1<<31) || n > 1<<31-1:
		return nil, ErrIntRange
	}
	if n < 0 || n >= int64(len(s.dbs)) {
		return nil, ErrDBIndex
	}
	return s.dbs[n], nil
}

func cmdSelect(c *call) {
	d, err := c.s.dbArg(c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	c.db = d
	c.ok()
}

// SwapDB swaps the contents of databases a and b, as SWAPDB does: every
// handle on a sees what was in b and the other way round.
func (c *cmdable) SwapDB(a, b int) error {
	if _, err := c.begin(true); err != nil {
		return err
	}
	defer c.end()
	if a < 0 || b < 0 || a >= len(c.s.dbs) || b >= len(c.s.dbs) {
		return ErrDBIndex
	}
	c.s.swapDB(a, b)
	return nil
}

func (s *Store) swapDB(a, b int) {
	da, db := s.dbs[a], s.dbs[b]
	if a != b { // WATCH stays with the database number, as in Redis
		da.touchAllWatched(db)
		db.touchAllWatched(da)
	}
	da.keys, db.keys = db.keys, da.keys
	da.expires, db.expires = db.expires, da.expires
	// Callers blocked on a key of either database may now find it filled.
	for bk := range s.waiters {
		if bk.db == a || bk.db == b {
			s.dbs[bk.db].signalReady(bk.key)
		}
	}
}

func cmdSwapDB(c *call) {
	a, okA := parseInt(c.args[1])
	if !okA || a < -(1<<31) || a > 1<<31-1 {
		c.fail(errorf(ErrInvalidDBIndex, "ERR invalid first DB index"))
		return
	}
	b, okB := parseInt(c.args[2])
	if !okB || b < -(1<<31) || b > 1<<31-1 {
		c.fail(errorf(ErrInvalidDBIndex, "ERR invalid second DB index"))
		return
	}
	if a < 0 || b < 0 || a >= int64(len(c.s.dbs)) || b >= int64(len(c.s.dbs)) {
		c.fail(ErrDBIndex)
		return
	}
	c.s.swapDB(int(a), int(b))
	c.ok()
}
