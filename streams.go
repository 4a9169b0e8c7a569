package racefree

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/racefree/racefree/types"
)

// The stream commands: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XREAD
// (with BLOCK) and XSETID here; consumer groups in streams_groups.go, XINFO
// in streams_info.go. A stream lives in a
// *types.Stream, which lays its entries out in nodes as Redis does, so that
// approximate trimming (MAXLEN ~, MINID ~) removes exactly what Redis 7.0
// removes. Automatic IDs come from the store's clock, frozen inside scripts
// and transactions as in Redis.
//
// XREAD BLOCK waits like the list family's blocking commands: a waiter on
// each key, served under the lock by the command that adds an entry (XADD
// signals the key ready), in the order the readers blocked.

// streamCommands are the stream commands' table entries.
var streamCommands = []*command{
	{name: "xadd", arity: -5, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdXAdd},
	{name: "xlen", arity: 2, flags: flagReadonly | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdXLen},
	{name: "xrange", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdXRange},
	{name: "xrevrange", arity: -4, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdXRevRange},
	{name: "xdel", arity: -3, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdXDel},
	{name: "xtrim", arity: -4, flags: flagWrite, firstKey: 1, lastKey: 1, step: 1, run: cmdXTrim},
	{name: "xread", arity: -4, flags: flagReadonly | flagBlocking | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdXRead},
	{name: "xsetid", arity: -3, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdXSetID},
	{name: "xgroup", arity: -2, flags: 0, firstKey: 0, lastKey: 0, step: 0, run: nil, subs: []*command{
		{name: "xgroup|create", arity: -5, flags: flagWrite | flagDenyoom, firstKey: 2, lastKey: 2, step: 1, run: cmdXGroupCreate},
		{name: "xgroup|createconsumer", arity: 5, flags: flagWrite | flagDenyoom, firstKey: 2, lastKey: 2, step: 1, run: cmdXGroupCreateConsumer},
		{name: "xgroup|delconsumer", arity: 5, flags: flagWrite, firstKey: 2, lastKey: 2, step: 1, run: cmdXGroupDelConsumer},
		{name: "xgroup|destroy", arity: 4, flags: flagWrite, firstKey: 2, lastKey: 2, step: 1, run: cmdXGroupDestroy},
		{name: "xgroup|help", arity: 2, flags: flagLoading | flagStale, firstKey: 0, lastKey: 0, step: 0, run: cmdXGroupHelp},
		{name: "xgroup|setid", arity: -5, flags: flagWrite, firstKey: 2, lastKey: 2, step: 1, run: cmdXGroupSetID},
	}},
	{name: "xreadgroup", arity: -7, flags: flagWrite | flagBlocking | flagMovablekeys, firstKey: 0, lastKey: 0, step: 0, run: cmdXReadGroup},
	{name: "xack", arity: -4, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdXAck},
	{name: "xpending", arity: -3, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdXPending},
	{name: "xclaim", arity: -6, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdXClaim},
	{name: "xautoclaim", arity: -6, flags: flagWrite | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdXAutoClaim},
	{name: "xinfo", arity: -2, flags: 0, firstKey: 0, lastKey: 0, step: 0, run: nil, subs: []*command{
		{name: "xinfo|consumers", arity: 4, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdXInfoConsumers},
		{name: "xinfo|groups", arity: 3, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdXInfoGroups},
		{name: "xinfo|help", arity: 2, flags: flagLoading | flagStale, firstKey: 0, lastKey: 0, step: 0, run: cmdXInfoHelp},
		{name: "xinfo|stream", arity: -3, flags: flagReadonly, firstKey: 2, lastKey: 2, step: 1, run: cmdXInfoStream},
	}},
}

// ---- IDs ----

