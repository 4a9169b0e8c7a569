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
	// ada scores 120: rank 1, best 120, total 120 | top 3: ada=120
	// bob scores 90: rank 2, best 90, total 90 | top 3: ada=120 bob=90
	// cyd scores 150: rank 1, best 150, total 150 | top 3: cyd=150 ada=120 bob=90
	// dan scores 60: rank 4, best 60, total 60 | top 3: cyd=150 ada=120 bob=90
	// bob scores 200: rank 1, best 200, total 290 | top 3: bob=200 cyd=150 ada=120
	// ada scores 80: rank 3, best 120, total 200 | top 3: bob=200 cyd=150 ada=120
}
