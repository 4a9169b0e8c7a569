package resp_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/racefree/racefree/internal/redistest"
	"github.com/racefree/racefree/resp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { os.Exit(redistest.Main(m)) }

// rawRedis sends in to the live server on a fresh connection, half-closes
// it, and returns every byte the server sends until it closes.
func rawRedis(t *testing.T, in []byte) string {
	t.Helper()
	redistest.Need(t)
	c, err := net.Dial("tcp", redistest.Addr())
	require.NoError(t, err)
	defer c.Close()
	go func() {
		c.Write(in) // fails when the server closes early: fine
		c.(*net.TCPConn).CloseWrite()
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	out, err := io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("redis-server did not close the connection for %q", clip(in))
	}
	return string(out)
}

// ourReplies parses in with a RequestReader (through a small bufio buffer, to
// exercise lines longer than it), runs every command on the live server as a
// multibulk request, and encodes the replies with an Encoder; a protocol
// error adds its reply, as the server will.
func ourReplies(t *testing.T, in []byte, bufSize int) string {
	t.Helper()
	lc := redistest.Dial(t)
	rr := resp.NewRequestReader(bufio.NewReaderSize(bytes.NewReader(in), bufSize))
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	enc := resp.NewEncoder(bw)
	for {
		args, err := rr.ReadCommand()
		if err != nil {
			if pe, ok := resp.IsProtocolError(err); ok {
				enc.Error(pe.Msg)
			} else if err != io.EOF && err != io.ErrUnexpectedEOF {
				t.Fatalf("unexpected error %v", err)
			}
			break
		}
		encodeValue(enc, lc.Do(t, args...))
	}
	require.NoError(t, enc.Flush())
	return out.String()
}

func encodeValue(e *resp.Encoder, v resp.Value) {
	switch v.Kind {
	case resp.KindStatus:
		e.Status(v.Str)
	case resp.KindError:
		e.Error(v.Str)
	case resp.KindInt:
		e.Int(v.Int)
	case resp.KindBulk:
		e.Bulk(v.Str)
	case resp.KindNullBulk:
		e.NullBulk()
	case resp.KindNullArray:
		e.NullArray()
	case resp.KindArray:
		e.Array(len(v.Elems))
		for _, x := range v.Elems {
			encodeValue(e, x)
		}
	default:
		panic("unexpected kind")
	}
}

func clip(b []byte) string {
	if len(b) > 80 {
		return strings.ToValidUTF8(string(b[:80]), "?") + "..."
	}
	return string(b)
}

