package types

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStreamNodeSearch(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		n := &streamNode{}
		var id StreamID
		size := 1 + r.IntN(120)
		for range size {
			switch r.IntN(3) {
			case 0:
				id.Seq++
			case 1:
				id = StreamID{id.Ms + 1 + uint64(r.IntN(1000)), uint64(r.IntN(3))}
			default:
				if round%7 == 0 {
					id = StreamID{id.Ms + 1 + uint64(r.Int64N(1<<55)), 0}
				} else {
					id.Seq += 1 + uint64(r.IntN(5))
				}
			}
			n.entries = append(n.entries, nodeEntry{id: id})
		}
		n.master, n.last = n.entries[0].id, id
		for range 50 {
			var probe StreamID
			switch r.IntN(3) {
			case 0:
				probe = n.entries[r.IntN(size)].id
			case 1:
				probe = StreamID{uint64(r.Int64N(int64(id.Ms + 2))), uint64(r.IntN(8))}
			default:
				probe = n.entries[r.IntN(size)].id
				probe, _ = probe.Incr()
			}
			want := sort.Search(size, func(i int) bool { return !n.entries[i].id.Less(probe) })
			require.Equal(t, want, n.search(probe), "round %d probe %v", round, probe)
		}
	}
}

func TestStreamRangeAndDelete(t *testing.T) {
	s := NewStream(nil)
	var ids []StreamID
	for i := 1; i <= 1000; i++ {
		id := StreamID{uint64(i / 3), uint64(i % 3)}
		s.Append(id, []string{"f", "v"})
		ids = append(ids, id)
	}
	assert.Equal(t, 10, s.Nodes())
	// Delete every entry of the third node: the node goes.
	for _, id := range ids[200:300] {
		require.True(t, s.Delete(id))
	}
	assert.False(t, s.Delete(ids[250]))
	assert.Equal(t, 9, s.Nodes())
	assert.Equal(t, 900, s.Len())
	var got []StreamID
	s.Range(ids[195], ids[305], 0, false, func(e StreamEntry) bool {
		got = append(got, e.ID)
		return true
	})
	assert.Equal(t, append(append([]StreamID{}, ids[195:200]...), ids[300:306]...), got)
	got = got[:0]
	s.Range(ids[195], ids[305], 3, true, func(e StreamEntry) bool {
		got = append(got, e.ID)
		return true
	})
	assert.Equal(t, []StreamID{ids[305], ids[304], ids[303]}, got)
	// The first node goes whole too.
	for _, id := range ids[:100] {
		require.True(t, s.Delete(id))
	}
	assert.Equal(t, 8, s.Nodes())
	s.UpdateFirstID()
	assert.Equal(t, ids[100], s.FirstID)
	e, ok := s.Entry(ids[999])
	assert.True(t, ok)
	assert.Equal(t, []string{"f", "v"}, e.Fields)
	assert.False(t, s.Exists(ids[0]))
}

func TestStreamRaxNodes(t *testing.T) {
	s := NewStream(nil)
	assert.Equal(t, 1, s.RaxNodes())
	s.nodes = []*streamNode{{master: StreamID{1, 1}}}
	assert.Equal(t, 2, s.RaxNodes()) // a compressed root and the key
	s.nodes = append(s.nodes, &streamNode{master: StreamID{1, 2}})
	// "...01 00..01" and "...01 00..02" share 15 bytes: compressed root,
	// a branching node, two keys.
	assert.Equal(t, 4, s.RaxNodes())
	s.nodes = append(s.nodes, &streamNode{master: StreamID{2, 0}})
	// Branch at byte 7 (ms 1 / 2): root compressed to it, the branch,
	// under 1 a compressed node to the branch at byte 15 with two keys,
	// under 2 a compressed node and a key.
	assert.Equal(t, 1+1+(1+1+2)+(1+1), s.RaxNodes())
}

func TestStreamGroupsPEL(t *testing.T) {
	s := NewStream(nil)
	for i := 1; i <= 5; i++ {
		s.Append(StreamID{uint64(i), 0}, []string{"f", "v"})
	}
	g := s.CreateGroup("g", StreamID{}, 0)
	require.NotNil(t, g)
	assert.Nil(t, s.CreateGroup("g", StreamID{}, 0))
	a := g.SeeConsumer("a", 10)
	var read []StreamID
	s.ReadGroup(g, a, StreamID{0, 1}, 3, false, 10, func(e StreamEntry) { read = append(read, e.ID) })
	assert.Equal(t, []StreamID{{1, 0}, {2, 0}, {3, 0}}, read)
	assert.Equal(t, StreamID{3, 0}, g.LastID)
	assert.EqualValues(t, 3, g.EntriesRead)
	lag, ok := s.Lag(g)
	assert.True(t, ok)
	assert.EqualValues(t, 2, lag)
	assert.Equal(t, 3, a.PendingLen())

	// Delivering an entry another consumer has moves it, count reset.
	b := g.SeeConsumer("b", 20)
	p := g.Pending(StreamID{2, 0})
	p.DeliveryCount = 5
	g.Deliver(StreamID{2, 0}, b, 20)
	assert.Same(t, b, p.Consumer)
	assert.EqualValues(t, 1, p.DeliveryCount)
	assert.Equal(t, 2, a.PendingLen())
	assert.Equal(t, 1, b.PendingLen())

	// Clone copies the groups with their PELs.
	c := s.Clone()
	assert.True(t, c.Group("g").Ack(StreamID{1, 0}))
	assert.Equal(t, 3, g.PendingLen())
	assert.Equal(t, 2, c.Group("g").PendingLen())

	n, ok := g.DeleteConsumer("a")
	assert.True(t, ok)
	assert.Equal(t, 2, n)
	assert.Equal(t, 1, g.PendingLen())
	assert.False(t, g.Ack(StreamID{1, 0}))
	assert.True(t, g.Ack(StreamID{2, 0}))
	assert.Equal(t, 0, b.PendingLen())

	// A deletion ahead of the group makes its counter unusable for lag.
	require.True(t, s.Delete(StreamID{4, 0}))
	s.MaxDeletedID = StreamID{4, 0}
	_, ok = s.Lag(g)
	assert.False(t, ok)
	assert.True(t, s.DestroyGroup("g"))
	assert.False(t, s.DestroyGroup("g"))
}
