package types

import (
	"encoding/binary"
	"sort"

	"github.com/google/btree"
)

// Consumer groups of a stream, kept as Redis 7.0 keeps them: each group has
// a last delivered ID, a logical read counter (entries-read) and a pending
// entries list (PEL) of entries delivered but not acknowledged; each
// consumer has its own PEL that shares the group's entries.

// StreamGroup is a consumer group. Not safe for concurrent use.
type StreamGroup struct {
	Name   string
	LastID StreamID // the last ID delivered to the group
	// EntriesRead is the group's logical read counter, -1 when unknown.
	EntriesRead int64

	pel       *btree.BTreeG[*PendingEntry]
	consumers map[string]*StreamConsumer
}

// StreamConsumer is a consumer of a group. Not safe for concurrent use.
type StreamConsumer struct {
	Name     string
	SeenTime int64 // Unix ms of the last time a command named it

	pel *btree.BTreeG[*PendingEntry]
}

// PendingEntry is an entry delivered to a consumer and not yet
// acknowledged.
type PendingEntry struct {
	ID            StreamID
	DeliveryTime  int64 // Unix ms of the last delivery
	DeliveryCount int64
	Consumer      *StreamConsumer
}

// UnknownEntriesRead is the EntriesRead of a group whose counter is not
// known.
const UnknownEntriesRead = -1

func pendingLess(a, b *PendingEntry) bool { return a.ID.Less(b.ID) }

func newPEL() *btree.BTreeG[*PendingEntry] { return btree.NewG(16, pendingLess) }

// Group returns the group called name, or nil.
func (s *Stream) Group(name string) *StreamGroup { return s.groups[name] }

// GroupCount returns the number of groups.
func (s *Stream) GroupCount() int { return len(s.groups) }

// CreateGroup adds a group and returns it, or nil if one has that name.
func (s *Stream) CreateGroup(name string, lastID StreamID, entriesRead int64) *StreamGroup {
	if _, ok := s.groups[name]; ok {
		return nil
	}
	if s.groups == nil {
		s.groups = make(map[string]*StreamGroup)
	}
	g := &StreamGroup{Name: name, LastID: lastID, EntriesRead: entriesRead, pel: newPEL(), consumers: map[string]*StreamConsumer{}}
	s.groups[name] = g
	return g
}

// DestroyGroup removes the group called name and reports whether it was
// there.
func (s *Stream) DestroyGroup(name string) bool {
	if _, ok := s.groups[name]; !ok {
		return false
	}
	delete(s.groups, name)
	return true
}

