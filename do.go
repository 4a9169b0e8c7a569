package racefree

import (
	"context"
	"encoding"
	"fmt"
	"strconv"
	"time"

	"github.com/racefree/racefree/resp"
)

// Do runs any command from its name and arguments, as redis-server would run
// it for a client, and returns the reply as a plain Go value:
//
//   - a status or bulk string reply is a string;
//   - an integer reply is an int64;
//   - a nil reply (nil bulk string or nil array) is nil;
//   - an array reply is a []any of these, with an error reply inside an array
//     as an error value;
//   - an error reply is returned as the error, an *Error usable with
//     errors.Is against the sentinels of this package.
//
// Replies are those of RESP2, the protocol clients speak unless they say
// HELLO 3. Arguments may be strings, []byte, integers, floats (formatted with
// the fewest digits that read back the same), bools (1 or 0), time.Duration
// (whole milliseconds), time.Time (RFC 3339 with nanoseconds), and
// encoding.BinaryMarshaler, fmt.Stringer in that order; anything else is an
// error.
//
// Do runs on the handle's database as a new connection would: a SELECT in it
// is checked and then forgotten; use Store.DB for another database. A
// blocking command (BLPOP, ...) waits as long as its timeout says; use
// DoContext to bound the wait.
func (c *cmdable) Do(args ...any) (any, error) { return c.DoContext(context.Background(), args...) }

// DoContext is Do for commands that may block: when ctx ends first, a
// blocked command stops waiting and DoContext returns ctx.Err(). Inside a
// transaction, blocking commands never wait, as inside MULTI.
func (c *cmdable) DoContext(ctx context.Context, args ...any) (any, error) {
	return c.do(ctx, nil, nil, args)
}

// do runs the command made of head, then strs, then args converted as Do
// converts them. The typed methods that build commands (Eval, ...) pass
// their strings as they are, which spares a conversion per argument.
//
// The command's name is looked up through the call's nameCache: the names
// Go code passes (a literal "GET", the "EVALSHA" of EvalSHA) are the same
// string on every call, found without hashing.
func (c *cmdable) do(ctx context.Context, head, strs []string, args []any) (any, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	k := c.s.getCall()
	k.args = k.argBuf[:0]
	if len(head) > 0 {
		k.args = append(k.args, head...)
	}
	if len(strs) > 0 {
		k.args = append(k.args, strs...)
	}
	k.args, err = appendArgs(k.args, args)
	k.argBuf = k.args
	if err != nil {
		c.s.putCall(k)
		c.end()
		return nil, err
	}
	k.db, k.tx, k.w, k.ctx = d, c.tx, &k.reply, ctx
	if len(k.args) > 0 {
		k.known = k.names.lookup(k.args[0])
	}
	c.s.exec(k)
	if w := k.blocked; w != nil {
		c.end()
		served := c.s.wait(ctx, w, k.timeout)
		if !served {
			if err := ctx.Err(); err != nil {
				c.s.mu.Lock()
				c.s.putCall(k)
				c.s.mu.Unlock()
				return nil, err
			}
			k.timedOut()
		}
		if _, err := c.begin(false); err != nil {
			return nil, err
		}
	}
	v, err := k.reply.v, error(nil)
	if k.reply.failed {
		v = nil
		if err = k.err; err == nil || replyText(err) != k.reply.msg {
			err = errorFromReply(k.reply.msg)
		}
	}
	c.s.putCall(k)
	c.end()
	return v, err
}

// okReply is "OK" as an any, so that returning it allocates nothing.
var okReply any = "OK"

// anyWriter is a resp.Writer that builds a RESP2 reply as the plain Go
// value Do documents, directly: a status or bulk string is a string, an
// integer an int64, a nil nil, an array a []any, an error inside an array
// an error value. A top-level error is kept apart (failed, msg), as Do
// returns it as its error.
type anyWriter struct {
	v      any
	failed bool
	msg    string
	stack  []anyFrame // the arrays being filled, innermost last
}

type anyFrame struct {
	a    []any
	next int
}

func (w *anyWriter) reset() {
	w.v, w.failed, w.msg = nil, false, ""
	clear(w.stack)
	w.stack = w.stack[:0]
}

