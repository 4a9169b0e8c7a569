package racefree

import (
	"math"
	"math/bits"
	"unsafe"
)

// The HyperLogLog commands: PFADD, PFCOUNT and PFMERGE. As in Redis, a
// HyperLogLog is a string value laid out exactly as Redis 7.0 lays it out, so
// GET returns the same bytes and PFCOUNT the same estimate as redis-server
// for the same inputs:
//
//   - a 16-byte header: "HYLL", the encoding (0 dense, 1 sparse), three zero
//     bytes and the cached cardinality (8 bytes, little endian; the most
//     significant bit set means "not cached");
//   - 16384 registers of 6 bits, either dense (12288 bytes, the least
//     significant bits first) or sparse (run-length opcodes ZERO, XZERO and
//     VAL), promoted from sparse to dense when a register exceeds 32 or the
//     string would grow past hll-sparse-max-bytes (3000);
//   - elements hashed with MurmurHash64A (seed 0xadc83b19), counted with
//     Ertl's improved estimator.
//
// The debugging commands PFDEBUG and PFSELFTEST are not provided.

// hllCommands are the HyperLogLog commands' table entries.
var hllCommands = []*command{
	{name: "pfadd", arity: -2, flags: flagWrite | flagDenyoom | flagFast, firstKey: 1, lastKey: 1, step: 1, run: cmdPFAdd},
	{name: "pfcount", arity: -2, flags: flagReadonly, firstKey: 1, lastKey: -1, step: 1, run: cmdPFCount},
	{name: "pfmerge", arity: -2, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: -1, step: 1, run: cmdPFMerge},
}

const (
	hllP              = 14
	hllQ              = 64 - hllP
	hllRegisters      = 1 << hllP
	hllBits           = 6
	hllRegMax         = 1<<hllBits - 1
	hllHdrSize        = 16
	hllDenseSize      = hllHdrSize + (hllRegisters*hllBits+7)/8
	hllDense          = 0
	hllSparse         = 1
	hllSparseMaxBytes = 3000 // hll-sparse-max-bytes, Redis's default
	hllSparseValMax   = 32
	hllSparseValLen   = 4
	hllSparseZeroMax  = 64
	hllSparseXZeroMax = 16384
	hllAlphaInf       = 0.721347520444481703680 // 0.5/ln(2)
)

