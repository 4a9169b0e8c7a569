package racefree

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/racefree/racefree/types"
)

// Stream consumer groups: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM and
// XAUTOCLAIM. A group keeps its last delivered ID, its logical read counter
// (entries-read, behind XINFO's lag) and a pending entries list shared with
// its consumers, in types.StreamGroup. Delivery and idle times come from the
// store's clock.
//
// XREADGROUP BLOCK waits like XREAD BLOCK, for entries past the group's last
// delivered ID. As in Redis, a waiter whose group is destroyed gets a
// NOGROUP error (XGROUP DESTROY signals the key), and one whose stream is
// deleted or overwritten gets ErrStreamDeleted (d.remove and d.setString
// signal stream keys, d.flush the streams waited on). SWAPDB serves the
// waiters of both databases: ErrStreamDeleted when no stream is left under
// the key, NOGROUP when the stream swapped in lacks the group, its entries
// when it has new ones for it. The background expiry of a stream fails its
// waiters with ErrStreamDeleted too (d.expireDue signals it, the sweep
// serves them before releasing the lock).

// Errors of the consumer group commands. Texts that name a key or group are
// instances of ErrNoGroup.
var (
	// ErrNoGroup: the stream or the consumer group does not exist.
	ErrNoGroup = newError("NOGROUP No such key or consumer group")
	// ErrBusyGroup: XGROUP CREATE names a group the stream already has.
	ErrBusyGroup = newError("BUSYGROUP Consumer Group name already exists")
	// ErrStreamDeleted: the stream an XREADGROUP BLOCK waited on was
	// deleted or overwritten.
	ErrStreamDeleted = newError("UNBLOCKED the stream key no longer exists")

	errXGroupNoKey            = newError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	errXGroupEntriesRead      = newError("ERR value for ENTRIESREAD must be positive or -1")
	errXReadGroupMissingGroup = newError("ERR Missing GROUP option for XREADGROUP")
	errXReadGroupDollar       = newError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
	errXAutoClaimCount        = ErrGeoCount // "ERR COUNT must be > 0"
	errXClaimMinIdle          = newError("ERR Invalid min-idle-time argument for XCLAIM")
	errXAutoClaimMinIdle      = newError("ERR Invalid min-idle-time argument for XAUTOCLAIM")
	errXClaimIdle             = newError("ERR Invalid IDLE option argument for XCLAIM")
	errXClaimTime             = newError("ERR Invalid TIME option argument for XCLAIM")
	errXClaimRetryCount       = newError("ERR Invalid RETRYCOUNT option argument for XCLAIM")
	errXClaimOption           = newError("ERR Unrecognized XCLAIM option")
)

// streamErrArg is an argument as Redis's error texts print it: up to its first NUL,
// on one line.
func streamErrArg(s string) string { return oneLine(cString(s)) }

func noGroupError(key, group string) error {
	return errorf(ErrNoGroup, "NOGROUP No such key '%s' or consumer group '%s'", streamErrArg(key), streamErrArg(group))
}

func noGroupForKeyError(key, group string) error {
	return errorf(ErrNoGroup, "NOGROUP No such consumer group '%s' for key name '%s'", streamErrArg(group), streamErrArg(key))
}

func streamSubcommandError(args []string) error {
	return errorf(ErrUnknownSubcommand, "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP.",
		streamErrArg(args[1]), strings.ToUpper(cString(args[0])))
}

// ---- XGROUP ----

// xgroupOpts are XGROUP CREATE's and SETID's options.
type xgroupOpts struct {
	mkstream    bool
	entriesRead int64
}

// parseXGroupOpts parses the options after XGROUP <sub> <key> <group> <id>.
func parseXGroupOpts(args []string) (o xgroupOpts, err error) {
	o.entriesRead = types.UnknownEntriesRead
	create := strings.EqualFold(args[1], "create")
	setid := strings.EqualFold(args[1], "setid")
	for i := 5; i < len(args); {
		switch {
		case create && strings.EqualFold(args[i], "mkstream"):
			o.mkstream = true
			i++
		case (create || setid) && strings.EqualFold(args[i], "entriesread") && i+1 < len(args):
			if o.entriesRead, err = intArg(args[i+1]); err != nil {
				return o, err
			}
			if o.entriesRead < 0 && o.entriesRead != types.UnknownEntriesRead {
				return o, errXGroupEntriesRead
			}
			i += 2
		default:
			return o, streamSubcommandError(args)
		}
	}
	return o, nil
}

// xgroupTarget finds XGROUP's stream and group: the stream must exist (but
// with MKSTREAM), the group too when needGroup.
func (d *db) xgroupTarget(key, group string, mkstream, needGroup bool) (*types.Stream, *types.StreamGroup, error) {
	e, err := d.lookupType(key, typeStream)
	if err != nil {
		return nil, nil, err
	}
	if e == nil {
		if mkstream {
			return nil, nil, nil
		}
		return nil, nil, errXGroupNoKey
	}
	st := e.stream()
	g := st.Group(group)
	if g == nil && needGroup {
		return nil, nil, noGroupForKeyError(key, group)
	}
	return st, g, nil
}

