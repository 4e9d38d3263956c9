import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { JobEvents } from '../../../../src-main/core/jobs/contract.js';
import { JobScheduleError, JobScheduler } from '../../../../src-main/core/jobs/scheduler.js';
import { tempDir, waitFor } from '../../../helpers/ports.js';
import { startTickingScheduler } from './ticking.js';

type Recorded = { event: keyof JobEvents; payload: JobEvents[keyof JobEvents] };

function recorder(): {
  events: Recorded[];
  emit: <E extends keyof JobEvents>(e: E, p: JobEvents[E]) => void;
} {
  const events: Recorded[] = [];
  return { events, emit: (event, payload) => events.push({ event, payload }) };
}

/** Blocks the event loop like a suspended machine: timers cannot fire, the wall clock moves on. */
function freeze(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('JobScheduler', () => {
  const dirs: { cleanup(): Promise<void> }[] = [];
  after(async () => {
    for (const d of dirs) await d.cleanup();
  });

  it('rejects an invalid cron expression, naming the job and the expression', () => {
    const s = new JobScheduler({ historyFile: null });
    assert.throws(
      () => s.register({ id: 'backup-x', title: 'x', schedule: '61 * * * *', run: async () => {} }),
      (err: Error) =>
        err instanceof JobScheduleError &&
        /backup-x/.test(err.message) &&
        /61 \* \* \* \*/.test(err.message),
    );
  });

  it('never overlaps runs of one job: a second trigger is recorded as skipped', async () => {
    const rec = recorder();
    const s = new JobScheduler({ historyFile: null, emit: rec.emit });
    let release!: () => void;
    let running = 0;
    let maxRunning = 0;
    s.register({
      id: 'slow',
      title: 'slow',
      schedule: null,
      run: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((r) => (release = r));
        running--;
        return 'done slowly';
      },
    });
    const first = await s.trigger('slow', 'manual');
    const second = await s.run('slow', 'schedule');
    assert.equal(second.status, 'skipped');
    assert.match(second.message, /still running/);
    release();
    const done = await first.done;
    assert.equal(done.status, 'succeeded');
    assert.equal(done.message, 'done slowly');
    assert.equal(maxRunning, 1);
    const history = s.historyOf('slow');
    assert.deepEqual(
      history.map((r) => r.status),
      ['succeeded', 'skipped'],
    );
    assert.ok(rec.events.some((e) => e.event === 'job.started'));
  });

  it('a run missed while the loop was frozen (suspend) runs once at wake, not once per missed slot', async () => {
    const { scheduler: s, runs } = await startTickingScheduler();
    try {
      await waitFor('a first run', async () => runs.length >= 1, 5000, 20);
      // Wake 50 ms after a second boundary, so the next regular slot is ~950 ms away and the
      // 400 ms window after wake can only hold the catch-up run.
      const sleepMs = 3000 + (1000 - (Date.now() % 1000)) + 50;
      const wake = Date.now() + sleepMs;
      freeze(sleepMs); // three slots pass with no timer able to fire
      await new Promise((r) => setTimeout(r, 400));
      const afterWake = runs.filter((t) => t >= wake - 5 && t < wake + 400);
      assert.equal(afterWake.length, 1);
    } finally {
      await s.stop();
    }
  });

  it('catch-up: a slot missed while the agent was stopped runs once at start, judged from history', async () => {
    const dir = await tempDir('ccmon-jobs-');
    dirs.push(dir);
    const historyFile = join(dir.path, 'history.jsonl');
    const long = new Date(Date.now() - 3 * 86400_000).toISOString();
    // A history whose last run is three days old, for a daily job.
    const old = {
      runId: 'r0',
      jobId: 'daily',
      trigger: 'schedule',
      status: 'succeeded',
      startedAt: long,
      finishedAt: long,
      durationSeconds: 1,
      message: 'ok',
    };
    (await import('node:fs')).writeFileSync(historyFile, JSON.stringify(old) + '\n' + '{"torn":\n');
    const s = new JobScheduler({ historyFile });
    const runs: string[] = [];
    s.register({
      id: 'daily',
      title: 'daily',
      schedule: '0 2 * * *',
      catchUp: true,
      run: async (ctx) => void runs.push(ctx.trigger),
    });
    s.register({
      id: 'fresh',
      title: 'never ran',
      schedule: '0 2 * * *',
      catchUp: true,
      run: async (ctx) => void runs.push(`fresh:${ctx.trigger}`),
    });
    await s.start();
    try {
      await waitFor('the catch-up run', async () => runs.length >= 1, 5000, 20);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(runs, ['catch-up'], 'only the job with an old history catches up');
      const lines = readFileSync(historyFile, 'utf8').trim().split('\n');
      assert.equal(JSON.parse(lines.at(-1)!).trigger, 'catch-up');
    } finally {
      await s.stop();
    }
  });

  it('publishes progress with rate and ETA, throttled, and the final event', async () => {
    const rec = recorder();
    const s = new JobScheduler({ historyFile: null, emit: rec.emit, progressIntervalMs: 50 });
    s.register({
      id: 'copy',
      title: 'copy',
      schedule: null,
      run: async (ctx) => {
        for (let i = 1; i <= 20; i++) {
          ctx.progress({
            phase: 'copying',
            files: i,
            bytes: i * 1000,
            totalFiles: 20,
            totalBytes: 20_000,
          });
          await new Promise((r) => setTimeout(r, 10));
        }
      },
    });
    const run = await s.run('copy');
    assert.equal(run.status, 'succeeded');
    const progress = rec.events
      .filter((e) => e.event === 'job.progress')
      .map((e) => e.payload as JobEvents['job.progress']);
    assert.ok(progress.length >= 2 && progress.length < 20, `throttled: ${progress.length} events`);
    const last = progress.at(-1)!;
    assert.equal(last.bytes, 20_000);
    assert.equal(last.etaSeconds, 0);
    const mid = progress.find((p) => p.bytes < 20_000)!;
    assert.ok(mid.rateBytesPerSecond > 0);
    assert.ok(mid.etaSeconds !== null && mid.etaSeconds >= 0);
    assert.equal(mid.runId, run.runId);
  });

  it('a failing job is recorded as failed with its message, and the next run still works', async () => {
    const s = new JobScheduler({ historyFile: null });
    let n = 0;
    s.register({
      id: 'flaky',
      title: 'flaky',
      schedule: null,
      run: async () => {
        if (n++ === 0) throw new Error('disk full');
        return 'ok';
      },
    });
    assert.equal((await s.run('flaky')).message, 'disk full');
    assert.equal((await s.run('flaky')).status, 'succeeded');
    assert.equal(s.list()[0]!.lastRun!.status, 'succeeded');
  });

  it('stop() aborts a running job through its signal and waits for it', async () => {
    const s = new JobScheduler({ historyFile: null });
    let sawAbort = false;
    s.register({
      id: 'long',
      title: 'long',
      schedule: null,
      run: (ctx) =>
        new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('cancelled'));
          }),
        ),
    });
    const { done } = await s.trigger('long', 'manual');
    await s.stop();
    assert.equal(sawAbort, true);
    assert.equal((await done).status, 'failed');
  });
});
