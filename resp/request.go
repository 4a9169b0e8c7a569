package resp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"slices"
)

// ProtocolError is a request that breaks the protocol. Msg is the exact
// error reply redis-server 7.0 sends ("ERR Protocol error: ..."); the server
// writes it with Writer.Error, flushes, and closes the connection, as Redis
// does. The RequestReader is not usable afterwards.
type ProtocolError struct {
	Msg string
}

func (e *ProtocolError) Error() string { return e.Msg }

// The protocol error replies of redis-server 7.0 (networking.c).
const (
	MsgTooBigInline       = "ERR Protocol error: too big inline request"
	MsgUnbalancedQuotes   = "ERR Protocol error: unbalanced quotes in request"
	MsgTooBigMbulkCount   = "ERR Protocol error: too big mbulk count string"
	MsgInvalidMbulkLen    = "ERR Protocol error: invalid multibulk length"
	MsgUnauthMbulkLen     = "ERR Protocol error: unauthenticated multibulk length"
	MsgTooBigBulkCount    = "ERR Protocol error: too big bulk count string"
	MsgInvalidBulkLen     = "ERR Protocol error: invalid bulk length"
	MsgUnauthBulkLen      = "ERR Protocol error: unauthenticated bulk length"
	msgExpectedDollarHead = "ERR Protocol error: expected '$', got '"
)

// Redis's limits.
const (
	// InlineMaxSize is PROTO_INLINE_MAX_SIZE: a line (inline request or a
	// count line) with more than this many bytes before its terminator is a
	// protocol error.
	InlineMaxSize = 64 << 10
	// DefaultMaxBulkLen is the default proto-max-bulk-len, 512 MB.
	DefaultMaxBulkLen = 512 << 20
	maxMbulkCount     = math.MaxInt32 // INT_MAX
	unauthMbulkCount  = 10
	unauthBulkLen     = 16384
	readChunk         = 64 << 10 // bulk payloads grow the buffer at most this much per step before bytes arrive
)

// RequestReader reads client commands from a connection the way
// redis-server 7.0 parses them (networking.c processMultibulkBuffer and
// processInlineBuffer): multibulk requests (*N\r\n$len\r\n...) and inline
// requests (a line split with Redis's quoting rules). Empty requests (*0,
// *-1, a blank line) are skipped. Memory grows only with bytes that
// actually arrive, never with a length the client claims. Not safe for
// concurrent use.
type RequestReader struct {
	r *bufio.Reader

	// MaxBulkLen is proto-max-bulk-len; zero means DefaultMaxBulkLen.
	MaxBulkLen int64
	// Unauthenticated, when set, applies Redis's limits for clients that
	// still have to AUTH: at most 10 arguments of at most 16384 bytes.
	Unauthenticated bool

	buf  []byte   // the bytes of all arguments of the current command
	ends []int    // end offset of each argument in buf
	args [][]byte // reused result of ReadArgs
	strs []string // reused result of ReadCommand
	line []byte   // scratch for a line longer than bufio's buffer
	err  error    // sticky error
}

// NewRequestReader returns a RequestReader reading from r.
func NewRequestReader(r *bufio.Reader) *RequestReader { return &RequestReader{r: r} }

// Reset makes rr read from r, as for a new connection; limits are kept.
func (rr *RequestReader) Reset(r *bufio.Reader) {
	rr.r = r
	rr.err = nil
	rr.buf, rr.ends = rr.buf[:0], rr.ends[:0]
}

// Buffered reports how many bytes of further requests are already read
// from the connection. A server flushes its replies when it is zero, so that
// pipelined commands get their replies in one write, as Redis does.
func (rr *RequestReader) Buffered() int { return rr.r.Buffered() }

// ReadCommand reads the next non-empty command. The returned slice is reused
// by the next call (copy it to keep it); the strings themselves are fresh
// and may be kept. The error is a *ProtocolError (reply with its Msg, then
// close), io.EOF when the peer closed between commands, or another read
// error (io.ErrUnexpectedEOF in the middle of a command). Errors are sticky.
func (rr *RequestReader) ReadCommand() ([]string, error) {
	args, err := rr.ReadArgs()
	if err != nil {
		return nil, err
	}
	rr.strs = rr.strs[:0]
	for _, a := range args {
		rr.strs = append(rr.strs, string(a))
	}
	return rr.strs, nil
}

