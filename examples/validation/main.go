// Command validation checks a session before use: it must exist, its status
// field must be "active" and it must live for at least a given time more. A
// Lua script makes the three checks at one instant and answers with a status
// reply, or with an error reply whose code (the first word) says what is
// wrong; the Go side turns the codes into errors to test with errors.Is.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/racefree/racefree"
)

// validate checks the session hash KEYS[1]: it replies VALID, or fails with
// NOSESSION, INACTIVE or EXPIRING when the session is missing, not active,
// or has less than ARGV[1] seconds to live (a session without a TTL counts
// as expiring).
var validate = racefree.NewScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return redis.error_reply('NOSESSION ' .. KEYS[1] .. ' does not exist')
end
if status ~= 'active' then
  return redis.error_reply('INACTIVE status is ' .. status)
end
local ttl = redis.call('TTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then
  return redis.error_reply('EXPIRING ' .. ttl .. 's left')
end
return redis.status_reply('VALID')
`)

// The ways a session can fail the check.
var (
	ErrNoSession = errors.New("no such session")
	ErrInactive  = errors.New("session not active")
	ErrExpiring  = errors.New("session about to expire")
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

// checkSession returns nil if the session is usable for at least minTTL,
// else an error that wraps ErrNoSession, ErrInactive or ErrExpiring, or
// another error of the store.
func checkSession(s *racefree.Store, id string, minTTL time.Duration) error {
	_, err := validate.Run(context.Background(), s, []string{"session:" + id}, int64(minTTL/time.Second))
	var rerr *racefree.Error
	if !errors.As(err, &rerr) {
		return err
	}
	var kind error
	switch rerr.Code() {
	case "NOSESSION":
		kind = ErrNoSession
	case "INACTIVE":
		kind = ErrInactive
	case "EXPIRING":
		kind = ErrExpiring
	default:
		return err
	}
	_, detail, _ := strings.Cut(rerr.Error(), " ")
	return fmt.Errorf("%w: %s", kind, detail)
}

func run(s *racefree.Store, w io.Writer) error {
	sessions := []struct {
		id, status string
		ttl        time.Duration
	}{
		{"s1", "active", time.Hour},
		{"s2", "revoked", time.Hour},
		{"s3", "active", 30 * time.Second},
	}
	for _, ss := range sessions {
		if _, err := s.HSet("session:"+ss.id, "user", "ada", "status", ss.status); err != nil {
			return err
		}
		if _, err := s.Expire("session:"+ss.id, ss.ttl); err != nil {
			return err
		}
	}

	check := func(id string) error {
		err := checkSession(s, id, time.Minute)
		switch {
		case err == nil:
			fmt.Fprintf(w, "%s: valid\n", id)
		case errors.Is(err, ErrNoSession), errors.Is(err, ErrInactive):
			fmt.Fprintf(w, "%s: log in again: %v\n", id, err)
		case errors.Is(err, ErrExpiring):
			fmt.Fprintf(w, "%s: refresh first: %v\n", id, err)
		default:
			return err
		}
		return nil
	}
	for _, id := range []string{"s1", "s2", "s3", "s4"} {
		if err := check(id); err != nil {
			return err
		}
	}
	s.FastForward(59*time.Minute + 30*time.Second)
	fmt.Fprintln(w, "59m30s later:")
	for _, id := range []string{"s1", "s3"} {
		if err := check(id); err != nil {
			return err
		}
	}
	return nil
}
