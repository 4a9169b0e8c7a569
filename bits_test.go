package racefree

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	randomFamilies = append(randomFamilies, randomFamily{
		name:      "bits",
		commands:  []string{"setbit", "getbit", "bitcount", "bitpos", "bitop", "bitfield", "bitfield_ro"},
		templates: bitsTemplates,
	})
}

// Pools for the random bit commands: valid arguments, and bad ones that
// bitsArg picks now and then.
var (
	bitsOffsets    = []string{"0", "1", "7", "8", "9", "15", "23", "31", "40", "63", "64", "100"}
	bitsBadOffsets = []string{"-1", "a", "", "4294967296", "#1", "1.5"}
	bitsIndexes    = []string{"0", "1", "2", "3", "-1", "-2", "-3", "5", "10", "-10", "100", "-100", "9223372036854775807", "-9223372036854775808"}
	bitsBadIndexes = []string{"x", "", "1.0", "99999999999999999999"}
	bitsTypes      = []string{"u1", "u2", "u3", "u7", "u8", "u15", "u16", "u32", "u63", "i1", "i2", "i5", "i8", "i13", "i16", "i32", "i63", "i64"}
	bitsBadTypes   = []string{"u64", "i0", "x8", "i65", "", "I8"}
	bitsFields     = []string{"0", "1", "3", "7", "8", "13", "16", "30", "64", "#0", "#1", "#2", "#5"}
	bitsBadFields  = []string{"-1", "#-1", "z", "#", "4294967296"}
	bitsNumbers    = []string{"0", "1", "-1", "2", "5", "-5", "100", "-100", "127", "128", "-128", "-129", "255", "256", "65535",
		"9223372036854775807", "-9223372036854775808"}
	bitsBadNumbers = []string{"1.5", "q", "", "9223372036854775808"}
	bitsUnits      = []string{"BIT", "BYTE", "bit", "byte"}
	bitsBadUnits   = []string{"bits", "", "x"}
	bitsOps        = []string{"AND", "OR", "XOR", "NOT", "and", "or", "xor", "not"}
	bitsBadOps     = []string{"nand", "", "ANDX"}
)

// bitsArg picks from good, and one time in 25 from bad.
func bitsArg(r *rand.Rand, good, bad []string) string {
	if r.IntN(25) == 0 {
		return pick(r, bad)
	}
	return pick(r, good)
}

// bitsValue is a random short binary string.
func bitsValue(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return pick(r, randomValues)
	}
	b := make([]byte, r.IntN(12))
	for i := range b {
		switch r.IntN(4) {
		case 0:
			b[i] = 0
		case 1:
			b[i] = 0xff
		default:
			b[i] = byte(r.IntN(256))
		}
	}
	return string(b)
}

// bitsRange appends a random BITCOUNT or BITPOS range: start, end and unit,
// as many of them as one of counts says, and now and then one more.
func bitsRange(r *rand.Rand, args []string, counts ...int) []string {
	n := pick(r, counts)
	if r.IntN(20) == 0 {
		n++
	}
	for i := range n {
		if i == 2 {
			args = append(args, bitsArg(r, bitsUnits, bitsBadUnits))
		} else {
			args = append(args, bitsArg(r, bitsIndexes, bitsBadIndexes))
		}
	}
	return args
}

// bitfieldOps appends random BITFIELD subcommands; readOnly makes mostly
// GETs.
func bitfieldOps(r *rand.Rand, args []string, readOnly bool) []string {
	for range r.IntN(5) {
		n := r.IntN(10)
		switch {
		case readOnly && n < 8 || n < 3:
			args = append(args, "GET", bitsArg(r, bitsTypes, bitsBadTypes), bitsArg(r, bitsFields, bitsBadFields))
		case n < 5:
			args = append(args, "SET", bitsArg(r, bitsTypes, bitsBadTypes), bitsArg(r, bitsFields, bitsBadFields), bitsArg(r, bitsNumbers, bitsBadNumbers))
		case n < 8:
			args = append(args, "INCRBY", bitsArg(r, bitsTypes, bitsBadTypes), bitsArg(r, bitsFields, bitsBadFields), bitsArg(r, bitsNumbers, bitsBadNumbers))
		case n == 8:
			args = append(args, "OVERFLOW", bitsArg(r, []string{"WRAP", "SAT", "FAIL", "sat", "fail"}, []string{"bad", ""}))
		case r.IntN(10) == 0:
			args = append(args, pick(r, []string{"GET", "SET", "INCRBY", "OVERFLOW", "FOO"})) // cut short
		default:
			args = append(args, "GET", bitsArg(r, bitsTypes, bitsBadTypes), bitsArg(r, bitsFields, bitsBadFields))
		}
	}
	return args
}

