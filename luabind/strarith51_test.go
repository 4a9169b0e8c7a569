package luabind

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStringArith51 checks arithmetic on strings (strtod's reading, not Go's
// base prefixes) and the NaNs of x % 0 (recorded from redis-server 7.0.15).
func TestStringArith51(t *testing.T) {
	e := New()
	for script, want := range map[string]string{
		"return tostring('010' + 0)":        `"10"`,
		"return tostring(-'010')":           `"-10"`,
		"return tostring('010' * '2')":      `"20"`,
		"return tostring(' 10\\r' + 0)":     `"10"`,
		"return tostring('1e500' + 0)":      `"inf"`,
		"return tostring('0x1.8' + 0)":      `"1.5"`,
		"return tostring('5' % '0')":        `"-nan"`,
		"return tostring(5 % 0)":            `"-nan"`,
		"return tostring(-(5 % 0))":         `"nan"`,
		"return string.format('%f', 5 % 0)": `"-nan"`,
		"return 'x' .. 0 % 0":               `"x-nan"`,
		"return tostring((-2) ^ 0.5)":       `"-nan"`,
		"local n = 0 for k in pairs(getmetatable('')) do n = n + 1 end return n": "(integer) 1",
		"return '0b11' + 0": `(error) "ERR user_script:1: attempt to perform arithmetic on a string value script: ` +
			SHA1("return '0b11' + 0") + `, on @user_script:1."`,
		"local s = 'abc'; return 1 - s": `(error) "ERR user_script:1: attempt to perform arithmetic on local 's' (a string value) script: ` +
			SHA1("local s = 'abc'; return 1 - s") + `, on @user_script:1."`,
		"return -{}": `(error) "ERR user_script:1: attempt to perform arithmetic on a table value script: ` +
			SHA1("return -{}") + `, on @user_script:1."`,
	} {
		assert.Equal(t, want, l51Show(l51Eval(e, script)), script)
	}
}

// TestEvalVarargBody checks that a body may use "..." (Redis loads it as a
// chunk) and that Lua 5.1's syntax errors reach EVAL.
func TestEvalVarargBody(t *testing.T) {
	e := New()
	assert.Equal(t, "(integer) 0", l51Show(l51Eval(e, "return select('#', ...)")))
	assert.Equal(t, "(integer) 16", l51Show(l51Eval(e, "return 0x1p4")))
	assert.Equal(t, `(error) "ERR Error compiling script (new function): user_script:1: '=' expected near 'x'"`,
		l51Show(l51Eval(e, "goto x")))
}

func TestOverflowWhere(t *testing.T) {
	src, line := l51OverflowWhere("ERR user_script:12: stack overflow")
	assert.Equal(t, "user_script", src)
	assert.Equal(t, 12, line)
	src, line = l51OverflowWhere("ERR user_script:12: other")
	assert.Equal(t, "", src)
	assert.Equal(t, 0, line)
	e := New()
	script := "local function f(n) return f(n + 1) + 1 end return f(1)"
	assert.Equal(t, `(error) "ERR user_script:1: stack overflow script: `+SHA1(script)+`, on @user_script:1."`, l51Show(l51Eval(e, script)))
}
