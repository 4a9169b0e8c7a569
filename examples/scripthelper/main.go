// Command scripthelper shows the two ways to run a script by its SHA1, as
// clients do to avoid sending the source each time: racefree.Script, whose
// Run tries EVALSHA and falls back to EVAL when the script is not in the
// cache (on first use, after SCRIPT FLUSH); and ScriptLoad with EvalSHA,
// which fail with ErrNoScript when the cache lacks the script.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/racefree/racefree"
)

// incrCapped adds ARGV[1] to the counter KEYS[1] unless that would take it
// past ARGV[2]; it returns the new value, or nil when it added nothing.
const incrCappedSrc = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1])
if n > tonumber(ARGV[2]) then
  return false
end
return redis.call('INCRBY', KEYS[1], ARGV[1])
`

var incrCapped = racefree.NewScript(incrCappedSrc)

func main() {
	s, err := racefree.New()
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := run(s, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(s *racefree.Store, w io.Writer) error {
	ctx := context.Background()
	cached := func() bool {
		ok, err := s.ScriptExists(incrCapped.Hash())
		return err == nil && ok[0]
	}
	incr := func(by int) error {
		v, err := incrCapped.Run(ctx, s, []string{"tickets"}, by, 10)
		if err != nil {
			return err
		}
		if v == nil {
			v = "nothing, over the cap of 10"
		}
		fmt.Fprintf(w, "add %d tickets -> %v (script cached: %v)\n", by, v, cached())
		return nil
	}

	fmt.Fprintf(w, "script %s, cached: %v\n", incrCapped.Hash(), cached())
	// The first Run gets NOSCRIPT from EVALSHA and runs EVAL, which caches
	// the script; the second is a plain EVALSHA.
	if err := incr(4); err != nil {
		return err
	}
	if err := incr(4); err != nil {
		return err
	}
	if err := s.ScriptFlush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "SCRIPT FLUSH, cached: %v\n", cached())
	if err := incr(4); err != nil { // falls back to EVAL again
		return err
	}

	// ScriptLoad and EvalSHA, by hand: the SHA1 is the same.
	if err := s.ScriptFlush(); err != nil {
		return err
	}
	_, err := s.EvalSHA(ctx, incrCapped.Hash(), []string{"tickets"}, 1, 10)
	fmt.Fprintf(w, "EvalSHA before ScriptLoad: %v (ErrNoScript: %v)\n", err, errors.Is(err, racefree.ErrNoScript))
	sha, err := s.ScriptLoad(incrCappedSrc)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "ScriptLoad -> same SHA1 as Hash(): %v\n", sha == incrCapped.Hash())
	v, err := s.EvalSHA(ctx, sha, []string{"tickets"}, 1, 10)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "EvalSHA add 1 ticket -> %v\n", v)

	// A Script runs inside a transaction too, on the Tx.
	err = s.Update(func(tx *racefree.Tx) error {
		v, err := incrCapped.Run(ctx, tx, []string{"tickets"}, 1, 10)
		fmt.Fprintf(w, "in Update, add 1 ticket -> %v\n", v)
		return err
	})
	return err
}
