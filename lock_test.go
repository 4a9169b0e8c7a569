package racefree

import (
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStoreLockCountsExactly hammers the lock from many goroutines, with
// Lock and TryLock, and checks that no increment is lost (run with -race).
func TestStoreLockCountsExactly(t *testing.T) {
	var (
		l  storeLock
		n  int // guarded by l
		wg sync.WaitGroup
	)
	const goroutines, rounds = 16, 2000
	for g := range goroutines {
		wg.Go(func() {
			for i := range rounds {
				if (g+i)%7 == 0 && l.TryLock() {
					n++
					l.Unlock()
					continue
				}
				l.Lock()
				n++
				l.Unlock()
			}
		})
	}
	wg.Wait()
	l.Lock()
	defer l.Unlock()
	assert.Equal(t, goroutines*rounds, n)
}

// TestStoreLockWaitsForLongHold holds the lock well past the poller's budget:
// the waiters must get it only after the release, and then all of them must.
func TestStoreLockWaitsForLongHold(t *testing.T) {
	var (
		l        storeLock
		released atomic.Bool
		early    atomic.Int32
		got      atomic.Int32
		wg       sync.WaitGroup
	)
	l.Lock()
	const waiters = 4
	for range waiters {
		wg.Go(func() {
			l.Lock()
			if !released.Load() {
				early.Add(1)
			}
			got.Add(1)
			l.Unlock()
		})
	}
	time.Sleep(20 * pollBudget) // the poller gives up polling and parks
	assert.Zero(t, got.Load(), "nobody gets a held lock")
	released.Store(true)
	l.Unlock()
	wg.Wait()
	assert.Zero(t, early.Load())
	assert.Equal(t, int32(waiters), got.Load())
}

// TestStoreLockNoStarvation checks that a waiter gets the lock although
// another goroutine takes it again and again without a pause.
func TestStoreLockNoStarvation(t *testing.T) {
	var (
		l    storeLock
		stop atomic.Bool
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		for !stop.Load() {
			l.Lock()
			l.Unlock()
		}
	})
	done := make(chan struct{})
	go func() {
		for range 100 {
			l.Lock()
			l.Unlock()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Error("a waiter starved")
	}
	stop.Store(true)
	wg.Wait()
}

// TestStoreLockSynctest contends for a Store inside a synctest bubble: the
// waiters' polling must not keep the fake clock from advancing.
func TestStoreLockSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := New()
		require.NoError(t, err)
		defer s.Close()
		start := time.Now()
		var wg sync.WaitGroup
		const goroutines, rounds = 8, 50
		for range goroutines {
			wg.Go(func() {
				for range rounds {
					_, err := s.Incr("n")
					assert.NoError(t, err)
					time.Sleep(time.Millisecond)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, rounds*time.Millisecond, time.Since(start), "fake time is exact")
		v, ok, err := s.Get("n")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, "400", v)
		require.NoError(t, s.Close())
	})
}

// TestStoreLockSlowHolder mixes quick calls with transactions that hold the
// store lock for longer than the poller's budget.
func TestStoreLockSlowHolder(t *testing.T) {
	s := newTestStore(t)
	var wg sync.WaitGroup
	const goroutines, rounds = 8, 500
	for range goroutines {
		wg.Go(func() {
			for range rounds {
				_, err := s.Incr("n")
				assert.NoError(t, err)
			}
		})
	}
	for range 3 {
		require.NoError(t, s.Update(func(tx *Tx) error {
			time.Sleep(3 * pollBudget)
			_, err := tx.Incr("n")
			return err
		}))
	}
	wg.Wait()
	v, _, err := s.Get("n")
	require.NoError(t, err)
	assert.Equal(t, "4003", v)
}
