// Command condhincr increments a hash field only while another field has a
// given value: an order's quantity changes only while its status is "open".
// The check and the HINCRBY run in one Lua script, so an order closed by
// another client cannot change between them.
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

// hincrIf adds ARGV[4] to field ARGV[3] of the hash KEYS[1] if its field
// ARGV[1] equals ARGV[2], and returns the new value; otherwise (a missing
// hash included) it changes nothing and returns nil.
var hincrIf = racefree.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return false
end
return redis.call('HINCRBY', KEYS[1], ARGV[3], ARGV[4])
`)

// errNotOpen is returned when the order is closed or does not exist.
var errNotOpen = errors.New("order is not open")

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

// addItems adds n to the quantity of an open order and returns the new
// quantity.
func addItems(s *racefree.Store, order string, n int) (int64, error) {
	v, err := hincrIf.Run(context.Background(), s, []string{order}, "status", "open", "quantity", n)
	switch {
	case err != nil:
		return 0, err
	case v == nil:
		return 0, errNotOpen
	}
	return v.(int64), nil
}

func run(s *racefree.Store, w io.Writer) error {
	if _, err := s.HSet("order:1", "status", "open", "quantity", "1"); err != nil {
		return err
	}
	add := func(order string, n int) error {
		q, err := addItems(s, order, n)
		switch {
		case errors.Is(err, errNotOpen):
			fmt.Fprintf(w, "add %d to %s: refused, %v\n", n, order, err)
		case err != nil:
			return err
		default:
			fmt.Fprintf(w, "add %d to %s: quantity now %d\n", n, order, q)
		}
		return nil
	}

	if err := add("order:1", 2); err != nil {
		return err
	}
	if err := add("order:1", -1); err != nil {
		return err
	}
	if _, err := s.HSet("order:1", "status", "shipped"); err != nil {
		return err
	}
	fmt.Fprintln(w, "order:1 shipped")
	if err := add("order:1", 5); err != nil {
		return err
	}
	if err := add("order:404", 1); err != nil {
		return err
	}
	order, err := s.HGetAll("order:1")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "order:1 is %s with quantity %s\n", order["status"], order["quantity"])
	return nil
}
