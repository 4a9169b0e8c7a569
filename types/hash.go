package types

// Hash is a hash value: fields and their values, kept in insertion order as
// Redis keeps small hashes (a listpack), so that HGETALL and friends answer
// in the same order Redis does for them. Not safe for concurrent use.
type Hash struct {
	index  map[string]int // field -> position in pairs
	pairs  []pair         // in insertion order; deleted ones have dead set
	dead   int            // how many pairs are deleted
	bigEnc bool           // converted to "hashtable" encoding (never goes back)
}

type pair struct {
	field, value string
	dead         bool
}

// Redis converts a listpack hash to a hash table when it passes either limit
// (hash-max-listpack-entries, hash-max-listpack-value).
const (
	maxListpackEntries = 128
	maxListpackValue   = 64
)

// NewHash returns an empty hash.
func NewHash() *Hash { return &Hash{index: make(map[string]int)} }

// Len returns the number of fields.
func (h *Hash) Len() int { return len(h.index) }

// Get returns the value of field.
func (h *Hash) Get(field string) (string, bool) {
	i, ok := h.index[field]
	if !ok {
		return "", false
	}
	return h.pairs[i].value, true
}

// Set sets field to value and reports whether the field is new.
func (h *Hash) Set(field, value string) bool {
	if len(field) > maxListpackValue || len(value) > maxListpackValue {
		h.bigEnc = true
	}
	if i, ok := h.index[field]; ok {
		h.pairs[i].value = value
		return false
	}
	h.index[field] = len(h.pairs)
	h.pairs = append(h.pairs, pair{field: field, value: value})
	if len(h.index) > maxListpackEntries {
		h.bigEnc = true
	}
	return true
}

// Delete removes field and reports whether it was there.
func (h *Hash) Delete(field string) bool {
	i, ok := h.index[field]
	if !ok {
		return false
	}
	delete(h.index, field)
	h.pairs[i] = pair{dead: true}
	h.dead++
	if h.dead > 16 && h.dead > len(h.pairs)/2 {
		h.compact()
	}
	return true
}

func (h *Hash) compact() {
	live := h.pairs[:0]
	for _, p := range h.pairs {
		if !p.dead {
			h.index[p.field] = len(live)
			live = append(live, p)
		}
	}
	clear(h.pairs[len(live):])
	h.pairs, h.dead = live, 0
}

// Each calls fn for every field in order until fn returns false.
func (h *Hash) Each(fn func(field, value string) bool) {
	for _, p := range h.pairs {
		if !p.dead && !fn(p.field, p.value) {
			return
		}
	}
}

// Clone returns a copy of h.
func (h *Hash) Clone() *Hash {
	c := &Hash{index: make(map[string]int, len(h.index)), bigEnc: h.bigEnc}
	h.Each(func(f, v string) bool {
		c.index[f] = len(c.pairs)
		c.pairs = append(c.pairs, pair{field: f, value: v})
		return true
	})
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
