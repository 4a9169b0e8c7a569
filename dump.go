package racefree

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/racefree/racefree/types"
)

// DUMP and RESTORE serialize one value in Redis's RDB format (version 10,
// redis-server 7.0), framed as Redis frames it: the object type byte, the
// value, the RDB version (2 bytes, little endian) and a CRC64 of all that
// (8 bytes, little endian).
//
// DUMP writes what redis-server 7.0.15 writes for the same value in the
// same encoding: strings (integer, raw or LZF-compressed), intsets,
// listpack hashes and sorted sets, and lists up to one quicklist node are
// byte for byte the same. For the hashtable and skiplist encodings Redis
// writes members in its hash table's order, which racefree does not model:
// the payload holds the same members in another order. Lists longer than
// one node are split into nodes as a list built by RPUSH would be.
//
// RESTORE reads every value type and encoding 7.0 writes, and the older
// ones it still loads (ziplists, zipmap-free hashes, quicklists of
// ziplists), validating each structure fully: a payload that does not
// parse gets "Bad data format" and changes nothing.

// dumpCommands are DUMP and RESTORE.
var dumpCommands = []*command{
	{name: "dump", arity: 2, flags: flagReadonly, firstKey: 1, lastKey: 1, step: 1, run: cmdDump},
	{name: "restore", arity: -4, flags: flagWrite | flagDenyoom, firstKey: 1, lastKey: 1, step: 1, run: cmdRestore},
}

// RDB object types.
const (
	rdbTypeString         = 0
	rdbTypeList           = 1
	rdbTypeSet            = 2
	rdbTypeZSet           = 3
	rdbTypeHash           = 4
	rdbTypeZSet2          = 5
	rdbTypeListZiplist    = 10
	rdbTypeSetIntset      = 11
	rdbTypeZSetZiplist    = 12
	rdbTypeHashZiplist    = 13
	rdbTypeListQuicklist  = 14
	rdbTypeHashListpack   = 16
	rdbTypeZSetListpack   = 17
	rdbTypeListQuicklist2 = 18
	quicklistNodePlain    = 1
	quicklistNodePacked   = 2
	quicklistSafetyLimit  = 8192 // a node's bytes under a count fill
)

var (
	errBadData    = newError("ERR Bad data format")
	errBusyKey    = newError("BUSYKEY Target key name already exists.")
	errRestoreTTL = newError("ERR Invalid TTL value, must be >= 0")
	errIdleTime   = newError("ERR Invalid IDLETIME value, must be >= 0")
	errFreq       = newError("ERR Invalid FREQ value, must be >= 0 and <= 255")
)

// ErrBusyKey is RESTORE's error when the key exists and REPLACE was not
// given.
var ErrBusyKey = errBusyKey

// ErrDumpPayload is RESTORE's error for a payload whose version or checksum
// is wrong (the same sentinel as FUNCTION RESTORE's ErrFunctionPayload);
// ErrBadData for one that does not parse.
var (
	ErrDumpPayload = ErrFunctionPayload
	ErrBadData     = errBadData
)

// RestoreOptions are RESTORE's options.
type RestoreOptions struct {
	// Replace overwrites an existing key (REPLACE).
	Replace bool
	// TTL is the key's time to live; 0 for none. With AbsTTL it is instead
	// the deadline as a duration since the Unix epoch (ABSTTL).
	TTL    time.Duration
	AbsTTL bool
	// IdleTime sets what OBJECT IDLETIME reports (IDLETIME); negative or
	// zero leaves the key just used.
	IdleTime time.Duration
}

// Dump serializes key's value as DUMP does; found is false when the key
// does not exist.
func (c *cmdable) Dump(key string) (payload string, found bool, err error) {
	d, err := c.begin(false)
	if err != nil {
		return "", false, err
	}
	defer c.end()
	e := d.lookup(key)
	if e == nil {
		return "", false, nil
	}
	return dumpEntry(e), true, nil
}

// Restore creates key from a DUMP payload (from racefree or Redis), as
// RESTORE does.
func (c *cmdable) Restore(key string, payload string, opt RestoreOptions) error {
	d, err := c.begin(true)
	if err != nil {
		return err
	}
	defer c.end()
	idle := int64(-1)
	if opt.IdleTime > 0 {
		idle = int64(opt.IdleTime / time.Second)
	}
	return d.restore(key, payload, opt.TTL.Milliseconds(), opt.Replace, opt.AbsTTL, idle)
}

func cmdDump(c *call) {
	e := c.db.lookup(c.args[1])
	if e == nil {
		c.w.NullBulk()
		return
	}
	c.w.Bulk(dumpEntry(e))
}