// xgroupCreate runs XGROUP CREATE; badArgs is true when the command had
// more arguments than it takes, an error Redis reports only here.
func (d *db) xgroupCreate(args []string, o xgroupOpts) error {
	key, group, idArg := args[2], args[3], args[4]
	st, _, err := d.xgroupTarget(key, group, o.mkstream, false)
	if err != nil {
		return err
	}
	if len(args) > 8 {
		return streamSubcommandError(args)
	}
	var id types.StreamID
	if idArg == "$" {
		if st != nil {
			id = st.LastID
		}
	} else if id, _, err = parseStreamID(idArg, true, 0, false); err != nil {
		return err
	}
	if st == nil {
		st = types.NewStream(&d.s.limits)
		d.add(key, streamEntry(st)) // d.add calls d.modified, as Redis signals the new key
	}
	if st.CreateGroup(group, id, o.entriesRead) == nil {
		return ErrBusyGroup
	}
	d.notify(notifyStream, "xgroup-create", key)
	return nil
}

func (d *db) xgroupSetID(args []string, o xgroupOpts) error {
	key, group, idArg := args[2], args[3], args[4]
	st, g, err := d.xgroupTarget(key, group, false, true)
	if err != nil {
		return err
	}
	if len(args) != 5 && len(args) != 7 {
		return streamSubcommandError(args)
	}
	var id types.StreamID
	if idArg == "$" {
		id = st.LastID
	} else if id, _, err = parseStreamID(idArg, false, 0, false); err != nil {
		return err
	}
	g.LastID = id
	g.EntriesRead = o.entriesRead
	d.notify(notifyStream, "xgroup-setid", key)
	return nil
}

func (d *db) xgroupDestroy(key, group string) (int64, error) {
	st, g, err := d.xgroupTarget(key, group, false, false)
	if err != nil || g == nil {
		return 0, err
	}
	st.DestroyGroup(group)
	d.notify(notifyStream, "xgroup-destroy", key)
	d.signalReady(key) // its blocked readers get NOGROUP
	return 1, nil
}

func (d *db) xgroupCreateConsumer(key, group, consumer string) (int64, error) {
	_, g, err := d.xgroupTarget(key, group, false, true)
	if err != nil {
		return 0, err
	}
	if g.CreateConsumer(consumer, d.s.nowMS()) == nil {
		return 0, nil
	}
	d.notify(notifyStream, "xgroup-createconsumer", key)
	return 1, nil
}

func (d *db) xgroupDelConsumer(key, group, consumer string) (int64, error) {
	_, g, err := d.xgroupTarget(key, group, false, true)
	if err != nil {
		return 0, err
	}
	n, ok := g.DeleteConsumer(consumer)
	if ok {
		d.notify(notifyStream, "xgroup-delconsumer", key)
	}
	return int64(n), nil
}

// ---- XREADGROUP ----

