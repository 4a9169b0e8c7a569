package types

// ZSet is a sorted set: members with a float64 score each, ordered by score
// and then by member (bytewise). Not safe for concurrent use.
//
// It is a map from member to score plus a counted B+tree: the leaves hold
// the (score, member) pairs in order and are linked both ways, and every
// inner node knows how many members each of its subtrees holds. So finding
// a member's rank, the member at a rank, and every insertion, deletion and
// range lookup take O(log n) time, touching a handful of nodes of 64
// entries each. Every member's map entry also names its leaf, and every
// node points to its parent, so the rank of a member (and the way to it,
// for a deletion) is found from its leaf upwards, without comparing keys
// above the leaf. The members are also kept densely in a slice, which gives
// uniform random picks in O(1) and a SCAN cursor that never misses a member
// present for the whole iteration.
//
// Encoding reports what redis-server 7.0 would: "listpack" while the set
// has at most zset-max-listpack-entries members of at most
// zset-max-listpack-value bytes each (from its Limits), "skiplist" once it
// has outgrown either limit (it never goes back). The encoding also decides two
// details of Redis's behaviour: a listpack stores the score -0 as 0, and
// lexicographic ranges over members of different scores are found by a
// linear scan in a listpack (in a skiplist Redis's answer depends on its
// random levels; ZSet answers with a tree descent).
type ZSet struct {
	dict   map[string]zEntry
	root   *bnode
	height int32  // 1 while the root is a leaf
	big    bool   // "skiplist" encoding
	first  *bnode // the leaves' ends
	last   *bnode
	slots  []string // every member once, densely
	ids    *leafIDs // nil while the tree has had a single leaf, of id 0
	lim    *Limits  // the listpack limits
}

// leafIDs finds a leaf by its id (zEntry.leaf).
type leafIDs struct {
	leaves []*bnode // by id (nil for a free id)
	free   []uint32 // free ids
}

// zEntry is a member's score, its index in slots and the id of the leaf
// that holds it (see leafIDs). 32-bit indexes keep the map's values at
// 16 bytes; a set cannot hold 2^32 members anyway (a slice of that many
// strings alone takes 64 GiB).
type zEntry struct {
	score float64
	slot  uint32
	leaf  uint32
}

// Node sizes: a node holds at most bMax entries (a leaf) or children (an
// inner node), one more for a moment before it splits, and is refilled from
// a neighbour once it has fewer than bMin.
const (
	bMax       = 64
	bMin       = bMax / 4
	bCap       = bMax + 1
	bMaxHeight = 20 // inner nodes have at least bMin children
)

// bnode is a node of the tree. A leaf holds n entries in scores and
// members; an inner node holds n children in kids and n-1 separators in
// scores and members: every key under child i is below separator i, every
// key under child i+1 at or above it.
//
// The first cache line holds what a search and a walk up read first.
type bnode struct {
	n      int
	kids   *bkids    // nil for a leaf
	parent *bnode    // nil for the root
	idx    int32     // x is parent.kids.kid[idx]
	id     uint32    // a leaf's id (see leafIDs)
	scores []float64 // len is the node's capacity
	prev   *bnode    // neighbouring leaves
	// fence[b] is the last score of block b, the keys 8b to 8b+7, for the
	// blocks that are full (see refence): a search reads this one cache
	// line, then one block, instead of probing all over scores.
	fence   [bFences]float64
	members []string
	next    *bnode
}

// bFences blocks of bBlock keys cover the bMax keys a node searches.
const (
	bBlock  = 8
	bFences = bMax / bBlock
)

// keys returns how many keys a search of x covers: its entries (a leaf) or
// its separators (an inner node).
func (x *bnode) keys() int {
	if x.kids == nil {
		return x.n
	}
	return x.n - 1
}

// refence brings x.fence up to date after x's keys changed.
func (x *bnode) refence() {
	m := min(x.keys(), bMax)
	for b := 0; (b+1)*bBlock <= m; b++ {
		x.fence[b] = x.scores[(b+1)*bBlock-1]
	}
}

// block returns the range [lo, hi) of keys of x where a search for score
// ends, given that the predicate of the search holds for a key of a lower
// score and fails for a key of a higher one: the block after the fences
// below score, or, when a fence equals score and only the full key can
// decide, everything from there on.
func (x *bnode) block(score float64) (lo, hi int) {
	m := x.keys()
	nb := min(m, bMax) / bBlock
	b := 0
	for b < nb && x.fence[b] < score {
		b++
	}
	lo = b * bBlock
	if b < nb && x.fence[b] == score {
		return lo, m
	}
	return lo, min(lo+bBlock, m)
}

type bkids struct {
	cum [bCap]int // members under children 0 to i, inclusive: a rank is one read away
	kid [bCap]*bnode
}

// before returns the number of members under the children before child i.
func (k *bkids) before(i int) int {
	if i == 0 {
		return 0
	}
	return k.cum[i-1]
}

// countOf returns the number of members under child i.
func (k *bkids) countOf(i int) int { return k.cum[i] - k.before(i) }

// add adds d members under child i of a node with n children.
func (k *bkids) add(i, n, d int) {
	for j := i; j < n; j++ {
		k.cum[j] += d
	}
}

// setCounts sets the children's counts to counts.
func (k *bkids) setCounts(counts []int) {
	sum := 0
	for i, c := range counts {
		sum += c
		k.cum[i] = sum
	}
}

