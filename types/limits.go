package types

// Limits are the thresholds at which redis-server changes how it encodes a
// value, from its configuration. They decide what OBJECT ENCODING reports,
// how DUMP lays a value out, and some orders that follow from the encoding
// (a small hash keeps insertion order, a big one does not).
//
// A Store keeps one Limits for all its values and changes it on CONFIG SET;
// each Hash, Set, ZSet and Stream points to it and reads it as it grows, as Redis
// reads its configuration at every insertion. A nil *Limits means the
// defaults.
type Limits struct {
	HashMaxListpackEntries int64 // hash-max-listpack-entries
	HashMaxListpackValue   int64 // hash-max-listpack-value
	SetMaxIntsetEntries    int64 // set-max-intset-entries
	ZSetMaxListpackEntries int64 // zset-max-listpack-entries
	ZSetMaxListpackValue   int64 // zset-max-listpack-value
	ListMaxListpackSize    int64 // list-max-listpack-size: DUMP's quicklist nodes
	StreamNodeMaxBytes     int64 // stream-node-max-bytes; 0 for no limit
	StreamNodeMaxEntries   int64 // stream-node-max-entries; 0 for no limit
}

// DefaultLimits returns redis-server 7.0's built-in defaults (the redis.conf
// shipped as an example sets hash-max-listpack-entries to 128 instead).
func DefaultLimits() Limits {
	return Limits{
		HashMaxListpackEntries: 512,
		HashMaxListpackValue:   64,
		SetMaxIntsetEntries:    512,
		ZSetMaxListpackEntries: 128,
		ZSetMaxListpackValue:   64,
		ListMaxListpackSize:    -2,
		StreamNodeMaxBytes:     4096,
		StreamNodeMaxEntries:   100,
	}
}

var defaultLimits = DefaultLimits()

// orDefault returns l, or the defaults when l is nil.
func (l *Limits) orDefault() *Limits {
	if l == nil {
		return &defaultLimits
	}
	return l
}
