package racefree

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// strRandomDecimal makes a number as a client might send it to INCRBYFLOAT:
// integers, decimals with up to 25 digits, exponents, hexadecimal, signs.
func strRandomDecimal(r *rand.Rand) string {
	var b strings.Builder
	switch r.IntN(10) {
	case 0:
		b.WriteByte('-')
	case 1:
		b.WriteByte('+')
	}
	digits := func(n int) {
		for range n {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
	}
	switch r.IntN(6) {
	case 0: // integer
		digits(1 + r.IntN(20))
	case 1: // small decimal
		digits(1 + r.IntN(3))
		b.WriteByte('.')
		digits(1 + r.IntN(3))
	case 2: // long decimal
		digits(r.IntN(10))
		b.WriteByte('.')
		digits(1 + r.IntN(25))
	case 3: // exponent
		digits(1 + r.IntN(5))
		if r.IntN(2) == 0 {
			b.WriteByte('.')
			digits(1 + r.IntN(5))
		}
		b.WriteString(pick(r, []string{"e", "E", "e-", "e+"}))
		b.WriteString(strconv.Itoa(r.IntN(40)))
	case 4: // hexadecimal
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(r.Uint64N(1<<20), 16))
		if r.IntN(2) == 0 {
			b.WriteString("p-" + strconv.Itoa(r.IntN(30)))
		}
	default: // the shortest form of a random float64
		b.WriteString(strconv.FormatFloat(r.NormFloat64()*pick(r, []float64{1e-5, 1, 1e3, 1e10}), 'f', -1, 64))
	}
	return b.String()
}

// TestIncrByFloatRandomDifferential sends sequences of INCRBYFLOAT with
// random numbers to the live server and to a Store: the long double sums
// must print digit for digit the same.
func TestIncrByFloatRandomDifferential(t *testing.T) {
	live := dialLive(t)
	s := newTestStore(t)
	st := &storeConn{s: s}
	resetBoth(t, live, st)
	n := 3000
	if testing.Short() {
		n = 500
	}
	r := rand.New(rand.NewPCG(42, 1))
	for i := range n {
		key := pick(r, []string{"f1", "f2", "f3"})
		var args []string
		if r.IntN(10) == 0 {
			args = []string{"SET", key, strRandomDecimal(r)}
		} else {
			args = []string{"INCRBYFLOAT", key, strRandomDecimal(r)}
		}
		compareCommand(t, live, st, diffLine{lineNo: i, args: args})
		if t.Failed() {
			t.Fatalf("step %d", i)
		}
	}
}
