package racefree

import (
	"strings"
	"time"

	"github.com/racefree/racefree/types"
)

// XINFO STREAM (and FULL), GROUPS and CONSUMERS. radix-tree-keys is the
// number of nodes the stream's entries sit in; radix-tree-nodes is the node
// count of the radix tree Redis would keep those nodes in, computed from
// their IDs (types.Stream.RaxNodes).

// XInfoStream is what XINFO STREAM reports about a stream. FirstEntry and
// LastEntry are nil when the stream is empty.
type XInfoStream struct {
	Length               int64
	RadixTreeKeys        int64
	RadixTreeNodes       int64
	LastGeneratedID      string
	MaxDeletedEntryID    string
	EntriesAdded         int64
	RecordedFirstEntryID string
	Groups               int64
	FirstEntry           *XMessage
	LastEntry            *XMessage
}

// XInfoStreamFull is what XINFO STREAM FULL reports: the stream's metadata,
// its first entries and its groups in detail.
type XInfoStreamFull struct {
	Length               int64
	RadixTreeKeys        int64
	RadixTreeNodes       int64
	LastGeneratedID      string
	MaxDeletedEntryID    string
	EntriesAdded         int64
	RecordedFirstEntryID string
	Entries              []XMessage
	Groups               []XInfoFullGroup
}

// XInfoFullGroup is a group in XINFO STREAM FULL. EntriesRead and Lag are
// meaningful only when EntriesReadKnown and LagKnown are true (Redis
// replies nil otherwise).
type XInfoFullGroup struct {
	Name             string
	LastDeliveredID  string
	EntriesRead      int64
	EntriesReadKnown bool
	Lag              int64
	LagKnown         bool
	PelCount         int64
	Pending          []XInfoFullPending
	Consumers        []XInfoFullConsumer
}

// XInfoFullPending is a pending entry in XINFO STREAM FULL; Consumer is
// empty in a consumer's own list.
type XInfoFullPending struct {
	ID            string
	Consumer      string
	DeliveryTime  time.Time
	DeliveryCount int64
}

// XInfoFullConsumer is a consumer in XINFO STREAM FULL.
type XInfoFullConsumer struct {
	Name     string
	SeenTime time.Time
	PelCount int64
	Pending  []XInfoFullPending
}

// XInfoGroup is what XINFO GROUPS reports about a group. EntriesRead and
// Lag are meaningful only when EntriesReadKnown and LagKnown are true.
type XInfoGroup struct {
	Name             string
	Consumers        int64
	Pending          int64
	LastDeliveredID  string
	EntriesRead      int64
	EntriesReadKnown bool
	Lag              int64
	LagKnown         bool
}

// XInfoConsumer is what XINFO CONSUMERS reports about a consumer.
type XInfoConsumer struct {
	Name    string
	Pending int64
	Idle    time.Duration
}

// xinfoStream returns key's stream for XINFO: ErrNoSuchKey when missing.
func (d *db) xinfoStream(key string) (*types.Stream, error) {
	st, err := d.streamRead(key)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, ErrNoSuchKey
	}
	return st, nil
}

func (d *db) xinfoStreamBasic(st *types.Stream) XInfoStream {
	out := XInfoStream{
		Length:               int64(st.Len()),
		RadixTreeKeys:        int64(st.Nodes()),
		RadixTreeNodes:       int64(st.RaxNodes()),
		LastGeneratedID:      st.LastID.String(),
		MaxDeletedEntryID:    st.MaxDeletedID.String(),
		EntriesAdded:         int64(st.EntriesAdded),
		RecordedFirstEntryID: st.FirstID.String(),
		Groups:               int64(st.GroupCount()),
	}
	if es := streamRange(st, types.StreamID{}, types.MaxStreamID, 1, false); len(es) == 1 {
		out.FirstEntry = &XMessage{ID: es[0].ID.String(), Values: es[0].Fields}
	}
	if es := streamRange(st, types.StreamID{}, types.MaxStreamID, 1, true); len(es) == 1 {
		out.LastEntry = &XMessage{ID: es[0].ID.String(), Values: es[0].Fields}
	}
	return out
}

