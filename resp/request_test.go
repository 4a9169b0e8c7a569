package resp

import (
	"bufio"
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readAll(t *testing.T, in string) ([][]string, error) {
	t.Helper()
	rr := NewRequestReader(bufio.NewReaderSize(strings.NewReader(in), 16))
	var cmds [][]string
	for {
		args, err := rr.ReadCommand()
		if err != nil {
			return cmds, err
		}
		cmds = append(cmds, append([]string(nil), args...))
	}
}

func TestRequestReaderCommands(t *testing.T) {
	for _, c := range []struct {
		in   string
		want [][]string
		err  error
	}{
		{"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", [][]string{{"GET", "k"}}, io.EOF},
		{"*1\r\n$0\r\n\r\n*0\r\n*-1\r\n\r\n  \r\nPING\r\n", [][]string{{""}, {"PING"}}, io.EOF},
		{"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n", [][]string{{"SET", "k", "a\r\nb"}}, io.EOF},
		{"*1\rX$4\r\nPINGxx", [][]string{{"PING"}}, io.EOF},
		{"SET k v\nGET k\r\n", [][]string{{"SET", "k", "v"}, {"GET", "k"}}, io.EOF},
		{"a\rb\tc\vd\fe  f\r\n", [][]string{{"a", "b", "c\vd\fe", "f"}}, io.EOF},
		{`SET "a b" 'c d' "" ''` + "\r\n", [][]string{{"SET", "a b", "c d", "", ""}}, io.EOF},
		{`x "\x41\x4a\x4Z\xZZ\n\r\t\b\a\\\"\q"` + "\n", [][]string{{"x", "AJx4ZxZZ\n\r\t\b\a\\\"q"}}, io.EOF},
		{`x 'it\'s \n'` + "\n", [][]string{{"x", `it's \n`}}, io.EOF},
		{`x a"b c"d` + "\n", nil, &ProtocolError{MsgUnbalancedQuotes}},
		{`x a"b c"` + "\n", [][]string{{"x", "ab c"}}, io.EOF},
		{`x "a"` + "\v\n", [][]string{{"x", "a"}}, io.EOF},
		{"PING\r\n*1\r\n$4\r\nPI", [][]string{{"PING"}}, io.ErrUnexpectedEOF},
		{"PING", nil, io.ErrUnexpectedEOF},
		{"", nil, io.EOF},
		{"*1\r\n$1\r\nx\r\n*1\r\n$-1\r\n", [][]string{{"x"}}, &ProtocolError{MsgInvalidBulkLen}},
		{"*1\r\n$1\r\nx\r\n*1\r\n\r\n", [][]string{{"x"}}, &ProtocolError{"ERR Protocol error: expected '$', got ' '"}},
	} {
		got, err := readAll(t, c.in)
		assert.Equal(t, c.want, got, "%q", c.in)
		assert.Equal(t, c.err, err, "%q", c.in)
	}
}

func TestRequestReaderLimits(t *testing.T) {
	rr := NewRequestReader(bufio.NewReader(strings.NewReader("*1\r\n$11\r\nhello world\r\n")))
	rr.MaxBulkLen = 10
	_, err := rr.ReadCommand()
	assert.Equal(t, &ProtocolError{MsgInvalidBulkLen}, err)

	rr = NewRequestReader(bufio.NewReader(strings.NewReader("*11\r\n")))
	rr.Unauthenticated = true
	_, err = rr.ReadCommand()
	assert.Equal(t, &ProtocolError{MsgUnauthMbulkLen}, err)

	rr = NewRequestReader(bufio.NewReader(strings.NewReader("*10\r\n$16385\r\n")))
	rr.Unauthenticated = true
	_, err = rr.ReadCommand()
	assert.Equal(t, &ProtocolError{MsgUnauthBulkLen}, err)

	rr.Reset(bufio.NewReader(strings.NewReader("*1\r\n$16384\r\n" + strings.Repeat("x", 16384) + "\r\n")))
	args, err := rr.ReadCommand()
	require.NoError(t, err)
	assert.Len(t, args[0], 16384)
}

// TestRequestReaderClaimedLengths checks that lengths the client claims do
// not make the reader allocate before the bytes arrive.
func TestRequestReaderClaimedLengths(t *testing.T) {
	for _, in := range []string{
		"*2147483647\r\n$536870912\r\nabc",
		"*999999999\r\n" + strings.Repeat("$1\r\na\r\n", 1000),
		"*1\r\n$536870912\r\n" + strings.Repeat("x", 100000),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		rr := NewRequestReader(bufio.NewReader(strings.NewReader(in)))
		_, err := rr.ReadArgs()
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(2<<20), "%.40q", in)
		assert.LessOrEqual(t, cap(rr.buf), 2*len(in)+readChunk)
	}
}

