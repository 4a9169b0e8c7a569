package racefree

import (
	"math/bits"
	"strings"
	"unsafe"
)

// The bit commands: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
// BITFIELD_RO. They treat a string as an array of bits, bit 0 being the most
// significant bit of the first byte. Reading past the end of a string reads
// zeros; writing past it grows the string with zero bytes, up to Redis's
// limit of 512 MB (bit offsets 0 to 2^32-1).
//
// Strings are immutable Go strings: a write builds the new value and stores
// it in the key's entry, which keeps its deadline, as Redis keeps the TTL of
// a string it modifies in place. Such a string reports "raw" from OBJECT
// ENCODING, as it does in Redis.

// maxBitOffset is the largest bit offset Redis accepts: the last bit of a
// 512 MB string (proto-max-bulk-len).
const maxBitOffset = 512<<20<<3 - 1

// BitUnit says whether the Start and End of a BitRange count bytes or bits.
type BitUnit uint8

const (
	// BitUnitByte: Start and End are byte indexes (BYTE, the default).
	BitUnitByte BitUnit = iota
	// BitUnitBit: Start and End are bit indexes (BIT).
	BitUnitBit
)

// BitRange is the part of a string that BitCount and BitPos look at: from
// Start to End inclusive, in bytes or bits. Negative indexes count from the
// end of the string: -1 is the last byte (or bit). Indexes past the end are
// clamped to it, as in Redis.
type BitRange struct {
	Start, End int64
	Unit       BitUnit
}

// checkBitOffset checks a SETBIT, GETBIT or BITFIELD bit offset against the
// 512 MB limit.
func checkBitOffset(offset int64) error {
	if offset < 0 || offset > maxBitOffset {
		return ErrBitOffset
	}
	return nil
}

// bitOffsetArg parses a bit offset argument. fieldBits > 0 (BITFIELD) also
// accepts the "#N" form, the N-th field of that width; the product wraps
// around on overflow, as it does in Redis.
func bitOffsetArg(s string, fieldBits int) (uint64, error) {
	hash := fieldBits > 0 && len(s) > 0 && s[0] == '#'
	if hash {
		s = s[1:]
	}
	n, ok := parseInt(s)
	if !ok {
		return 0, ErrBitOffset
	}
	if hash {
		n *= int64(fieldBits)
	}
	if err := checkBitOffset(n); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// ownedString returns b as a string without copying it. The caller must not
// touch b afterwards.
func ownedString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// growBits returns a copy of s extended with zero bytes to at least n bytes,
// to be modified and then stored with storeBits.
func growBits(s string, n uint64) []byte {
	b := make([]byte, max(uint64(len(s)), n))
	copy(b, s)
	return b
}

// storeBits stores a string written by a bit command under key, whose entry
// is e (nil when the key did not exist). An existing key keeps its deadline.
func (d *db) storeBits(key string, e *entry, val string) {
	if e == nil {
		e = d.setString(key, val, false)
	} else {
		e.setStr(val)
		d.modified(key)
	}
	e.enc = encRaw
	d.notify(notifyString, "setbit", key)
}

// SetBit sets (value 1) or clears (value 0) the bit at offset in the string
// at key, as SETBIT does, and returns the bit's previous value. A missing key
// is created; the string grows with zero bytes as needed and keeps its TTL.
// offset must be between 0 and 2^32-1 (ErrBitOffset) and value 0 or 1
// (ErrBitValue).
func (c *cmdable) SetBit(key string, offset int64, value int) (int64, error) {
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.setBit(key, offset, int64(value))
}

func (d *db) setBit(key string, offset, value int64) (int64, error) {
	if err := checkBitOffset(offset); err != nil {
		return 0, err
	}
	if value&^1 != 0 {
		return 0, ErrBitValue
	}
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return 0, err
	}
	var old string
	if e != nil {
		old = e.str()
	}
	i, mask := uint64(offset>>3), byte(0x80>>(offset&7))
	var prev int64
	if i < uint64(len(old)) && old[i]&mask != 0 {
		prev = 1
	}
	if e != nil && i < uint64(len(old)) && prev == value {
		e.enc = encRaw // Redis unshares the string even when the bit stays
		return prev, nil
	}
	b := growBits(old, i+1)
	if value == 1 {
		b[i] |= mask
	} else {
		b[i] &^= mask
	}
	d.storeBits(key, e, ownedString(b))
	return prev, nil
}

