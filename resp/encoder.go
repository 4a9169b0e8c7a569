package resp

import (
	"bufio"
	"strconv"
	"strings"
)

// Encoder is a Writer that encodes replies as RESP bytes on a bufio.Writer,
// the way redis-server 7.0 does: RESP2 (the default) or RESP3, switched per
// connection with SetProto (HELLO). Writes go to the bufio.Writer; call Flush
// to send them. A write error is kept by the bufio.Writer and returned by
// Flush. Encoding a reply does not allocate. Not safe for concurrent use.
type Encoder struct {
	w       *bufio.Writer
	proto   int
	scratch [32]byte // headers
	num     [40]byte // RESP2 doubles
}

// NewEncoder returns an Encoder writing RESP2 to w.
func NewEncoder(w *bufio.Writer) *Encoder { return &Encoder{w: w, proto: 2} }

// Reset makes e write to w with protocol 2, as for a new connection.
func (e *Encoder) Reset(w *bufio.Writer) {
	e.w = w
	e.proto = 2
}

// SetProto selects the protocol: 3 for RESP3, anything else for RESP2.
func (e *Encoder) SetProto(p int) {
	if p == 3 {
		e.proto = 3
	} else {
		e.proto = 2
	}
}

// Proto implements Writer.
func (e *Encoder) Proto() int {
	if e.proto == 3 {
		return 3
	}
	return 2
}

// Flush sends the buffered bytes and returns the first write error.
func (e *Encoder) Flush() error { return e.w.Flush() }

// header writes the type byte, n and CRLF.
func (e *Encoder) header(typ byte, n int64) {
	b := append(e.scratch[:0], typ)
	b = strconv.AppendInt(b, n, 10)
	b = append(b, '\r', '\n')
	e.w.Write(b)
}

// line writes typ, s with CR and LF turned into spaces, and CRLF.
func (e *Encoder) line(typ byte, s string) {
	e.w.WriteByte(typ)
	if strings.ContainsAny(s, "\r\n") {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '\r' || c == '\n' {
				c = ' '
			}
			e.w.WriteByte(c)
		}
	} else {
		e.w.WriteString(s)
	}
	e.w.WriteString("\r\n")
}

// Status implements Writer: +s. CR and LF in s become spaces.
func (e *Encoder) Status(s string) { e.line('+', s) }

// Error implements Writer: -msg. As Redis's addReplyErrorFormat does, CR
// and LF at the end of msg are dropped and those inside become spaces.
func (e *Encoder) Error(msg string) { e.line('-', strings.TrimRight(msg, "\r\n")) }

// Int implements Writer.
func (e *Encoder) Int(n int64) { e.header(':', n) }

// Bulk implements Writer.
func (e *Encoder) Bulk(s string) {
	e.header('$', int64(len(s)))
	e.w.WriteString(s)
	e.w.WriteString("\r\n")
}

// BulkBytes writes b as a bulk string, like Bulk.
func (e *Encoder) BulkBytes(b []byte) {
	e.header('$', int64(len(b)))
	e.w.Write(b)
	e.w.WriteString("\r\n")
}

// NullBulk implements Writer: $-1 in RESP2, _ in RESP3.
func (e *Encoder) NullBulk() {
	if e.proto == 3 {
		e.w.WriteString("_\r\n")
		return
	}
	e.w.WriteString("$-1\r\n")
}

// NullArray implements Writer: *-1 in RESP2, _ in RESP3.
func (e *Encoder) NullArray() {
	if e.proto == 3 {
		e.w.WriteString("_\r\n")
		return
	}
	e.w.WriteString("*-1\r\n")
}

// Array implements Writer.
func (e *Encoder) Array(n int) { e.header('*', int64(n)) }

// Map implements Writer: %n in RESP3, an array of 2n in RESP2.
func (e *Encoder) Map(n int) {
	if e.proto == 3 {
		e.header('%', int64(n))
		return
	}
	e.header('*', 2*int64(n))
}

// Set implements Writer: ~n in RESP3, an array in RESP2.
func (e *Encoder) Set(n int) {
	if e.proto == 3 {
		e.header('~', int64(n))
		return
	}
	e.header('*', int64(n))
}

// Push starts an out-of-band push of n elements (pub/sub messages): >n in
// RESP3, an array in RESP2.
func (e *Encoder) Push(n int) {
	if e.proto == 3 {
		e.header('>', int64(n))
		return
	}
	e.header('*', int64(n))
}

// Double implements Writer: ,<%.17g> in RESP3 (inf, -inf, nan spelled so),
// a bulk string of FormatDouble(f) in RESP2.
func (e *Encoder) Double(f float64) {
	if e.proto == 3 {
		b := append(e.scratch[:0], ',')
		b = AppendDouble(b, f)
		b = append(b, '\r', '\n')
		e.w.Write(b)
		return
	}
	d := AppendDouble(e.num[:0], f)
	e.header('$', int64(len(d)))
	e.w.Write(d)
	e.w.WriteString("\r\n")
}

// DoubleText writes a double already spelled as text: ,text in RESP3, a
// bulk string in RESP2. Redis replies so where it prints a long double for
// people (GEOPOS coordinates), not with %.17g.
func (e *Encoder) DoubleText(text string) {
	if e.proto == 3 {
		e.line(',', text)
		return
	}
	e.Bulk(text)
}

// Bool implements Writer: #t/#f in RESP3, :1/:0 in RESP2.
func (e *Encoder) Bool(b bool) {
	switch {
	case e.proto == 3 && b:
		e.w.WriteString("#t\r\n")
	case e.proto == 3:
		e.w.WriteString("#f\r\n")
	case b:
		e.w.WriteString(":1\r\n")
	default:
		e.w.WriteString(":0\r\n")
	}
}

// BigNumber writes a big number given by its decimal digits: (s in RESP3, a
// bulk string in RESP2.
func (e *Encoder) BigNumber(s string) {
	if e.proto == 3 {
		e.line('(', s)
		return
	}
	e.Bulk(s)
}

// Verbatim writes a verbatim string: =len\r\nfmt:s in RESP3, where format
// is cut or padded with spaces to three bytes ("txt", "mkd"), a bulk string
// of s in RESP2.
func (e *Encoder) Verbatim(format, s string) {
	if e.proto != 3 {
		e.Bulk(s)
		return
	}
	e.header('=', int64(len(s)+4))
	for i := range 3 {
		c := byte(' ')
		if i < len(format) {
			c = format[i]
		}
		e.w.WriteByte(c)
	}
	e.w.WriteByte(':')
	e.w.WriteString(s)
	e.w.WriteString("\r\n")
}

var _ Writer = (*Encoder)(nil)
