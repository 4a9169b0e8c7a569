package racefree

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEvalTyped(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	v, err := s.Eval(ctx, "return redis.call('SET', KEYS[1], ARGV[1])", []string{"k"}, 42)
	require.NoError(t, err)
	assert.Equal(t, "OK", v)
	got, _, _ := s.Get("k")
	assert.Equal(t, "42", got)

	sha, err := s.ScriptLoad("return {KEYS[1], ARGV[1]}")
	require.NoError(t, err)
	v, err = s.EvalSHA(ctx, sha, []string{"a"}, "b")
	require.NoError(t, err)
	assert.Equal(t, []any{"a", "b"}, v)

	exists, err := s.ScriptExists(sha, "nope")
	require.NoError(t, err)
	assert.Equal(t, []bool{true, false}, exists)
	require.NoError(t, s.ScriptFlush())
	_, err = s.EvalSHA(ctx, sha, nil)
	assert.ErrorIs(t, err, ErrNoScript)

	_, err = s.EvalRO(ctx, "return redis.call('SET', 'k', 'v')", nil)
	assert.EqualError(t, err, "ERR Write commands are not allowed from read-only scripts. script: "+
		shaOf("return redis.call('SET', 'k', 'v')")+", on @user_script:1.")

	_, err = s.ScriptLoad("return (")
	assert.EqualError(t, err, "ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'")
}

func shaOf(body string) string {
	s, _ := New()
	defer s.Close()
	sha, _ := s.ScriptLoad(body)
	return sha
}

// TestEvalInTransaction: a script inside Update runs in the same atomic
// unit and sees the transaction's database.
func TestEvalInTransaction(t *testing.T) {
	s := newTestStore(t)
	err := s.Update(func(tx *Tx) error {
		if err := tx.DB(2).Set("k", "in 2", 0); err != nil {
			return err
		}
		v, err := tx.DB(2).Eval(context.Background(), "return redis.call('GET', KEYS[1])", []string{"k"})
		assert.Equal(t, "in 2", v)
		return err
	})
	require.NoError(t, err)
}

// TestConcurrentScripts runs a read-modify-write transfer script from many
// goroutines at once, mixed with typed calls: scripts are atomic, so the
// total is conserved and no update is lost.
func TestConcurrentScripts(t *testing.T) {
	s := newTestStore(t)
	const transfer = `
local from = tonumber(redis.call('GET', KEYS[1]))
local amount = tonumber(ARGV[1])
if from < amount then return 0 end
redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return 1`
	const accounts = 5
	for i := range accounts {
		require.NoError(t, s.Set("acct:"+strconv.Itoa(i), "1000", 0))
	}
	var wg sync.WaitGroup
	var incrs atomic.Int64
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for i := range 200 {
				a, b := "acct:"+strconv.Itoa((w+i)%accounts), "acct:"+strconv.Itoa((w+2*i+1)%accounts)
				if a == b {
					continue
				}
				_, err := s.Eval(ctx, transfer, []string{a, b}, 1+i%7)
				assert.NoError(t, err)
				_, err = s.Incr("counter")
				assert.NoError(t, err)
				incrs.Add(1)
			}
		}()
	}
	wg.Wait()
	total := 0
	for i := range accounts {
		v, _, err := s.Get("acct:" + strconv.Itoa(i))
		require.NoError(t, err)
		n, _ := strconv.Atoi(v)
		total += n
	}
	assert.Equal(t, accounts*1000, total)
	n, _, _ := s.Get("counter")
	assert.Equal(t, strconv.FormatInt(incrs.Load(), 10), n)
}

