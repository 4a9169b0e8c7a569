package racefree

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testLib = "#!lua name=mylib\n" +
	"redis.register_function('echo', function(keys, args) return args[1] end)\n" +
	"redis.register_function{function_name='getk', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}\n" +
	"redis.register_function('setk', function(keys, args) return redis.call('SET', keys[1], args[1]) end)\n"

func TestFunctionLoadAndCall(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	name, err := s.FunctionLoad(testLib, false)
	require.NoError(t, err)
	assert.Equal(t, "mylib", name)

	_, err = s.FunctionLoad(testLib, false)
	assert.ErrorIs(t, err, ErrFunctionLoad)
	assert.EqualError(t, err, "ERR Library 'mylib' already exists")
	_, err = s.FunctionLoad(testLib, true)
	require.NoError(t, err)

	v, err := s.FCall(ctx, "echo", nil, "hi")
	require.NoError(t, err)
	assert.Equal(t, "hi", v)
	v, err = s.FCall(ctx, "ECHO", nil, 42)
	require.NoError(t, err)
	assert.Equal(t, "42", v)

	v, err = s.FCall(ctx, "setk", []string{"k"}, "v")
	require.NoError(t, err)
	assert.Equal(t, "OK", v)
	v, err = s.FCallRO(ctx, "getk", []string{"k"})
	require.NoError(t, err)
	assert.Equal(t, "v", v)
	_, err = s.FCallRO(ctx, "setk", []string{"k"}, "w")
	assert.ErrorIs(t, err, ErrScriptWriteFlag)

	_, err = s.FCall(ctx, "nope", nil)
	assert.ErrorIs(t, err, ErrFunctionNotFound)

	// The typed method and Do agree.
	d, err := s.Do("FCALL", "echo", "0", "hi")
	require.NoError(t, err)
	assert.Equal(t, "hi", d)

	// A runtime error carries the function's suffix.
	_, err = s.FunctionLoad("#!lua name=bad\nredis.register_function('boom', function() return error('boom') end)", false)
	require.NoError(t, err)
	_, err = s.FCall(ctx, "boom", nil)
	assert.ErrorIs(t, err, ErrScript)
	assert.EqualError(t, err, "ERR user_function:2: boom script: boom, on @user_function:2.")

	// Load errors.
	for code, msg := range map[string]string{
		"return 1":                    "ERR Missing library metadata",
		"#!lua name=x\nlocal a = 1":   "ERR No functions registered",
		"#!lua name=x\nx = = 1":       "ERR Error compiling function: user_function:2: unexpected symbol near '='",
		"#!lua name=x\nerror('nope')": "ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'error'",
		"#!lua name=x\nredis.register_function('echo', function() end)": "ERR Function echo already exists",
	} {
		_, err := s.FunctionLoad(code, false)
		assert.ErrorIs(t, err, ErrFunctionLoad, code)
		assert.EqualError(t, err, msg, code)
	}
}

func TestFunctionListDeleteFlush(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	libs, err := s.FunctionList("", false)
	require.NoError(t, err)
	assert.Empty(t, libs)

	_, err = s.FunctionLoad(testLib, false)
	require.NoError(t, err)
	_, err = s.FunctionLoad("#!lua name=other\nredis.register_function('o', function() return 1 end)", false)
	require.NoError(t, err)

	libs, err = s.FunctionList("", true)
	require.NoError(t, err)
	require.Len(t, libs, 2)
	assert.Equal(t, "mylib", libs[0].Name)
	assert.Equal(t, "LUA", libs[0].Engine)
	assert.Equal(t, testLib, libs[0].Code)
	assert.Equal(t, []FunctionInfo{
		{Name: "echo"},
		{Name: "getk", Description: "reads a key", Flags: []string{"no-writes"}},
		{Name: "setk"},
	}, libs[0].Functions)
	assert.Equal(t, "other", libs[1].Name)

	libs, err = s.FunctionList("MY*", false)
	require.NoError(t, err)
	require.Len(t, libs, 1)
	assert.Empty(t, libs[0].Code)

	// Functions survive FLUSHALL and SCRIPT FLUSH.
	require.NoError(t, s.FlushAll())
	require.NoError(t, s.ScriptFlush())
	_, err = s.FCall(ctx, "o", nil)
	require.NoError(t, err)

	assert.ErrorIs(t, s.FunctionDelete("nope"), ErrLibraryNotFound)
	require.NoError(t, s.FunctionDelete("other"))
	_, err = s.FCall(ctx, "o", nil)
	assert.ErrorIs(t, err, ErrFunctionNotFound)

	sha, err := s.ScriptLoad("return 1")
	require.NoError(t, err)
	require.NoError(t, s.FunctionFlush())
	libs, err = s.FunctionList("", false)
	require.NoError(t, err)
	assert.Empty(t, libs)
	ok, err := s.ScriptExists(sha)
	require.NoError(t, err)
	assert.Equal(t, []bool{true}, ok, "FUNCTION FLUSH leaves scripts alone")
}

