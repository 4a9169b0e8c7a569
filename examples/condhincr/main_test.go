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
	// add 2 to order:1: quantity now 3
	// add -1 to order:1: quantity now 2
	// order:1 shipped
	// add 5 to order:1: refused, order is not open
	// add 1 to order:404: refused, order is not open
	// order:1 is shipped with quantity 2
}