func cmdSetBit(c *call) {
	offset, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrBitOffset)
		return
	}
	if err := checkBitOffset(offset); err != nil {
		c.fail(err)
		return
	}
	value, ok := parseInt(c.args[3])
	if !ok {
		c.fail(ErrBitValue)
		return
	}
	c.replyInt(c.db.setBit(c.args[1], offset, value))
}

// GetBit returns the bit at offset in the string at key, as GETBIT does: 0
// past the end of the string or for a missing key. offset must be between 0
// and 2^32-1 (ErrBitOffset).
func (c *cmdable) GetBit(key string, offset int64) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.getBit(key, offset)
}

func (d *db) getBit(key string, offset int64) (int64, error) {
	if err := checkBitOffset(offset); err != nil {
		return 0, err
	}
	e, err := d.lookupType(key, typeString)
	if err != nil || e == nil {
		return 0, err
	}
	if i := offset >> 3; i < int64(len(e.str())) && e.str()[i]&(0x80>>(offset&7)) != 0 {
		return 1, nil
	}
	return 0, nil
}

func cmdGetBit(c *call) {
	offset, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrBitOffset)
		return
	}
	c.replyInt(c.db.getBit(c.args[1], offset))
}

// clampRange turns a BITCOUNT or BITPOS range into indexes within a string of
// n units (bytes or bits), as Redis does: negative indexes count from the
// end, then both are clamped into the string. It reports false for an empty
// range.
func clampRange(start, end, n int64) (int64, int64, bool) {
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start, end = max(start, 0), max(end, 0)
	if end >= n {
		end = n - 1
	}
	return start, end, start <= end
}

// popcount counts the bits set in s.
func popcount(s string) int64 {
	var n int
	for ; len(s) >= 8; s = s[8:] {
		n += bits.OnesCount64(uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56)
	}
	for i := 0; i < len(s); i++ {
		n += bits.OnesCount8(s[i])
	}
	return int64(n)
}

// BitCount returns the number of bits set in the string at key, as BITCOUNT
// does: in the whole string when r is nil, else in the range r. A missing
// key counts 0.
func (c *cmdable) BitCount(key string, r *BitRange) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.bitCount(key, r, nil)
}

// bitCount is BITCOUNT. argErr is an error in the range arguments: Redis 7.0
// looks the key up first, so a missing key counts 0 and a key of another
// type is ErrWrongType whatever the arguments.
func (d *db) bitCount(key string, r *BitRange, argErr error) (int64, error) {
	e, err := d.lookupType(key, typeString)
	if err != nil || e == nil {
		return 0, err
	}
	if argErr != nil {
		return 0, argErr
	}
	s := e.str()
	if r == nil {
		return popcount(s), nil
	}
	if r.Start < 0 && r.End < 0 && r.Start > r.End {
		return 0, nil // checked before the unit, as Redis does
	}
	n := int64(len(s))
	switch r.Unit {
	case BitUnitByte:
		start, end, ok := clampRange(r.Start, r.End, n)
		if !ok {
			return 0, nil
		}
		return popcount(s[start : end+1]), nil
	case BitUnitBit:
		start, end, ok := clampRange(r.Start, r.End, n*8)
		if !ok {
			return 0, nil
		}
		first, last := start>>3, end>>3
		count := popcount(s[first : last+1])
		count -= int64(bits.OnesCount8(s[first] &^ (0xff >> (start & 7)))) // bits before start
		count -= int64(bits.OnesCount8(s[last] & (0xff >> (end&7 + 1))))   // bits after end
		return count, nil
	}
	return 0, ErrSyntax
}

// bitUnitArg parses BYTE or BIT.
func bitUnitArg(s string) (BitUnit, bool) {
	switch {
	case strings.EqualFold(s, "byte"):
		return BitUnitByte, true
	case strings.EqualFold(s, "bit"):
		return BitUnitBit, true
	}
	return 0, false
}