// xreadGroupIDs resolves XREADGROUP's IDs and checks keys and group in
// Redis's order. ">" becomes types.MaxStreamID, as in Redis, so an explicit
// ID equal to it reads like ">" too.
func (d *db) xreadGroupIDs(a *xreadArgs) ([]types.StreamID, error) {
	out := make([]types.StreamID, len(a.keys))
	for i, key := range a.keys {
		st, err := d.streamRead(key)
		if err != nil {
			return nil, err
		}
		if st == nil || st.Group(a.group) == nil {
			return nil, errorf(ErrNoGroup, "NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP with GROUP option", streamErrArg(key), streamErrArg(a.group))
		}
		switch a.ids[i] {
		case "$":
			return nil, errXReadGroupDollar
		case ">":
			out[i] = types.MaxStreamID
			continue
		}
		if out[i], _, err = parseStreamID(a.ids[i], true, 0, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// streamCount turns a COUNT into a limit for the containers: 0 for none.
func streamCount(n int64) int {
	if n <= 0 || n > math.MaxInt32 {
		return 0
	}
	return int(n)
}

// xreadGroupNow serves what XREADGROUP can serve at once: a consumer's
// history for explicit IDs, new entries for ">".
func (d *db) xreadGroupNow(a *xreadArgs, ids []types.StreamID) []XStream {
	var out []XStream
	now := d.s.nowMS()
	for i, key := range a.keys {
		st, _ := d.streamRead(key)
		if st == nil {
			continue
		}
		g := st.Group(a.group)
		history := ids[i] != types.MaxStreamID
		if !history && (st.Len() == 0 || st.LastValidID().Compare(g.LastID) <= 0) {
			continue
		}
		c := d.seeConsumer(key, g, a.consumer, now)
		var msgs []XMessage
		if history {
			start, _ := ids[i].Incr()
			msgs = consumerHistory(st, c, start, streamCount(a.count), now)
		} else {
			start, _ := g.LastID.Incr()
			msgs = readGroup(st, g, c, start, streamCount(a.count), a.noack, now)
		}
		out = append(out, XStream{Stream: key, Messages: msgs})
	}
	return out
}

// readGroup reads new entries for consumer c of group g.
func readGroup(st *types.Stream, g *types.StreamGroup, c *types.StreamConsumer, start types.StreamID, count int, noack bool, now int64) []XMessage {
	msgs := []XMessage{}
	st.ReadGroup(g, c, start, count, noack, now, func(e types.StreamEntry) {
		msgs = append(msgs, XMessage{ID: e.ID.String(), Values: e.Fields})
	})
	return msgs
}

// consumerHistory returns the entries pending for c from start on; an
// entry deleted since it was delivered comes with nil Values. Each entry
// still there counts as delivered again.
func consumerHistory(st *types.Stream, c *types.StreamConsumer, start types.StreamID, count int, now int64) []XMessage {
	msgs := []XMessage{}
	c.AscendPending(start, func(p *types.PendingEntry) bool {
		if count > 0 && len(msgs) >= count {
			return false
		}
		e, ok := st.Entry(p.ID)
		if !ok {
			msgs = append(msgs, XMessage{ID: p.ID.String()})
			return true
		}
		p.DeliveryTime = now
		p.DeliveryCount++
		msgs = append(msgs, XMessage{ID: p.ID.String(), Values: e.Fields})
		return true
	})
	return msgs
}

// xreadGroupBlockedCount is how many entries a blocked XREADGROUP or XREAD
// without COUNT receives at most, as in Redis.
const xreadGroupBlockedCount = 1000

// xreadGroupWaiter is the waiter of XREADGROUP BLOCK: it is served when
// one of keys holds entries past the group's last delivered ID, and fails
// with NOGROUP when the group is gone.
func xreadGroupWaiter(dbIndex int, a *xreadArgs, done func(XStream, error)) *waiter {
	var uniq []string
	seen := map[string]bool{}
	for _, k := range a.keys {
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, k)
		}
	}
	group, consumer, noack := a.group, a.consumer, a.noack
	count := streamCount(a.count)
	if count == 0 {
		count = xreadGroupBlockedCount
	}
	return &waiter{db: dbIndex, keys: uniq, onGone: true, serve: func(d *db, key string) bool {
		e := d.peek(key)
		if e == nil || e.typ != typeStream {
			done(XStream{}, ErrStreamDeleted)
			return true
		}
		st := e.stream()
		g := st.Group(group)
		if g == nil {
			done(XStream{}, errorf(ErrNoGroup, "NOGROUP the consumer group this client was blocked on no longer exists"))
			return true
		}
		if st.LastID.Compare(g.LastID) <= 0 {
			return false
		}
		now := d.s.nowMS()
		start, _ := g.LastID.Incr()
		c := d.seeConsumer(key, g, consumer, now)
		done(XStream{Stream: key, Messages: readGroup(st, g, c, start, count, noack, now)}, nil)
		return true
	}}
}

// signalStreamWaiters marks the stream keys of d that callers wait on as
// ready, for FLUSHDB and FLUSHALL to fail XREADGROUP waiters as Redis does.
func (d *db) signalStreamWaiters() {
	for bk := range d.s.waiters {
		if bk.db != d.id {
			continue
		}
		if e := d.keys[bk.key]; e != nil && e.typ == typeStream {
			d.signalReady(bk.key)
		}
	}
}

// ---- XACK, XPENDING ----

func (d *db) xack(key, group string, ids []string) (int64, error) {
	st, err := d.streamRead(key)
	if st == nil {
		return 0, err
	}
	g := st.Group(group)
	if g == nil {
		return 0, nil
	}
	parsed, err := parseStreamIDs(ids)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, id := range parsed {
		if g.Ack(id) {
			n++
		}
	}
	return n, nil
}

// xpendingArgs are XPENDING's parsed arguments.
type xpendingArgs struct {
	extended    bool
	minIdle     int64
	start, end  types.StreamID
	count       int64
	consumer    string
	hasConsumer bool
}

func parseXPending(args []string) (a xpendingArgs, err error) {
	n := len(args)
	if n != 3 && (n < 6 || n > 9) {
		return a, ErrSyntax
	}
	if n == 3 {
		return a, nil
	}
	a.extended = true
	si := 3
	if strings.EqualFold(args[3], "idle") {
		if a.minIdle, err = intArg(args[4]); err != nil {
			return a, err
		}
		if n < 8 {
			return a, ErrSyntax
		}
		si += 2
	}
	if a.count, err = intArg(args[si+2]); err != nil {
		return a, err
	}
	if a.count < 0 {
		a.count = 0
	}
	if a.start, a.end, err = streamBounds(args[si], args[si+1]); err != nil {
		return a, err
	}
	if si+3 < n {
		a.consumer, a.hasConsumer = args[si+3], true
	}
	return a, nil
}

// XPendingSummary is what XPENDING without a range returns: how many
// entries are pending, the lowest and highest of their IDs ("" when none
// is), and how many each consumer has, by name.
type XPendingSummary struct {
	Count     int64
	Lower     string
	Higher    string
	Consumers []XPendingConsumer
}

// XPendingConsumer is a consumer's line in an XPendingSummary.
type XPendingConsumer struct {
	Name    string
	Pending int64
}

// XPendingEntry is one entry of XPENDING's extended form: its ID, the
// consumer it was delivered to, the time since its last delivery and how
// many times it was delivered.
type XPendingEntry struct {
	ID         string
	Consumer   string
	Idle       time.Duration
	RetryCount int64
}

func (d *db) xpendingGroup(key, group string) (*types.StreamGroup, error) {
	st, err := d.streamRead(key)
	if err != nil {
		return nil, err
	}
	if st == nil || st.Group(group) == nil {
		return nil, noGroupError(key, group)
	}
	return st.Group(group), nil
}

func (d *db) xpendingSummary(key, group string) (XPendingSummary, error) {
	var out XPendingSummary
	g, err := d.xpendingGroup(key, group)
	if err != nil {
		return out, err
	}
	out.Count = int64(g.PendingLen())
	lo, hi, ok := g.PendingBounds()
	if !ok {
		return out, nil
	}
	out.Lower, out.Higher = lo.String(), hi.String()
	for _, c := range g.Consumers() {
		if n := c.PendingLen(); n > 0 {
			out.Consumers = append(out.Consumers, XPendingConsumer{Name: c.Name, Pending: int64(n)})
		}
	}
	return out, nil
}

func (d *db) xpendingExt(key, group string, a *xpendingArgs) ([]XPendingEntry, error) {
	g, err := d.xpendingGroup(key, group)
	if err != nil {
		return nil, err
	}
	ascend := g.AscendPending
	if a.hasConsumer {
		c := g.Consumer(a.consumer)
		if c == nil {
			return []XPendingEntry{}, nil
		}
		ascend = c.AscendPending
	}
	now := d.s.nowMS()
	out := []XPendingEntry{}
	count := a.count
	if count == 0 {
		return out, nil
	}
	ascend(a.start, func(p *types.PendingEntry) bool {
		if a.end.Less(p.ID) {
			return false
		}
		idle := now - p.DeliveryTime
		if a.minIdle != 0 && idle < a.minIdle {
			return true
		}
		out = append(out, XPendingEntry{ID: p.ID.String(), Consumer: p.Consumer.Name, Idle: time.Duration(max(idle, 0)) * time.Millisecond, RetryCount: p.DeliveryCount})
		count--
		return count > 0
	})
	return out, nil
}

// ---- XCLAIM, XAUTOCLAIM ----

// xclaimed is what XCLAIM and XAUTOCLAIM took: IDs with JUSTID, else the
// entries.
type xclaimed struct {
	justID  bool
	ids     []types.StreamID
	entries []types.StreamEntry
}

func (r *xclaimed) add(st *types.Stream, id types.StreamID) {
	if r.justID {
		r.ids = append(r.ids, id)
		return
	}
	e, _ := st.Entry(id)
	r.entries = append(r.entries, e)
}

func (r *xclaimed) messages() []XMessage {
	if r.justID {
		out := make([]XMessage, len(r.ids))
		for i, id := range r.ids {
			out[i] = XMessage{ID: id.String()}
		}
		return out
	}
	return toMessages(r.entries)
}

// xclaim runs XCLAIM on its whole argument list, checking it in Redis's
// order.
func (d *db) xclaim(args []string) (xclaimed, error) {
	var res xclaimed
	key, group, name := args[1], args[2], args[3]
	st, err := d.streamRead(key)
	if err != nil {
		return res, err
	}
	if st == nil || st.Group(group) == nil {
		return res, noGroupError(key, group)
	}
	g := st.Group(group)
	minIdle, ok := parseInt(args[4])
	if !ok {
		return res, errXClaimMinIdle
	}
	minIdle = max(minIdle, 0)
	j := 5
	var ids []types.StreamID
	for ; j < len(args); j++ {
		id, _, err := parseStreamID(args[j], true, 0, false)
		if err != nil {
			break
		}
		ids = append(ids, id)
	}
	now := d.s.nowMS()
	deliveryTime, retryCount := int64(-1), int64(-1)
	force := false
	var lastID types.StreamID
	for ; j < len(args); j++ {
		more := len(args) - 1 - j
		opt := args[j]
		var bad *Error
		switch {
		case strings.EqualFold(opt, "force"):
			force = true
		case strings.EqualFold(opt, "justid"):
			res.justID = true
		case more > 0 && strings.EqualFold(opt, "idle"):
			j++
			if deliveryTime, ok = parseInt(args[j]); !ok {
				bad = errXClaimIdle
			}
			deliveryTime = now - deliveryTime
		case more > 0 && strings.EqualFold(opt, "time"):
			j++
			if deliveryTime, ok = parseInt(args[j]); !ok {
				bad = errXClaimTime
			}
		case more > 0 && strings.EqualFold(opt, "retrycount"):
			j++
			if retryCount, ok = parseInt(args[j]); !ok {
				bad = errXClaimRetryCount
			}
		case more > 0 && strings.EqualFold(opt, "lastid"):
			j++
			if lastID, _, err = parseStreamID(args[j], true, 0, false); err != nil {
				return res, err
			}
		default:
			return res, errorf(errXClaimOption, "ERR Unrecognized XCLAIM option '%s'", streamErrArg(opt))
		}
		if bad != nil {
			return res, bad
		}
	}
	if g.LastID.Less(lastID) {
		g.LastID = lastID
	}
	if deliveryTime < 0 || deliveryTime > now {
		deliveryTime = now
	}
	var c *types.StreamConsumer
	for _, id := range ids {
		p := g.Pending(id)
		if !st.Exists(id) {
			if p != nil {
				g.Ack(id)
			}
			continue
		}
		if force && p == nil {
			p = g.Force(id, now)
		}
		if p == nil {
			continue
		}
		if p.Consumer != nil && minIdle != 0 && now-p.DeliveryTime < minIdle {
			continue
		}
		if c == nil {
			c = d.seeConsumer(key, g, name, now)
		}
		g.Claim(p, c)
		p.DeliveryTime = deliveryTime
		if retryCount >= 0 {
			p.DeliveryCount = retryCount
		} else if !res.justID {
			p.DeliveryCount++
		}
		res.add(st, id)
	}
	return res, nil
}

// xautoclaim runs XAUTOCLAIM on its whole argument list, checking it in
// Redis's order. It returns the cursor for the next call and the IDs of
// pending entries that no longer existed (removed from the PEL).
func (d *db) xautoclaim(args []string) (next types.StreamID, res xclaimed, deleted []types.StreamID, err error) {
	key, group, name := args[1], args[2], args[3]
	minIdle, ok := parseInt(args[4])
	if !ok {
		return next, res, nil, errXAutoClaimMinIdle
	}
	minIdle = max(minIdle, 0)
	start, ex, err := parseIntervalID(args[5], 0)
	if err != nil {
		return next, res, nil, err
	}
	if ex {
		if start, ok = start.Incr(); !ok {
			return next, res, nil, ErrStreamInvalidStart
		}
	}
	count := int64(100)
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case more > 0 && strings.EqualFold(args[j], "count"):
			v, ok := parseInt(args[j+1])
			if !ok || v < 1 || v > math.MaxInt64/16 {
				return next, res, nil, errXAutoClaimCount
			}
			count = v
			j++
		case strings.EqualFold(args[j], "justid"):
			res.justID = true
		default:
			return next, res, nil, ErrSyntax
		}
	}
	st, err := d.streamRead(key)
	if err != nil {
		return next, res, nil, err
	}
	if st == nil || st.Group(group) == nil {
		return next, res, nil, noGroupError(key, group)
	}
	g := st.Group(group)
	now := d.s.nowMS()
	var c *types.StreamConsumer
	attempts := count * 10
	cursor, more := start, true
	deleted = []types.StreamID{}
	for more && attempts > 0 && count > 0 {
		attempts--
		p := firstPendingFrom(g, cursor)
		if p == nil {
			more = false
			break
		}
		id := p.ID
		cursor, more = id.Incr()
		if !st.Exists(id) {
			g.Ack(id)
			deleted = append(deleted, id)
			count--
			continue
		}
		if minIdle != 0 && now-p.DeliveryTime < minIdle {
			continue
		}
		if c == nil {
			c = d.seeConsumer(key, g, name, now)
		}
		g.Claim(p, c)
		p.DeliveryTime = now
		if !res.justID {
			p.DeliveryCount++
		}
		res.add(st, id)
		count--
	}
	if more {
		if p := firstPendingFrom(g, cursor); p != nil {
			next = p.ID
		}
	}
	return next, res, deleted, nil
}

