package types

// List is a list value: a sequence of strings with cheap access at both ends.
// Not safe for concurrent use.
//
// It is a growable ring buffer (a deque): pushing and popping at either end
// is amortised O(1), reading or replacing the element at any position is
// O(1), and inserting or removing in the middle moves the elements of the
// shorter side. The buffer grows by doubling and shrinks by half once it is
// at most a quarter full, so a list that was long and is short again does
// not keep its memory.
type List struct {
	buf  []string // len(buf) is 0 or a power of two
	head int      // position in buf of element 0
	n    int      // number of elements
	fill int32    // list-max-listpack-size when the list was made, less 2 (so 0 is Redis's default, -2)
}

// SetFill records list-max-listpack-size as the list is made, as Redis sets
// a new list's fill factor from its configuration: it decides how DUMP
// splits the list into quicklist nodes. Redis clamps it to -5..32767.
func (l *List) SetFill(fill int64) { l.fill = int32(min(max(fill, -5), 1<<15-1) + 2) }

// Fill returns the list's fill factor, -2 unless SetFill set another.
func (l *List) Fill() int { return int(l.fill) - 2 }

// minListCap is the smallest buffer a non-empty List has, and the size it
// never shrinks below.
const minListCap = 8

// NewList returns an empty list.
func NewList() *List { return &List{} }

// NewListSize returns an empty list with room for n elements.
func NewListSize(n int) *List {
	l := &List{}
	if n > 0 {
		l.buf = make([]string, ringCap(n))
	}
	return l
}

// ringCap returns the buffer size for n elements: a power of two, at least
// minListCap.
func ringCap(n int) int {
	c := minListCap
	for c < n {
		c <<= 1
	}
	return c
}

// Len returns the number of elements.
func (l *List) Len() int { return l.n }

// Encoding returns what OBJECT ENCODING reports for a list on
// redis-server 7.0: always "quicklist".
func (l *List) Encoding() string { return "quicklist" }

// Clone returns a copy of l that shares nothing with it.
func (l *List) Clone() *List {
	c := &List{n: l.n, fill: l.fill}
	if l.n > 0 {
		c.buf = make([]string, ringCap(l.n))
		l.copyTo(c.buf)
	}
	return c
}

// copyTo copies the elements, in order, to the start of dst, which has room
// for them.
func (l *List) copyTo(dst []string) {
	if l.n == 0 {
		return
	}
	end := l.head + l.n
	if end <= len(l.buf) {
		copy(dst, l.buf[l.head:end])
		return
	}
	k := copy(dst, l.buf[l.head:])
	copy(dst[k:], l.buf[:end-len(l.buf)])
}

// resize moves the elements to a buffer of size c (a power of two that
// holds them), starting at position 0.
func (l *List) resize(c int) {
	buf := make([]string, c)
	l.copyTo(buf)
	l.buf, l.head = buf, 0
}

// grow makes room for one more element.
func (l *List) grow() {
	if l.n == len(l.buf) {
		l.resize(max(2*len(l.buf), minListCap))
	}
}

// shrink halves the buffer once it is at most a quarter full.
func (l *List) shrink() {
	if c := len(l.buf); c > minListCap && l.n <= c/4 {
		l.resize(c / 2)
	}
}

// pos returns the position in buf of element i.
func (l *List) pos(i int) int { return (l.head + i) & (len(l.buf) - 1) }

// PushFront adds v before the first element.
func (l *List) PushFront(v string) {
	l.grow()
	l.head = (l.head - 1) & (len(l.buf) - 1)
	l.buf[l.head] = v
	l.n++
}

// PushBack adds v after the last element.
func (l *List) PushBack(v string) {
	l.grow()
	l.buf[l.pos(l.n)] = v
	l.n++
}

// PopFront removes and returns the first element; ok is false if the list is
// empty.
func (l *List) PopFront() (v string, ok bool) {
	if l.n == 0 {
		return "", false
	}
	v = l.buf[l.head]
	l.buf[l.head] = ""
	l.head = (l.head + 1) & (len(l.buf) - 1)
	l.n--
	l.shrink()
	return v, true
}

// PopBack removes and returns the last element; ok is false if the list is
// empty.
func (l *List) PopBack() (v string, ok bool) {
	if l.n == 0 {
		return "", false
	}
	p := l.pos(l.n - 1)
	v = l.buf[p]
	l.buf[p] = ""
	l.n--
	l.shrink()
	return v, true
}

// At returns element i, counting from 0 at the front. It panics unless
// 0 <= i < Len().
func (l *List) At(i int) string {
	if uint(i) >= uint(l.n) {
		panic("types: List index out of range")
	}
	return l.buf[l.pos(i)]
}

// Set replaces element i. It panics unless 0 <= i < Len().
func (l *List) Set(i int, v string) {
	if uint(i) >= uint(l.n) {
		panic("types: List index out of range")
	}
	l.buf[l.pos(i)] = v
}

