package racefree

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/racefree/racefree/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name: "keys",
		commands: []string{"del", "unlink", "exists", "type", "rename", "renamenx", "copy", "keys", "scan",
			"randomkey", "touch", "move", "object|encoding", "object|idletime", "object|freq"},
		templates: keysTemplates,
	})
}

// Pools for the random keyspace commands.
var (
	keysPatterns = []string{"*", "k*", "*1", "k?", "{t}*", "[k]*", "[^k]*", "*[1-3]", "\\{t\\}a", "", "nosuch", "**"}
	keysTypes    = []string{"string", "hash", "HASH", "set", "list", "none", "foo"}
)

// keysSomeKeys returns 1 to max keys from the shared pool, repeats allowed.
func keysSomeKeys(r *rand.Rand, max int) []string {
	out := make([]string, 1+r.IntN(max))
	for i := range out {
		out[i] = pick(r, randomKeys)
	}
	return out
}

var keysTemplates = []randomTemplate{
	// Values of two types to work on, some with a deadline far away.
	{make: func(r *rand.Rand) []string {
		args := []string{"SET", pick(r, randomKeys), pick(r, randomValues)}
		if r.IntN(3) == 0 {
			args = append(args, "EX", "1000")
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), pick(r, randomValues)}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"SADD", pick(r, randomKeys), pick(r, randomValues), pick(r, []string{"1", "x", "2"})}
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{pick(r, []string{"DEL", "UNLINK", "del"})}, keysSomeKeys(r, 3)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"EXISTS"}, keysSomeKeys(r, 4)...)
	}},
	{make: func(r *rand.Rand) []string {
		return append([]string{"TOUCH"}, keysSomeKeys(r, 3)...)
	}},
	{make: func(r *rand.Rand) []string { return []string{"TYPE", pick(r, randomKeys)} }},
	{make: func(r *rand.Rand) []string {
		return []string{pick(r, []string{"RENAME", "RENAMENX"}), pick(r, randomKeys), pick(r, randomKeys)}
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"COPY", pick(r, randomKeys), pick(r, randomKeys)}
		for range r.IntN(3) {
			switch r.IntN(4) {
			case 0:
				args = append(args, "REPLACE")
			case 1:
				args = append(args, "DB", pick(r, []string{"0", "1", "16", "x"}))
			case 2:
				args = append(args, "DB", "0")
			default:
				args = append(args, pick(r, []string{"replace", "DB", "foo"}))
			}
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"MOVE", pick(r, randomKeys), pick(r, []string{"0", "1", "2", "16", "-1", "x"})}
	}},
	{mode: "sorted", make: func(r *rand.Rand) []string { return []string{"KEYS", pick(r, keysPatterns)} }},
	{mode: "scanall", make: func(r *rand.Rand) []string {
		args := []string{"SCAN", "0"}
		for range r.IntN(3) {
			switch r.IntN(3) {
			case 0:
				args = append(args, "MATCH", pick(r, keysPatterns))
			case 1:
				args = append(args, "COUNT", pick(r, []string{"1", "2", "10", "1000"}))
			default:
				args = append(args, "TYPE", pick(r, keysTypes))
			}
		}
		return args
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"SCAN", pick(r, []string{"x", "-", "1.5"})}
	}},
	{mode: "shape", make: func(r *rand.Rand) []string { return []string{"RANDOMKEY"} }},
	{make: func(r *rand.Rand) []string {
		return []string{"OBJECT", pick(r, []string{"ENCODING", "FREQ", "encoding"}), pick(r, randomKeys)}
	}},
	{mode: "approx", make: func(r *rand.Rand) []string {
		return []string{"OBJECT", "IDLETIME", pick(r, randomKeys)}
	}},
	{mode: "approx", make: func(r *rand.Rand) []string { return []string{"TTL", pick(r, randomKeys)} }},
}

