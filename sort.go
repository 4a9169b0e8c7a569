package racefree

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"github.com/racefree/racefree/types"
)

// SORT and SORT_RO: the elements of a list, set or sorted set, sorted
// numerically or (ALPHA) as strings, optionally by the values of other keys
// (BY), a range of them (LIMIT), with the values of other keys in their
// place (GET), and with STORE the result kept as a list.
//
// Redis's own details are reproduced because they show in the replies:
// equal elements keep their original order (Redis sorts with glibc's
// qsort, a stable merge sort), except with BY and a LIMIT, where Redis uses
// a partial quicksort whose order for equal elements is reproduced too; ALPHA
// compares as strcmp does in the C locale (a string ends at its first NUL
// byte) unless STORE is given, which compares whole strings; a sorted set
// that SORT reads is converted to the skiplist encoding for good.

// SortArgs are SORT's options, as go-redis names them.
type SortArgs struct {
	// By is a pattern: the first '*' is replaced with each element to name
	// the key whose value (or hash field, with "key->field") the elements
	// are sorted by. A pattern without '*' (such as "nosort") skips the
	// sorting: the elements keep their order (a set's, a list's or a
	// sorted set's, reversed by DESC for the last two).
	By string
	// Offset and Count select a range of the sorted elements, as LIMIT
	// offset count does, when either is non-zero. A negative Count means
	// up to the end.
	Offset, Count int64
	// Get lists patterns whose values replace each element in the result,
	// as GET does: "#" is the element itself, a pattern as for By names a
	// string key or a hash field. A value that does not exist is "" in the
	// result of Sort.
	Get []string
	// Order is SortAsc (also "") or SortDesc.
	Order string
	// Alpha sorts as strings instead of numbers.
	Alpha bool
}

// Values of SortArgs.Order.
const (
	SortAsc  = "ASC"
	SortDesc = "DESC"
)

// sortOpts is a parsed SORT command.
type sortOpts struct {
	by       string
	hasBy    bool
	limStart int64
	limCount int64 // -1: to the end
	gets     []string
	desc     bool
	alpha    bool
	store    string
	hasStore bool
	inScript bool // SORT from a script: a set is always sorted
}

// sortItem is one element to sort and what it sorts by.
type sortItem struct {
	elem  string
	score float64
	by    string // the BY value, for ALPHA
	hasBy bool
	pos   int // position before sorting
}

// parseSort parses SORT's options (args[2:]). readOnly is SORT_RO, where
// STORE is not an option.
func parseSort(args []string, readOnly bool) (*sortOpts, error) {
	o := &sortOpts{limCount: -1}
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		switch a := args[j]; {
		case strings.EqualFold(a, "asc"):
			o.desc = false
		case strings.EqualFold(a, "desc"):
			o.desc = true
		case strings.EqualFold(a, "alpha"):
			o.alpha = true
		case strings.EqualFold(a, "limit") && left >= 2:
			start, ok1 := parseInt(args[j+1])
			count, ok2 := parseInt(args[j+2])
			if !ok1 || !ok2 {
				return nil, ErrNotInteger
			}
			o.limStart, o.limCount = start, count
			j += 2
		case !readOnly && strings.EqualFold(a, "store") && left >= 1:
			o.store, o.hasStore = args[j+1], true
			j++
		case strings.EqualFold(a, "by") && left >= 1:
			o.by, o.hasBy = args[j+1], true
			j++
		case strings.EqualFold(a, "get") && left >= 1:
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			return nil, ErrSyntax
		}
	}
	return o, nil
}

// optsFromArgs turns the typed API's SortArgs into sortOpts.
func optsFromArgs(a *SortArgs) (*sortOpts, error) {
	o := &sortOpts{limCount: -1, alpha: a.Alpha, gets: a.Get}
	switch {
	case a.Order == "" || strings.EqualFold(a.Order, SortAsc):
	case strings.EqualFold(a.Order, SortDesc):
		o.desc = true
	default:
		return nil, ErrSyntax
	}
	if a.By != "" {
		o.by, o.hasBy = a.By, true
	}
	if a.Offset != 0 || a.Count != 0 {
		o.limStart, o.limCount = a.Offset, a.Count
	}
	return o, nil
}

