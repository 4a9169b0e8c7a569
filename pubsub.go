package racefree

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/racefree/racefree/resp"
)

// Pub/sub, MONITOR and the delivery of pushes.
//
// Everything a connection did not ask for in its last command (published
// messages, client-side cache invalidations, MONITOR lines) is a push. A
// push is encoded when it is sent, under the store lock, in the protocol the
// receiving connection speaks at that moment, and appended to the
// connection's push queue; the connection's owner (the server package)
// takes it from there and writes it between replies. Sending never blocks:
// a connection whose queue outgrows Redis's default pub/sub output limits
// (32 MiB, or 8 MiB for 60 seconds) is killed, as Redis disconnects it.
//
// Go code subscribes without a connection through Store.Subscribe, whose
// Subscription has a queue and limit of its own.
//
// Differences from Redis 7.0: UNSUBSCRIBE (and SUNSUBSCRIBE) without
// arguments goes through the channels in subscription order, and a message
// that matches several patterns reaches them in the order they were first
// subscribed, where Redis follows its hash tables; a message a connection publishes to
// itself inside MULTI/EXEC or a script comes after the reply (Redis writes
// it into the middle of EXEC's reply); MONITOR shows what connections and
// scripts run, not the Go API or Do.

// Output limits of a connection's push queue and of a Subscription:
// Redis's default "client-output-buffer-limit pubsub 32mb 8mb 60".
const (
	pushHardLimit   = 32 << 20
	pushSoftLimit   = 8 << 20
	pushSoftSeconds = 60
)

