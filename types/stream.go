package types

import (
	"math"
	"strconv"
)

// StreamID is a stream entry ID: milliseconds and a sequence number.
type StreamID struct {
	Ms, Seq uint64
}

// MaxStreamID is the largest ID, ms and seq both at their maximum.
var MaxStreamID = StreamID{math.MaxUint64, math.MaxUint64}

// Compare returns -1, 0 or 1 as a is less than, equal to or greater than b.
func (a StreamID) Compare(b StreamID) int {
	switch {
	case a.Ms < b.Ms:
		return -1
	case a.Ms > b.Ms:
		return 1
	case a.Seq < b.Seq:
		return -1
	case a.Seq > b.Seq:
		return 1
	}
	return 0
}

// Less reports whether a sorts before b.
func (a StreamID) Less(b StreamID) bool { return a.Compare(b) < 0 }

// IsZero reports whether a is 0-0.
func (a StreamID) IsZero() bool { return a.Ms == 0 && a.Seq == 0 }

// Incr returns the ID right after a, and false if a is the largest ID.
func (a StreamID) Incr() (StreamID, bool) {
	switch {
	case a.Seq != math.MaxUint64:
		return StreamID{a.Ms, a.Seq + 1}, true
	case a.Ms != math.MaxUint64:
		return StreamID{a.Ms + 1, 0}, true
	}
	return a, false
}

// Decr returns the ID right before a, and false if a is 0-0.
func (a StreamID) Decr() (StreamID, bool) {
	switch {
	case a.Seq != 0:
		return StreamID{a.Ms, a.Seq - 1}, true
	case a.Ms != 0:
		return StreamID{a.Ms - 1, math.MaxUint64}, true
	}
	return a, false
}

// String formats a as "<ms>-<seq>".
func (a StreamID) String() string {
	b := make([]byte, 0, 41)
	b = strconv.AppendUint(b, a.Ms, 10)
	b = append(b, '-')
	b = strconv.AppendUint(b, a.Seq, 10)
	return string(b)
}

// StreamEntry is one entry of a stream: its ID and its field/value pairs,
// in the order they were added.
type StreamEntry struct {
	ID     StreamID
	Fields []string
}

// Stream is a stream value: entries ordered by ID, with the metadata Redis
// keeps (the last ID generated, entries added, the largest deleted ID, the
// first entry's ID). Not safe for concurrent use.
//
// Entries are kept in nodes laid out as Redis 7.0 lays out its listpack
// nodes (at most stream-node-max-entries entries, live or deleted, and
// about stream-node-max-bytes bytes, from its Limits), so that approximate trimming, which removes
// whole nodes only, removes exactly what Redis removes. Nodes sit in a
// slice ordered by the ID of their first entry: appends and trims work at
// its ends, a range read finds its first node by binary search.
type Stream struct {
	nodes  []*streamNode
	length int

	LastID       StreamID // the last ID generated or set
	FirstID      StreamID // the first live entry's ID, 0-0 when empty
	MaxDeletedID StreamID // the largest ID deleted by XDEL (or set by XSETID)
	EntriesAdded uint64   // how many entries were ever added

	groups map[string]*StreamGroup
	lim    *Limits // the node size limits
}

// streamListpackMaxSize bounds a node's bytes when stream-node-max-bytes is
// 0 (no limit) or above it, as in Redis.
const streamListpackMaxSize = 1 << 30

// streamNode is one listpack node: its master ID and fields (those of its
// first entry), its entries (deleted ones stay, flagged, as in Redis), and
// the byte size Redis's listpack would have.
type streamNode struct {
	master  StreamID // the first entry's ID
	last    StreamID // the last entry's ID (entries stay, flagged, when deleted)
	fields  []string // the master entry's fields
	entries []nodeEntry
	live    int
	bytes   int
}

type nodeEntry struct {
	id      StreamID
	fields  []string // field/value pairs
	deleted bool
}

// NewStream returns an empty stream whose nodes follow lim (nil: the
// defaults).
func NewStream(lim *Limits) *Stream { return &Stream{lim: lim.orDefault()} }

// Len returns the number of entries.
func (s *Stream) Len() int { return s.length }

// Encoding is what OBJECT ENCODING reports.
func (s *Stream) Encoding() string { return "stream" }

// Nodes returns the number of nodes (XINFO's radix-tree-keys).
func (s *Stream) Nodes() int { return len(s.nodes) }