// keysDo runs a command that must succeed.
func keysDo(t *testing.T, c interface{ Do(...any) (any, error) }, args ...any) any {
	t.Helper()
	v, err := c.Do(args...)
	require.NoError(t, err, "%v", args)
	return v
}

func TestKeysDelExistsType(t *testing.T) {
	s := newTestStore(t)
	n, err := s.Del("nosuch")
	require.NoError(t, err)
	assert.Zero(t, n)
	typ, err := s.Type("nosuch")
	require.NoError(t, err)
	assert.Equal(t, "none", typ)

	keysDo(t, s, "SET", "a", "1")
	keysDo(t, s, "SET", "b", "2")
	keysDo(t, s, "HSET", "h", "f", "v")

	n, err = s.Exists("a", "a", "nosuch", "h")
	require.NoError(t, err)
	assert.Equal(t, int64(3), n, "EXISTS counts a key named twice twice")
	assert.Equal(t, n, keysDo(t, s, "EXISTS", "a", "a", "nosuch", "h"))

	for key, want := range map[string]string{"a": "string", "h": "hash", "x": "none"} {
		typ, err := s.Type(key)
		require.NoError(t, err)
		assert.Equal(t, want, typ)
		assert.Equal(t, want, keysDo(t, s, "TYPE", key))
	}

	n, err = s.Del("a", "a", "nosuch")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "DEL counts a key named twice once")
	n, err = s.Unlink("b", "h")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	size, err := s.DBSize()
	require.NoError(t, err)
	assert.Zero(t, size)

	n, err = s.Touch("nosuch")
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestKeysRename(t *testing.T) {
	s := newTestStore(t)
	err := s.Rename("nosuch", "b")
	assert.ErrorIs(t, err, ErrNoSuchKey)
	_, err = s.RenameNX("nosuch", "nosuch")
	assert.ErrorIs(t, err, ErrNoSuchKey)
	_, err = s.Do("RENAME", "nosuch", "b")
	assert.ErrorIs(t, err, ErrNoSuchKey)

	keysDo(t, s, "SET", "a", "1", "EX", "100")
	require.NoError(t, s.Rename("a", "a"), "renaming a key to itself")
	ok, err := s.RenameNX("a", "a")
	require.NoError(t, err)
	assert.False(t, ok)

	require.NoError(t, s.Rename("a", "b"))
	ttl, err := s.TTL("b")
	require.NoError(t, err)
	assert.Equal(t, 100*time.Second, ttl, "RENAME keeps the TTL")
	n, _ := s.Exists("a")
	assert.Zero(t, n)

	keysDo(t, s, "SET", "c", "3")
	ok, err = s.RenameNX("b", "c")
	require.NoError(t, err)
	assert.False(t, ok)
	ok, err = s.RenameNX("b", "d")
	require.NoError(t, err)
	assert.True(t, ok)
	require.NoError(t, s.Rename("d", "c"), "RENAME replaces")
	assert.Equal(t, "1", keysDo(t, s, "GET", "c"))
	ttl, _ = s.TTL("c")
	assert.Equal(t, 100*time.Second, ttl)
	require.NoError(t, checkInvariants(s))
}