// parseUll is Redis's string2ull: a strict 64-bit integer that is not
// negative, else what C's strtoull accepts in full (leading spaces, a sign,
// leading zeros), without overflow.
func parseUll(s string) (uint64, bool) {
	if v, ok := parseInt(s); ok {
		return uint64(v), v >= 0
	}
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v uint64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		d := uint64(s[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if i == start || i != len(s) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseStreamID parses a stream ID as Redis does: "<ms>-<seq>" or "<ms>"
// (seq is then missingSeq), "-" and "+" unless strict. With seqStar, "<ms>-*"
// is accepted and seqGiven reports whether the sequence was given.
func parseStreamID(arg string, strict bool, missingSeq uint64, seqStar bool) (id types.StreamID, seqGiven bool, err error) {
	s := cString(arg)
	if len(arg) > 127 {
		return id, false, ErrStreamID
	}
	if s == "-" || s == "+" {
		if strict {
			return id, false, ErrStreamID
		}
		if s == "-" {
			return types.StreamID{}, true, nil
		}
		return types.MaxStreamID, true, nil
	}
	msPart, seqPart, dash := strings.Cut(s, "-")
	ms, ok := parseUll(msPart)
	if !ok {
		return id, false, ErrStreamID
	}
	seq, seqGiven := missingSeq, true
	if dash {
		if seqStar && seqPart == "*" {
			seq, seqGiven = 0, false
		} else if seq, ok = parseUll(seqPart); !ok {
			return id, false, ErrStreamID
		}
	}
	return types.StreamID{Ms: ms, Seq: seq}, seqGiven, nil
}

// parseIntervalID parses an XRANGE bound, with the exclusive "(" form.
func parseIntervalID(arg string, missingSeq uint64) (id types.StreamID, exclusive bool, err error) {
	if len(arg) > 1 && arg[0] == '(' {
		id, _, err = parseStreamID(arg[1:], true, missingSeq, false)
		return id, true, err
	}
	id, _, err = parseStreamID(arg, false, missingSeq, false)
	return id, false, err
}

// streamBounds parses XRANGE's start and end into an inclusive interval.
func streamBounds(startArg, endArg string) (start, end types.StreamID, err error) {
	start, ex, err := parseIntervalID(startArg, 0)
	if err != nil {
		return start, end, err
	}
	if ex {
		var ok bool
		if start, ok = start.Incr(); !ok {
			return start, end, ErrStreamInvalidStart
		}
	}
	end, ex, err = parseIntervalID(endArg, math.MaxUint64)
	if err != nil {
		return start, end, err
	}
	if ex {
		var ok bool
		if end, ok = end.Decr(); !ok {
			return start, end, ErrStreamInvalidEnd
		}
	}
	return start, end, nil
}

// ---- implementation ----

// streamRead returns key's stream, nil if it does not exist.
func (d *db) streamRead(key string) (*types.Stream, error) {
	e, err := d.lookupType(key, typeStream)
	if e == nil {
		return nil, err
	}
	return e.stream(), nil
}

// trimArgs are XADD's and XTRIM's trimming options.
type trimArgs struct {
	strategy int // 0 none, 1 MAXLEN, 2 MINID
	maxLen   int64
	minID    types.StreamID
	approx   bool
	limit    int64 // the most entries to trim; 0 for no limit, defaultTrimLimit
}

// defaultTrimLimit in trimArgs.limit is an approximate trim without LIMIT:
// Redis then limits it to 100 * stream-node-max-entries, read when it trims.
const defaultTrimLimit = -1

// addArgs are XADD's options.
type addArgs struct {
	trimArgs
	noMkStream bool
	idGiven    bool
	seqGiven   bool
	id         types.StreamID
}

// parseTrimArgs parses the options of XADD (xadd true, from args[2]) and
// XTRIM, as Redis does; for XADD it returns the position of the ID.
func parseTrimArgs(args []string, xadd bool) (a addArgs, idPos int, err error) {
	a.limit = -1
	limitGiven := false
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case xadd && opt == "*":
			goto done
		case more > 0 && (strings.EqualFold(opt, "maxlen") || strings.EqualFold(opt, "minid")):
			if a.strategy != 0 {
				return a, 0, ErrStreamMaxLenAndMinID
			}
			a.approx = false
			next := args[i+1]
			if more >= 2 && next == "~" {
				a.approx = true
				i++
			} else if more >= 2 && next == "=" {
				i++
			}
			if strings.EqualFold(opt, "maxlen") {
				if a.maxLen, err = intArg(args[i+1]); err != nil {
					return a, 0, err
				}
				if a.maxLen < 0 {
					return a, 0, ErrStreamMaxLenNegative
				}
				a.strategy = 1
			} else {
				if a.minID, _, err = parseStreamID(args[i+1], true, 0, false); err != nil {
					return a, 0, err
				}
				a.strategy = 2
			}
			i++
		case more > 0 && strings.EqualFold(opt, "limit"):
			if a.limit, err = intArg(args[i+1]); err != nil {
				return a, 0, err
			}
			if a.limit < 0 {
				return a, 0, ErrStreamLimitNegative
			}
			limitGiven = true
			i++
		case xadd && strings.EqualFold(opt, "nomkstream"):
			a.noMkStream = true
		case xadd:
			if a.id, a.seqGiven, err = parseStreamID(opt, true, 0, true); err != nil {
				return a, 0, err
			}
			a.idGiven = true
			goto done
		default:
			return a, 0, ErrSyntax
		}
	}
done:
	if a.limit != 0 && limitGiven && a.strategy == 0 {
		return a, 0, ErrStreamLimitNoStrategy
	}
	if !xadd && a.strategy == 0 {
		return a, 0, ErrXTrimNoStrategy
	}
	switch {
	case limitGiven && !a.approx:
		return a, 0, ErrStreamLimitNoApprox
	case !limitGiven && a.approx:
		a.limit = defaultTrimLimit
	case !limitGiven:
		a.limit = 0
	}
	return a, i, nil
}

// trim applies a's trimming to st and returns how many entries went; lim
// gives the default limit.
func (a *trimArgs) trim(st *types.Stream, lim *types.Limits) int64 {
	if a.strategy == 0 {
		return 0
	}
	limit := a.limit
	if limit == defaultTrimLimit {
		// As Redis computes it, wrapping around for huge node sizes.
		limit = 100 * lim.StreamNodeMaxEntries
		if limit <= 0 {
			limit = 10000
		}
		limit = min(limit, 1000000)
	}
	return st.Trim(a.maxLen, a.minID, a.strategy == 2, a.approx, limit)
}

// xadd adds an entry to key's stream and returns its ID; ok is false when
// the stream does not exist and NOMKSTREAM was given.
func (d *db) xadd(key string, a *addArgs, pairs []string) (id types.StreamID, ok bool, err error) {
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		return id, false, ErrStreamIDZero
	}
	e, err := d.lookupType(key, typeStream)
	if err != nil {
		return id, false, err
	}
	if e == nil {
		if a.noMkStream {
			return id, false, nil
		}
		e = streamEntry(types.NewStream(&d.s.limits))
		d.add(key, e)
	}
	st := e.stream()
	last := st.LastID
	if last == types.MaxStreamID {
		return id, false, ErrStreamExhausted
	}
	switch {
	case !a.idGiven:
		now := uint64(d.s.nowMS())
		if now > last.Ms {
			id = types.StreamID{Ms: now}
		} else {
			id, _ = last.Incr()
		}
	case a.seqGiven:
		id = a.id
	case a.id.Ms == last.Ms:
		if last.Seq == math.MaxUint64 {
			return id, false, ErrStreamIDTooSmall
		}
		id = types.StreamID{Ms: last.Ms, Seq: last.Seq + 1}
	default:
		id = a.id
	}
	if id.Compare(last) <= 0 {
		return id, false, ErrStreamIDTooSmall
	}
	st.Append(id, pairs)
	trimmed := a.trim(st, &d.s.limits)
	d.signalReady(key)
	d.modified(key)
	d.notify(notifyStream, "xadd", key)
	if trimmed > 0 {
		d.notify(notifyStream, "xtrim", key)
	}
	return id, true, nil
}

