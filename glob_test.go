package racefree

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatchGlob(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"a", "a", true},
		{"a", "b", false},
		{"*", "abc", true},
		{"*", "", false}, // callers treat "*" alone as "everything"
		{"a*", "a", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbb", false},
		{"a**c", "ac", true},
		{"?", "x", true},
		{"?", "", false},
		{"h?llo", "hallo", true},
		{"h[ae]llo", "hello", true},
		{"h[ae]llo", "hillo", false},
		{"h[^e]llo", "hallo", true},
		{"h[^e]llo", "hello", false},
		{"h[a-b]llo", "hbllo", true},
		{"h[b-a]llo", "hbllo", true}, // a range may be backwards
		{"h[a-b]llo", "hcllo", false},
		{"h\\*llo", "h*llo", true},
		{"h\\*llo", "hello", false},
		{"[\\]]", "]", true},
		{"[abc", "a", true}, // unterminated set
		{"[abc", "d", false},
		{"a\\", "a\\", true},
		{"*x", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, matchGlob(c.pattern, c.s), "%q ~ %q", c.pattern, c.s)
	}
	// Pathological patterns finish quickly.
	assert.False(t, matchGlob(strings.Repeat("a*", 30)+"b", strings.Repeat("a", 60)))
}
