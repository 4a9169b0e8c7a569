// Command lock is the single-instance distributed lock of the Redis
// documentation: SET key token NX PX ttl to acquire, and Lua scripts that
// release (DEL) or extend (PEXPIRE) the lock only while it still holds the
// caller's token, so that an owner whose lock has expired cannot release or
// extend the lock someone else took since.
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

var (
	// release deletes the lock KEYS[1] if it holds the token ARGV[1]; it
	// returns 1 if it did, 0 otherwise.
	release = racefree.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

	// extend sets the time to live of the lock KEYS[1] to ARGV[2]
	// milliseconds if it holds the token ARGV[1]; it returns 1 if it did, 0
	// otherwise.
	extend = racefree.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`)
)

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

// Lock is a lock held under a token that only its owner knows.
type Lock struct {
	s          *racefree.Store
	key, token string
}

// Acquire takes the lock for ttl; it reports false when someone holds it.
func (l *Lock) Acquire(ttl time.Duration) (bool, error) {
	r, err := l.s.SetArgs(l.key, l.token, racefree.SetArgs{NX: true, TTL: ttl})
	return r.Stored, err
}

// Release frees the lock; it reports false when the lock is not ours.
func (l *Lock) Release(ctx context.Context) (bool, error) {
	v, err := release.Run(ctx, l.s, []string{l.key}, l.token)
	return v == int64(1), err
}

// Extend gives the lock ttl more to live from now; it reports false when
// the lock is not ours.
func (l *Lock) Extend(ctx context.Context, ttl time.Duration) (bool, error) {
	v, err := extend.Run(ctx, l.s, []string{l.key}, l.token, ttl.Milliseconds())
	return v == int64(1), err
}

func run(s *racefree.Store, w io.Writer) error {
	ctx := context.Background()
	// Real tokens are random; fixed ones keep the output stable.
	a := &Lock{s: s, key: "lock:report", token: "token-of-a"}
	b := &Lock{s: s, key: "lock:report", token: "token-of-b"}
	var firstErr error
	show := func(what string, ok bool, err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
		fmt.Fprintf(w, "%s: %v\n", what, ok)
	}

	ok, err := a.Acquire(10 * time.Second)
	show("A acquires for 10s", ok, err)
	ok, err = b.Acquire(10 * time.Second)
	show("B acquires", ok, err)
	ok, err = b.Release(ctx)
	show("B releases A's lock", ok, err)

	s.FastForward(8 * time.Second)
	ok, err = a.Extend(ctx, 10*time.Second)
	show("8s later, A extends to 10s from now", ok, err)
	ttl, err := s.PTTL(a.key)
	show("TTL of the lock is "+ttl.Round(time.Second).String(), ttl > 0, err)

	// A stalls and does not extend in time: the lock expires.
	s.FastForward(11 * time.Second)
	_, held, err := s.Get(a.key)
	show("11s later, lock held", held, err)
	ok, err = a.Extend(ctx, 10*time.Second)
	show("A extends", ok, err)
	ok, err = b.Acquire(10 * time.Second)
	show("B acquires", ok, err)
	ok, err = a.Release(ctx)
	show("A releases (B's lock now)", ok, err)
	ok, err = b.Release(ctx)
	show("B releases", ok, err)
	ok, err = a.Acquire(10 * time.Second)
	show("A acquires", ok, err)
	return firstErr
}