// Clone returns a deep copy of s.
func (s *Stream) Clone() *Stream {
	c := *s
	c.nodes = make([]*streamNode, len(s.nodes))
	for i, n := range s.nodes {
		m := *n
		m.entries = append([]nodeEntry(nil), n.entries...)
		c.nodes[i] = &m
	}
	c.groups = s.cloneGroups()
	return &c
}

// lpIntSize is the size of an integer element of a listpack, backlen
// included.
func lpIntSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 2
	case v >= -4096 && v <= 4095:
		return 3
	case v >= -32768 && v <= 32767:
		return 4
	case v >= -8388608 && v <= 8388607:
		return 5
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 6
	}
	return 10
}

// lpStrSize is the size of a string element of a listpack, stored as an
// integer when it reads as one, backlen included.
func lpStrSize(s string) int {
	if v, ok := ParseSetInt(s); ok {
		return lpIntSize(v)
	}
	n := len(s)
	switch {
	case n <= 63:
		n++
	case n <= 4095:
		n += 2
	default:
		n += 5
	}
	switch {
	case n <= 127:
		return n + 1
	case n < 16383:
		return n + 2
	case n < 2097151:
		return n + 3
	case n < 268435455:
		return n + 4
	}
	return n + 5
}

func sameFields(master, pairs []string) bool {
	if len(master)*2 != len(pairs) {
		return false
	}
	for i, f := range master {
		if pairs[2*i] != f {
			return false
		}
	}
	return true
}

// Append adds an entry with the given ID, which the caller checked is
// greater than LastID, and field/value pairs.
func (s *Stream) Append(id StreamID, pairs []string) {
	pairs = append([]string(nil), pairs...)
	var n *streamNode
	if len(s.nodes) > 0 {
		n = s.nodes[len(s.nodes)-1]
		total := 0
		for _, p := range pairs {
			total += len(p)
		}
		maxBytes := s.lim.StreamNodeMaxBytes
		if maxBytes <= 0 || maxBytes > streamListpackMaxSize {
			maxBytes = streamListpackMaxSize
		}
		maxEntries := s.lim.StreamNodeMaxEntries
		if int64(n.bytes+total) >= maxBytes || (maxEntries > 0 && int64(len(n.entries)) >= maxEntries) {
			n = nil
		}
	}
	if n == nil {
		n = &streamNode{master: id}
		n.fields = make([]string, len(pairs)/2)
		n.bytes = 7 + 2 + 2 + lpIntSize(int64(len(n.fields))) + 2
		for i := range n.fields {
			n.fields[i] = pairs[2*i]
			n.bytes += lpStrSize(pairs[2*i])
		}
		s.nodes = append(s.nodes, n)
	}
	n.bytes += n.entrySize(id, pairs)
	n.entries = append(n.entries, nodeEntry{id: id, fields: pairs})
	n.last = id
	n.live++
	s.length++
	s.EntriesAdded++
	s.LastID = id
	if s.length == 1 {
		s.FirstID = id
	}
}

// nodeIndex returns the index of the node that would hold id: the last
// whose master ID is at most id, else 0.
func (s *Stream) nodeIndex(id StreamID) int {
	lo, hi := 0, len(s.nodes)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if id.Less(s.nodes[m].master) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return max(lo-1, 0)
}

// removeNode drops the node at index i.
func (s *Stream) removeNode(i int) {
	if i == 0 {
		s.nodes[0] = nil
		s.nodes = s.nodes[1:]
		return
	}
	copy(s.nodes[i:], s.nodes[i+1:])
	s.nodes[len(s.nodes)-1] = nil
	s.nodes = s.nodes[:len(s.nodes)-1]
}

