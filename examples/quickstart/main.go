// Command quickstart shows racefree's main flows: typed commands, Do, an
// atomic transaction, and expiry under a clock the program moves.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/racefree/racefree"
)

func main() {
	s, err := racefree.New()
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// Typed methods, named after the Redis commands.
	if err := s.Set("greeting", "hello", 0); err != nil {
		log.Fatal(err)
	}
	v, ok, err := s.Get("greeting")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("GET greeting -> %q (found: %v)\n", v, ok)

	// A missing key is a normal result, not an error.
	_, ok, _ = s.Get("nobody")
	fmt.Printf("GET nobody -> found: %v\n", ok)

	// Any command, as a client would send it; errors are Redis's own.
	n, _ := s.Do("INCRBY", "visits", 5)
	fmt.Printf("INCRBY visits 5 -> %v\n", n)
	_, err = s.Do("INCR", "greeting")
	fmt.Printf("INCR greeting -> %v (ErrNotInteger: %v)\n", err, errors.Is(err, racefree.ErrNotInteger))

	// Hashes.
	s.HSet("user:1", "name", "Ada", "lang", "Go")
	name, _, _ := s.HGet("user:1", "name")
	fmt.Printf("HGET user:1 name -> %q\n", name)

	// An atomic transfer: nothing else runs between the two writes.
	s.MSet("balance:alice", "100", "balance:bob", "0")
	transfer := func(from, to string, amount int64) error {
		return s.Update(func(tx *racefree.Tx) error {
			left, err := tx.DecrBy(from, amount)
			if err != nil {
				return err
			}
			if left < 0 {
				tx.IncrBy(from, amount) // put it back: nothing is rolled back for us
				return errors.New("insufficient funds")
			}
			_, err = tx.IncrBy(to, amount)
			return err
		})
	}
	fmt.Println("transfer 30:", transfer("balance:alice", "balance:bob", 30))
	fmt.Println("transfer 500:", transfer("balance:alice", "balance:bob", 500))
	balances, _ := s.MGet("balance:alice", "balance:bob")
	fmt.Printf("balances -> alice %s, bob %s\n", *balances[0], *balances[1])

	// A Lua script runs atomically, as on Redis: here a transfer that
	// refuses to overdraw. NewScript keeps the SHA1 and uses EVALSHA.
	transferScript := racefree.NewScript(`
local from = tonumber(redis.call('GET', KEYS[1]))
if from < tonumber(ARGV[1]) then return redis.error_reply('INSUFFICIENT funds') end
redis.call('DECRBY', KEYS[1], ARGV[1])
return redis.call('INCRBY', KEYS[2], ARGV[1])`)
	ctx := context.Background()
	bob, err := transferScript.Run(ctx, s, []string{"balance:alice", "balance:bob"}, 20)
	fmt.Println("script transfer 20 -> bob has", bob, err)
	_, err = transferScript.Run(ctx, s, []string{"balance:alice", "balance:bob"}, 1000)
	fmt.Println("script transfer 1000 ->", err)

	// Expiry, with the store's clock moved forward instead of sleeping.
	s.Set("session", "token", time.Minute)
	ttl, _ := s.TTL("session")
	fmt.Println("TTL session ->", ttl)
	s.FastForward(2 * time.Minute)
	_, ok, _ = s.Get("session")
	fmt.Printf("after two minutes, GET session -> found: %v\n", ok)
}