func TestKeysCopy(t *testing.T) {
	s := newTestStore(t)
	ok, err := s.Copy("nosuch", "b", 0, false)
	require.NoError(t, err)
	assert.False(t, ok)
	_, err = s.Copy("a", "a", 0, false)
	assert.ErrorIs(t, err, ErrSameObject)
	_, err = s.DB(3).Copy("a", "a", 3, true)
	assert.ErrorIs(t, err, ErrSameObject)
	_, err = s.Copy("a", "b", 16, false)
	assert.ErrorIs(t, err, ErrDBIndex)
	_, err = s.Copy("a", "b", -1, false)
	assert.ErrorIs(t, err, ErrDBIndex)
	_, err = s.Do("COPY", "a", "a")
	assert.ErrorIs(t, err, ErrSameObject)
	_, err = s.Do("COPY", "a", "b", "DB", "2147483648")
	assert.ErrorIs(t, err, ErrIntRange)
	_, err = s.Do("COPY", "a", "b", "DB")
	assert.ErrorIs(t, err, ErrSyntax)

	keysDo(t, s, "HSET", "h", "f1", "v1")
	keysDo(t, s, "PEXPIRE", "h", "100000")
	ok, err = s.Copy("h", "h2", 0, false)
	require.NoError(t, err)
	assert.True(t, ok)
	keysDo(t, s, "HSET", "h2", "f2", "v2")
	assert.Equal(t, int64(1), keysDo(t, s, "HLEN", "h"), "the copy is deep")
	assert.Equal(t, int64(2), keysDo(t, s, "HLEN", "h2"))
	pttl, err := s.PTTL("h2")
	require.NoError(t, err)
	assert.InDelta(t, 100*time.Second, pttl, float64(time.Second), "COPY copies the TTL")

	ok, err = s.Copy("h", "h2", 0, false)
	require.NoError(t, err)
	assert.False(t, ok, "no REPLACE")
	ok, err = s.Copy("h", "h2", 0, true)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, int64(1), keysDo(t, s, "HLEN", "h2"))

	// Across databases, from a DB handle.
	keysDo(t, s.DB(2), "SET", "s", "v")
	ok, err = s.DB(2).Copy("s", "s", 5, false)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "v", keysDo(t, s.DB(5), "GET", "s"))
	assert.Equal(t, int64(1), keysDo(t, s.DB(2), "COPY", "s", "t", "DB", "5"), "Do agrees")
	require.NoError(t, checkInvariants(s))
}

func TestKeysMove(t *testing.T) {
	s := newTestStore(t, WithDatabases(4))
	_, err := s.Move("a", 0)
	assert.ErrorIs(t, err, ErrSameObject)
	_, err = s.Move("a", 4)
	assert.ErrorIs(t, err, ErrDBIndex)
	_, err = s.Do("MOVE", "a", "4")
	assert.ErrorIs(t, err, ErrDBIndex)
	_, err = s.Do("MOVE", "a", "x")
	assert.ErrorIs(t, err, ErrNotInteger)
	_, err = s.Do("MOVE", "a", "99999999999")
	assert.ErrorIs(t, err, ErrIntRange)
	ok, err := s.Move("nosuch", 1)
	require.NoError(t, err)
	assert.False(t, ok)

	keysDo(t, s, "SET", "a", "v", "PX", "100000")
	ok, err = s.Move("a", 1)
	require.NoError(t, err)
	assert.True(t, ok)
	n, _ := s.Exists("a")
	assert.Zero(t, n)
	pttl, err := s.DB(1).PTTL("a")
	require.NoError(t, err)
	assert.Greater(t, pttl, 90*time.Second, "MOVE keeps the TTL")

	keysDo(t, s, "SET", "a", "again")
	ok, err = s.Move("a", 1)
	require.NoError(t, err)
	assert.False(t, ok, "the target has the key")
	assert.Equal(t, "again", keysDo(t, s, "GET", "a"))
	ok, err = s.DB(1).Move("a", 3)
	require.NoError(t, err)
	assert.True(t, ok)
	require.NoError(t, checkInvariants(s))
}