func cmdBitCount(c *call) {
	var r *BitRange
	var argErr error
	switch len(c.args) {
	case 2:
	case 4, 5:
		r = &BitRange{}
		var ok bool
		if r.Start, ok = parseInt(c.args[2]); !ok {
			argErr = ErrNotInteger
		} else if r.End, ok = parseInt(c.args[3]); !ok {
			argErr = ErrNotInteger
		} else if len(c.args) == 5 {
			if r.Unit, ok = bitUnitArg(c.args[4]); !ok {
				r.Unit = BitUnit(0xff) // reported after the negative-range check
			}
		}
	default:
		argErr = ErrSyntax
	}
	c.replyInt(c.db.bitCount(c.args[1], r, argErr))
}

// BitPos returns the position of the first bit set to bit (0 or 1) in the
// string at key, as BITPOS does: in the whole string when r is nil, else in
// the range r. Positions count from the start of the string, whatever the
// range. It returns -1 when no such bit is found, with one exception: looking
// for a 0 in the whole string of a key whose bits are all 1 returns the
// first bit past its end, as the string is taken to go on with zeros. A
// missing key is all zeros: 0 for bit 0, -1 for bit 1.
func (c *cmdable) BitPos(key string, bit int, r *BitRange) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	q := bitPosQuery{}
	if r != nil {
		q = bitPosQuery{start: r.Start, end: r.End, hasStart: true, hasEnd: true, unit: r.Unit}
	}
	return d.bitPos(key, int64(bit), q, nil)
}

// BitPosFrom is BitPos from byte start (negative counts from the end) to the
// end of the string, as BITPOS key bit start does. As for the whole string,
// looking for a 0 where every bit is 1 returns the first bit past the end.
func (c *cmdable) BitPosFrom(key string, bit int, start int64) (int64, error) {
	d, err := c.begin(false)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.bitPos(key, int64(bit), bitPosQuery{start: start, hasStart: true}, nil)
}

// bitPosQuery is the range of a BITPOS.
type bitPosQuery struct {
	start, end       int64
	hasStart, hasEnd bool
	unit             BitUnit
}

// bitPos is BITPOS. argErr is an error in the range arguments, which Redis
// 7.0 reports only for an existing string key.
func (d *db) bitPos(key string, bit int64, q bitPosQuery, argErr error) (int64, error) {
	if bit != 0 && bit != 1 {
		return 0, ErrBitArg
	}
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return 0, err
	}
	if e == nil {
		return -bit, nil // an endless run of zeros
	}
	if argErr != nil {
		return 0, argErr
	}
	s := e.str()
	n := int64(len(s))
	start, end := int64(0), n-1
	if q.hasStart {
		start = q.start
		if q.hasEnd {
			end = q.end
		}
		switch q.unit {
		case BitUnitByte:
		case BitUnitBit:
			if !q.hasEnd {
				return 0, ErrSyntax // BIT needs an end
			}
			n *= 8
		default:
			return 0, ErrSyntax
		}
	}
	start, end, ok := clampRange(start, end, n)
	if !ok {
		return -1, nil
	}
	if q.unit == BitUnitByte {
		start, end = start*8, end*8+7
	}
	if pos := findBit(s, byte(bit), start, end); pos >= 0 || bit == 1 || q.hasEnd {
		return pos, nil
	}
	return end + 1, nil // no 0 in range: the zeros past it, when no end was given
}

// findBit returns the position of the first bit equal to bit between bit
// positions from and to (inclusive) of s, or -1.
func findBit(s string, bit byte, from, to int64) int64 {
	var flip byte // searching for a 1 in s^flip
	if bit == 0 {
		flip = 0xff
	}
	first, last := from>>3, to>>3
	for i := first; i <= last; i++ {
		b := s[i] ^ flip
		if b == 0 {
			continue
		}
		if i == first {
			b &= 0xff >> (from & 7)
		}
		if i == last {
			b &= 0xff << (7 - to&7)
		}
		if b != 0 {
			return i*8 + int64(bits.LeadingZeros8(b))
		}
	}
	return -1
}

func cmdBitPos(c *call) {
	bit, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	var q bitPosQuery
	var argErr error
	switch n := len(c.args); {
	case n == 3:
	case n <= 6:
		q.hasStart = true
		if q.start, ok = parseInt(c.args[3]); !ok {
			argErr = ErrNotInteger
			break
		}
		if n == 6 {
			if q.unit, ok = bitUnitArg(c.args[5]); !ok {
				argErr = ErrSyntax
				break
			}
		}
		if n >= 5 {
			q.hasEnd = true
			if q.end, ok = parseInt(c.args[4]); !ok {
				argErr = ErrNotInteger
			}
		}
	default:
		argErr = ErrSyntax
	}
	pos, err := c.db.bitPos(c.args[1], bit, q, argErr)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Int(pos)
}

