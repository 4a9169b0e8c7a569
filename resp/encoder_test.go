package resp

import (
	"bufio"
	"bytes"
	"io"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func encode(proto int, write func(e *Encoder)) string {
	var out bytes.Buffer
	e := NewEncoder(bufio.NewWriter(&out))
	e.SetProto(proto)
	write(e)
	if err := e.Flush(); err != nil {
		panic(err)
	}
	return out.String()
}

func TestEncoderBytes(t *testing.T) {
	for _, c := range []struct {
		name   string
		write  func(e *Encoder)
		r2, r3 string
	}{
		{"status", func(e *Encoder) { e.Status("OK") }, "+OK\r\n", "+OK\r\n"},
		{"status crlf", func(e *Encoder) { e.Status("a\r\nb\nc") }, "+a  b c\r\n", "+a  b c\r\n"},
		{"error", func(e *Encoder) { e.Error("ERR x") }, "-ERR x\r\n", "-ERR x\r\n"},
		{"error crlf", func(e *Encoder) { e.Error("ERR a\r\nb\r\n") }, "-ERR a  b\r\n", "-ERR a  b\r\n"},
		{"int", func(e *Encoder) { e.Int(-42) }, ":-42\r\n", ":-42\r\n"},
		{"int min", func(e *Encoder) { e.Int(math.MinInt64) }, ":-9223372036854775808\r\n", ":-9223372036854775808\r\n"},
		{"bulk", func(e *Encoder) { e.Bulk("a\r\nb") }, "$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n"},
		{"empty bulk", func(e *Encoder) { e.Bulk("") }, "$0\r\n\r\n", "$0\r\n\r\n"},
		{"bulk bytes", func(e *Encoder) { e.BulkBytes([]byte{0, 0xff}) }, "$2\r\n\x00\xff\r\n", "$2\r\n\x00\xff\r\n"},
		{"null bulk", func(e *Encoder) { e.NullBulk() }, "$-1\r\n", "_\r\n"},
		{"null array", func(e *Encoder) { e.NullArray() }, "*-1\r\n", "_\r\n"},
		{"array", func(e *Encoder) { e.Array(2); e.Int(1); e.Bulk("x") }, "*2\r\n:1\r\n$1\r\nx\r\n", "*2\r\n:1\r\n$1\r\nx\r\n"},
		{"empty array", func(e *Encoder) { e.Array(0) }, "*0\r\n", "*0\r\n"},
		{"map", func(e *Encoder) { e.Map(1); e.Bulk("k"); e.Int(1) }, "*2\r\n$1\r\nk\r\n:1\r\n", "%1\r\n$1\r\nk\r\n:1\r\n"},
		{"set", func(e *Encoder) { e.Set(1); e.Bulk("m") }, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{"push", func(e *Encoder) { e.Push(1); e.Bulk("m") }, "*1\r\n$1\r\nm\r\n", ">1\r\n$1\r\nm\r\n"},
		{"double", func(e *Encoder) { e.Double(1.5) }, "$3\r\n1.5\r\n", ",1.5\r\n"},
		{"double long", func(e *Encoder) { e.Double(-2.2250738585072014e-308) }, "$24\r\n-2.2250738585072014e-308\r\n", ",-2.2250738585072014e-308\r\n"},
		{"double inf", func(e *Encoder) { e.Double(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n"},
		{"double -inf", func(e *Encoder) { e.Double(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n"},
		{"double nan", func(e *Encoder) { e.Double(math.NaN()) }, "$3\r\nnan\r\n", ",nan\r\n"},
		{"bool true", func(e *Encoder) { e.Bool(true) }, ":1\r\n", "#t\r\n"},
		{"bool false", func(e *Encoder) { e.Bool(false) }, ":0\r\n", "#f\r\n"},
		{"big number", func(e *Encoder) { e.BigNumber("123456789012345678901234567890") },
			"$30\r\n123456789012345678901234567890\r\n", "(123456789012345678901234567890\r\n"},
		{"verbatim", func(e *Encoder) { e.Verbatim("txt", "hi") }, "$2\r\nhi\r\n", "=6\r\ntxt:hi\r\n"},
		{"verbatim short format", func(e *Encoder) { e.Verbatim("x", "") }, "$0\r\n\r\n", "=4\r\nx  :\r\n"},
		{"verbatim long format", func(e *Encoder) { e.Verbatim("markdown", "a") }, "$1\r\na\r\n", "=5\r\nmar:a\r\n"},
	} {
		assert.Equal(t, c.r2, encode(2, c.write), "RESP2 %s", c.name)
		assert.Equal(t, c.r3, encode(3, c.write), "RESP3 %s", c.name)
	}
}

func TestEncoderProto(t *testing.T) {
	var out bytes.Buffer
	e := NewEncoder(bufio.NewWriter(&out))
	assert.Equal(t, 2, e.Proto())
	e.SetProto(3)
	assert.Equal(t, 3, e.Proto())
	e.SetProto(7)
	assert.Equal(t, 2, e.Proto())
	e.SetProto(3)
	e.Reset(bufio.NewWriter(&out))
	assert.Equal(t, 2, e.Proto(), "Reset starts a new connection in RESP2")
}

// TestEncoderRoundTrip reads what the Encoder writes back with ReadValue and
// compares it with what a Builder of the same protocol keeps.
func TestEncoderRoundTrip(t *testing.T) {
	write := func(w Writer) {
		w.Array(9)
		w.Status("OK")
		w.Int(7)
		w.Bulk("b\x00")
		w.NullBulk()
		w.Map(1)
		w.Bulk("k")
		w.Double(2.5)
		w.Set(2)
		w.Bool(true)
		w.Bool(false)
		w.Array(0)
		w.NullArray()
		w.Error("ERR e")
	}
	for _, proto := range []int{2, 3} {
		b := Builder{Protocol: proto}
		write(&b)
		s := encode(proto, func(e *Encoder) { write(e) })
		v, err := ReadValue(bufio.NewReader(bytes.NewReader([]byte(s))))
		require.NoError(t, err)
		assert.Equal(t, b.Value(), v, "RESP%d", proto)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestEncoderFlushError(t *testing.T) {
	e := NewEncoder(bufio.NewWriterSize(failWriter{}, 16))
	e.Bulk("a long enough reply to overflow the buffer")
	assert.ErrorIs(t, e.Flush(), io.ErrClosedPipe)
}

func TestEncoderNoAllocs(t *testing.T) {
	e := NewEncoder(bufio.NewWriterSize(io.Discard, 1<<16))
	v := []byte("v")
	for _, proto := range []int{2, 3} {
		e.SetProto(proto)
		allocs := testing.AllocsPerRun(100, func() {
			e.Array(12)
			e.Status("OK")
			e.Status("a\nb")
			e.Error("ERR x\r\n")
			e.Int(-123456789)
			e.Bulk("value")
			e.BulkBytes(v)
			e.NullBulk()
			e.NullArray()
			e.Map(1)
			e.Set(1)
			e.Push(1)
			e.Double(3.14159)
			e.Double(math.Inf(1))
			e.Bool(true)
			e.BigNumber("123")
			e.Verbatim("txt", "abc")
			e.Flush()
		})
		assert.Zero(t, allocs, "RESP%d", proto)
	}
}

func BenchmarkEncoderBulk(b *testing.B) {
	e := NewEncoder(bufio.NewWriterSize(io.Discard, 1<<16))
	b.ReportAllocs()
	for b.Loop() {
		e.Bulk("some value of moderate size")
	}
	e.Flush()
}

func BenchmarkEncoderArray10(b *testing.B) {
	e := NewEncoder(bufio.NewWriterSize(io.Discard, 1<<16))
	elems := []string{"a", "bb", "ccc", "dddd", "eeeee", "ffffff", "g", "hh", "iii", "jjjj"}
	b.ReportAllocs()
	for b.Loop() {
		e.Array(len(elems))
		for _, s := range elems {
			e.Bulk(s)
		}
	}
	e.Flush()
}

func BenchmarkEncoderDouble(b *testing.B) {
	e := NewEncoder(bufio.NewWriterSize(io.Discard, 1<<16))
	b.ReportAllocs()
	for b.Loop() {
		e.Double(1.0 / 3)
	}
	e.Flush()
}
