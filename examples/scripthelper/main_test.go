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
	// script b9d862b285d198925f62994b1c48e1871e13e20e, cached: false
	// add 4 tickets -> 4 (script cached: true)
	// add 4 tickets -> 8 (script cached: true)
	// SCRIPT FLUSH, cached: false
	// add 4 tickets -> nothing, over the cap of 10 (script cached: true)
	// EvalSHA before ScriptLoad: NOSCRIPT No matching script. Please use EVAL. (ErrNoScript: true)
	// ScriptLoad -> same SHA1 as Hash(): true
	// EvalSHA add 1 ticket -> 9
	// in Update, add 1 ticket -> 10
}
