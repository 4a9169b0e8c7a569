// Package resp holds the shapes of Redis replies: the Writer that command
// handlers write replies to, and Value, a reply kept as a tree.
//
// A handler never builds bytes or Go values itself: it calls Writer methods
// (Status, Bulk, Array, ...), and the Writer decides what they become. The wire
// encodes them as RESP2 or RESP3, the Lua binding turns them into Lua values,
// and Builder keeps them as a Value for Go callers and tests. Because the
// handler says which kind of reply it sends (a status is not a bulk string, a
// nil bulk is not a nil array), every consumer can be exact.
package resp

// Writer receives one reply. Aggregates are written as a header (Array, Map,
// Set) followed by their elements, so a handler streams a reply without
// building it first. Implementations are not safe for concurrent use.
type Writer interface {
	// Status writes a simple string reply such as "OK".
	Status(s string)
	// Error writes an error reply; msg is the full text, code first
	// ("ERR syntax error", "WRONGTYPE ...").
	Error(msg string)
	// Int writes an integer reply.
	Int(n int64)
	// Bulk writes a bulk string reply.
	Bulk(s string)
	// NullBulk writes the nil bulk string ($-1 in RESP2, _ in RESP3).
	NullBulk()
	// NullArray writes the nil array (*-1 in RESP2, _ in RESP3).
	NullArray()
	// Array starts an array of n elements; the next n replies are its elements.
	Array(n int)
	// Map starts a map of n pairs (RESP3); in RESP2 it is an array of 2n.
	Map(n int)
	// Set starts a set of n elements (RESP3); in RESP2 it is an array.
	Set(n int)
	// Double writes a double (RESP3); in RESP2 it is a bulk string.
	Double(f float64)
	// Bool writes a boolean (RESP3); in RESP2 it is the integer 1 or 0.
	Bool(b bool)
	// Proto reports the protocol the reply is for, 2 or 3. Handlers whose
	// reply differs between the two beyond what the methods above translate
	// (for example HRANDFIELD WITHVALUES) ask it.
	Proto() int
}