// cmdRestore is RESTORE key ttl serialized-value [REPLACE] [ABSTTL]
// [IDLETIME seconds] [FREQ frequency].
func cmdRestore(c *call) {
	replace, absTTL := false, false
	idle, freq := int64(-1), int64(-1)
	for j := 4; j < len(c.args); j++ {
		more := len(c.args) - j - 1
		switch opt := c.args[j]; {
		case strings.EqualFold(opt, "replace"):
			replace = true
		case strings.EqualFold(opt, "absttl"):
			absTTL = true
		case strings.EqualFold(opt, "idletime") && more >= 1 && freq == -1:
			v, ok := parseInt(c.args[j+1])
			if !ok {
				c.fail(ErrNotInteger)
				return
			}
			if v < 0 {
				c.fail(errIdleTime)
				return
			}
			idle = v
			j++
		case strings.EqualFold(opt, "freq") && more >= 1 && idle == -1:
			v, ok := parseInt(c.args[j+1])
			if !ok {
				c.fail(ErrNotInteger)
				return
			}
			if v < 0 || v > 255 {
				c.fail(errFreq)
				return
			}
			freq = v
			j++
		default:
			c.fail(ErrSyntax)
			return
		}
	}
	if !replace && c.db.lookup(c.args[1]) != nil {
		c.fail(errBusyKey)
		return
	}
	ttl, ok := parseInt(c.args[2])
	if !ok {
		c.fail(ErrNotInteger)
		return
	}
	if err := c.db.restore(c.args[1], c.args[3], ttl, replace, absTTL, idle); err != nil {
		c.fail(err)
		return
	}
	c.ok()
}

// restore is RESTORE after its options are read: ttl in ms (a deadline in
// Unix ms with absTTL), idle in seconds or -1.
func (d *db) restore(key, payload string, ttl int64, replace, absTTL bool, idle int64) error {
	if !replace && d.lookup(key) != nil {
		return errBusyKey
	}
	if ttl < 0 {
		return errRestoreTTL
	}
	p := []byte(payload)
	if !payloadOK(p) {
		return ErrDumpPayload
	}
	// Like Redis, read the value from the whole payload: a value that runs
	// into the footer is read as it comes, and bytes after it are ignored.
	r := rdbReader{p: p, lim: &d.s.limits}
	e := r.object()
	if e == nil {
		return errBadData
	}
	deleted := false
	if replace {
		deleted = d.del(key)
	}
	if ttl != 0 && !absTTL {
		ttl += d.s.nowMS()
	}
	if ttl != 0 && ttl <= d.s.nowMS() {
		if deleted {
			d.modified(key)
			d.notify(notifyGeneric, "del", key)
		}
		return nil
	}
	e.expireAt = ttl
	d.add(key, e)
	if idle >= 0 {
		e.touch(d.s.lru - idle)
	}
	d.modified(key)
	d.notify(notifyGeneric, "restore", key)
	return nil
}

// dumpEntry is DUMP's payload for e.
func dumpEntry(e *entry) string {
	var b []byte
	switch e.typ {
	case typeString:
		b = append(b, rdbTypeString)
		b = appendRDBValue(b, e.str())
	case typeList:
		b = append(b, rdbTypeListQuicklist2)
		b = appendQuicklist(b, e.list())
	case typeSet:
		b = appendSet(b, e.set())
	case typeZSet:
		b = appendZSet(b, e.zset())
	case typeHash:
		b = appendHash(b, e.hash())
	case typeStream:
		b = appendStream(b, e)
	}
	return sealPayload(b)
}

// sealPayload appends the DUMP footer to b: the RDB version (2 bytes,
// little endian) and a CRC64 of everything before (8 bytes, little endian).
func sealPayload(b []byte) string {
	b = binary.LittleEndian.AppendUint16(b, rdbVersion)
	b = binary.LittleEndian.AppendUint64(b, crc64Jones(0, b))
	return string(b)
}

// payloadOK reports whether p ends in a footer sealPayload could have
// written: an RDB version racefree reads and the CRC64 of what comes before.
func payloadOK(p []byte) bool {
	return len(p) >= 10 && binary.LittleEndian.Uint16(p[len(p)-10:]) <= rdbVersion &&
		binary.LittleEndian.Uint64(p[len(p)-8:]) == crc64Jones(0, p[:len(p)-8])
}

// appendRDBValue appends s as Redis saves a string value: as an 8, 16 or
// 32-bit integer when it is one in canonical form, else as appendRDBString
// does.
func appendRDBValue(b []byte, s string) []byte {
	if len(s) <= 11 {
		if v, ok := types.ParseSetInt(s); ok {
			switch {
			case v >= math.MinInt8 && v <= math.MaxInt8:
				return append(b, 0xc0, byte(v))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				return binary.LittleEndian.AppendUint16(append(b, 0xc1), uint16(v))
			case v >= math.MinInt32 && v <= math.MaxInt32:
				return binary.LittleEndian.AppendUint32(append(b, 0xc2), uint32(v))
			}
		}
	}
	return appendRDBString(b, s)
}

// appendQuicklist appends a list as a quicklist of listpack nodes, split as
// Redis splits a list built by RPUSH under the list's fill factor (its
// list-max-listpack-size).
func appendQuicklist(b []byte, l *types.List) []byte {
	var nodes [][]byte
	lp := newListpack()
	fill := l.Fill()
	for i := 0; i < l.Len(); i++ {
		v := l.At(i)
		if lp.n > 0 && !quicklistFits(len(lp.buf)+1, lp.n, len(v), fill) {
			nodes = append(nodes, lp.bytes())
			lp = newListpack()
		}
		lp.append(v)
	}
	if lp.n > 0 {
		nodes = append(nodes, lp.bytes())
	}
	b = appendRDBLen(b, uint64(len(nodes)))
	for _, n := range nodes {
		b = appendRDBLen(b, quicklistNodePacked)
		b = appendRDBValue(b, string(n))
	}
	return b
}