func TestRequestReaderAllocs(t *testing.T) {
	cmd := []byte("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
	in := bytes.NewReader(cmd)
	br := bufio.NewReader(in)
	rr := NewRequestReader(br)
	next := func() {
		in.Reset(cmd)
		br.Reset(in)
		rr.Reset(br)
	}
	next()
	_, err := rr.ReadArgs()
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		next()
		if _, err := rr.ReadArgs(); err != nil {
			panic(err)
		}
	}), "ReadArgs")
	assert.Equal(t, 3.0, testing.AllocsPerRun(100, func() {
		next()
		if _, err := rr.ReadCommand(); err != nil {
			panic(err)
		}
	}), "ReadCommand allocates the strings only")
	inline := []byte("SET key \"value\"\r\n")
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		in.Reset(inline)
		br.Reset(in)
		rr.Reset(br)
		if _, err := rr.ReadArgs(); err != nil {
			panic(err)
		}
	}), "inline ReadArgs")
}

func TestParseLL(t *testing.T) {
	for s, want := range map[string]int64{"0": 0, "1": 1, "-1": -1, "9223372036854775807": 1<<63 - 1, "-9223372036854775808": -1 << 63} {
		n, ok := parseLL([]byte(s))
		assert.True(t, ok, s)
		assert.Equal(t, want, n, s)
	}
	for _, s := range []string{"", "-", "-0", "01", "+1", " 1", "1 ", "1x", "9223372036854775808", "-9223372036854775809", "99999999999999999999"} {
		_, ok := parseLL([]byte(s))
		assert.False(t, ok, s)
	}
}

func BenchmarkRequestReaderMultibulk(b *testing.B) {
	cmd := []byte("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
	in := bytes.NewReader(cmd)
	br := bufio.NewReader(in)
	rr := NewRequestReader(br)
	b.ReportAllocs()
	for b.Loop() {
		in.Reset(cmd)
		br.Reset(in)
		rr.Reset(br)
		if _, err := rr.ReadArgs(); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzRequestReader feeds arbitrary bytes: the reader must return commands
// or an error, never panic, and keep its buffer proportional to the input.
func FuzzRequestReader(f *testing.F) {
	for _, s := range []string{
		"*1\r\n$4\r\nPING\r\n", "PING\r\n", `SET "a\x41" 'b\'c'` + "\n", "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
		"*999999999\r\n$536870912\r\nab", "*1\r\n$-1\r\n", "*x\r\n", "\x00\r\n", "*0\r\n\r\n", `"unbalanced` + "\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rr := NewRequestReader(bufio.NewReaderSize(bytes.NewReader(data), 16))
		for {
			args, err := rr.ReadArgs()
			if cap(rr.buf) > 2*len(data)+readChunk {
				t.Fatalf("buffer of %d bytes for %d bytes of input", cap(rr.buf), len(data))
			}
			if err != nil {
				if _, ok := IsProtocolError(err); !ok && err != io.EOF && err != io.ErrUnexpectedEOF {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(args) == 0 {
				t.Fatal("empty command returned")
			}
		}
	})
}

func TestRequestReaderBuffered(t *testing.T) {
	rr := NewRequestReader(bufio.NewReader(strings.NewReader("PING\r\nPING\r\n")))
	_, err := rr.ReadArgs()
	require.NoError(t, err)
	assert.Equal(t, 6, rr.Buffered())
	_, err = rr.ReadArgs()
	require.NoError(t, err)
	assert.Zero(t, rr.Buffered())
}