var bitsTemplates = []randomTemplate{
	{make: func(r *rand.Rand) []string { return []string{"SET", pick(r, randomKeys), bitsValue(r)} }},
	{make: func(r *rand.Rand) []string {
		if r.IntN(4) == 0 {
			return []string{"HSET", pick(r, randomKeys), pick(r, randomFields), "v"} // a key of another type
		}
		return []string{"SET", pick(r, randomKeys), bitsValue(r)}
	}},
	{make: func(r *rand.Rand) []string { return []string{"EXPIRE", pick(r, randomKeys), "100"} }},
	{make: func(r *rand.Rand) []string {
		return []string{"SETBIT", pick(r, randomKeys), bitsArg(r, bitsOffsets, bitsBadOffsets), bitsArg(r, []string{"0", "1"}, []string{"2", "-1", "x", ""})}
	}},
	{make: func(r *rand.Rand) []string {
		return []string{"GETBIT", pick(r, randomKeys), bitsArg(r, bitsOffsets, bitsBadOffsets)}
	}},
	{make: func(r *rand.Rand) []string {
		return bitsRange(r, []string{"BITCOUNT", pick(r, randomKeys)}, 0, 2, 2, 3, 3)
	}},
	{make: func(r *rand.Rand) []string {
		return bitsRange(r, []string{"BITPOS", pick(r, randomKeys), bitsArg(r, []string{"0", "1"}, []string{"2", "-1", "x"})}, 0, 1, 2, 2, 3, 3)
	}},
	{make: func(r *rand.Rand) []string {
		args := []string{"BITOP", bitsArg(r, bitsOps, bitsBadOps), pick(r, randomKeys)}
		for range 1 + r.IntN(3) {
			args = append(args, pick(r, randomKeys))
		}
		return args
	}},
	{make: func(r *rand.Rand) []string { return bitfieldOps(r, []string{"BITFIELD", pick(r, randomKeys)}, false) }},
	{make: func(r *rand.Rand) []string { return bitfieldOps(r, []string{"BITFIELD_RO", pick(r, randomKeys)}, true) }},
	{make: func(r *rand.Rand) []string { return []string{"GET", pick(r, randomKeys)} }},
}

func TestSetBitGetBit(t *testing.T) {
	s := newTestStore(t)

	prev, err := s.SetBit("k", 7, 1)
	require.NoError(t, err)
	assert.Equal(t, int64(0), prev)
	prev, err = s.SetBit("k", 7, 1)
	require.NoError(t, err)
	assert.Equal(t, int64(1), prev)
	_, err = s.SetBit("k", 17, 1)
	require.NoError(t, err)
	v, _, err := s.Get("k")
	require.NoError(t, err)
	assert.Equal(t, "\x01\x00\x40", v)

	for off, want := range map[int64]int64{0: 0, 7: 1, 17: 1, 18: 0, 1000: 0, maxBitOffset: 0} {
		got, err := s.GetBit("k", off)
		require.NoError(t, err)
		assert.Equal(t, want, got, "offset %d", off)
	}

	got, err := s.GetBit("missing", 3)
	require.NoError(t, err)
	assert.Zero(t, got)

	_, err = s.SetBit("k", -1, 1)
	assert.ErrorIs(t, err, ErrBitOffset)
	_, err = s.SetBit("k", maxBitOffset+1, 1)
	assert.ErrorIs(t, err, ErrBitOffset)
	_, err = s.SetBit("k", 0, 2)
	assert.ErrorIs(t, err, ErrBitValue)
	_, err = s.GetBit("k", -1)
	assert.ErrorIs(t, err, ErrBitOffset)

	_, err = s.HSet("h", "f", "v")
	require.NoError(t, err)
	_, err = s.SetBit("h", 0, 1)
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.GetBit("h", 0)
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestSetBitKeepsTTLAndEncoding(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("k", "abc", time.Minute))
	_, err := s.SetBit("k", 100, 1)
	require.NoError(t, err)
	ttl, err := s.Do("TTL", "k")
	require.NoError(t, err)
	assert.Equal(t, int64(60), ttl)
	enc, err := s.Do("OBJECT", "ENCODING", "k")
	require.NoError(t, err)
	assert.Equal(t, "raw", enc)

	// The value read before the write must not change under the caller.
	before, _, err := s.Get("k")
	require.NoError(t, err)
	_, err = s.SetBit("k", 0, 1)
	require.NoError(t, err)
	assert.Equal(t, byte('a'), before[0])
}