// BitOperation is the operation of BitOp.
type BitOperation string

// The operations of BITOP. BitOp also takes them in any case ("and").
const (
	BitAnd BitOperation = "AND"
	BitOr  BitOperation = "OR"
	BitXor BitOperation = "XOR"
	BitNot BitOperation = "NOT" // takes exactly one source key
)

// BitOp stores in dest the bitwise op of the strings at keys, as BITOP does,
// and returns the length of the result: that of the longest source, the
// shorter ones being padded with zero bytes. Missing keys are empty strings;
// when every source is empty, dest is deleted and BitOp returns 0. dest loses
// its TTL and any previous value, whatever its type. BitNot takes exactly one
// key (ErrBitOpNot); an unknown op is ErrSyntax.
func (c *cmdable) BitOp(op BitOperation, dest string, keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, arityError("bitop")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.bitOp(string(op), dest, keys)
}

func (d *db) bitOp(op, dest string, keys []string) (int64, error) {
	var code byte
	switch {
	case strings.EqualFold(op, "and"):
		code = '&'
	case strings.EqualFold(op, "or"):
		code = '|'
	case strings.EqualFold(op, "xor"):
		code = '^'
	case strings.EqualFold(op, "not"):
		code = '~'
		if len(keys) != 1 {
			return 0, ErrBitOpNot
		}
	default:
		return 0, ErrSyntax
	}
	srcs := make([]string, 0, len(keys))
	maxLen := 0
	for _, k := range keys {
		e, err := d.lookupType(k, typeString)
		if err != nil {
			return 0, err
		}
		var s string
		if e != nil {
			s = e.str()
		}
		srcs = append(srcs, s)
		maxLen = max(maxLen, len(s))
	}
	if maxLen == 0 {
		d.delNotify(dest)
		return 0, nil
	}
	res := make([]byte, maxLen)
	copy(res, srcs[0])
	switch code {
	case '~':
		for i := range res {
			res[i] = ^res[i]
		}
	case '&':
		for _, s := range srcs[1:] {
			for i := range res {
				if i < len(s) {
					res[i] &= s[i]
				} else {
					res[i] = 0
				}
			}
		}
	case '|':
		for _, s := range srcs[1:] {
			for i := 0; i < len(s); i++ {
				res[i] |= s[i]
			}
		}
	case '^':
		for _, s := range srcs[1:] {
			for i := 0; i < len(s); i++ {
				res[i] ^= s[i]
			}
		}
	}
	e := d.setString(dest, ownedString(res), false)
	e.enc = encRaw
	d.notify(notifyString, "set", dest)
	return int64(maxLen), nil
}

func cmdBitOp(c *call) {
	c.replyInt(c.db.bitOp(c.args[1], c.args[2], c.args[3:]))
}

// BitfieldType is the type of a BITFIELD field, as Redis writes it: "i" and
// a width from 1 to 64 for a signed integer ("i8", "i64"), "u" and a width
// from 1 to 63 for an unsigned one ("u1", "u16"). Anything else is
// ErrBitfieldType.
type BitfieldType string

// BitfieldOverflow is how BITFIELD's SET and INCRBY handle a value that does
// not fit in the field (OVERFLOW).
type BitfieldOverflow uint8

const (
	// BitfieldWrap keeps the low bits of the result, wrapping around as
	// two's complement arithmetic does (WRAP, the default).
	BitfieldWrap BitfieldOverflow = iota
	// BitfieldSat saturates at the field's minimum or maximum (SAT).
	BitfieldSat
	// BitfieldFail leaves the field alone and reports the operation as
	// Failed (FAIL; Redis replies nil).
	BitfieldFail
)

// BitfieldArgs is the list of operations of one Bitfield or BitfieldRO call,
// run in order, as the subcommands of one BITFIELD command. Build it with its
// methods, which return the receiver so calls chain:
//
//	var ops racefree.BitfieldArgs
//	ops.Get("u8", 0).Overflow(racefree.BitfieldSat).IncrBy("i16", 8, 100)
//
// Offsets are bit offsets, 0 to 2^32-1. Redis's "#N" offsets (the N-th field
// of the type's width) are N times the width: pass that product.
//
// The zero value is an empty list, ready to use. A BitfieldArgs is not safe
// for concurrent use.
type BitfieldArgs struct {
	ops []bitfieldArg
}

