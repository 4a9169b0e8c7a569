package main

import (
	"os"

	"github.com/racefree/racefree"
)

func Example() {
	s, err := racefree.New()
	if err != nil {
		panic(err)
	}
	defer s.Close()
	if err := run(s, os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// worker A: job 1 "resize photo 1", attempt 1
	// worker A: ack job 1: true
	// worker B: job 2 "send welcome email", attempt 1
	// worker B: dies without acknowledging job 2
	// worker A: job 3 "resize photo 2", attempt 1
	// worker A: ack job 3: true
	// worker A: queue empty
	// reaper: 0 job(s) back on the queue
	//   queued 0, in progress 1, leases 1
	// 31s later:
	// reaper: 1 job(s) back on the queue
	//   queued 1, in progress 0, leases 0
	// worker C: job 2 "send welcome email", attempt 2
	// worker C: ack job 2: true
	// worker B: late ack job 2: false
	//   queued 0, in progress 0, leases 0
}
