package racefree

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "expire",
		commands: []string{"expire", "pexpire", "expireat", "pexpireat", "ttl", "pttl", "expiretime",
			"pexpiretime", "persist"},
		templates: expireTemplates,
	})
}

// Pools for the random expiry commands. Relative times are either in the
// past or far away, so that nothing expires during a sequence; GT and LT go
// only with absolute deadlines, whose comparisons do not depend on when each
// side runs the command.
var (
	expireRelSeconds = []string{"-1", "0", "100", "1000", "5000", "abc", "9223372036854775807"}
	expireRelMillis  = []string{"-5", "0", "150500", "2000500", "1.5", "9223372036854775807"}
	expireAbsSeconds = []string{"1", "0", "4102444800", "4102444900", "4102445000", "9223372036854776"}
	expireAbsMillis  = []string{"1000", "4102444800500", "4102444850000", "4102444999999", "-1", "9223372036854775807"}
	expireSafeConds  = [][]string{{}, {}, {"NX"}, {"XX"}, {"nx"}, {"XX", "XX"}, {"NX", "XX"}, {"foo"}}
	expireAllConds   = [][]string{{}, {"NX"}, {"XX"}, {"GT"}, {"LT"}, {"gt"}, {"XX", "GT"}, {"XX", "LT"}, {"lt", "xx"},
		{"GT", "LT"}, {"NX", "GT"}, {"NX", "LT"}, {"bad"}}
)

var expireTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string {
		args := []string{"SET", pick(r, randomKeys), pick(r, randomValues)}
		if r.IntN(3) == 0 {
			args = append(args, "PXAT", pick(r, []string{"4102444800000", "4102444860000"}))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"EXPIRE", pick(r, randomKeys), pick(r, expireRelSeconds)}, pick(r, expireSafeConds)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"PEXPIRE", pick(r, randomKeys), pick(r, expireRelMillis)}, pick(r, expireSafeConds)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"EXPIREAT", pick(r, randomKeys), pick(r, expireAbsSeconds)}, pick(r, expireAllConds)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"PEXPIREAT", pick(r, randomKeys), pick(r, expireAbsMillis)}, pick(r, expireAllConds)...)
	}},
	{mode: "approx", make: func(r *rand.Rand) []string {
		return []string{pick(r, []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}), pick(r, randomKeys)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"PERSIST", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string { return []string{"DEL", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{"RENAME", pick(r, randomKeys), pick(r, randomKeys)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"EXISTS", pick(r, randomKeys)} }},
}

func TestExpireTyped(t *testing.T) {
	s := newTestStore(t)
	ok, err := s.Expire("nosuch", time.Minute)
	require.NoError(t, err)
	assert.False(t, ok, "a missing key is a normal result")
	ttl, err := s.TTL("nosuch")
	require.NoError(t, err)
	assert.Equal(t, time.Duration(TTLNoKey), ttl)
	pttl, err := s.PTTL("nosuch")
	require.NoError(t, err)
	assert.Equal(t, time.Duration(TTLNoKey), pttl)
	at, err := s.ExpireTime("nosuch")
	require.NoError(t, err)
	assert.Equal(t, int64(TTLNoKey), at)
	ok, err = s.Persist("nosuch")
	require.NoError(t, err)
	assert.False(t, ok)

	keysDo(t, s, "SET", "a", "1")
	ttl, err = s.TTL("a")
	require.NoError(t, err)
	assert.Equal(t, time.Duration(TTLNoExpiry), ttl)
	at, err = s.PExpireTime("a")
	require.NoError(t, err)
	assert.Equal(t, int64(TTLNoExpiry), at)
	assert.Equal(t, int64(TTLNoExpiry), keysDo(t, s, "TTL", "a"))

	ok, err = s.Expire("a", 100*time.Second+900*time.Millisecond)
	require.NoError(t, err)
	assert.True(t, ok)
	ttl, err = s.TTL("a")
	require.NoError(t, err)
	assert.Equal(t, 100*time.Second, ttl, "EXPIRE counts whole seconds")
	assert.Equal(t, int64(100), keysDo(t, s, "TTL", "a"), "the typed method and Do agree")

	ok, err = s.PExpire("a", 1700*time.Millisecond)
	require.NoError(t, err)
	assert.True(t, ok)
	ttl, _ = s.TTL("a")
	assert.Equal(t, 2*time.Second, ttl, "TTL rounds to the nearest second")
	pttl, _ = s.PTTL("a")
	assert.InDelta(t, 1700*time.Millisecond, pttl, float64(100*time.Millisecond))

	deadline := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	ok, err = s.ExpireAt("a", deadline.Add(700*time.Millisecond))
	require.NoError(t, err)
	assert.True(t, ok)
	at, err = s.ExpireTime("a")
	require.NoError(t, err)
	assert.Equal(t, deadline.Unix(), at)
	ok, err = s.PExpireAt("a", deadline.Add(700*time.Millisecond))
	require.NoError(t, err)
	assert.True(t, ok)
	at, _ = s.PExpireTime("a")
	assert.Equal(t, deadline.UnixMilli()+700, at)
	assert.Equal(t, at, keysDo(t, s, "PEXPIRETIME", "a"))
	at, _ = s.ExpireTime("a")
	assert.Equal(t, deadline.Unix()+1, at, "EXPIRETIME rounds too")

	ok, err = s.Persist("a")
	require.NoError(t, err)
	assert.True(t, ok)
	ttl, _ = s.TTL("a")
	assert.Equal(t, time.Duration(TTLNoExpiry), ttl)

	// A deadline that has passed deletes the key and counts as done.
	ok, err = s.Expire("a", -time.Second)
	require.NoError(t, err)
	assert.True(t, ok)
	n, _ := s.Exists("a")
	assert.Zero(t, n)
	keysDo(t, s, "SET", "a", "1")
	ok, err = s.PExpireAt("a", time.Unix(1, 0))
	require.NoError(t, err)
	assert.True(t, ok)
	n, _ = s.Exists("a")
	assert.Zero(t, n)
	require.NoError(t, checkInvariants(s))
}

func TestExpireConditions(t *testing.T) {
	s := newTestStore(t)
	keysDo(t, s, "SET", "a", "1")
	for _, bad := range []ExpireCond{ExpireNX | ExpireXX, ExpireNX | ExpireGT, ExpireNX | ExpireLT} {
		_, err := s.Expire("a", time.Minute, bad)
		assert.ErrorIs(t, err, ErrExpireOptions)
	}
	_, err := s.PExpire("a", time.Minute, ExpireGT, ExpireLT)
	assert.ErrorIs(t, err, ErrExpireGTLT)
	_, err = s.Do("EXPIRE", "a", 10, "GT", "LT")
	assert.ErrorIs(t, err, ErrExpireGTLT)
	_, err = s.Do("EXPIRE", "a", 10, "sooner")
	assert.ErrorIs(t, err, ErrUnsupportedOption)
	assert.EqualError(t, err, "ERR Unsupported option sooner")

	step := func(ok bool, err error) bool {
		t.Helper()
		require.NoError(t, err)
		return ok
	}
	assert.False(t, step(s.Expire("a", time.Minute, ExpireXX)), "XX: no TTL yet")
	assert.False(t, step(s.Expire("a", time.Minute, ExpireGT)), "GT: no TTL is an infinite TTL")
	assert.True(t, step(s.Expire("a", time.Hour, ExpireLT)), "LT: anything is less than infinite")
	assert.False(t, step(s.Expire("a", time.Minute, ExpireNX)), "NX: has a TTL")
	assert.True(t, step(s.Expire("a", 2*time.Hour, ExpireGT)))
	assert.False(t, step(s.Expire("a", time.Hour, ExpireGT)))
	assert.True(t, step(s.Expire("a", time.Minute, ExpireXX|ExpireLT)))
	assert.False(t, step(s.Expire("a", time.Hour, ExpireXX|ExpireLT)))
	ttl, _ := s.TTL("a")
	assert.Equal(t, time.Minute, ttl)
	assert.Equal(t, int64(0), keysDo(t, s, "EXPIRE", "a", 3600, "LT"), "Do agrees")
	assert.Equal(t, int64(1), keysDo(t, s, "EXPIRE", "a", 30, "LT"))
}

func TestExpireOverflow(t *testing.T) {
	s := newTestStore(t)
	keysDo(t, s, "SET", "a", "1")
	_, err := s.ExpireAt("a", time.Unix(1<<62, 0))
	assert.ErrorIs(t, err, ErrInvalidExpire)
	assert.EqualError(t, err, "ERR invalid expire time in 'expireat' command")
	_, err = s.Do("PEXPIRE", "a", "9223372036854775807")
	assert.ErrorIs(t, err, ErrInvalidExpire)
	assert.EqualError(t, err, "ERR invalid expire time in 'pexpire' command")
	_, err = s.Do("expire", "a", "9223372036854775807")
	assert.EqualError(t, err, "ERR invalid expire time in 'expire' command")
	_, err = s.Do("EXPIRE", "a", "1.5")
	assert.ErrorIs(t, err, ErrNotInteger)

	// The longest deadline there is: TTL saturates, the raw values do not.
	ok, err := s.PExpireAt("a", time.UnixMilli(1<<63-1))
	require.NoError(t, err)
	assert.True(t, ok)
	ttl, err := s.TTL("a")
	require.NoError(t, err)
	assert.Equal(t, time.Duration(1<<63-1), ttl)
	at, _ := s.PExpireTime("a")
	assert.Equal(t, int64(1<<63-1), at)
	at, _ = s.ExpireTime("a")
	assert.Equal(t, int64(9223372036854776), at)
}

// manualClock is a Clock a test moves by hand, without the store's lock.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// liveKeys is the number of entries in database 0's map, expired or not: an
// internal look that, unlike DBSize, deletes nothing.
func liveKeys(s *Store) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dbs[0].keys)
}

