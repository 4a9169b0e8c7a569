// Command jobqueue is a reliable job queue. Producers push job ids onto
// "queue"; a worker moves one to "processing" and records when its lease
// ends in the "deadlines" sorted set; when done it acknowledges the job,
// which removes it. A reaper puts back on the queue the jobs whose lease has
// ended, so a job whose worker died is run again. Each step is one Lua
// script, so a job is never lost or held twice between two commands. As in
// queue libraries, the keys of the job hashes are built inside the scripts
// from a prefix passed in ARGV, and the current time comes from the client
// in ARGV: here from Store.Now, which FastForward moves.
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
	// enqueue stores the job hash ARGV[1]..id, with the payload ARGV[2],
	// for a new id from the counter KEYS[2], and pushes the id onto the
	// queue KEYS[1]. It returns the id.
	enqueue = racefree.NewScript(`
local id = redis.call('INCR', KEYS[2])
redis.call('HSET', ARGV[1] .. id, 'payload', ARGV[2], 'attempts', 0)
redis.call('LPUSH', KEYS[1], id)
return id
`)

	// fetch moves the oldest job id from the queue KEYS[1] to the list
	// KEYS[2] of jobs in progress, gives it a lease until ARGV[2] + ARGV[3]
	// milliseconds in the sorted set KEYS[3], and returns {id, payload,
	// attempts}; nil when the queue is empty.
	fetch = racefree.NewScript(`
local id = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
if not id then
  return false
end
redis.call('ZADD', KEYS[3], tonumber(ARGV[2]) + tonumber(ARGV[3]), id)
local job = ARGV[1] .. id
local attempts = redis.call('HINCRBY', job, 'attempts', 1)
return {id, redis.call('HGET', job, 'payload'), attempts}
`)

	// ack removes the job ARGV[2] from the jobs in progress KEYS[1], its
	// lease from KEYS[2] and its hash ARGV[1]..id. It returns 0 when the job
	// was not in progress (its lease ended and it went back to the queue).
	ack = racefree.NewScript(`
if redis.call('LREM', KEYS[1], 1, ARGV[2]) == 0 then
  return 0
end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('DEL', ARGV[1] .. ARGV[2])
return 1
`)

	// reap moves the jobs whose lease in KEYS[3] ended by ARGV[1] from the
	// jobs in progress KEYS[2] back to the queue KEYS[1], at the end that
	// is served first. It returns how many it moved.
	reap = racefree.NewScript(`
local expired = redis.call('ZRANGE', KEYS[3], '-inf', ARGV[1], 'BYSCORE')
for _, id in ipairs(expired) do
  redis.call('LREM', KEYS[2], 1, id)
  redis.call('RPUSH', KEYS[1], id)
  redis.call('ZREM', KEYS[3], id)
end
return #expired
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

// Queue is a reliable job queue in a Store.
type Queue struct {
	s     *racefree.Store
	lease time.Duration
}

const (
	queueKey      = "jobs:queue"
	processingKey = "jobs:processing"
	deadlinesKey  = "jobs:deadlines"
	counterKey    = "jobs:id"
	jobPrefix     = "jobs:job:"
)

// Job is a job handed to a worker.
type Job struct {
	ID       string
	Payload  string
	Attempts int64
}

func (q *Queue) now() int64 { return q.s.Now().UnixMilli() }

// Push adds a job and returns its id.
func (q *Queue) Push(ctx context.Context, payload string) (int64, error) {
	v, err := enqueue.Run(ctx, q.s, []string{queueKey, counterKey}, jobPrefix, payload)
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}

// Fetch leases the next job; ok is false when the queue is empty.
func (q *Queue) Fetch(ctx context.Context) (j Job, ok bool, err error) {
	v, err := fetch.Run(ctx, q.s, []string{queueKey, processingKey, deadlinesKey},
		jobPrefix, q.now(), q.lease.Milliseconds())
	if err != nil || v == nil {
		return Job{}, false, err
	}
	r := v.([]any)
	return Job{ID: r[0].(string), Payload: r[1].(string), Attempts: r[2].(int64)}, true, nil
}

// Ack marks a job done; it reports false when the lease had already ended.
func (q *Queue) Ack(ctx context.Context, id string) (bool, error) {
	v, err := ack.Run(ctx, q.s, []string{processingKey, deadlinesKey}, jobPrefix, id)
	return v == int64(1), err
}

// Reap puts the jobs whose lease has ended back on the queue and returns
// how many.
func (q *Queue) Reap(ctx context.Context) (int64, error) {
	v, err := reap.Run(ctx, q.s, []string{queueKey, processingKey, deadlinesKey}, q.now())
	if err != nil {
		return 0, err
	}
	return v.(int64), nil
}

func run(s *racefree.Store, w io.Writer) error {
	ctx := context.Background()
	q := &Queue{s: s, lease: 30 * time.Second}
	var firstErr error
	keep := func(err error) { // the demo goes on, and returns the first error
		if firstErr == nil {
			firstErr = err
		}
	}
	work := func(worker string, done bool) {
		j, ok, err := q.Fetch(ctx)
		keep(err)
		if !ok {
			fmt.Fprintf(w, "%s: queue empty\n", worker)
			return
		}
		fmt.Fprintf(w, "%s: job %s %q, attempt %d\n", worker, j.ID, j.Payload, j.Attempts)
		if !done {
			fmt.Fprintf(w, "%s: dies without acknowledging job %s\n", worker, j.ID)
			return
		}
		acked, err := q.Ack(ctx, j.ID)
		keep(err)
		fmt.Fprintf(w, "%s: ack job %s: %v\n", worker, j.ID, acked)
	}
	reapNow := func() {
		n, err := q.Reap(ctx)
		keep(err)
		fmt.Fprintf(w, "reaper: %d job(s) back on the queue\n", n)
	}
	status := func() {
		queued, err := s.LLen(queueKey)
		keep(err)
		inProgress, err := s.LLen(processingKey)
		keep(err)
		leases, err := s.ZCard(deadlinesKey)
		keep(err)
		fmt.Fprintf(w, "  queued %d, in progress %d, leases %d\n", queued, inProgress, leases)
	}

	for _, p := range []string{"resize photo 1", "send welcome email", "resize photo 2"} {
		_, err := q.Push(ctx, p)
		keep(err)
	}
	work("worker A", true)
	work("worker B", false)
	work("worker A", true)
	work("worker A", true)
	reapNow()
	status()

	s.FastForward(q.lease + time.Second)
	fmt.Fprintf(w, "%v later:\n", q.lease+time.Second)
	reapNow()
	status()
	work("worker C", true)
	// Worker B was only slow, not dead: its ack comes too late.
	acked, err := q.Ack(ctx, "2")
	keep(err)
	fmt.Fprintf(w, "worker B: late ack job 2: %v\n", acked)
	status()
	return firstErr
}
