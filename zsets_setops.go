package racefree

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/racefree/racefree/types"
)

// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD. Their inputs may
// be sorted sets or plain sets (whose members count with score 1).

// ZStore holds the inputs of ZUnion, ZInter and their STORE forms: the
// keys, optional weights (one per key; none means 1 each) and the
// aggregate, "SUM" (the default when empty), "MIN" or "MAX".
type ZStore struct {
	Keys      []string
	Weights   []float64
	Aggregate string
}

type zsetOp uint8

const (
	zopUnion zsetOp = iota
	zopInter
	zopDiff
)

const (
	zaggSum = iota
	zaggMin
	zaggMax
)

// zsetOpSpec is a parsed ZUNION-family request.
type zsetOpSpec struct {
	op         zsetOp
	card       bool // ZINTERCARD
	store      bool
	keys       []string
	weights    []float64 // nil: 1 each
	aggregate  int
	withScores bool
	limit      int64
	// optErr is an error in the options, which Redis reports only after it
	// has looked the keys up (so a wrong type comes first).
	optErr error
}

// parseZSetOp parses a ZUNION-family command from numkeys on. name is the
// command's name for the numkeys error.
func parseZSetOp(name string, args []string, op zsetOp, store, card bool) (*zsetOpSpec, error) {
	n, ok := parseInt(args[0])
	if !ok {
		return nil, ErrNotInteger
	}
	if n < 1 {
		return nil, errorf(ErrZNoKeys, "ERR at least 1 input key is needed for '%s' command", name)
	}
	if n > int64(len(args)-1) {
		return nil, ErrSyntax
	}
	sp := &zsetOpSpec{op: op, card: card, store: store, keys: args[1 : 1+n]}
	sp.optErr = sp.parseOptions(args[1+n:])
	return sp, nil
}

func (sp *zsetOpSpec) parseOptions(args []string) error {
	setnum := len(sp.keys)
	for j := 0; j < len(args); {
		remaining := len(args) - j
		a := args[j]
		switch {
		case sp.op != zopDiff && !sp.card && remaining >= setnum+1 && strings.EqualFold(a, "weights"):
			j++
			if sp.weights == nil {
				sp.weights = make([]float64, setnum)
			}
			for i := range setnum {
				w, ok := parseFloat(args[j])
				if !ok {
					return ErrZWeight
				}
				sp.weights[i] = w
				j++
			}
		case sp.op != zopDiff && !sp.card && remaining >= 2 && strings.EqualFold(a, "aggregate"):
			switch strings.ToLower(args[j+1]) {
			case "sum":
				sp.aggregate = zaggSum
			case "min":
				sp.aggregate = zaggMin
			case "max":
				sp.aggregate = zaggMax
			default:
				return ErrSyntax
			}
			j += 2
		case !sp.store && !sp.card && strings.EqualFold(a, "withscores"):
			sp.withScores = true
			j++
		case sp.card && remaining >= 2 && strings.EqualFold(a, "limit"):
			l, ok := parseInt(args[j+1])
			if !ok || l < 0 {
				return ErrLimitNegative
			}
			sp.limit = l
			j += 2
		default:
			return ErrSyntax
		}
	}
	return nil
}

// zsrc is one input: a sorted set, a set, or nothing (a missing key).
type zsrc struct {
	z      *types.ZSet
	set    *types.Set
	weight float64
}

func (s *zsrc) len() int {
	switch {
	case s.z != nil:
		return s.z.Len()
	case s.set != nil:
		return s.set.Len()
	}
	return 0
}

func (s *zsrc) find(member string) (float64, bool) {
	switch {
	case s.z != nil:
		return s.z.Score(member)
	case s.set != nil:
		return 1, s.set.Has(member)
	}
	return 0, false
}

func (s *zsrc) each(fn func(member string, score float64)) {
	switch {
	case s.z != nil:
		s.z.Each(func(m string, sc float64) bool { fn(m, sc); return true })
	case s.set != nil:
		s.set.Each(func(m string) bool { fn(m, 1); return true })
	}
}

// same reports whether two inputs are the same value (a key given twice).
func (s *zsrc) same(o *zsrc) bool {
	return s.z != nil && s.z == o.z || s.set != nil && s.set == o.set
}

// zaggregate folds v into *t as Redis's AGGREGATE does; in a sum, inf plus
// -inf counts as 0.
func zaggregate(t *float64, v float64, agg int) {
	switch agg {
	case zaggSum:
		*t += v
		if math.IsNaN(*t) {
			*t = 0
		}
	case zaggMin:
		if v < *t {
			*t = v
		}
	case zaggMax:
		if v > *t {
			*t = v
		}
	}
}