// Insert puts v at position i, so that it becomes element i; the elements
// from i on move one place towards the back. i may be Len() (append). It
// panics unless 0 <= i <= Len(). It moves the elements of the shorter side.
func (l *List) Insert(i int, v string) {
	if uint(i) > uint(l.n) {
		panic("types: List index out of range")
	}
	l.grow()
	if i < l.n-i {
		// Move elements 0..i-1 one place towards the front.
		l.head = (l.head - 1) & (len(l.buf) - 1)
		for j := 0; j < i; j++ {
			l.buf[l.pos(j)] = l.buf[l.pos(j+1)]
		}
	} else {
		// Move elements i..n-1 one place towards the back.
		for j := l.n; j > i; j-- {
			l.buf[l.pos(j)] = l.buf[l.pos(j-1)]
		}
	}
	l.buf[l.pos(i)] = v
	l.n++
}

// RemoveAt removes element i. It panics unless 0 <= i < Len(). It moves the
// elements of the shorter side.
func (l *List) RemoveAt(i int) {
	if uint(i) >= uint(l.n) {
		panic("types: List index out of range")
	}
	if i < l.n-1-i {
		for j := i; j > 0; j-- {
			l.buf[l.pos(j)] = l.buf[l.pos(j-1)]
		}
		l.buf[l.head] = ""
		l.head = (l.head + 1) & (len(l.buf) - 1)
	} else {
		for j := i; j < l.n-1; j++ {
			l.buf[l.pos(j)] = l.buf[l.pos(j+1)]
		}
		l.buf[l.pos(l.n-1)] = ""
	}
	l.n--
	l.shrink()
}

// DropFront removes the first k elements (all of them if k >= Len()).
func (l *List) DropFront(k int) {
	k = min(max(k, 0), l.n)
	for range k {
		l.buf[l.head] = ""
		l.head = (l.head + 1) & (len(l.buf) - 1)
	}
	l.n -= k
	l.afterBulkRemove()
}

// DropBack removes the last k elements (all of them if k >= Len()).
func (l *List) DropBack(k int) {
	k = min(max(k, 0), l.n)
	for range k {
		l.n--
		l.buf[l.pos(l.n)] = ""
	}
	l.afterBulkRemove()
}

// afterBulkRemove releases or shrinks the buffer after many elements went
// at once: to half full, so that shrinking stays amortised O(1).
func (l *List) afterBulkRemove() {
	switch {
	case l.n == 0:
		l.buf, l.head = nil, 0
	case len(l.buf) > minListCap && l.n <= len(l.buf)/4:
		l.resize(ringCap(2 * l.n))
	}
}

// Remove deletes elements equal to v, as LREM does: the first count of them
// from the front when count > 0, the last -count of them from the back when
// count < 0, all of them when count is 0. The others keep their order. It
// returns how many it deleted.
func (l *List) Remove(v string, count int64) int64 {
	var removed int64
	if count >= 0 {
		w := 0 // where the next kept element goes
		for r := 0; r < l.n; r++ {
			e := l.buf[l.pos(r)]
			if e == v && (count == 0 || removed < count) {
				removed++
				continue
			}
			if w != r {
				l.buf[l.pos(w)] = e
			}
			w++
		}
		for j := w; j < l.n; j++ {
			l.buf[l.pos(j)] = ""
		}
		l.n = w
	} else {
		// -count wraps to itself for math.MinInt64: no limit, as in Redis.
		limit := -count
		w := l.n - 1 // where the next kept element goes, from the back
		for r := l.n - 1; r >= 0; r-- {
			e := l.buf[l.pos(r)]
			if e == v && (limit < 0 || removed < limit) {
				removed++
				continue
			}
			if w != r {
				l.buf[l.pos(w)] = e
			}
			w--
		}
		// Elements 0..w are gone; the kept ones start at w+1.
		for j := 0; j <= w; j++ {
			l.buf[l.pos(j)] = ""
		}
		l.head = l.pos(w + 1)
		l.n -= w + 1
	}
	if removed > 0 {
		l.afterBulkRemove()
	}
	return removed
}

// AppendRange appends elements start to stop (inclusive, 0-based, and
// within the list) to dst in order, or in reverse order (from stop down to
// start) when reverse is set, and returns the extended slice.
func (l *List) AppendRange(dst []string, start, stop int, reverse bool) []string {
	if start < 0 || stop >= l.n || start > stop {
		return dst
	}
	if reverse {
		for i := stop; i >= start; i-- {
			dst = append(dst, l.buf[l.pos(i)])
		}
		return dst
	}
	for i := start; i <= stop; i++ {
		dst = append(dst, l.buf[l.pos(i)])
	}
	return dst
}

// Values returns all elements in order, in a new slice.
func (l *List) Values() []string {
	out := make([]string, l.n)
	l.copyTo(out)
	return out
}
