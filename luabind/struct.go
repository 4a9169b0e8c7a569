package luabind

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// The struct library: Roberto Ierusalimschy's lua-struct as Redis 7.0
// ships it, with the sizes and alignment of x86-64 Linux (short 2, int 4,
// long and size_t 8, default maximum alignment 8, native order little
// endian).

const (
	structMaxIntSize = 32 // largest i/I size
	structMaxAlign   = 8  // the default of '!'
)

// openStruct creates the global table struct: pack, unpack and size.
func openStruct(L *lua.LState) {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	L.SetGlobal("struct", t)
}

// structHeader is the running state of a format: byte order and maximum
// alignment.
type structHeader struct {
	little bool
	align  uint64
}

func structDefaults() structHeader { return structHeader{little: true, align: 1} }

// structFormat is luaL_checkstring on the format: a C string, so it ends at
// the first NUL byte.
func structFormat(L *lua.LState) string {
	f := c51CheckString(L, 1)
	if i := strings.IndexByte(f, 0); i >= 0 {
		f = f[:i]
	}
	return f
}

// structNum reads the decimal count at fmt[*i:], or returns def when there
// is none.
func structNum(L *lua.LState, fmt string, i *int, def int) int {
	if *i >= len(fmt) || !c51IsDigit(fmt[*i]) {
		return def
	}
	a := 0
	for *i < len(fmt) && c51IsDigit(fmt[*i]) {
		d := int(fmt[*i] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			c51Error(L, "integral size overflow")
		}
		a = a*10 + d
		*i++
	}
	return a
}

// structOptSize is the size of option opt, reading its count from fmt.
func structOptSize(L *lua.LState, opt byte, fmt string, i *int) uint64 {
	switch opt {
	case 'B', 'b', 'x':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'c':
		return uint64(structNum(L, fmt, i, 1))
	case 'i', 'I':
		sz := structNum(L, fmt, i, 4)
		if sz > structMaxIntSize {
			c51Error(L, "integral size "+strconv.Itoa(sz)+" is larger than limit of "+strconv.Itoa(structMaxIntSize))
		}
		return uint64(sz)
	}
	return 0
}

// structToAlign is how many padding bytes put an item of the given size at
// offset n (the arithmetic is lua-struct's, odd sizes included).
func structToAlign(n uint64, h *structHeader, opt byte, size uint64) uint64 {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > h.align {
		size = h.align
	}
	return (size - (n & (size - 1))) & (size - 1)
}

// structControl handles the options that are not items: ' ', '>', '<' and
// '!n'; anything else is an invalid option.
func structControl(L *lua.LState, opt byte, fmt string, i *int, h *structHeader) {
	switch opt {
	case ' ':
	case '>':
		h.little = false
	case '<':
		h.little = true
	case '!':
		a := structNum(L, fmt, i, structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			c51Error(L, "alignment "+strconv.Itoa(a)+" is not a power of 2")
		}
		h.align = uint64(a)
	default:
		c51ArgError(L, 1, "invalid format option '"+string([]byte{opt})+"'")
	}
}

func structIsInt(opt byte) bool {
	switch opt {
	case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
		return true
	}
	return false
}

// structPack is struct.pack(fmt, ...).
func structPack(L *lua.LState) int {
	fmt := structFormat(L)
	// lua-struct pushes a nil to mark the end of the arguments, so a
	// missing argument reads as nil rather than no value.
	L.Push(lua.LNil)
	h := structDefaults()
	arg := 2
	var buf []byte
	total := uint64(0)
	for i := 0; i < len(fmt); {
		opt := fmt[i]
		i++
		size := structOptSize(L, opt, fmt, &i)
		pad := structToAlign(total, &h, opt, size)
		total += pad
		for ; pad > 0; pad-- {
			buf = append(buf, 0)
		}
		switch {
		case structIsInt(opt):
			buf = structPutInt(buf, c51CheckNumber(L, arg), h.little, int(size))
			arg++
		case opt == 'x':
			buf = append(buf, 0)
		case opt == 'f':
			bits := math.Float32bits(float32(c51CheckNumber(L, arg)))
			arg++
			if h.little {
				buf = binary.LittleEndian.AppendUint32(buf, bits)
			} else {
				buf = binary.BigEndian.AppendUint32(buf, bits)
			}
		case opt == 'd':
			bits := math.Float64bits(c51CheckNumber(L, arg))
			arg++
			if h.little {
				buf = binary.LittleEndian.AppendUint64(buf, bits)
			} else {
				buf = binary.BigEndian.AppendUint64(buf, bits)
			}
		case opt == 'c' || opt == 's':
			s := c51CheckString(L, arg)
			arg++
			if size == 0 {
				size = uint64(len(s))
			}
			if uint64(len(s)) < size {
				c51ArgError(L, arg, "string too short") // sic: the next argument's number
			}
			buf = append(buf, s[:size]...)
			if opt == 's' {
				buf = append(buf, 0)
				size++
			}
		default:
			structControl(L, opt, fmt, &i, &h)
		}
		total += size
	}
	L.Push(lua.LString(buf))
	return 1
}