// TestScriptStoppedByContext: an infinite loop ends when its context's
// deadline passes, with an error, and the store serves the next caller.
func TestScriptStoppedByContext(t *testing.T) {
	s := newTestStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := s.Eval(ctx, "local i = 0\nwhile true do i = i + 1 end", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ERR Script timed out")
	assert.Contains(t, err.Error(), "on @user_script:2.")
	require.NoError(t, s.Set("after", "ok", 0))

	// The store-wide limit applies when the context has no deadline.
	s2 := newTestStore(t, WithScriptTimeout(20*time.Millisecond))
	_, err = s2.Eval(context.Background(), "while true do end", nil)
	assert.ErrorContains(t, err, "ERR Script timed out")
}

// TestScriptKill: ScriptKill stops a read-only infinite loop; a script that
// has written cannot be killed; with nothing running it is NOTBUSY.
func TestScriptKill(t *testing.T) {
	s := newTestStore(t)
	assert.ErrorIs(t, s.ScriptKill(), ErrNotBusy)

	done := make(chan error, 1)
	go func() {
		_, err := s.Eval(context.Background(), "while true do end", nil)
		done <- err
	}()
	for {
		err := s.ScriptKill()
		if err == nil {
			break
		}
		require.ErrorIs(t, err, ErrNotBusy)
		time.Sleep(time.Millisecond)
	}
	err := <-done
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ERR Script killed by user with SCRIPT KILL... script: ")
	_, err = s.Ping()
	require.NoError(t, err, "the store is usable right after")

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	go func() {
		_, err := s.Eval(ctx, "redis.call('SET', 'w', 1) while true do end", nil)
		done <- err
	}()
	for {
		err := s.ScriptKill()
		if errors.Is(err, ErrUnkillable) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	err = <-done
	assert.ErrorContains(t, err, "ERR Script timed out")
	v, _, _ := s.Get("w")
	assert.Equal(t, "1", v, "writes made before a stop stay")
}

func TestScriptHelper(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	sc := NewScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
	assert.Len(t, sc.Hash(), 40)
	v, err := sc.Run(ctx, s, []string{"n"}, 5)
	require.NoError(t, err)
	assert.Equal(t, int64(5), v)
	exists, _ := s.ScriptExists(sc.Hash())
	assert.Equal(t, []bool{true}, exists, "the fallback EVAL loaded it")
	require.NoError(t, s.ScriptFlush())
	v, err = sc.Run(ctx, s.DB(1), []string{"n"}, 2)
	require.NoError(t, err)
	assert.Equal(t, int64(2), v)

	ro := NewScript("return redis.call('GET', KEYS[1])")
	v, err = ro.RunRO(ctx, s, []string{"n"})
	require.NoError(t, err)
	assert.Equal(t, "5", v)
}

// FuzzEval runs arbitrary Lua source with arbitrary arguments: no script may
// panic the store or leave it unusable, and its invariants hold after each.
func FuzzEval(f *testing.F) {
	for _, seed := range []string{
		"return 1", "return redis.call('SET', KEYS[1], ARGV[1])", "error({})", "error(redis.status_reply('OK'))",
		"return {err=1}", "local t = {} t[1] = t return t", "return redis.call('HGETALL', KEYS[1])",
		"while true do end", "return string.rep('x', 100)", "return loadstring(ARGV[1])()", "return unpack({1,2,3})",
		"return cjson.decode(ARGV[1])", "return cmsgpack.unpack(ARGV[1])", "return struct.unpack('>I2', ARGV[1])",
		"return bit.tohex(tonumber(ARGV[1]) or 0)", "redis.setresp(3) return redis.call('HGETALL', KEYS[1])",
		"return coroutine.wrap(function() return redis.call('ping') end)()", "#!lua flags=no-writes\nreturn 1",
	} {
		f.Add(seed, "k", "v")
	}
	s, err := New(WithSeed(1), WithScriptTimeout(100*time.Millisecond))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Fuzz(func(t *testing.T, src, key, arg string) {
		s.Eval(context.Background(), src, []string{key}, arg)
		if err := checkInvariants(s); err != nil {
			t.Fatalf("after %q: %v", src, err)
		}
		if _, err := s.Ping(); err != nil {
			t.Fatalf("after %q the store fails: %v", src, err)
		}
	})
}

// TestScriptErrorsMatchSentinels: errors that come out of scripts match the
// sentinel of their text and ErrScript, as a caller checking them expects.
func TestScriptErrorsMatchSentinels(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	_, err := s.HSet("h", "f", "v")
	require.NoError(t, err)
	_, err = s.Eval(ctx, "return redis.call('GET', KEYS[1])", []string{"h"})
	assert.ErrorIs(t, err, ErrWrongType)
	assert.ErrorIs(t, err, ErrScript)

	_, err = s.Eval(ctx, "return redis.pcall('GET', KEYS[1])", []string{"h"})
	assert.ErrorIs(t, err, ErrWrongType)
	assert.NotErrorIs(t, err, ErrScript, "a returned error reply has no script suffix")

	_, err = s.Eval(ctx, "error('boom')", nil)
	assert.ErrorIs(t, err, ErrScript)
	assert.NotErrorIs(t, err, ErrWrongType)

	_, err = s.Eval(ctx, "return (", nil)
	assert.ErrorIs(t, err, ErrScriptCompile)

	v, err := s.Eval(ctx, "return {1, redis.pcall('INCR', KEYS[1])}", []string{"h"})
	require.NoError(t, err)
	arr := v.([]any)
	assert.ErrorIs(t, arr[1].(error), ErrWrongType, "errors inside arrays match too")

	_, err = s.Do("GET", "a", "b")
	assert.ErrorIs(t, err, ErrWrongArity)
}
