// BullMQ against racefree-server: BullMQ's own Lua scripts (shipped as .lua
// files in the npm package and run with EVALSHA/EVAL), its Worker (BZPOPMIN
// and marker keys) and its QueueEvents (XREAD BLOCK on the events stream).
//
// run.sh starts racefree-server and sets BULLMQ_REDIS_PORT; the same test
// runs unchanged against a live redis-server when BULLMQ_REDIS_PORT points at
// one, which is how the expectations below were checked.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker, QueueEvents, Job, FlowProducer, UnrecoverableError, MetricsTime } from 'bullmq';
import { Redis } from 'ioredis';

const port = Number(process.env.BULLMQ_REDIS_PORT);
if (!port) {
  throw new Error('BULLMQ_REDIS_PORT is not set (run this test through run.sh)');
}
const connection = {
  host: process.env.BULLMQ_REDIS_HOST || '127.0.0.1',
  port,
  maxRetriesPerRequest: null,
  // ioredis 6 speaks RESP3 (HELLO 3) unless told otherwise.
  protocol: Number(process.env.BULLMQ_PROTOCOL || 3),
};

// Everything a test opens, closed (in reverse order) after it even when the
// test fails, so that one failure does not hang the run. Errors that a
// Worker or QueueEvents emits (a script that fails, for one) fail the test
// then; only the first few are printed.
let closers = [];
let emitted = [];
function closeLater(fn) {
  closers.push(fn);
}
function recordError(what, err) {
  emitted.push(`${what}: ${err && err.message}`);
  if (emitted.length <= 3) {
    console.error(what, err);
  }
}
async function closeAll() {
  const fns = closers.reverse();
  closers = [];
  for (const fn of fns) {
    try {
      await fn();
    } catch (err) {
      console.error('close:', err);
    }
  }
  const errs = emitted;
  emitted = [];
  if (errs.length > 0) {
    throw new Error(`${errs.length} error events, the first: ${errs[0]}`);
  }
}

// redis is a plain ioredis client for looking at the keyspace directly.
let redis;
before(async () => {
  redis = new Redis(connection);
  assert.equal(await redis.ping(), 'PONG');
});
after(async () => {
  await closeAll();
  await redis.quit();
});

function queueName(what) {
  return `rf-${what}-${randomUUID().slice(0, 8)}`;
}

function newQueue(name, opts = {}) {
  const q = new Queue(name, { connection, ...opts });
  closeLater(() => q.close());
  return q;
}

function newWorker(name, processor, opts = {}) {
  const w = new Worker(name, processor, { connection, ...opts });
  w.on('error', (err) => recordError(`worker ${name}:`, err));
  closeLater(() => w.close());
  return w;
}

// newEvents reads the queue's event stream from its very start, so no event
// is missed between waitUntilReady and the first XREAD BLOCK.
async function newEvents(name, opts = { blockingTimeout: 1000 }) {
  const qe = new QueueEvents(name, { connection, lastEventId: '0-0', ...opts });
  qe.on('error', (err) => recordError(`queueEvents ${name}:`, err));
  closeLater(() => qe.close());
  await qe.waitUntilReady();
  return qe;
}

// collect records every QueueEvents event of the given kinds, in order.
function collect(qe, kinds) {
  const seen = [];
  for (const kind of kinds) {
    qe.on(kind, (args) => seen.push({ kind, ...args }));
  }
  return seen;
}

// waitFor polls cond until it is true or the deadline passes.
async function waitFor(what, cond, ms = 10000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await sleep(20);
  }
}

// streamEvents lists the event names in the queue's events stream (XRANGE).
async function streamEvents(name) {
  const entries = await redis.xrange(`bull:${name}:events`, '-', '+');
  return entries.map(([, fields]) => fields[fields.indexOf('event') + 1]);
}