// zsetOpRun looks the inputs up and computes the result: the members in
// order, or for ZINTERCARD only their number.
func (d *db) zsetOpRun(sp *zsetOpSpec) ([]Z, int64, error) {
	src := make([]zsrc, len(sp.keys))
	for i, k := range sp.keys {
		src[i].weight = 1
		e := d.lookup(k)
		if e == nil {
			continue
		}
		switch e.typ {
		case typeZSet:
			src[i].z = e.zset()
		case typeSet:
			src[i].set = e.set()
		default:
			return nil, 0, ErrWrongType
		}
	}
	if sp.optErr != nil {
		return nil, 0, sp.optErr
	}
	if sp.weights != nil {
		for i := range src {
			src[i].weight = sp.weights[i]
		}
	}
	if sp.op != zopDiff {
		// Smallest first, as Redis sorts them; the order of a sum matters
		// to its rounding.
		slices.SortStableFunc(src, func(a, b zsrc) int { return cmp.Compare(a.len(), b.len()) })
	}
	var out []Z
	var count int64
	switch sp.op {
	case zopUnion:
		acc := make(map[string]float64, src[len(src)-1].len())
		for i := range src {
			w := src[i].weight
			src[i].each(func(m string, s float64) {
				v := w * s
				if math.IsNaN(v) {
					v = 0
				}
				if t, ok := acc[m]; ok {
					zaggregate(&t, v, sp.aggregate)
					acc[m] = t
				} else {
					acc[m] = v
				}
			})
		}
		out = make([]Z, 0, len(acc))
		for m, s := range acc {
			out = append(out, Z{Score: s, Member: m})
		}
	case zopInter:
		if src[0].len() == 0 {
			break
		}
		src[0].each(func(m string, s float64) {
			if sp.card && sp.limit > 0 && count >= sp.limit {
				return
			}
			score := src[0].weight * s
			if math.IsNaN(score) {
				score = 0
			}
			for j := 1; j < len(src); j++ {
				if src[j].same(&src[0]) {
					zaggregate(&score, s*src[j].weight, sp.aggregate)
				} else if v, ok := src[j].find(m); ok {
					zaggregate(&score, v*src[j].weight, sp.aggregate)
				} else {
					return
				}
			}
			if sp.card {
				count++
			} else {
				out = append(out, Z{Score: score, Member: m})
			}
		})
	case zopDiff:
		if src[0].len() == 0 {
			break
		}
		for j := 1; j < len(src); j++ {
			if src[j].same(&src[0]) {
				return nil, 0, nil
			}
		}
		src[0].each(func(m string, s float64) {
			for j := 1; j < len(src); j++ {
				if _, ok := src[j].find(m); ok {
					return
				}
			}
			out = append(out, Z{Score: s, Member: m})
		})
	}
	slices.SortFunc(out, func(a, b Z) int {
		if c := cmp.Compare(a.Score, b.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Member, b.Member)
	})
	return out, count, nil
}

// zsetOpStore stores the result of sp at dst and returns its size; an
// empty result deletes dst. Like Redis, the result is a listpack when it
// is small enough for one.
func (d *db) zsetOpStore(dst string, sp *zsetOpSpec) (int64, error) {
	out, _, err := d.zsetOpRun(sp)
	if err != nil {
		return 0, err
	}
	if len(out) == 0 {
		d.delNotify(dst)
		return 0, nil
	}
	lim := &d.s.limits
	small := int64(len(out)) <= lim.ZSetMaxListpackEntries
	for _, el := range out {
		if int64(len(el.Member)) > lim.ZSetMaxListpackValue {
			small = false
			break
		}
	}
	var z *types.ZSet
	if small {
		z = types.NewZSet(lim)
	} else {
		z = types.NewZSetSkiplist(lim)
	}
	// From the greatest down: each insertion stops at the head.
	for i := len(out) - 1; i >= 0; i-- {
		z.Add(out[i].Member, out[i].Score)
	}
	d.zsetStore(dst, z)
	d.notify(notifyZSet, zstoreEvents[sp.op], dst)
	return int64(len(out)), nil
}

// ---- handlers ----

func (c *call) zsetOpCommand(name string, op zsetOp) {
	sp, err := parseZSetOp(name, c.args[1:], op, false, false)
	if err != nil {
		c.fail(err)
		return
	}
	out, _, err := c.db.zsetOpRun(sp)
	if err != nil {
		c.fail(err)
		return
	}
	c.zreply(out, sp.withScores)
}

func (c *call) zsetOpStoreCommand(name string, op zsetOp) {
	sp, err := parseZSetOp(name, c.args[2:], op, true, false)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyInt(c.db.zsetOpStore(c.args[1], sp))
}

func cmdZUnion(c *call) { c.zsetOpCommand("zunion", zopUnion) }

func cmdZInter(c *call) { c.zsetOpCommand("zinter", zopInter) }

func cmdZDiff(c *call) { c.zsetOpCommand("zdiff", zopDiff) }

func cmdZUnionStore(c *call) { c.zsetOpStoreCommand("zunionstore", zopUnion) }

func cmdZInterStore(c *call) { c.zsetOpStoreCommand("zinterstore", zopInter) }