// sortLookup returns the value pattern names for the element subst, as
// Redis's lookupKeyByPattern does: "#" is subst itself; otherwise the first
// '*' is replaced with subst to make a key name, which must hold a string,
// or, when "->field" follows the '*', a hash with that field. A pattern
// without '*' names nothing.
func (d *db) sortLookup(pattern, subst string) (string, bool) {
	cpat := cString(pattern)
	if cpat == "#" {
		return subst, true
	}
	star := strings.IndexByte(cpat, '*')
	if star < 0 {
		return "", false
	}
	postfix, field := pattern[star+1:], ""
	if f := strings.Index(cString(postfix), "->"); f >= 0 && f+2 < len(cString(postfix)) {
		postfix, field = postfix[:f], postfix[f+2:]
	}
	e := d.lookup(pattern[:star] + subst + postfix)
	if e == nil {
		return "", false
	}
	if field != "" {
		if e.typ != typeHash {
			return "", false
		}
		return e.hash().Get(field)
	}
	if e.typ != typeString {
		return "", false
	}
	return e.str(), true
}

// sortScore reads s as a number as SORT does (C's strtod on the whole
// string): leading white space and an empty string (0) are accepted, NaN
// and values that overflow, or underflow with a loss of precision, are not.
func sortScore(s string) (float64, bool) {
	s = cString(s) // strtod stops at a NUL byte
	if s == "" {
		return 0, true
	}
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" || !validStrtod(t) {
		return 0, false
	}
	f, err := strconv.ParseFloat(hexWithExponent(t), 64)
	if err != nil {
		return 0, false
	}
	if math.Abs(f) < 0x1p-1022 && !exactTiny(t) {
		return 0, false // ERANGE: underflow with a loss of precision
	}
	return f, true
}

// exactTiny reports whether the number s, whose value is below the smallest
// normal double, is exactly a double (then strtod does not report an
// underflow).
func exactTiny(s string) bool {
	b, _, err := big.ParseFloat(strings.TrimPrefix(hexWithExponent(s), "+"), 0, 2048, big.ToNearestEven)
	if err != nil || b.Acc() != big.Exact {
		return false
	}
	_, acc := b.Float64()
	return acc == big.Exact
}

// sortLimits computes the range of the sorted vector SORT outputs, start to
// end inclusive (end < start when it outputs nothing), from LIMIT's values
// and the vector's length, as Redis does.
func sortLimits(limStart, limCount int64, n int) (start, end int) {
	ln := int64(n)
	s := min(max(limStart, 0), ln)
	c := min(max(limCount, -1), ln)
	e := ln - 1
	if c >= 0 {
		e = s + c - 1
	}
	if s >= ln {
		s, e = ln-1, ln-2
	}
	if e >= ln {
		e = ln - 1
	}
	return int(s), int(e)
}

