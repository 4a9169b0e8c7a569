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
	// A acquires for 10s: true
	// B acquires: false
	// B releases A's lock: false
	// 8s later, A extends to 10s from now: true
	// TTL of the lock is 10s: true
	// 11s later, lock held: false
	// A extends: false
	// B acquires: true
	// A releases (B's lock now): false
	// B releases: true
	// A acquires: true
}