test('plain jobs: add, process, returnvalue, completed events, job counts', async (t) => {
  t.after(closeAll);
  const name = queueName('plain');
  const queue = newQueue(name);
  const events = await newEvents(name);
  const seen = collect(events, ['waiting', 'active', 'completed']);

  const jobs = [];
  for (let i = 1; i <= 5; i++) {
    jobs.push(await queue.add('double', { n: i }));
  }
  assert.deepEqual(
    jobs.map((j) => j.id),
    ['1', '2', '3', '4', '5'],
  );
  assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed'), {
    waiting: 5,
    active: 0,
    completed: 0,
  });
  assert.equal(await jobs[0].getState(), 'waiting');

  newWorker(name, async (job) => ({ doubled: job.data.n * 2, name: job.name }), { name: 'doubler' });
  const results = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 10000)));
  assert.deepEqual(
    results,
    [1, 2, 3, 4, 5].map((n) => ({ doubled: n * 2, name: 'double' })),
  );

  const job3 = await Job.fromId(queue, '3');
  assert.deepEqual(job3.returnvalue, { doubled: 6, name: 'double' });
  assert.deepEqual(job3.data, { n: 3 });
  assert.equal(job3.attemptsMade, 1);
  assert.ok(job3.finishedOn >= job3.processedOn);
  assert.equal(await job3.getState(), 'completed');

  await waitFor('5 completed events', () => seen.filter((e) => e.kind === 'completed').length === 5);
  const completed = seen.filter((e) => e.kind === 'completed');
  assert.deepEqual(completed.map((e) => e.jobId).sort(), ['1', '2', '3', '4', '5']);
  assert.deepEqual(
    completed.find((e) => e.jobId === '2').returnvalue,
    { doubled: 4, name: 'double' },
  );
  assert.equal(seen.filter((e) => e.kind === 'waiting').length, 5);
  assert.equal(seen.filter((e) => e.kind === 'active').length, 5);

  assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'), {
    waiting: 0,
    active: 0,
    completed: 5,
    failed: 0,
    delayed: 0,
  });
  const inStream = await streamEvents(name);
  assert.equal(inStream.filter((e) => e === 'added').length, 5);

  // Queue.getWorkers finds the worker's connection by name in CLIENT LIST.
  const workers = await queue.getWorkers();
  assert.equal(workers.length, 1);
  assert.equal(workers[0].name, name);
  assert.match(workers[0].rawname, /:w:doubler$/);
  assert.equal(await queue.getWorkersCount(), 1);
  assert.equal(inStream.filter((e) => e === 'completed').length, 5);
});

test('delayed jobs wait for their delay, then run', async (t) => {
  t.after(closeAll);
  const name = queueName('delayed');
  const queue = newQueue(name);
  const events = await newEvents(name);
  const seen = collect(events, ['delayed', 'waiting', 'completed']);

  const processed = [];
  newWorker(name, async (job) => {
    processed.push({ id: job.id, at: Date.now() });
    return `done ${job.id}`;
  });

  const added = Date.now();
  const late = await queue.add('late', { x: 1 }, { delay: 400 });
  const soon = await queue.add('soon', { x: 2 }, { delay: 200 });
  const now = await queue.add('now', { x: 3 });
  assert.equal(await late.getState(), 'delayed');

  assert.equal(await now.waitUntilFinished(events, 10000), 'done 3');
  assert.equal(await soon.waitUntilFinished(events, 10000), 'done 2');
  assert.equal(await late.waitUntilFinished(events, 10000), 'done 1');

  assert.deepEqual(
    processed.map((p) => p.id),
    ['3', '2', '1'],
  );
  const byId = Object.fromEntries(processed.map((p) => [p.id, p.at]));
  assert.ok(byId['2'] - added >= 190, `job 2 ran ${byId['2'] - added} ms after add, before its 200 ms delay`);
  assert.ok(byId['1'] - added >= 390, `job 1 ran ${byId['1'] - added} ms after add, before its 400 ms delay`);
  const soonDone = await Job.fromId(queue, soon.id);
  assert.ok(soonDone.processedOn - soonDone.timestamp >= 200);
  assert.equal(soonDone.opts.delay, 200);

  await waitFor('3 completed events', () => seen.filter((e) => e.kind === 'completed').length === 3);
  const delayed = seen.filter((e) => e.kind === 'delayed');
  assert.deepEqual(delayed.map((e) => e.jobId), ['1', '2']);
  assert.equal(Number(delayed[1].delay), soon.timestamp + 200);
  // Every job, delayed or not, passes through waiting.
  assert.deepEqual(seen.filter((e) => e.kind === 'waiting').map((e) => e.jobId).sort(), ['1', '2', '3']);
  assert.deepEqual(await queue.getJobCounts('delayed', 'completed'), { delayed: 0, completed: 3 });
});

