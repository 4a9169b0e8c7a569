package racefree

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// parseInt parses s as Redis's string2ll does: an optional '-', then digits
// with no leading zero (except "0" itself), no '+', no spaces, within int64.
func parseInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	i, neg := 0, false
	if s[0] == '-' {
		neg, i = true, 1
		if len(s) == 1 {
			return 0, false
		}
	}
	if s[i] < '1' || s[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (1<<64-1)/10 {
			return 0, false
		}
		v *= 10
		if v > 1<<64-1-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// intArg parses an integer argument, or returns ErrNotInteger.
func intArg(s string) (int64, error) {
	n, ok := parseInt(s)
	if !ok {
		return 0, ErrNotInteger
	}
	return n, nil
}

// parseFloat parses s as Redis's string2d (strtod) does for double arguments:
// decimal or hexadecimal notation, inf and infinity in any case, no spaces, no
// NaN.
func parseFloat(s string) (float64, bool) {
	if plainDecimal(s) {
		// The common case (scores such as "1700000000123" or "2.5"):
		// strconv reads it exactly as strtod does, and it can neither
		// overflow nor underflow.
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return parseStrtod(s)
}

// parseStrtod is parseFloat for any input.
func parseStrtod(s string) (float64, bool) {
	if !validStrtod(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(hexWithExponent(s), 64)
	if err != nil || f == 0 && nonZeroMantissa(s) {
		return 0, false // overflow, or underflow to zero: ERANGE in strtod
	}
	return f, true
}

// plainDecimal reports whether s is an optional '-', then up to 40 digits
// with at most one '.' among them, and at least one digit.
func plainDecimal(s string) bool {
	i := 0
	if len(s) > 0 && s[0] == '-' {
		i = 1
	}
	if len(s)-i == 0 || len(s)-i > 40 {
		return false
	}
	digits, dot := false, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits
}

// nonZeroMantissa reports whether the mantissa of the number s has a digit
// other than zero.
func nonZeroMantissa(s string) bool {
	l := strings.ToLower(s)
	if i := strings.Index(l, "0x"); i >= 0 {
		l = l[i+2:]
		if j := strings.IndexByte(l, 'p'); j >= 0 {
			l = l[:j]
		}
	} else if j := strings.IndexByte(l, 'e'); j >= 0 {
		l = l[:j]
	}
	return strings.Trim(l, "+-0.") != ""
}

// validStrtod reports whether all of s is a number strtod would read:
// [+-] then digits with an optional point and exponent, a hexadecimal number
// with optional binary exponent, or inf/infinity. NaN is refused, as Redis
// refuses it everywhere.
func validStrtod(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	rest := strings.ToLower(s[i:])
	if rest == "inf" || rest == "infinity" {
		return true
	}
	hex := len(rest) > 2 && rest[0] == '0' && rest[1] == 'x'
	if hex {
		rest = rest[2:]
	}
	isDigit := func(c byte) bool {
		return c >= '0' && c <= '9' || hex && (c >= 'a' && c <= 'f')
	}
	j, digits := 0, 0
	for j < len(rest) && isDigit(rest[j]) {
		j, digits = j+1, digits+1
	}
	if j < len(rest) && rest[j] == '.' {
		j++
		for j < len(rest) && isDigit(rest[j]) {
			j, digits = j+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if j < len(rest) && (rest[j] == 'e' && !hex || rest[j] == 'p' && hex) {
		j++
		if j < len(rest) && (rest[j] == '+' || rest[j] == '-') {
			j++
		}
		k := j
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == k {
			return false
		}
	}
	return j == len(rest)
}

// hexWithExponent adds the "p0" that Go needs and C does not to a
// hexadecimal number without a binary exponent.
func hexWithExponent(s string) string {
	l := strings.ToLower(s)
	if strings.Contains(l, "0x") && !strings.Contains(l, "p") {
		return s + "p0"
	}
	return s
}

// longDouble arithmetic: INCRBYFLOAT and HINCRBYFLOAT compute in C's long
// double, which on x86-64 (the spec's platform) is the 80-bit x87 format
// with a 64-bit mantissa. big.Float at precision 64 rounds exactly like it,
// so results print digit for digit as Redis prints them.
const longDoublePrec = 64

// maxLongDouble is the largest finite x87 extended value.
var maxLongDouble = func() *big.Float {
	f := new(big.Float).SetPrec(longDoublePrec).SetMantExp(big.NewFloat(1), 16384)
	// (2 - 2^-63) * 2^16383 = 2^16384 - 2^16320
	g := new(big.Float).SetPrec(longDoublePrec).SetMantExp(big.NewFloat(1), 16320)
	return f.Sub(f, g)
}()

// minLongDouble is half the smallest subnormal x87 long double: strtold
// rounds anything no larger to zero and reports ERANGE.
var minLongDouble = new(big.Float).SetMantExp(big.NewFloat(1), -16446)

// parseLongDouble parses s as Redis's string2ld does (strtold with no
// leading space, no trailing bytes, no NaN, no overflow, no underflow to
// zero). Infinity, in any spelling strtold reads, is accepted; the increment
// commands refuse it afterwards.
func parseLongDouble(s string) (*big.Float, bool) {
	if len(s) == 0 || len(s) >= 5*1024 || !validStrtod(s) {
		return nil, false
	}
	if t := strings.ToLower(strings.TrimLeft(s, "+-")); t == "inf" || t == "infinity" {
		return new(big.Float).SetInf(s[0] == '-'), true
	}
	f, _, err := big.ParseFloat(hexWithExponent(s), 0, longDoublePrec, big.ToNearestEven)
	if err != nil {
		return nil, false
	}
	abs := new(big.Float).Abs(f)
	if abs.Cmp(maxLongDouble) > 0 || f.Sign() != 0 && abs.Cmp(minLongDouble) <= 0 {
		return nil, false // ERANGE
	}
	return f, true
}

// addLongDouble returns a+b rounded to long double, and false if the sum is
// infinite (or NaN, as inf + -inf is).
func addLongDouble(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	sum := new(big.Float).SetPrec(longDoublePrec).SetMode(big.ToNearestEven).Add(a, b)
	if new(big.Float).Abs(sum).Cmp(maxLongDouble) > 0 {
		return nil, false
	}
	return sum, true
}

// formatLongDouble formats f as Redis's ld2string in human mode: "%.17Lf"
// with the trailing zeros (and a bare point) removed, and "-0" as "0".
func formatLongDouble(f *big.Float) string {
	s := f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// parseScanCursor parses the cursor of SCAN, HSCAN, SSCAN and ZSCAN as Redis does, with strtoul in base 10: an optional sign (a
// negative number wraps around modulo 2^64), digits, nothing else, within
// 64 bits; no leading space; the empty string is 0.
func parseScanCursor(s string) (uint64, bool) {
	if s == "" {
		return 0, true
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (math.MaxUint64-uint64(c-'0'))/10 {
			return 0, false // ERANGE
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// parseMPop parses the arguments of LMPOP and ZMPOP (and of BLMPOP and
// BZMPOP after the timeout) from numkeys on: numkeys, the keys, one of two
// words (LEFT or RIGHT, MIN or MAX), then an optional COUNT, 1 when not
// given. isFirst reports that the word was the first one.
func parseMPop(args []string, first, second string) (keys []string, isFirst bool, count int64, err error) {
	n, ok := parseInt(args[0])
	if !ok || n < 1 {
		return nil, false, 0, ErrNumKeys
	}
	if n > int64(len(args)-2) {
		return nil, false, 0, ErrSyntax
	}
	keys, rest := args[1:1+n], args[1+n:]
	switch {
	case strings.EqualFold(rest[0], first):
		isFirst = true
	case strings.EqualFold(rest[0], second):
	default:
		return nil, false, 0, ErrSyntax
	}
	count = -1
	for i := 1; i < len(rest); i++ {
		if count == -1 && strings.EqualFold(rest[i], "count") && i+1 < len(rest) {
			i++
			v, ok := parseInt(rest[i])
			if !ok || v < 1 {
				return nil, false, 0, ErrCountPositive
			}
			count = v
			continue
		}
		return nil, false, 0, ErrSyntax
	}
	if count == -1 {
		count = 1
	}
	return keys, isFirst, count, nil
}
