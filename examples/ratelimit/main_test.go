package main

import (
	"os"
	"time"

	"github.com/racefree/racefree"
)

// stoppedClock is a clock that only FastForward moves, so that the waits
// printed are exact.
type stoppedClock struct{ t time.Time }

func (c stoppedClock) Now() time.Time { return c.t }

func Example() {
	s, err := racefree.New(racefree.WithClock(stoppedClock{time.Unix(1_700_000_000, 0)}))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	if err := run(s, os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// t=0s, 3 requests per second:
	//   alice: allowed, 2 left
	//   alice: allowed, 1 left
	//   alice: allowed, 0 left
	//   alice: denied, retry in about 1s
	//   bob: allowed, 2 left
	// t=0.6s, the window still holds alice's 3:
	//   alice: denied, retry in about 400ms
	// t=1.1s, they have left the window:
	//   alice: allowed, 2 left
	//   alice: allowed, 1 left
	// t=11.1s, idle windows left in the store: 0
}
