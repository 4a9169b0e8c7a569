// Command ratelimit is a rolling-window rate limiter: a sorted set per
// client holds the times of its recent requests, and a Lua script drops those
// older than the window, counts the rest and admits the request only if the
// count is below the limit. The time is the store's, read with TIME inside
// the script, so Store.FastForward moves the window without sleeping.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/racefree/racefree"
)

// allow admits a request into the window KEYS[1]: ARGV[1] is the window in
// milliseconds, ARGV[2] the limit, ARGV[3] a unique request id (two requests
// in the same millisecond must not share a member). It returns {1, requests
// left} when admitted and {0, milliseconds until the next admission} when
// denied.
var allow = racefree.NewScript(`
local window, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, limit - count - 1}
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

// limiter admits at most limit requests per window for each client.
type limiter struct {
	s      *racefree.Store
	window time.Duration
	limit  int
	seq    int
}

// allow reports whether client may make a request now, with the requests it
// has left, or how long it must wait.
func (l *limiter) allow(ctx context.Context, client string) (ok bool, left int64, wait time.Duration, err error) {
	l.seq++
	v, err := allow.Run(ctx, l.s, []string{"ratelimit:" + client},
		l.window.Milliseconds(), l.limit, strconv.Itoa(l.seq))
	if err != nil {
		return false, 0, 0, err
	}
	r := v.([]any)
	if r[0] == int64(1) {
		return true, r[1].(int64), 0, nil
	}
	return false, 0, time.Duration(r[1].(int64)) * time.Millisecond, nil
}

func run(s *racefree.Store, w io.Writer) error {
	ctx := context.Background()
	l := &limiter{s: s, window: time.Second, limit: 3}
	request := func(client string) error {
		ok, left, wait, err := l.allow(ctx, client)
		switch {
		case err != nil:
			return err
		case ok:
			fmt.Fprintf(w, "  %s: allowed, %d left\n", client, left)
		default:
			// Rounded: real time also passes between the calls.
			fmt.Fprintf(w, "  %s: denied, retry in about %v\n", client, wait.Round(100*time.Millisecond))
		}
		return nil
	}
	step := func(title string, clients ...string) error {
		fmt.Fprintln(w, title)
		for _, c := range clients {
			if err := request(c); err != nil {
				return err
			}
		}
		return nil
	}

	if err := step("t=0s, 3 requests per second:", "alice", "alice", "alice", "alice", "bob"); err != nil {
		return err
	}
	s.FastForward(600 * time.Millisecond)
	if err := step("t=0.6s, the window still holds alice's 3:", "alice"); err != nil {
		return err
	}
	s.FastForward(500 * time.Millisecond)
	if err := step("t=1.1s, they have left the window:", "alice", "alice"); err != nil {
		return err
	}
	s.FastForward(10 * time.Second)
	n, err := s.Exists("ratelimit:alice", "ratelimit:bob")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "t=11.1s, idle windows left in the store: %d\n", n)
	return nil
}
