package racefree

import (
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentTransfers moves money between accounts from many goroutines
// at once, through Update, plain typed calls and Do. Transfers are atomic,
// so the total never changes and no update is lost.
func TestConcurrentTransfers(t *testing.T) {
	s := newTestStore(t)
	const accounts, start = 10, 1000
	for i := range accounts {
		require.NoError(t, s.Set("acct:"+strconv.Itoa(i), strconv.Itoa(start), 0))
	}
	workers := 4 * runtime.GOMAXPROCS(0)
	const rounds = 300
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				from := "acct:" + strconv.Itoa((w+i)%accounts)
				to := "acct:" + strconv.Itoa((w*7+i*3+1)%accounts)
				switch i % 3 {
				case 0:
					err := s.Update(func(tx *Tx) error {
						if _, err := tx.DecrBy(from, 5); err != nil {
							return err
						}
						_, err := tx.IncrBy(to, 5)
						return err
					})
					assert.NoError(t, err)
				case 1:
					err := s.Update(func(tx *Tx) error {
						if _, err := tx.Do("DECRBY", from, 3); err != nil {
							return err
						}
						_, err := tx.Do("INCRBY", to, 3)
						return err
					})
					assert.NoError(t, err)
				default:
					// Reads outside transactions interleave freely.
					_, _, err := s.Get(from)
					assert.NoError(t, err)
					_, err = s.Do("INCRBY", "ops", 1)
					assert.NoError(t, err)
				}
			}
		}()
	}
	wg.Wait()
	total := int64(0)
	for i := range accounts {
		v, ok, err := s.Get("acct:" + strconv.Itoa(i))
		require.NoError(t, err)
		require.True(t, ok)
		n, err := strconv.ParseInt(v, 10, 64)
		require.NoError(t, err)
		total += n
	}
	assert.Equal(t, int64(accounts*start), total, "money was created or destroyed")
	ops, _, _ := s.Get("ops")
	assert.Equal(t, strconv.Itoa(workers*(rounds/3)), ops, "an INCRBY was lost")
}

// TestConcurrentDatabases has goroutines write to different databases,
// swap them and flush them while the sweep expires keys: nothing races and
// the store stays consistent.
func TestConcurrentDatabases(t *testing.T) {
	s := newTestStore(t, WithExpireInterval(time.Millisecond))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := s.DB(w)
			for i := range 500 {
				k := fmt.Sprintf("k%d", i%20)
				switch i % 5 {
				case 0:
					assert.NoError(t, db.Set(k, "v", time.Millisecond))
				case 1:
					_, err := db.Do("SET", k, "v", "PX", 1)
					assert.NoError(t, err)
				case 2:
					if w == 0 && i%50 == 2 {
						assert.NoError(t, s.SwapDB(0, 1))
					}
				case 3:
					_, err := db.DBSize()
					assert.NoError(t, err)
				default:
					s.FastForward(time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, checkInvariants(s))
}

// TestCloseWhileBusy closes the store while goroutines are calling it: each
// call either succeeds or fails with ErrClosed, and Close returns.
func TestCloseWhileBusy(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				if _, err := s.Incr("n"); err != nil {
					assert.ErrorIs(t, err, ErrClosed)
					return
				}
				if i == 100 {
					runtime.Gosched()
				}
			}
		}()
	}
	time.Sleep(time.Millisecond)
	require.NoError(t, s.Close())
	wg.Wait()
}