// quicklistFits reports whether Redis's quicklist adds an element of size
// bytes to a node of nodeBytes bytes holding count elements, under fill: a
// negative fill bounds a node's bytes (-1 to -5: 4 KiB to 64 KiB), a
// positive one its count, within 8 KiB.
func quicklistFits(nodeBytes, count, size, fill int) bool {
	newBytes := nodeBytes + size + 8 // Redis's estimate of the new element's cost
	if fill < 0 && newBytes <= 4096<<(-fill-1) {
		return true
	}
	return newBytes <= quicklistSafetyLimit && count < fill
}

func appendSet(b []byte, s *types.Set) []byte {
	if s.Intset() {
		members := s.Members()
		w := s.IntsetWidth()
		is := make([]byte, 8, 8+w*len(members))
		binary.LittleEndian.PutUint32(is, uint32(w))
		binary.LittleEndian.PutUint32(is[4:], uint32(len(members)))
		for _, m := range members {
			v, _ := types.ParseSetInt(m)
			switch w {
			case 2:
				is = binary.LittleEndian.AppendUint16(is, uint16(v))
			case 4:
				is = binary.LittleEndian.AppendUint32(is, uint32(v))
			default:
				is = binary.LittleEndian.AppendUint64(is, uint64(v))
			}
		}
		b = append(b, rdbTypeSetIntset)
		return appendRDBValue(b, string(is))
	}
	b = append(b, rdbTypeSet)
	b = appendRDBLen(b, uint64(s.Len()))
	s.Each(func(m string) bool {
		b = appendRDBValue(b, m)
		return true
	})
	return b
}

func appendZSet(b []byte, z *types.ZSet) []byte {
	if z.Listpack() {
		lp := newListpack()
		z.Each(func(m string, score float64) bool {
			lp.append(m)
			lp.append(d2string(score))
			return true
		})
		b = append(b, rdbTypeZSetListpack)
		return appendRDBValue(b, string(lp.bytes()))
	}
	// Redis writes the skiplist from its tail, so that loading inserts
	// each member at the head.
	b = append(b, rdbTypeZSet2)
	b = appendRDBLen(b, uint64(z.Len()))
	z.RangeByRank(0, z.Len()-1, true, func(m string, score float64) bool {
		b = appendRDBValue(b, m)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(score))
		return true
	})
	return b
}

func appendHash(b []byte, h *types.Hash) []byte {
	if h.Listpack() {
		lp := newListpack()
		h.Each(func(f, v string) bool {
			lp.append(f)
			lp.append(v)
			return true
		})
		b = append(b, rdbTypeHashListpack)
		return appendRDBValue(b, string(lp.bytes()))
	}
	b = append(b, rdbTypeHash)
	b = appendRDBLen(b, uint64(h.Len()))
	h.Each(func(f, v string) bool {
		b = appendRDBValue(b, f)
		b = appendRDBValue(b, v)
		return true
	})
	return b
}

// d2string formats a sorted-set score as Redis stores it in a listpack:
// integers below 2^52 as integers, others with 17 significant digits.
func d2string(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case v == 0:
		if math.Signbit(v) {
			return "-0"
		}
		return "0"
	case v > -4503599627370495 && v < 4503599627370496 && v == math.Trunc(v):
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 17, 64)
}

// listpack builds a listpack: Redis's compact encoding of a sequence of
// strings and integers.
type listpack struct {
	buf []byte
	n   int
}

func newListpack() *listpack { return &listpack{buf: make([]byte, 6, 64)} }

// append adds s, as an integer when it is one in canonical form.
func (lp *listpack) append(s string) {
	if v, ok := types.ParseSetInt(s); ok {
		lp.appendInt(v)
		return
	}
	start := len(lp.buf)
	b := lp.buf
	switch n := len(s); {
	case n < 64:
		b = append(b, 0x80|byte(n))
	case n < 4096:
		b = append(b, 0xe0|byte(n>>8), byte(n))
	default:
		b = binary.LittleEndian.AppendUint32(append(b, 0xf0), uint32(n))
	}
	b = append(b, s...)
	lp.buf = appendBacklen(b, len(b)-start)
	lp.n++
}

