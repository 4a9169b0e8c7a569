package racefree

import (
	"context"
	"sync"
)

// Go subscriptions: pub/sub without a connection.

// Message is a message a Subscription received.
type Message struct {
	// Channel is the channel the message was published on.
	Channel string
	// Pattern is the pattern that matched Channel, for a pattern
	// subscription; empty otherwise.
	Pattern string
	// Payload is the message.
	Payload string
}

// Subscription receives the messages published on channels and patterns,
// as a connection in SUBSCRIBE mode does, without a connection. Make one
// with Store.Subscribe, PSubscribe or SSubscribe. It counts as a subscriber
// for PUBLISH and PUBSUB NUMSUB. A Subscription is safe for concurrent use.
//
// Publishing never waits for a subscriber: messages queue up until Messages
// delivers them. When the queue passes 32 MiB (Redis's hard pub/sub output
// limit, past which Redis disconnects the client) the subscription ends:
// Messages is closed and Err returns ErrSlowSubscriber.
//
// A Subscription runs one goroutine, which feeds Messages; it ends, and
// Messages is closed, when Close is called, the context given to Subscribe
// ends or the Store closes.
type Subscription struct {
	s   *Store
	sub subState // guarded by the store lock

	mu     sync.Mutex
	queue  []Message
	head   int
	size   int
	ended  bool
	err    error
	wake   chan struct{} // 1-buffered: messages were queued
	done   chan struct{} // closed when the subscription ends
	exited chan struct{} // closed when the forwarding goroutine returned
	out    chan Message
	stop   func() bool // stops the context watch
}

// Subscribe returns a Subscription to channels (it may add more later):
// every message published on them after Subscribe returns reaches it. It
// ends when ctx ends, Close is called or the Store closes; on a closed
// Store it is ended from the start, with Err ErrClosed.
func (s *Store) Subscribe(ctx context.Context, channels ...string) *Subscription {
	sub := s.newSubscription(ctx)
	sub.Subscribe(channels...)
	return sub
}

// PSubscribe returns a Subscription to the channels that match patterns
// (glob-style, as PSUBSCRIBE takes them).
func (s *Store) PSubscribe(ctx context.Context, patterns ...string) *Subscription {
	sub := s.newSubscription(ctx)
	sub.PSubscribe(patterns...)
	return sub
}

// SSubscribe returns a Subscription to shard channels, as SSUBSCRIBE
// subscribes.
func (s *Store) SSubscribe(ctx context.Context, channels ...string) *Subscription {
	sub := s.newSubscription(ctx)
	sub.SSubscribe(channels...)
	return sub
}

func (s *Store) newSubscription(ctx context.Context) *Subscription {
	sub := &Subscription{
		s:      s,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
		out:    make(chan Message),
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		sub.err, sub.ended = ErrClosed, true
		close(sub.done)
		close(sub.out)
		close(sub.exited)
		return sub
	}
	if s.ps.subs == nil {
		s.ps.subs = map[*Subscription]struct{}{}
	}
	s.ps.subs[sub] = struct{}{}
	s.mu.Unlock()
	go sub.forward()
	stop := context.AfterFunc(ctx, func() { sub.end(context.Cause(ctx)) })
	sub.mu.Lock()
	sub.stop = stop
	sub.mu.Unlock()
	return sub
}

// forward moves queued messages to the Messages channel until the
// subscription ends.
func (sub *Subscription) forward() {
	defer close(sub.exited)
	defer close(sub.out)
	for {
		sub.mu.Lock()
		if sub.head == len(sub.queue) {
			sub.mu.Unlock()
			select {
			case <-sub.wake:
				continue
			case <-sub.done:
				return
			}
		}
		m := sub.queue[sub.head]
		sub.queue[sub.head] = Message{}
		sub.head++
		sub.size -= messageSize(m)
		if sub.head == len(sub.queue) {
			sub.queue, sub.head = sub.queue[:0], 0
		}
		sub.mu.Unlock()
		select {
		case sub.out <- m:
		case <-sub.done:
			return
		}
	}
}

func messageSize(m Message) int { return len(m.Channel) + len(m.Pattern) + len(m.Payload) + 32 }

// subState implements subscriber.
func (sub *Subscription) subState() *subState { return &sub.sub }

// message implements subscriber.
func (sub *Subscription) message(kind, pattern, channel, payload string) bool {
	m := Message{Channel: channel, Pattern: pattern, Payload: payload}
	sub.mu.Lock()
	if sub.ended {
		sub.mu.Unlock()
		return true
	}
	sub.queue = append(sub.queue, m)
	sub.size += messageSize(m)
	over := sub.size > pushHardLimit
	sub.mu.Unlock()
	select {
	case sub.wake <- struct{}{}:
	default:
	}
	return !over
}