// structPutInt appends the low size bytes of the number as lua-struct
// converts it: negative numbers through long, others through unsigned long
// (x86-64 casts), bytes past the eighth are zero.
func structPutInt(buf []byte, n float64, little bool, size int) []byte {
	var v uint64
	if n < 0 {
		v = uint64(c51Int64(n))
	} else {
		v = c51Uint64(n)
	}
	start := len(buf)
	for i := 0; i < size; i++ {
		buf = append(buf, 0)
	}
	b := buf[start:]
	for i := 0; i < size; i++ {
		j := size - 1 - i
		if little {
			j = i
		}
		b[j] = byte(v)
		v >>= 8
	}
	return buf
}

// structGetInt reads size bytes as lua-struct does: into an unsigned long
// (the last eight bytes count), sign-extended for signed options with the
// mask x86-64 computes.
func structGetInt(b string, little, signed bool, size int) float64 {
	var l uint64
	for i := 0; i < size; i++ {
		j := i
		if little {
			j = size - 1 - i
		}
		l = l<<8 | uint64(b[j])
	}
	if !signed {
		return float64(l)
	}
	mask := ^uint64(0) << uint((size*8-1)&63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

// structUnpack is struct.unpack(fmt, data[, pos]): the values, then the
// position after them.
func structUnpack(L *lua.LState) int {
	fmt := structFormat(L)
	data := c51CheckString(L, 2)
	ld := uint64(len(data))
	pos := uint64(c51OptInteger(L, 3, 1))
	if pos == 0 {
		c51ArgError(L, 3, "offset must be 1 or greater")
	}
	pos--
	nargs := L.GetTop()
	var vals []lua.LValue
	h := structDefaults()
	tooShort := func(size uint64) {
		if !(size <= ld && pos <= ld-size) {
			c51ArgError(L, 2, "data string too short")
		}
	}
	for i := 0; i < len(fmt); {
		opt := fmt[i]
		i++
		size := structOptSize(L, opt, fmt, &i)
		pos += structToAlign(pos, &h, opt, size)
		tooShort(size)
		c51CheckStack(L, nargs+len(vals), 2, "too many results")
		switch {
		case structIsInt(opt):
			signed := opt >= 'a' && opt <= 'z'
			vals = append(vals, lua.LNumber(structGetInt(data[pos:pos+size], h.little, signed, int(size))))
		case opt == 'x':
		case opt == 'f':
			var bits uint32
			if h.little {
				bits = binary.LittleEndian.Uint32([]byte(data[pos : pos+4]))
			} else {
				bits = binary.BigEndian.Uint32([]byte(data[pos : pos+4]))
			}
			vals = append(vals, lua.LNumber(math.Float32frombits(bits)))
		case opt == 'd':
			var bits uint64
			if h.little {
				bits = binary.LittleEndian.Uint64([]byte(data[pos : pos+8]))
			} else {
				bits = binary.BigEndian.Uint64([]byte(data[pos : pos+8]))
			}
			vals = append(vals, lua.LNumber(math.Float64frombits(bits)))
		case opt == 'c':
			if size == 0 {
				// c0: the length is the previous result, which it replaces
				prev := 0.0
				ok := false
				if len(vals) > 0 {
					prev, ok = c51ToNumber(vals[len(vals)-1])
				}
				if !ok {
					c51Error(L, "format 'c0' needs a previous size")
				}
				size = c51Uint64(prev)
				vals = vals[:len(vals)-1]
				tooShort(size)
			}
			vals = append(vals, lua.LString(data[pos:pos+size]))
		case opt == 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				c51Error(L, "unfinished string in data")
			}
			size = uint64(e) + 1
			vals = append(vals, lua.LString(data[pos:pos+uint64(e)]))
		default:
			structControl(L, opt, fmt, &i, &h)
		}
		pos += size
	}
	for _, v := range vals {
		L.Push(v)
	}
	L.Push(lua.LNumber(int64(pos + 1)))
	return len(vals) + 1
}

// structSize is struct.size(fmt): the packed size of a format without
// variable-length items. Unknown letters and digits count as nothing.
func structSize(L *lua.LState) int {
	fmt := structFormat(L)
	h := structDefaults()
	pos := uint64(0)
	for i := 0; i < len(fmt); {
		opt := fmt[i]
		i++
		size := structOptSize(L, opt, fmt, &i)
		pos += structToAlign(pos, &h, opt, size)
		if opt == 's' {
			c51ArgError(L, 1, "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			c51ArgError(L, 1, "option 'c0' has no fixed size")
		}
		if !(c51IsDigit(opt) || (opt|0x20) >= 'a' && (opt|0x20) <= 'z') {
			structControl(L, opt, fmt, &i, &h)
		}
		pos += size
	}
	L.Push(lua.LNumber(int64(pos)))
	return 1
}