func (d *db) xlen(key string) (int64, error) {
	st, err := d.streamRead(key)
	if st == nil {
		return 0, err
	}
	return int64(st.Len()), nil
}

func streamRange(st *types.Stream, start, end types.StreamID, count int64, rev bool) []types.StreamEntry {
	var out []types.StreamEntry
	n := 0
	if count > 0 && count < math.MaxInt32 {
		n = int(count)
		out = make([]types.StreamEntry, 0, min(n, 64))
	}
	st.Range(start, end, n, rev, func(e types.StreamEntry) bool {
		out = append(out, e)
		return true
	})
	return out
}

// parseStreamIDs parses the IDs of XDEL and XACK, all of them before
// anything changes.
func parseStreamIDs(ids []string) ([]types.StreamID, error) {
	parsed := make([]types.StreamID, len(ids))
	for i, s := range ids {
		var err error
		if parsed[i], _, err = parseStreamID(s, true, 0, false); err != nil {
			return nil, err
		}
	}
	return parsed, nil
}

func (d *db) xdel(key string, ids []string) (int64, error) {
	st, err := d.streamRead(key)
	if st == nil {
		return 0, err
	}
	parsed, err := parseStreamIDs(ids)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, id := range parsed {
		if st.Delete(id) {
			if id.Compare(st.MaxDeletedID) > 0 {
				st.MaxDeletedID = id
			}
			n++
		}
	}
	if n > 0 {
		st.UpdateFirstID()
		d.modified(key)
		d.notify(notifyStream, "xdel", key)
	}
	return n, nil
}

