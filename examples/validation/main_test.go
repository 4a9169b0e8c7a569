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
	// s1: valid
	// s2: log in again: session not active: status is revoked
	// s3: refresh first: session about to expire: 30s left
	// s4: log in again: no such session: session:s4 does not exist
	// 59m30s later:
	// s1: refresh first: session about to expire: 30s left
	// s3: log in again: no such session: session:s3 does not exist
}