func TestBitCount(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("k", "foobar", 0))

	cases := []struct {
		r    *BitRange
		want int64
	}{
		{nil, 26},
		{&BitRange{Start: 0, End: 0}, 4},
		{&BitRange{Start: 1, End: 1}, 6},
		{&BitRange{Start: -2, End: -1}, 7},
		{&BitRange{Start: 0, End: -1, Unit: BitUnitByte}, 26},
		{&BitRange{Start: 5, End: 30, Unit: BitUnitBit}, 17},
		{&BitRange{Start: 3, End: 1}, 0},
		{&BitRange{Start: -1, End: -2, Unit: BitUnit(9)}, 0}, // checked before the unit, as in Redis
	}
	for _, c := range cases {
		n, err := s.BitCount("k", c.r)
		require.NoError(t, err)
		assert.Equal(t, c.want, n, "%+v", c.r)
	}

	_, err := s.BitCount("k", &BitRange{Start: 0, End: 1, Unit: BitUnit(9)})
	assert.ErrorIs(t, err, ErrSyntax)

	n, err := s.BitCount("missing", &BitRange{Start: 0, End: 1, Unit: BitUnit(9)})
	require.NoError(t, err)
	assert.Zero(t, n)

	_, err = s.HSet("h", "f", "v")
	require.NoError(t, err)
	_, err = s.BitCount("h", nil)
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestBitPos(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("k", "\xff\xf0\x00", 0))
	require.NoError(t, s.Set("ones", "\xff\xff", 0))

	pos := func(key string, bit int, r *BitRange) int64 {
		t.Helper()
		n, err := s.BitPos(key, bit, r)
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, int64(12), pos("k", 0, nil))
	assert.Equal(t, int64(0), pos("k", 1, nil))
	assert.Equal(t, int64(16), pos("k", 0, &BitRange{Start: 2, End: -1}))
	assert.Equal(t, int64(-1), pos("k", 1, &BitRange{Start: 2, End: -1}))
	assert.Equal(t, int64(10), pos("k", 1, &BitRange{Start: 10, End: 11, Unit: BitUnitBit}))
	assert.Equal(t, int64(-1), pos("k", 0, &BitRange{Start: 0, End: 11, Unit: BitUnitBit}))
	assert.Equal(t, int64(16), pos("ones", 0, nil), "the string goes on with zeros")
	assert.Equal(t, int64(-1), pos("ones", 0, &BitRange{Start: 0, End: -1}), "not past an explicit end")
	assert.Equal(t, int64(0), pos("missing", 0, nil))
	assert.Equal(t, int64(-1), pos("missing", 1, nil))

	n, err := s.BitPosFrom("ones", 0, 1)
	require.NoError(t, err)
	assert.Equal(t, int64(16), n)
	n, err = s.BitPosFrom("k", 1, -2)
	require.NoError(t, err)
	assert.Equal(t, int64(8), n)

	_, err = s.BitPos("k", 2, nil)
	assert.ErrorIs(t, err, ErrBitArg)
	_, err = s.BitPosFrom("missing", -1, 0)
	assert.ErrorIs(t, err, ErrBitArg)
	_, err = s.BitPos("k", 1, &BitRange{Unit: BitUnit(7)})
	assert.ErrorIs(t, err, ErrSyntax)

	_, err = s.HSet("h", "f", "v")
	require.NoError(t, err)
	_, err = s.BitPos("h", 1, nil)
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestBitOp(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.MSet("a", "\xff\x0f\xf0", "b", "\x0f\xff"))

	cases := []struct {
		op   BitOperation
		keys []string
		want string
	}{
		{BitAnd, []string{"a", "b"}, "\x0f\x0f\x00"},
		{BitOr, []string{"a", "b"}, "\xff\xff\xf0"},
		{BitXor, []string{"a", "b"}, "\xf0\xf0\xf0"},
		{BitNot, []string{"a"}, "\x00\xf0\x0f"},
		{"and", []string{"a", "missing"}, "\x00\x00\x00"},
	}
	for _, c := range cases {
		n, err := s.BitOp(c.op, "dest", c.keys...)
		require.NoError(t, err)
		assert.Equal(t, int64(len(c.want)), n)
		v, ok, err := s.Get("dest")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, c.want, v, "%s %v", c.op, c.keys)
	}

	// An empty result deletes the destination, whatever it held.
	_, err := s.Del("dest")
	require.NoError(t, err)
	_, err = s.HSet("dest", "f", "v")
	require.NoError(t, err)
	n, err := s.BitOp(BitOr, "dest", "missing", "missing2")
	require.NoError(t, err)
	assert.Zero(t, n)
	exists, err := s.Exists("dest")
	require.NoError(t, err)
	assert.Zero(t, exists)

	_, err = s.BitOp(BitNot, "dest", "a", "b")
	assert.ErrorIs(t, err, ErrBitOpNot)
	_, err = s.BitOp("nand", "dest", "a")
	assert.ErrorIs(t, err, ErrSyntax)
	_, err = s.BitOp(BitAnd, "dest")
	assert.ErrorIs(t, err, ErrWrongArity)
	assert.EqualError(t, err, "ERR wrong number of arguments for 'bitop' command")

	_, err = s.HSet("h", "f", "v")
	require.NoError(t, err)
	_, err = s.BitOp(BitAnd, "a", "b", "h")
	assert.ErrorIs(t, err, ErrWrongType)
	v, _, err := s.Get("a")
	require.NoError(t, err)
	assert.Equal(t, "\xff\x0f\xf0", v, "a failed BITOP changes nothing")
}

