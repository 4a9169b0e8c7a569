package types

// The node view of a stream, for serializing it as Redis's RDB does (a
// listpack per node) and reading it back.

// StreamNodeEntry is an entry as its node holds it: deleted entries stay,
// with their fields, until the whole node goes.
type StreamNodeEntry struct {
	ID      StreamID
	Pairs   []string // field/value pairs
	Deleted bool
}

// EachNode calls fn with each node in ID order: the master ID and fields
// (those of the node's first entry) and every entry, deleted ones included.
// fn must not keep or change the slices.
func (s *Stream) EachNode(fn func(master StreamID, fields []string, entries []StreamNodeEntry)) {
	var buf []StreamNodeEntry
	for _, n := range s.nodes {
		buf = buf[:0]
		for _, e := range n.entries {
			buf = append(buf, StreamNodeEntry{e.id, e.fields, e.deleted})
		}
		fn(n.master, n.fields, buf)
	}
}

// AppendNode adds a node after the last one, as read from a serialized
// stream, and reports whether it is well formed: IDs strictly increasing
// and above every existing entry, pairs in twos, at least one live entry.
// It counts the live entries into Len but sets none of the stream's
// metadata (LastID, EntriesAdded, ...), which the caller restores.
func (s *Stream) AppendNode(master StreamID, fields []string, entries []StreamNodeEntry) bool {
	if len(entries) == 0 {
		return false
	}
	if len(s.nodes) > 0 && !s.nodes[len(s.nodes)-1].last.Less(entries[0].ID) {
		return false
	}
	n := &streamNode{master: master, fields: append([]string(nil), fields...)}
	n.bytes = 7 + 2 + 2 + lpIntSize(int64(len(fields))) + 2
	for _, f := range fields {
		n.bytes += lpStrSize(f)
	}
	for i, e := range entries {
		if len(e.Pairs)%2 != 0 || i > 0 && !entries[i-1].ID.Less(e.ID) {
			return false
		}
		n.bytes += n.entrySize(e.ID, e.Pairs)
		n.entries = append(n.entries, nodeEntry{id: e.ID, fields: append([]string(nil), e.Pairs...), deleted: e.Deleted})
		if !e.Deleted {
			n.live++
		}
	}
	if n.live == 0 {
		return false
	}
	n.last = entries[len(entries)-1].ID
	s.nodes = append(s.nodes, n)
	s.length += n.live
	return true
}

// entrySize is the bytes an entry with id and pairs takes in n's listpack.
func (n *streamNode) entrySize(id StreamID, pairs []string) int {
	numFields := len(pairs) / 2
	size := 2 + lpIntSize(int64(id.Ms-n.master.Ms)) + lpIntSize(int64(id.Seq-n.master.Seq))
	lpCount := numFields + 3
	if sameFields(n.fields, pairs) {
		for i := 1; i < len(pairs); i += 2 {
			size += lpStrSize(pairs[i])
		}
	} else {
		size += lpIntSize(int64(numFields))
		for _, p := range pairs {
			size += lpStrSize(p)
		}
		lpCount += numFields + 1
	}
	return size + lpIntSize(int64(lpCount))
}