func firstPendingFrom(g *types.StreamGroup, from types.StreamID) *types.PendingEntry {
	var found *types.PendingEntry
	g.AscendPending(from, func(p *types.PendingEntry) bool {
		found = p
		return false
	})
	return found
}

// ---- handlers ----

var xgroupHelp = []string{
	"CREATE <key> <groupname> <id|$> [option]",
	"    Create a new consumer group. Options are:",
	"    * MKSTREAM",
	"      Create the empty stream if it does not exist.",
	"    * ENTRIESREAD entries_read",
	"      Set the group's entries_read counter (internal use).",
	"CREATECONSUMER <key> <groupname> <consumer>",
	"    Create a new consumer in the specified group.",
	"DELCONSUMER <key> <groupname> <consumer>",
	"    Remove the specified consumer.",
	"DESTROY <key> <groupname>",
	"    Remove the specified group.",
	"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
	"    Set the current group ID and entries_read counter.",
	"HELP",
	"    Prints this help.",
}

// writeStreamHelp writes a HELP reply: the header line, then lines.
func (c *call) writeStreamHelp(lines []string) {
	c.w.Array(len(lines) + 1)
	c.w.Status(strings.ToUpper(c.args[0]) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		c.w.Status(l)
	}
}

func cmdXGroupHelp(c *call) { c.writeStreamHelp(xgroupHelp) }

