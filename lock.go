package racefree

import (
	"runtime"
	"sync"
	"time"
)

// storeLock is the store-wide lock that makes every call atomic. Unlock and
// TryLock are sync.Mutex's; Lock follows its own policy under contention:
//
//  1. One attempt (TryLock). Uncontended, that is all Lock costs.
//  2. Otherwise the caller queues on poller, a second mutex, so that at most
//     one waiter at a time polls the lock; the others sleep there. Unlock
//     never wakes them: the next poller is woken once, when the current one
//     gets the lock.
//  3. The poller yields the processor (runtime.Gosched) and retries with an
//     exponential backoff in time, from pollFirstWait to pollMaxWait between
//     attempts. Unlock stays sync.Mutex's uncontended fast path, and whoever
//     holds the lock keeps it, with its data hot in its core's cache, for a
//     run of calls instead of handing it over after every one.
//  4. After pollBudget (a lock held for long, such as a slow script), or
//     pollYields yields if the clock does not move (a synctest bubble), the
//     poller parks in sync.Mutex.Lock. It then waits as any sync.Mutex
//     waiter does (the mutex turns fair after 1 ms), and burns no more CPU.
//
// Why: with a plain sync.Mutex, eight goroutines calling on two cores park
// on the mutex, every Unlock wakes one of them (a context switch, often a
// futex call) and the lock changes core after nearly every call. Measured on
// the 2-core machine with bench/ (ns per call, wall time over all clients,
// 1 client -> 8 clients), sync.Mutex: GET 23 -> 145, SET 33 -> 218, INCR
// 45 -> 112, HSET 32 -> 253, HGET 29 -> 198, EVALSHA of the SET script
// 318 -> 354, transfer 786 -> 910, rolling window 1457 -> 1715; this
// policy: GET 23 -> 26, SET 36 -> 37, INCR 47 -> 48, HSET 33 -> 36, HGET
// 30 -> 33, EVALSHA SET 326 -> 335, transfer 797 -> 873, window 1487 ->
// 1589. A map read under the lock (BenchmarkStoreLock): 16 -> 100 ns with
// sync.Mutex, 17 -> 19 ns with this policy; an uncontended Lock and Unlock
// cost the same (12 ns). Simpler policies measured worse: TryLock and
// Gosched in a loop with no poller queue and no backoff gave 60-100 ns for
// GET and SET with 8 clients (the lock bounced between the cores), and
// EVALSHA got slower than with sync.Mutex. The price is latency for
// waiters under saturation: the holder keeps the lock for a run of calls,
// and each poller waits at most about pollBudget plus sync.Mutex's own
// starvation guard (1 ms) before it gets the lock.
type storeLock struct {
	sync.Mutex            // the lock itself
	poller     sync.Mutex // held by the one waiter that polls the lock
}

const (
	// pollFirstWait and pollMaxWait bound the poller's wait between two
	// attempts, which doubles after every failed one.
	pollFirstWait = time.Microsecond
	pollMaxWait   = 128 * time.Microsecond
	// pollBudget is how long the poller polls before it parks.
	pollBudget = 4 * time.Millisecond
	// pollMaxYields bounds the yields between two attempts, and pollYields
	// the yields in all, whatever the clock says: a synctest bubble's clock
	// stands still while its goroutines run.
	pollMaxYields = 1024
	pollYields    = 65536
)

// Lock takes the lock.
func (l *storeLock) Lock() {
	if !l.Mutex.TryLock() {
		l.lockSlow()
	}
}

// lockSlow is Lock when the lock is taken: queue to be the poller, poll, and
// park if polling did not get the lock in time.
func (l *storeLock) lockSlow() {
	l.poller.Lock()
	if !l.poll() {
		l.Mutex.Lock()
	}
	l.poller.Unlock()
}

// poll yields and retries with a growing wait until it gets the lock, or
// reports false once its budget is spent.
func (l *storeLock) poll() bool {
	start := time.Now()
	last, wait, yields := start, pollFirstWait, 0
	for range pollYields {
		runtime.Gosched()
		yields++
		now := time.Now()
		if yields < pollMaxYields && now.Sub(last) < wait {
			continue
		}
		if l.Mutex.TryLock() {
			return true
		}
		if now.Sub(start) >= pollBudget {
			return false
		}
		last, yields, wait = now, 0, min(2*wait, pollMaxWait)
	}
	return false
}