func (d *db) xtrim(key string, a *trimArgs) (int64, error) {
	e, err := d.lookupType(key, typeStream)
	if e == nil {
		return 0, err
	}
	n := a.trim(e.stream(), &d.s.limits)
	if n > 0 {
		d.modified(key)
		d.notify(notifyStream, "xtrim", key)
	}
	return n, nil
}

// xsetid runs XSETID with its parsed arguments; entriesAdded < 0 leaves it.
func (d *db) xsetid(key string, id types.StreamID, entriesAdded int64, maxDeleted types.StreamID) error {
	e, err := d.lookupType(key, typeStream)
	if err != nil {
		return err
	}
	if e == nil {
		return ErrNoSuchKey
	}
	st := e.stream()
	if st.Len() > 0 {
		if id.Less(st.LastValidID()) {
			return ErrXSetIDBelowTop
		}
		if entriesAdded != -1 && int64(st.Len()) > entriesAdded {
			return ErrXSetIDEntriesBelowLength
		}
	}
	st.LastID = id
	if entriesAdded != -1 {
		st.EntriesAdded = uint64(entriesAdded)
	}
	if !maxDeleted.IsZero() {
		st.MaxDeletedID = maxDeleted
	}
	d.notify(notifyStream, "xsetid", key)
	return nil
}

// parseXSetID parses XSETID's arguments.
func parseXSetID(args []string) (id types.StreamID, entriesAdded int64, maxDeleted types.StreamID, err error) {
	entriesAdded = -1
	if id, _, err = parseStreamID(args[2], true, 0, false); err != nil {
		return
	}
	for i := 3; i < len(args); i += 2 {
		more := len(args) - 1 - i
		switch {
		case more > 0 && strings.EqualFold(args[i], "entriesadded"):
			if entriesAdded, err = intArg(args[i+1]); err != nil {
				return
			}
			if entriesAdded < 0 {
				err = ErrXSetIDEntriesAdded
				return
			}
		case more > 0 && strings.EqualFold(args[i], "maxdeletedid"):
			if maxDeleted, _, err = parseStreamID(args[i+1], true, 0, false); err != nil {
				return
			}
			if id.Less(maxDeleted) {
				err = ErrXSetIDBelowGivenMaxDeleted
				return
			}
		default:
			err = ErrSyntax
			return
		}
	}
	return
}

// xreadArgs are XREAD's and XREADGROUP's parsed arguments.
type xreadArgs struct {
	count    int64
	block    bool
	timeout  time.Duration
	keys     []string
	ids      []string
	group    string // XREADGROUP's GROUP
	consumer string
	noack    bool
}

// parseXRead parses XREAD's options (not yet its IDs).
func parseXRead(args []string, inScript bool) (xreadArgs, error) {
	return parseXReadArgs(args, inScript, false)
}

// parseXReadArgs parses the options of XREAD or, with xreadgroup, of
// XREADGROUP, in Redis's order.
func parseXReadArgs(args []string, inScript, xreadgroup bool) (a xreadArgs, err error) {
	hasGroup, hasStreams := false, false
loop:
	for i := 1; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case more > 0 && strings.EqualFold(opt, "block"):
			if inScript {
				return a, errorf(ErrXReadBlockInScript, "ERR %s command is not allowed with BLOCK option from scripts", cString(args[0]))
			}
			i++
			ms, err := intArg(args[i])
			if err != nil {
				return a, ErrTimeoutNotInteger
			}
			if ms < 0 {
				return a, ErrTimeoutNegative
			}
			a.block = true
			a.timeout = 0
			if ms <= math.MaxInt64/int64(time.Millisecond) {
				a.timeout = time.Duration(ms) * time.Millisecond
			}
		case more > 0 && strings.EqualFold(opt, "count"):
			i++
			if a.count, err = intArg(args[i]); err != nil {
				return a, err
			}
			if a.count < 0 {
				a.count = 0
			}
		case more > 0 && strings.EqualFold(opt, "streams"):
			rest := args[i+1:]
			if len(rest)%2 != 0 {
				return a, ErrXReadUnbalanced
			}
			a.keys, a.ids = rest[:len(rest)/2], rest[len(rest)/2:]
			hasStreams = true
			break loop
		case more >= 2 && strings.EqualFold(opt, "group"):
			if !xreadgroup {
				return a, ErrXReadGroupOption
			}
			a.group, a.consumer = args[i+1], args[i+2]
			hasGroup = true
			i += 2
		case strings.EqualFold(opt, "noack"):
			if !xreadgroup {
				return a, ErrXReadNoAck
			}
			a.noack = true
		default:
			return a, ErrSyntax
		}
	}
	switch {
	case !hasStreams:
		return a, ErrSyntax
	case xreadgroup && !hasGroup:
		return a, errXReadGroupMissingGroup
	}
	return a, nil
}