// TestRequestReaderDifferential compares, byte for byte, what redis-server
// replies to raw request bytes with what the RequestReader and Encoder make
// of them.
func TestRequestReaderDifferential(t *testing.T) {
	redistest.Need(t)
	big := func(prefix string, n int, suffix string) string {
		return prefix + strings.Repeat("1", n) + suffix
	}
	cases := []string{
		// well-formed
		"*1\r\n$4\r\nPING\r\n",
		"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
		"*2\r\n$4\r\nECHO\r\n$5\r\n\x00\xff\r\n\r\r\n",
		"*1\r\n$4\r\nPING\r\n*2\r\n$4\r\necho\r\n$1\r\na\r\nPING\r\n",
		"*3\r\n$3\r\nSET\r\n$2\r\nrk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$2\r\nrk\r\n*2\r\n$3\r\nDEL\r\n$2\r\nrk\r\n",
		"*1\rX$4\r\nPINGxy*1\r\n$4\r\nPING\r\n", // Redis checks neither the LF nor the CRLF after a bulk
		"*0\r\n*1\r\n$4\r\nPING\r\n",
		"*-1\r\nPING\r\n",
		"*-5\r\nPING\r\n",
		"*1\r\n$4\r\nPING", // incomplete: no reply
		"*3\r\n$4\r\nECHO\r\n",
		"*2147483647\r\n$4\r\nPING\r\n",
		"*999999999\r\n$1\r\na\r\n",
		"*1\r\n$536870912\r\nabc",
		"*1\r\n$4\r\nPI",
		"*",
		"*1",
		"*1\r",
		"*1\r\n",
		"*1\r\n$",
		"*1\r\n$4\r",
		// inline
		"PING\r\n", "PING\n", "ping\r\nPING\n", "\r\n", "\n", "  \t \r\nPING\r\n", "PING", "PING\r",
		"ECHO hello\r\n", "ECHO   hello   \r\n", "ECHO a\rb\r\n", "ECHO a\tb\r\n", "ECHO\vx\r\n", "ECHO\fx\r\n",
		"ECHO \"a b\"\r\n", "ECHO 'a b'\r\n", "ECHO \"\"\r\n", "ECHO ''\r\n",
		"ECHO \"\\x41\\x4a\\x4Z\\xZZ\\x\\n\\r\\t\\b\\a\\\\\\\"\\q\"\r\n",
		"ECHO 'it\\'s \\n \\\\'\r\n", "ECHO a\"b c\"\r\n", "ECHO a'b c'\r\n", "ECHO \"x\"\v\r\n", "ECHO \"x\"\t\r\n",
		"ECHO \"a\" \"b\"\r\n", "ECHO \"a\"'b'\r\n", "ECHO \"a\r\n", "ECHO 'a\r\n", "ECHO \"a\"b\r\n", "ECHO 'a'b\r\n",
		"ECHO 'a\\'\r\n", "ECHO \"a\\\"\r\n", "ECHO \"\\\r\n", "ECHO \"a\\\r\n", "\"\r\n", "'\r\n",
		"ECHO \"\x00\"\r\n", "PING\x00\r\n", "PING\x00\r\n" + strings.Repeat("x", 70000),
		"*2\r\n$4\r\nECHO\r\n$3\r\n\x00\x00\x00\r\n",
		// multibulk errors
		"*01\r\n", "*+1\r\n", "* 1\r\n", "*1 \r\n", "*\r\n", "*-0\r\n", "*x\r\n", "*1\n\r\n", "*2147483648\r\n",
		"*99999999999999999999\r\n", "*-9223372036854775808\r\n", "*-9223372036854775809\r\n",
		"*1\r\n\r\n", "*1\r\n\n\r\n", "*1\r\nx\r\n", "*1\r\n:1\r\n", "*2\r\n$4\r\nECHO\r\n*1\r\n", "*1\r\n \r\n", "*1\r\n\xff\r\n",
		"*1\r\n$-1\r\n", "*1\r\n$\r\n", "*1\r\n$+4\r\n", "*1\r\n$04\r\n", "*1\r\n$4 \r\n", "*1\r\n$x\r\n",
		"*1\r\n$536870913\r\n", "*1\r\n$10000000000\r\n", "*1\r\n$99999999999999999999999\r\n",
		"*\x00\r\n", "*1\r\n$\x00\r\n", "*1\r\n\x00\r\n" + strings.Repeat("y", 70000),
		// too big lines
		strings.Repeat("a", 65537), strings.Repeat("a", 65536), strings.Repeat("a", 100000),
		big("*", 65537, ""), big("*", 65536, ""), big("*1\r\n$", 65537, ""), big("*1\r\n$", 65535, ""),
		"ECHO " + strings.Repeat("b", 1000) + "\r\n",
	}
	for _, c := range cases {
		want := rawRedis(t, []byte(c))
		for _, size := range []int{16, 4096, 1 << 17} {
			got := ourReplies(t, []byte(c), size)
			if !assert.Equal(t, want, got, "input %q (bufio size %d)", clip([]byte(c)), size) {
				break
			}
		}
	}
}

func TestProtocolErrorTexts(t *testing.T) {
	for in, want := range map[string]string{
		"*x\r\n":                               resp.MsgInvalidMbulkLen,
		"*1\r\n$x\r\n":                         resp.MsgInvalidBulkLen,
		"*1\r\n+x\r\n":                         "ERR Protocol error: expected '$', got '+'",
		"ECHO \"x\r\n":                         resp.MsgUnbalancedQuotes,
		strings.Repeat("z", 70000):             resp.MsgTooBigInline,
		"*" + strings.Repeat("1", 70000):       resp.MsgTooBigMbulkCount,
		"*1\r\n$" + strings.Repeat("1", 70000): resp.MsgTooBigBulkCount,
	} {
		rr := resp.NewRequestReader(bufio.NewReader(strings.NewReader(in)))
		_, err := rr.ReadCommand()
		pe, ok := resp.IsProtocolError(err)
		require.True(t, ok, "%q: %v", clip([]byte(in)), err)
		assert.Equal(t, want, pe.Msg)
		assert.Equal(t, want, err.Error())
		_, err2 := rr.ReadCommand()
		assert.Equal(t, err, err2, "errors are sticky")
	}
}

// recorder keeps the bytes read through it.
type recorder struct {
	r   io.Reader
	buf bytes.Buffer
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf.Write(p[:n])
	return n, err
}

// rawConn sends commands to the live server and returns the exact bytes of
// each reply.
type rawConn struct {
	c   net.Conn
	rec *recorder
	rd  *bufio.Reader
}

func dialRaw(t *testing.T) *rawConn {
	redistest.Need(t)
	c, err := net.Dial("tcp", redistest.Addr())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	rec := &recorder{r: c}
	return &rawConn{c: c, rec: rec, rd: bufio.NewReader(rec)}
}