// search returns the index of the first entry whose ID is at least id.
// IDs in a node are usually spread evenly, so it first probes where id
// would sit if they were and walks a few entries from there (a few cache
// lines instead of a binary search's), then falls back to binary search.
func (n *streamNode) search(id StreamID) int {
	es := n.entries
	lo, hi := 0, len(es)
	if hi >= 8 {
		first, last := n.master, n.last // es[0].id and es[hi-1].id, without touching es
		if !first.Less(id) {
			return 0
		}
		if last.Less(id) {
			return hi
		}
		// first < id <= last: the answer is in [1, hi-1].
		var frac float64
		if last.Ms != first.Ms {
			frac = float64(id.Ms-first.Ms) / float64(last.Ms-first.Ms)
		} else {
			frac = float64(id.Seq-first.Seq) / float64(last.Seq-first.Seq)
		}
		g := min(max(int(frac*float64(hi-1)), 1), hi-1)
		if es[g].id.Less(id) {
			lo = g + 1
			for k := 0; k < 4 && lo < hi-1 && es[lo].id.Less(id); k++ {
				lo++
			}
			if !es[lo].id.Less(id) {
				return lo
			}
		} else {
			hi = g
			lo = 1
			for k := 0; k < 4 && hi > lo && !es[hi-1].id.Less(id); k++ {
				hi--
			}
			if es[hi-1].id.Less(id) {
				return hi
			}
		}
	}
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		e := es[m].id
		if e.Ms < id.Ms || e.Ms == id.Ms && e.Seq < id.Seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Delete removes the entry with the given ID and reports whether it was
// there. It does not update FirstID or MaxDeletedID.
func (s *Stream) Delete(id StreamID) bool {
	if len(s.nodes) == 0 {
		return false
	}
	ni := s.nodeIndex(id)
	n := s.nodes[ni]
	i := n.search(id)
	if i == len(n.entries) || n.entries[i].id != id || n.entries[i].deleted {
		return false
	}
	if n.live == 1 {
		s.removeNode(ni)
	} else {
		n.entries[i].deleted = true // its fields stay, as in the listpack
		n.live--
	}
	s.length--
	return true
}

// UpdateFirstID sets FirstID to the first live entry's ID, or 0-0.
func (s *Stream) UpdateFirstID() {
	s.FirstID = StreamID{}
	s.Range(StreamID{}, MaxStreamID, 1, false, func(e StreamEntry) bool {
		s.FirstID = e.ID
		return false
	})
}

// LastValidID returns the ID of the last live entry, or 0-0.
func (s *Stream) LastValidID() StreamID {
	var id StreamID
	s.Range(StreamID{}, MaxStreamID, 1, true, func(e StreamEntry) bool {
		id = e.ID
		return false
	})
	return id
}

// Range calls fn with the live entries whose ID is within [start, end], in
// order (reversed with rev), at most count of them when count > 0, until
// fn returns false.
func (s *Stream) Range(start, end StreamID, count int, rev bool, fn func(StreamEntry) bool) {
	if end.Less(start) || s.length == 0 {
		return
	}
	sent := 0
	if !rev {
		for ni := s.nodeIndex(start); ni < len(s.nodes); ni++ {
			n := s.nodes[ni]
			if end.Less(n.master) {
				return
			}
			for i := n.search(start); i < len(n.entries); i++ {
				e := &n.entries[i]
				if end.Less(e.id) {
					return
				}
				if e.deleted {
					continue
				}
				if !fn(StreamEntry{e.id, e.fields}) {
					return
				}
				sent++
				if count > 0 && sent >= count {
					return
				}
			}
		}
		return
	}
	for ni := s.nodeIndex(end); ni >= 0; ni-- {
		n := s.nodes[ni]
		i := n.search(end)
		if i == len(n.entries) || end.Less(n.entries[i].id) {
			i--
		}
		for ; i >= 0; i-- {
			e := &n.entries[i]
			if e.id.Less(start) {
				return
			}
			if e.deleted {
				continue
			}
			if !fn(StreamEntry{e.id, e.fields}) {
				return
			}
			sent++
			if count > 0 && sent >= count {
				return
			}
		}
	}
}

// Trim removes entries from the head as XTRIM does: down to maxLen entries
// (when byID is false) or those with an ID below minID (when byID is true).
// With approx only whole nodes go. A limit above 0 caps how many entries
// (counted by whole nodes) go. It returns how many entries were removed and
// updates FirstID.
func (s *Stream) Trim(maxLen int64, minID StreamID, byID, approx bool, limit int64) int64 {
	var deleted int64
	for {
		if !byID && int64(s.length) <= maxLen {
			break
		}
		if len(s.nodes) == 0 {
			break
		}
		n := s.nodes[0]
		entries := int64(n.live)
		if limit > 0 && deleted+entries > limit {
			break
		}
		var remove bool
		if !byID {
			remove = int64(s.length)-entries >= maxLen
		} else {
			remove = n.entries[len(n.entries)-1].id.Less(minID)
		}
		if remove {
			s.removeNode(0)
			s.length -= int(entries)
			deleted += entries
			continue
		}
		if approx {
			break
		}
		for i := range n.entries {
			e := &n.entries[i]
			if !byID && int64(s.length) <= maxLen || byID && !e.id.Less(minID) {
				break
			}
			if !e.deleted {
				e.deleted = true
				n.live--
				s.length--
				deleted++
			}
		}
		break
	}
	if deleted > 0 {
		s.UpdateFirstID()
	}
	return deleted
}