// ReadArgs is ReadCommand without copying: the arguments point into a buffer
// that the next call overwrites. In steady state it does not allocate.
func (rr *RequestReader) ReadArgs() ([][]byte, error) {
	if rr.err != nil {
		return nil, rr.err
	}
	for {
		rr.buf, rr.ends = rr.buf[:0], rr.ends[:0]
		first, err := rr.r.Peek(1)
		if err != nil {
			rr.err = err
			return nil, err
		}
		if first[0] == '*' {
			err = rr.readMultibulk()
		} else {
			err = rr.readInline()
		}
		if err != nil {
			if err == io.EOF { // some bytes of a request arrived
				err = io.ErrUnexpectedEOF
			}
			rr.err = err
			return nil, err
		}
		if len(rr.ends) == 0 {
			continue // empty request: Redis skips it without a reply
		}
		rr.args = rr.args[:0]
		start := 0
		for _, end := range rr.ends {
			rr.args = append(rr.args, rr.buf[start:end:end])
			start = end
		}
		return rr.args, nil
	}
}

// readTerminated reads up to and including the first delim, and returns the
// bytes before it. Like Redis's strchr on its NUL-terminated query buffer, a
// NUL byte before delim hides it: the line never ends, and once more than
// InlineMaxSize bytes are waiting the request fails with tooBig. The
// returned slice is valid until the next read.
func (rr *RequestReader) readTerminated(delim byte, tooBig string) ([]byte, error) {
	rr.line = rr.line[:0]
	long := false
	for {
		chunk, err := rr.r.ReadSlice(delim)
		if bytes.IndexByte(chunk, 0) >= 0 {
			return nil, rr.swallow(len(rr.line)+len(chunk), err, tooBig)
		}
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		}
		if err == nil {
			if long {
				rr.line = append(rr.line, chunk...)
				chunk = rr.line
			}
			if len(chunk) > InlineMaxSize {
				return nil, &ProtocolError{tooBig}
			}
			return chunk, nil
		}
		long = true
		rr.line = append(rr.line, chunk...)
		if len(rr.line) > InlineMaxSize {
			return nil, &ProtocolError{tooBig}
		}
		if err != bufio.ErrBufferFull {
			if err == io.EOF && len(rr.line) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// swallow follows a line whose terminator a NUL byte hid: Redis keeps
// reading until more than InlineMaxSize bytes wait, then fails with tooBig.
// n bytes are already consumed; err is the error of the last read.
func (rr *RequestReader) swallow(n int, err error, tooBig string) error {
	for {
		if n > InlineMaxSize {
			return &ProtocolError{tooBig}
		}
		if err != nil && err != bufio.ErrBufferFull {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		var d int
		d, err = rr.r.Discard(min(rr.r.Buffered()+1, InlineMaxSize+1-n))
		n += d
		if err == nil && d == 0 {
			_, err = rr.r.Peek(1)
		}
	}
}

// readCountLine reads a line ended by CR plus one more byte (Redis does not
// check that it is LF).
func (rr *RequestReader) readCountLine(tooBig string) ([]byte, error) {
	line, err := rr.readTerminated('\r', tooBig)
	if err != nil {
		return nil, err
	}
	// line may point into bufio's buffer, which the next read overwrites:
	// keep a copy (count lines are short).
	rr.line = append(rr.line[:0], line...)
	line = rr.line
	if _, err := rr.r.ReadByte(); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return line, nil
}

func (rr *RequestReader) readMultibulk() error {
	line, err := rr.readCountLine(MsgTooBigMbulkCount)
	if err != nil {
		return err
	}
	n, ok := parseLL(line[1:])
	if !ok || n > maxMbulkCount {
		return &ProtocolError{MsgInvalidMbulkLen}
	}
	if n > unauthMbulkCount && rr.Unauthenticated {
		return &ProtocolError{MsgUnauthMbulkLen}
	}
	maxBulk := rr.MaxBulkLen
	if maxBulk <= 0 {
		maxBulk = DefaultMaxBulkLen
	}
	for ; n > 0; n-- {
		line, err := rr.readCountLine(MsgTooBigBulkCount)
		if err != nil {
			return err
		}
		if len(line) == 0 || line[0] != '$' {
			got := byte('\r') // an empty line: Redis sees the CR
			if len(line) > 0 {
				got = line[0]
			}
			if got == '\r' || got == '\n' {
				got = ' '
			}
			return &ProtocolError{msgExpectedDollarHead + string([]byte{got}) + "'"}
		}
		size, ok := parseLL(line[1:])
		if !ok || size < 0 || size > maxBulk {
			return &ProtocolError{MsgInvalidBulkLen}
		}
		if size > unauthBulkLen && rr.Unauthenticated {
			return &ProtocolError{MsgUnauthBulkLen}
		}
		if err := rr.readBulk(int(size)); err != nil {
			return err
		}
	}
	return nil
}

// readBulk appends the next size bytes to buf as one argument and skips the
// two bytes after them (Redis does not check that they are CRLF). The buffer
// grows only as bytes arrive.
func (rr *RequestReader) readBulk(size int) error {
	for left := size; left > 0; {
		if cap(rr.buf) == len(rr.buf) {
			rr.buf = slices.Grow(rr.buf, min(left, max(cap(rr.buf), readChunk)))
		}
		room := rr.buf[len(rr.buf):cap(rr.buf)]
		if len(room) > left {
			room = room[:left]
		}
		n, err := io.ReadFull(rr.r, room)
		rr.buf = rr.buf[:len(rr.buf)+n]
		left -= n
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	if _, err := rr.r.Discard(2); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	rr.ends = append(rr.ends, len(rr.buf))
	return nil
}

func (rr *RequestReader) readInline() error {
	line, err := rr.readTerminated('\n', MsgTooBigInline)
	if err != nil {
		return err
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if !rr.splitArgs(line) {
		return &ProtocolError{MsgUnbalancedQuotes}
	}
	return nil
}

// parseLL is Redis's string2ll: an optional minus, no leading zeros (but
// "0"), no plus sign, no spaces, at most 20 bytes, within int64.
func parseLL(s []byte) (int64, bool) {
	if len(s) == 0 || len(s) >= 21 {
		return 0, false
	}
	if len(s) == 1 && s[0] == '0' {
		return 0, true
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
		if len(s) == 0 {
			return 0, false
		}
	}
	if s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > math.MaxUint64/10 {
			return 0, false
		}
		v *= 10
		if v > math.MaxUint64-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// isSpace is C's isspace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// splitArgs splits an inline request as Redis's sdssplitargs does, appending
// the arguments to buf/ends; it reports false for unbalanced quotes (or a
// closing quote followed by something other than a space). line holds no
// NUL byte.
func (rr *RequestReader) splitArgs(line []byte) bool {
	at := func(i int) byte { // the C string's byte i, NUL past the end
		if i < len(line) {
			return line[i]
		}
		return 0
	}
	p := 0
	for {
		for p < len(line) && isSpace(line[p]) {
			p++
		}
		if p >= len(line) {
			return true
		}
		inq, insq, done := false, false, false
		for !done {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					rr.buf = append(rr.buf, hexVal(at(p+2))<<4|hexVal(at(p+3)))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					e := at(p)
					switch e {
					case 'n':
						e = '\n'
					case 'r':
						e = '\r'
					case 't':
						e = '\t'
					case 'b':
						e = '\b'
					case 'a':
						e = '\a'
					}
					rr.buf = append(rr.buf, e)
				case c == '"':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return false
					}
					done = true
				case c == 0:
					return false
				default:
					rr.buf = append(rr.buf, c)
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					rr.buf = append(rr.buf, '\'')
				case c == '\'':
					if n := at(p + 1); n != 0 && !isSpace(n) {
						return false
					}
					done = true
				case c == 0:
					return false
				default:
					rr.buf = append(rr.buf, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					rr.buf = append(rr.buf, c)
				}
			}
			if p < len(line) {
				p++
			}
		}
		rr.ends = append(rr.ends, len(rr.buf))
	}
}

// IsProtocolError reports whether err is a *ProtocolError and returns it.
func IsProtocolError(err error) (*ProtocolError, bool) {
	var pe *ProtocolError
	ok := errors.As(err, &pe)
	return pe, ok
}
