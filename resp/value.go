package resp

import (
	"math"
	"strconv"
	"strings"
)

// Kind is the RESP type of a Value.
type Kind uint8

// The kinds of reply. RESP2 readers see only the first seven; Builder with
// protocol 2 never produces the others.
const (
	KindStatus Kind = iota + 1
	KindError
	KindInt
	KindBulk
	KindNullBulk
	KindNullArray
	KindArray
	KindMap    // Elems holds keys and values alternately
	KindSet    // Elems holds the members
	KindDouble // Float holds the value
	KindBool   // Int is 1 for true, 0 for false
	KindNull   // the RESP3 null
)

// Value is one reply kept as a tree. Str holds the text of statuses, errors
// and bulk strings, Int the integer, Float the double, Elems the elements of
// arrays, maps and sets.
type Value struct {
	Kind  Kind
	Str   string
	Int   int64
	Float float64
	Elems []Value
}

// String renders v the way redis-cli does, one line per leaf; it is meant for
// test failures and debugging.
func (v Value) String() string {
	var b strings.Builder
	v.render(&b, "")
	return b.String()
}

func (v Value) render(b *strings.Builder, indent string) {
	switch v.Kind {
	case KindStatus:
		b.WriteString(v.Str)
	case KindError:
		b.WriteString("(error) " + v.Str)
	case KindInt:
		b.WriteString("(integer) " + strconv.FormatInt(v.Int, 10))
	case KindBulk:
		b.WriteString(strconv.Quote(v.Str))
	case KindNullBulk, KindNull:
		b.WriteString("(nil)")
	case KindNullArray:
		b.WriteString("(nil array)")
	case KindDouble:
		b.WriteString("(double) " + strconv.FormatFloat(v.Float, 'g', 17, 64))
	case KindBool:
		b.WriteString("(boolean) " + strconv.FormatBool(v.Int != 0))
	case KindArray, KindMap, KindSet:
		name := map[Kind]string{KindArray: "array", KindMap: "map", KindSet: "set"}[v.Kind]
		if len(v.Elems) == 0 {
			b.WriteString("(empty " + name + ")")
			return
		}
		if v.Kind != KindArray {
			b.WriteString("(" + name + ")")
		}
		for i, e := range v.Elems {
			if i > 0 || v.Kind != KindArray {
				b.WriteString("\n" + indent)
			}
			b.WriteString(strconv.Itoa(i+1) + ") ")
			e.render(b, indent+"   ")
		}
	default:
		b.WriteString("(unknown kind " + strconv.Itoa(int(v.Kind)) + ")")
	}
}

// Builder is a Writer that keeps the reply as a Value. The zero Builder
// builds RESP2 replies; set Protocol to 3 for RESP3. Not safe for concurrent
// use.
type Builder struct {
	// Protocol is 2 or 3; zero means 2.
	Protocol int

	root  Value
	stack []frame
}

type frame struct {
	v    *Value
	left int
}

// Reset empties b for a new reply, keeping its protocol.
func (b *Builder) Reset() {
	b.root = Value{}
	b.stack = b.stack[:0]
}

// Value returns the reply written so far.
func (b *Builder) Value() Value { return b.root }

// Proto implements Writer.
func (b *Builder) Proto() int {
	if b.Protocol == 3 {
		return 3
	}
	return 2
}

func (b *Builder) put(v Value) {
	if len(b.stack) == 0 {
		b.root = v
	} else {
		top := &b.stack[len(b.stack)-1]
		top.v.Elems = append(top.v.Elems, v)
		top.left--
	}
	if v.Kind == KindArray || v.Kind == KindMap || v.Kind == KindSet {
		var p *Value
		if len(b.stack) == 0 {
			p = &b.root
		} else {
			top := b.stack[len(b.stack)-1].v
			p = &top.Elems[len(top.Elems)-1]
		}
		if n := cap(p.Elems); n > 0 {
			b.stack = append(b.stack, frame{p, n})
		}
	}
	for len(b.stack) > 0 && b.stack[len(b.stack)-1].left == 0 {
		b.stack = b.stack[:len(b.stack)-1]
	}
}