// Full-size nodes carry their arrays in the same allocation as the node,
// which saves a cache miss per node visited.
type (
	bleafFull struct {
		bnode
		_ [4]uint64 // 192 bytes so far: each block of s fills one cache line
		s [bCap]float64
		m [bCap]string
	}
	binnerFull struct { // what a descent reads first comes first
		bnode
		_ [4]uint64 // as in bleafFull
		s [bCap]float64
		k bkids
		m [bCap]string
	}
)

func newLeaf() *bnode {
	x := &bleafFull{}
	x.scores, x.members = x.s[:], x.m[:]
	return &x.bnode
}

func newInner() *bnode {
	x := &binnerFull{}
	x.scores, x.members, x.kids = x.s[:], x.m[:], &x.k
	return &x.bnode
}

// newSmallLeaf returns a leaf with room for c entries, for small sets; it
// grows as needed.
func newSmallLeaf(c int) *bnode {
	return &bnode{scores: make([]float64, c), members: make([]string, c)}
}

// NewZSet returns an empty sorted set in the "listpack" encoding, which it
// leaves past lim's zset-max-listpack-* (nil: the defaults).
func NewZSet(lim *Limits) *ZSet {
	root := newSmallLeaf(2)
	return &ZSet{dict: make(map[string]zEntry), root: root, height: 1, first: root, last: root, lim: lim.orDefault()}
}

// leaf returns the leaf of id.
func (z *ZSet) leaf(id uint32) *bnode {
	if z.ids == nil {
		return z.root
	}
	return z.ids.leaves[id]
}

// register gives the new leaf x an id. The first time, the tree's only
// leaf keeps its id 0.
func (z *ZSet) register(x *bnode) {
	if z.ids == nil {
		z.ids = &leafIDs{leaves: []*bnode{z.first}}
	}
	ids := z.ids
	if n := len(ids.free); n > 0 {
		x.id = ids.free[n-1]
		ids.free = ids.free[:n-1]
		ids.leaves[x.id] = x
		return
	}
	x.id = uint32(len(ids.leaves))
	ids.leaves = append(ids.leaves, x)
}

// unregister frees the id of leaf x, gone from the tree.
func (z *ZSet) unregister(x *bnode) {
	z.ids.leaves[x.id] = nil
	z.ids.free = append(z.ids.free, x.id)
}

// NewZSetSkiplist returns an empty sorted set that reports the "skiplist"
// encoding from the start, as Redis creates one for a result it knows to be
// large.
func NewZSetSkiplist(lim *Limits) *ZSet {
	z := NewZSet(lim)
	z.big = true
	return z
}

// Len returns the number of members.
func (z *ZSet) Len() int { return len(z.slots) }

// Encoding returns what OBJECT ENCODING reports: "listpack" or "skiplist".
func (z *ZSet) Encoding() string {
	if z.big {
		return "skiplist"
	}
	return "listpack"
}

// Listpack reports whether the set is still in the small "listpack"
// encoding.
func (z *ZSet) Listpack() bool { return !z.big }

// Clone returns a deep copy of z with the same encoding.
func (z *ZSet) Clone() *ZSet {
	c := NewZSet(z.lim)
	c.big = z.big
	n := z.Len()
	scores := make([]float64, 0, n)
	members := make([]string, 0, n)
	z.Each(func(m string, s float64) bool {
		scores = append(scores, s)
		members = append(members, m)
		return true
	})
	c.build(scores, members)
	c.dict = make(map[string]zEntry, n)
	c.slots = make([]string, 0, n)
	for x := c.first; x != nil; x = x.next {
		for i, m := range x.members[:x.n] {
			c.dict[m] = zEntry{score: x.scores[i], slot: uint32(len(c.slots)), leaf: x.id}
			c.slots = append(c.slots, m)
		}
	}
	return c
}

// Score returns member's score.
func (z *ZSet) Score(member string) (float64, bool) {
	e, ok := z.dict[member]
	return e.score, ok
}

// Has reports whether member is in the set.
func (z *ZSet) Has(member string) bool {
	_, ok := z.dict[member]
	return ok
}

// Add sets member's score, adding the member if it is new, and reports
// whether it was new. A score equal to the current one (0 and -0 are equal)
// changes nothing. score must not be NaN.
func (z *ZSet) Add(member string, score float64) bool { return z.add(member, score, true) }

// Load is Add as Redis loads a listpack payload: only the number of
// members, not their lengths, can change the encoding.
func (z *ZSet) Load(member string, score float64) bool { return z.add(member, score, false) }

// add is Add, checking the new member's length against the limit when
// checkLen is set, and Load when not.
func (z *ZSet) add(member string, score float64, checkLen bool) bool {
	e, ok := z.dict[member]
	if !ok {
		lim := z.lim
		if !z.big && (int64(len(z.slots)+1) > lim.ZSetMaxListpackEntries || checkLen && int64(len(member)) > lim.ZSetMaxListpackValue) {
			z.big = true
		}
		if !z.big && score == 0 {
			score = 0 // a listpack stores -0 as the integer 0
		}
		leaf := z.treeInsert(score, member)
		z.dict[member] = zEntry{score: score, slot: uint32(len(z.slots)), leaf: leaf.id}
		z.slots = append(z.slots, member)
		return true
	}
	if score == e.score {
		return false
	}
	if !z.big && score == 0 {
		score = 0
	}
	e.leaf = z.treeMove(e, member, score).id
	e.score = score
	z.dict[member] = e
	return false
}