// Groups returns the groups ordered by name, bytewise.
func (s *Stream) Groups() []*StreamGroup {
	out := make([]*StreamGroup, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Consumer returns the consumer called name, or nil.
func (g *StreamGroup) Consumer(name string) *StreamConsumer { return g.consumers[name] }

// CreateConsumer adds a consumer seen at now and returns it, or nil if
// one has that name.
func (g *StreamGroup) CreateConsumer(name string, now int64) *StreamConsumer {
	if _, ok := g.consumers[name]; ok {
		return nil
	}
	c := &StreamConsumer{Name: name, SeenTime: now, pel: newPEL()}
	g.consumers[name] = c
	return c
}

// SeeConsumer returns the consumer called name, created if needed, with
// its seen time set to now.
func (g *StreamGroup) SeeConsumer(name string, now int64) *StreamConsumer {
	if c := g.consumers[name]; c != nil {
		c.SeenTime = now
		return c
	}
	return g.CreateConsumer(name, now)
}

// DeleteConsumer removes the consumer called name and its pending entries,
// and returns how many entries it had pending; ok is false if there was no
// such consumer.
func (g *StreamGroup) DeleteConsumer(name string) (pending int, ok bool) {
	c := g.consumers[name]
	if c == nil {
		return 0, false
	}
	pending = c.pel.Len()
	c.pel.Ascend(func(p *PendingEntry) bool {
		g.pel.Delete(p)
		return true
	})
	delete(g.consumers, name)
	return pending, true
}

// ConsumerCount returns the number of consumers.
func (g *StreamGroup) ConsumerCount() int { return len(g.consumers) }

// Consumers returns the consumers ordered by name, bytewise.
func (g *StreamGroup) Consumers() []*StreamConsumer {
	out := make([]*StreamConsumer, 0, len(g.consumers))
	for _, c := range g.consumers {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PendingLen returns the number of entries in the group's PEL.
func (g *StreamGroup) PendingLen() int { return g.pel.Len() }

// Pending returns the PEL entry for id, or nil.
func (g *StreamGroup) Pending(id StreamID) *PendingEntry {
	p, _ := g.pel.Get(&PendingEntry{ID: id})
	return p
}

// PendingBounds returns the lowest and highest IDs of the PEL; ok is false
// when it is empty.
func (g *StreamGroup) PendingBounds() (first, last StreamID, ok bool) {
	lo, ok := g.pel.Min()
	if !ok {
		return first, last, false
	}
	hi, _ := g.pel.Max()
	return lo.ID, hi.ID, true
}

// AscendPending calls fn with the group's PEL entries from start on, in ID
// order, until fn returns false.
func (g *StreamGroup) AscendPending(start StreamID, fn func(*PendingEntry) bool) {
	g.pel.AscendGreaterOrEqual(&PendingEntry{ID: start}, fn)
}

// PendingLen returns the number of entries in the consumer's PEL.
func (c *StreamConsumer) PendingLen() int { return c.pel.Len() }

// AscendPending calls fn with the consumer's PEL entries from start on, in
// ID order, until fn returns false.
func (c *StreamConsumer) AscendPending(start StreamID, fn func(*PendingEntry) bool) {
	c.pel.AscendGreaterOrEqual(&PendingEntry{ID: start}, fn)
}

// Ack removes id from the PELs and reports whether it was pending.
func (g *StreamGroup) Ack(id StreamID) bool {
	p, ok := g.pel.Delete(&PendingEntry{ID: id})
	if !ok {
		return false
	}
	if p.Consumer != nil {
		p.Consumer.pel.Delete(p)
	}
	return true
}

// Deliver records that id went to consumer c at now, as a read does: a new
// PEL entry delivered once, or, when another consumer had it pending, the
// entry moved to c with its count reset to 1.
func (g *StreamGroup) Deliver(id StreamID, c *StreamConsumer, now int64) {
	p := &PendingEntry{ID: id, DeliveryTime: now, DeliveryCount: 1, Consumer: c}
	if old, found := g.pel.ReplaceOrInsert(p); found {
		g.pel.ReplaceOrInsert(old)
		old.Consumer.pel.Delete(old)
		old.Consumer, old.DeliveryTime, old.DeliveryCount = c, now, 1
		p = old
	}
	c.pel.ReplaceOrInsert(p)
}

// Force adds a PEL entry for id delivered once at now and owned by no
// consumer yet, as XCLAIM FORCE does, and returns it; Claim must give it an
// owner.
func (g *StreamGroup) Force(id StreamID, now int64) *PendingEntry {
	p := &PendingEntry{ID: id, DeliveryTime: now, DeliveryCount: 1}
	g.pel.ReplaceOrInsert(p)
	return p
}

// Claim moves p to consumer c.
func (g *StreamGroup) Claim(p *PendingEntry, c *StreamConsumer) {
	if p.Consumer == c {
		return
	}
	if p.Consumer != nil {
		p.Consumer.pel.Delete(p)
	}
	p.Consumer = c
	c.pel.ReplaceOrInsert(p)
}

// Exists reports whether the stream holds a live entry with id.
func (s *Stream) Exists(id StreamID) bool {
	_, ok := s.Entry(id)
	return ok
}

// Entry returns the live entry with id.
func (s *Stream) Entry(id StreamID) (StreamEntry, bool) {
	var out StreamEntry
	found := false
	s.Range(id, id, 1, false, func(e StreamEntry) bool {
		out, found = e, true
		return false
	})
	return out, found
}

// rangeHasTombstones reports whether entries were deleted (by XDEL) at or
// after start, as far as the stream's metadata tells.
func (s *Stream) rangeHasTombstones(start StreamID) bool {
	if s.length == 0 || s.MaxDeletedID.IsZero() {
		return false
	}
	if s.FirstID.Compare(s.MaxDeletedID) > 0 {
		return false
	}
	return start.Compare(s.MaxDeletedID) <= 0
}

// EntriesReadAt returns the logical read counter of id, its distance from
// the first entry ever added, when the metadata can tell it, else
// UnknownEntriesRead.
func (s *Stream) EntriesReadAt(id StreamID) int64 {
	added := int64(s.EntriesAdded)
	if added == 0 {
		return 0
	}
	cmpLast := id.Compare(s.LastID)
	if s.length == 0 && cmpLast <= 0 {
		return added
	}
	switch {
	case cmpLast == 0:
		return added
	case cmpLast > 0:
		return UnknownEntriesRead
	}
	if s.MaxDeletedID.IsZero() || s.MaxDeletedID.Less(s.FirstID) {
		switch id.Compare(s.FirstID) {
		case -1:
			return added - int64(s.length)
		case 0:
			return added - int64(s.length) + 1
		}
	}
	return UnknownEntriesRead
}

// Lag returns how many entries the group has yet to read; ok is false when
// the stream's metadata cannot tell.
func (s *Stream) Lag(g *StreamGroup) (lag int64, ok bool) {
	added := int64(s.EntriesAdded)
	if added == 0 {
		return 0, true
	}
	if g.EntriesRead != UnknownEntriesRead && !s.rangeHasTombstones(g.LastID) {
		return added - g.EntriesRead, true
	}
	if read := s.EntriesReadAt(g.LastID); read != UnknownEntriesRead {
		return added - read, true
	}
	return 0, false
}

// ReadGroup reads up to count entries (all when count <= 0) from start on
// for consumer c of group g at now: the group's last ID and read counter
// move past each entry, and unless noack each goes in the PELs. fn is
// called with each entry.
func (s *Stream) ReadGroup(g *StreamGroup, c *StreamConsumer, start StreamID, count int, noack bool, now int64, fn func(StreamEntry)) {
	s.Range(start, MaxStreamID, count, false, func(e StreamEntry) bool {
		if g.LastID.Less(e.ID) {
			if g.EntriesRead != UnknownEntriesRead && !s.rangeHasTombstones(e.ID) {
				g.EntriesRead++
			} else if s.EntriesAdded != 0 {
				g.EntriesRead = s.EntriesReadAt(e.ID)
			}
			g.LastID = e.ID
		}
		if !noack {
			g.Deliver(e.ID, c, now)
		}
		fn(e)
		return true
	})
}

// cloneGroups copies the groups of s, with their consumers and PELs.
func (s *Stream) cloneGroups() map[string]*StreamGroup {
	if len(s.groups) == 0 {
		return nil
	}
	out := make(map[string]*StreamGroup, len(s.groups))
	for name, g := range s.groups {
		ng := &StreamGroup{Name: g.Name, LastID: g.LastID, EntriesRead: g.EntriesRead, pel: newPEL(), consumers: make(map[string]*StreamConsumer, len(g.consumers))}
		for cname, c := range g.consumers {
			ng.consumers[cname] = &StreamConsumer{Name: c.Name, SeenTime: c.SeenTime, pel: newPEL()}
		}
		g.pel.Ascend(func(p *PendingEntry) bool {
			np := &PendingEntry{ID: p.ID, DeliveryTime: p.DeliveryTime, DeliveryCount: p.DeliveryCount}
			if p.Consumer != nil {
				np.Consumer = ng.consumers[p.Consumer.Name]
				np.Consumer.pel.ReplaceOrInsert(np)
			}
			ng.pel.ReplaceOrInsert(np)
			return true
		})
		out[name] = ng
	}
	return out
}

// RaxNodes returns the number of nodes of the radix tree Redis would keep
// the stream's nodes in (XINFO's radix-tree-nodes): a compressed radix tree
// over the 16-byte big-endian master IDs, with one node for the root, each
// branching point, each run of single-child positions and each key.
func (s *Stream) RaxNodes() int {
	if len(s.nodes) == 0 {
		return 1
	}
	keys := make([][16]byte, len(s.nodes))
	for i, n := range s.nodes {
		binary.BigEndian.PutUint64(keys[i][:8], n.master.Ms)
		binary.BigEndian.PutUint64(keys[i][8:], n.master.Seq)
	}
	return raxSubtree(keys, 0)
}

// raxSubtree counts the nodes of the subtree whose node sits at depth d,
// over sorted distinct keys that share their first d bytes.
func raxSubtree(keys [][16]byte, d int) int {
	if d == 16 {
		return 1
	}
	first, last := &keys[0], &keys[len(keys)-1]
	q := d
	for q < 16 && first[q] == last[q] {
		q++
	}
	if q > d {
		return 1 + raxSubtree(keys, q) // a compressed node up to the next branch or key
	}
	n := 1
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j][d] == keys[i][d] {
			j++
		}
		n += raxSubtree(keys[i:j], d+1)
		i = j
	}
	return n
}