// appendInt adds an integer in the smallest encoding that holds it.
func (lp *listpack) appendInt(v int64) {
	start := len(lp.buf)
	b := lp.buf
	switch {
	case v >= 0 && v <= 127:
		b = append(b, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint16(v) & 0x1fff
		b = append(b, byte(u>>8)|0xc0, byte(u))
	case v >= math.MinInt16 && v <= math.MaxInt16:
		b = binary.LittleEndian.AppendUint16(append(b, 0xf1), uint16(v))
	case v >= -1<<23 && v < 1<<23:
		u := uint32(v)
		b = append(b, 0xf2, byte(u), byte(u>>8), byte(u>>16))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		b = binary.LittleEndian.AppendUint32(append(b, 0xf3), uint32(v))
	default:
		b = binary.LittleEndian.AppendUint64(append(b, 0xf4), uint64(v))
	}
	lp.buf = appendBacklen(b, len(b)-start)
	lp.n++
}

// appendBacklen appends an entry's length as the listpack stores it after
// the entry, to walk backwards: 7 bits per byte, most significant first,
// every byte but the first with its high bit set.
func appendBacklen(b []byte, l int) []byte {
	switch {
	case l <= 127:
		return append(b, byte(l))
	case l < 16383:
		return append(b, byte(l>>7), byte(l&127)|128)
	case l < 2097151:
		return append(b, byte(l>>14), byte(l>>7&127)|128, byte(l&127)|128)
	case l < 268435455:
		return append(b, byte(l>>21), byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
	}
	return append(b, byte(l>>28), byte(l>>21&127)|128, byte(l>>14&127)|128, byte(l>>7&127)|128, byte(l&127)|128)
}

// bytes finishes the listpack: the terminator, then the header's total
// size and element count (65535 when it does not fit).
func (lp *listpack) bytes() []byte {
	b := append(lp.buf, 0xff)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	binary.LittleEndian.PutUint16(b[4:], uint16(min(lp.n, 65535)))
	return b
}

// readListpack returns the elements of a listpack, or false if it is not
// a well-formed one.
func readListpack(p []byte) ([]string, bool) {
	if len(p) < 7 || int(binary.LittleEndian.Uint32(p)) != len(p) || p[len(p)-1] != 0xff {
		return nil, false
	}
	count := int(binary.LittleEndian.Uint16(p[4:]))
	var out []string
	i := 6
	for p[i] != 0xff {
		start := i
		c := p[i]
		var s string
		need := func(n int) bool { return i+n <= len(p)-1 }
		switch {
		case c&0x80 == 0:
			s = strconv.Itoa(int(c))
			i++
		case c&0xc0 == 0x80:
			n := int(c & 0x3f)
			if !need(1 + n) {
				return nil, false
			}
			s = string(p[i+1 : i+1+n])
			i += 1 + n
		case c&0xe0 == 0xc0:
			if !need(2) {
				return nil, false
			}
			u := int(c&0x1f)<<8 | int(p[i+1])
			if u >= 1<<12 {
				u -= 1 << 13
			}
			s = strconv.Itoa(u)
			i += 2
		case c&0xf0 == 0xe0:
			if !need(2) {
				return nil, false
			}
			n := int(c&0x0f)<<8 | int(p[i+1])
			if !need(2 + n) {
				return nil, false
			}
			s = string(p[i+2 : i+2+n])
			i += 2 + n
		case c == 0xf0:
			if !need(5) {
				return nil, false
			}
			n := int(binary.LittleEndian.Uint32(p[i+1:]))
			if n < 0 || !need(5+n) {
				return nil, false
			}
			s = string(p[i+5 : i+5+n])
			i += 5 + n
		case c == 0xf1:
			if !need(3) {
				return nil, false
			}
			s = strconv.Itoa(int(int16(binary.LittleEndian.Uint16(p[i+1:]))))
			i += 3
		case c == 0xf2:
			if !need(4) {
				return nil, false
			}
			u := int32(uint32(p[i+1])|uint32(p[i+2])<<8|uint32(p[i+3])<<16) << 8 >> 8
			s = strconv.Itoa(int(u))
			i += 4
		case c == 0xf3:
			if !need(5) {
				return nil, false
			}
			s = strconv.Itoa(int(int32(binary.LittleEndian.Uint32(p[i+1:]))))
			i += 5
		case c == 0xf4:
			if !need(9) {
				return nil, false
			}
			s = strconv.FormatInt(int64(binary.LittleEndian.Uint64(p[i+1:])), 10)
			i += 9
		default:
			return nil, false
		}
		back := appendBacklen(nil, i-start)
		if i+len(back) > len(p)-1 || string(p[i:i+len(back)]) != string(back) {
			return nil, false
		}
		i += len(back)
		out = append(out, s)
	}
	if i != len(p)-1 || (count != 65535 && count != len(out)) {
		return nil, false
	}
	return out, true
}

// readZiplist returns the elements of a ziplist (the encoding before
// listpacks, still in older payloads), or false if it is not well formed.
func readZiplist(p []byte) ([]string, bool) {
	if len(p) < 11 || int(binary.LittleEndian.Uint32(p)) != len(p) || p[len(p)-1] != 0xff {
		return nil, false
	}
	count := int(binary.LittleEndian.Uint16(p[8:]))
	var out []string
	i := 10
	for p[i] != 0xff {
		// The previous entry's length: 1 byte, or 0xfe and 4 bytes.
		if p[i] == 0xfe {
			i += 5
		} else {
			i++
		}
		if i >= len(p)-1 {
			return nil, false
		}
		need := func(n int) bool { return i+n <= len(p)-1 }
		c := p[i]
		var s string
		switch {
		case c>>6 == 0:
			n := int(c & 0x3f)
			if !need(1 + n) {
				return nil, false
			}
			s, i = string(p[i+1:i+1+n]), i+1+n
		case c>>6 == 1:
			if !need(2) {
				return nil, false
			}
			n := int(c&0x3f)<<8 | int(p[i+1])
			if !need(2 + n) {
				return nil, false
			}
			s, i = string(p[i+2:i+2+n]), i+2+n
		case c == 0x80:
			if !need(5) {
				return nil, false
			}
			n := int(binary.BigEndian.Uint32(p[i+1:]))
			if n < 0 || !need(5+n) {
				return nil, false
			}
			s, i = string(p[i+5:i+5+n]), i+5+n
		case c == 0xc0:
			if !need(3) {
				return nil, false
			}
			s, i = strconv.Itoa(int(int16(binary.LittleEndian.Uint16(p[i+1:])))), i+3
		case c == 0xd0:
			if !need(5) {
				return nil, false
			}
			s, i = strconv.Itoa(int(int32(binary.LittleEndian.Uint32(p[i+1:])))), i+5
		case c == 0xe0:
			if !need(9) {
				return nil, false
			}
			s, i = strconv.FormatInt(int64(binary.LittleEndian.Uint64(p[i+1:])), 10), i+9
		case c == 0xf0:
			if !need(4) {
				return nil, false
			}
			u := int32(uint32(p[i+1])|uint32(p[i+2])<<8|uint32(p[i+3])<<16) << 8 >> 8
			s, i = strconv.Itoa(int(u)), i+4
		case c == 0xfe:
			if !need(2) {
				return nil, false
			}
			s, i = strconv.Itoa(int(int8(p[i+1]))), i+2
		case c >= 0xf1 && c <= 0xfd:
			s, i = strconv.Itoa(int(c&0x0f)-1), i+1
		default:
			return nil, false
		}
		out = append(out, s)
	}
	if count != 65535 && count != len(out) {
		return nil, false
	}
	return out, true
}

// strtodPrefix reads a listpack score as Redis does: the longest prefix
// (of at most 127 bytes) that reads as a number, 0 if none does.
func strtodPrefix(s string) float64 {
	s = strings.TrimLeft(s[:min(len(s), 127)], " \t\n\v\f\r")
	for n := len(s); n > 0; n-- {
		if v, err := strconv.ParseFloat(s[:n], 64); err == nil || errors.Is(err, strconv.ErrRange) {
			return v
		}
	}
	return 0
}

// rdbReader reads one RDB object; any error makes it return nil.
type rdbReader struct {
	p   []byte
	bad bool
	lim *types.Limits // the encoding thresholds of the values read
}

func (r *rdbReader) byte() byte {
	if len(r.p) == 0 {
		r.bad = true
		return 0
	}
	c := r.p[0]
	r.p = r.p[1:]
	return c
}

func (r *rdbReader) len() int {
	n := r.u64()
	if n > uint64(len(r.p))*8+64 {
		// No collection holds more elements than the payload has bytes.
		r.bad = true
		return 0
	}
	return int(n)
}

// string reads a string in any of its RDB encodings.
func (r *rdbReader) string() string {
	if len(r.p) == 0 {
		r.bad = true
		return ""
	}
	switch r.p[0] {
	case 0xc0:
		if len(r.p) < 2 {
			break
		}
		v := int8(r.p[1])
		r.p = r.p[2:]
		return strconv.Itoa(int(v))
	case 0xc1:
		if len(r.p) < 3 {
			break
		}
		v := int16(binary.LittleEndian.Uint16(r.p[1:]))
		r.p = r.p[3:]
		return strconv.Itoa(int(v))
	case 0xc2:
		if len(r.p) < 5 {
			break
		}
		v := int32(binary.LittleEndian.Uint32(r.p[1:]))
		r.p = r.p[5:]
		return strconv.Itoa(int(v))
	default:
		s, rest, ok := readRDBString(r.p)
		if !ok {
			break
		}
		r.p = rest
		return s
	}
	r.bad = true
	return ""
}

func (r *rdbReader) binaryDouble() float64 {
	if len(r.p) < 8 {
		r.bad = true
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(r.p))
	r.p = r.p[8:]
	return v
}

// oldDouble reads a score as RDB_TYPE_ZSET stores it: a length byte (253
// nan, 254 +inf, 255 -inf) and that many bytes of text.
func (r *rdbReader) oldDouble() float64 {
	n := r.byte()
	switch n {
	case 253:
		return math.NaN()
	case 254:
		return math.Inf(1)
	case 255:
		return math.Inf(-1)
	}
	if int(n) > len(r.p) {
		r.bad = true
		return 0
	}
	v, err := strconv.ParseFloat(string(r.p[:n]), 64)
	r.p = r.p[n:]
	if err != nil {
		r.bad = true
	}
	return v
}

// object reads the type byte and the value, and returns the entry, or nil
// when the payload is malformed or has bytes left over.
func (r *rdbReader) object() *entry {
	t := r.byte()
	var e *entry
	switch t {
	case rdbTypeString:
		s := r.string()
		e = stringEntry(s, encByValue)
	case rdbTypeList, rdbTypeListZiplist, rdbTypeListQuicklist, rdbTypeListQuicklist2:
		e = r.list(t)
	case rdbTypeSet, rdbTypeSetIntset:
		e = r.set(t)
	case rdbTypeZSet, rdbTypeZSet2, rdbTypeZSetZiplist, rdbTypeZSetListpack:
		e = r.zset(t)
	case rdbTypeHash, rdbTypeHashZiplist, rdbTypeHashListpack:
		e = r.hash(t)
	case rdbTypeStreamListpacks, rdbTypeStreamListpacks2:
		e = r.stream(t)
	default:
		return nil
	}
	if r.bad || e == nil {
		return nil
	}
	return e
}

// packed reads an RDB string holding a listpack (or a ziplist).
func (r *rdbReader) packed(ziplist bool) ([]string, bool) {
	s := r.string()
	if r.bad {
		return nil, false
	}
	if ziplist {
		return readZiplist([]byte(s))
	}
	return readListpack([]byte(s))
}

func (r *rdbReader) list(t byte) *entry {
	l := types.NewList()
	l.SetFill(r.lim.ListMaxListpackSize)
	switch t {
	case rdbTypeList:
		for n := r.len(); n > 0 && !r.bad; n-- {
			l.PushBack(r.string())
		}
	case rdbTypeListZiplist:
		vs, ok := r.packed(true)
		if !ok {
			return nil
		}
		for _, v := range vs {
			l.PushBack(v)
		}
	default:
		for n := r.len(); n > 0 && !r.bad; n-- {
			container := quicklistNodePacked
			if t == rdbTypeListQuicklist2 {
				container = r.len()
			}
			switch container {
			case quicklistNodePlain:
				l.PushBack(r.string())
			case quicklistNodePacked:
				vs, ok := r.packed(t == rdbTypeListQuicklist)
				if !ok || len(vs) == 0 {
					return nil
				}
				for _, v := range vs {
					l.PushBack(v)
				}
			default:
				return nil
			}
		}
	}
	if r.bad || l.Len() == 0 {
		return nil
	}
	return listEntry(l)
}

func (r *rdbReader) set(t byte) *entry {
	s := types.NewSet(r.lim)
	if t == rdbTypeSetIntset {
		p := []byte(r.string())
		if r.bad || len(p) < 8 {
			return nil
		}
		w := int(binary.LittleEndian.Uint32(p))
		n := int(binary.LittleEndian.Uint32(p[4:]))
		if (w != 2 && w != 4 && w != 8) || n == 0 || len(p) != 8+w*n {
			return nil
		}
		prev := int64(math.MinInt64)
		for i := range n {
			var v int64
			switch q := p[8+w*i:]; w {
			case 2:
				v = int64(int16(binary.LittleEndian.Uint16(q)))
			case 4:
				v = int64(int32(binary.LittleEndian.Uint32(q)))
			default:
				v = int64(binary.LittleEndian.Uint64(q))
			}
			if i > 0 && v <= prev {
				return nil
			}
			prev = v
			s.Add(strconv.FormatInt(v, 10))
		}
		s.WidenIntset(w)
		return setEntry(s)
	}
	n := r.len()
	if n == 0 {
		return nil
	}
	for ; n > 0 && !r.bad; n-- {
		if !s.Add(r.string()) {
			return nil
		}
	}
	return setEntry(s)
}

func (r *rdbReader) zset(t byte) *entry {
	z := types.NewZSet(r.lim)
	// A listpack payload converts on its length only, as Redis loads it.
	add := func(m string, score float64, packed bool) bool {
		if math.IsNaN(score) || z.Has(m) {
			return false
		}
		if packed {
			z.Load(m, score)
		} else {
			z.Add(m, score)
		}
		return true
	}
	switch t {
	case rdbTypeZSet, rdbTypeZSet2:
		n := r.len()
		if n == 0 {
			return nil
		}
		for ; n > 0 && !r.bad; n-- {
			m := r.string()
			var score float64
			if t == rdbTypeZSet2 {
				score = r.binaryDouble()
			} else {
				score = r.oldDouble()
			}
			if r.bad || !add(m, score, false) {
				return nil
			}
		}
	default:
		vs, ok := r.packed(t == rdbTypeZSetZiplist)
		if !ok || len(vs) == 0 || len(vs)%2 != 0 {
			return nil
		}
		for i := 0; i < len(vs); i += 2 {
			if !add(vs[i], strtodPrefix(vs[i+1]), true) {
				return nil
			}
		}
	}
	return zsetEntry(z)
}

func (r *rdbReader) hash(t byte) *entry {
	h := types.NewHash(r.lim)
	switch t {
	case rdbTypeHash:
		n := r.len()
		if n == 0 {
			return nil
		}
		for ; n > 0 && !r.bad; n-- {
			f := r.string()
			v := r.string()
			if r.bad || !h.Set(f, v) {
				return nil
			}
		}
	default:
		vs, ok := r.packed(t == rdbTypeHashZiplist)
		if !ok || len(vs) == 0 || len(vs)%2 != 0 {
			return nil
		}
		for i := 0; i < len(vs); i += 2 {
			if !h.Load(vs[i], vs[i+1]) {
				return nil
			}
		}
	}
	return hashEntry(h)
}

// Streams: RDB_TYPE_STREAM_LISTPACKS_2, as 7.0 writes them, and the 6.x
// form without the first ID, the largest deleted ID, entries added and
// the groups' entries-read.
const (
	rdbTypeStreamListpacks  = 15
	rdbTypeStreamListpacks2 = 19

	streamFlagDeleted    = 1
	streamFlagSameFields = 2
)

func appendStream(b []byte, e *entry) []byte {
	s := e.stream()
	b = append(b, rdbTypeStreamListpacks2)
	b = appendRDBLen(b, uint64(s.Nodes()))
	s.EachNode(func(master types.StreamID, fields []string, entries []types.StreamNodeEntry) {
		b = appendRDBValue(b, string(appendRaxStreamID(nil, master)))
		b = appendRDBValue(b, string(streamListpack(master, fields, entries)))
	})
	b = appendRDBLen(b, uint64(s.Len()))
	b = appendRDBLen(b, s.LastID.Ms)
	b = appendRDBLen(b, s.LastID.Seq)
	b = appendRDBLen(b, s.FirstID.Ms)
	b = appendRDBLen(b, s.FirstID.Seq)
	b = appendRDBLen(b, s.MaxDeletedID.Ms)
	b = appendRDBLen(b, s.MaxDeletedID.Seq)
	b = appendRDBLen(b, s.EntriesAdded)
	groups := s.Groups()
	b = appendRDBLen(b, uint64(len(groups)))
	for _, g := range groups {
		b = appendRDBValue(b, g.Name)
		b = appendRDBLen(b, g.LastID.Ms)
		b = appendRDBLen(b, g.LastID.Seq)
		b = appendRDBLen(b, uint64(g.EntriesRead))
		b = appendRDBLen(b, uint64(g.PendingLen()))
		g.AscendPending(types.StreamID{}, func(p *types.PendingEntry) bool {
			b = appendRaxStreamID(b, p.ID)
			b = binary.LittleEndian.AppendUint64(b, uint64(p.DeliveryTime))
			b = appendRDBLen(b, uint64(p.DeliveryCount))
			return true
		})
		consumers := g.Consumers()
		b = appendRDBLen(b, uint64(len(consumers)))
		for _, c := range consumers {
			b = appendRDBValue(b, c.Name)
			b = binary.LittleEndian.AppendUint64(b, uint64(c.SeenTime))
			b = appendRDBLen(b, uint64(c.PendingLen()))
			c.AscendPending(types.StreamID{}, func(p *types.PendingEntry) bool {
				b = appendRaxStreamID(b, p.ID)
				return true
			})
		}
	}
	return b
}

// appendRaxStreamID appends id as a stream's radix tree keys it: 128 bits,
// big endian.
func appendRaxStreamID(b []byte, id types.StreamID) []byte {
	b = binary.BigEndian.AppendUint64(b, id.Ms)
	return binary.BigEndian.AppendUint64(b, id.Seq)
}

// streamListpack lays out one stream node as Redis's listpack: the master
// entry (count, deleted, the fields, a 0 terminator), then each entry as
// flags, ID deltas, the fields unless they are the master's, the values,
// and the entry's element count.
func streamListpack(master types.StreamID, fields []string, entries []types.StreamNodeEntry) []byte {
	lp := newListpack()
	live := 0
	for _, e := range entries {
		if !e.Deleted {
			live++
		}
	}
	lp.appendInt(int64(live))
	lp.appendInt(int64(len(entries) - live))
	lp.appendInt(int64(len(fields)))
	for _, f := range fields {
		lp.append(f)
	}
	lp.appendInt(0)
	for _, e := range entries {
		same := len(e.Pairs) == 2*len(fields)
		for i := 0; same && i < len(fields); i++ {
			same = e.Pairs[2*i] == fields[i]
		}
		flags := int64(0)
		if e.Deleted {
			flags |= streamFlagDeleted
		}
		if same {
			flags |= streamFlagSameFields
		}
		lp.appendInt(flags)
		lp.appendInt(int64(e.ID.Ms - master.Ms))
		lp.appendInt(int64(e.ID.Seq - master.Seq))
		n := len(e.Pairs) / 2
		if same {
			for i := 1; i < len(e.Pairs); i += 2 {
				lp.append(e.Pairs[i])
			}
			lp.appendInt(int64(n + 3))
		} else {
			lp.appendInt(int64(n))
			for _, p := range e.Pairs {
				lp.append(p)
			}
			lp.appendInt(int64(2*n + 4))
		}
	}
	return lp.bytes()
}

// readStreamListpack reads a node's listpack back.
func readStreamListpack(master types.StreamID, p []byte) (fields []string, entries []types.StreamNodeEntry, ok bool) {
	elems, ok := readListpack(p)
	if !ok {
		return nil, nil, false
	}
	i := 0
	next := func() (string, bool) {
		if i >= len(elems) {
			return "", false
		}
		i++
		return elems[i-1], true
	}
	nextInt := func() (int64, bool) {
		s, ok := next()
		if !ok {
			return 0, false
		}
		return parseInt(s)
	}
	count, ok1 := nextInt()
	deleted, ok2 := nextInt()
	nf, ok3 := nextInt()
	if !ok1 || !ok2 || !ok3 || nf < 0 || nf > int64(len(elems)) || count <= 0 || deleted < 0 {
		return nil, nil, false
	}
	for range nf {
		f, _ := next()
		fields = append(fields, f)
	}
	if z, ok := nextInt(); !ok || z != 0 {
		return nil, nil, false
	}
	live := int64(0)
	for i < len(elems) {
		flags, ok1 := nextInt()
		dms, ok2 := nextInt()
		dseq, ok3 := nextInt()
		if !ok1 || !ok2 || !ok3 || flags&^3 != 0 {
			return nil, nil, false
		}
		e := types.StreamNodeEntry{
			ID:      types.StreamID{Ms: master.Ms + uint64(dms), Seq: master.Seq + uint64(dseq)},
			Deleted: flags&streamFlagDeleted != 0,
		}
		n := int64(len(fields))
		if flags&streamFlagSameFields == 0 {
			if n, ok = nextInt(); !ok || n < 0 || n > int64(len(elems)) {
				return nil, nil, false
			}
		}
		for k := range n {
			if flags&streamFlagSameFields != 0 {
				e.Pairs = append(e.Pairs, fields[k])
			} else {
				f, ok := next()
				if !ok {
					return nil, nil, false
				}
				e.Pairs = append(e.Pairs, f)
			}
			v, ok := next()
			if !ok {
				return nil, nil, false
			}
			e.Pairs = append(e.Pairs, v)
		}
		want := n + 3
		if flags&streamFlagSameFields == 0 {
			want = 2*n + 4
		}
		if c, ok := nextInt(); !ok || c != want {
			return nil, nil, false
		}
		if !e.Deleted {
			live++
		}
		entries = append(entries, e)
	}
	if live != count || int64(len(entries))-live != deleted {
		return nil, nil, false
	}
	return fields, entries, true
}

func (r *rdbReader) streamID() types.StreamID {
	if len(r.p) < 16 {
		r.bad = true
		return types.StreamID{}
	}
	id := types.StreamID{Ms: binary.BigEndian.Uint64(r.p), Seq: binary.BigEndian.Uint64(r.p[8:])}
	r.p = r.p[16:]
	return id
}

func (r *rdbReader) u64() uint64 {
	n, rest, ok := readRDBLen(r.p)
	if !ok {
		r.bad = true
		return 0
	}
	r.p = rest
	return n
}

func (r *rdbReader) millis() int64 {
	if len(r.p) < 8 {
		r.bad = true
		return 0
	}
	v := int64(binary.LittleEndian.Uint64(r.p))
	r.p = r.p[8:]
	return v
}

func (r *rdbReader) stream(t byte) *entry {
	s := types.NewStream(r.lim)
	for n := r.len(); n > 0 && !r.bad; n-- {
		key := r.string()
		lp := r.string()
		if r.bad || len(key) != 16 {
			return nil
		}
		master := types.StreamID{Ms: binary.BigEndian.Uint64([]byte(key)), Seq: binary.BigEndian.Uint64([]byte(key[8:]))}
		fields, entries, ok := readStreamListpack(master, []byte(lp))
		if !ok || entries[0].ID != master || !s.AppendNode(master, fields, entries) {
			return nil
		}
	}
	length := r.u64()
	s.LastID = types.StreamID{Ms: r.u64(), Seq: r.u64()}
	if t == rdbTypeStreamListpacks2 {
		s.FirstID = types.StreamID{Ms: r.u64(), Seq: r.u64()}
		s.MaxDeletedID = types.StreamID{Ms: r.u64(), Seq: r.u64()}
		s.EntriesAdded = r.u64()
	} else {
		s.EntriesAdded = length
		s.UpdateFirstID()
	}
	if r.bad || length != uint64(s.Len()) || s.LastID.Less(s.LastValidID()) {
		return nil
	}
	for ng := r.len(); ng > 0 && !r.bad; ng-- {
		name := r.string()
		last := types.StreamID{Ms: r.u64(), Seq: r.u64()}
		read := int64(types.UnknownEntriesRead)
		if t == rdbTypeStreamListpacks2 {
			read = int64(r.u64())
		}
		if r.bad {
			return nil
		}
		g := s.CreateGroup(name, last, read)
		if g == nil {
			return nil
		}
		for np := r.len(); np > 0 && !r.bad; np-- {
			id := r.streamID()
			at := r.millis()
			count := r.u64()
			if r.bad || g.Pending(id) != nil {
				return nil
			}
			g.Force(id, at).DeliveryCount = int64(count)
		}
		for nc := r.len(); nc > 0 && !r.bad; nc-- {
			c := g.CreateConsumer(r.string(), 0)
			if c == nil {
				return nil
			}
			c.SeenTime = r.millis()
			for np := r.len(); np > 0 && !r.bad; np-- {
				p := g.Pending(r.streamID())
				if p == nil || p.Consumer != nil {
					return nil
				}
				g.Claim(p, c)
			}
		}
		// Every pending entry has an owner.
		orphan := false
		g.AscendPending(types.StreamID{}, func(p *types.PendingEntry) bool {
			orphan = p.Consumer == nil
			return !orphan
		})
		if orphan {
			return nil
		}
	}
	if r.bad {
		return nil
	}
	return streamEntry(s)
}