// sortRun runs SORT on key: it returns the sorted elements and the range
// of them to output.
func (d *db) sortRun(key string, o *sortOpts) (items []sortItem, start, end int, err error) {
	e := d.lookup(key)
	if e != nil && e.typ != typeList && e.typ != typeSet && e.typ != typeZSet {
		return nil, 0, 0, ErrWrongType
	}
	dontSort := o.hasBy && strings.IndexByte(cString(o.by), '*') < 0
	alpha, sortBy := o.alpha, o.hasBy
	if dontSort && e != nil && e.typ == typeSet && (o.hasStore || o.inScript) {
		// A set has no order of its own: make the result deterministic.
		dontSort, alpha, sortBy = false, true, false
	}
	if e != nil && e.typ == typeZSet {
		e.val = unsafe.Pointer(skiplistZSet(e.zset(), &d.s.limits))
	}

	var n int
	if e != nil {
		n = e.container().Len()
	}
	start, end = sortLimits(o.limStart, o.limCount, n)

	switch {
	case e == nil:
	case e.typ == typeList && dontSort:
		if end >= start {
			items = listSortItems(e, start, end, o.desc)
			end, start = end-start, 0
		}
	case e.typ == typeList:
		items = listSortItems(e, 0, n-1, false)
	case e.typ == typeSet:
		s := e.set()
		items = make([]sortItem, 0, n)
		s.Each(func(m string) bool {
			items = append(items, sortItem{elem: m})
			return true
		})
	case e.typ == typeZSet && dontSort:
		z := e.zset()
		if end >= start {
			items = make([]sortItem, 0, end-start+1)
			z.RangeByRank(start, end, o.desc, func(m string, _ float64) bool {
				items = append(items, sortItem{elem: m})
				return true
			})
		}
		end, start = end-start, 0
	default: // a sorted set, to sort
		z := e.zset()
		items = make([]sortItem, 0, n)
		z.Each(func(m string, _ float64) bool {
			items = append(items, sortItem{elem: m})
			return true
		})
	}

	if !dontSort {
		failed := false
		for i := range items {
			it := &items[i]
			v := it.elem
			if sortBy {
				var ok bool
				if v, ok = d.sortLookup(o.by, it.elem); !ok {
					continue
				}
			}
			if alpha {
				if sortBy {
					it.by, it.hasBy = v, true
				}
				continue
			}
			f, ok := sortScore(v)
			it.score = f
			failed = failed || !ok
		}
		cmpItems := sortComparator(alpha, sortBy, o.hasStore, o.desc)
		if sortBy && (start != 0 || end != len(items)-1) {
			pqsort(items, start, end, func(a, b *sortItem) int { return cmpItems(*a, *b) })
		} else {
			// A stable sort, as glibc's qsort is: ties by original position.
			for i := range items {
				items[i].pos = i
			}
			slices.SortFunc(items, func(a, b sortItem) int {
				if c := cmpItems(a, b); c != 0 {
					return c
				}
				return cmp.Compare(a.pos, b.pos)
			})
		}
		if failed {
			return nil, 0, 0, ErrSortNotFloat
		}
	}
	return items, start, end, nil
}

// skiplistZSet returns z in the skiplist encoding, converting it if needed
// as SORT does (Redis converts the sorted set in place, for good).
func skiplistZSet(z *types.ZSet, lim *types.Limits) *types.ZSet {
	if !z.Listpack() {
		return z
	}
	n := types.NewZSetSkiplist(lim)
	z.Each(func(m string, score float64) bool {
		n.Add(m, score)
		return true
	})
	return n
}

// sortComparator returns SORT's comparison of two elements.
func sortComparator(alpha, sortBy, store, desc bool) func(a, b sortItem) int {
	var c func(a, b sortItem) int
	switch {
	case !alpha:
		c = func(a, b sortItem) int {
			if a.score != b.score {
				return cmp.Compare(a.score, b.score)
			}
			return strings.Compare(a.elem, b.elem)
		}
	case sortBy:
		c = func(a, b sortItem) int {
			switch {
			case !a.hasBy || !b.hasBy:
				if a.hasBy == b.hasBy {
					return 0
				}
				if !a.hasBy {
					return -1
				}
				return 1
			case store:
				return strings.Compare(a.by, b.by)
			}
			return strings.Compare(cString(a.by), cString(b.by))
		}
	case store:
		c = func(a, b sortItem) int { return strings.Compare(a.elem, b.elem) }
	default:
		c = func(a, b sortItem) int { return strings.Compare(cString(a.elem), cString(b.elem)) }
	}
	if desc {
		return func(a, b sortItem) int { return -c(a, b) }
	}
	return c
}

// sortOutput calls emit for each value SORT outputs: the elements from
// start to end, or for each of them the value of every GET pattern (ok is
// false for a value that does not exist).
func (d *db) sortOutput(o *sortOpts, items []sortItem, start, end int, emit func(v string, ok bool)) {
	for j := start; j <= end; j++ {
		if len(o.gets) == 0 {
			emit(items[j].elem, true)
			continue
		}
		for _, g := range o.gets {
			emit(d.sortLookup(g, items[j].elem))
		}
	}
}

// sortCount is how many values SORT outputs.
func sortCount(o *sortOpts, start, end int) int {
	n := end - start + 1
	if len(o.gets) > 0 {
		n *= len(o.gets)
	}
	return n
}