type bitfieldArg struct {
	code     bitfieldCode
	typ      BitfieldType
	offset   int64
	value    int64
	overflow BitfieldOverflow
}

type bitfieldCode uint8

const (
	bitfieldGet bitfieldCode = iota
	bitfieldSet
	bitfieldIncrBy
	bitfieldOverflowMode // only in BitfieldArgs
)

// Get adds GET typ offset: read the field.
func (a *BitfieldArgs) Get(typ BitfieldType, offset int64) *BitfieldArgs {
	a.ops = append(a.ops, bitfieldArg{code: bitfieldGet, typ: typ, offset: offset})
	return a
}

// Set adds SET typ offset value: write the field; the result is its old
// value.
func (a *BitfieldArgs) Set(typ BitfieldType, offset, value int64) *BitfieldArgs {
	a.ops = append(a.ops, bitfieldArg{code: bitfieldSet, typ: typ, offset: offset, value: value})
	return a
}

// IncrBy adds INCRBY typ offset increment: add to the field (a negative
// increment subtracts); the result is its new value.
func (a *BitfieldArgs) IncrBy(typ BitfieldType, offset, increment int64) *BitfieldArgs {
	a.ops = append(a.ops, bitfieldArg{code: bitfieldIncrBy, typ: typ, offset: offset, value: increment})
	return a
}

// Overflow adds OVERFLOW mode: how the Set and IncrBy after it handle
// overflow. Before any Overflow, the mode is BitfieldWrap.
func (a *BitfieldArgs) Overflow(mode BitfieldOverflow) *BitfieldArgs {
	a.ops = append(a.ops, bitfieldArg{code: bitfieldOverflowMode, overflow: mode})
	return a
}

// BitfieldResult is the result of one Get, Set or IncrBy of Bitfield.
type BitfieldResult struct {
	// Value is the field's value for Get, its old value for Set, its new
	// value for IncrBy.
	Value int64
	// Failed says that the operation would overflow under BitfieldFail and
	// was skipped; Value is then 0. Redis replies nil.
	Failed bool
}

// Bitfield runs the operations of args on the string at key, in order, as
// BITFIELD does, and returns one result per Get, Set and IncrBy. With any Set
// or IncrBy, a missing key is created and the string grows with zero bytes to
// hold every field written, even when the writes fail under BitfieldFail;
// the key keeps its TTL. A read past the end of the string reads zeros. With
// only Get operations, Bitfield only reads, and is allowed inside View.
func (c *cmdable) Bitfield(key string, args *BitfieldArgs) ([]BitfieldResult, error) {
	ops, write, err := args.compile()
	if err != nil {
		return nil, err
	}
	d, err := c.begin(write)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.bitfield(key, ops, write)
}

// BitfieldRO is Bitfield for Get operations only, as BITFIELD_RO: a Set or
// IncrBy in args is ErrBitfieldRO.
func (c *cmdable) BitfieldRO(key string, args *BitfieldArgs) ([]BitfieldResult, error) {
	ops, write, err := args.compile()
	if err != nil {
		return nil, err
	}
	if write {
		return nil, ErrBitfieldRO
	}
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	defer c.end()
	return d.bitfield(key, ops, false)
}

// bitfieldOp is one parsed GET, SET or INCRBY.
type bitfieldOp struct {
	code     bitfieldCode
	signed   bool
	bits     uint8
	offset   uint64
	value    int64
	overflow BitfieldOverflow
}

// compile checks a's operations in order, as BITFIELD parses its arguments,
// and reports whether any of them writes.
func (a *BitfieldArgs) compile() ([]bitfieldOp, bool, error) {
	if a == nil {
		return nil, false, nil
	}
	ops := make([]bitfieldOp, 0, len(a.ops))
	overflow, write := BitfieldWrap, false
	for _, arg := range a.ops {
		if arg.code == bitfieldOverflowMode {
			if arg.overflow > BitfieldFail {
				return nil, false, ErrBitfieldOverflow
			}
			overflow = arg.overflow
			continue
		}
		signed, width, err := bitfieldTypeArg(string(arg.typ))
		if err != nil {
			return nil, false, err
		}
		if err := checkBitOffset(arg.offset); err != nil {
			return nil, false, err
		}
		write = write || arg.code != bitfieldGet
		ops = append(ops, bitfieldOp{code: arg.code, signed: signed, bits: width,
			offset: uint64(arg.offset), value: arg.value, overflow: overflow})
	}
	return ops, write, nil
}