func TestBitfield(t *testing.T) {
	s := newTestStore(t)

	var ops BitfieldArgs
	ops.Set("u8", 0, 200).
		IncrBy("u8", 0, 100).
		Overflow(BitfieldSat).IncrBy("u8", 0, 1000).
		Overflow(BitfieldFail).IncrBy("u8", 0, 1).
		Get("i8", 0).
		Set("i16", 16, -2)
	res, err := s.Bitfield("k", &ops)
	require.NoError(t, err)
	assert.Equal(t, []BitfieldResult{
		{Value: 0},               // SET: the old value
		{Value: 44},              // INCRBY wraps: 300 - 256
		{Value: 255},             // saturated
		{Value: 0, Failed: true}, // would overflow
		{Value: -1},              // 255 as i8
		{Value: 0},
	}, res)
	v, _, err := s.Get("k")
	require.NoError(t, err)
	assert.Equal(t, "\xff\x00\xff\xfe", v)

	// Read-only calls on a missing key read zeros and create nothing.
	res, err = s.Bitfield("missing", new(BitfieldArgs).Get("u63", 0))
	require.NoError(t, err)
	assert.Equal(t, []BitfieldResult{{Value: 0}}, res)
	res, err = s.BitfieldRO("missing", new(BitfieldArgs).Get("i64", 8))
	require.NoError(t, err)
	assert.Equal(t, []BitfieldResult{{Value: 0}}, res)
	exists, err := s.Exists("missing")
	require.NoError(t, err)
	assert.Zero(t, exists)

	res, err = s.Bitfield("k", nil)
	require.NoError(t, err)
	assert.Empty(t, res)

	_, err = s.Bitfield("k", new(BitfieldArgs).Get("u64", 0))
	assert.ErrorIs(t, err, ErrBitfieldType)
	_, err = s.Bitfield("k", new(BitfieldArgs).Get("i8", -1))
	assert.ErrorIs(t, err, ErrBitOffset)
	_, err = s.Bitfield("k", new(BitfieldArgs).Overflow(BitfieldOverflow(9)).Get("i8", 0))
	assert.ErrorIs(t, err, ErrBitfieldOverflow)
	_, err = s.BitfieldRO("k", new(BitfieldArgs).Get("i8", 0).Set("i8", 0, 1))
	assert.ErrorIs(t, err, ErrBitfieldRO)
	_, err = s.BitfieldRO("k", new(BitfieldArgs).Get("x", 0).Set("i8", 0, 1))
	assert.ErrorIs(t, err, ErrBitfieldType, "argument errors come first")

	_, err = s.HSet("h", "f", "v")
	require.NoError(t, err)
	_, err = s.Bitfield("h", new(BitfieldArgs).Get("u8", 0))
	assert.ErrorIs(t, err, ErrWrongType)
	_, err = s.Bitfield("h", new(BitfieldArgs).Set("u8", 0, 1))
	assert.ErrorIs(t, err, ErrWrongType)
}