// xinfoStreamFull reports the stream with at most count entries and
// pending entries per list (all when count is 0).
func (d *db) xinfoStreamFull(st *types.Stream, count int) XInfoStreamFull {
	out := XInfoStreamFull{
		Length:               int64(st.Len()),
		RadixTreeKeys:        int64(st.Nodes()),
		RadixTreeNodes:       int64(st.RaxNodes()),
		LastGeneratedID:      st.LastID.String(),
		MaxDeletedEntryID:    st.MaxDeletedID.String(),
		EntriesAdded:         int64(st.EntriesAdded),
		RecordedFirstEntryID: st.FirstID.String(),
		Entries:              toMessages(streamRange(st, types.StreamID{}, types.MaxStreamID, int64(count), false)),
		Groups:               []XInfoFullGroup{},
	}
	for _, g := range st.Groups() {
		fg := XInfoFullGroup{Name: g.Name, LastDeliveredID: g.LastID.String(), PelCount: int64(g.PendingLen()),
			Pending: []XInfoFullPending{}, Consumers: []XInfoFullConsumer{}}
		fg.EntriesRead, fg.EntriesReadKnown = g.EntriesRead, g.EntriesRead != types.UnknownEntriesRead
		fg.Lag, fg.LagKnown = st.Lag(g)
		g.AscendPending(types.StreamID{}, func(p *types.PendingEntry) bool {
			if count > 0 && len(fg.Pending) >= count {
				return false
			}
			fg.Pending = append(fg.Pending, XInfoFullPending{ID: p.ID.String(), Consumer: p.Consumer.Name,
				DeliveryTime: time.UnixMilli(p.DeliveryTime), DeliveryCount: p.DeliveryCount})
			return true
		})
		for _, c := range g.Consumers() {
			fc := XInfoFullConsumer{Name: c.Name, SeenTime: time.UnixMilli(c.SeenTime), PelCount: int64(c.PendingLen()), Pending: []XInfoFullPending{}}
			c.AscendPending(types.StreamID{}, func(p *types.PendingEntry) bool {
				if count > 0 && len(fc.Pending) >= count {
					return false
				}
				fc.Pending = append(fc.Pending, XInfoFullPending{ID: p.ID.String(),
					DeliveryTime: time.UnixMilli(p.DeliveryTime), DeliveryCount: p.DeliveryCount})
				return true
			})
			fg.Consumers = append(fg.Consumers, fc)
		}
		out.Groups = append(out.Groups, fg)
	}
	return out
}

func (d *db) xinfoGroups(key string) ([]XInfoGroup, error) {
	st, err := d.xinfoStream(key)
	if err != nil {
		return nil, err
	}
	out := []XInfoGroup{}
	for _, g := range st.Groups() {
		ig := XInfoGroup{Name: g.Name, Consumers: int64(g.ConsumerCount()), Pending: int64(g.PendingLen()), LastDeliveredID: g.LastID.String()}
		ig.EntriesRead, ig.EntriesReadKnown = g.EntriesRead, g.EntriesRead != types.UnknownEntriesRead
		ig.Lag, ig.LagKnown = st.Lag(g)
		out = append(out, ig)
	}
	return out, nil
}

func (d *db) xinfoConsumers(key, group string) ([]XInfoConsumer, error) {
	st, err := d.xinfoStream(key)
	if err != nil {
		return nil, err
	}
	g := st.Group(group)
	if g == nil {
		return nil, noGroupForKeyError(key, group)
	}
	now := d.s.nowMS()
	out := []XInfoConsumer{}
	for _, c := range g.Consumers() {
		out = append(out, XInfoConsumer{Name: c.Name, Pending: int64(c.PendingLen()), Idle: time.Duration(max(now-c.SeenTime, 0)) * time.Millisecond})
	}
	return out, nil
}