test('prioritized jobs run in priority order with concurrency 1', async (t) => {
  t.after(closeAll);
  const name = queueName('prio');
  const queue = newQueue(name);
  const events = await newEvents(name);

  const priorities = [5, 1, 3, 2, 4, 3];
  const jobs = [];
  for (const [i, priority] of priorities.entries()) {
    jobs.push(await queue.add(`p${priority}`, { i }, { priority }));
  }
  assert.equal(await jobs[0].getState(), 'prioritized');
  assert.deepEqual(await queue.getJobCounts('prioritized', 'waiting'), { prioritized: 6, waiting: 0 });
  const prioritized = await queue.getPrioritized();
  assert.equal(prioritized.length, 6);

  const order = [];
  newWorker(
    name,
    async (job) => {
      order.push(job.name);
      await sleep(5);
      return job.opts.priority;
    },
    { concurrency: 1 },
  );
  const results = await Promise.all(jobs.map((j) => j.waitUntilFinished(events, 10000)));
  assert.deepEqual(results, priorities);
  // Lower numbers first; equal priorities in insertion order.
  assert.deepEqual(order, ['p1', 'p2', 'p3', 'p3', 'p4', 'p5']);
  assert.deepEqual(await queue.getJobCounts('prioritized', 'completed'), { prioritized: 0, completed: 6 });
});

test('a job that fails twice then succeeds, with attempts and fixed backoff', async (t) => {
  t.after(closeAll);
  const name = queueName('retry');
  const queue = newQueue(name);
  const events = await newEvents(name);
  const seen = collect(events, ['failed', 'delayed', 'completed', 'retries-exhausted']);

  const attempts = [];
  const workerFailed = [];
  const worker = newWorker(name, async (job) => {
    attempts.push({ at: Date.now(), attemptsMade: job.attemptsMade });
    if (job.name === 'always') {
      throw new Error('always fails');
    }
    if (job.attemptsMade < 2) {
      throw new Error(`boom ${job.attemptsMade + 1}`);
    }
    return { ok: true, attempt: job.attemptsMade + 1 };
  });
  worker.on('failed', (job, err) => workerFailed.push({ id: job.id, message: err.message }));

  const flaky = await queue.add('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delay: 150 } });
  assert.deepEqual(await flaky.waitUntilFinished(events, 10000), { ok: true, attempt: 3 });

  assert.equal(attempts.length, 3);
  assert.deepEqual(attempts.map((a) => a.attemptsMade), [0, 1, 2]);
  for (let i = 1; i < attempts.length; i++) {
    const gap = attempts[i].at - attempts[i - 1].at;
    assert.ok(gap >= 140, `retry ${i} came ${gap} ms after the failure, before the 150 ms backoff`);
  }
  assert.deepEqual(workerFailed, [
    { id: flaky.id, message: 'boom 1' },
    { id: flaky.id, message: 'boom 2' },
  ]);
  const done = await Job.fromId(queue, flaky.id);
  assert.equal(done.attemptsMade, 3);
  assert.deepEqual(done.stacktrace.length, 2);
  assert.deepEqual(done.returnvalue, { ok: true, attempt: 3 });
  assert.equal(await done.getState(), 'completed');

  // A job that never succeeds ends in failed after its attempts.
  const always = await queue.add('always', {}, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });
  await assert.rejects(always.waitUntilFinished(events, 10000), /always fails/);
  const failedJob = await Job.fromId(queue, always.id);
  assert.equal(failedJob.failedReason, 'always fails');
  assert.equal(failedJob.attemptsMade, 2);
  assert.equal(await failedJob.getState(), 'failed');

  await waitFor('the failed event', () => seen.some((e) => e.kind === 'failed' && e.jobId === always.id));
  const failed = seen.filter((e) => e.kind === 'failed');
  assert.deepEqual(failed, [{ kind: 'failed', jobId: always.id, failedReason: 'always fails', prev: 'active' }]);
  // Each retry with backoff is a move to delayed.
  assert.deepEqual(
    seen.filter((e) => e.kind === 'delayed').map((e) => e.jobId),
    [flaky.id, flaky.id, always.id],
  );
  assert.deepEqual(await queue.getJobCounts('completed', 'failed', 'delayed', 'waiting', 'active'), {
    completed: 1,
    failed: 1,
    delayed: 0,
    waiting: 0,
    active: 0,
  });
  const inStream = await streamEvents(name);
  assert.equal(inStream.filter((e) => e === 'retries-exhausted').length, 1);
});