func TestFunctionDumpRestore(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	_, err := s.FunctionLoad(testLib, false)
	require.NoError(t, err)
	payload, err := s.FunctionDump()
	require.NoError(t, err)
	d, err := s.Do("FUNCTION", "DUMP")
	require.NoError(t, err)
	assert.Equal(t, payload, d)

	assert.ErrorIs(t, s.FunctionRestore(payload, ""), ErrFunctionLoad, "APPEND: the library exists")
	require.NoError(t, s.FunctionRestore(payload, RestoreReplace))
	require.NoError(t, s.FunctionFlush())
	require.NoError(t, s.FunctionRestore(payload, RestoreAppend))
	v, err := s.FCall(ctx, "echo", nil, "back")
	require.NoError(t, err)
	assert.Equal(t, "back", v)

	_, err = s.FunctionLoad("#!lua name=extra\nredis.register_function('extra', function() return 1 end)", false)
	require.NoError(t, err)
	require.NoError(t, s.FunctionRestore(payload, RestoreFlush))
	_, err = s.FCall(ctx, "extra", nil)
	assert.ErrorIs(t, err, ErrFunctionNotFound)

	assert.ErrorIs(t, s.FunctionRestore("garbage", ""), ErrFunctionPayload)
	assert.ErrorIs(t, s.FunctionRestore(payload, "MERGE"), ErrRestorePolicy)
	// A corrupted payload fails its checksum.
	bad := []byte(payload)
	bad[3] ^= 1
	assert.ErrorIs(t, s.FunctionRestore(string(bad), RestoreFlush), ErrFunctionPayload)
}

func TestFunctionKill(t *testing.T) {
	s := newTestStore(t)
	assert.ErrorIs(t, s.FunctionKill(), ErrNotBusy)
	_, err := s.FunctionLoad("#!lua name=spin\nredis.register_function('spin', function()\nwhile true do end\nend)\nredis.register_function('wspin', function()\nredis.call('SET', 'w', 1)\nwhile true do end\nend)", false)
	require.NoError(t, err)

	done := make(chan error, 1)
	go func() {
		_, err := s.FCall(context.Background(), "spin", nil)
		done <- err
	}()
	for {
		err := s.ScriptKill()
		if errors.Is(err, ErrBusyFunction) {
			break
		}
		require.ErrorIs(t, err, ErrNotBusy)
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, s.FunctionKill())
	err = <-done
	assert.ErrorIs(t, err, ErrScript)
	assert.EqualError(t, err, "ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:3.")
	_, err = s.Ping()
	require.NoError(t, err, "the store is usable right after")

	// FUNCTION KILL does not stop EVAL scripts.
	go func() {
		_, err := s.Eval(context.Background(), "while true do end", nil)
		done <- err
	}()
	for {
		err := s.FunctionKill()
		if errors.Is(err, ErrBusyScript) {
			break
		}
		require.ErrorIs(t, err, ErrNotBusy)
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, s.ScriptKill())
	<-done

	// A deadline stops a function that has written, which FUNCTION KILL
	// refuses.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	go func() {
		_, err := s.FCall(ctx, "wspin", nil)
		done <- err
	}()
	for {
		if errors.Is(s.FunctionKill(), ErrUnkillable) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	err = <-done
	assert.ErrorContains(t, err, "ERR Script timed out")
	assert.ErrorContains(t, err, "script: wspin, on @user_function:")
	v, _, _ := s.Get("w")
	assert.Equal(t, "1", v)
}

func TestFunctionLoadTimeout(t *testing.T) {
	s := newTestStore(t)
	start := time.Now()
	_, err := s.FunctionLoad("#!lua name=spin\nwhile true do end", false)
	assert.EqualError(t, err, "ERR Error registering functions: ERR FUNCTION LOAD timeout")
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestLZFRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		n := 21 + r.IntN(3000)
		in := make([]byte, n)
		alphabet := 2 + r.IntN(255)
		for j := range in {
			in[j] = byte(r.IntN(alphabet))
		}
		if i%3 == 0 { // long runs
			for j := r.IntN(n); j < n && j < r.IntN(n)+300; j++ {
				in[j] = 'a'
			}
		}
		c := lzfCompress(in, n-4)
		if c == nil {
			continue
		}
		require.Less(t, len(c), n-4+1)
		out, ok := lzfDecompress(c, n)
		require.True(t, ok)
		require.Equal(t, in, out)
	}
}

func FuzzFunctionRestore(f *testing.F) {
	s := newTestStore(f)
	_, err := s.FunctionLoad(testLib, false)
	require.NoError(f, err)
	payload, err := s.FunctionDump()
	require.NoError(f, err)
	f.Add(payload)
	f.Fuzz(func(t *testing.T, p string) {
		_ = s.FunctionRestore(p, RestoreReplace) // must not panic
	})
}