// parseXInfoStreamOpts parses XINFO STREAM's options: full, and the COUNT
// (10 by default, 0 for all).
func parseXInfoStreamOpts(args []string) (full bool, count int64, err error) {
	opts := args[3:]
	count = 10
	switch {
	case len(opts) == 0:
		return false, count, nil
	case len(opts) != 1 && len(opts) != 3, !strings.EqualFold(opts[0], "full"):
		return false, 0, streamSubcommandError(args)
	case len(opts) == 3:
		if !strings.EqualFold(opts[1], "count") {
			return false, 0, streamSubcommandError(args)
		}
		if count, err = intArg(opts[2]); err != nil {
			return false, 0, err
		}
		if count < 0 {
			count = 10
		}
	}
	return true, count, nil
}

// ---- handlers ----

var xinfoHelp = []string{
	"CONSUMERS <key> <groupname>",
	"    Show consumers of <groupname>.",
	"GROUPS <key>",
	"    Show the stream consumer groups.",
	"STREAM <key> [FULL [COUNT <count>]",
	"    Show information about the stream.",
	"HELP",
	"    Prints this help.",
}

func cmdXInfoHelp(c *call) { c.writeStreamHelp(xinfoHelp) }

// writeStreamIntOrNil writes n, or the nil bulk string when !known.
func (c *call) writeStreamIntOrNil(n int64, known bool) {
	if known {
		c.w.Int(n)
	} else {
		c.w.NullBulk()
	}
}

func (c *call) writeMessageOrNil(m *XMessage) {
	if m == nil {
		c.w.NullBulk()
		return
	}
	c.w.Array(2)
	c.w.Bulk(m.ID)
	c.writeStrings(m.Values)
}

