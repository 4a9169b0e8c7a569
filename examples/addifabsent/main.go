// Command addifabsent records an idempotency key: the first request with a
// given key stores its result for a while, and a retry of the same request
// gets that result back instead of running again. A Lua script does the
// add-if-absent (SET NX with a TTL) and the read of the existing value in one
// atomic step.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/racefree/racefree"
)

// addIfAbsent stores ARGV[1] at KEYS[1] for ARGV[2] seconds unless the key
// exists. It returns {1, ARGV[1]} when it added the value and {0, value
// already there} when it did not.
var addIfAbsent = racefree.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return {1, ARGV[1]}
end
return {0, redis.call('GET', KEYS[1])}
`)

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

// claim stores result under the request's idempotency key for ttl, unless a
// result is there already; it returns the stored result and whether it is
// the one just given.
func claim(s *racefree.Store, requestID, result string, ttl time.Duration) (stored string, added bool, err error) {
	v, err := addIfAbsent.Run(context.Background(), s, []string{"idempotency:" + requestID},
		result, int64(ttl/time.Second))
	if err != nil {
		return "", false, err
	}
	r := v.([]any)
	return r[1].(string), r[0] == int64(1), nil
}

func run(s *racefree.Store, w io.Writer) error {
	attempt := func(requestID, result string) error {
		stored, added, err := claim(s, requestID, result, time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s with %q: added=%v, stored result %q\n", requestID, result, added, stored)
		return nil
	}

	if err := attempt("req-1", "charged 10 EUR"); err != nil {
		return err
	}
	// A client retries after a timeout: it gets the first result back.
	if err := attempt("req-1", "charged 10 EUR again"); err != nil {
		return err
	}
	if err := attempt("req-2", "charged 5 EUR"); err != nil {
		return err
	}
	ttl, err := s.TTL("idempotency:req-1")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "TTL of req-1: %v\n", ttl)

	// Once the key has expired, the same request id is new again.
	s.FastForward(time.Hour)
	fmt.Fprintln(w, "an hour later:")
	return attempt("req-1", "charged 10 EUR, new order")
}