// bitfieldTypeArg parses a BITFIELD type. Like Redis, it reads the width only
// up to a NUL byte.
func bitfieldTypeArg(s string) (signed bool, width uint8, err error) {
	if len(s) == 0 || s[0] != 'i' && s[0] != 'u' {
		return false, 0, ErrBitfieldType
	}
	signed = s[0] == 'i'
	digits := s[1:]
	if i := strings.IndexByte(digits, 0); i >= 0 {
		digits = digits[:i]
	}
	n, ok := parseInt(digits)
	if !ok || n < 1 || signed && n > 64 || !signed && n > 63 {
		return false, 0, ErrBitfieldType
	}
	return signed, uint8(n), nil
}

// parseBitfield parses the subcommands of BITFIELD (args after the key) and
// reports whether any of them writes.
func parseBitfield(args []string) ([]bitfieldOp, bool, error) {
	var ops []bitfieldOp
	overflow, write := BitfieldWrap, false
	for j := 0; j < len(args); {
		rest := len(args) - j - 1
		var code bitfieldCode
		switch sub := args[j]; {
		case strings.EqualFold(sub, "get") && rest >= 2:
			code = bitfieldGet
		case strings.EqualFold(sub, "set") && rest >= 3:
			code = bitfieldSet
		case strings.EqualFold(sub, "incrby") && rest >= 3:
			code = bitfieldIncrBy
		case strings.EqualFold(sub, "overflow") && rest >= 1:
			switch mode := args[j+1]; {
			case strings.EqualFold(mode, "wrap"):
				overflow = BitfieldWrap
			case strings.EqualFold(mode, "sat"):
				overflow = BitfieldSat
			case strings.EqualFold(mode, "fail"):
				overflow = BitfieldFail
			default:
				return nil, false, ErrBitfieldOverflow
			}
			j += 2
			continue
		default:
			return nil, false, ErrSyntax
		}
		signed, width, err := bitfieldTypeArg(args[j+1])
		if err != nil {
			return nil, false, err
		}
		offset, err := bitOffsetArg(args[j+2], int(width))
		if err != nil {
			return nil, false, err
		}
		op := bitfieldOp{code: code, signed: signed, bits: width, offset: offset, overflow: overflow}
		j += 3
		if code != bitfieldGet {
			write = true
			if op.value, err = intArg(args[j]); err != nil {
				return nil, false, err
			}
			j++
		}
		ops = append(ops, op)
	}
	return ops, write, nil
}

// bitfield runs parsed BITFIELD operations on key. write says whether any of
// them is a SET or INCRBY.
func (d *db) bitfield(key string, ops []bitfieldOp, write bool) ([]BitfieldResult, error) {
	e, err := d.lookupType(key, typeString)
	if err != nil {
		return nil, err
	}
	res := make([]BitfieldResult, len(ops))
	if !write {
		var s string
		if e != nil {
			s = e.str()
		}
		for i, op := range ops {
			res[i].Value = op.readString(s)
		}
		return res, nil
	}
	var old string
	if e != nil {
		old = e.str()
	}
	var need uint64 // bytes the string must have for every field written
	for _, op := range ops {
		if op.code != bitfieldGet {
			need = max(need, (op.offset+uint64(op.bits)-1)>>3+1)
		}
	}
	buf := growBits(old, need)
	changed := len(buf) != len(old)
	for i, op := range ops {
		if op.code == bitfieldGet {
			res[i].Value = op.read(buf)
			continue
		}
		oldVal := op.read(buf)
		newVal, ok := op.compute(oldVal)
		if !ok {
			res[i].Failed = true
			continue
		}
		if op.code == bitfieldSet {
			res[i].Value = oldVal
		} else {
			res[i].Value = newVal
		}
		if newVal != oldVal {
			op.write(buf, uint64(newVal))
			changed = true
		}
	}
	switch {
	case changed:
		d.storeBits(key, e, ownedString(buf))
	default:
		e.enc = encRaw // e exists: Redis unshares the string anyway
	}
	return res, nil
}

