package racefree

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkStoreLock compares storeLock with a plain sync.Mutex around a map
// read, with 1 and 8 goroutines (ns/op is wall time per operation over all
// of them, as in bench/). Run with -cpu 2 to see the contended case of a
// 2-core machine.
func BenchmarkStoreLock(b *testing.B) {
	for _, kind := range []string{"mutex", "storeLock"} {
		for _, clients := range []int{1, 8} {
			b.Run(fmt.Sprintf("lock=%s/clients=%d", kind, clients), func(b *testing.B) {
				var (
					mu sync.Mutex
					sl storeLock
				)
				lock, unlock := mu.Lock, mu.Unlock
				if kind == "storeLock" {
					lock, unlock = sl.Lock, sl.Unlock
				}
				m := map[string]string{"k": "v"}
				op := func() {
					lock()
					if m["k"] == "" {
						panic("missing")
					}
					unlock()
				}
				if clients == 1 {
					for range b.N {
						op()
					}
					return
				}
				const grain = 100
				var (
					next atomic.Int64
					wg   sync.WaitGroup
				)
				for range clients {
					wg.Go(func() {
						for {
							lo := int(next.Add(grain)) - grain
							if lo >= b.N {
								return
							}
							for range min(lo+grain, b.N) - lo {
								op()
							}
						}
					})
				}
				wg.Wait()
			})
		}
	}
}

// BenchmarkStoreLockUncontended is one Lock and Unlock with nobody else
// around: the cost every call pays.
func BenchmarkStoreLockUncontended(b *testing.B) {
	b.Run("lock=mutex", func(b *testing.B) {
		var mu sync.Mutex
		for range b.N {
			mu.Lock()
			mu.Unlock()
		}
	})
	b.Run("lock=storeLock", func(b *testing.B) {
		var l storeLock
		for range b.N {
			l.Lock()
			l.Unlock()
		}
	})
}
