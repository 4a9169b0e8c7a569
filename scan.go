package racefree

import (
	"strconv"
	"strings"
)

// scanArgs are the options of SCAN, HSCAN, SSCAN and ZSCAN.
type scanArgs struct {
	match string // "*" for all
	count int64  // how much work one call does, 10 by default
	typ   string // SCAN's TYPE; "" for any
}

// parseScanArgs reads the options that follow the cursor, as Redis does: in
// pairs, in any order, the last of each kind winning; TYPE only for SCAN
// (withType).
func parseScanArgs(args []string, withType bool) (scanArgs, error) {
	a := scanArgs{match: "*", count: 10}
	for i := 0; i < len(args); i += 2 {
		more := i+1 < len(args)
		switch {
		case more && strings.EqualFold(args[i], "count"):
			n, ok := parseInt(args[i+1])
			if !ok {
				return a, ErrNotInteger
			}
			if n < 1 {
				return a, ErrSyntax
			}
			a.count = n
		case more && strings.EqualFold(args[i], "match"):
			a.match = args[i+1]
		case more && withType && strings.EqualFold(args[i], "type"):
			a.typ = args[i+1]
			if a.typ == "" {
				a.typ = "\x00" // matches no type, as in Redis
			}
		default:
			return a, ErrSyntax
		}
	}
	return a, nil
}

// scanReply writes a SCAN-family reply: the next cursor, then the elements.
func (c *call) scanReply(elems []string, next uint64) {
	c.w.Array(2)
	c.w.Bulk(strconv.FormatUint(next, 10))
	c.w.Array(len(elems))
	for _, s := range elems {
		c.w.Bulk(s)
	}
}

// containerScan is HSCAN, SSCAN and ZSCAN: the cursor, then the key (a
// missing one answers before the options are read, as in Redis), then the
// options, then the scan of the container that read returns.
func containerScan[T comparable](c *call, read func(*db, string) (T, error), scan func(T, uint64, string, int64) ([]string, uint64)) {
	cursor, ok := parseScanCursor(c.args[2])
	if !ok {
		c.fail(ErrInvalidCursor)
		return
	}
	v, err := read(c.db, c.args[1])
	if err != nil {
		c.fail(err)
		return
	}
	var missing T
	if v == missing {
		c.scanReply(nil, 0)
		return
	}
	a, err := parseScanArgs(c.args[3:], false)
	if err != nil {
		c.fail(err)
		return
	}
	c.scanReply(scan(v, cursor, a.match, a.count))
}

// typedScan is the typed HScan, SScan and ZScan: go-redis's conventions (an
// empty match is everything, a count of 0 or less is 10), then the scan of
// the container read returns; a missing key gives an empty page and cursor 0.
func typedScan[T comparable](c *cmdable, key string, cursor uint64, match string, count int64,
	read func(*db, string) (T, error), scan func(T, uint64, string, int64) ([]string, uint64)) ([]string, uint64, error) {
	if count <= 0 {
		count = 10
	}
	if match == "" {
		match = "*"
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, 0, err
	}
	defer c.end()
	v, err := read(d, key)
	var missing T
	if v == missing {
		return []string{}, 0, err
	}
	elems, next := scan(v, cursor, match, count)
	return elems, next, nil
}