// Delete removes member and reports whether it was there.
func (z *ZSet) Delete(member string) bool {
	e, ok := z.dict[member]
	if !ok {
		return false
	}
	var p bpath
	z.path(e, member, &p)
	z.removeAt(&p)
	z.forget(member, e)
	return true
}

// forget removes member, gone from the tree, from the map and the slots:
// the last slot's member moves into its slot.
func (z *ZSet) forget(member string, e zEntry) {
	delete(z.dict, member)
	last := len(z.slots) - 1
	if int(e.slot) != last {
		moved := z.slots[last]
		z.slots[e.slot] = moved
		me := z.dict[moved]
		me.slot = e.slot
		z.dict[moved] = me
	}
	z.slots[last] = ""
	z.slots = z.slots[:last]
}

// Rank returns the 0-based position of member in ascending order.
func (z *ZSet) Rank(member string) (int, bool) {
	e, ok := z.dict[member]
	if !ok {
		return 0, false
	}
	x := z.leaf(e.leaf)
	rank := x.find(e.score, member)
	for p := x.parent; p != nil; x, p = p, p.parent {
		rank += p.kids.before(int(x.idx))
	}
	return rank, true
}

// At returns the member and score at 0-based position rank in ascending
// order, which must be in [0, Len()).
func (z *ZSet) At(rank int) (member string, score float64) {
	p := z.byRank(rank)
	return p.leaf.members[p.i], p.leaf.scores[p.i]
}

// Min returns the first member and its score, if any.
func (z *ZSet) Min() (member string, score float64, ok bool) {
	if z.Len() == 0 {
		return "", 0, false
	}
	return z.first.members[0], z.first.scores[0], true
}

// Max returns the last member and its score, if any.
func (z *ZSet) Max() (member string, score float64, ok bool) {
	if z.Len() == 0 {
		return "", 0, false
	}
	l := z.last
	return l.members[l.n-1], l.scores[l.n-1], true
}

// Sample returns the member in slot i, 0 <= i < Len(). Slots hold every
// member once in no particular order; a uniform i gives a uniform pick.
func (z *ZSet) Sample(i int) (member string, score float64) {
	m := z.slots[i]
	return m, z.dict[m].score
}

// Each calls fn for every member in ascending order until fn returns false.
// fn must not change z.
func (z *ZSet) Each(fn func(member string, score float64) bool) {
	for x := z.first; x != nil; x = x.next {
		for i := 0; i < x.n; i++ {
			if !fn(x.members[i], x.scores[i]) {
				return
			}
		}
	}
}

// RangeByRank calls fn for the members at 0-based positions start to stop
// (inclusive) until fn returns false; 0 <= start <= stop < Len(). With
// reverse, positions count from the greatest member and the walk goes down.
// fn must not change z.
func (z *ZSet) RangeByRank(start, stop int, reverse bool, fn func(member string, score float64) bool) {
	var p zpos
	if reverse {
		p = z.byRank(z.Len() - 1 - start)
	} else {
		p = z.byRank(start)
	}
	for i := start; i <= stop && p.leaf != nil; i++ {
		if !fn(p.member(), p.score()) {
			return
		}
		p.step(reverse)
	}
}

// Scan is one step of a cursor iteration (ZSCAN). Cursor 0 starts an
// iteration; Scan calls fn for some members and returns the cursor to pass
// next, 0 when the iteration is over.
//
// A listpack set is returned whole in one step, in order, whatever the
// cursor, as Redis does. A larger one is walked through its slots from the
// last down, count members per step; a member only ever moves to a lower
// slot (see Delete), so every member present for the whole iteration is
// returned at least once. fn must not change z.
func (z *ZSet) Scan(cursor uint64, count int, fn func(member string, score float64)) uint64 {
	if !z.big {
		z.Each(func(m string, s float64) bool { fn(m, s); return true })
		return 0
	}
	pos := uint64(len(z.slots))
	if cursor != 0 && cursor < pos {
		pos = cursor
	}
	for ; pos > 0 && count > 0; count-- {
		pos--
		m := z.slots[pos]
		fn(m, z.dict[m].score)
	}
	return pos
}

// ---- positions ----

// zpos is a position in the leaves; leaf is nil past either end.
type zpos struct {
	leaf *bnode
	i    int
}

func (p *zpos) member() string { return p.leaf.members[p.i] }
func (p *zpos) score() float64 { return p.leaf.scores[p.i] }
func (p *zpos) step(back bool) {
	if back {
		p.i--
		if p.i < 0 {
			p.leaf = p.leaf.prev
			if p.leaf != nil {
				p.i = p.leaf.n - 1
			}
		}
		return
	}
	p.i++
	if p.i >= p.leaf.n {
		p.leaf, p.i = p.leaf.next, 0
	}
}

