/**
 * Soak (issue 10, item 5): the real engine through 24 simulated hours under a fake clock, against
 * the simulator, with a one-hour outage of the API at hours 8–9 so rules fire and resolve and the
 * notifier delivers. Samples every simulated hour; after a 6-hour warm-up (the soak config keeps
 * 4 h of raw samples and 6 h of 5-minute rows, see soak-config.ts) memory, the store, handles,
 * timers and file descriptors must stay flat. Bounds are generous ratios, never timings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runEngineSoak } from '../../helpers/soak-run.js';
import type { SoakSample } from '../../helpers/soak-engine.js';

const HOURS = 24;
/** Timers due within 1 s fire together (well under the shortest timeout, 5 s). */
const WINDOW_MS = 1000;
const WARM_UP = 6;
/** Check runs per simulated hour: 2 checks every 10 s, 4 every 15 s, 1 every 30 s. */
const CHECK_RUNS_PER_HOUR = 2 * 360 + 4 * 240 + 120;

const maxOf = (rows: SoakSample[], f: (s: SoakSample) => number) => Math.max(...rows.map(f));

test('24 simulated hours: memory, store, handles, timers and fds stay flat', async (t) => {
  const run = await runEngineSoak(HOURS, WINDOW_MS, { fromHour: 8, toHour: 9 });
  const s = run.samples;
  t.diagnostic(`24 simulated hours in ${run.realSeconds.toFixed(0)} s real`);
  for (const x of s) {
    t.diagnostic(
      `h${x.hour}: rss ${(x.rss / 2 ** 20).toFixed(1)} MB, heap ${(x.heapUsed / 2 ** 20).toFixed(1)} MB, ` +
        `${x.series} series, ${x.samples} samples, ${x.chunkBytes} B, fds ${x.fds}, ` +
        `handles ${x.handles}, timers ${x.timers}, check runs ${x.checkResults}, ` +
        `notifications ${x.notifications}, windows ${x.windows}, stalls ${x.stalls}`,
    );
  }
  assert.equal(s.length, HOURS, 'one sample per simulated hour');
  // After stop and disconnect nothing kept the child alive: no leaked socket, file or timer.
  assert.equal(run.exitCode, 0, 'the soak child exits on its own after agent.stop()');

  // The engine kept working all day: every check ran on schedule (the fake clock makes this exact),
  // every scrape target (the simulator's three and ccmon itself) was up outside the outage.
  // (Hour 1 is short by each check's start-up phase.)
  assert.ok(s[0]!.checkResults > CHECK_RUNS_PER_HOUR * 0.9, `check runs in hour 1`);
  for (let i = 1; i < s.length; i++) {
    const runs = s[i]!.checkResults - s[i - 1]!.checkResults;
    assert.equal(runs, CHECK_RUNS_PER_HOUR, `check runs in hour ${i + 1}`);
    if (s[i]!.hour < 8 || s[i]!.hour > 10) assert.equal(s[i]!.scrapesUp, 4, `hour ${i + 1}`);
  }
  const last = s.at(-1)!;
  assert.ok(last.stalls < last.windows / 100, `${last.stalls} of ${last.windows} windows stalled`);

  // The outage fired ClaudeCodeServiceDown (critical → desktop) and resolved it, once each.
  const notifiedBefore = s[6]!.notifications;
  const notifiedAfter = s[11]!.notifications;
  assert.equal(notifiedBefore, 0, 'no notification before the outage');
  assert.ok(notifiedAfter >= 2, `firing and resolved notified (${notifiedAfter})`);
  assert.equal(s.at(-1)!.notifications, notifiedAfter, 'nothing re-sent after resolution');

  // Jobs: the nightly backup, the maintenance run and the daily report ran and succeeded.
  const jobs = s.at(-1)!.jobRuns;
  for (const m of s.at(-1)!.jobMessages) t.diagnostic(`job ${m}`);
  assert.ok(jobs.length >= 3, `at least backup, maintenance and report ran: ${jobs.join(', ')}`);
  assert.ok(
    jobs.some((j) => j.startsWith('backup')),
    `a backup ran: ${jobs.join(', ')}`,
  );
  assert.deepEqual(
    jobs.filter((j) => !j.endsWith(':succeeded')),
    [],
    'every job run succeeded (messages above)',
  );
  assert.equal(s.at(-1)!.snapshotOk, true, 'the last tsdb snapshot succeeded');

  // Flatness: the last 6 hours against the first 6 after warm-up.
  const early = s.slice(WARM_UP, WARM_UP + 6);
  const late = s.slice(-6);
  const flat = (what: string, f: (x: SoakSample) => number, ratio: number, slack = 0) => {
    const a = maxOf(early, f);
    const b = maxOf(late, f);
    assert.ok(b <= a * ratio + slack, `${what}: last 6 h max ${b} > ${ratio} × ${a} + ${slack}`);
  };
  flat('RSS', (x) => x.rss, 1.3);
  flat('heap used (after GC)', (x) => x.heapUsed, 1.2);
  flat('series', (x) => x.series, 1.05, 5);
  flat('samples held', (x) => x.samples, 1.1);
  flat('chunk bytes', (x) => x.chunkBytes, 1.3);
  flat('open fds', (x) => x.fds, 1, 3);

  // Handles and timers do not drift at all once warmed up (the outage's own alert timers aside).
  const steady = s.filter((x) => x.hour > WARM_UP && (x.hour < 8 || x.hour > 10));
  assert.deepEqual(
    [...new Set(steady.map((x) => x.handleTypes))],
    [steady[0]!.handleTypes],
    'real handles (servers, pipes) constant',
  );
  assert.deepEqual(
    [...new Set(steady.map((x) => x.timers))],
    [steady[0]!.timers],
    'pending timers constant',
  );
});