func cmdZDiffStore(c *call) { c.zsetOpStoreCommand("zdiffstore", zopDiff) }

func cmdZInterCard(c *call) {
	sp, err := parseZSetOp("zintercard", c.args[1:], zopInter, false, true)
	if err != nil {
		c.fail(err)
		return
	}
	_, n, err := c.db.zsetOpRun(sp)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Int(n)
}

// ---- typed API ----

// zstoreArgs builds the arguments from numkeys on for store.
func zstoreArgs(store ZStore, withScores bool) []string {
	args := make([]string, 0, 2+2*len(store.Keys)+3)
	args = append(args, strconv.Itoa(len(store.Keys)))
	args = append(args, store.Keys...)
	if len(store.Weights) > 0 {
		args = append(args, "WEIGHTS")
		for _, w := range store.Weights {
			args = append(args, strconv.FormatFloat(w, 'g', -1, 64))
		}
	}
	if store.Aggregate != "" {
		args = append(args, "AGGREGATE", store.Aggregate)
	}
	if withScores {
		args = append(args, "WITHSCORES")
	}
	return args
}

func (c *cmdable) zsetOpTyped(name string, args []string, op zsetOp) ([]Z, error) {
	sp, err := parseZSetOp(name, args, op, false, false)
	if err != nil {
		return nil, err
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	out, _, err := d.zsetOpRun(sp)
	if out == nil && err == nil {
		out = []Z{}
	}
	return out, err
}

func (c *cmdable) zsetOpStoreTyped(name, dst string, args []string, op zsetOp) (int64, error) {
	sp, err := parseZSetOp(name, args, op, true, false)
	if err != nil {
		return 0, err
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.zsetOpStore(dst, sp)
}

// ZUnion returns the union of the sorted sets (or sets) at store.Keys, in
// order of the aggregated scores, as ZUNION does.
func (c *cmdable) ZUnion(store ZStore) ([]string, error) {
	return members(c.zsetOpTyped("zunion", zstoreArgs(store, false), zopUnion))
}

// ZUnionWithScores is ZUnion with the aggregated scores.
func (c *cmdable) ZUnionWithScores(store ZStore) ([]Z, error) {
	return c.zsetOpTyped("zunion", zstoreArgs(store, true), zopUnion)
}

// ZUnionStore stores the union at dest and returns its size, as
// ZUNIONSTORE does; an empty union deletes dest.
func (c *cmdable) ZUnionStore(dest string, store ZStore) (int64, error) {
	return c.zsetOpStoreTyped("zunionstore", dest, zstoreArgs(store, false), zopUnion)
}

// ZInter returns the intersection of the sorted sets (or sets) at
// store.Keys, as ZINTER does.
func (c *cmdable) ZInter(store ZStore) ([]string, error) {
	return members(c.zsetOpTyped("zinter", zstoreArgs(store, false), zopInter))
}

// ZInterWithScores is ZInter with the aggregated scores.
func (c *cmdable) ZInterWithScores(store ZStore) ([]Z, error) {
	return c.zsetOpTyped("zinter", zstoreArgs(store, true), zopInter)
}

// ZInterStore stores the intersection at dest and returns its size, as
// ZINTERSTORE does; an empty intersection deletes dest.
func (c *cmdable) ZInterStore(dest string, store ZStore) (int64, error) {
	return c.zsetOpStoreTyped("zinterstore", dest, zstoreArgs(store, false), zopInter)
}

// ZInterCard returns the size of the intersection of keys, counting no
// further than limit when limit > 0, as ZINTERCARD does.
func (c *cmdable) ZInterCard(limit int64, keys ...string) (int64, error) {
	args := zstoreArgs(ZStore{Keys: keys}, false)
	args = append(args, "LIMIT", strconv.FormatInt(limit, 10))
	sp, err := parseZSetOp("zintercard", args, zopInter, false, true)
	if err != nil {
		return 0, err
	}
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	_, n, err := d.zsetOpRun(sp)
	return n, err
}

// ZDiff returns the members of the first of keys that are in none of the
// others, with their scores in the first, as ZDIFF does.
func (c *cmdable) ZDiff(keys ...string) ([]string, error) {
	return members(c.zsetOpTyped("zdiff", zstoreArgs(ZStore{Keys: keys}, false), zopDiff))
}

// ZDiffWithScores is ZDiff with the scores.
func (c *cmdable) ZDiffWithScores(keys ...string) ([]Z, error) {
	return c.zsetOpTyped("zdiff", zstoreArgs(ZStore{Keys: keys}, true), zopDiff)
}

// ZDiffStore stores the difference at dest and returns its size, as
// ZDIFFSTORE does; an empty difference deletes dest.
func (c *cmdable) ZDiffStore(dest string, keys ...string) (int64, error) {
	return c.zsetOpStoreTyped("zdiffstore", dest, zstoreArgs(ZStore{Keys: keys}, false), zopDiff)
}
