package racefree

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkInvariants verifies what must hold of a Store between commands: the
// expiry index and the entries agree, no container is empty, every entry has
// a type. It reports the first broken rule.
func checkInvariants(s *Store) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.dbs {
		withTTL := 0
		for key, e := range d.keys {
			switch e.typ {
			case typeString:
				if e.n < 0 || (e.val == nil && e.n != 0) {
					return fmt.Errorf("db %d key %q: string of length %d at %p", d.id, key, e.n, e.val)
				}
			case typeHash, typeList, typeSet, typeZSet, typeStream:
				if e.val == nil || e.n != 0 {
					return fmt.Errorf("db %d key %q: %s without a container", d.id, key, e.typ)
				}
				if e.typ != typeStream && e.container().Len() == 0 {
					return fmt.Errorf("db %d key %q: empty %s", d.id, key, e.typ)
				}
			default:
				return fmt.Errorf("db %d key %q: unknown type %d", d.id, key, e.typ)
			}
			if e.expireAt != 0 {
				withTTL++
				if !d.expires.Has(deadline{e.expireAt, key}) {
					return fmt.Errorf("db %d key %q: deadline missing from the index", d.id, key)
				}
			}
		}
		if d.expires.Len() != withTTL {
			return fmt.Errorf("db %d: %d deadlines indexed, %d keys have one", d.id, d.expires.Len(), withTTL)
		}
	}
	return nil
}

// splitFuzzArgs turns fuzz input into command arguments: NUL separates them.
func splitFuzzArgs(data []byte) []any {
	parts := bytes.Split(data, []byte{0})
	if len(parts) > 64 {
		parts = parts[:64]
	}
	args := make([]any, len(parts))
	for i, p := range parts {
		args[i] = string(p)
	}
	return args
}