func TestKeysKeysAndScan(t *testing.T) {
	s := newTestStore(t)
	keys, err := s.Keys("*")
	require.NoError(t, err)
	assert.Empty(t, keys)
	page, cursor, err := s.Scan(0, "", 0)
	require.NoError(t, err)
	assert.Empty(t, page)
	assert.Zero(t, cursor)

	var all []string
	for i := range 500 {
		k := "key:" + strconv.Itoa(i)
		all = append(all, k)
		keysDo(t, s, "SET", k, i)
	}
	keysDo(t, s, "SET", "", "the empty key")
	keysDo(t, s, "HSET", "hash", "f", "v")

	keys, err = s.Keys("*")
	require.NoError(t, err)
	assert.Len(t, keys, 502, `"*" matches every key, the empty one too`)
	keys, err = s.Keys("key:1?")
	require.NoError(t, err)
	slices.Sort(keys)
	assert.Equal(t, []string{"key:10", "key:11", "key:12", "key:13", "key:14", "key:15", "key:16", "key:17", "key:18", "key:19"}, keys)

	// A whole iteration returns every key exactly once when nothing changes.
	seen := scanAllTyped(t, s, "", 7, "")
	assert.Len(t, seen, 502)
	for k, n := range seen {
		assert.Equal(t, 1, n, k)
	}
	seen = scanAllTyped(t, s, "key:4*", 3, "")
	assert.Len(t, seen, 111)
	seen = scanAllTyped(t, s, "", 50, "hash")
	assert.Equal(t, map[string]int{"hash": 1}, seen)
	seen = scanAllTyped(t, s, "", 50, "list")
	assert.Empty(t, seen)

	// Keys that exist for the whole iteration are returned, whatever is
	// added and deleted meanwhile.
	got := map[string]bool{}
	var cursor2 uint64
	for i := 0; ; i++ {
		page, next, err := s.Scan(cursor2, "", 5)
		require.NoError(t, err)
		for _, k := range page {
			got[k] = true
		}
		keysDo(t, s, "SET", "new:"+strconv.Itoa(i), i)
		keysDo(t, s, "DEL", fmt.Sprintf("key:%d", 250+i%250))
		if i%20 == 0 {
			_, _, err := s.Scan(0, "", 3) // another iteration starts
			require.NoError(t, err)
		}
		if cursor2 = next; cursor2 == 0 {
			break
		}
	}
	for _, k := range all[:250] {
		assert.True(t, got[k], "SCAN missed %q", k)
	}

	// The typed method and Do agree.
	keysDo(t, s, "FLUSHDB")
	keysDo(t, s, "SET", "only", "1")
	page, cursor, err = s.Scan(0, "o*", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"only"}, page)
	assert.Zero(t, cursor)
	assert.Equal(t, []any{"0", []any{"only"}}, keysDo(t, s, "SCAN", 0, "MATCH", "o*"))
	page, _, err = s.ScanType(0, "", 0, "string")
	require.NoError(t, err)
	assert.Equal(t, []string{"only"}, page)

	_, err = s.Do("SCAN", "x")
	assert.ErrorIs(t, err, ErrInvalidCursor)
	assert.EqualError(t, err, "ERR invalid cursor")
	_, err = s.Do("SCAN", "0", "COUNT", "0")
	assert.ErrorIs(t, err, ErrSyntax)
}

// scanAllTyped runs a whole SCAN iteration and counts how often each key came.
func scanAllTyped(t *testing.T, s *Store, match string, count int64, typ string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	var cursor uint64
	for range 100000 {
		page, next, err := s.ScanType(cursor, match, count, typ)
		require.NoError(t, err)
		for _, k := range page {
			seen[k]++
		}
		if cursor = next; cursor == 0 {
			return seen
		}
	}
	t.Fatal("SCAN did not end")
	return nil
}