// Status implements Writer.
func (b *Builder) Status(s string) { b.put(Value{Kind: KindStatus, Str: s}) }

// Error implements Writer.
func (b *Builder) Error(msg string) { b.put(Value{Kind: KindError, Str: msg}) }

// Int implements Writer.
func (b *Builder) Int(n int64) { b.put(Value{Kind: KindInt, Int: n}) }

// Bulk implements Writer.
func (b *Builder) Bulk(s string) { b.put(Value{Kind: KindBulk, Str: s}) }

// NullBulk implements Writer.
func (b *Builder) NullBulk() {
	if b.Proto() == 3 {
		b.put(Value{Kind: KindNull})
		return
	}
	b.put(Value{Kind: KindNullBulk})
}

// NullArray implements Writer.
func (b *Builder) NullArray() {
	if b.Proto() == 3 {
		b.put(Value{Kind: KindNull})
		return
	}
	b.put(Value{Kind: KindNullArray})
}

// Array implements Writer.
func (b *Builder) Array(n int) { b.put(Value{Kind: KindArray, Elems: make([]Value, 0, max(n, 0))}) }

// Map implements Writer.
func (b *Builder) Map(n int) {
	if b.Proto() == 3 {
		b.put(Value{Kind: KindMap, Elems: make([]Value, 0, 2*max(n, 0))})
		return
	}
	b.Array(2 * n)
}

// Set implements Writer.
func (b *Builder) Set(n int) {
	if b.Proto() == 3 {
		b.put(Value{Kind: KindSet, Elems: make([]Value, 0, max(n, 0))})
		return
	}
	b.Array(n)
}

// Double implements Writer.
func (b *Builder) Double(f float64) {
	if b.Proto() == 3 {
		b.put(Value{Kind: KindDouble, Float: f})
		return
	}
	b.Bulk(FormatDouble(f))
}

// Bool implements Writer.
func (b *Builder) Bool(v bool) {
	n := int64(0)
	if v {
		n = 1
	}
	if b.Proto() == 3 {
		b.put(Value{Kind: KindBool, Int: n})
		return
	}
	b.Int(n)
}

// FormatDouble formats f as Redis does for a double reply and for scores:
// "%.17g", with inf, -inf and nan spelled that way.
func FormatDouble(f float64) string {
	return string(AppendDouble(nil, f))
}

// AppendDouble appends FormatDouble(f) to dst.
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case f != f && math.Signbit(f):
		return append(dst, "-nan"...) // glibc's spelling of a negative NaN (what 0/0 gives)
	case f != f:
		return append(dst, "nan"...)
	case f > 1.7976931348623157e308:
		return append(dst, "inf"...)
	case f < -1.7976931348623157e308:
		return append(dst, "-inf"...)
	}
	return appendG17(dst, f)
}

// appendG17 is C's "%.17g"; strconv's 'g' with precision 17 matches it digit
// for digit, exponent form included.
func appendG17(dst []byte, f float64) []byte { return strconv.AppendFloat(dst, f, 'g', 17, 64) }

// WriteTo writes v to w, as the reply it records. Record and replay in the
// same protocol: a RESP3 record has one null where RESP2 has two.
func (v Value) WriteTo(w Writer) {
	switch v.Kind {
	case KindStatus:
		w.Status(v.Str)
	case KindError:
		w.Error(v.Str)
	case KindInt:
		w.Int(v.Int)
	case KindBulk:
		w.Bulk(v.Str)
	case KindNullBulk, KindNull:
		w.NullBulk()
	case KindNullArray:
		w.NullArray()
	case KindArray, KindMap, KindSet:
		switch v.Kind {
		case KindArray:
			w.Array(len(v.Elems))
		case KindMap:
			w.Map(len(v.Elems) / 2)
		default:
			w.Set(len(v.Elems))
		}
		for _, e := range v.Elems {
			e.WriteTo(w)
		}
	case KindDouble:
		w.Double(v.Float)
	case KindBool:
		w.Bool(v.Int != 0)
	}
}
