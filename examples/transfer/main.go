// Command transfer moves money between accounts with a Lua script, from
// several goroutines at once. The script reads the balance, refuses when it
// is too low and otherwise moves the amount; since a script runs atomically,
// no other transfer can slip in between the check and the move, so the total
// is conserved and no balance goes negative.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"

	"github.com/racefree/racefree"
)

// transfer moves ARGV[1] from KEYS[1] to KEYS[2]. It returns 1 when done
// and 0, changing nothing, when KEYS[1] holds less than the amount.
var transfer = racefree.NewScript(`
local amount = tonumber(ARGV[1])
local balance = tonumber(redis.call('GET', KEYS[1]) or '0')
if balance < amount then
  return 0
end
redis.call('DECRBY', KEYS[1], amount)
redis.call('INCRBY', KEYS[2], amount)
return 1
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

func run(s *racefree.Store, w io.Writer) error {
	ctx := context.Background()
	accounts := []string{"balance:alice", "balance:bob", "balance:carol", "balance:dave"}
	for _, a := range accounts {
		if err := s.Set(a, "100", 0); err != nil {
			return err
		}
	}

	// One transfer that is refused, one that goes through.
	for _, amount := range []int{500, 30} {
		done, err := transfer.Run(ctx, s, []string{"balance:alice", "balance:bob"}, amount)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "alice -> bob %d: done=%v\n", amount, done == int64(1))
	}

	// Eight goroutines, each making 500 random transfers.
	const workers, perWorker = 8, 500
	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		done, refused int
		firstErr      error
	)
	for i := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 1))
			for range perWorker {
				from, to := accounts[r.IntN(len(accounts))], accounts[r.IntN(len(accounts))]
				v, err := transfer.Run(ctx, s, []string{from, to}, 1+r.IntN(50))
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
				case v == int64(1):
					done++
				default:
					refused++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	fmt.Fprintf(w, "%d concurrent transfers ran (done + refused)\n", done+refused)

	balances, err := s.MGet(accounts...)
	if err != nil {
		return err
	}
	total, negative := 0, false
	for _, b := range balances {
		n, err := strconv.Atoi(*b)
		if err != nil {
			return err
		}
		total += n
		negative = negative || n < 0
	}
	fmt.Fprintf(w, "total: %d, any balance negative: %v\n", total, negative)
	return nil
}