func TestKeysScanCursor(t *testing.T) {
	for in, want := range map[string]uint64{
		"": 0, "0": 0, "+0": 0, "-0": 0, "007": 7, "18446744073709551615": 1<<64 - 1,
		"-1": 1<<64 - 1, "-18446744073709551615": 1,
	} {
		got, ok := parseScanCursor(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{" 0", "0 ", "-", "+", "x", "1.5", "0x1", "18446744073709551616", "-18446744073709551616", "--1"} {
		_, ok := parseScanCursor(in)
		assert.False(t, ok, in)
	}
}

func TestKeysRandomKey(t *testing.T) {
	s := newTestStore(t, WithSeed(42))
	k, ok, err := s.RandomKey()
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Empty(t, k)
	assert.Nil(t, keysDo(t, s, "RANDOMKEY"))

	s2 := newTestStore(t, WithSeed(42))
	for i := range 50 {
		keysDo(t, s, "SET", i, i)
		keysDo(t, s2, "SET", i, i)
	}
	picked := map[string]bool{}
	for range 200 {
		k1, ok1, err1 := s.RandomKey()
		k2, ok2, err2 := s2.RandomKey()
		require.NoError(t, err1)
		require.NoError(t, err2)
		require.True(t, ok1 && ok2)
		assert.Equal(t, k1, k2, "the same seed picks the same keys")
		picked[k1] = true
	}
	assert.Greater(t, len(picked), 25, "the picks spread over the keys")

	// An expired key is never picked.
	s3 := newTestStore(t)
	keysDo(t, s3, "SET", "gone", "1", "PX", "10")
	s3.FastForward(time.Second)
	_, ok, err = s3.RandomKey()
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestKeysObject(t *testing.T) {
	s := newTestStore(t)
	_, ok, err := s.ObjectEncoding("nosuch")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.ObjectRefCount("nosuch")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.ObjectIdleTime("nosuch")
	require.NoError(t, err)
	assert.False(t, ok)
	_, ok, err = s.ObjectFreq("nosuch")
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Nil(t, keysDo(t, s, "OBJECT", "ENCODING", "nosuch"))

	for value, enc := range map[string]string{
		"12": "int", "-9223372036854775808": "int", "012": "embstr", "9223372036854775808": "embstr",
		"": "embstr", "abc": "embstr", string(make([]byte, 44)): "embstr", string(make([]byte, 45)): "raw",
	} {
		keysDo(t, s, "SET", "k", value)
		got, ok, err := s.ObjectEncoding("k")
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, enc, got, "%q", value)
		assert.Equal(t, enc, keysDo(t, s, "OBJECT", "ENCODING", "k"))
	}
	keysDo(t, s, "SET", "k", "12")
	keysDo(t, s, "APPEND", "k", "3")
	enc, _, _ := s.ObjectEncoding("k")
	assert.Equal(t, "raw", enc, "APPEND makes a raw string")

	keysDo(t, s, "HSET", "h", "f", "v")
	enc, _, _ = s.ObjectEncoding("h")
	assert.Equal(t, "listpack", enc)
	rc, ok, err := s.ObjectRefCount("h")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, int64(1), rc)
	keysDo(t, s, "SET", "small", "42")
	rc, _, _ = s.ObjectRefCount("small")
	assert.Equal(t, int64(2147483647), rc, "a shared integer")
	assert.Equal(t, rc, keysDo(t, s, "OBJECT", "REFCOUNT", "small"))

	_, ok, err = s.ObjectFreq("h")
	assert.True(t, ok)
	assert.ErrorIs(t, err, ErrNoLFU)
	_, err = s.Do("OBJECT", "FREQ", "h")
	assert.ErrorIs(t, err, ErrNoLFU)
	_, err = s.Do("OBJECT", "NOPE", "h")
	assert.ErrorIs(t, err, ErrUnknownSubcommand)

	help := keysDo(t, s, "OBJECT", "HELP").([]any)
	assert.Len(t, help, 15)
	assert.Equal(t, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help[0])
}

func TestKeysObjectIdleTime(t *testing.T) {
	s := newTestStore(t)
	keysDo(t, s, "SET", "a", "1")
	keysDo(t, s, "SET", "b", "1")
	s.FastForward(90 * time.Second)
	idle, ok, err := s.ObjectIdleTime("a")
	require.NoError(t, err)
	assert.True(t, ok)
	assert.InDelta(t, 90*time.Second, idle, float64(2*time.Second))

	// TYPE, TTL, EXISTS and OBJECT do not count as an access; TOUCH does.
	for _, cmd := range [][]any{{"TYPE", "a"}, {"TTL", "a"}, {"EXISTS", "a"}, {"OBJECT", "ENCODING", "a"}, {"PTTL", "a"}} {
		keysDo(t, s, cmd...)
	}
	idle, _, _ = s.ObjectIdleTime("a")
	assert.GreaterOrEqual(t, idle, 88*time.Second)
	n, err := s.Touch("a", "nosuch")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	idle, _, _ = s.ObjectIdleTime("a")
	assert.Less(t, idle, 2*time.Second)
	v := keysDo(t, s, "OBJECT", "IDLETIME", "b").(int64)
	assert.InDelta(t, 90, v, 2)
	keysDo(t, s, "GET", "b")
	v = keysDo(t, s, "OBJECT", "IDLETIME", "b").(int64)
	assert.LessOrEqual(t, v, int64(1))
}

func TestKeysCloneEntry(t *testing.T) {
	h := types.NewHash(nil)
	h.Set("f", "v")
	e := hashEntry(h)
	e.expireAt = 123
	c := cloneEntry(e)
	require.Equal(t, typeHash, c.typ)
	require.NotSame(t, e.hash(), c.hash())
	c.hash().Set("g", "w")
	assert.Equal(t, 1, h.Len())
	assert.Equal(t, int64(123), c.expireAt)
}

func TestKeysClosedStore(t *testing.T) {
	s, err := New()
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = s.Del("a")
	assert.ErrorIs(t, err, ErrClosed)
	_, _, err = s.Scan(0, "", 0)
	assert.ErrorIs(t, err, ErrClosed)
	_, err = s.Move("a", 1)
	assert.ErrorIs(t, err, ErrClosed)
	_, err = s.TTL("a")
	assert.ErrorIs(t, err, ErrClosed)
}

func TestKeysInTransaction(t *testing.T) {
	s := newTestStore(t)
	keysDo(t, s, "SET", "a", "1")
	err := s.View(func(tx *Tx) error {
		n, err := tx.Exists("a")
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		_, err = tx.Del("a")
		assert.ErrorIs(t, err, ErrTxReadOnly)
		_, err = tx.Do("DEL", "a")
		assert.ErrorIs(t, err, ErrTxReadOnly)
		return nil
	})
	require.NoError(t, err)
	err = s.Update(func(tx *Tx) error {
		if err := tx.Rename("a", "b"); err != nil {
			return err
		}
		ok, err := tx.Copy("b", "c", 1, false)
		assert.True(t, ok)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "1", keysDo(t, s.DB(0), "GET", "b"))
	assert.Equal(t, "1", keysDo(t, s.DB(1), "GET", "c"))
}

// A SCAN snapshot does not keep a Store that nobody holds alive.
func TestKeysScanSnapshotFreed(t *testing.T) {
	count := func() int {
		scanSnaps.mu.Lock()
		defer scanSnaps.mu.Unlock()
		return len(scanSnaps.m)
	}
	before := count()
	func() {
		s, err := New()
		require.NoError(t, err)
		for i := range 100 {
			keysDo(t, s, "SET", i, i)
		}
		_, next, err := s.Scan(0, "", 10) // an iteration left half-way
		require.NoError(t, err)
		require.NotZero(t, next)
		require.Equal(t, before+1, count())
		require.NoError(t, s.Close())
	}()
	require.Eventually(t, func() bool {
		runtime.GC()
		return count() <= before
	}, 10*time.Second, 10*time.Millisecond)
}

func ExampleStore_Scan() {
	s, _ := New()
	defer s.Close()
	for i := range 25 {
		s.Do("SET", fmt.Sprintf("user:%d", i), i)
	}
	var all []string
	var cursor uint64
	for {
		keys, next, _ := s.Scan(cursor, "user:1*", 10)
		all = append(all, keys...)
		if cursor = next; cursor == 0 {
			break
		}
	}
	slices.Sort(all)
	fmt.Println(all)
	// Output:
	// [user:1 user:10 user:11 user:12 user:13 user:14 user:15 user:16 user:17 user:18 user:19]
}
