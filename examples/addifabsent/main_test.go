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
	// req-1 with "charged 10 EUR": added=true, stored result "charged 10 EUR"
	// req-1 with "charged 10 EUR again": added=false, stored result "charged 10 EUR"
	// req-2 with "charged 5 EUR": added=true, stored result "charged 5 EUR"
	// TTL of req-1: 1h0m0s
	// an hour later:
	// req-1 with "charged 10 EUR, new order": added=true, stored result "charged 10 EUR, new order"
}
