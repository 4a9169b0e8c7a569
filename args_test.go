package racefree

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseInt(t *testing.T) {
	good := map[string]int64{
		"0": 0, "1": 1, "-1": -1, "9223372036854775807": math.MaxInt64,
		"-9223372036854775808": math.MinInt64, "10": 10, "-10": -10,
	}
	for s, want := range good {
		n, ok := parseInt(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, n, s)
	}
	for _, s := range []string{"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1.0", "1e3", "0x10",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999", "123456789012345678901", "abc", "1a"} {
		_, ok := parseInt(s)
		assert.False(t, ok, "%q", s)
	}
}

func TestParseFloat(t *testing.T) {
	good := map[string]float64{
		"1": 1, "-1.5": -1.5, "+2": 2, ".5": 0.5, "5.": 5, "1e3": 1000, "1E-2": 0.01, "inf": math.Inf(1),
		"-Infinity": math.Inf(-1), "0x10": 16, "0x1p4": 16, "0": 0, "-0": 0, "4.9e-324": 5e-324,
	}
	for s, want := range good {
		f, ok := parseFloat(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, f, s)
	}
	for _, s := range []string{"", " 1", "1 ", "nan", "NaN", "1e", "e3", ".", "-", "1.2.3", "0x", "1e400", "1e-400", "1_000", "0b1", "abc"} {
		_, ok := parseFloat(s)
		assert.False(t, ok, "%q", s)
	}
}

func TestLongDouble(t *testing.T) {
	add := func(a, b string) string {
		x, ok := parseLongDouble(a)
		if !assert.True(t, ok, a) {
			return ""
		}
		y, ok := parseLongDouble(b)
		if !assert.True(t, ok, b) {
			return ""
		}
		sum, ok := addLongDouble(x, y)
		if !ok {
			return "overflow"
		}
		return formatLongDouble(sum)
	}
	// Values printed by redis-server 7.0.15 for INCRBYFLOAT.
	assert.Equal(t, "10.6", add("10.5", "0.1"))
	assert.Equal(t, "5.0000000000000001", add("5", "0.0000000000000001"))
	assert.Equal(t, "0", add("1", "-1"))
	assert.Equal(t, "0", add("-0", "0"))
	assert.Equal(t, "1000", add("1e3", "0"))
	assert.Equal(t, "0.3", add("0.1", "0.2"))
	assert.Equal(t, "110000000000000000000", add("1.1e20", "1"))
	assert.Equal(t, "19", add("3", "0x10"))
	assert.Equal(t, "overflow", add("inf", "1"))
	_, ok := parseLongDouble("nan")
	assert.False(t, ok)
	_, ok = parseLongDouble("1e5000")
	assert.False(t, ok)
}

// TestParseFloatPlainDecimal checks parseFloat's fast path for plain
// decimals against the general one.
func TestParseFloatPlainDecimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []string{"0", "-0", "1.", ".5", "-.5", "007", "1.5", "-2.25", "123456789012345678901234567890", "0.1", ".", "-", "", "1.2.3"}
	for range 20000 {
		n := 1 + r.IntN(25)
		b := make([]byte, 0, n+2)
		if r.IntN(2) == 0 {
			b = append(b, '-')
		}
		for j := range n {
			if j == r.IntN(n+1) {
				b = append(b, '.')
			}
			b = append(b, byte('0'+r.IntN(10)))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		f1, ok1 := parseFloat(s)
		f2, ok2 := parseStrtod(s)
		if ok1 != ok2 || math.Float64bits(f1) != math.Float64bits(f2) {
			t.Errorf("%q: fast path %v %v, strtod path %v %v", s, f1, ok1, f2, ok2)
		}
	}
}
