package types

import (
	"math"
	"slices"
	"strconv"
)

// Set is a set value: distinct members. Not safe for concurrent use.
//
// While every member is an integer (in Redis's canonical form: an optional
// '-', no leading zero, within int64) and there are at most 512 of them, a
// Set keeps them as a sorted slice of int64, as Redis's "intset" encoding
// does, so that SMEMBERS, SSCAN and friends list them in ascending numeric
// order exactly as Redis does. A member that is not such an integer, or a
// 513th member, converts the set to the "hashtable" encoding, which it
// never leaves (as in Redis): members are then kept densely in positions 0
// to Len()-1 in no particular order, and deleting a member moves the last
// one into its place.
//
// Either way At gives random access by position, for SPOP and SRANDMEMBER.
type Set struct {
	ints    []int64        // intset encoding: sorted ascending
	index   map[string]int // hashtable encoding: member -> position in members
	members []string       // hashtable encoding: densely packed
	ht      bool           // converted to "hashtable" encoding (never goes back)
	width   uint8          // intset encoding: bytes per integer (2, 4 or 8); it only grows, as in Redis
	lim     *Limits        // the encoding thresholds
}

// NewSet returns an empty set, in the intset encoding until a member that is
// not an integer, or more members than lim's set-max-intset-entries (nil:
// the defaults), turn it into a hash table.
func NewSet(lim *Limits) *Set { return &Set{lim: lim.orDefault()} }