func (w *anyWriter) put(v any) {
	n := len(w.stack)
	if n == 0 {
		w.v = v
		return
	}
	f := &w.stack[n-1]
	f.a[f.next] = v
	f.next++
	for n > 0 && w.stack[n-1].next == len(w.stack[n-1].a) {
		n--
		w.stack[n] = anyFrame{}
	}
	w.stack = w.stack[:n]
}

func (w *anyWriter) Status(s string) {
	if s == "OK" {
		w.put(okReply) // the most common reply, boxed once
		return
	}
	w.put(s)
}

func (w *anyWriter) Error(msg string) {
	if len(w.stack) == 0 {
		w.failed, w.msg = true, msg
		return
	}
	w.put(errorFromReply(msg))
}

func (w *anyWriter) Int(n int64)   { w.put(n) }
func (w *anyWriter) Bulk(s string) { w.put(s) }
func (w *anyWriter) NullBulk()     { w.put(nil) }
func (w *anyWriter) NullArray()    { w.put(nil) }

func (w *anyWriter) Array(n int) {
	a := make([]any, max(n, 0))
	w.put(a)
	if n > 0 {
		w.stack = append(w.stack, anyFrame{a: a})
	}
}

func (w *anyWriter) Map(n int)        { w.Array(2 * n) }
func (w *anyWriter) Set(n int)        { w.Array(n) }
func (w *anyWriter) Double(f float64) { w.Bulk(resp.FormatDouble(f)) }
func (w *anyWriter) Proto() int       { return 2 }

func (w *anyWriter) Bool(b bool) {
	if b {
		w.Int(1)
	} else {
		w.Int(0)
	}
}

// appendArgs converts Do's arguments to strings.
func appendArgs(dst []string, args []any) ([]string, error) {
	for _, a := range args {
		if s, ok := a.(string); ok { // the common case, before the long switch
			dst = append(dst, s)
			continue
		}
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case []byte:
			s = string(v)
		case int:
			s = strconv.Itoa(v)
		case int8:
			s = strconv.FormatInt(int64(v), 10)
		case int16:
			s = strconv.FormatInt(int64(v), 10)
		case int32:
			s = strconv.FormatInt(int64(v), 10)
		case int64:
			s = strconv.FormatInt(v, 10)
		case uint:
			s = strconv.FormatUint(uint64(v), 10)
		case uint8:
			s = strconv.FormatUint(uint64(v), 10)
		case uint16:
			s = strconv.FormatUint(uint64(v), 10)
		case uint32:
			s = strconv.FormatUint(uint64(v), 10)
		case uint64:
			s = strconv.FormatUint(v, 10)
		case float32:
			s = strconv.FormatFloat(float64(v), 'f', -1, 32)
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			s = "0"
			if v {
				s = "1"
			}
		case time.Duration:
			s = strconv.FormatInt(v.Milliseconds(), 10)
		case time.Time:
			s = v.Format(time.RFC3339Nano)
		case encoding.BinaryMarshaler:
			b, err := v.MarshalBinary()
			if err != nil {
				return dst, err
			}
			s = string(b)
		case fmt.Stringer:
			s = v.String()
		default:
			return dst, fmt.Errorf("racefree: can't use %T as a command argument (implement encoding.BinaryMarshaler)", a)
		}
		dst = append(dst, s)
	}
	return dst, nil
}

// runOn runs one command for a connection whose selected database is dbIndex,
// writing the reply to w, and returns the database selected afterwards (SELECT
// changes it). It takes the store lock; a blocking command waits outside it,
// until it is served, its timeout passes or ctx ends (then it replies as for
// a timeout).
func (s *Store) runOn(ctx context.Context, dbIndex int, args []string, w resp.Writer) int {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		w.Error(replyText(ErrClosed))
		return dbIndex
	}
	s.touchClock()
	k := s.getCall()
	k.db, k.args, k.w, k.ctx = s.dbs[dbIndex], args, w, ctx
	s.exec(k)
	dbIndex = k.db.id
	if wt := k.blocked; wt != nil {
		s.unlock()
		if !s.wait(ctx, wt, k.timeout) {
			k.timedOut()
		}
		s.mu.Lock()
	}
	s.putCall(k)
	s.unlock()
	return dbIndex
}
