package racefree

import "sync"

// storeLock is the store-wide lock that makes every call atomic.
type storeLock struct{ sync.Mutex }