// sortStore runs SORT ... STORE: the result replaces whatever o.store
// held, as a list (a missing GET value is stored as ""); an empty result
// deletes it. It returns the length of the result.
func (d *db) sortStore(key string, o *sortOpts) (int64, error) {
	items, start, end, err := d.sortRun(key, o)
	if err != nil {
		return 0, err
	}
	vals := make([]string, 0, sortCount(o, start, end))
	d.sortOutput(o, items, start, end, func(v string, _ bool) { vals = append(vals, v) })
	old := d.peek(o.store)
	switch {
	case len(vals) > 0:
		d.replace(o.store, old, listEntry(newSortList(vals)))
		d.notify(notifyList, "sortstore", o.store)
	case old != nil:
		d.remove(o.store, old)
		d.notify(notifyGeneric, "del", o.store)
	}
	return int64(len(vals)), nil
}

// ---- handlers ----

func sortCommand(c *call, readOnly bool) {
	o, err := parseSort(c.args, readOnly)
	if err != nil {
		c.fail(err)
		return
	}
	o.inScript = c.inScript
	if o.hasStore {
		n, err := c.db.sortStore(c.args[1], o)
		if err != nil {
			c.fail(err)
			return
		}
		c.w.Int(n)
		return
	}
	items, start, end, err := c.db.sortRun(c.args[1], o)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(sortCount(o, start, end))
	c.db.sortOutput(o, items, start, end, c.bulkOrNil)
}

func cmdSort(c *call) { sortCommand(c, false) }

func cmdSortRO(c *call) { sortCommand(c, true) }

// ---- typed API ----

// sortTyped runs SORT or SORT_RO for the typed API.
func (c *cmdable) sortTyped(key string, a *SortArgs, write bool) ([]string, error) {
	o, err := optsFromArgs(a)
	if err != nil {
		return nil, err
	}
	d, err := c.begin(write)
	if err != nil {
		return nil, err
	}
	defer c.end()
	items, start, end, err := d.sortRun(key, o)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, sortCount(o, start, end))
	d.sortOutput(o, items, start, end, func(v string, _ bool) { out = append(out, v) })
	return out, nil
}

// Sort returns the elements of the list, set or sorted set at key sorted
// as SORT does with the options in a: numerically unless a.Alpha (then
// failing with ErrSortNotFloat on an element, or BY value, that is not a
// number), ascending unless a.Order is SortDesc. A GET value that does not
// exist is "" (as go-redis returns it); a missing key gives an empty slice.
// Reading a sorted set converts it to the skiplist encoding, as in Redis.
//
// SORT counts as a write command, as in Redis (where STORE makes it one):
// inside View, use SortRO.
func (c *cmdable) Sort(key string, a SortArgs) ([]string, error) {
	return c.sortTyped(key, &a, true)
}

// SortRO is Sort as SORT_RO runs it: the same result, as a read-only
// command that View and read-only scripts allow.
func (c *cmdable) SortRO(key string, a SortArgs) ([]string, error) {
	return c.sortTyped(key, &a, false)
}

// SortStore sorts as Sort does and stores the result as a list at dst, as
// SORT ... STORE does, replacing whatever dst held (a GET value that does
// not exist is stored as ""); an empty result deletes dst. It returns the
// length of the result. A set sorted BY a pattern without '*' is sorted as
// strings, so that the stored order is Redis's.
func (c *cmdable) SortStore(key, dst string, a SortArgs) (int64, error) {
	o, err := optsFromArgs(&a)
	if err != nil {
		return 0, err
	}
	o.store, o.hasStore = dst, true
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.sortStore(key, o)
}

// listSortItems returns the elements of the list in e at positions from to
// to (inclusive) of the list, or of the list reversed when reverse.
func listSortItems(e *entry, from, to int, reverse bool) []sortItem {
	l := e.list()
	if reverse {
		from, to = l.Len()-1-to, l.Len()-1-from
	}
	items := make([]sortItem, 0, to-from+1)
	if reverse {
		for i := to; i >= from; i-- {
			items = append(items, sortItem{elem: l.At(i)})
		}
		return items
	}
	for i := from; i <= to; i++ {
		items = append(items, sortItem{elem: l.At(i)})
	}
	return items
}

// newSortList returns a list of vals, for STORE.
func newSortList(vals []string) *types.List {
	l := types.NewListSize(len(vals))
	for _, v := range vals {
		l.PushBack(v)
	}
	return l
}
