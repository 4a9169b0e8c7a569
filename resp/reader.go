package resp

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrProtocol is returned by ReadValue for input that is not RESP.
var ErrProtocol = errors.New("resp: protocol error")

// Limits that keep a malformed or hostile peer from making ReadValue
// allocate without bound.
const (
	maxBulk     = 512 << 20 // Redis's default proto-max-bulk-len
	maxElements = 1 << 20
	maxDepth    = 64
)

// ReadValue reads one RESP2 or RESP3 value from r. Attributes (|) are read
// and dropped; pushes (>) are returned as arrays.
func ReadValue(r *bufio.Reader) (Value, error) { return readValue(r, 0) }

func readValue(r *bufio.Reader, depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, fmt.Errorf("%w: nesting deeper than %d", ErrProtocol, maxDepth)
	}
	line, err := readLine(r)
	if err != nil {
		return Value{}, err
	}
	if len(line) == 0 {
		return Value{}, fmt.Errorf("%w: empty line", ErrProtocol)
	}
	typ, body := line[0], string(line[1:]) // line is bufio's memory: copy before reading on
	switch typ {
	case '+':
		return Value{Kind: KindStatus, Str: body}, nil
	case '-':
		return Value{Kind: KindError, Str: body}, nil
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("%w: bad integer %q", ErrProtocol, body)
		}
		return Value{Kind: KindInt, Int: n}, nil
	case '$', '=', '!':
		n, err := length(body, maxBulk)
		if err != nil {
			return Value{}, err
		}
		if n < 0 {
			return Value{Kind: KindNullBulk}, nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return Value{}, err
		}
		if buf[n] != '\r' || buf[n+1] != '\n' {
			return Value{}, fmt.Errorf("%w: bulk string not followed by CRLF", ErrProtocol)
		}
		s := string(buf[:n])
		switch typ {
		case '!':
			return Value{Kind: KindError, Str: s}, nil
		case '=':
			if len(s) < 4 || s[3] != ':' {
				return Value{}, fmt.Errorf("%w: verbatim string without format", ErrProtocol)
			}
			return Value{Kind: KindBulk, Str: s[4:]}, nil
		}
		return Value{Kind: KindBulk, Str: s}, nil
	case '*', '~', '%', '>', '|':
		n, err := length(body, maxElements)
		if err != nil {
			return Value{}, err
		}
		if n < 0 {
			return Value{Kind: KindNullArray}, nil
		}
		kind, count := KindArray, n
		switch typ {
		case '~':
			kind = KindSet
		case '%', '|':
			kind, count = KindMap, 2*n
		}
		v := Value{Kind: kind, Elems: make([]Value, 0, min(count, 1024))}
		for range count {
			e, err := readValue(r, depth+1)
			if err != nil {
				return Value{}, err
			}
			v.Elems = append(v.Elems, e)
		}
		if typ == '|' { // an attribute precedes the real value
			return readValue(r, depth)
		}
		return v, nil
	case '_':
		return Value{Kind: KindNull}, nil
	case ',':
		f, err := parseDouble(body)
		if err != nil {
			return Value{}, err
		}
		return Value{Kind: KindDouble, Float: f}, nil
	case '#':
		switch body {
		case "t":
			return Value{Kind: KindBool, Int: 1}, nil
		case "f":
			return Value{Kind: KindBool}, nil
		}
		return Value{}, fmt.Errorf("%w: bad boolean %q", ErrProtocol, body)
	case '(':
		return Value{Kind: KindBulk, Str: body}, nil
	}
	return Value{}, fmt.Errorf("%w: unknown type byte %q", ErrProtocol, typ)
}

func parseDouble(s string) (float64, error) {
	switch s {
	case "inf":
		return strconv.ParseFloat("+Inf", 64)
	case "-inf":
		return strconv.ParseFloat("-Inf", 64)
	case "nan":
		return strconv.ParseFloat("NaN", 64)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: bad double %q", ErrProtocol, s)
	}
	return f, nil
}

func length(s string, limit int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < -1 || n > limit {
		return 0, fmt.Errorf("%w: bad length %q", ErrProtocol, s)
	}
	return n, nil
}

// readLine reads up to CRLF and returns the line without it.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, fmt.Errorf("%w: line too long", ErrProtocol)
	}
	if err != nil {
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("%w: line not ended by CRLF", ErrProtocol)
	}
	return line[:len(line)-2], nil
}

// AppendCommand appends args to dst as a RESP array of bulk strings, the
// form in which clients send commands.
func AppendCommand(dst []byte, args ...string) []byte {
	dst = append(dst, '*')
	dst = strconv.AppendInt(dst, int64(len(args)), 10)
	dst = append(dst, '\r', '\n')
	for _, a := range args {
		dst = append(dst, '$')
		dst = strconv.AppendInt(dst, int64(len(a)), 10)
		dst = append(dst, '\r', '\n')
		dst = append(dst, a...)
		dst = append(dst, '\r', '\n')
	}
	return dst
}
