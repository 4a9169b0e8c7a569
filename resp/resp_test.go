package resp

import (
	"bufio"
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuilderNesting(t *testing.T) {
	var b Builder
	b.Array(3)
	b.Bulk("a")
	b.Array(2)
	b.Int(1)
	b.Array(0)
	b.NullBulk()
	want := Value{Kind: KindArray, Elems: []Value{
		{Kind: KindBulk, Str: "a"},
		{Kind: KindArray, Elems: []Value{{Kind: KindInt, Int: 1}, {Kind: KindArray, Elems: []Value{}}}},
		{Kind: KindNullBulk},
	}}
	assert.Equal(t, want, b.Value())

	b.Reset()
	b.Status("OK")
	assert.Equal(t, Value{Kind: KindStatus, Str: "OK"}, b.Value())
}

func TestBuilderProtocols(t *testing.T) {
	build := func(proto int, write func(w Writer)) Value {
		b := Builder{Protocol: proto}
		write(&b)
		return b.Value()
	}
	mapOf := func(w Writer) { w.Map(1); w.Bulk("f"); w.Bulk("v") }
	assert.Equal(t, KindArray, build(2, mapOf).Kind)
	assert.Len(t, build(2, mapOf).Elems, 2)
	assert.Equal(t, KindMap, build(3, mapOf).Kind)

	assert.Equal(t, Value{Kind: KindBulk, Str: "1.5"}, build(2, func(w Writer) { w.Double(1.5) }))
	assert.Equal(t, Value{Kind: KindDouble, Float: 1.5}, build(3, func(w Writer) { w.Double(1.5) }))
	assert.Equal(t, Value{Kind: KindInt, Int: 1}, build(2, func(w Writer) { w.Bool(true) }))
	assert.Equal(t, Value{Kind: KindBool, Int: 1}, build(3, func(w Writer) { w.Bool(true) }))
	assert.Equal(t, Value{Kind: KindNullArray}, build(2, func(w Writer) { w.NullArray() }))
	assert.Equal(t, Value{Kind: KindNull}, build(3, func(w Writer) { w.NullArray() }))
	assert.Equal(t, KindSet, build(3, func(w Writer) { w.Set(1); w.Bulk("m") }).Kind)
}

func TestFormatDouble(t *testing.T) {
	for f, want := range map[float64]string{
		1: "1", 1.5: "1.5", 0.1: "0.10000000000000001", 1e17: "1e+17", 1e16: "10000000000000000",
		math.Inf(1): "inf", math.Inf(-1): "-inf", math.NaN(): "nan", -2.5e-10: "-2.5000000000000002e-10",
	} {
		assert.Equal(t, want, FormatDouble(f), "%v", f)
	}
}

func TestReadValue(t *testing.T) {
	in := "+OK\r\n-ERR bad\r\n:-42\r\n$3\r\nfoo\r\n$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n:1\r\n" +
		"_\r\n,1.5\r\n,inf\r\n#t\r\n%1\r\n$1\r\nk\r\n$1\r\nv\r\n~1\r\n$1\r\nm\r\n=7\r\ntxt:abc\r\n(123\r\n!3\r\nERR\r\n" +
		"|1\r\n+key\r\n+val\r\n:7\r\n"
	r := bufio.NewReader(strings.NewReader(in))
	want := []Value{
		{Kind: KindStatus, Str: "OK"},
		{Kind: KindError, Str: "ERR bad"},
		{Kind: KindInt, Int: -42},
		{Kind: KindBulk, Str: "foo"},
		{Kind: KindNullBulk},
		{Kind: KindNullArray},
		{Kind: KindArray, Elems: []Value{{Kind: KindBulk, Str: "a"}, {Kind: KindInt, Int: 1}}},
		{Kind: KindNull},
		{Kind: KindDouble, Float: 1.5},
		{Kind: KindDouble, Float: math.Inf(1)},
		{Kind: KindBool, Int: 1},
		{Kind: KindMap, Elems: []Value{{Kind: KindBulk, Str: "k"}, {Kind: KindBulk, Str: "v"}}},
		{Kind: KindSet, Elems: []Value{{Kind: KindBulk, Str: "m"}}},
		{Kind: KindBulk, Str: "abc"},
		{Kind: KindBulk, Str: "123"},
		{Kind: KindError, Str: "ERR"},
		{Kind: KindInt, Int: 7},
	}
	for i, w := range want {
		v, err := ReadValue(r)
		require.NoError(t, err, "value %d", i)
		assert.Equal(t, w, v, "value %d", i)
	}
}

func TestReadValueErrors(t *testing.T) {
	for _, in := range []string{"", "x\r\n", "+OK\n", ":abc\r\n", "$5\r\nab\r\n", "$2\r\nabcd", "*2\r\n:1\r\n",
		"$-2\r\n", "*99999999999\r\n", "#x\r\n", ",abc\r\n", "=2\r\nab\r\n", strings.Repeat("*1\r\n", 100) + ":1\r\n"} {
		_, err := ReadValue(bufio.NewReader(strings.NewReader(in)))
		assert.Error(t, err, "%q", in)
	}
}

func TestAppendCommand(t *testing.T) {
	assert.Equal(t, "*2\r\n$3\r\nGET\r\n$0\r\n\r\n", string(AppendCommand(nil, "GET", "")))
	v, err := ReadValue(bufio.NewReader(bytes.NewReader(AppendCommand(nil, "SET", "k", "a\r\nb"))))
	require.NoError(t, err)
	assert.Equal(t, "a\r\nb", v.Elems[2].Str)
}

func TestValueString(t *testing.T) {
	v := Value{Kind: KindArray, Elems: []Value{{Kind: KindBulk, Str: "a"}, {Kind: KindInt, Int: 2}, {Kind: KindError, Str: "ERR x"}}}
	assert.Equal(t, "1) \"a\"\n2) (integer) 2\n3) (error) ERR x", v.String())
	assert.Equal(t, "(empty array)", Value{Kind: KindArray}.String())
}

// FuzzReadValue feeds arbitrary bytes to the reader: it must return a value
// or an error, never panic or hang.
func FuzzReadValue(f *testing.F) {
	for _, s := range []string{"+OK\r\n", "*2\r\n$1\r\na\r\n:1\r\n", "%1\r\n+a\r\n_\r\n", "$-1\r\n", "|1\r\n+a\r\n+b\r\n#t\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		for range 16 {
			if _, err := ReadValue(r); err != nil {
				return
			}
		}
	})
}

// TestValueWriteTo replays a reply of every kind, recorded in a protocol,
// into a writer of the same protocol, and gets the reply written directly.
func TestValueWriteTo(t *testing.T) {
	write := func(w Writer) {
		w.Array(9)
		w.Status("OK")
		w.Error("ERR x")
		w.Int(-7)
		w.Bulk("b")
		w.NullBulk()
		w.NullArray()
		w.Map(1)
		w.Bulk("k")
		w.Set(2)
		w.Double(1.5)
		w.Bool(true)
		w.Array(0)
	}
	for _, proto := range []int{2, 3} {
		direct := Builder{Protocol: proto}
		write(&direct)
		recorded := Builder{Protocol: proto}
		write(&recorded)
		replayed := Builder{Protocol: proto}
		recorded.Value().WriteTo(&replayed)
		if got, want := replayed.Value().String(), direct.Value().String(); got != want {
			t.Errorf("RESP%d: replayed\n%s\nwant\n%s", proto, got, want)
		}
	}
}
