package types

// Hash is a hash value: fields and their values. Not safe for concurrent use.
//
// While it is small (Redis's "listpack" encoding) a Hash keeps its fields in
// insertion order, as Redis does, so that HGETALL, HKEYS, HSCAN and friends
// answer in the same order Redis does. Once it outgrows that (more fields
// than hash-max-listpack-entries, or a field or value longer than
// hash-max-listpack-value bytes: Redis's "hashtable" encoding, which it
// never leaves) the order is arbitrary, as in Redis, and
// deleting a field moves the last field into its place.
//
// Fields are kept densely in positions 0 to Len()-1, so At gives random
// access for HRANDFIELD.
type Hash struct {
	index  map[string]int // field -> position in pairs
	pairs  []pair         // densely packed; in insertion order while small
	bigEnc bool           // converted to "hashtable" encoding (never goes back)
	lim    *Limits        // the encoding thresholds
}

type pair struct {
	field, value string
}

// NewHash returns an empty hash whose encoding follows lim (nil: the
// defaults).
func NewHash(lim *Limits) *Hash { return &Hash{index: make(map[string]int), lim: lim.orDefault()} }

// NewHashSize returns an empty hash, as NewHash does, with room for n
// fields.
func NewHashSize(lim *Limits, n int) *Hash {
	return &Hash{index: make(map[string]int, n), pairs: make([]pair, 0, n), lim: lim.orDefault()}
}

// Len returns the number of fields.
func (h *Hash) Len() int { return len(h.pairs) }

// Get returns the value of field.
func (h *Hash) Get(field string) (string, bool) {
	i, ok := h.index[field]
	if !ok {
		return "", false
	}
	return h.pairs[i].value, true
}

// Has reports whether field exists.
func (h *Hash) Has(field string) bool {
	_, ok := h.index[field]
	return ok
}

// Set sets field to value and reports whether the field is new. A new field
// goes last.
func (h *Hash) Set(field, value string) bool {
	if limit := h.lim.HashMaxListpackValue; int64(len(field)) > limit || int64(len(value)) > limit {
		h.bigEnc = true
	}
	return h.Load(field, value)
}

// Load sets field to value as Set does, but as Redis loads a listpack
// payload: only the number of fields, not their lengths, can change the
// encoding.
func (h *Hash) Load(field, value string) bool {
	if i, ok := h.index[field]; ok {
		h.pairs[i].value = value
		return false
	}
	h.index[field] = len(h.pairs)
	h.pairs = append(h.pairs, pair{field: field, value: value})
	if int64(len(h.pairs)) > h.lim.HashMaxListpackEntries {
		h.bigEnc = true
	}
	return true
}

// Delete removes field and reports whether it was there. A small hash keeps
// the order of the other fields; in a large one the last field takes the
// deleted one's position (it only ever moves to a lower position, which is
// what makes Scan's guarantee hold).
func (h *Hash) Delete(field string) bool {
	i, ok := h.index[field]
	if !ok {
		return false
	}
	delete(h.index, field)
	last := len(h.pairs) - 1
	if h.bigEnc {
		if i != last {
			h.pairs[i] = h.pairs[last]
			h.index[h.pairs[i].field] = i
		}
	} else {
		// At most 512 fields: shifting them keeps insertion order.
		copy(h.pairs[i:], h.pairs[i+1:])
		for j := i; j < last; j++ {
			h.index[h.pairs[j].field] = j
		}
	}
	h.pairs[last] = pair{}
	h.pairs = h.pairs[:last]
	if c := cap(h.pairs); c > 64 && len(h.pairs) < c/4 {
		// Give memory back after mass deletes; positions do not change.
		h.pairs = append(make([]pair, 0, c/2), h.pairs...)
	}
	return true
}

// At returns the field and value at position i, 0 <= i < Len(). Positions
// change when fields are deleted.
func (h *Hash) At(i int) (field, value string) {
	p := &h.pairs[i]
	return p.field, p.value
}

// Each calls fn for every field in order until fn returns false. fn must not
// change h.
func (h *Hash) Each(fn func(field, value string) bool) {
	for _, p := range h.pairs {
		if !fn(p.field, p.value) {
			return
		}
	}
}

// Scan is one step of a cursor iteration (HSCAN). Cursor 0 starts an
// iteration; Scan calls fn for some fields and returns the cursor to pass
// next, 0 when the iteration is over.
//
// A small hash is returned whole in one step, whatever the cursor, as Redis
// does for a listpack. A large one is walked from its last position down,
// count fields per step; since a field only ever moves to a lower position
// (see Delete), every field that is in the hash for the whole iteration is
// returned at least once. Fields added or deleted meanwhile may or may not
// be, and a field may come twice. fn must not change h.
func (h *Hash) Scan(cursor uint64, count int, fn func(field, value string)) uint64 {
	if !h.bigEnc {
		for _, p := range h.pairs {
			fn(p.field, p.value)
		}
		return 0
	}
	pos := uint64(len(h.pairs))
	if cursor != 0 && cursor < pos {
		pos = cursor
	}
	for ; pos > 0 && count > 0; count-- {
		pos--
		p := &h.pairs[pos]
		fn(p.field, p.value)
	}
	return pos
}

// Clone returns a copy of h, with the same order and encoding.
func (h *Hash) Clone() *Hash {
	c := &Hash{index: make(map[string]int, len(h.pairs)), pairs: make([]pair, len(h.pairs)), bigEnc: h.bigEnc, lim: h.lim}
	copy(c.pairs, h.pairs)
	for i, p := range c.pairs {
		c.index[p.field] = i
	}
	return c
}

// Encoding returns what OBJECT ENCODING reports: "listpack" while the hash is
// small, "hashtable" once it has outgrown that (it does not go back).
func (h *Hash) Encoding() string {
	if h.bigEnc {
		return "hashtable"
	}
	return "listpack"
}

// Listpack reports whether the hash is still small, the "listpack" encoding:
// ordered by insertion and scanned in one step.
func (h *Hash) Listpack() bool { return !h.bigEnc }