// hllAt returns b[i], or 0 past the end (where Redis reads an sds string's
// terminating zero byte).
func hllAt(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

// Sparse opcodes: 00xxxxxx ZERO (run of 1..64 zero registers), 01xxxxxx
// xxxxxxxx XZERO (run of 1..16384), 1vvvvvxx VAL (1..4 registers of value
// 1..32).
func hllSpIsZero(c byte) bool  { return c&0xc0 == 0 }
func hllSpIsXZero(c byte) bool { return c&0xc0 == 0x40 }
func hllSpIsVal(c byte) bool   { return c&0x80 != 0 }
func hllSpZeroLen(c byte) int  { return int(c&0x3f) + 1 }
func hllSpXZeroLen(b []byte, p int) int {
	return (int(b[p]&0x3f)<<8 | int(hllAt(b, p+1))) + 1
}
func hllSpValValue(c byte) int      { return int(c>>2&0x1f) + 1 }
func hllSpValLen(c byte) int        { return int(c&3) + 1 }
func hllSpVal(val, n int) byte      { return byte((val-1)<<2|(n-1)) | 0x80 }
func hllSpXZero(n int) (byte, byte) { n--; return byte(n>>8) | 0x40, byte(n) }
func hllSpZero(n int) byte          { return byte(n - 1) }
func hllInvalidateCache(b []byte)   { b[15] |= 0x80 }
func hllValidCache(s string) bool   { return s[15]&0x80 == 0 }
func hllNew() []byte {
	x0, x1 := hllSpXZero(hllRegisters)
	return append([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), x0, x1)
}

// hllBytes returns the bytes of s without copying them, for reading only.
func hllBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// hllDenseGet reads dense register i.
func hllDenseGet(r []byte, i int) int {
	byt, fb := i*hllBits/8, uint(i*hllBits&7)
	b0, b1 := uint(r[byt]), uint(hllAt(r, byt+1))
	return int((b0>>fb | b1<<(8-fb)) & hllRegMax)
}

// hllDenseSetReg writes dense register i.
func hllDenseSetReg(r []byte, i int, v uint8) {
	byt, fb := i*hllBits/8, uint(i*hllBits&7)
	fb8 := 8 - fb
	r[byt] &^= byte(hllRegMax << fb)
	r[byt] |= byte(uint(v) << fb)
	if byt+1 < len(r) {
		r[byt+1] &^= byte(hllRegMax >> fb8)
		r[byt+1] |= byte(uint(v) >> fb8)
	}
}

// hllDenseSet raises dense register i to v and reports whether it changed.
func hllDenseSet(r []byte, i int, v uint8) bool {
	if int(v) > hllDenseGet(r, i) {
		hllDenseSetReg(r, i, v)
		return true
	}
	return false
}

// murmurHash64A is MurmurHash2, 64-bit version, reading 8-byte blocks little
// endian, as Redis does on every architecture.
func murmurHash64A(key string, seed uint64) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	n := len(key)
	h := seed ^ uint64(n)*m
	i := 0
	for ; i+8 <= n; i += 8 {
		k := uint64(key[i]) | uint64(key[i+1])<<8 | uint64(key[i+2])<<16 | uint64(key[i+3])<<24 |
			uint64(key[i+4])<<32 | uint64(key[i+5])<<40 | uint64(key[i+6])<<48 | uint64(key[i+7])<<56
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	if rest := n - i; rest > 0 {
		for j := rest - 1; j >= 0; j-- {
			h ^= uint64(key[i+j]) << (8 * j)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// hllPatLen returns the register an element goes to and the length of the
// 000..1 pattern of its hash (1 to 51).
func hllPatLen(ele string) (int, uint8) {
	h := murmurHash64A(ele, 0xadc83b19)
	index := int(h & (hllRegisters - 1))
	h >>= hllP
	h |= 1 << hllQ
	return index, uint8(bits.TrailingZeros64(h) + 1)
}

// hllSparseToDense converts a sparse HyperLogLog to dense, keeping the
// header. ok is false if the sparse registers do not decode.
func hllSparseToDense(b []byte) ([]byte, bool) {
	if b[4] == hllDense {
		return b, true
	}
	d := make([]byte, hllDenseSize)
	copy(d, b[:hllHdrSize])
	d[4] = hllDense
	regs := d[hllHdrSize:]
	idx := 0
	for p := hllHdrSize; p < len(b); {
		c := b[p]
		switch {
		case hllSpIsZero(c):
			idx += hllSpZeroLen(c)
			p++
		case hllSpIsXZero(c):
			idx += hllSpXZeroLen(b, p)
			p += 2
		default:
			n, v := hllSpValLen(c), hllSpValValue(c)
			if n+idx > hllRegisters {
				p = len(b) // overflow
				continue
			}
			for ; n > 0; n-- {
				hllDenseSetReg(regs, idx, uint8(v))
				idx++
			}
			p++
		}
	}
	if idx != hllRegisters {
		return b, false
	}
	return d, true
}

// hllSparseSet raises register index of the sparse HyperLogLog b to count,
// as Redis's hllSparseSet does, opcode for opcode. It returns the new string
// (perhaps promoted to dense) and 1 if a register changed, 0 if not, -1 if
// b is corrupt.
func hllSparseSet(b []byte, index int, count uint8) ([]byte, int) {
	if count > hllSparseValMax {
		return hllPromote(b, index, count)
	}
	p, end := hllHdrSize, len(b)
	first, prev, span := 0, -1, 0
	for p < end {
		oplen := 1
		c := b[p]
		switch {
		case hllSpIsZero(c):
			span = hllSpZeroLen(c)
		case hllSpIsVal(c):
			span = hllSpValLen(c)
		default:
			span = hllSpXZeroLen(b, p)
			oplen = 2
		}
		if index <= first+span-1 {
			break
		}
		prev = p
		p += oplen
		first += span
	}
	if span == 0 || p >= end {
		return b, -1
	}
	c := b[p]
	isZero, isXZero, isVal := hllSpIsZero(c), hllSpIsXZero(c), hllSpIsVal(c)
	var runlen int
	switch {
	case isZero:
		runlen = hllSpZeroLen(c)
	case isXZero:
		runlen = hllSpXZeroLen(b, p)
	default:
		runlen = hllSpValLen(c)
	}
	switch {
	case isVal && hllSpValValue(c) >= int(count):
		return b, 0
	case isVal && runlen == 1, isZero && runlen == 1:
		b[p] = hllSpVal(int(count), 1)
	default:
		var seq [5]byte
		n := 0
		last := first + span - 1
		zeros := func(l int) {
			if l > hllSparseZeroMax {
				seq[n], seq[n+1] = hllSpXZero(l)
				n += 2
			} else {
				seq[n] = hllSpZero(l)
				n++
			}
		}
		if isZero || isXZero {
			if index != first {
				zeros(index - first)
			}
			seq[n] = hllSpVal(int(count), 1)
			n++
			if index != last {
				zeros(last - index)
			}
		} else {
			cur := hllSpValValue(c)
			if index != first {
				seq[n] = hllSpVal(cur, index-first)
				n++
			}
			seq[n] = hllSpVal(int(count), 1)
			n++
			if index != last {
				seq[n] = hllSpVal(cur, last-index)
				n++
			}
		}
		oldlen := 1
		if isXZero {
			oldlen = 2
		}
		delta := n - oldlen
		if delta > 0 && len(b)+delta > hllSparseMaxBytes {
			return hllPromote(b, index, count)
		}
		nb := make([]byte, 0, len(b)+n)
		nb = append(nb, b[:p]...)
		nb = append(nb, seq[:n]...)
		if p+oldlen < len(b) {
			nb = append(nb, b[p+oldlen:]...)
		}
		// A final XZERO cut short (a corrupt value) loses a byte, as in
		// Redis.
		b = nb[:len(b)+delta]
	}
	// Merge adjacent VAL opcodes of the same value, looking at up to five
	// opcodes from the one before the change.
	p = hllHdrSize
	if prev >= 0 {
		p = prev
	}
	for scan := 5; p < len(b) && scan > 0; {
		scan--
		c := b[p]
		if hllSpIsXZero(c) {
			p += 2
			continue
		}
		if hllSpIsZero(c) {
			p++
			continue
		}
		if p+1 < len(b) && hllSpIsVal(b[p+1]) {
			v1, v2 := hllSpValValue(c), hllSpValValue(b[p+1])
			if v1 == v2 {
				if l := hllSpValLen(c) + hllSpValLen(b[p+1]); l <= hllSparseValLen {
					b[p+1] = hllSpVal(v1, l)
					b = append(b[:p], b[p+1:]...)
					continue
				}
			}
		}
		p++
	}
	hllInvalidateCache(b)
	return b, 1
}

// hllPromote converts b to dense and sets register index to count there.
func hllPromote(b []byte, index int, count uint8) ([]byte, int) {
	d, ok := hllSparseToDense(b)
	if !ok {
		return b, -1
	}
	hllDenseSet(d[hllHdrSize:], index, count)
	return d, 1
}

// hllAdd adds one element to the HyperLogLog b: 1 if a register changed, 0
// if not, -1 if b is corrupt.
func hllAdd(b []byte, ele string) ([]byte, int) {
	index, count := hllPatLen(ele)
	switch b[4] {
	case hllDense:
		if hllDenseSet(b[hllHdrSize:], index, count) {
			return b, 1
		}
		return b, 0
	case hllSparse:
		return hllSparseSet(b, index, count)
	}
	return b, -1
}

// hllMerge raises max[i] to each register of the HyperLogLog s; false if s
// is corrupt.
func hllMerge(max *[hllRegisters]uint8, s string) bool {
	b := hllBytes(s)
	if b[4] == hllDense {
		r := b[hllHdrSize:]
		for i := range max {
			if v := uint8(hllDenseGet(r, i)); v > max[i] {
				max[i] = v
			}
		}
		return true
	}
	i := 0
	for p := hllHdrSize; p < len(b); {
		c := b[p]
		switch {
		case hllSpIsZero(c):
			i += hllSpZeroLen(c)
			p++
		case hllSpIsXZero(c):
			i += hllSpXZeroLen(b, p)
			p += 2
		default:
			n, v := hllSpValLen(c), uint8(hllSpValValue(c))
			if n+i > hllRegisters {
				return false
			}
			for ; n > 0; n-- {
				if v > max[i] {
					max[i] = v
				}
				i++
			}
			p++
		}
	}
	return i == hllRegisters
}

// hllHistogram counts the registers of each value in the HyperLogLog s;
// false if s is corrupt.
func hllHistogram(s string, h *[64]int) bool {
	b := hllBytes(s)
	if b[4] == hllDense {
		r := b[hllHdrSize:]
		for i := range hllRegisters {
			h[hllDenseGet(r, i)]++
		}
		return true
	}
	idx := 0
	for p := hllHdrSize; p < len(b); {
		c := b[p]
		switch {
		case hllSpIsZero(c):
			n := hllSpZeroLen(c)
			idx += n
			h[0] += n
			p++
		case hllSpIsXZero(c):
			n := hllSpXZeroLen(b, p)
			idx += n
			h[0] += n
			p += 2
		default:
			n := hllSpValLen(c)
			idx += n
			h[hllSpValValue(c)] += n
			p++
		}
	}
	return idx == hllRegisters
}

// hllSigma and hllTau are the helper functions of Ertl's estimator ("New
// cardinality estimation algorithms for HyperLogLog sketches"). The explicit
// float64 conversions keep every operation rounded on its own, as in C.
func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x = float64(x * x)
		zp := z
		z += float64(x * y)
		y += y
		if zp == z {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zp := z
		y *= 0.5
		d := 1 - x
		z -= float64(float64(d*d) * y)
		if zp == z {
			return z / 3
		}
	}
}

// hllEstimate is the cardinality estimate for a register histogram.
func hllEstimate(h *[64]int) int64 {
	const m = float64(hllRegisters)
	z := float64(m * hllTau((m-float64(h[hllQ+1]))/m))
	for j := hllQ; j >= 1; j-- {
		z += float64(h[j])
		z *= 0.5
	}
	z += float64(m * hllSigma(float64(h[0])/m))
	e := math.Round(float64(hllAlphaInf*m*m) / z)
	if !(e >= math.MinInt64 && e < math.MaxInt64) {
		// z is 0 when every register is past the hash's range: the estimate
		// is infinite, and llround gives LONG_MIN on the machines Redis runs
		// on.
		return math.MinInt64
	}
	return int64(e)
}

// hllCheck reports whether s is a HyperLogLog, as Redis checks it: a
// header with the magic, a known encoding, and the exact length when dense.
func hllCheck(s string) bool {
	return len(s) >= hllHdrSize && s[:4] == "HYLL" && s[4] <= hllSparse &&
		(s[4] != hllDense || len(s) == hllDenseSize)
}

// hllLookup returns key's entry, nil if it does not exist, ErrWrongType
// if it is not a string and ErrNotHLL if the string is not a HyperLogLog.
func (d *db) hllLookup(key string) (*entry, error) {
	e, err := d.lookupType(key, typeString)
	if err != nil || e == nil {
		return nil, err
	}
	if !hllCheck(e.str()) {
		return nil, ErrNotHLL
	}
	return e, nil
}

func (d *db) pfadd(key string, elems []string) (bool, error) {
	e, err := d.hllLookup(key)
	if err != nil {
		return false, err
	}
	if e != nil {
		e.enc = encRaw // Redis unshares the value
		if e.str()[4] == hllDense && !hllDenseWouldChange(e.str(), elems) {
			return false, nil
		}
	}
	var b []byte
	updated := false
	if e == nil {
		b = hllNew()
		updated = true
	} else {
		b = []byte(e.str())
	}
	var failed error
	for _, el := range elems {
		var r int
		b, r = hllAdd(b, el)
		if r < 0 {
			failed = ErrHLLCorrupt
			break
		}
		if r == 1 {
			updated = true
		}
	}
	if updated && failed == nil {
		hllInvalidateCache(b)
	}
	if e == nil {
		d.setString(key, ownedString(b), false).enc = encRaw
	} else {
		e.setStr(ownedString(b))
		if updated && failed == nil {
			d.modified(key)
		}
	}
	if updated && failed == nil {
		d.notify(notifyString, "pfadd", key)
	}
	return updated && failed == nil, failed
}

// hllDenseWouldChange reports whether adding elems to the dense s changes a
// register.
func hllDenseWouldChange(s string, elems []string) bool {
	r := hllBytes(s)[hllHdrSize:]
	for _, el := range elems {
		if i, c := hllPatLen(el); int(c) > hllDenseGet(r, i) {
			return true
		}
	}
	return false
}

func (d *db) pfcount(keys []string) (int64, error) {
	if len(keys) == 1 {
		e, err := d.hllLookup(keys[0])
		if err != nil || e == nil {
			return 0, err
		}
		e.enc = encRaw
		s := e.str()
		if hllValidCache(s) {
			var card uint64
			for i := 7; i >= 0; i-- {
				card = card<<8 | uint64(s[8+i])
			}
			return int64(card), nil
		}
		var h [64]int
		if !hllHistogram(s, &h) {
			return 0, ErrHLLCorrupt
		}
		card := hllEstimate(&h)
		b := []byte(s)
		for i := range 8 {
			b[8+i] = byte(uint64(card) >> (8 * i))
		}
		e.setStr(ownedString(b))
		d.modified(keys[0]) // the cached estimate changed, as Redis signals
		return card, nil
	}
	var max [hllRegisters]uint8
	for _, k := range keys {
		e, err := d.hllLookup(k)
		if err != nil {
			return 0, err
		}
		if e != nil && !hllMerge(&max, e.str()) {
			return 0, ErrHLLCorrupt
		}
	}
	var h [64]int
	for _, v := range max {
		h[v]++
	}
	return hllEstimate(&h), nil
}

func (d *db) pfmerge(dest string, keys []string) error {
	var max [hllRegisters]uint8
	dense := false
	for i := -1; i < len(keys); i++ {
		k := dest
		if i >= 0 {
			k = keys[i]
		}
		e, err := d.hllLookup(k)
		if err != nil {
			return err
		}
		if e == nil {
			continue
		}
		if e.str()[4] == hllDense {
			dense = true
		}
		if !hllMerge(&max, e.str()) {
			return ErrHLLCorrupt
		}
	}
	e := d.lookup(dest)
	var b []byte
	if e == nil {
		b = hllNew()
	} else {
		e.enc = encRaw
		b = []byte(e.str())
	}
	if dense {
		var ok bool
		if b, ok = hllSparseToDense(b); !ok {
			return ErrHLLCorrupt
		}
	}
	for j, v := range max {
		if v == 0 {
			continue
		}
		if b[4] == hllDense {
			hllDenseSet(b[hllHdrSize:], j, v)
		} else {
			b, _ = hllSparseSet(b, j, v)
		}
	}
	hllInvalidateCache(b)
	if e == nil {
		d.setString(dest, ownedString(b), false).enc = encRaw
	} else {
		e.setStr(ownedString(b))
		d.modified(dest)
	}
	d.notify(notifyString, "pfadd", dest) // PFMERGE's event is pfadd, as in Redis
	return nil
}

// PFAdd adds elements to the HyperLogLog at key, creating it if needed, as
// PFADD does; it reports whether the estimate may have changed (true when
// the key was created). A string that is not a HyperLogLog gives ErrNotHLL,
// a corrupt one ErrHLLCorrupt.
func (c *cmdable) PFAdd(key string, elements ...string) (bool, error) {
	d, err := c.begin(true)
	if err != nil {
		return false, err
	}
	defer c.end()
	return d.pfadd(key, elements)
}

// PFCount returns the estimated cardinality of the HyperLogLog at key, or of
// the union of several without changing them, as PFCOUNT does. Missing keys
// count as empty. With one key the estimate is cached in the value, as in
// Redis.
func (c *cmdable) PFCount(keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, arityError("pfcount")
	}
	d, err := c.begin(true)
	if err != nil {
		return 0, err
	}
	defer c.end()
	return d.pfcount(keys)
}

// PFMerge stores in dest the union of dest and the HyperLogLogs at keys, as
// PFMERGE does. The result is dense if any input was dense.
func (c *cmdable) PFMerge(dest string, keys ...string) error {
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	return d.pfmerge(dest, keys)
}

func cmdPFAdd(c *call) {
	ok, err := c.db.pfadd(c.args[1], c.args[2:])
	if err != nil {
		c.fail(err)
		return
	}
	if ok {
		c.w.Int(1)
	} else {
		c.w.Int(0)
	}
}

func cmdPFCount(c *call) {
	n, err := c.db.pfcount(c.args[1:])
	if err != nil {
		c.fail(err)
		return
	}
	c.w.Int(n)
}

func cmdPFMerge(c *call) {
	if err := c.db.pfmerge(c.args[1], c.args[2:]); err != nil {
		c.fail(err)
		return
	}
	c.ok()
}