func TestBitfieldFailStillCreatesKey(t *testing.T) {
	s := newTestStore(t)
	res, err := s.Bitfield("k", new(BitfieldArgs).Overflow(BitfieldFail).IncrBy("u2", 8, 10))
	require.NoError(t, err)
	assert.Equal(t, []BitfieldResult{{Failed: true}}, res)
	v, ok, err := s.Get("k")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "\x00\x00", v)
}

func TestBitsInTransactions(t *testing.T) {
	s := newTestStore(t)
	require.NoError(t, s.Set("k", "\x0f", 0))
	err := s.View(func(tx *Tx) error {
		res, err := tx.Bitfield("k", new(BitfieldArgs).Get("u4", 4))
		require.NoError(t, err)
		assert.Equal(t, int64(15), res[0].Value)
		n, err := tx.BitCount("k", nil)
		require.NoError(t, err)
		assert.Equal(t, int64(4), n)
		_, err = tx.SetBit("k", 0, 1)
		assert.ErrorIs(t, err, ErrTxReadOnly)
		_, err = tx.Bitfield("k", new(BitfieldArgs).Set("u4", 4, 1))
		assert.ErrorIs(t, err, ErrTxReadOnly)
		_, err = tx.BitOp(BitNot, "d", "k")
		assert.ErrorIs(t, err, ErrTxReadOnly)
		return nil
	})
	require.NoError(t, err)
}

func TestBitsErrorsAreSentinels(t *testing.T) {
	s := newTestStore(t)
	cases := []struct {
		args []any
		want *Error
	}{
		{[]any{"SETBIT", "k", "x", "1"}, ErrBitOffset},
		{[]any{"SETBIT", "k", "0", "x"}, ErrBitValue},
		{[]any{"GETBIT", "k", "-1"}, ErrBitOffset},
		{[]any{"BITPOS", "k", "3"}, ErrBitArg},
		{[]any{"BITOP", "NOT", "d", "a", "b"}, ErrBitOpNot},
		{[]any{"BITOP", "NAND", "d", "a"}, ErrSyntax},
		{[]any{"BITFIELD", "k", "GET", "u64", "0"}, ErrBitfieldType},
		{[]any{"BITFIELD", "k", "OVERFLOW", "x"}, ErrBitfieldOverflow},
		{[]any{"BITFIELD_RO", "k", "SET", "u8", "0", "1"}, ErrBitfieldRO},
		{[]any{"BITFIELD", "k", "SET", "u8", "0", "x"}, ErrNotInteger},
	}
	for _, c := range cases {
		_, err := s.Do(c.args...)
		assert.ErrorIs(t, err, c.want, "%v", c.args)
		var e *Error
		require.True(t, errors.As(err, &e))
		assert.Equal(t, c.want.Error(), e.Error())
	}
}