func cmdXInfoStream(c *call) {
	st, err := c.db.xinfoStream(c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	full, count, err := parseXInfoStreamOpts(c.args)
	if err != nil {
		c.fail(err)
		return
	}
	if !full {
		info := c.db.xinfoStreamBasic(st)
		c.w.Map(10)
		c.writeStreamMeta(info.Length, info.RadixTreeKeys, info.RadixTreeNodes, info.LastGeneratedID, info.MaxDeletedEntryID, info.EntriesAdded, info.RecordedFirstEntryID)
		c.w.Bulk("groups")
		c.w.Int(info.Groups)
		c.w.Bulk("first-entry")
		c.writeMessageOrNil(info.FirstEntry)
		c.w.Bulk("last-entry")
		c.writeMessageOrNil(info.LastEntry)
		return
	}
	info := c.db.xinfoStreamFull(st, streamCount(count))
	c.w.Map(9)
	c.writeStreamMeta(info.Length, info.RadixTreeKeys, info.RadixTreeNodes, info.LastGeneratedID, info.MaxDeletedEntryID, info.EntriesAdded, info.RecordedFirstEntryID)
	c.w.Bulk("entries")
	c.writeMessages(info.Entries)
	c.w.Bulk("groups")
	c.w.Array(len(info.Groups))
	for _, g := range info.Groups {
		c.w.Map(7)
		c.w.Bulk("name")
		c.w.Bulk(g.Name)
		c.w.Bulk("last-delivered-id")
		c.w.Bulk(g.LastDeliveredID)
		c.w.Bulk("entries-read")
		c.writeStreamIntOrNil(g.EntriesRead, g.EntriesReadKnown)
		c.w.Bulk("lag")
		c.writeStreamIntOrNil(g.Lag, g.LagKnown)
		c.w.Bulk("pel-count")
		c.w.Int(g.PelCount)
		c.w.Bulk("pending")
		c.w.Array(len(g.Pending))
		for _, p := range g.Pending {
			c.w.Array(4)
			c.w.Bulk(p.ID)
			c.w.Bulk(p.Consumer)
			c.w.Int(p.DeliveryTime.UnixMilli())
			c.w.Int(p.DeliveryCount)
		}
		c.w.Bulk("consumers")
		c.w.Array(len(g.Consumers))
		for _, fc := range g.Consumers {
			c.w.Map(4)
			c.w.Bulk("name")
			c.w.Bulk(fc.Name)
			c.w.Bulk("seen-time")
			c.w.Int(fc.SeenTime.UnixMilli())
			c.w.Bulk("pel-count")
			c.w.Int(fc.PelCount)
			c.w.Bulk("pending")
			c.w.Array(len(fc.Pending))
			for _, p := range fc.Pending {
				c.w.Array(3)
				c.w.Bulk(p.ID)
				c.w.Int(p.DeliveryTime.UnixMilli())
				c.w.Int(p.DeliveryCount)
			}
		}
	}
}

func (c *call) writeStreamMeta(length, keys, nodes int64, lastID, maxDeleted string, added int64, firstID string) {
	c.w.Bulk("length")
	c.w.Int(length)
	c.w.Bulk("radix-tree-keys")
	c.w.Int(keys)
	c.w.Bulk("radix-tree-nodes")
	c.w.Int(nodes)
	c.w.Bulk("last-generated-id")
	c.w.Bulk(lastID)
	c.w.Bulk("max-deleted-entry-id")
	c.w.Bulk(maxDeleted)
	c.w.Bulk("entries-added")
	c.w.Int(added)
	c.w.Bulk("recorded-first-entry-id")
	c.w.Bulk(firstID)
}

func cmdXInfoGroups(c *call) {
	gs, err := c.db.xinfoGroups(c.args[2])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(len(gs))
	for _, g := range gs {
		c.w.Map(6)
		c.w.Bulk("name")
		c.w.Bulk(g.Name)
		c.w.Bulk("consumers")
		c.w.Int(g.Consumers)
		c.w.Bulk("pending")
		c.w.Int(g.Pending)
		c.w.Bulk("last-delivered-id")
		c.w.Bulk(g.LastDeliveredID)
		c.w.Bulk("entries-read")
		c.writeStreamIntOrNil(g.EntriesRead, g.EntriesReadKnown)
		c.w.Bulk("lag")
		c.writeStreamIntOrNil(g.Lag, g.LagKnown)
	}
}

func cmdXInfoConsumers(c *call) {
	cs, err := c.db.xinfoConsumers(c.args[2], c.args[3])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(len(cs))
	for _, ic := range cs {
		c.w.Map(3)
		c.w.Bulk("name")
		c.w.Bulk(ic.Name)
		c.w.Bulk("pending")
		c.w.Int(ic.Pending)
		c.w.Bulk("idle")
		c.w.Int(ic.Idle.Milliseconds())
	}
}

// ---- typed API ----

// XInfoStream reports about the stream at key, as XINFO STREAM does; a
// missing key is ErrNoSuchKey, as in Redis.
func (c *cmdable) XInfoStream(key string) (XInfoStream, error) {
	d, err := c.begin(false)
	if err != nil {
		return XInfoStream{}, err
	}
	defer c.end()
	st, err := d.xinfoStream(key)
	if err != nil {
		return XInfoStream{}, err
	}
	return d.xinfoStreamBasic(st), nil
}

// XInfoStreamFull reports about the stream at key in detail, as XINFO
// STREAM key FULL COUNT count does: at most count entries and pending
// entries per list, all of them when count is 0 (count < 0 means Redis's
// default, 10).
func (c *cmdable) XInfoStreamFull(key string, count int) (XInfoStreamFull, error) {
	if count < 0 {
		count = 10
	}
	d, err := c.begin(false)
	if err != nil {
		return XInfoStreamFull{}, err
	}
	defer c.end()
	st, err := d.xinfoStream(key)
	if err != nil {
		return XInfoStreamFull{}, err
	}
	return d.xinfoStreamFull(st, count), nil
}

// XInfoGroups reports about the consumer groups of the stream at key, as
// XINFO GROUPS does, ordered by name.
func (c *cmdable) XInfoGroups(key string) ([]XInfoGroup, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.xinfoGroups(key)
}

// XInfoConsumers reports about the consumers of a group, as XINFO
// CONSUMERS does, ordered by name.
func (c *cmdable) XInfoConsumers(key, group string) ([]XInfoConsumer, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.xinfoConsumers(key, group)
}
