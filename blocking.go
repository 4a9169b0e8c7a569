package racefree

import (
	"context"
	"math"
	"math/big"
	"time"
)

// Blocking commands (BLPOP, BZPOPMIN, ...) wait without holding the store
// lock. A caller that finds nothing to take registers a waiter on each of its
// keys and sleeps. When a command creates one of those keys (d.add), the key
// is marked ready; before the lock is released, serveBlocked hands what the
// key holds to its waiters in the order they blocked, exactly as Redis serves
// blocked clients after each command. The waiter's serve function runs under
// the lock, in the goroutine of the command that made the key ready, so a
// value is never seen by two waiters and never lost.

// waiter is one caller blocked on keys of one database.
type waiter struct {
	db   int
	keys []string
	// serve tries to take from key, which now exists, under the lock. It
	// returns true when it took something (or failed for good, as BLMOVE
	// on a destination of the wrong type) and the waiter is done; false,
	// and the waiter stays blocked, when key holds a type it does not wait
	// for.
	serve func(d *db, key string) bool
	// onGone: serve is called also when key no longer exists (XREADGROUP
	// fails then, as in Redis); other waiters stay blocked.
	onGone bool
	done   chan struct{} // closed once served
	served bool
}

type blockKey struct {
	db  int
	key string
}

// block registers w on its keys. The caller holds s.mu.
func (s *Store) block(w *waiter) {
	if s.waiters == nil {
		s.waiters = make(map[blockKey][]*waiter)
	}
	w.done = make(chan struct{})
	for _, k := range w.keys {
		bk := blockKey{w.db, k}
		if q := s.waiters[bk]; len(q) > 0 && q[len(q)-1] == w {
			continue // the same key twice
		}
		s.waiters[bk] = append(s.waiters[bk], w)
	}
}

// unblock removes w from the queues of its keys. The caller holds s.mu.
func (s *Store) unblock(w *waiter) {
	for _, k := range w.keys {
		bk := blockKey{w.db, k}
		q := s.waiters[bk]
		for i, x := range q {
			if x == w {
				q = append(q[:i], q[i+1:]...)
				break
			}
		}
		if len(q) == 0 {
			delete(s.waiters, bk)
		} else {
			s.waiters[bk] = q
		}
	}
}

// signalReady notes that key of d now holds a value a waiter may take. The
// caller holds s.mu.
func (d *db) signalReady(key string) {
	s := d.s
	if len(s.waiters) == 0 {
		return
	}
	bk := blockKey{d.id, key}
	if _, ok := s.waiters[bk]; !ok {
		return
	}
	for _, r := range s.ready {
		if r == bk {
			return
		}
	}
	s.ready = append(s.ready, bk)
}

// serveBlocked serves the waiters of every ready key, oldest first, until
// each key is empty or has no more waiters. Serving may make other keys ready
// (BLMOVE pushes), which are served in turn. The caller holds s.mu.
func (s *Store) serveBlocked() {
	for len(s.ready) > 0 {
		bk := s.ready[0]
		s.ready = s.ready[1:]
		d := s.dbs[bk.db]
		for i := 0; ; {
			q := s.waiters[bk]
			if i >= len(q) {
				break
			}
			if !q[i].onGone && d.peek(bk.key) == nil {
				i++
				continue
			}
			w := q[i]
			if !w.serve(d, bk.key) {
				i++ // waits for another type (BLPOP on what is now a sorted set): skipped, as in Redis
				continue
			}
			w.served = true
			s.unblock(w)
			close(w.done)
		}
	}
	s.ready = s.ready[:0]
}

// unlock serves the callers blocked on keys that commands filled, then
// releases the store lock. Every path that runs commands unlocks with it.
func (s *Store) unlock() {
	if len(s.ready) > 0 {
		s.serveBlocked()
	}
	s.mu.Unlock()
}

// wait sleeps until w is served, ctx ends or timeout passes (0 waits
// forever), then reports whether w was served. It takes the lock to
// unregister w when it was not. The caller does not hold s.mu.
func (s *Store) wait(ctx context.Context, w *waiter, timeout time.Duration) bool {
	var expired <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-w.done:
		return true
	case <-ctx.Done():
	case <-expired:
	case <-s.stop:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.served {
		return true
	}
	s.unblock(w)
	return false
}

// blockTimeoutArg parses a blocking command's timeout as Redis does: seconds
// as a long double, rounded up to whole milliseconds; 0 waits for ever.
// Values that do not fit a 64-bit count of milliseconds are "negative", as
// they are in Redis.
func blockTimeoutArg(s string) (time.Duration, error) {
	f, ok := parseLongDouble(s)
	if !ok {
		return 0, ErrTimeoutNotFloat
	}
	if f.IsInf() {
		return 0, ErrTimeoutNegative
	}
	ms := new(big.Float).SetPrec(longDoublePrec).Mul(f, big.NewFloat(1000))
	i, acc := ms.Int(nil)
	if acc == big.Below {
		i.Add(i, big.NewInt(1)) // ceil for a positive fraction
	}
	if !i.IsInt64() || i.Sign() < 0 {
		return 0, ErrTimeoutNegative
	}
	v := i.Int64()
	if v > math.MaxInt64/int64(time.Millisecond) {
		return 0, nil // longer than time.Duration holds: for ever
	}
	return time.Duration(v) * time.Millisecond, nil
}