func TestExpireFastForwardLazy(t *testing.T) {
	// An interval so long that the sweep never runs: only access expires.
	s := newTestStore(t, WithExpireInterval(time.Hour))
	keysDo(t, s, "SET", "a", "1", "EX", "10")
	keysDo(t, s, "SET", "b", "1", "EX", "10")
	keysDo(t, s, "SET", "keep", "1")
	s.FastForward(9 * time.Second)
	ttl, _ := s.TTL("a")
	assert.Equal(t, time.Second, ttl)
	s.FastForward(time.Second)
	assert.Equal(t, 3, liveKeys(s), "nothing swept yet")
	n, err := s.Exists("a")
	require.NoError(t, err)
	assert.Zero(t, n, "expired on access")
	assert.Equal(t, 2, liveKeys(s), "and deleted then")
	size, err := s.DBSize()
	require.NoError(t, err)
	assert.Equal(t, int64(1), size)
	assert.Equal(t, 1, liveKeys(s))
	require.NoError(t, checkInvariants(s))
}

func TestExpireFastForwardActive(t *testing.T) {
	s := newTestStore(t, WithExpireInterval(5*time.Millisecond))
	for i := range 1000 {
		keysDo(t, s, "SET", i, i, "EX", 1+i%50)
	}
	keysDo(t, s, "SET", "keep", "1")
	keysDo(t, s.DB(3), "SET", "other", "1", "EX", "60")
	s.FastForward(time.Minute + time.Second)
	// Nobody reads the keys: the sweep deletes them.
	require.Eventually(t, func() bool { return liveKeys(s) == 1 }, 5*time.Second, 5*time.Millisecond)
	size, err := s.DBSize()
	require.NoError(t, err)
	assert.Equal(t, int64(1), size)
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.dbs[3].keys) == 0
	}, 5*time.Second, 5*time.Millisecond, "every database is swept")
	require.NoError(t, checkInvariants(s))
}

func TestExpireSetTime(t *testing.T) {
	clock := &manualClock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := newTestStore(t, WithClock(clock), WithExpireInterval(time.Hour))
	keysDo(t, s, "SET", "a", "1")
	ok, err := s.ExpireAt("a", clock.now.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, ok)

	s.SetTime(clock.now.Add(-time.Hour))
	ttl, _ := s.TTL("a")
	assert.Equal(t, 2*time.Hour, ttl, "back in time, the TTL grows")
	s.SetTime(clock.now.Add(59 * time.Minute))
	ttl, _ = s.TTL("a")
	assert.Equal(t, time.Minute, ttl)
	clock.Add(time.Minute) // the clock runs on from the time set
	n, _ := s.Exists("a")
	assert.Zero(t, n)
}

func TestExpireClockFrozenInUpdate(t *testing.T) {
	clock := &manualClock{now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := newTestStore(t, WithClock(clock), WithExpireInterval(time.Hour))
	keysDo(t, s, "SET", "a", "1")
	err := s.Update(func(tx *Tx) error {
		ok, err := tx.PExpire("a", 100*time.Millisecond)
		require.NoError(t, err)
		assert.True(t, ok)
		clock.Add(time.Hour)
		n, err := tx.Exists("a")
		require.NoError(t, err)
		assert.Equal(t, int64(1), n, "the clock stands still inside Update")
		pttl, err := tx.PTTL("a")
		require.NoError(t, err)
		assert.Equal(t, 100*time.Millisecond, pttl)
		v, err := tx.Do("PTTL", "a")
		require.NoError(t, err)
		assert.Equal(t, int64(100), v)
		return nil
	})
	require.NoError(t, err)
	n, err := s.Exists("a")
	require.NoError(t, err)
	assert.Zero(t, n, "time moves again once Update returns")
}

func TestExpireSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := New() // the default clock: the bubble's fake time
		require.NoError(t, err)
		defer s.Close()
		keysDo(t, s, "SET", "a", "1")
		keysDo(t, s, "SET", "keep", "1")
		ok, err := s.Expire("a", time.Second)
		require.NoError(t, err)
		assert.True(t, ok)
		time.Sleep(500 * time.Millisecond)
		pttl, _ := s.PTTL("a")
		assert.Equal(t, 500*time.Millisecond, pttl, "fake time is exact")
		time.Sleep(1500 * time.Millisecond)
		assert.Equal(t, 1, liveKeys(s), "the sweep ran in the bubble")
		n, err := s.Exists("a")
		require.NoError(t, err)
		assert.Zero(t, n)
		require.NoError(t, s.Close()) // stop the sweep before the bubble ends
	})
}

func ExampleStore_Expire() {
	s, _ := New()
	defer s.Close()
	s.Do("SET", "session", "token")
	s.Expire("session", time.Hour)
	ok, _ := s.Expire("session", time.Minute, ExpireGT) // only ever extend
	ttl, _ := s.TTL("session")
	fmt.Println(ok, ttl)
	ttl, _ = s.TTL("nosuch")
	fmt.Println(ttl == TTLNoKey)
	// Output:
	// false 1h0m0s
	// true
}
