package luabind

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBoundedScripts(t *testing.T) {
	for src, want := range map[string]bool{
		"return redis.call('SET', KEYS[1], ARGV[1])":                           true,
		"local a = tonumber(ARGV[1]) if a > 1 then return 1 else return 2 end": true,
		"do local x = {1, 2, {y = 3}} return #x .. 'a' end":                    true,
		"return pcall(redis.call, 'GET', KEYS[1])":                             true,
		"while true do end":              false,
		"repeat until false":             false,
		"for i = 1, 10 do end":           false,
		"for k, v in pairs(KEYS) do end": false,
		"local function f() end":         false,
		"local f = function() end":       false,
		"return {f = function() end}":    false,
		"return loadstring(ARGV[1])()":   false,
		"return load(ARGV[1])":           false,
		"return _G['loadstring']":        false,
	} {
		_, bounded, err := compile(src, "user_script", true)
		if assert.NoError(t, err, src) {
			assert.Equal(t, want, bounded, src)
		}
	}
	// Only script bodies are bounded.
	_, bounded, err := compile("return 1", "user_function", false)
	assert.NoError(t, err)
	assert.False(t, bounded)
}

// TestLoadMarksBounded: Load records what compile found.
func TestLoadMarksBounded(t *testing.T) {
	e := New()
	s, err := e.Load("\n\nreturn 1")
	assert.NoError(t, err)
	assert.True(t, s.Bounded())
	s, err = e.Load("while false do end return 1")
	assert.NoError(t, err)
	assert.False(t, s.Bounded())
}
