package racefree

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the fast paths of script runs; script_bench_test.go measures
// them.

// TestEvalSHAAllocatesNothing: in steady state, EVALSHA of a one-command
// script allocates nothing, and neither do EVAL of a cached body and Do of
// SET.
func TestEvalSHAAllocatesNothing(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	sha, err := s.ScriptLoad(benchSetScript)
	require.NoError(t, err)
	keys := []string{"key"}
	run := func() {
		if _, err := s.EvalSHA(ctx, sha, keys, "value"); err != nil {
			t.Fatal(err)
		}
	}
	run()
	assert.Zero(t, testing.AllocsPerRun(1000, run), "EVALSHA")
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		if _, err := s.Eval(ctx, benchSetScript, keys, "value"); err != nil {
			t.Fatal(err)
		}
	}), "EVAL of a cached body")
	assert.Zero(t, testing.AllocsPerRun(1000, func() {
		if _, err := s.Do("SET", "key", "value"); err != nil {
			t.Fatal(err)
		}
	}), "Do SET")
	v, _, _ := s.Get("key")
	assert.Equal(t, "value", v)
}

// TestEvalCanceledContext: a script whose context has already ended does
// not run, bounded (no context check between instructions) or not, with
// the same error.
func TestEvalCanceledContext(t *testing.T) {
	s := newTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, src := range []string{
		"\nredis.call('SET', KEYS[1], 'x') return 1",
		"\nredis.call('SET', KEYS[1], 'x') for i = 1, 1 do end return 1",
	} {
		_, err := s.Eval(ctx, src, []string{"k"})
		require.Error(t, err, src)
		assert.True(t, strings.HasPrefix(err.Error(), "ERR Script stopped: context canceled script: "), err.Error())
		assert.True(t, strings.HasSuffix(err.Error(), ", on @user_script:2."), err.Error())
		n, _ := s.Exists("k")
		assert.Zero(t, n, "nothing ran")
	}
}

// TestBoundedScriptNotBusy: a bounded script is never seen running by
// SCRIPT KILL, as in Redis, where such a script ends before the kill hook
// runs; a script with a loop is.
func TestBoundedScriptNotBusy(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	_, err := s.Eval(ctx, "return redis.call('SET', KEYS[1], 'v')", []string{"k"})
	require.NoError(t, err)
	assert.False(t, s.kill.running)
	assert.ErrorIs(t, s.ScriptKill(), ErrNotBusy)
}

// TestDoReplyShapes: Do's writer builds the Go values Do documents, nested
// arrays, nils and errors inside arrays included.
func TestDoReplyShapes(t *testing.T) {
	s := newTestStore(t)
	v, err := s.Do("EVAL", "return {1, 'a', {2, {err='E x'}}, redis.status_reply('S'), false}", "0")
	require.NoError(t, err)
	require.Len(t, v, 5)
	arr := v.([]any)
	assert.Equal(t, int64(1), arr[0])
	assert.Equal(t, "a", arr[1])
	inner := arr[2].([]any)
	assert.Equal(t, int64(2), inner[0])
	assert.EqualError(t, inner[1].(error), "E x")
	assert.Equal(t, "S", arr[3])
	assert.Nil(t, arr[4])
	v, err = s.Do("EVAL", "return {}", "0")
	require.NoError(t, err)
	assert.Equal(t, []any{}, v)
	_, err = s.Do("INCR", "nosuch", "x")
	assert.ErrorIs(t, err, ErrWrongArity)
	_, err = s.Do("EVAL", "return redis.error_reply('MY err')", "0")
	assert.EqualError(t, err, "MY err")
	v, err = s.Do("HSET", "h", "f", "1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), v)
	v, err = s.Do("HGETALL", "h")
	require.NoError(t, err)
	assert.Equal(t, []any{"f", "1"}, v)
	v, err = s.Do("GET", "nosuch")
	require.NoError(t, err)
	assert.Nil(t, v)
}
