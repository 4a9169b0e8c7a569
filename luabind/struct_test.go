package luabind

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	lua "github.com/yuin/gopher-lua"
)

func TestStructDifferential(t *testing.T) {
	scripts := []string{
		// pack: every integer option, both orders, sizes
		`return hex(struct.pack('>i', 1))`,
		`return hex(struct.pack('<i', -2))`,
		`return hex(struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 5, 7))`,
		`return hex(struct.pack('>bBhHlLT', -1, 255, -2, 65535, -3, 5, 7))`,
		`return hex(struct.pack('>i1i2i3i4i5i6i7i8', 1, 2, 3, 4, 5, 6, 7, 8))`,
		`return hex(struct.pack('<I1I2I3I4I5I6I7I8', -1, -1, -1, -1, -1, -1, -1, -1))`,
		`return hex(struct.pack('<i16', -1))`,
		`return hex(struct.pack('>i16', -1))`,
		`return hex(struct.pack('>I32', 2^60))`,
		`return hex(struct.pack('<i9i10i12', -2, 3, -4))`,
		`return hex(struct.pack('>i0', 5))`,
		`return hex(struct.pack('>b', 300))`,
		`return hex(struct.pack('>B', -1))`,
		`return hex(struct.pack('>h', 70000))`,
		// numbers the casts mangle
		`return hex(struct.pack('>L', 2^64))`,
		`return hex(struct.pack('>L', 2^63))`,
		`return hex(struct.pack('>L', 2^63 + 2^11))`,
		`return hex(struct.pack('>L', 1e30))`,
		`return hex(struct.pack('>L', 0/0))`,
		`return hex(struct.pack('>l', -1e30))`,
		`return hex(struct.pack('>l', -0.5))`,
		`return hex(struct.pack('>l', 2.9))`,
		`return hex(struct.pack('>l', -2.9))`,
		`return hex(struct.pack('>l', 1/0))`,
		`return hex(struct.pack('>l', -1/0))`,
		`return hex(struct.pack('>l', -2^63))`,
		`return hex(struct.pack('>l', -2^64))`,
		`return hex(struct.pack('>i', '0x10'))`,
		`return hex(struct.pack('>i', ' 12 '))`,
		// floats
		`return hex(struct.pack('>f', 1.5))`,
		`return hex(struct.pack('<d', 0.1))`,
		`return hex(struct.pack('>f', 1e300))`,
		`return hex(struct.pack('>f', -1e300))`,
		`return hex(struct.pack('>f', 0.1))`,
		`return hex(struct.pack('>f', 1e-50))`,
		`return hex(struct.pack('>fd', 1/0, -1/0))`,
		`return hex(struct.pack('>d', -0))`,
		`return hex(struct.pack('<f', 3.4028235677973366e38))`,
		`return hex(struct.pack('<f', 3.4028235677973362e38))`,
		// alignment
		`return hex(struct.pack('!>bi', 1, 2))`,
		`return hex(struct.pack('!>bd', 1, 2))`,
		`return hex(struct.pack('!2>bd', 1, 2))`,
		`return hex(struct.pack('!>bi3', 1, 2))`,
		`return hex(struct.pack('!>bxi3', 1, 2))`,
		`return hex(struct.pack('!>bc3i', 1, 'abc', 2))`,
		`return hex(struct.pack('!4>bhbibd', 1, 2, 3, 4, 5, 6))`,
		`return hex(struct.pack('!16>bi16', 1, 2))`,
		`return hex(struct.pack('!1>bi', 1, 2))`,
		`return hex(struct.pack('>b!l', 1, 2))`,
		`return hex(struct.pack('!>bsi', 1, 'ab', 2))`,
		`return hex(struct.pack('!>bfT', 1, 2, 3))`,
		`return hex(struct.pack(' > b < h ! x ', 1, 2))`,
		// strings
		`return hex(struct.pack('>s', 'ab\0c'))`,
		`return hex(struct.pack('>c0', 'abc'))`,
		`return hex(struct.pack('>c2', 'abc'))`,
		`return hex(struct.pack('>c', 'abc'))`,
		`return hex(struct.pack('>c0s', '', ''))`,
		`return hex(struct.pack('>s', 12))`,
		`return hex(struct.pack('>c0', 1.5))`,
		`return hex(struct.pack('xxx'))`,
		`return hex(struct.pack(''))`,
		`return hex(struct.pack('b\0b', 1, 2))`,
		`return hex(struct.pack('b', 1, 2, 3))`,
		// pack errors
		`return struct.pack('>c4', 'abc')`,
		`return struct.pack('>bc4', 1, 'abc')`,
		`return struct.pack('y')`,
		`return struct.pack('>i33', 1)`,
		`return struct.pack('>i99999999999', 1)`,
		`return struct.pack('>c2147483648', 1)`,
		`return struct.pack('>c2147483647', 'a')`,
		`return struct.pack('!3', 1)`,
		`return struct.pack('!0', 1)`,
		`return struct.pack('!9')`,
		`return struct.pack('b3', 1)`,
		`return struct.pack('i')`,
		`return struct.pack('ii', 1)`,
		`return struct.pack('sc', 'a')`,
		`return struct.pack('i', 'x')`,
		`return struct.pack('d', {})`,
		`return struct.pack('f', true)`,
		`return struct.pack('s', {})`,
		`return struct.pack('c', nil)`,
		`return struct.pack()`,
		`return struct.pack(12, 1)`,
		`return struct.pack({})`,
		`return struct.pack('\200')`,
		`return struct.pack('#')`,
		`local ok, e = pcall(struct.pack, 'y') return e`,
		`local p = struct.pack return p('i', 'x')`,
		// size
		`return {struct.size(''), struct.size('b'), struct.size('bBhHlLTfdx'), struct.size('i'), struct.size('i3'), struct.size('I32'), struct.size('c'), struct.size('c10')}`,
		`return {struct.size('!bd'), struct.size('!4bd'), struct.size('!2bi'), struct.size('!bi3'), struct.size('!>bxi3'), struct.size('<>! '), struct.size('!16bi16')}`,
		`return {struct.size('y'), struct.size('bz9'), struct.size('1'), struct.size('b3'), struct.size('YAQ'), struct.size(12)}`,
		`return struct.size('#')`,
		`return struct.size('b\200')`,
		`return struct.size('s')`,
		`return struct.size('c0')`,
		`return struct.size('bi33')`,
		`return struct.size('!6')`,
		`return struct.size('c99999999999')`,
		`return struct.size()`,
		`return struct.size(nil)`,
		// unpack
		`return dumpall(struct.unpack('>I2', '\1\2'))`,
		`return dumpall(struct.unpack('>I2', '\1\2\3', 2))`,
		`return dumpall(struct.unpack('>I2', '\1\2\3', 2.9))`,
		`return dumpall(struct.unpack('', '\1\2\3', -5))`,
		`return dumpall(struct.unpack('', '\1\2\3', 2^53))`,
		`return dumpall(struct.unpack('', '\1\2\3', 1e20))`,
		`return dumpall(struct.unpack('', '\1\2\3', nil))`,
		`return dumpall(struct.unpack('>', 'ab', 3))`,
		`return dumpall(struct.unpack('bBhHlLT', struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 5, 7)))`,
		`return dumpall(struct.unpack('>bBhHlLT', struct.pack('>bBhHlLT', -100, 200, -30000, 60000, -2^40, 2^50, 2^52)))`,
		`return dumpall(struct.unpack('<I8', '\255\255\255\255\255\255\255\255'))`,
		`return dumpall(struct.unpack('<i8', '\255\255\255\255\255\255\255\255'))`,
		`return dumpall(struct.unpack('<i8', '\0\0\0\0\0\0\0\128'))`,
		`return dumpall(struct.unpack('>i9', '\255\0\0\0\0\0\0\0\128'))`,
		`return dumpall(struct.unpack('>i9', '\0\0\0\0\0\0\0\0\128'))`,
		`return dumpall(struct.unpack('>i9', '\0\0\0\0\0\0\0\0\64'))`,
		`return dumpall(struct.unpack('<i16', string.rep('\255', 16)))`,
		`return dumpall(struct.unpack('>I12', string.rep('\255', 12)))`,
		`return dumpall(struct.unpack('>i0', ''))`,
		`return dumpall(struct.unpack('>I0', ''))`,
		`return dumpall(struct.unpack('<i3', '\255\255\255'))`,
		`return dumpall(struct.unpack('<i3I3', '\0\0\128\0\0\128'))`,
		`return dumpall(struct.unpack('f', '\0\0\192\63'))`,
		`return dumpall(struct.unpack('>fd', struct.pack('>fd', 0.1, 0.1)))`,
		`return dumpall(struct.unpack('<fd', '\0\0\128\127\0\0\0\0\0\0\240\255'))`,
		`return dumpall(struct.unpack('s', 'abc\0'))`,
		`return dumpall(struct.unpack('ss', 'abc\0de\0'))`,
		`return dumpall(struct.unpack('s', '\0'))`,
		`return dumpall(struct.unpack('c3', 'abcdef', 2))`,
		`return dumpall(struct.unpack('c', 'abcdef'))`,
		`return dumpall(struct.unpack('bc0', '\2abc'))`,
		`return dumpall(struct.unpack('c1c0', '2abc'))`,
		`return dumpall(struct.unpack('c2c0', '1 abc'))`,
		`return dumpall(struct.unpack('fc0', struct.pack('f', 2.75) .. 'abc'))`,
		`return dumpall(struct.unpack('bc0b', '\0\7'))`,
		`return dumpall(struct.unpack('xxb', 'abc'))`,
		`return dumpall(struct.unpack('!>bi', struct.pack('!>bi', 1, 2)))`,
		`return dumpall(struct.unpack('!>bd', struct.pack('!>bd', 1, 2)))`,
		`return dumpall(struct.unpack('!>bi3', '\1\0\0\0\0\2'))`,
		`return dumpall(struct.unpack('!>bi', '\1\0\0\0\0\0\0\2', 1))`,
		`return dumpall(struct.unpack('!>i', '\1\0\0\0\0\0\0\2', 2))`,
		`return dumpall(struct.unpack('b\0b', '\1\2'))`,
		`return dumpall(struct.unpack(' < > b', '\1'))`,
		`return dumpall(struct.unpack('c0', 12))`,
		`return dumpall(struct.unpack('c1', 12))`,
		// unpack errors
		`return struct.unpack('>I2', '\1')`,
		`return struct.unpack('>I2', '\1\2\3', 0)`,
		`return struct.unpack('>I2', '\1\2\3', -1)`,
		`return struct.unpack('>b', '\1\2\3', -5)`,
		`return struct.unpack('>', 'ab', 10)`,
		`return struct.unpack('>b', 'ab', 3)`,
		`return struct.unpack('s', 'abc')`,
		`return struct.unpack('bs', '\0')`,
		`return struct.unpack('c0', 'abc')`,
		`return struct.unpack('c1c0', 'xabc')`,
		`return struct.unpack('bc0', '\9abc')`,
		`return struct.unpack('bc0', '\255abc')`,
		`return struct.unpack('y', 'a')`,
		`return struct.unpack('b', 'ab', 'x')`,
		`return struct.unpack('b', 'ab', {})`,
		`return struct.unpack('b')`,
		`return struct.unpack('b', nil)`,
		`return struct.unpack('b', true)`,
		`return struct.unpack()`,
		`return struct.unpack('i40', 'x')`,
		`return struct.unpack('!5', 'x')`,
		`return struct.unpack('c9999999999', 'x')`,
		`return struct.unpack('d', 'abcdefg')`,
		`return struct.unpack('!bd', 'abcdefghijklmno')`,
		`local u = struct.unpack local ok, e = pcall(u, 'b', '') return e`,
		// the stack limit on results
		`return #{struct.unpack(string.rep('b', 7997), string.rep('a', 8000))}`,
		`return #{struct.unpack(string.rep('b', 7998), string.rep('a', 8000))}`,
		`return #{struct.unpack(string.rep('b', 7996), string.rep('a', 8000), 1)}`,
		`return #{struct.unpack(string.rep('b', 7997), string.rep('a', 8000), 1)}`,
		`return #{struct.unpack(string.rep('bc0', 4000), string.rep('\0', 8000))}`,
		`return #{struct.unpack(string.rep('x', 9000) .. 'b', string.rep('a', 9001))}`,
		// the table's contents
		`local ks = {} for k, v in pairs(struct) do ks[#ks+1] = k .. ':' .. type(v) end table.sort(ks) return ks`,
	}
	for _, f := range xlibNumbers {
		x := xlibNum(f)
		scripts = append(scripts,
			fmt.Sprintf(`return hex(struct.pack('>bBhHiIlLTfd', %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s))`, x),
			fmt.Sprintf(`return hex(struct.pack('<i3I5i7I9i11I13i16', %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s, %[1]s))`, x),
			fmt.Sprintf(`return dumpall(struct.unpack('>fd', struct.pack('>fd', %[1]s, %[1]s)))`, x))
	}
	rng := rand.New(rand.NewSource(2))
	for i := 0; i < 150; i++ {
		format, args := xlibRandStructFormat(rng)
		packed := `struct.pack(` + xlibQuote(format) + args + `)`
		scripts = append(scripts,
			`return hex(`+packed+`)`,
			`return dumpall(struct.unpack(`+xlibQuote(format)+`, `+packed+`))`,
			`return struct.size(`+xlibQuote(format)+`)`)
		data := make([]byte, rng.Intn(40))
		rng.Read(data)
		scripts = append(scripts, `return dumpall(struct.unpack(`+xlibQuote(format)+`, `+xlibQuote(string(data))+`, `+strconv.Itoa(rng.Intn(6)-1)+`))`)
	}
	xlibDiff(t, scripts)
}