// FuzzDo runs arbitrary commands through Do: no input may panic, and the
// store's invariants hold after each.
func FuzzDo(f *testing.F) {
	for _, cmd := range commandList {
		f.Add([]byte(cmd.name + "\x00k\x00v\x00" + "1"))
	}
	for _, seed := range []string{
		"SET\x00k\x00v\x00EX\x00100\x00GET", "SET\x00k\x00v\x00PXAT\x009223372036854775807",
		"HSET\x00h\x00f\x00v", "INCRBYFLOAT\x00k\x001e308", "SETRANGE\x00k\x00536870911\x00x",
		"BITFIELD\x00k\x00SET\x00i64\x00#1\x00-1\x00INCRBY\x00u63\x000\x001", "SCAN\x000\x00MATCH\x00*\x00COUNT\x001",
		"LCS\x00a\x00b\x00IDX\x00MINMATCHLEN\x001\x00WITHMATCHLEN", "OBJECT\x00ENCODING\x00k", "COPY\x00k\x00d\x00DB\x001\x00REPLACE",
	} {
		f.Add([]byte(seed))
	}
	s, err := New(WithSeed(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	f.Fuzz(func(t *testing.T, data []byte) {
		args := splitFuzzArgs(data)
		if len(args) > 0 {
			if name, _ := args[0].(string); strings.EqualFold(name, "setrange") || strings.EqualFold(name, "setbit") || strings.EqualFold(name, "bitfield") {
				// These may legitimately allocate up to 512 MB; keep the
				// fuzzer's memory in check by skipping huge offsets.
				for _, a := range args[1:] {
					if len(a.(string)) > 7 {
						return
					}
				}
			}
		}
		// Blocking commands with a timeout of 0 would wait for ever.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
		s.DoContext(ctx, args...)
		cancel()
		if err := checkInvariants(s); err != nil {
			t.Fatalf("after %q: %v", args, err)
		}
	})
}

// TestRandomCommandsDifferential sends random commands built from the whole
// command table (random names, random arguments from small pools, options
// taken from the other commands) to the live server and to a Store, and
// compares the replies and then the keyspace. It is the fuzz target's
// differential half: whatever the arguments, the Store must answer as Redis
// does and end in the same state.
func TestRandomCommandsDifferential(t *testing.T) {
	needRedis(t)
	live := dialLive(t)
	s := newTestStore(t, WithSeed(3))
	st := &storeConn{s: s}
	// Commands whose reply is random, time-dependent or internal.
	loose := map[string]string{
		"randomkey": "shape", "hrandfield": "shape", "srandmember": "shape", "zrandmember": "shape",
		"scan": "ignore", "hscan": "ignore", "sscan": "ignore", "zscan": "ignore", "time": "shape",
		"object": "ignore", "ttl": "approx", "pttl": "approx", "expiretime": "approx", "pexpiretime": "ignore",
		"keys": "sorted", "hgetall": "pairs", "hkeys": "sorted", "hvals": "sorted", "smembers": "sorted",
		"sinter": "sorted", "sunion": "sorted", "sdiff": "sorted",
		"dump": "ignore", // hash-table encodings list members in Redis's own order
	}
	var names []string
	for _, cmd := range commandList {
		switch {
		case cmd.flags&flagBlocking != 0:
			continue // a drawn timeout of 0 would block both sides for ever
		case cmd.flags&flagNoscript != 0 && cmd.subs == nil && cmd.name != "select":
			continue // EVAL and friends: random bodies are compile errors
		}
		switch cmd.name {
		case "flushall", "flushdb", "swapdb", "select", "spop", "script":
			continue // they empty the keyspace too often, or pick at random what they change
		case "pexpire", "psetex":
			continue // millisecond TTLs from the pools expire mid-run, at instants the two sides see apart
		case "info", "client", "command", "config", "memory", "debug", "lolwut", "role", "lastsave", "wait",
			"cluster", "readonly", "readwrite", "asking", "acl", "module", "latency", "slowlog", "monitor",
			"shutdown", "hello", "reset", "auth", "quit", "save", "bgsave", "bgrewriteaof", "failover",
			"replicaof", "slaveof", "sync", "psync", "replconf", "migrate", "pfselftest", "pfdebug",
			"multi", "exec", "discard", "watch", "unwatch":
			continue // about the server or the connection, not the data; tested on their own
		}
		if cmd.flags&flagPubsub != 0 {
			continue // subscribing changes what the connection may run
		}
		names = append(names, cmd.name)
	}
	slices.Sort(names)
	words := strings.Fields("EX EXAT PXAT KEEPTTL NX XX GT LT GET PERSIST CH INCR COUNT MATCH TYPE LIMIT " +
		"WITHVALUES REPLACE DB LEN IDX MINMATCHLEN WITHMATCHLEN BYTE BIT AND OR XOR NOT OVERFLOW WRAP SAT FAIL " +
		"u8 i8 i16 u63 i64 #1 ENCODING REFCOUNT IDLETIME FREQ HELP string hash *")
	pools := [][]string{randomKeys, randomFields, randomValues, words, {"0", "1", "2", "-1", "5", "100", "-100", "7", "1000", "1.5", "99999999999"}}
	seeds := 40
	if testing.Short() {
		seeds = 3
	}
	if n, err := strconv.Atoi(os.Getenv("RACEFREE_RANDOM_SEEDS")); err == nil {
		seeds = n // for long runs by hand
	}
	for seed := range seeds {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		resetBoth(t, live, st)
		var history []string
		for i := range 400 {
			name := pick(r, names)
			args := []string{name}
			for range r.IntN(6) {
				args = append(args, pick(r, pick(r, pools)))
			}
			if len(args) > 1 && r.IntN(3) > 0 {
				args[1] = pick(r, randomKeys)
			}
			history = append(history, quoteArgs(args))
			compareCommand(t, live, st, diffLine{lineNo: i, mode: loose[name], args: args})
			if os.Getenv("RACEFREE_RANDOM_DEBUG") != "" {
				compareCommand(t, live, st, diffLine{lineNo: i, mode: "sorted", args: []string{"KEYS", "*"}})
				if t.Failed() {
					t.Fatalf("after %s", history[len(history)-1])
				}
			}
			if t.Failed() {
				t.Fatalf("seed %d step %d", seed, i)
			}
		}
		if err := checkInvariants(s); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("seed %d ran:\n%s", seed, strings.Join(history, "\n"))
			}
		})
		compareKeyspace(t, live, st)
	}
}