test('progress, logs, pause and resume, promote, remove, a job scheduler and a flow', async (t) => {
  t.after(closeAll);
  const name = queueName('more');
  const queue = newQueue(name);
  const events = await newEvents(name);
  const seen = collect(events, ['progress', 'paused', 'resumed', 'removed']);

  await queue.pause();
  assert.equal(await queue.isPaused(), true);
  newWorker(
    name,
    async (job) => {
      if (job.name === 'parent') {
        const children = await job.getChildrenValues();
        return Object.values(children).sort();
      }
      await job.updateProgress(50);
      await job.log(`working on ${job.id}`);
      await job.updateProgress({ done: true });
      return job.name;
    },
    { concurrency: 2 },
  );

  const a = await queue.add('a', {});
  const gone = await queue.add('gone', {});
  const promoted = await queue.add('promoted', {}, { delay: 60000 });
  assert.deepEqual(await queue.getJobCounts('waiting', 'delayed'), { waiting: 2, delayed: 1 });
  await gone.remove();
  assert.equal(await Job.fromId(queue, gone.id), undefined);
  await promoted.promote();
  assert.equal(await promoted.getState(), 'waiting');
  await sleep(100);
  assert.equal(await a.getState(), 'waiting', 'a paused queue ran a job');

  await queue.resume();
  assert.equal(await a.waitUntilFinished(events, 10000), 'a');
  assert.equal(await promoted.waitUntilFinished(events, 10000), 'promoted');
  const logs = await queue.getJobLogs(a.id);
  assert.deepEqual(logs, { logs: [`working on ${a.id}`], count: 1 });
  const aDone = await Job.fromId(queue, a.id);
  assert.deepEqual(aDone.progress, { done: true });

  // A job scheduler repeating every 100 ms.
  await queue.upsertJobScheduler('tick', { every: 100 }, { name: 'tick', data: { t: 1 } });
  assert.equal(await queue.getJobSchedulersCount(), 1);
  await waitFor('3 ticks completed', async () => {
    const done = await queue.getCompleted();
    return done.filter((j) => j.name === 'tick').length >= 3;
  });
  assert.equal(await queue.removeJobScheduler('tick'), true);
  assert.equal(await queue.getJobSchedulersCount(), 0);

  // A flow: the parent runs once both children have completed.
  const flow = new FlowProducer({ connection });
  closeLater(() => flow.close());
  const tree = await flow.add({
    name: 'parent',
    queueName: name,
    children: [
      { name: 'child-1', queueName: name, data: {} },
      { name: 'child-2', queueName: name, data: {} },
    ],
  });
  assert.deepEqual(await tree.job.waitUntilFinished(events, 10000), ['child-1', 'child-2']);

  await waitFor('progress and removed events', () =>
    seen.filter((e) => e.kind === 'progress').length >= 4 && seen.some((e) => e.kind === 'removed'),
  );
  const progress = seen.filter((e) => e.kind === 'progress' && e.jobId === a.id).map((e) => e.data);
  assert.deepEqual(progress, [50, { done: true }]);
  assert.deepEqual(seen.find((e) => e.kind === 'removed'), { kind: 'removed', jobId: gone.id, prev: 'wait' });
  assert.deepEqual(
    seen.filter((e) => e.kind === 'paused' || e.kind === 'resumed').map((e) => e.kind),
    ['paused', 'resumed'],
  );
});