// byRank returns the position of 0-based rank, which is in [0, Len()).
func (z *ZSet) byRank(rank int) zpos {
	x := z.root
	for x.kids != nil {
		// The first child whose running count passes rank.
		lo, hi := 0, x.n-1
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if x.kids.cum[mid] > rank {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		rank -= x.kids.before(lo)
		x = x.kids.kid[lo]
	}
	return zpos{x, rank}
}

// at returns the position of rank, or an empty one outside [0, Len()).
func (z *ZSet) at(rank int) zpos {
	if rank < 0 || rank >= z.Len() {
		return zpos{}
	}
	return z.byRank(rank)
}

// firstWhere returns the position and rank of the first member for which
// pred holds (an empty position and Len() when none does). pred must be
// false and then true along the order (for other predicates it returns some
// member where pred holds after one where it does not).
func (z *ZSet) firstWhere(pred func(score float64, member string) bool) (zpos, int) {
	rank := 0
	x := z.root
	for x.kids != nil {
		lo, hi := 0, x.n-1
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if pred(x.scores[mid], x.members[mid]) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		rank += x.kids.before(lo)
		x = x.kids.kid[lo]
	}
	lo, hi := 0, x.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if pred(x.scores[mid], x.members[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == x.n {
		return zpos{x.next, 0}, rank + lo
	}
	return zpos{x, lo}, rank + lo
}

// firstScore is firstWhere for the predicate "score above v" (at or above
// v unless strict), without a call per comparison: the descent of every
// score range.
func (z *ZSet) firstScore(v float64, strict bool) (zpos, int) {
	rank := 0
	x := z.root
	for x.kids != nil {
		lo, hi := x.block(v)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if s := x.scores[mid]; s > v || !strict && s == v {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		rank += x.kids.before(lo)
		x = x.kids.kid[lo]
	}
	lo, hi := x.block(v)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s := x.scores[mid]; s > v || !strict && s == v {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	if lo == x.n {
		return zpos{x.next, 0}, rank + lo
	}
	return zpos{x, lo}, rank + lo
}

// before returns the position before p (the last member when p is past the
// end) and its rank, given p's rank.
func (z *ZSet) before(p zpos, rank int) (zpos, int) {
	if p.leaf == nil {
		if z.Len() == 0 {
			return zpos{}, -1
		}
		return zpos{z.last, z.last.n - 1}, z.Len() - 1
	}
	p.step(true)
	return p, rank - 1
}

// ---- score ranges ----

// ScoreRange is an interval of scores; MinEx and MaxEx make its ends
// exclusive.
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

func (r *ScoreRange) aboveMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

func (r *ScoreRange) belowMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

// inRange reports whether some member may be in r: r is not empty and
// overlaps the scores of z.
func (z *ZSet) inRange(r *ScoreRange) bool {
	if r.Min > r.Max || r.Min == r.Max && (r.MinEx || r.MaxEx) {
		return false
	}
	_, lo, ok := z.Min()
	_, hi, _ := z.Max()
	return ok && r.aboveMin(hi) && r.belowMax(lo)
}

// firstInRange returns the position and rank of the first member in r; the
// position is empty when there is none.
func (z *ZSet) firstInRange(r *ScoreRange) (zpos, int) {
	if !z.inRange(r) {
		return zpos{}, -1
	}
	p, rank := z.firstScore(r.Min, r.MinEx)
	if p.leaf == nil || !r.belowMax(p.score()) {
		return zpos{}, -1
	}
	return p, rank
}

// lastInRange returns the position and rank of the last member in r.
func (z *ZSet) lastInRange(r *ScoreRange) (zpos, int) {
	if !z.inRange(r) {
		return zpos{}, -1
	}
	p, rank := z.before(z.firstScore(r.Max, !r.MaxEx))
	if p.leaf == nil || !r.aboveMin(p.score()) {
		return zpos{}, -1
	}
	return p, rank
}

// CountByScore returns how many members have a score in r.
func (z *ZSet) CountByScore(r ScoreRange) int {
	p, first := z.firstInRange(&r)
	if p.leaf == nil {
		return 0
	}
	_, last := z.lastInRange(&r)
	return last - first + 1
}

// RangeByScore calls fn for the members whose score is in r, in ascending
// order (descending with reverse), skipping the first offset of them and
// stopping after limit (all when limit is negative), or when fn returns
// false. A negative offset selects nothing, as in Redis. fn must not change
// z.
func (z *ZSet) RangeByScore(r ScoreRange, offset, limit int, reverse bool, fn func(member string, score float64) bool) {
	if offset < 0 || limit == 0 {
		return
	}
	var p zpos
	var rank int
	if reverse {
		p, rank = z.lastInRange(&r)
	} else {
		p, rank = z.firstInRange(&r)
	}
	if p.leaf == nil {
		return
	}
	p = z.skip(p, rank, offset, reverse)
	for ; p.leaf != nil && limit != 0; limit-- {
		s := p.score()
		if reverse && !r.aboveMin(s) || !reverse && !r.belowMax(s) {
			return
		}
		if !fn(p.member(), s) {
			return
		}
		p.step(reverse)
	}
}

// skip returns the position offset places after p, of the given rank
// (before it with reverse), empty past the ends.
func (z *ZSet) skip(p zpos, rank, offset int, reverse bool) zpos {
	if offset <= 16 {
		for ; offset > 0 && p.leaf != nil; offset-- {
			p.step(reverse)
		}
		return p
	}
	if offset > z.Len() {
		return zpos{}
	}
	if reverse {
		return z.at(rank - offset)
	}
	return z.at(rank + offset)
}

// DeleteRangeByScore deletes the members whose score is in r and returns
// how many it deleted.
func (z *ZSet) DeleteRangeByScore(r ScoreRange) int {
	p, _ := z.firstInRange(&r)
	return z.deleteFrom(p, func(s float64, _ string) bool { return r.belowMax(s) })
}

// ---- lexicographic ranges ----

// LexBound is one end of a lexicographic range: a member (inclusive, or
// exclusive with Exclusive), or, with Inf set to -1 or +1, the "-" or "+"
// that lies below or above every member.
type LexBound struct {
	Value     string
	Exclusive bool
	Inf       int
}

// LexRange is an interval of members in bytewise order. Redis's lex
// commands assume every member has the same score; with mixed scores they
// answer what its encoding gives, and so does ZSet.
type LexRange struct {
	Min, Max LexBound
}

// cmpLex compares a member with a bound: -1, 0 or 1.
func cmpLex(v string, b *LexBound) int {
	switch {
	case b.Inf < 0:
		return 1
	case b.Inf > 0:
		return -1
	case v < b.Value:
		return -1
	case v > b.Value:
		return 1
	}
	return 0
}

func (r *LexRange) aboveMin(v string) bool {
	c := cmpLex(v, &r.Min)
	if r.Min.Exclusive || r.Min.Inf != 0 {
		return c > 0
	}
	return c >= 0
}

func (r *LexRange) belowMax(v string) bool {
	c := cmpLex(v, &r.Max)
	if r.Max.Exclusive || r.Max.Inf != 0 {
		return c < 0
	}
	return c <= 0
}

// empty reports whether the range can hold nothing whatever the members.
func (r *LexRange) empty() bool {
	var c int
	switch {
	case r.Min.Inf == r.Max.Inf && r.Min.Inf != 0:
		c = 0
	case r.Min.Inf < 0 || r.Max.Inf > 0:
		c = -1
	case r.Min.Inf > 0 || r.Max.Inf < 0:
		c = 1
	default:
		c = cmpLex(r.Min.Value, &r.Max)
	}
	minEx := r.Min.Exclusive || r.Min.Inf != 0
	maxEx := r.Max.Exclusive || r.Max.Inf != 0
	return c > 0 || c == 0 && (minEx || maxEx)
}

func (z *ZSet) inLexRange(r *LexRange) bool {
	if r.empty() || z.Len() == 0 {
		return false
	}
	lo, _, _ := z.Min()
	hi, _, _ := z.Max()
	return r.aboveMin(hi) && r.belowMax(lo)
}

// firstInLex returns the position and rank of the first member in r. A
// listpack is scanned from the start, as Redis scans it.
func (z *ZSet) firstInLex(r *LexRange) (zpos, int) {
	if !z.inLexRange(r) {
		return zpos{}, -1
	}
	var p zpos
	var rank int
	if !z.big {
		for p = (zpos{z.first, 0}); p.leaf != nil && !r.aboveMin(p.member()); p.step(false) {
			rank++
		}
	} else {
		p, rank = z.firstWhere(func(_ float64, m string) bool { return r.aboveMin(m) })
	}
	if p.leaf == nil || !r.belowMax(p.member()) {
		return zpos{}, -1
	}
	return p, rank
}

// lastInLex returns the position and rank of the last member in r.
func (z *ZSet) lastInLex(r *LexRange) (zpos, int) {
	if !z.inLexRange(r) {
		return zpos{}, -1
	}
	var p zpos
	var rank int
	if !z.big {
		rank = z.Len() - 1
		for p = (zpos{z.last, z.last.n - 1}); p.leaf != nil && !r.belowMax(p.member()); p.step(true) {
			rank--
		}
	} else {
		p, rank = z.before(z.firstWhere(func(_ float64, m string) bool { return !r.belowMax(m) }))
	}
	if p.leaf == nil || !r.aboveMin(p.member()) {
		return zpos{}, -1
	}
	return p, rank
}

// CountByLex returns how many members are in r.
func (z *ZSet) CountByLex(r LexRange) int {
	p, first := z.firstInLex(&r)
	if p.leaf == nil {
		return 0
	}
	if !z.big {
		n := 0
		for ; p.leaf != nil && r.belowMax(p.member()); p.step(false) {
			n++
		}
		return n
	}
	q, last := z.lastInLex(&r)
	if q.leaf == nil {
		return 0
	}
	return last - first + 1
}

// RangeByLex is RangeByScore for a lexicographic range.
func (z *ZSet) RangeByLex(r LexRange, offset, limit int, reverse bool, fn func(member string, score float64) bool) {
	if offset < 0 || limit == 0 {
		return
	}
	var p zpos
	var rank int
	if reverse {
		p, rank = z.lastInLex(&r)
	} else {
		p, rank = z.firstInLex(&r)
	}
	if p.leaf == nil {
		return
	}
	p = z.skip(p, rank, offset, reverse)
	for ; p.leaf != nil && limit != 0; limit-- {
		m := p.member()
		if reverse && !r.aboveMin(m) || !reverse && !r.belowMax(m) {
			return
		}
		if !fn(m, p.score()) {
			return
		}
		p.step(reverse)
	}
}

// DeleteRangeByLex deletes the members in r and returns how many it
// deleted.
func (z *ZSet) DeleteRangeByLex(r LexRange) int {
	p, _ := z.firstInLex(&r)
	return z.deleteFrom(p, func(_ float64, m string) bool { return r.belowMax(m) })
}

// DeleteRangeByRank deletes the members at 0-based positions start to stop
// (inclusive), 0 <= start <= stop < Len(), and returns how many it deleted.
func (z *ZSet) DeleteRangeByRank(start, stop int) int {
	n := stop - start + 1
	return z.deleteFrom(z.at(start), func(float64, string) bool {
		n--
		return n >= 0
	})
}

// deleteFrom deletes the member at p and those after it while keep holds
// for them, and returns how many it deleted.
func (z *ZSet) deleteFrom(p zpos, keep func(score float64, member string) bool) int {
	var doomed []string
	for ; p.leaf != nil && keep(p.score(), p.member()); p.step(false) {
		doomed = append(doomed, p.member())
	}
	for _, m := range doomed {
		e := z.dict[m]
		var p bpath
		z.path(e, m, &p)
		z.removeAt(&p)
		z.forget(m, e)
	}
	return len(doomed)
}

// ---- the tree ----

// keyLess orders keys by score, then member.
func keyLess(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || s1 == s2 && m1 < m2
}

// childFor returns the child of inner node x whose subtree holds the key:
// the number of separators at or below it.
func (x *bnode) childFor(score float64, member string) int {
	lo, hi := x.block(score)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if keyLess(score, member, x.scores[mid], x.members[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// lowerBound returns the position in leaf x of the first entry at or above
// the key.
func (x *bnode) lowerBound(score float64, member string) int {
	lo, hi := x.block(score)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if keyLess(x.scores[mid], x.members[mid], score, member) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// find returns the position in leaf x of the key (score, member), which is
// in x. When no other entry of x has the score, the scores alone tell.
func (x *bnode) find(score float64, member string) int {
	lo, hi := x.block(score)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if x.scores[mid] < score {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo+1 == x.n || x.scores[lo+1] != score {
		return lo
	}
	return x.lowerBound(score, member)
}

// bpath is the way from the root to a leaf entry: nodes[d] for each level
// d and the child (or, in the leaf, the entry) taken there.
type bpath struct {
	nodes [bMaxHeight]*bnode
	idx   [bMaxHeight]int
	leaf  int // depth of the leaf
}

// path fills p with the way to member, in the set with entry e, walking up
// from its leaf.
func (z *ZSet) path(e zEntry, member string, p *bpath) {
	d := int(z.height) - 1
	x := z.leaf(e.leaf)
	p.nodes[d], p.idx[d], p.leaf = x, x.find(e.score, member), d
	for ; d > 0; d-- {
		p.nodes[d-1], p.idx[d-1] = x.parent, int(x.idx)
		x = x.parent
	}
}

// setLeaf records that member, if in the map, is now in leaf x.
func (z *ZSet) setLeaf(member string, x *bnode) {
	if e, ok := z.dict[member]; ok {
		e.leaf = x.id
		z.dict[member] = e
	}
}

// adopt makes x the parent of its children from i on.
func (x *bnode) adopt(i int) {
	for ; i < x.n; i++ {
		c := x.kids.kid[i]
		if c.parent != x { // no write barrier when only the index moves
			c.parent = x
		}
		c.idx = int32(i)
	}
}

// treeInsert puts the key (score, member), which is not in the set, in the
// tree and returns the leaf that holds it.
func (z *ZSet) treeInsert(score float64, member string) *bnode {
	var p bpath
	x := z.root
	d := 0
	for x.kids != nil {
		i := x.childFor(score, member)
		x.kids.add(i, x.n, 1)
		p.nodes[d], p.idx[d] = x, i
		d++
		x = x.kids.kid[i]
	}
	pos := x.lowerBound(score, member)
	if x.n == len(x.scores) {
		x.grow()
	}
	copy(x.scores[pos+1:x.n+1], x.scores[pos:x.n])
	copy(x.members[pos+1:x.n+1], x.members[pos:x.n])
	x.scores[pos], x.members[pos] = score, member
	x.n++
	x.refence()
	p.nodes[d], p.leaf = x, d
	if x.n > bMax {
		z.splitUp(&p, pos == x.n-1)
		if pos >= x.n {
			return x.next
		}
	}
	return x
}

// grow gives a small leaf more room.
func (x *bnode) grow() {
	c := min(2*len(x.scores), bCap)
	s, m := make([]float64, c), make([]string, c)
	copy(s, x.scores[:x.n])
	copy(m, x.members[:x.n])
	x.scores, x.members = s, m
}

// size returns the number of members under x.
func (x *bnode) size() int {
	if x.kids == nil {
		return x.n
	}
	return x.kids.cum[x.n-1]
}

// splitUp splits the overfull node at the bottom of p, and its ancestors
// as they overflow in turn. appended tells that the key just inserted is
// the last of its leaf (see split).
func (z *ZSet) splitUp(p *bpath, appended bool) {
	for d := p.leaf; ; d-- {
		x := p.nodes[d]
		r, sepS, sepM := z.split(x, appended && d == p.leaf)
		appended = false
		if d == 0 {
			root := newInner()
			root.n = 2
			root.kids.kid[0], root.kids.kid[1] = x, r
			root.kids.setCounts([]int{x.size(), r.size()})
			root.scores[0], root.members[0] = sepS, sepM
			root.refence()
			root.adopt(0)
			z.root = root
			z.height++
			return
		}
		parent, ci := p.nodes[d-1], p.idx[d-1]
		k := parent.kids
		copy(k.kid[ci+2:parent.n+1], k.kid[ci+1:parent.n])
		copy(k.cum[ci+2:parent.n+1], k.cum[ci+1:parent.n])
		copy(parent.scores[ci+1:parent.n], parent.scores[ci:parent.n-1])
		copy(parent.members[ci+1:parent.n], parent.members[ci:parent.n-1])
		k.kid[ci+1] = r
		k.cum[ci] = k.before(ci) + x.size()
		k.cum[ci+1] = k.cum[ci] + r.size()
		parent.scores[ci], parent.members[ci] = sepS, sepM
		parent.n++
		parent.refence()
		parent.adopt(ci + 1)
		if parent.n <= bMax {
			return
		}
	}
}

// split moves the upper half of x to a new node, its right neighbour, and
// returns it with the separator between them.
//
// When the key that overfilled leaf x came last in it (appended), keys
// likely arrive in ascending order, as timestamps do: x keeps all but bMin
// entries, since it will probably get no more, and the new leaf gets room
// for the keys to come. That leaves sets built in order fuller, and moves
// fewer members to another leaf (each one costs a map update).
func (z *ZSet) split(x *bnode, appended bool) (r *bnode, sepS float64, sepM string) {
	h := x.n / 2
	if appended {
		h = x.n - bMin
	}
	if x.kids == nil {
		r = newLeaf()
		z.register(r)
		r.n = x.n - h
		copy(r.scores, x.scores[h:x.n])
		copy(r.members, x.members[h:x.n])
		clear(x.members[h:x.n])
		x.n = h
		r.prev, r.next = x, x.next
		if x.next != nil {
			x.next.prev = r
		} else {
			z.last = r
		}
		x.next = r
		x.refence()
		r.refence()
		for _, m := range r.members[:r.n] {
			z.setLeaf(m, r)
		}
		return r, r.scores[0], r.members[0]
	}
	// Children [0, h) stay with separators [0, h-1); separator h-1 goes up.
	r = newInner()
	r.n = x.n - h
	copy(r.kids.kid[:r.n], x.kids.kid[h:x.n])
	for j := range r.n {
		r.kids.cum[j] = x.kids.cum[h+j] - x.kids.cum[h-1]
	}
	copy(r.scores, x.scores[h:x.n-1])
	copy(r.members, x.members[h:x.n-1])
	sepS, sepM = x.scores[h-1], x.members[h-1]
	clear(x.kids.kid[h:x.n])
	clear(x.members[h-1 : x.n-1])
	x.n = h
	x.refence()
	r.refence()
	r.adopt(0)
	return r, sepS, sepM
}

// treeMove changes the score of member, in the set with entry e, to score
// and returns the leaf that holds it then.
func (z *ZSet) treeMove(e zEntry, member string, score float64) *bnode {
	var p bpath
	z.path(e, member, &p)
	x, i := p.nodes[p.leaf], p.idx[p.leaf]
	// In place when it stays strictly between its neighbours in the leaf.
	if i > 0 && i < x.n-1 && keyLess(x.scores[i-1], x.members[i-1], score, member) &&
		keyLess(score, member, x.scores[i+1], x.members[i+1]) {
		x.scores[i] = score
		x.refence()
		return x
	}
	z.removeAt(&p)
	return z.treeInsert(score, member)
}

// removeAt takes the entry p leads to out of the tree and rebalances.
func (z *ZSet) removeAt(p *bpath) {
	for d := 0; d < p.leaf; d++ {
		p.nodes[d].kids.add(p.idx[d], p.nodes[d].n, -1)
	}
	x, i := p.nodes[p.leaf], p.idx[p.leaf]
	copy(x.scores[i:x.n-1], x.scores[i+1:x.n])
	copy(x.members[i:x.n-1], x.members[i+1:x.n])
	x.n--
	x.members[x.n] = ""
	x.refence()
	for d := p.leaf; d > 0; d-- {
		x := p.nodes[d]
		if x.n >= bMin {
			return
		}
		parent, ci := p.nodes[d-1], p.idx[d-1]
		li := ci
		if ci+1 >= parent.n {
			li = ci - 1
		}
		left, right := parent.kids.kid[li], parent.kids.kid[li+1]
		if left.n+right.n > bMax {
			z.redistribute(parent, li)
			return
		}
		z.merge(parent, li)
	}
	if z.root.kids != nil && z.root.n == 1 {
		z.root = z.root.kids.kid[0]
		z.root.parent, z.root.idx = nil, 0
		z.height--
	}
}

// merge moves the child li+1 of parent into the child li and drops it.
func (z *ZSet) merge(parent *bnode, li int) {
	k := parent.kids
	left, right := k.kid[li], k.kid[li+1]
	if left.kids == nil {
		copy(left.scores[left.n:], right.scores[:right.n])
		copy(left.members[left.n:], right.members[:right.n])
		for _, m := range right.members[:right.n] {
			z.setLeaf(m, left)
		}
		z.unregister(right)
		left.n += right.n
		left.next = right.next
		if right.next != nil {
			right.next.prev = left
		} else {
			z.last = left
		}
	} else {
		left.scores[left.n-1], left.members[left.n-1] = parent.scores[li], parent.members[li]
		copy(left.scores[left.n:], right.scores[:right.n-1])
		copy(left.members[left.n:], right.members[:right.n-1])
		copy(left.kids.kid[left.n:], right.kids.kid[:right.n])
		lt := left.size()
		for j := range right.n {
			left.kids.cum[left.n+j] = lt + right.kids.cum[j]
		}
		from := left.n
		left.n += right.n
		left.adopt(from)
	}
	k.cum[li] = k.cum[li+1]
	copy(k.kid[li+1:parent.n-1], k.kid[li+2:parent.n])
	copy(k.cum[li+1:parent.n-1], k.cum[li+2:parent.n])
	copy(parent.scores[li:parent.n-2], parent.scores[li+1:parent.n-1])
	copy(parent.members[li:parent.n-2], parent.members[li+1:parent.n-1])
	parent.n--
	k.kid[parent.n], k.cum[parent.n] = nil, 0
	parent.members[parent.n-1] = ""
	left.refence()
	parent.refence()
	parent.adopt(li + 1)
}

// redistribute evens out the children li and li+1 of parent, whose sizes
// add up to more than one node holds.
func (z *ZSet) redistribute(parent *bnode, li int) {
	k := parent.kids
	left, right := k.kid[li], k.kid[li+1]
	total := left.n + right.n
	nl := total / 2
	if left.kids == nil {
		if left.n < nl {
			m := nl - left.n
			copy(left.scores[left.n:nl], right.scores[:m])
			copy(left.members[left.n:nl], right.members[:m])
			for _, mm := range left.members[left.n:nl] {
				z.setLeaf(mm, left)
			}
			copy(right.scores, right.scores[m:right.n])
			copy(right.members, right.members[m:right.n])
			clear(right.members[right.n-m : right.n])
		} else {
			m := left.n - nl
			copy(right.scores[m:], right.scores[:right.n])
			copy(right.members[m:], right.members[:right.n])
			copy(right.scores, left.scores[nl:left.n])
			copy(right.members, left.members[nl:left.n])
			clear(left.members[nl:left.n])
			for _, mm := range right.members[:m] {
				z.setLeaf(mm, right)
			}
		}
		left.n, right.n = nl, total-nl
		parent.scores[li], parent.members[li] = right.scores[0], right.members[0]
		k.cum[li] = k.before(li) + left.n
		left.refence()
		right.refence()
		parent.refence()
		return
	}
	// Inner nodes: line up both nodes' children and separators, with the
	// parent's separator between them, and cut the line again.
	var kids [2 * bCap]*bnode
	var counts [2 * bCap]int
	var seps [2 * bCap]float64
	var sepm [2 * bCap]string
	copy(kids[:], left.kids.kid[:left.n])
	copy(kids[left.n:], right.kids.kid[:right.n])
	for j := range left.n {
		counts[j] = left.kids.countOf(j)
	}
	for j := range right.n {
		counts[left.n+j] = right.kids.countOf(j)
	}
	copy(seps[:], left.scores[:left.n-1])
	copy(sepm[:], left.members[:left.n-1])
	seps[left.n-1], sepm[left.n-1] = parent.scores[li], parent.members[li]
	copy(seps[left.n:], right.scores[:right.n-1])
	copy(sepm[left.n:], right.members[:right.n-1])
	clear(left.kids.kid[:left.n])
	clear(right.kids.kid[:right.n])
	clear(left.members[:left.n])
	clear(right.members[:right.n])
	nr := total - nl
	copy(left.kids.kid[:], kids[:nl])
	left.kids.setCounts(counts[:nl])
	copy(left.scores, seps[:nl-1])
	copy(left.members, sepm[:nl-1])
	parent.scores[li], parent.members[li] = seps[nl-1], sepm[nl-1]
	copy(right.kids.kid[:], kids[nl:total])
	right.kids.setCounts(counts[nl:total])
	copy(right.scores, seps[nl:total-1])
	copy(right.members, sepm[nl:total-1])
	left.n, right.n = nl, nr
	k.cum[li] = k.before(li) + left.size()
	left.refence()
	right.refence()
	parent.refence()
	left.adopt(0)
	right.adopt(0)
}

// build fills the empty tree of z with the keys given in ascending order,
// filling leaves and inner nodes to three quarters.
func (z *ZSet) build(scores []float64, members []string) {
	n := len(scores)
	if n == 0 {
		return
	}
	const fill = bMax * 3 / 4
	type sub struct {
		node  *bnode
		count int
		s     float64 // the smallest key under node
		m     string
	}
	groups := func(total int) int { return max(1, (total+fill-1)/fill) }
	var level []sub
	k := groups(n)
	var prev *bnode
	at := 0
	z.ids = nil
	if k > 1 {
		z.ids = &leafIDs{leaves: make([]*bnode, 0, k)}
	}
	for g := range k {
		size := n / k
		if g < n%k {
			size++
		}
		var x *bnode
		if k == 1 && size <= bMax/2 {
			x = newSmallLeaf(max(2, size))
		} else {
			x = newLeaf()
		}
		if k > 1 {
			z.register(x)
		}
		x.n = size
		copy(x.scores, scores[at:at+size])
		copy(x.members, members[at:at+size])
		x.refence()
		x.prev = prev
		if prev != nil {
			prev.next = x
		} else {
			z.first = x
		}
		prev = x
		level = append(level, sub{x, size, scores[at], members[at]})
		at += size
	}
	z.last = prev
	z.height = 1
	for len(level) > 1 {
		k := groups(len(level))
		var up []sub
		at := 0
		for g := range k {
			size := len(level) / k
			if g < len(level)%k {
				size++
			}
			x := newInner()
			x.n = size
			total := 0
			for j := 0; j < size; j++ {
				c := level[at+j]
				total += c.count
				x.kids.kid[j], x.kids.cum[j] = c.node, total
				c.node.parent, c.node.idx = x, int32(j)
				if j > 0 {
					x.scores[j-1], x.members[j-1] = c.s, c.m
				}
			}
			x.refence()
			up = append(up, sub{x, total, level[at].s, level[at].m})
			at += size
		}
		level = up
		z.height++
	}
	z.root = level[0].node
}