func (rc *rawConn) do(t *testing.T, args ...string) string {
	t.Helper()
	rc.rec.buf.Reset()
	_, err := rc.c.Write(resp.AppendCommand(nil, args...))
	require.NoError(t, err)
	_, err = resp.ReadValue(rc.rd)
	require.NoError(t, err)
	require.Zero(t, rc.rd.Buffered())
	return rc.rec.buf.String()
}

func encoded(proto int, write func(e *resp.Encoder)) string {
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	e := resp.NewEncoder(bw)
	e.SetProto(proto)
	write(e)
	e.Flush()
	return out.String()
}

// TestEncoderAgainstRedis compares the Encoder's bytes with the live
// server's replies in RESP2 and RESP3.
func TestEncoderAgainstRedis(t *testing.T) {
	rc := dialRaw(t)
	rc.do(t, "DEL", "{enc}z", "{enc}h", "{enc}s")
	rc.do(t, "ZADD", "{enc}z", "1.5", "a", "inf", "b", "-inf", "c", "0.1", "d", "1e300", "e", "-2.5e-10", "f", "100", "g")
	rc.do(t, "HSET", "{enc}h", "f", "v")
	rc.do(t, "SADD", "{enc}s", "m")
	scores := map[string]float64{"a": 1.5, "b": math.Inf(1), "c": math.Inf(-1), "d": 0.1, "e": 1e300, "f": -2.5e-10, "g": 100}
	for _, proto := range []int{2, 3} {
		p := strconv.Itoa(proto)
		rc.do(t, "HELLO", p)
		for m, f := range scores {
			assert.Equal(t, rc.do(t, "ZSCORE", "{enc}z", m), encoded(proto, func(e *resp.Encoder) { e.Double(f) }), "RESP%d %s", proto, m)
		}
		assert.Equal(t, rc.do(t, "HGETALL", "{enc}h"), encoded(proto, func(e *resp.Encoder) { e.Map(1); e.Bulk("f"); e.Bulk("v") }))
		assert.Equal(t, rc.do(t, "SMEMBERS", "{enc}s"), encoded(proto, func(e *resp.Encoder) { e.Set(1); e.Bulk("m") }))
		assert.Equal(t, rc.do(t, "GET", "{enc}missing"), encoded(proto, func(e *resp.Encoder) { e.NullBulk() }))
		assert.Equal(t, rc.do(t, "BLPOP", "{enc}missing", "0.01"), encoded(proto, func(e *resp.Encoder) { e.NullArray() }))
		assert.Equal(t, rc.do(t, "HSET", "{enc}h", "f", "v"), encoded(proto, func(e *resp.Encoder) { e.Int(0) }))
		assert.Equal(t, rc.do(t, "PING"), encoded(proto, func(e *resp.Encoder) { e.Status("PONG") }))
		assert.Equal(t, rc.do(t, "GET", "{enc}h"), encoded(proto, func(e *resp.Encoder) {
			e.Error("WRONGTYPE Operation against a key holding the wrong kind of value")
		}))
		assert.Equal(t, rc.do(t, "EVAL", "return {big_number='-12345678901234567890'}", "0"),
			encoded(proto, func(e *resp.Encoder) { e.BigNumber("-12345678901234567890") }))
		for _, f := range []string{"txt", "mkd", "x", ""} {
			assert.Equal(t, rc.do(t, "EVAL", "return {verbatim_string={format='"+f+"', string='a\\r\\nb'}}", "0"),
				encoded(proto, func(e *resp.Encoder) { e.Verbatim(f, "a\r\nb") }), "verbatim %q", f)
		}
		assert.Equal(t, rc.do(t, "EVAL", "return {double=3.25}", "0"), encoded(proto, func(e *resp.Encoder) { e.Double(3.25) }))
		assert.Equal(t, rc.do(t, "EVAL", "return {err='my\\r\\nerror\\n'}", "0"),
			encoded(proto, func(e *resp.Encoder) { e.Error("my\r\nerror\n") }))
		// A pub/sub message is a push in RESP3 and an array in RESP2.
		rc.do(t, "SUBSCRIBE", "{enc}ch")
		got := rc.do(t, "PING")
		if proto == 3 {
			assert.Equal(t, "+PONG\r\n", got)
		} else {
			assert.Equal(t, encoded(2, func(e *resp.Encoder) { e.Array(2); e.Bulk("pong"); e.Bulk("") }), got)
		}
		assert.Equal(t, rc.do(t, "UNSUBSCRIBE", "{enc}ch"), encoded(proto, func(e *resp.Encoder) {
			e.Push(3)
			e.Bulk("unsubscribe")
			e.Bulk("{enc}ch")
			e.Int(0)
		}))
	}
}