test('rate limiter, LIFO, deduplication, removeOnComplete, changePriority, retry, clean, drain', async (t) => {
  t.after(closeAll);
  const name = queueName('misc');
  const queue = newQueue(name);
  const events = await newEvents(name);
  const seen = collect(events, ['deduplicated']);

  // Added while no worker runs: LIFO puts 'last' first; a deduplicated add
  // returns the first job; changePriority moves a job into the prioritized set.
  const first = await queue.add('fifo-1', {});
  await queue.add('fifo-2', {});
  const last = await queue.add('lifo', {}, { lifo: true });
  const d1 = await queue.add('dedup', { v: 1 }, { deduplication: { id: 'same' } });
  const d2 = await queue.add('dedup', { v: 2 }, { deduplication: { id: 'same' } });
  assert.equal(d2.id, d1.id);
  assert.equal(await queue.getDeduplicationJobId('same'), d1.id);
  await first.changePriority({ priority: 1 });
  assert.equal(await first.getState(), 'prioritized');
  const waiting = await queue.getJobs(['waiting'], 0, -1, true);
  assert.deepEqual(
    waiting.map((j) => j.name),
    ['lifo', 'fifo-2', 'dedup'],
  );
  await waitFor('the deduplicated event', () => seen.length === 1);
  assert.equal(seen[0].jobId, d1.id);
  assert.equal(seen[0].deduplicationId, 'same');

  // At most 2 jobs per 300 ms.
  const order = [];
  const starts = [];
  newWorker(
    name,
    async (job) => {
      order.push(job.name);
      starts.push(Date.now());
      if (job.name === 'bad' && job.attemptsMade === 0) {
        throw new Error('bad once');
      }
      return job.name;
    },
    { concurrency: 1, limiter: { max: 2, duration: 300 }, removeOnComplete: { count: 2 } },
  );
  await waitFor('4 jobs done', async () => (await queue.getJobCounts('completed')).completed === 2 && order.length === 4);
  // The wait list comes before the prioritized set.
  assert.deepEqual(order, ['lifo', 'fifo-2', 'dedup', 'fifo-1']);
  assert.ok(starts[2] - starts[0] >= 250, `jobs 1 and 3 started ${starts[2] - starts[0]} ms apart, limit is 2 per 300 ms`);
  // removeOnComplete keeps only the 2 newest completed jobs.
  assert.equal(await Job.fromId(queue, last.id), undefined);
  assert.deepEqual((await queue.getCompleted()).map((j) => j.name).sort(), ['dedup', 'fifo-1']);

  // A failed job retried by hand (Job.retry) completes.
  const bad = await queue.add('bad', {});
  await assert.rejects(bad.waitUntilFinished(events, 10000), /bad once/);
  assert.deepEqual(await queue.getJobCounts('failed'), { failed: 1 });
  const badJob = await Job.fromId(queue, bad.id);
  await badJob.retry('failed');
  await waitFor('the retried job to complete', async () => (await badJob.getState()) === 'completed');
  assert.deepEqual(await queue.getJobCounts('failed'), { failed: 0 });

  // clean removes finished jobs older than the grace period; drain empties
  // waiting and delayed.
  const cleaned = await queue.clean(0, 100, 'completed');
  assert.equal(cleaned.length, 2);
  assert.deepEqual(await queue.getJobCounts('completed'), { completed: 0 });
  await queue.add('later', {}, { delay: 60000 });
  await queue.drain(true);
  assert.deepEqual(await queue.getJobCounts('waiting', 'delayed'), { waiting: 0, delayed: 0 });
});