// xreadIDs resolves XREAD's IDs ("$" is the stream's last ID) and checks
// the keys' types, in Redis's order.
func (d *db) xreadIDs(keys, ids []string) ([]types.StreamID, error) {
	out := make([]types.StreamID, len(keys))
	for i, key := range keys {
		st, err := d.streamRead(key)
		if err != nil {
			return nil, err
		}
		switch ids[i] {
		case "$":
			if st != nil {
				out[i] = st.LastID
			}
			continue
		case ">":
			return nil, ErrXReadGreaterID
		}
		if out[i], _, err = parseStreamID(ids[i], true, 0, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// XStream is what XREAD returns for one stream: its key and entries.
type XStream struct {
	Stream   string
	Messages []XMessage
}

// XMessage is one stream entry: its ID and its field/value pairs in order
// (a flat list, unlike go-redis's map, since fields may repeat). Values is
// nil for a pending entry deleted from the stream since it was delivered
// (XREADGROUP's history).
type XMessage struct {
	ID     string
	Values []string
}

// xreadNow reads what is there for each key beyond its ID.
func (d *db) xreadNow(keys []string, ids []types.StreamID, count int64) []XStream {
	var out []XStream
	for i, key := range keys {
		st, _ := d.streamRead(key)
		if st == nil || st.Len() == 0 {
			continue
		}
		if st.LastValidID().Compare(ids[i]) <= 0 {
			continue
		}
		start, _ := ids[i].Incr()
		out = append(out, XStream{Stream: key, Messages: toMessages(streamRange(st, start, types.MaxStreamID, count, false))})
	}
	return out
}

// toMessages turns entries into messages; their IDs share one string.
func toMessages(es []types.StreamEntry) []XMessage {
	if len(es) == 0 {
		return []XMessage{}
	}
	out := make([]XMessage, len(es))
	var endsArr [64]int
	ends := endsArr[:0]
	var b strings.Builder
	b.Grow(24 * len(es))
	for _, e := range es {
		var buf [41]byte
		b.Write(appendStreamID(buf[:0], e.ID))
		ends = append(ends, b.Len())
	}
	ids := b.String()
	start := 0
	for i, e := range es {
		out[i] = XMessage{ID: ids[start:ends[i]], Values: e.Fields}
		start = ends[i]
	}
	return out
}

// appendStreamID appends id as "<ms>-<seq>" to b.
func appendStreamID(b []byte, id types.StreamID) []byte {
	var tmp [41]byte
	i := len(tmp)
	for v := id.Seq; ; v /= 10 {
		i--
		tmp[i] = byte('0' + v%10)
		if v < 10 {
			break
		}
	}
	i--
	tmp[i] = '-'
	for v := id.Ms; ; v /= 10 {
		i--
		tmp[i] = byte('0' + v%10)
		if v < 10 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// xreadWaiter is the waiter of XREAD BLOCK: it is served when one of keys
// holds a stream whose last ID is past the key's ID.
func xreadWaiter(dbIndex int, keys []string, ids []types.StreamID, count int64, done func(XStream)) *waiter {
	if count <= 0 {
		count = xreadGroupBlockedCount
	}
	first := map[string]types.StreamID{}
	var uniq []string
	for i, k := range keys {
		if _, ok := first[k]; !ok {
			first[k] = ids[i]
			uniq = append(uniq, k)
		}
	}
	return &waiter{db: dbIndex, keys: uniq, serve: func(d *db, key string) bool {
		e := d.peek(key)
		if e == nil || e.typ != typeStream {
			return false
		}
		st := e.stream()
		gt := first[key]
		if st.LastID.Compare(gt) <= 0 {
			return false
		}
		start, _ := gt.Incr()
		done(XStream{Stream: key, Messages: toMessages(streamRange(st, start, types.MaxStreamID, count, false))})
		return true
	}}
}

// ---- handlers ----

func (c *call) writeMessages(ms []XMessage) {
	c.w.Array(len(ms))
	for _, m := range ms {
		c.w.Array(2)
		c.w.Bulk(m.ID)
		if m.Values == nil {
			c.w.NullArray() // a pending entry deleted since
			continue
		}
		c.writeStrings(m.Values)
	}
}

func (c *call) writeEntries(es []types.StreamEntry) {
	c.w.Array(len(es))
	for _, e := range es {
		c.w.Array(2)
		c.w.Bulk(e.ID.String())
		c.writeStrings(e.Fields)
	}
}

// writeXStreams writes XREAD's reply: a map of key to entries in RESP3, an
// array of [key, entries] pairs in RESP2.
func (c *call) writeXStreams(out []XStream) {
	if c.w.Proto() == 3 {
		c.w.Map(len(out))
		for _, x := range out {
			c.w.Bulk(x.Stream)
			c.writeMessages(x.Messages)
		}
		return
	}
	c.w.Array(len(out))
	for _, x := range out {
		c.w.Array(2)
		c.w.Bulk(x.Stream)
		c.writeMessages(x.Messages)
	}
}

func cmdXAdd(c *call) {
	a, idPos, err := parseTrimArgs(c.args, true)
	if err != nil {
		c.fail(err)
		return
	}
	pairs := c.args[idPos+1:]
	if len(pairs) < 2 || len(pairs)%2 == 1 {
		c.fail(arityError("xadd"))
		return
	}
	id, ok, err := c.db.xadd(c.args[1], &a, pairs)
	switch {
	case err != nil:
		c.fail(err)
	case !ok:
		c.w.NullBulk()
	default:
		c.w.Bulk(id.String())
	}
}

func cmdXLen(c *call) { c.replyInt(c.db.xlen(c.args[1])) }

func (c *call) xrangeReply(rev bool) {
	startArg, endArg := c.args[2], c.args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	start, end, err := streamBounds(startArg, endArg)
	if err != nil {
		c.fail(err)
		return
	}
	count := int64(-1)
	for j := 4; j < len(c.args); j++ {
		if strings.EqualFold(c.args[j], "count") && j+1 < len(c.args) {
			if count, err = intArg(c.args[j+1]); err != nil {
				c.fail(err)
				return
			}
			if count < 0 {
				count = 0
			}
			j++
		} else {
			c.fail(ErrSyntax)
			return
		}
	}
	st, err := c.db.streamRead(c.args[1])
	switch {
	case err != nil:
		c.fail(err)
	case st == nil:
		c.w.Array(0)
	case count == 0:
		c.w.NullArray()
	default:
		c.writeEntries(streamRange(st, start, end, count, rev))
	}
}

func cmdXRange(c *call) { c.xrangeReply(false) }

func cmdXRevRange(c *call) { c.xrangeReply(true) }

func cmdXDel(c *call) { c.replyInt(c.db.xdel(c.args[1], c.args[2:])) }

func cmdXTrim(c *call) {
	a, _, err := parseTrimArgs(c.args, false)
	if err != nil {
		c.fail(err)
		return
	}
	c.replyInt(c.db.xtrim(c.args[1], &a.trimArgs))
}

func cmdXSetID(c *call) {
	id, added, maxDel, err := parseXSetID(c.args)
	if err == nil {
		err = c.db.xsetid(c.args[1], id, added, maxDel)
	}
	if err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

func cmdXRead(c *call) {
	a, err := parseXRead(c.args, c.inScript)
	if err != nil {
		c.fail(err)
		return
	}
	ids, err := c.db.xreadIDs(a.keys, a.ids)
	if err != nil {
		c.fail(err)
		return
	}
	out := c.db.xreadNow(a.keys, ids, a.count)
	switch {
	case len(out) > 0:
		c.writeXStreams(out)
	case !a.block || !c.canBlock():
		c.w.NullArray()
	default:
		c.block(xreadWaiter(c.db.id, a.keys, ids, a.count, func(x XStream) {
			c.writeXStreams([]XStream{x})
		}), a.timeout, c.w.NullArray)
	}
}

// ---- typed API ----

// XAddArgs are XADD's options. ID "" or "*" generates one from the store's
// clock; "<ms>-*" picks the sequence. MaxLen > 0 or MinID != "" trims, with
// Approx as "~" (and Limit as LIMIT, only with Approx).
type XAddArgs struct {
	NoMkStream bool
	MaxLen     int64
	MinID      string
	Approx     bool
	Limit      int64
	ID         string
	Values     []string // field/value pairs
}

// XAdd appends an entry to the stream at key, as XADD does, and returns its
// ID; it returns "" when NoMkStream is set and the stream does not exist.
func (c *cmdable) XAdd(key string, a XAddArgs) (string, error) {
	args := []string{"xadd", key}
	if a.NoMkStream {
		args = append(args, "nomkstream")
	}
	args = appendTrimArgs(args, a.MaxLen, a.MinID, a.Approx, a.Limit)
	id := a.ID
	if id == "" {
		id = "*"
	}
	args = append(args, id)
	args = append(args, a.Values...)
	p, idPos, err := parseTrimArgs(args, true)
	if err != nil {
		return "", err
	}
	pairs := args[idPos+1:]
	if len(pairs) < 2 || len(pairs)%2 == 1 {
		return "", arityError("xadd")
	}
	d, err := c.begin(true)
	if err != nil {
		return "", err
	}
	defer c.end()
	sid, ok, err := d.xadd(key, &p, pairs)
	if err != nil || !ok {
		return "", err
	}
	return sid.String(), nil
}

func appendTrimArgs(args []string, maxLen int64, minID string, approx bool, limit int64) []string {
	op := "="
	if approx {
		op = "~"
	}
	switch {
	case minID != "":
		args = append(args, "minid", op, minID)
	case maxLen > 0:
		args = append(args, "maxlen", op, strconv.FormatInt(maxLen, 10))
	}
	if limit > 0 {
		args = append(args, "limit", strconv.FormatInt(limit, 10))
	}
	return args
}

// XLen returns the number of entries of the stream at key, as XLEN does.
func (c *cmdable) XLen(key string) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.xlen(key)
}

// XRange returns the entries of the stream at key from start to stop, as
// XRANGE does ("-" and "+" for the ends, "(" for exclusive bounds).
func (c *cmdable) XRange(key, start, stop string) ([]XMessage, error) {
	return c.xrangeTyped(key, start, stop, -1, false)
}

// XRangeN is XRange returning at most count entries.
func (c *cmdable) XRangeN(key, start, stop string, count int64) ([]XMessage, error) {
	return c.xrangeTyped(key, start, stop, count, false)
}

// XRevRange is XRange from the highest ID down, as XREVRANGE does: start is
// the high end ("+"), stop the low one ("-").
func (c *cmdable) XRevRange(key, start, stop string) ([]XMessage, error) {
	return c.xrangeTyped(key, stop, start, -1, true)
}

// XRevRangeN is XRevRange returning at most count entries.
func (c *cmdable) XRevRangeN(key, start, stop string, count int64) ([]XMessage, error) {
	return c.xrangeTyped(key, stop, start, count, true)
}

func (c *cmdable) xrangeTyped(key, lo, hi string, count int64, rev bool) ([]XMessage, error) {
	start, end, err := streamBounds(lo, hi)
	if err != nil {
		return nil, err
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	st, err := d.streamRead(key)
	if st == nil || count == 0 {
		return nil, err
	}
	n := 0
	if count > 0 && count < math.MaxInt32 {
		n = int(count)
	}
	var arr [16]types.StreamEntry // most reads are short: no allocation for them
	es := arr[:0]
	st.Range(start, end, n, rev, func(e types.StreamEntry) bool {
		es = append(es, e)
		return true
	})
	if len(es) == 0 {
		return nil, nil
	}
	return toMessages(es), nil
}

// XDel deletes the entries with the given IDs, as XDEL does, and returns how
// many there were.
func (c *cmdable) XDel(key string, ids ...string) (int64, error) {
	if len(ids) == 0 {
		return 0, arityError("xdel")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.xdel(key, ids)
}

// XTrimMaxLen trims the stream at key to maxLen entries, as XTRIM MAXLEN
// does, and returns how many entries went.
func (c *cmdable) XTrimMaxLen(key string, maxLen int64) (int64, error) {
	return c.xtrimTyped(key, "maxlen", "=", strconv.FormatInt(maxLen, 10), 0)
}

// XTrimMaxLenApprox is XTRIM MAXLEN ~ maxLen (with LIMIT limit when
// limit > 0): only whole nodes of entries go, as in Redis.
func (c *cmdable) XTrimMaxLenApprox(key string, maxLen, limit int64) (int64, error) {
	return c.xtrimTyped(key, "maxlen", "~", strconv.FormatInt(maxLen, 10), limit)
}

// XTrimMinID removes the entries whose ID is below minID, as XTRIM MINID
// does, and returns how many went.
func (c *cmdable) XTrimMinID(key, minID string) (int64, error) {
	return c.xtrimTyped(key, "minid", "=", minID, 0)
}

// XTrimMinIDApprox is XTRIM MINID ~ minID (with LIMIT limit when limit > 0).
func (c *cmdable) XTrimMinIDApprox(key, minID string, limit int64) (int64, error) {
	return c.xtrimTyped(key, "minid", "~", minID, limit)
}

func (c *cmdable) xtrimTyped(key, strategy, op, arg string, limit int64) (int64, error) {
	args := []string{"xtrim", key, strategy, op, arg}
	if limit > 0 {
		args = append(args, "limit", strconv.FormatInt(limit, 10))
	}
	a, _, err := parseTrimArgs(args, false)
	if err != nil {
		return 0, err
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.xtrim(key, &a.trimArgs)
}

// XSetIDArgs are XSETID's options: EntriesAdded is set as ENTRIESADDED
// when SetEntriesAdded is true; MaxDeletedID "" leaves the largest deleted
// ID as it is.
type XSetIDArgs struct {
	SetEntriesAdded bool
	EntriesAdded    int64
	MaxDeletedID    string
}

// XSetID sets the last ID of the stream at key, as XSETID does.
func (c *cmdable) XSetID(key, id string, a XSetIDArgs) error {
	args := []string{"xsetid", key, id}
	if a.SetEntriesAdded {
		args = append(args, "entriesadded", strconv.FormatInt(a.EntriesAdded, 10))
	}
	if a.MaxDeletedID != "" {
		args = append(args, "maxdeletedid", a.MaxDeletedID)
	}
	sid, added, maxDel, err := parseXSetID(args)
	if err != nil {
		return err
	}
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	return d.xsetid(key, sid, added, maxDel)
}

// XReadArgs are XREAD's arguments. Streams lists the keys then one ID per
// key ("$" for the stream's last ID). Unlike go-redis, Block 0 does not
// wait; Block > 0 waits up to Block, Block < 0 waits without limit (until
// the context ends).
type XReadArgs struct {
	Streams []string
	Count   int64
	Block   time.Duration
}

// XRead reads entries past the given IDs, as XREAD does, waiting as Block
// says when there are none; it returns nil when nothing came in time. Inside
// Update or View it does not wait, as inside MULTI.
func (c *cmdable) XRead(ctx context.Context, a XReadArgs) ([]XStream, error) {
	if len(a.Streams) == 0 {
		return nil, arityError("xread")
	}
	if len(a.Streams)%2 != 0 {
		return nil, ErrXReadUnbalanced
	}
	keys, rawIDs := a.Streams[:len(a.Streams)/2], a.Streams[len(a.Streams)/2:]
	count := a.Count
	if count < 0 {
		count = 0
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	ids, err := d.xreadIDs(keys, rawIDs)
	if err != nil {
		c.end()
		return nil, err
	}
	out := d.xreadNow(keys, ids, count)
	if len(out) > 0 || a.Block == 0 || c.tx != nil {
		c.end()
		return out, nil
	}
	var got XStream
	w := xreadWaiter(d.id, keys, ids, count, func(x XStream) { got = x })
	c.s.block(w)
	c.end()
	timeout := a.Block
	if timeout < 0 {
		timeout = 0
	}
	if !c.s.wait(ctx, w, timeout) {
		return nil, c.waitErr(ctx)
	}
	return []XStream{got}, nil
}