func cmdXGroupCreate(c *call) {
	o, err := parseXGroupOpts(c.args)
	if err == nil {
		err = c.db.xgroupCreate(c.args, o)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

func cmdXGroupSetID(c *call) {
	o, err := parseXGroupOpts(c.args)
	if err == nil {
		err = c.db.xgroupSetID(c.args, o)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

func cmdXGroupDestroy(c *call) { c.replyInt(c.db.xgroupDestroy(c.args[2], c.args[3])) }

func cmdXGroupCreateConsumer(c *call) {
	c.replyInt(c.db.xgroupCreateConsumer(c.args[2], c.args[3], c.args[4]))
}

func cmdXGroupDelConsumer(c *call) {
	c.replyInt(c.db.xgroupDelConsumer(c.args[2], c.args[3], c.args[4]))
}

func cmdXReadGroup(c *call) {
	a, err := parseXReadArgs(c.args, c.inScript, true)
	if err != nil {
		c.fail(err)
		return
	}
	ids, err := c.db.xreadGroupIDs(&a)
	if err != nil {
		c.fail(err)
		return
	}
	out := c.db.xreadGroupNow(&a, ids)
	switch {
	case len(out) > 0:
		c.writeXStreams(out)
	case !a.block || !c.canBlock():
		c.w.NullArray()
	default:
		c.block(xreadGroupWaiter(c.db.id, &a, func(x XStream, err error) {
			if err != nil {
				c.fail(err)
				return
			}
			c.writeXStreams([]XStream{x})
		}), a.timeout, c.w.NullArray)
	}
}

func cmdXAck(c *call) { c.replyInt(c.db.xack(c.args[1], c.args[2], c.args[3:])) }

func cmdXPending(c *call) {
	a, err := parseXPending(c.args)
	if err != nil {
		c.fail(err)
		return
	}
	if !a.extended {
		sum, err := c.db.xpendingSummary(c.args[1], c.args[2])
		if err != nil {
			c.fail(err)
			return
		}
		c.w.Array(4)
		c.w.Int(sum.Count)
		if sum.Count == 0 {
			c.w.NullBulk()
			c.w.NullBulk()
			c.w.NullArray()
			return
		}
		c.w.Bulk(sum.Lower)
		c.w.Bulk(sum.Higher)
		c.w.Array(len(sum.Consumers))
		for _, pc := range sum.Consumers {
			c.w.Array(2)
			c.w.Bulk(pc.Name)
			c.w.Bulk(strconv.FormatInt(pc.Pending, 10))
		}
		return
	}
	es, err := c.db.xpendingExt(c.args[1], c.args[2], &a)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(len(es))
	for _, e := range es {
		c.w.Array(4)
		c.w.Bulk(e.ID)
		c.w.Bulk(e.Consumer)
		c.w.Int(e.Idle.Milliseconds())
		c.w.Int(e.RetryCount)
	}
}

func (c *call) writeClaimed(r *xclaimed) {
	if r.justID {
		c.w.Array(len(r.ids))
		for _, id := range r.ids {
			c.w.Bulk(id.String())
		}
		return
	}
	c.writeEntries(r.entries)
}

func cmdXClaim(c *call) {
	r, err := c.db.xclaim(c.args)
	if err != nil {
		c.fail(err)
		return
	}
	c.writeClaimed(&r)
}

func cmdXAutoClaim(c *call) {
	next, r, deleted, err := c.db.xautoclaim(c.args)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(3)
	c.w.Bulk(next.String())
	c.writeClaimed(&r)
	c.w.Array(len(deleted))
	for _, id := range deleted {
		c.w.Bulk(id.String())
	}
}

// ---- typed API ----

// XGroupArgs are the options of XGROUP CREATE and SETID: MkStream creates
// an empty stream when there is none (CREATE only); EntriesRead sets the
// group's read counter when SetEntriesRead is true (-1 for unknown).
type XGroupArgs struct {
	MkStream       bool
	SetEntriesRead bool
	EntriesRead    int64
}

// XGroupCreate creates the consumer group group on the stream at key, as
// XGROUP CREATE does; start is the last delivered ID ("$" for the stream's
// last ID, "0" to read it all).
func (c *cmdable) XGroupCreate(key, group, start string) error {
	return c.XGroupCreateArgs(key, group, start, XGroupArgs{})
}

// XGroupCreateMkStream is XGroupCreate with MKSTREAM.
func (c *cmdable) XGroupCreateMkStream(key, group, start string) error {
	return c.XGroupCreateArgs(key, group, start, XGroupArgs{MkStream: true})
}

// XGroupCreateArgs is XGroupCreate with options.
func (c *cmdable) XGroupCreateArgs(key, group, start string, a XGroupArgs) error {
	return c.xgroupTyped("create", key, group, start, a)
}

// XGroupSetID sets the last delivered ID of a group, as XGROUP SETID does.
func (c *cmdable) XGroupSetID(key, group, start string) error {
	return c.xgroupTyped("setid", key, group, start, XGroupArgs{})
}

// XGroupSetIDArgs is XGroupSetID with ENTRIESREAD; MkStream is ignored.
func (c *cmdable) XGroupSetIDArgs(key, group, start string, a XGroupArgs) error {
	a.MkStream = false
	return c.xgroupTyped("setid", key, group, start, a)
}

func (c *cmdable) xgroupTyped(sub, key, group, start string, a XGroupArgs) error {
	args := []string{"xgroup", sub, key, group, start}
	if a.MkStream {
		args = append(args, "mkstream")
	}
	if a.SetEntriesRead {
		args = append(args, "entriesread", strconv.FormatInt(a.EntriesRead, 10))
	}
	o, err := parseXGroupOpts(args)
	if err != nil {
		return err
	}
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	if sub == "create" {
		return d.xgroupCreate(args, o)
	}
	return d.xgroupSetID(args, o)
}

// XGroupDestroy removes a consumer group, as XGROUP DESTROY does, and
// returns 1 if it existed, else 0. Callers blocked in XReadGroup on it get
// ErrNoGroup.
func (c *cmdable) XGroupDestroy(key, group string) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.xgroupDestroy(key, group)
}

// XGroupCreateConsumer adds a consumer to a group, as XGROUP
// CREATECONSUMER does, and returns 1 if it was new, else 0.
func (c *cmdable) XGroupCreateConsumer(key, group, consumer string) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.xgroupCreateConsumer(key, group, consumer)
}

// XGroupDelConsumer removes a consumer and its pending entries, as XGROUP
// DELCONSUMER does, and returns how many entries it had pending.
func (c *cmdable) XGroupDelConsumer(key, group, consumer string) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.xgroupDelConsumer(key, group, consumer)
}

// XReadGroupArgs are XREADGROUP's arguments. Streams lists the keys then
// one ID per key: ">" for entries never delivered to the group, an
// explicit ID for the consumer's own pending entries after it. Block is
// as in XReadArgs: 0 does not wait, < 0 waits without limit.
type XReadGroupArgs struct {
	Group    string
	Consumer string
	Streams  []string
	Count    int64
	Block    time.Duration
	NoAck    bool
}

// XReadGroup reads entries as consumer Consumer of group Group, as
// XREADGROUP does, waiting as Block says when there are none for ">"; it
// returns nil when nothing came in time. A pending entry deleted from the
// stream since it was delivered comes back with nil Values. Inside Update
// or View it does not wait.
func (c *cmdable) XReadGroup(ctx context.Context, a XReadGroupArgs) ([]XStream, error) {
	if len(a.Streams) == 0 {
		return nil, arityError("xreadgroup")
	}
	if len(a.Streams)%2 != 0 {
		return nil, ErrXReadUnbalanced
	}
	p := xreadArgs{count: max(a.Count, 0), group: a.Group, consumer: a.Consumer, noack: a.NoAck,
		keys: a.Streams[:len(a.Streams)/2], ids: a.Streams[len(a.Streams)/2:]}
	d, err := c.begin(true)
	if err != nil {
		return nil, err
	}
	ids, err := d.xreadGroupIDs(&p)
	if err != nil {
		c.end()
		return nil, err
	}
	out := d.xreadGroupNow(&p, ids)
	if len(out) > 0 || a.Block == 0 || c.tx != nil {
		c.end()
		return out, nil
	}
	var got XStream
	var gotErr error
	w := xreadGroupWaiter(d.id, &p, func(x XStream, err error) { got, gotErr = x, err })
	c.s.block(w)
	c.end()
	if !c.s.wait(ctx, w, max(a.Block, 0)) {
		return nil, c.waitErr(ctx)
	}
	if gotErr != nil {
		return nil, gotErr
	}
	return []XStream{got}, nil
}

// XAck acknowledges entries of a group, as XACK does, and returns how many
// were pending.
func (c *cmdable) XAck(key, group string, ids ...string) (int64, error) {
	if len(ids) == 0 {
		return 0, arityError("xack")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.xack(key, group, ids)
}

// XPending summarises a group's pending entries, as XPENDING key group
// does.
func (c *cmdable) XPending(key, group string) (XPendingSummary, error) {
	d, err := c.begin(false)
	if err != nil {
		return XPendingSummary{}, err
	}
	defer c.end()
	return d.xpendingSummary(key, group)
}

// XPendingExtArgs are the arguments of XPENDING's extended form: the
// range Start..End ("-" and "+" for the ends, "(" for exclusive bounds),
// at most Count entries, only those idle at least Idle (when > 0), only
// Consumer's when it is not "".
type XPendingExtArgs struct {
	Start, End string
	Count      int64
	Idle       time.Duration
	Consumer   string
}

// XPendingExt lists a group's pending entries, as XPENDING key group
// [IDLE min] start end count [consumer] does.
func (c *cmdable) XPendingExt(key, group string, a XPendingExtArgs) ([]XPendingEntry, error) {
	args := []string{"xpending", key, group}
	if a.Idle > 0 {
		args = append(args, "idle", strconv.FormatInt(a.Idle.Milliseconds(), 10))
	}
	args = append(args, a.Start, a.End, strconv.FormatInt(a.Count, 10))
	if a.Consumer != "" {
		args = append(args, a.Consumer)
	}
	p, err := parseXPending(args)
	if err != nil {
		return nil, err
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.xpendingExt(key, group, &p)
}

// XClaimArgs are XCLAIM's arguments: the entries Messages of Stream's group
// Group go to Consumer if idle at least MinIdle. Idle (when > 0) or Time
// (when not zero) set their delivery time, RetryCount their delivery count
// when SetRetryCount is true; Force claims entries no consumer has pending;
// LastID raises the group's last delivered ID.
type XClaimArgs struct {
	Stream, Group, Consumer string
	MinIdle                 time.Duration
	Messages                []string
	Idle                    time.Duration
	Time                    time.Time
	SetRetryCount           bool
	RetryCount              int64
	Force                   bool
	LastID                  string
}

func (a *XClaimArgs) args(justID bool) []string {
	args := []string{"xclaim", a.Stream, a.Group, a.Consumer, strconv.FormatInt(a.MinIdle.Milliseconds(), 10)}
	args = append(args, a.Messages...)
	if a.Idle > 0 {
		args = append(args, "idle", strconv.FormatInt(a.Idle.Milliseconds(), 10))
	}
	if !a.Time.IsZero() {
		args = append(args, "time", strconv.FormatInt(a.Time.UnixMilli(), 10))
	}
	if a.SetRetryCount {
		args = append(args, "retrycount", strconv.FormatInt(a.RetryCount, 10))
	}
	if a.Force {
		args = append(args, "force")
	}
	if justID {
		args = append(args, "justid")
	}
	if a.LastID != "" {
		args = append(args, "lastid", a.LastID)
	}
	return args
}

// XClaim changes the owner of pending entries, as XCLAIM does, and returns
// the entries claimed.
func (c *cmdable) XClaim(a XClaimArgs) ([]XMessage, error) {
	r, err := c.xclaimTyped(a.args(false))
	if err != nil {
		return nil, err
	}
	return r.messages(), nil
}

// XClaimJustID is XClaim with JUSTID: it returns the IDs claimed and leaves
// their delivery counts alone.
func (c *cmdable) XClaimJustID(a XClaimArgs) ([]string, error) {
	r, err := c.xclaimTyped(a.args(true))
	if err != nil {
		return nil, err
	}
	return streamIDStrings(r.ids), nil
}

func (c *cmdable) xclaimTyped(args []string) (xclaimed, error) {
	if len(args) < 6 {
		return xclaimed{}, arityError("xclaim")
	}
	d, err := c.begin(true)
	if err != nil {
		return xclaimed{}, err
	}
	defer c.end()
	return d.xclaim(args)
}

func streamIDStrings(ids []types.StreamID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// XAutoClaimArgs are XAUTOCLAIM's arguments: pending entries of Stream's
// group Group from Start on ("0-0" for all), idle at least MinIdle, go to
// Consumer, Count of them at most (100 when 0).
type XAutoClaimArgs struct {
	Stream, Group, Consumer string
	MinIdle                 time.Duration
	Start                   string
	Count                   int64
}

func (a *XAutoClaimArgs) args(justID bool) []string {
	args := []string{"xautoclaim", a.Stream, a.Group, a.Consumer, strconv.FormatInt(a.MinIdle.Milliseconds(), 10), a.Start}
	if a.Count != 0 {
		args = append(args, "count", strconv.FormatInt(a.Count, 10))
	}
	if justID {
		args = append(args, "justid")
	}
	return args
}

// XAutoClaim claims idle pending entries, as XAUTOCLAIM does: it returns
// the entries claimed, the ID to start the next call from ("0-0" when the
// scan is done) and the IDs of pending entries that were no longer in the
// stream, which it removed from the group.
func (c *cmdable) XAutoClaim(a XAutoClaimArgs) (msgs []XMessage, next string, deleted []string, err error) {
	n, r, del, err := c.xautoclaimTyped(a.args(false))
	if err != nil {
		return nil, "", nil, err
	}
	return r.messages(), n.String(), streamIDStrings(del), nil
}

// XAutoClaimJustID is XAutoClaim with JUSTID: it returns IDs and leaves the
// delivery counts alone.
func (c *cmdable) XAutoClaimJustID(a XAutoClaimArgs) (ids []string, next string, deleted []string, err error) {
	n, r, del, err := c.xautoclaimTyped(a.args(true))
	if err != nil {
		return nil, "", nil, err
	}
	return streamIDStrings(r.ids), n.String(), streamIDStrings(del), nil
}

func (c *cmdable) xautoclaimTyped(args []string) (types.StreamID, xclaimed, []types.StreamID, error) {
	d, err := c.begin(true)
	if err != nil {
		return types.StreamID{}, xclaimed{}, nil, err
	}
	defer c.end()
	return d.xautoclaim(args)
}