test('stalled job recovery after a lock expires, UnrecoverableError, metrics', async (t) => {
  t.after(closeAll);
  const name = queueName('stalled');
  const queue = newQueue(name);
  const events = await newEvents(name);
  const seen = collect(events, ['stalled', 'failed']);

  // Worker A takes the job and is killed mid-job (close(true) does not wait
  // for it): its 300 ms lock expires (PEXPIRE), and worker B's stalled check
  // moves the job back to wait and runs it.
  let releaseA;
  const aHolds = new Promise((resolve) => (releaseA = resolve));
  let aStarted;
  const aGotIt = new Promise((resolve) => (aStarted = resolve));
  const a = newWorker(
    name,
    async () => {
      aStarted();
      await aHolds;
      return 'from A';
    },
    { lockDuration: 300, stalledInterval: 200 },
  );
  const job = await queue.add('stuck', {});
  await aGotIt;
  assert.equal(await job.getState(), 'active');
  await a.close(true);
  // Worker A really is gone: let its processor end without touching the job.
  t.after(() => releaseA());
  newWorker(
    name,
    async (j) => {
      if (j.name === 'doomed') {
        throw new UnrecoverableError('no point retrying');
      }
      return `from B after ${j.stalledCounter} stall`;
    },
    { lockDuration: 300, stalledInterval: 200, metrics: { maxDataPoints: MetricsTime.ONE_WEEK } },
  );
  assert.equal(await job.waitUntilFinished(events, 10000), 'from B after 1 stall');
  await waitFor('the stalled event', () => seen.some((e) => e.kind === 'stalled'));
  assert.equal(seen.find((e) => e.kind === 'stalled').jobId, job.id);

  // UnrecoverableError ends a job at once, whatever its attempts.
  const doomed = await queue.add('doomed', {}, { attempts: 5 });
  await assert.rejects(doomed.waitUntilFinished(events, 10000), /no point retrying/);
  const doomedJob = await Job.fromId(queue, doomed.id);
  assert.equal(doomedJob.attemptsMade, 1);
  assert.equal(await doomedJob.getState(), 'failed');

  const completed = await queue.getMetrics('completed');
  assert.equal(completed.meta.count, 1);
  const failed = await queue.getMetrics('failed');
  assert.equal(failed.meta.count, 1);
});

test('500 jobs through 2 workers with concurrency 8: each runs exactly once', async (t) => {
  t.after(closeAll);
  const name = queueName('many');
  const queue = newQueue(name);
  const n = 500;
  await queue.addBulk(
    Array.from({ length: n }, (_, i) => ({
      name: 'job',
      data: { i },
      opts: { priority: i % 3 === 0 ? 1 + (i % 5) : undefined, delay: i % 10 === 1 ? 50 : undefined },
    })),
  );
  const runs = new Map();
  const processor = async (job) => {
    runs.set(job.data.i, (runs.get(job.data.i) || 0) + 1);
    return job.data.i;
  };
  newWorker(name, processor, { concurrency: 8 });
  newWorker(name, processor, { concurrency: 8 });
  await waitFor(`${n} completed jobs`, async () => (await queue.getJobCounts('completed')).completed === n, 30000);
  assert.equal(runs.size, n);
  assert.deepEqual([...runs.values()].filter((c) => c !== 1), []);
  assert.deepEqual(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'), {
    waiting: 0,
    active: 0,
    delayed: 0,
    prioritized: 0,
    failed: 0,
  });
});

test('clean shutdown: close worker, events and queue, obliterate the queue', async (t) => {
  t.after(closeAll);
  const name = queueName('shutdown');
  const queue = newQueue(name);
  const events = await newEvents(name);
  const worker = newWorker(name, async (job) => job.data.v + 1);

  const job = await queue.add('inc', { v: 41 });
  assert.equal(await job.waitUntilFinished(events, 10000), 42);
  await queue.add('left-waiting', { v: 0 }, { delay: 60000 });
  assert.ok((await redis.keys(`bull:${name}:*`)).length > 0);

  await worker.close();
  assert.equal(worker.isRunning(), false);
  await events.close();
  await queue.obliterate();
  assert.deepEqual(await redis.keys(`bull:${name}:*`), []);
  await queue.close();
});

// An idle Worker waits in BZPOPMIN and QueueEvents in XREAD BLOCK (10 s by
// default). Closing them drops their connections, and the server must end
// a blocked command as soon as its client goes, as redis-server does.
test('closing an idle worker and queue events is prompt', async (t) => {
  t.after(closeAll);
  const name = queueName('idle');
  newQueue(name);
  const events = await newEvents(name, {});
  const worker = newWorker(name, async () => null);
  await worker.waitUntilReady();
  await sleep(300); // both are blocked now

  let t0 = Date.now();
  await worker.close();
  const workerMs = Date.now() - t0;
  t0 = Date.now();
  await events.close();
  const eventsMs = Date.now() - t0;
  assert.ok(workerMs < 1000, `worker.close took ${workerMs} ms`);
  assert.ok(eventsMs < 1000, `queueEvents.close took ${eventsMs} ms`);
});
