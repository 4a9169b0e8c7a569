package luabind

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	lua "github.com/yuin/gopher-lua"
)

// TestNumberBoxes: boxed numbers keep their value, sign of zero and NaN,
// whether they come from the small table or from a block.
func TestNumberBoxes(t *testing.T) {
	var b numberBoxes
	for _, f := range []float64{0, math.Copysign(0, -1), 1, 255, 256, -1, 0.5, 1e300, math.Inf(1), math.Inf(-1), 1000000000000} {
		v := b.box(f)
		n, ok := v.(lua.LNumber)
		if assert.True(t, ok, "%v", f) {
			assert.Equal(t, math.Float64bits(f), math.Float64bits(float64(n)), "%v", f)
		}
	}
	v := b.box(math.NaN())
	assert.True(t, math.IsNaN(float64(v.(lua.LNumber))))
	// Values from one block stay apart.
	vs := make([]lua.LValue, 3*numberBlock)
	for i := range vs {
		vs[i] = b.box(float64(1000 + i))
	}
	for i, v := range vs {
		assert.Equal(t, lua.LNumber(1000+i), v)
	}
}

// TestSmallIntegerMatchesStrtod: the integer fast path reads what the
// general strtod path reads.
func TestSmallIntegerMatchesStrtod(t *testing.T) {
	for _, s := range []string{"0", "-0", "7", "007", "-12", "123456789012345", "1234567890123456", "", "-", "1x", " 1", "1 ", "+1", "0x10", "1e3", "--1"} {
		f, ok := c51SmallInteger(s)
		if !ok {
			continue
		}
		g, end := c51Strtod(s)
		assert.Equal(t, len(s), end, "%q", s)
		assert.Equal(t, math.Float64bits(g), math.Float64bits(f), "%q", s)
	}
	_, ok := c51SmallInteger("1234567890123456")
	assert.False(t, ok, "16 digits go the general way")
	f, _ := c51SmallInteger("-0")
	assert.True(t, math.Signbit(f))
	assert.Equal(t, strconv.FormatFloat(12, 'g', -1, 64), strconv.FormatFloat(func() float64 { f, _ := c51SmallInteger("12"); return f }(), 'g', -1, 64))
}

// TestFormatArgIntegers: the integer fast path of formatArg prints what
// "%.17g" prints.
func TestFormatArgIntegers(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 42, 999999999999999, -999999999999999, 1e15, 1e16, 1e17, 123456789012345678, 0.5, -2.5} {
		assert.Equal(t, strconv.FormatFloat(f, 'g', 17, 64), formatArg(f), "%v", f)
	}
}