// Errors of pub/sub.
var (
	// ErrSlowSubscriber ends a Subscription whose reader fell so far
	// behind that its queue passed 32 MiB, the limit at which Redis
	// disconnects a pub/sub client.
	ErrSlowSubscriber = errors.New("racefree: subscription closed: its reader fell more than 32 MiB behind")
	// ErrSubscriptionClosed is what Err reports after Close.
	ErrSubscriptionClosed = errors.New("racefree: subscription closed")

	errPubsubContext = newError("ERR Can't execute this command: only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
	errDenyBlocking  = newError("ERR SUBSCRIBE isn't allowed for a DENY BLOCKING client")
	errMonitorDeny   = newError("ERR MONITOR isn't allowed for DENY BLOCKING client")
	errReplicaKeys   = newError("ERR Replica can't interact with the keyspace")
)

// pubsubState is the store's pub/sub registry, its MONITOR connections and
// its client-side caching tables. It is guarded by the store lock.
type pubsubState struct {
	channels map[string][]subscriber // subscribers of each channel, oldest first
	patterns map[string][]subscriber
	patOrder []string // the patterns, in the order they were first subscribed
	shard    map[string][]subscriber

	monitors []*Conn
	subs     map[*Subscription]struct{} // the Go subscriptions, ended by Store.Close

	// hooks is non-zero when exec must call beforeCommand and
	// afterCommand: some connection monitors or tracks keys.
	hooks int
	// current is the connection whose command runs (for NOLOOP), set only
	// while hooks is non-zero.
	current *Conn
	// scriptRead: the running script called a read-only command (its
	// caller then tracks the keys it declared, as in Redis).
	scriptRead bool

	track trackState // CLIENT TRACKING (tracking.go)
}

// rehook recomputes hooks after monitors or tracking changed.
func (p *pubsubState) rehook() {
	p.hooks = len(p.monitors) + p.track.clients
	if p.hooks == 0 {
		p.current = nil
	}
}

// subscriber is a connection or a Go Subscription.
type subscriber interface {
	subState() *subState
	// message delivers a message; kind is "message", "pmessage" or
	// "smessage". It reports false when the subscriber's queue overflowed
	// and it must be dropped. The caller holds the store lock.
	message(kind, pattern, channel, payload string) bool
}

// subState is what one subscriber is subscribed to, in subscription order.
type subState struct {
	channels, patterns, shard strSet
}

// count is what SUBSCRIBE and friends report: channels and patterns.
func (st *subState) count() int { return st.channels.len() + st.patterns.len() }

func (st *subState) total() int { return st.count() + st.shard.len() }

// strSet is a set of strings that remembers insertion order.
type strSet struct {
	order []string
	has   map[string]struct{}
}

func (s *strSet) len() int { return len(s.order) }

func (s *strSet) add(v string) bool {
	if _, ok := s.has[v]; ok {
		return false
	}
	if s.has == nil {
		s.has = map[string]struct{}{}
	}
	s.has[v] = struct{}{}
	s.order = append(s.order, v)
	return true
}

func (s *strSet) remove(v string) bool {
	if _, ok := s.has[v]; !ok {
		return false
	}
	delete(s.has, v)
	for i, x := range s.order {
		if x == v {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	return true
}

// subKind selects the channel namespace: plain channels or shard channels.
type subKind bool

const (
	plainChannels subKind = false
	shardChannels subKind = true
)

func (p *pubsubState) table(k subKind) *map[string][]subscriber {
	if k == shardChannels {
		return &p.shard
	}
	return &p.channels
}

func (st *subState) set(k subKind) *strSet {
	if k == shardChannels {
		return &st.shard
	}
	return &st.channels
}

// subscribe adds sub to channel and reports whether it was new. The caller
// holds the store lock.
func (p *pubsubState) subscribe(sub subscriber, k subKind, channel string) bool {
	if !sub.subState().set(k).add(channel) {
		return false
	}
	t := p.table(k)
	if *t == nil {
		*t = map[string][]subscriber{}
	}
	(*t)[channel] = append((*t)[channel], sub)
	return true
}

// unsubscribe removes sub from channel and reports whether it was there.
func (p *pubsubState) unsubscribe(sub subscriber, k subKind, channel string) bool {
	if !sub.subState().set(k).remove(channel) {
		return false
	}
	t := *p.table(k)
	t[channel] = removeSub(t[channel], sub)
	if len(t[channel]) == 0 {
		delete(t, channel)
	}
	return true
}

func (p *pubsubState) psubscribe(sub subscriber, pattern string) bool {
	if !sub.subState().patterns.add(pattern) {
		return false
	}
	if p.patterns == nil {
		p.patterns = map[string][]subscriber{}
	}
	if len(p.patterns[pattern]) == 0 {
		p.patOrder = append(p.patOrder, pattern)
	}
	p.patterns[pattern] = append(p.patterns[pattern], sub)
	return true
}

func (p *pubsubState) punsubscribe(sub subscriber, pattern string) bool {
	if !sub.subState().patterns.remove(pattern) {
		return false
	}
	p.patterns[pattern] = removeSub(p.patterns[pattern], sub)
	if len(p.patterns[pattern]) == 0 {
		delete(p.patterns, pattern)
		for i, x := range p.patOrder {
			if x == pattern {
				p.patOrder = append(p.patOrder[:i], p.patOrder[i+1:]...)
				break
			}
		}
	}
	return true
}

// unsubscribeAll drops every subscription of sub.
func (p *pubsubState) unsubscribeAll(sub subscriber) {
	st := sub.subState()
	for _, ch := range append([]string(nil), st.channels.order...) {
		p.unsubscribe(sub, plainChannels, ch)
	}
	for _, pat := range append([]string(nil), st.patterns.order...) {
		p.punsubscribe(sub, pat)
	}
	for _, ch := range append([]string(nil), st.shard.order...) {
		p.unsubscribe(sub, shardChannels, ch)
	}
}

func removeSub(list []subscriber, sub subscriber) []subscriber {
	for i, x := range list {
		if x == sub {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// publish delivers message to the subscribers of channel (and, for plain
// channels, of the patterns that match it) and returns how many received
// it. A message for self, the connection that publishes, is written to w
// before the reply, as Redis does, instead of being queued (self is nil
// when there is no such connection). The caller holds the store lock.
func (s *Store) publish(k subKind, channel, message string, self *Conn, w resp.Writer) int64 {
	p := &s.ps
	var n int64
	var slow []subscriber
	kind := "message"
	if k == shardChannels {
		kind = "smessage"
	}
	deliver := func(sub subscriber, pattern string) {
		n++
		if self != nil && sub == subscriber(self) {
			writeMessage(w, kind, pattern, channel, message)
			return
		}
		if !sub.message(kind, pattern, channel, message) {
			slow = append(slow, sub)
		}
	}
	for _, sub := range (*p.table(k))[channel] {
		deliver(sub, "")
	}
	if k == plainChannels {
		kind = "pmessage"
		for _, pat := range p.patOrder {
			if !matchGlob(pat, channel) {
				continue
			}
			for _, sub := range p.patterns[pat] {
				deliver(sub, pat)
			}
		}
	}
	for _, sub := range slow {
		s.dropSlow(sub)
	}
	return n
}

// dropSlow ends a subscriber whose queue overflowed. The caller holds the
// store lock.
func (s *Store) dropSlow(sub subscriber) {
	switch x := sub.(type) {
	case *Conn:
		x.kill()
	case *Subscription:
		s.endSubscription(x, ErrSlowSubscriber)
	}
}

// Publish posts message to channel, as PUBLISH does, and returns the number
// of subscribers that received it (connections and Go subscriptions; a
// subscriber matched by several patterns counts once per pattern).
func (c *cmdable) Publish(channel, message string) (int64, error) {
	if _, err := c.begin(false); err != nil {
		return 0, err
	}
	defer c.end()
	return c.s.publish(plainChannels, channel, message, nil, nil), nil
}

// SPublish posts message to the shard channel, as SPUBLISH does, and
// returns the number of subscribers that received it.
func (c *cmdable) SPublish(channel, message string) (int64, error) {
	if _, err := c.begin(false); err != nil {
		return 0, err
	}
	defer c.end()
	return c.s.publish(shardChannels, channel, message, nil, nil), nil
}

// PubSubChannels returns the channels that have subscribers, as PUBSUB
// CHANNELS does; pattern filters them ("" or "*" for all). The order is
// unspecified.
func (c *cmdable) PubSubChannels(pattern string) ([]string, error) {
	if _, err := c.begin(false); err != nil {
		return nil, err
	}
	defer c.end()
	return c.s.ps.activeChannels(plainChannels, pattern), nil
}

// PubSubShardChannels is PubSubChannels for shard channels, as PUBSUB
// SHARDCHANNELS does.
func (c *cmdable) PubSubShardChannels(pattern string) ([]string, error) {
	if _, err := c.begin(false); err != nil {
		return nil, err
	}
	defer c.end()
	return c.s.ps.activeChannels(shardChannels, pattern), nil
}

// PubSubNumSub returns the number of subscribers of each channel (pattern
// subscriptions excluded), as PUBSUB NUMSUB does.
func (c *cmdable) PubSubNumSub(channels ...string) (map[string]int64, error) {
	return c.numSub(plainChannels, channels)
}

// PubSubShardNumSub is PubSubNumSub for shard channels, as PUBSUB
// SHARDNUMSUB does.
func (c *cmdable) PubSubShardNumSub(channels ...string) (map[string]int64, error) {
	return c.numSub(shardChannels, channels)
}

func (c *cmdable) numSub(k subKind, channels []string) (map[string]int64, error) {
	if _, err := c.begin(false); err != nil {
		return nil, err
	}
	defer c.end()
	out := make(map[string]int64, len(channels))
	for _, ch := range channels {
		out[ch] = int64(len((*c.s.ps.table(k))[ch]))
	}
	return out, nil
}

// PubSubNumPat returns the number of patterns subscribed to, as PUBSUB
// NUMPAT does.
func (c *cmdable) PubSubNumPat() (int64, error) {
	if _, err := c.begin(false); err != nil {
		return 0, err
	}
	defer c.end()
	return int64(len(c.s.ps.patterns)), nil
}

func (p *pubsubState) activeChannels(k subKind, pattern string) []string {
	out := []string{}
	for ch := range *p.table(k) {
		if pattern == "" || pattern == "*" || matchGlob(pattern, ch) {
			out = append(out, ch)
		}
	}
	return out
}

// ---- connections ----

// connPubSub is a connection's subscriptions, MONITOR mode and push queue.
type connPubSub struct {
	sub     subState // guarded by the store lock
	monitor bool     // MONITOR ran
	out     pushQueue

	blockHook func(waiting bool) // SetBlockHook
}

// pushQueue holds a connection's pushes, encoded, until its owner takes
// them. Senders hold the store lock; the owner takes without it.
type pushQueue struct {
	pending atomic.Bool // buf is not empty: lets the owner skip the mutex
	mu      sync.Mutex
	buf     []byte
	ready   chan struct{} // holds a value while pushes are pending
	// overSince is when (Unix seconds) the queue went over the soft limit;
	// 0 when under it. Guarded by the store lock.
	overSince int64
	// nullAt is len(buf) right after the last flush invalidation was
	// queued, and nullTakes the value of takes then: while both still
	// hold, nothing was queued or taken since, and another flush
	// invalidation would repeat it (FLUSHALL flushes every database but
	// sends one). takes counts TakePushes calls that took something.
	nullAt           int
	takes, nullTakes uint64
}

func (q *pushQueue) readyChan() chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ready == nil {
		q.ready = make(chan struct{}, 1)
	}
	return q.ready
}

// push queues the encoded push b and reports false when the connection
// passed its output limit (and must be killed). The caller holds the store
// lock.
func (c *Conn) push(b []byte) bool { return c.pushFlush(b, false) }

// pushFlush is push; flushNull says b is a flush invalidation, which is not
// queued twice in a row.
func (c *Conn) pushFlush(b []byte, flushNull bool) bool {
	q := &c.ps.out
	q.mu.Lock()
	if flushNull && q.nullAt == len(q.buf) && q.nullAt > 0 && q.nullTakes == q.takes {
		q.mu.Unlock()
		return true
	}
	q.buf = append(q.buf, b...)
	n := len(q.buf)
	if flushNull {
		q.nullAt, q.nullTakes = n, q.takes
	}
	if q.ready == nil {
		q.ready = make(chan struct{}, 1)
	}
	q.pending.Store(true)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
	switch {
	case n > pushHardLimit:
		return false
	case n > pushSoftLimit:
		now := c.s.nowTime().Unix()
		if q.overSince == 0 {
			q.overSince = now
		} else if now-q.overSince >= pushSoftSeconds {
			return false
		}
	default:
		q.overSince = 0
	}
	return true
}

// PushReady returns a channel that holds a value while pushes are waiting
// for the connection: messages of channels it subscribed to, client-side
// cache invalidations, MONITOR lines. Take them with TakePushes. The server
// package does so for network connections.
func (c *Conn) PushReady() <-chan struct{} { return c.ps.out.readyChan() }

// TakePushes appends the waiting pushes to dst and returns it. Each push is
// RESP-encoded in the protocol the connection spoke when it was sent (a
// RESP3 push, or a RESP2 array for a subscribed RESP2 connection), ready to
// be written to the client. It is safe to call while another goroutine runs
// Exec on c.
func (c *Conn) TakePushes(dst []byte) []byte {
	q := &c.ps.out
	if !q.pending.Load() {
		return dst
	}
	q.mu.Lock()
	dst = append(dst, q.buf...)
	q.takes++
	if cap(q.buf) > 64<<10 {
		q.buf = nil // do not pin a burst's memory
	} else {
		q.buf = q.buf[:0]
	}
	q.pending.Store(false)
	q.mu.Unlock()
	return dst
}

// SetBlockHook sets f, which Exec calls without the store lock when the
// command it runs starts to wait (BLPOP and the like: f(true)) and when it
// stops waiting (f(false)), in the goroutine that called Exec. Between the
// two calls Exec does not touch its writer: the reply, if the command is
// served, is held and written once the wait is over. An owner that writes
// pushes from another goroutine to the stream Exec writes replies to (the
// server package does) uses it to let pushes out while a command waits.
// Call it before the first Exec.
func (c *Conn) SetBlockHook(f func(waiting bool)) { c.ps.blockHook = f }

// blockWait calls the block hook, if there is one. The caller does not hold
// the store lock.
func (c *Conn) blockWait(waiting bool) {
	if f := c.ps.blockHook; f != nil {
		f(waiting)
	}
}

// waitBlockedPushing is waitBlocked for a connection with a block hook: the
// reply a serving command writes goes to a Builder meanwhile (the owner may
// be writing pushes to the real writer), and is copied to the real writer
// after. The caller holds the store lock.
func (c *Conn) waitBlockedPushing(ctx context.Context, k *call) {
	if c.ps.blockHook == nil {
		c.waitBlocked(ctx, k)
		return
	}
	w := k.w
	held := &resp.Builder{Protocol: w.Proto()}
	k.w = held
	c.waitBlocked(ctx, k) // a timeout reply goes to w: the hook gave it back first
	k.w = w
	held.Value().WriteTo(w)
}

// subState implements subscriber.
func (c *Conn) subState() *subState { return &c.ps.sub }

// message implements subscriber.
func (c *Conn) message(kind, pattern, channel, payload string) bool {
	n := 3
	if pattern != "" {
		n = 4
	}
	b := appendPushHeader(make([]byte, 0, 48+len(pattern)+len(channel)+len(payload)), c.proto, n)
	b = appendBulk(b, kind)
	if pattern != "" {
		b = appendBulk(b, pattern)
	}
	b = appendBulk(b, channel)
	b = appendBulk(b, payload)
	return c.push(b)
}

// subscriptions returns how many channels and patterns the connection is
// subscribed to.
func (c *Conn) subscriptions() (channels, patterns int) {
	return c.ps.sub.channels.len(), c.ps.sub.patterns.len()
}

// shardSubscriptions returns how many shard channels the connection is
// subscribed to.
func (c *Conn) shardSubscriptions() int { return c.ps.sub.shard.len() }

// releasePubSub drops the connection's subscriptions, MONITOR and client
// tracking: it is closing, or RESET ran. The caller holds the store lock.
func (c *Conn) releasePubSub() {
	p := &c.s.ps
	if c.ps.sub.total() > 0 {
		p.unsubscribeAll(c)
	}
	if c.ps.monitor {
		c.ps.monitor = false
		for i, m := range p.monitors {
			if m == c {
				p.monitors = append(p.monitors[:i], p.monitors[i+1:]...)
				break
			}
		}
		p.rehook()
	}
	c.trackingOff()
}

// pubsubGate checks a command of a connection that is subscribed or
// monitoring against what it may run there, as Redis does: a subscribed
// RESP2 connection may only (un)subscribe, PING, QUIT and RESET; a MONITOR
// connection may not touch the keyspace. It writes the error (flagging a
// transaction, as any refused command does) and returns true when the
// command is refused. The caller holds the store lock.
func (c *Conn) pubsubGate(args []string, w resp.Writer) bool {
	cmd := resolveCommand(args)
	if cmd == nil {
		return false // exec answers with the unknown-command or arity error
	}
	if c.proto == 2 && c.ps.sub.total() > 0 {
		switch cmd.name {
		case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset":
		default:
			c.reject(args, w, errorf(errPubsubContext, "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", cmd.name))
			return true
		}
	}
	if c.ps.monitor && cmd.flags&(flagWrite|flagReadonly|flagMayReplicate) != 0 {
		c.reject(args, w, errReplicaKeys)
		return true
	}
	return false
}

// pubsubInfo returns the value of an INFO stats field about pub/sub and
// client-side caching: pubsub_channels, pubsub_patterns,
// pubsubshard_channels, tracking_total_keys, tracking_total_items,
// tracking_total_prefixes. The caller holds the store lock.
func (s *Store) pubsubInfo(field string) string {
	keys, items, prefixes := s.trackingStats()
	n := map[string]int{
		"pubsub_channels":         len(s.ps.channels),
		"pubsub_patterns":         len(s.ps.patterns),
		"pubsubshard_channels":    len(s.ps.shard),
		"tracking_total_keys":     keys,
		"tracking_total_items":    items,
		"tracking_total_prefixes": prefixes,
	}[field]
	return strconv.Itoa(n)
}

// pubsubActive reports whether pubsubGate must see the connection's
// commands.
func (c *Conn) pubsubActive() bool { return c.ps.monitor || c.ps.sub.total() > 0 }

// pingSubscribed is PING on a subscribed RESP2 connection, which replies
// with an array ["pong", message]. It reports whether it replied.
func pingSubscribed(c *call) bool {
	if c.conn == nil || c.conn.proto != 2 || c.conn.ps.sub.total() == 0 || len(c.args) > 2 {
		return false
	}
	c.w.Array(2)
	c.w.Bulk("pong")
	if len(c.args) == 2 {
		c.w.Bulk(c.args[1])
	} else {
		c.w.Bulk("")
	}
	return true
}

// ---- commands ----

// pushHeader starts a push of n elements: RESP3's > where the writer can
// write one, an array otherwise.
func pushHeader(w resp.Writer, n int) {
	if p, ok := w.(interface{ Push(int) }); ok {
		p.Push(n)
		return
	}
	w.Array(n)
}

// subscribeReply writes one (un)subscription confirmation of c's
// connection; isNil writes a nil channel. Like messages, confirmations go
// out even when CLIENT REPLY turned replies off, as in Redis 7.0.
func subscribeReply(c *call, kind, channel string, isNil bool, count int) {
	w := c.w
	if _, off := w.(discardWriter); off && c.conn != nil {
		conn := c.conn
		b := appendPushHeader(nil, conn.proto, 3)
		b = appendBulk(b, kind)
		if isNil {
			b = appendNullReply(b, conn.proto)
		} else {
			b = appendBulk(b, channel)
		}
		b = appendIntReply(b, int64(count))
		conn.push(b) // an overflow is dealt with at the next message
		return
	}
	pushHeader(w, 3)
	w.Bulk(kind)
	if isNil {
		w.NullBulk()
	} else {
		w.Bulk(channel)
	}
	w.Int(int64(count))
}

func subscribeCommand(c *call, k subKind, patterns bool) {
	conn := c.conn
	if conn == nil {
		c.fail(errorf(errDenyBlocking, "ERR %s isn't allowed for a DENY BLOCKING client", strings.ToUpper(c.args[0])))
		return
	}
	p := &c.s.ps
	for _, ch := range c.args[1:] {
		switch {
		case patterns:
			p.psubscribe(conn, ch)
			subscribeReply(c, "psubscribe", ch, false, conn.ps.sub.count())
		case k == shardChannels:
			p.subscribe(conn, k, ch)
			subscribeReply(c, "ssubscribe", ch, false, conn.ps.sub.shard.len())
		default:
			p.subscribe(conn, k, ch)
			subscribeReply(c, "subscribe", ch, false, conn.ps.sub.count())
		}
	}
}

func unsubscribeCommand(c *call, k subKind, patterns bool) {
	conn := connOf(c)
	p := &c.s.ps
	kind, set := "unsubscribe", &conn.ps.sub.channels
	count := conn.ps.sub.count
	switch {
	case patterns:
		kind, set = "punsubscribe", &conn.ps.sub.patterns
	case k == shardChannels:
		kind, set = "sunsubscribe", &conn.ps.sub.shard
		count = conn.ps.sub.shard.len
	}
	names := c.args[1:]
	if len(names) == 0 {
		if set.len() == 0 {
			subscribeReply(c, kind, "", true, count())
			return
		}
		names = append([]string(nil), set.order...)
	}
	for _, ch := range names {
		if patterns {
			p.punsubscribe(conn, ch)
		} else {
			p.unsubscribe(conn, k, ch)
		}
		subscribeReply(c, kind, ch, false, count())
	}
}

func cmdSubscribe(c *call)    { subscribeCommand(c, plainChannels, false) }
func cmdPSubscribe(c *call)   { subscribeCommand(c, plainChannels, true) }
func cmdSSubscribe(c *call)   { subscribeCommand(c, shardChannels, false) }
func cmdUnsubscribe(c *call)  { unsubscribeCommand(c, plainChannels, false) }
func cmdPUnsubscribe(c *call) { unsubscribeCommand(c, plainChannels, true) }
func cmdSUnsubscribe(c *call) { unsubscribeCommand(c, shardChannels, false) }

func cmdPublish(c *call)  { publishCommand(c, plainChannels) }
func cmdSPublish(c *call) { publishCommand(c, shardChannels) }

func publishCommand(c *call, k subKind) {
	self := c.conn
	if c.tx != nil { // inside EXEC: not into the middle of EXEC's reply
		self = nil
	}
	c.w.Int(c.s.publish(k, c.args[1], c.args[2], self, c.w))
}

// writeMessage writes a message push to w.
func writeMessage(w resp.Writer, kind, pattern, channel, payload string) {
	if pattern != "" {
		pushHeader(w, 4)
		w.Bulk(kind)
		w.Bulk(pattern)
	} else {
		pushHeader(w, 3)
		w.Bulk(kind)
	}
	w.Bulk(channel)
	w.Bulk(payload)
}

func pubsubChannelsCommand(c *call, k subKind) {
	if len(c.args) > 3 {
		c.fail(errorf(ErrUnknownSubcommand, "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP.",
			oneLine(cString(c.args[1])), strings.ToUpper(cString(c.args[0]))))
		return
	}
	pattern := ""
	if len(c.args) == 3 {
		pattern = c.args[2]
	}
	list := c.s.ps.activeChannels(k, pattern)
	c.w.Array(len(list))
	for _, ch := range list {
		c.w.Bulk(ch)
	}
}

func pubsubNumSubCommand(c *call, k subKind) {
	t := *c.s.ps.table(k)
	c.w.Array(2 * (len(c.args) - 2))
	for _, ch := range c.args[2:] {
		c.w.Bulk(ch)
		c.w.Int(int64(len(t[ch])))
	}
}

func cmdPubsubChannels(c *call)      { pubsubChannelsCommand(c, plainChannels) }
func cmdPubsubShardChannels(c *call) { pubsubChannelsCommand(c, shardChannels) }
func cmdPubsubNumSub(c *call)        { pubsubNumSubCommand(c, plainChannels) }
func cmdPubsubShardNumSub(c *call)   { pubsubNumSubCommand(c, shardChannels) }
func cmdPubsubNumPat(c *call)        { c.w.Int(int64(len(c.s.ps.patterns))) }

var pubsubHelp = []string{
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
}

func cmdPubsubHelp(c *call) { writeHelp(c, pubsubHelp) }

// cmdMonitor is MONITOR: from now on the connection receives every command
// other connections and scripts run, as Redis formats it. A second MONITOR
// is ignored without a reply, as in Redis.
func cmdMonitor(c *call) {
	conn := c.conn
	if conn == nil {
		c.fail(errMonitorDeny)
		return
	}
	if conn.ps.monitor {
		return
	}
	conn.ps.monitor = true
	c.s.ps.monitors = append(c.s.ps.monitors, conn)
	c.s.ps.rehook()
	c.ok()
}

// pubsubCommands are the pub/sub commands and MONITOR.
var pubsubCommands = []*command{
	{name: "subscribe", arity: -2, flags: flagPubsub | flagNoscript | flagLoading | flagStale, run: cmdSubscribe},
	{name: "unsubscribe", arity: -1, flags: flagPubsub | flagNoscript | flagLoading | flagStale, run: cmdUnsubscribe},
	{name: "psubscribe", arity: -2, flags: flagPubsub | flagNoscript | flagLoading | flagStale, run: cmdPSubscribe},
	{name: "punsubscribe", arity: -1, flags: flagPubsub | flagNoscript | flagLoading | flagStale, run: cmdPUnsubscribe},
	{name: "ssubscribe", arity: -2, flags: flagPubsub | flagNoscript | flagLoading | flagStale, firstKey: 1, lastKey: -1, step: 1, run: cmdSSubscribe},
	{name: "sunsubscribe", arity: -1, flags: flagPubsub | flagNoscript | flagLoading | flagStale, firstKey: 1, lastKey: -1, step: 1, run: cmdSUnsubscribe},
	{name: "publish", arity: 3, flags: flagPubsub | flagLoading | flagStale | flagFast, run: cmdPublish},
	{name: "spublish", arity: 3, flags: flagPubsub | flagLoading | flagStale | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdSPublish},
	{name: "pubsub", arity: -2, subs: []*command{
		{name: "pubsub|channels", arity: -2, flags: flagPubsub | flagLoading | flagStale, run: cmdPubsubChannels},
		{name: "pubsub|help", arity: 2, flags: flagLoading | flagStale, run: cmdPubsubHelp},
		{name: "pubsub|numpat", arity: 2, flags: flagPubsub | flagLoading | flagStale, run: cmdPubsubNumPat},
		{name: "pubsub|numsub", arity: -2, flags: flagPubsub | flagLoading | flagStale, run: cmdPubsubNumSub},
		{name: "pubsub|shardchannels", arity: -2, flags: flagPubsub | flagLoading | flagStale, run: cmdPubsubShardChannels},
		{name: "pubsub|shardnumsub", arity: -2, flags: flagPubsub | flagLoading | flagStale, run: cmdPubsubShardNumSub},
	}},
	{name: "monitor", arity: 1, flags: flagAdmin | flagNoscript | flagLoading | flagStale, run: cmdMonitor},
}

// ---- RESP encoding of pushes ----

func appendPushHeader(b []byte, proto, n int) []byte {
	if proto == 3 {
		b = append(b, '>')
	} else {
		b = append(b, '*')
	}
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\r', '\n')
}

func appendBulk(b []byte, s string) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

func appendIntReply(b []byte, n int64) []byte {
	b = append(b, ':')
	b = strconv.AppendInt(b, n, 10)
	return append(b, '\r', '\n')
}

func appendNullReply(b []byte, proto int) []byte {
	if proto == 3 {
		return append(b, '_', '\r', '\n')
	}
	return append(b, '$', '-', '1', '\r', '\n')
}
