package racefree

import (
	"testing"
	"unsafe"
)

// TestEntrySize keeps entry in the 32-byte size class of Go's allocator:
// every key pays for one entry, and the next class is 48 bytes.
func TestEntrySize(t *testing.T) {
	if got := unsafe.Sizeof(entry{}); got > 32 {
		t.Fatalf("entry is %d bytes, want at most 32", got)
	}
}

// TestEntryIdle checks the idle time kept in 32 bits: it survives the
// wrap of the clock's low 32 bits and is 0 when the clock goes back.
func TestEntryIdle(t *testing.T) {
	var e entry
	for _, tc := range []struct{ at, now, want int64 }{
		{1_700_000_000, 1_700_000_100, 100},
		{1_700_000_100, 1_700_000_000, 0},
		{1<<32 - 10, 1<<32 + 5, 15},
		{1_700_000_000 - 1_000_000, 1_700_000_000, 1_000_000},
	} {
		e.touch(tc.at)
		if got := e.idle(tc.now); got != tc.want {
			t.Errorf("touch(%d), idle(%d) = %d, want %d", tc.at, tc.now, got, tc.want)
		}
	}
}