// Messages returns the channel messages arrive on, in the order they were
// published. It is closed when the subscription ends; messages still
// queued then are dropped.
func (sub *Subscription) Messages() <-chan Message { return sub.out }

// Err returns why the subscription ended: ErrSubscriptionClosed after Close,
// the context's error, ErrClosed when the Store closed, ErrSlowSubscriber;
// nil while it runs.
func (sub *Subscription) Err() error {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return sub.err
}

// Subscribe adds channels to the subscription. It returns the
// subscription's error if it has ended.
func (sub *Subscription) Subscribe(channels ...string) error {
	return sub.change(func(p *pubsubState) {
		for _, ch := range channels {
			p.subscribe(sub, plainChannels, ch)
		}
	})
}

// PSubscribe adds patterns to the subscription.
func (sub *Subscription) PSubscribe(patterns ...string) error {
	return sub.change(func(p *pubsubState) {
		for _, pat := range patterns {
			p.psubscribe(sub, pat)
		}
	})
}

// SSubscribe adds shard channels to the subscription.
func (sub *Subscription) SSubscribe(channels ...string) error {
	return sub.change(func(p *pubsubState) {
		for _, ch := range channels {
			p.subscribe(sub, shardChannels, ch)
		}
	})
}

// Unsubscribe removes channels from the subscription; with none, all of
// its channels. The subscription stays open, even with nothing left.
func (sub *Subscription) Unsubscribe(channels ...string) error {
	return sub.change(func(p *pubsubState) {
		if len(channels) == 0 {
			channels = append([]string(nil), sub.sub.channels.order...)
		}
		for _, ch := range channels {
			p.unsubscribe(sub, plainChannels, ch)
		}
	})
}

// PUnsubscribe removes patterns from the subscription; with none, all of
// them.
func (sub *Subscription) PUnsubscribe(patterns ...string) error {
	return sub.change(func(p *pubsubState) {
		if len(patterns) == 0 {
			patterns = append([]string(nil), sub.sub.patterns.order...)
		}
		for _, pat := range patterns {
			p.punsubscribe(sub, pat)
		}
	})
}

// SUnsubscribe removes shard channels from the subscription; with none,
// all of them.
func (sub *Subscription) SUnsubscribe(channels ...string) error {
	return sub.change(func(p *pubsubState) {
		if len(channels) == 0 {
			channels = append([]string(nil), sub.sub.shard.order...)
		}
		for _, ch := range channels {
			p.unsubscribe(sub, shardChannels, ch)
		}
	})
}

func (sub *Subscription) change(f func(p *pubsubState)) error {
	s := sub.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ps.subs[sub]; !ok {
		if err := sub.Err(); err != nil {
			return err
		}
		return ErrSubscriptionClosed
	}
	f(&s.ps)
	return nil
}

// Close ends the subscription and waits until Messages is closed. It is
// safe to call more than once.
func (sub *Subscription) Close() error {
	sub.end(ErrSubscriptionClosed)
	return nil
}

// end ends the subscription with err, unless it already ended, and waits
// for its goroutine. The caller does not hold the store lock.
func (sub *Subscription) end(err error) {
	sub.s.mu.Lock()
	sub.s.endSubscription(sub, err)
	sub.s.mu.Unlock()
	sub.stopWatch()
	<-sub.exited
}

// stopWatch stops watching the subscription's context.
func (sub *Subscription) stopWatch() {
	sub.mu.Lock()
	stop := sub.stop
	sub.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// endSubscription drops sub's subscriptions and ends it with err. The
// caller holds the store lock.
func (s *Store) endSubscription(sub *Subscription, err error) {
	if _, ok := s.ps.subs[sub]; !ok {
		return
	}
	delete(s.ps.subs, sub)
	s.ps.unsubscribeAll(sub)
	sub.mu.Lock()
	sub.ended, sub.err = true, err
	sub.queue, sub.head, sub.size = nil, 0, 0
	sub.mu.Unlock()
	close(sub.done)
}

// closePubSub ends the Go subscriptions and every connection when the
// store closes, and waits for the subscriptions' goroutines.
func (s *Store) closePubSub() {
	s.mu.Lock()
	var subs []*Subscription
	for sub := range s.ps.subs {
		subs = append(subs, sub)
	}
	for _, sub := range subs {
		s.endSubscription(sub, ErrClosed)
	}
	for _, c := range s.sortedConns() {
		c.kill()
	}
	s.mu.Unlock()
	for _, sub := range subs {
		sub.stopWatch()
		<-sub.exited
	}
}