// read returns the field op addresses in s, sign-extended for a signed type.
// Bytes past the end of s read as zeros.
func (op *bitfieldOp) read(s []byte) int64 { return op.extend(readField(s, op.offset, op.bits)) }

// readString is read on a string.
func (op *bitfieldOp) readString(s string) int64 {
	return op.extend(readField(s, op.offset, op.bits))
}

// extend turns the raw bits of a field into its value.
func (op *bitfieldOp) extend(u uint64) int64 {
	if op.signed && op.bits < 64 && u&(1<<(op.bits-1)) != 0 {
		u |= ^uint64(0) << op.bits
	}
	return int64(u)
}

// readField returns the width bits at offset in s as an unsigned integer,
// the first bit most significant. Bytes past the end of s read as zeros.
func readField[T ~string | ~[]byte](s T, offset uint64, width uint8) uint64 {
	var v uint64
	for pos := offset; pos < offset+uint64(width); pos++ {
		v <<= 1
		if i := pos >> 3; i < uint64(len(s)) {
			v |= uint64(s[i]>>(7-pos&7)) & 1
		}
	}
	return v
}

// write stores the low op.bits bits of v in the field op addresses in b,
// which is long enough.
func (op *bitfieldOp) write(b []byte, v uint64) {
	for i := uint64(0); i < uint64(op.bits); i++ {
		pos := op.offset + i
		mask := byte(0x80) >> (pos & 7)
		if v>>(uint64(op.bits)-1-i)&1 != 0 {
			b[pos>>3] |= mask
		} else {
			b[pos>>3] &^= mask
		}
	}
}

// compute returns the value a SET or INCRBY stores in a field that holds old,
// after the overflow handling of op, and false when it must not be written
// (OVERFLOW FAIL). Overflow is detected exactly as Redis detects it,
// wrapping 64-bit arithmetic included: SET of a value near -2^63 to a narrow
// signed field counts as overflowing upwards, so SAT stores the maximum.
func (op *bitfieldOp) compute(old int64) (int64, bool) {
	v, incr := old, op.value
	if op.code == bitfieldSet {
		v, incr = op.value, 0
	}
	var dir int // 1: overflow, -1: underflow
	var wrapped, limit int64
	if op.signed {
		hi := int64(^uint64(0) >> (65 - uint64(op.bits))) // 2^(bits-1) - 1
		lo := -hi - 1
		upRoom := int64(uint64(hi) - uint64(v)) // may wrap, as in Redis
		downRoom := lo - v
		wide := op.bits == 64
		switch {
		case v > hi || !wide && incr > upRoom || v >= 0 && incr > 0 && incr > upRoom:
			dir, limit = 1, hi
		case v < lo || !wide && incr < downRoom || v < 0 && incr < 0 && incr < downRoom:
			dir, limit = -1, lo
		}
		u := uint64(v) + uint64(incr)
		if !wide {
			if u&(1<<(op.bits-1)) != 0 {
				u |= ^uint64(0) << op.bits
			} else {
				u &^= ^uint64(0) << op.bits
			}
		}
		wrapped = int64(u)
	} else {
		hi := uint64(1)<<op.bits - 1
		uv := uint64(v)
		switch {
		case uv > hi || incr > 0 && incr > int64(hi-uv):
			dir, limit = 1, int64(hi)
		case incr < 0 && incr < -int64(uv):
			dir, limit = -1, 0
		}
		wrapped = int64((uv + uint64(incr)) & hi)
	}
	if dir == 0 {
		return v + incr, true
	}
	switch op.overflow {
	case BitfieldSat:
		return limit, true
	case BitfieldFail:
		return 0, false
	}
	return wrapped, true
}

func cmdBitfield(c *call) { bitfieldCommand(c, false) }

func cmdBitfieldRO(c *call) { bitfieldCommand(c, true) }

func bitfieldCommand(c *call, readOnly bool) {
	ops, write, err := parseBitfield(c.args[2:])
	if err == nil && readOnly && write {
		err = ErrBitfieldRO
	}
	if err != nil {
		c.fail(err)
		return
	}
	res, err := c.db.bitfield(c.args[1], ops, write)
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Array(len(res))
	for _, r := range res {
		if r.Failed {
			c.w.NullBulk()
		} else {
			c.w.Int(r.Value)
		}
	}
}
