package racefree

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stepClock is a Clock that moves forward by step every time it is read.
type stepClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

func TestNewRejectsBadOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"nil clock":     WithClock(nil),
		"no databases":  WithDatabases(0),
		"zero interval": WithExpireInterval(0),
	} {
		s, err := New(opt)
		assert.Error(t, err, name)
		assert.Nil(t, s, name)
	}
}

func TestClose(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
	_, err = s.Ping()
	assert.ErrorIs(t, err, ErrClosed)
	_, err = s.Do("PING")
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, s.Update(func(*Tx) error { return nil }), ErrClosed)
}

func TestDatabases(t *testing.T) {
	s := newTestStore(t, WithDatabases(3))
	_, err := s.DB(3).DBSize()
	assert.ErrorIs(t, err, ErrDBIndex)
	_, err = s.DB(-1).Do("PING")
	assert.ErrorIs(t, err, ErrDBIndex)
	_, err = s.Do("SELECT", 3)
	assert.ErrorIs(t, err, ErrDBIndex)
	v, err := s.Do("SELECT", 2)
	require.NoError(t, err)
	assert.Equal(t, "OK", v)
	assert.ErrorIs(t, s.SwapDB(0, 3), ErrDBIndex)
	assert.NoError(t, s.SwapDB(0, 2))
}

func TestDoReplies(t *testing.T) {
	s := newTestStore(t)
	v, err := s.Do("PING")
	require.NoError(t, err)
	assert.Equal(t, "PONG", v)

	v, err = s.Do("ECHO", []byte("bytes"))
	require.NoError(t, err)
	assert.Equal(t, "bytes", v)

	v, err = s.Do("DBSIZE")
	require.NoError(t, err)
	assert.Equal(t, int64(0), v)

	v, err = s.Do("time")
	require.NoError(t, err)
	require.IsType(t, []any{}, v)
	assert.Len(t, v, 2)

	for arg, want := range map[any]string{
		42: "42", int64(-7): "-7", uint8(8): "8", 1.5: "1.5", float32(0.25): "0.25", true: "1", false: "0",
		1500 * time.Millisecond: "1500",
	} {
		v, err := s.Do("ECHO", arg)
		require.NoError(t, err)
		assert.Equal(t, want, v, "%T", arg)
	}
	_, err = s.Do("ECHO", struct{}{})
	assert.ErrorContains(t, err, "can't use struct {}")
}

func TestDoErrors(t *testing.T) {
	s := newTestStore(t)
	_, err := s.Do("NOSUCH", "a", "b")
	assert.ErrorIs(t, err, ErrUnknownCommand)
	assert.EqualError(t, err, "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ")

	_, err = s.Do("ECHO")
	assert.ErrorIs(t, err, ErrWrongArity)
	assert.EqualError(t, err, "ERR wrong number of arguments for 'echo' command")
	var re *Error
	require.True(t, errors.As(err, &re))
	assert.Equal(t, "ERR", re.Code())

	_, err = s.Do()
	assert.ErrorIs(t, err, ErrUnknownCommand)

	_, err = s.Do("OBJECT", "NOPE", "k")
	assert.ErrorIs(t, err, ErrUnknownSubcommand)
	assert.EqualError(t, err, "ERR unknown subcommand 'NOPE'. Try OBJECT HELP.")

	_, err = s.Do("SELECT", "x")
	assert.ErrorIs(t, err, ErrNotInteger)
}

func TestTransactions(t *testing.T) {
	s := newTestStore(t)
	sentinel := errors.New("stop")
	var kept *Tx
	err := s.Update(func(tx *Tx) error {
		kept = tx
		_, err := tx.Do("SELECT", 1)
		require.NoError(t, err)
		n, err := tx.DB(20).DBSize()
		assert.ErrorIs(t, err, ErrDBIndex)
		assert.Zero(t, n)
		return sentinel
	})
	assert.ErrorIs(t, err, sentinel)
	_, err = kept.Ping()
	assert.ErrorIs(t, err, ErrTxDone, "a Tx used after its function returned")

	err = s.View(func(tx *Tx) error {
		_, err := tx.Do("FLUSHALL")
		assert.ErrorIs(t, err, ErrTxReadOnly)
		assert.ErrorIs(t, tx.FlushDB(), ErrTxReadOnly)
		_, err = tx.DBSize()
		return err
	})
	assert.NoError(t, err)
}

func TestClockFrozenInTransaction(t *testing.T) {
	clock := &stepClock{now: time.Unix(1_700_000_000, 0), step: time.Second}
	s := newTestStore(t, WithClock(clock), WithExpireInterval(time.Hour))
	require.NoError(t, s.Update(func(tx *Tx) error {
		require.NoError(t, tx.Set("k", "v", time.Millisecond))
		a, err := tx.Time()
		require.NoError(t, err)
		b, err := tx.Time()
		require.NoError(t, err)
		assert.True(t, b.After(a), "TIME runs on inside a transaction, as in a script")
		_, ok, err := tx.Get("k")
		require.NoError(t, err)
		assert.True(t, ok, "but keys do not expire half-way")
		return nil
	}))
	_, ok, err := s.Get("k")
	require.NoError(t, err)
	assert.False(t, ok, "and expire once it is over")
}

func TestFastForwardAndSetTime(t *testing.T) {
	start := time.Unix(1_700_000_000, 0)
	clock := &stepClock{now: start}
	s := newTestStore(t, WithClock(clock))
	s.FastForward(90 * time.Second)
	now, err := s.Time()
	require.NoError(t, err)
	assert.Equal(t, start.Add(90*time.Second), now)
	target := time.Date(2030, 1, 2, 3, 4, 5, 6000, time.UTC)
	s.SetTime(target)
	assert.True(t, s.Now().Equal(target))
	v, err := s.Do("TIME")
	require.NoError(t, err)
	assert.Equal(t, []any{"1893553445", "6"}, v)
}

// TestIdleTimeWithCustomClock: a custom clock may jump between sweeps; an
// access right after the jump still counts as recent.
func TestIdleTimeWithCustomClock(t *testing.T) {
	clock := &stepClock{now: time.Unix(1_700_000_000, 0)}
	s := newTestStore(t, WithClock(clock), WithExpireInterval(time.Hour))
	require.NoError(t, s.Set("k", "v", 0))
	clock.mu.Lock()
	clock.now = clock.now.Add(100 * time.Second)
	clock.mu.Unlock()
	idle, ok, err := s.ObjectIdleTime("k")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, 100*time.Second, idle)
	_, _, err = s.Get("k")
	require.NoError(t, err)
	idle, _, err = s.ObjectIdleTime("k")
	require.NoError(t, err)
	assert.Zero(t, idle)
}

// TestNoGoroutineLeaks: Close stops what New started, also after blocked
// callers and killed scripts.
func TestNoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 5 {
		s, err := New(WithExpireInterval(time.Millisecond))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		_, err = s.Eval(ctx, "while true do end", nil)
		cancel()
		require.Error(t, err)
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.BLPop(context.Background(), 0, "nothing") // ends when the store closes
		}()
		time.Sleep(5 * time.Millisecond)
		require.NoError(t, s.Close())
		<-done
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	assert.LessOrEqual(t, runtime.NumGoroutine(), before)
}
