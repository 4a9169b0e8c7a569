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
func (c *cmdable) do(ctx context.Context, head, strs []string, args []any) (any, error) {
	d, err := c.begin(false)
	if err != nil {
		return nil, err
	}
	k := c.s.getCall()
	k.args = append(append(k.argBuf[:0], head...), strs...)
	k.args, err = appendArgs(k.args, args)
	k.argBuf = k.args
	if err != nil {
		c.s.putCall(k)
		c.end()
		return nil, err
	}
	k.db, k.tx, k.w, k.ctx = d, c.tx, &k.builder, ctx
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
	defer c.end()
	defer c.s.putCall(k)
	v := k.builder.Value()
	if v.Kind == resp.KindError {
		if k.err != nil && replyText(k.err) == v.Str {
			return nil, k.err
		}
		return nil, errorFromReply(v.Str)
	}
	return plain(v), nil
}

// okReply is "OK" as an any, so that returning it allocates nothing.
var okReply any = "OK"

// plain turns a RESP2 reply into the Go values Do documents.
func plain(v resp.Value) any {
	switch v.Kind {
	case resp.KindStatus:
		if v.Str == "OK" {
			return okReply // the most common reply, boxed once
		}
		return v.Str
	case resp.KindBulk:
		return v.Str
	case resp.KindInt:
		return v.Int
	case resp.KindError:
		return errorFromReply(v.Str)
	case resp.KindArray:
		out := make([]any, len(v.Elems))
		for i, e := range v.Elems {
			out[i] = plain(e)
		}
		return out
	}
	return nil
}

// appendArgs converts Do's arguments to strings.
func appendArgs(dst []string, args []any) ([]string, error) {
	for _, a := range args {
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