// TestBitsTypedAgreesWithDo runs random operations through the typed API on
// one store and through Do on another, and compares results and values.
func TestBitsTypedAgreesWithDo(t *testing.T) {
	typed, viaDo := newTestStore(t), newTestStore(t)
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "b", "c"}
	compare := func(step int, want any, got any, errT, errD error) {
		t.Helper()
		if errT != nil || errD != nil {
			require.Error(t, errT, "step %d", step)
			require.Error(t, errD, "step %d", step)
			assert.Equal(t, errT.Error(), errD.Error(), "step %d", step)
			return
		}
		assert.Equal(t, want, got, "step %d", step)
	}
	for step := range 2000 {
		key := pick(r, keys)
		switch r.IntN(6) {
		case 0:
			off, val := int64(r.IntN(80)-2), r.IntN(3)
			n, errT := typed.SetBit(key, off, val)
			v, errD := viaDo.Do("SETBIT", key, off, val)
			compare(step, v, n, errT, errD)
		case 1:
			off := int64(r.IntN(90) - 2)
			n, errT := typed.GetBit(key, off)
			v, errD := viaDo.Do("GETBIT", key, off)
			compare(step, v, n, errT, errD)
		case 2:
			start, end, unit := int64(r.IntN(30)-15), int64(r.IntN(30)-15), BitUnit(r.IntN(2))
			n, errT := typed.BitCount(key, &BitRange{Start: start, End: end, Unit: unit})
			v, errD := viaDo.Do("BITCOUNT", key, start, end, []string{"BYTE", "BIT"}[unit])
			compare(step, v, n, errT, errD)
		case 3:
			bit, start, end, unit := r.IntN(2), int64(r.IntN(30)-15), int64(r.IntN(30)-15), BitUnit(r.IntN(2))
			n, errT := typed.BitPos(key, bit, &BitRange{Start: start, End: end, Unit: unit})
			v, errD := viaDo.Do("BITPOS", key, bit, start, end, []string{"BYTE", "BIT"}[unit])
			compare(step, v, n, errT, errD)
			n, errT = typed.BitPosFrom(key, bit, start)
			v, errD = viaDo.Do("BITPOS", key, bit, start)
			compare(step, v, n, errT, errD)
		case 4:
			op := pick(r, []BitOperation{BitAnd, BitOr, BitXor, BitNot})
			srcs := []string{pick(r, keys)}
			if op != BitNot {
				srcs = append(srcs, pick(r, keys))
			}
			dest := pick(r, keys)
			n, errT := typed.BitOp(op, dest, srcs...)
			args := []any{"BITOP", string(op), dest}
			for _, k := range srcs {
				args = append(args, k)
			}
			v, errD := viaDo.Do(args...)
			compare(step, v, n, errT, errD)
		case 5:
			var ops BitfieldArgs
			args := []any{"BITFIELD", key}
			for range 1 + r.IntN(4) {
				typ := BitfieldType(pick(r, []string{"u1", "u5", "u8", "u63", "i1", "i7", "i16", "i64"}))
				off, val := int64(r.IntN(70)), int64(r.IntN(600)-300)
				switch r.IntN(4) {
				case 0:
					ops.Get(typ, off)
					args = append(args, "GET", string(typ), off)
				case 1:
					ops.Set(typ, off, val)
					args = append(args, "SET", string(typ), off, val)
				case 2:
					ops.IncrBy(typ, off, val)
					args = append(args, "INCRBY", string(typ), off, val)
				case 3:
					mode := BitfieldOverflow(r.IntN(3))
					ops.Overflow(mode)
					args = append(args, "OVERFLOW", []string{"WRAP", "SAT", "FAIL"}[mode])
				}
			}
			res, errT := typed.Bitfield(key, &ops)
			v, errD := viaDo.Do(args...)
			var got []any
			for _, x := range res {
				if x.Failed {
					got = append(got, nil)
				} else {
					got = append(got, x.Value)
				}
			}
			if got == nil && errT == nil {
				got = []any{}
			}
			compare(step, v, got, errT, errD)
		}
	}
	for _, k := range keys {
		a, okA, err := typed.Get(k)
		require.NoError(t, err)
		b, okB, err := viaDo.Get(k)
		require.NoError(t, err)
		assert.Equal(t, okB, okA, k)
		assert.Equal(t, b, a, k)
	}
}