// xlibRandStructFormat builds a random format and matching arguments.
func xlibRandStructFormat(rng *rand.Rand) (string, string) {
	var f strings.Builder
	var args strings.Builder
	opts := "bBhHlLTiIfdxcs<>! "
	for n := rng.Intn(8); n >= 0; n-- {
		o := opts[rng.Intn(len(opts))]
		f.WriteByte(o)
		switch o {
		case 'i', 'I':
			if rng.Intn(2) == 0 {
				f.WriteString(strconv.Itoa(rng.Intn(17)))
			}
			args.WriteString(", " + xlibNum(xlibRandNum(rng)))
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'f', 'd':
			args.WriteString(", " + xlibNum(xlibRandNum(rng)))
		case 'c':
			k := rng.Intn(5)
			f.WriteString(strconv.Itoa(k))
			s := strings.Repeat("z", k+rng.Intn(3))
			if k == 0 {
				s = "q"
			}
			args.WriteString(", '" + s + "'")
		case 's':
			args.WriteString(", 'str'")
		case '!':
			if rng.Intn(2) == 0 {
				f.WriteString(strconv.Itoa(1 << rng.Intn(5)))
			}
		}
	}
	return f.String(), args.String()
}

func TestStructLocal(t *testing.T) {
	L := xlibState(t)
	assert.Equal(t, "\x00\x00\x00\x01", xlibLocal(t, L, `return struct.pack('>i', 1)`).Str)
	v := xlibLocal(t, L, `return {struct.unpack('>I2', '\1\2')}`)
	assert.Equal(t, 2, len(v.Elems))
	assert.Equal(t, int64(258), v.Elems[0].Int)
	assert.Equal(t, int64(3), v.Elems[1].Int)
	assert.Equal(t, "ERR user_script:1: bad argument #3 to 'pack' (string too short)", xlibLocal(t, L, `return struct.pack('>c4', 'abc')`).Str)
	assert.Equal(t, "ERR user_script:1: bad argument #2 to 'pack' (number expected, got nil)", xlibLocal(t, L, `return struct.pack('i')`).Str)
	assert.Equal(t, int64(16), xlibLocal(t, L, `return struct.size('!bd')`).Int)
}

// FuzzStructUnpack: any format and data must give values or a Lua error,
// never a panic.
func FuzzStructUnpack(f *testing.F) {
	for _, c := range [][2]string{
		{">I2", "\x01\x02"}, {"!4bhd", "abcdefghijklmnop"}, {"bc0", "\x02ab"}, {"ss", "a\x00b\x00"},
		{"i16I9", strings.Repeat("\xff", 25)}, {"c0", ""}, {"<f>d", "12345678901234"}, {"!bi3xT", "0123456789abcdef"},
	} {
		f.Add(c[0], c[1], int64(1))
	}
	L := xlibState(f)
	fns := L.GetGlobal("struct").(*lua.LTable)
	f.Fuzz(func(t *testing.T, format, data string, pos int64) {
		for _, name := range []string{"unpack", "size", "pack"} {
			L.Push(fns.RawGetString(name))
			L.Push(lua.LString(format))
			L.Push(lua.LString(data))
			L.Push(lua.LNumber(pos))
			_ = L.PCall(3, lua.MultRet, nil)
			L.SetTop(0)
		}
	})
}
