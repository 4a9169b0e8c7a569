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
	// alice -> bob 500: done=false
	// alice -> bob 30: done=true
	// 4000 concurrent transfers ran (done + refused)
	// total: 400, any balance negative: false
}