// TestBitfieldOverflowMatchesArithmetic checks SET and INCRBY against plain
// big-number arithmetic for every width, where Redis's wrapping detection
// agrees with it (all INCRBYs, and SETs within ±2^62).
func TestBitfieldOverflowMatchesArithmetic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		signed := r.IntN(2) == 0
		width := uint8(1 + r.IntN(63))
		if signed {
			width = uint8(1 + r.IntN(64))
		}
		var lo, hi float64
		if signed {
			lo, hi = -float64(uint64(1)<<(width-1)), float64(uint64(1)<<(width-1))-1
		} else {
			lo, hi = 0, float64(uint64(1)<<width)-1
		}
		op := bitfieldOp{code: bitfieldIncrBy, signed: signed, bits: width, overflow: BitfieldSat}
		old := int64(r.Uint64() >> (64 - uint64(width)))
		if signed {
			old = op.extend(uint64(old))
		}
		op.value = int64(r.Uint64()) >> r.IntN(64)
		got, ok := op.compute(old)
		require.True(t, ok)
		want := max(lo, min(hi, float64(old)+float64(op.value)))
		// float64 rounding makes the check approximate near 2^63, where
		// the result must still be within the field.
		assert.InDelta(t, want, float64(got), 4096, "%v%d %d + %d", map[bool]string{true: "i", false: "u"}[signed], width, old, op.value)
		assert.True(t, float64(got) >= lo && float64(got) <= hi)
	}
}

func BenchmarkSetBit(b *testing.B) {
	s, _ := New()
	defer s.Close()
	for i := 0; b.Loop(); i++ {
		s.SetBit("k", int64(i%1024), (i/1024)&1) // every call flips a bit of a 128-byte string
	}
}

func BenchmarkBitCount(b *testing.B) {
	s, _ := New()
	defer s.Close()
	s.Set("k", string(make([]byte, 4096)), 0)
	for b.Loop() {
		s.BitCount("k", &BitRange{Start: 1, End: 30000, Unit: BitUnitBit})
	}
}

// A bitmap of the days a user was active: one bit per day.
func ExampleStore_SetBit() {
	s, _ := New()
	defer s.Close()

	for _, day := range []int64{0, 3, 4, 9} {
		s.SetBit("active:alice", day, 1)
	}
	days, _ := s.BitCount("active:alice", nil)
	first, _ := s.BitPos("active:alice", 1, nil)
	firstIdle, _ := s.BitPos("active:alice", 0, nil)
	week, _ := s.BitCount("active:alice", &BitRange{Start: 0, End: 6, Unit: BitUnitBit})
	fmt.Println(days, first, firstIdle, week)
	// Output: 4 0 1 3
}

// Counters packed in one string: BITFIELD runs its operations in order, and
// each OVERFLOW applies to the operations after it.
func ExampleStore_Bitfield() {
	s, _ := New()
	defer s.Close()

	var ops BitfieldArgs
	ops.IncrBy("u8", 0, 200).
		Overflow(BitfieldSat).IncrBy("u8", 0, 100).
		Overflow(BitfieldFail).IncrBy("u8", 8, 300).
		Get("u16", 0)
	res, _ := s.Bitfield("counters", &ops)
	for _, r := range res {
		fmt.Println(r.Value, r.Failed)
	}
	// Output:
	// 200 false
	// 255 false
	// 0 true
	// 65280 false
}