// ParseSetInt reports whether s is an integer as Redis's string2ll reads it
// (an optional '-', then digits with no leading zero except "0" itself,
// within int64), which is what decides whether a member can live in an
// intset, and returns its value.
func ParseSetInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	neg := s[0] == '-'
	digits := s
	if neg {
		digits = s[1:]
	}
	if len(digits) == 0 || digits[0] < '1' || digits[0] > '9' {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v = v * 10
		if v > 1<<64-1-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// Len returns the number of members.
func (s *Set) Len() int {
	if s.ht {
		return len(s.members)
	}
	return len(s.ints)
}

// Intset reports whether the set is still in the intset encoding: integer
// members in ascending order.
func (s *Set) Intset() bool { return !s.ht }

// IntsetWidth returns the bytes per integer of the intset encoding: 2, 4 or
// 8, the width its widest member ever needed (an intset never narrows).
func (s *Set) IntsetWidth() int { return int(max(s.width, 2)) }

// WidenIntset makes the intset encoding at least w bytes per integer (2, 4
// or 8), as a restored intset may be wider than its members need.
func (s *Set) WidenIntset(w int) {
	if !s.ht && w > int(s.width) && (w == 2 || w == 4 || w == 8) {
		s.width = uint8(w)
	}
}

// intWidth is the intset width v needs.
func intWidth(v int64) uint8 {
	switch {
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 2
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 4
	}
	return 8
}

// Encoding returns what OBJECT ENCODING reports: "intset" or "hashtable".
func (s *Set) Encoding() string {
	if s.ht {
		return "hashtable"
	}
	return "intset"
}

// findInt returns the position of v in the intset, or where it would go,
// and whether it is there.
func (s *Set) findInt(v int64) (int, bool) {
	return slices.BinarySearch(s.ints, v)
}

// Has reports whether member is in the set.
func (s *Set) Has(member string) bool {
	if s.ht {
		_, ok := s.index[member]
		return ok
	}
	v, ok := ParseSetInt(member)
	if !ok {
		return false
	}
	_, ok = s.findInt(v)
	return ok
}

// Add adds member and reports whether it is new.
func (s *Set) Add(member string) bool {
	if !s.ht {
		v, ok := ParseSetInt(member)
		if ok {
			i, found := s.findInt(v)
			if found {
				return false
			}
			s.ints = slices.Insert(s.ints, i, v)
			s.width = max(s.width, intWidth(v))
			if int64(len(s.ints)) > s.lim.SetMaxIntsetEntries {
				s.convert()
			}
			return true
		}
		s.convert()
	}
	if _, ok := s.index[member]; ok {
		return false
	}
	s.index[member] = len(s.members)
	s.members = append(s.members, member)
	return true
}

// convert moves the set to the hashtable encoding for good.
func (s *Set) convert() {
	s.index = make(map[string]int, len(s.ints)+1)
	s.members = make([]string, len(s.ints), len(s.ints)+1)
	for i, v := range s.ints {
		m := strconv.FormatInt(v, 10)
		s.members[i] = m
		s.index[m] = i
	}
	s.ints = nil
	s.ht = true
}

// Remove deletes member and reports whether it was there. An intset keeps
// its order; in a hash table the last member takes the deleted one's
// position (it only ever moves to a lower position, which is what makes
// Scan's guarantee hold).
func (s *Set) Remove(member string) bool {
	if !s.ht {
		v, ok := ParseSetInt(member)
		if !ok {
			return false
		}
		i, found := s.findInt(v)
		if !found {
			return false
		}
		s.ints = slices.Delete(s.ints, i, i+1)
		return true
	}
	i, ok := s.index[member]
	if !ok {
		return false
	}
	s.removeAt(i)
	return true
}

// removeAt deletes the member at position i of a hash table.
func (s *Set) removeAt(i int) {
	delete(s.index, s.members[i])
	last := len(s.members) - 1
	if i != last {
		s.members[i] = s.members[last]
		s.index[s.members[i]] = i
	}
	s.members[last] = ""
	s.members = s.members[:last]
	if c := cap(s.members); c > 64 && len(s.members) < c/4 {
		// Give memory back after mass deletes; positions do not change.
		s.members = append(make([]string, 0, c/2), s.members...)
	}
}

// At returns the member at position i, 0 <= i < Len(): the i-th smallest
// of an intset, the i-th slot of a hash table. Positions change when
// members are added or removed.
func (s *Set) At(i int) string {
	if s.ht {
		return s.members[i]
	}
	return strconv.FormatInt(s.ints[i], 10)
}

// RemoveAt deletes the member at position i, 0 <= i < Len(), and returns it.
func (s *Set) RemoveAt(i int) string {
	if s.ht {
		m := s.members[i]
		s.removeAt(i)
		return m
	}
	m := strconv.FormatInt(s.ints[i], 10)
	s.ints = slices.Delete(s.ints, i, i+1)
	return m
}

// Each calls fn for every member in the set's order (ascending for an
// intset) until fn returns false. fn must not change s.
func (s *Set) Each(fn func(member string) bool) {
	if s.ht {
		for _, m := range s.members {
			if !fn(m) {
				return
			}
		}
		return
	}
	var buf [20]byte
	for _, v := range s.ints {
		if !fn(string(strconv.AppendInt(buf[:0], v, 10))) {
			return
		}
	}
}

// Members returns every member in the set's order (ascending for an
// intset).
func (s *Set) Members() []string {
	if s.ht {
		return slices.Clone(s.members)
	}
	out := make([]string, len(s.ints))
	for i, v := range s.ints {
		out[i] = strconv.FormatInt(v, 10)
	}
	return out
}

// Scan is one step of a cursor iteration (SSCAN). Cursor 0 starts an
// iteration; Scan calls fn for some members and returns the cursor to pass
// next, 0 when the iteration is over.
//
// An intset is returned whole in one step, whatever the cursor, as Redis
// does. A hash table is walked from its last position down, count members
// per step; since a member only ever moves to a lower position (see
// Remove), every member that is in the set for the whole iteration is
// returned at least once. Members added or removed meanwhile may or may not
// be, and a member may come twice. fn must not change s.
func (s *Set) Scan(cursor uint64, count int, fn func(member string)) uint64 {
	if !s.ht {
		s.Each(func(m string) bool {
			fn(m)
			return true
		})
		return 0
	}
	pos := uint64(len(s.members))
	if cursor != 0 && cursor < pos {
		pos = cursor
	}
	for ; pos > 0 && count > 0; count-- {
		pos--
		fn(s.members[pos])
	}
	return pos
}

// Clone returns a copy of s, with the same order and encoding.
func (s *Set) Clone() *Set {
	c := &Set{ht: s.ht, width: s.width, lim: s.lim}
	if !s.ht {
		c.ints = slices.Clone(s.ints)
		return c
	}
	c.members = slices.Clone(s.members)
	c.index = make(map[string]int, len(c.members))
	for i, m := range c.members {
		c.index[m] = i
	}
	return c
}
