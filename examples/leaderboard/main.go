// Command leaderboard keeps a game's high scores in a sorted set. One Lua
// script records a finished game (the player's best score with ZADD GT, their
// total points with ZINCRBY) and returns, from the same instant, the player's
// rank and the top three with their scores.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/racefree/racefree"
)

// submit records a game of ARGV[1] worth ARGV[2] points: KEYS[1] holds each
// player's best score, KEYS[2] their total points. It returns {rank (1 is
// first), best score, total points, {top ARGV[3] players and scores}}.
var submit = racefree.NewScript(`
local player, points, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
redis.call('ZADD', KEYS[1], 'GT', points, player)
local total = redis.call('ZINCRBY', KEYS[2], points, player)
local rank = redis.call('ZREVRANK', KEYS[1], player)
local best = redis.call('ZSCORE', KEYS[1], player)
local top = redis.call('ZRANGE', KEYS[1], 0, n - 1, 'REV', 'WITHSCORES')
return {rank + 1, best, total, top}
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
	keys := []string{"leaderboard:best", "leaderboard:total"}
	games := []struct {
		player string
		points int
	}{
		{"ada", 120}, {"bob", 90}, {"cyd", 150}, {"dan", 60},
		{"bob", 200}, // bob's new best takes the lead
		{"ada", 80},  // below ada's best: only her total grows
	}
	for _, g := range games {
		v, err := submit.Run(ctx, s, keys, g.player, g.points, 3)
		if err != nil {
			return err
		}
		r := v.([]any)
		var top []string
		for i, e := 0, r[3].([]any); i < len(e); i += 2 {
			top = append(top, fmt.Sprintf("%s=%s", e[i], e[i+1]))
		}
		fmt.Fprintf(w, "%s scores %d: rank %d, best %s, total %s | top 3: %s\n",
			g.player, g.points, r[0], r[1], r[2], strings.Join(top, " "))
	}
	return nil
}
