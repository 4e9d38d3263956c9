/**
 * Scheduled jobs (the real JobScheduler on croner) across wall-clock steps, with Date and timers
 * faked by @sinonjs/fake-timers: a step back past a slot that already ran does not run it again
 * (croner re-plans from "now" when its last run lies in the future), and a step forward runs the
 * overdue slot once, not once per skipped slot.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { install } from '@sinonjs/fake-timers';
import { JobScheduler } from '../../../src-main/core/jobs/scheduler.js';

const MIN = 60_000;
/** A minute boundary: the `* * * * *` slot. */
const SLOT = Date.UTC(2026, 10, 22, 3, 0, 0);

async function everyMinute(startAt: number) {
  const clock = install({ now: startAt, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  const runs: number[] = [];
  const s = new JobScheduler({ historyFile: null });
  s.register({
    id: 'minutely',
    title: 'minutely',
    schedule: '* * * * *',
    run: async () => {
      runs.push(Date.now());
      return 'ran';
    },
  });
  await s.start();
  return { clock, runs, s };
}

describe('scheduled jobs across wall-clock steps', () => {
  it('a step back past a slot that ran does not run that slot again', async () => {
    const { clock, runs, s } = await everyMinute(SLOT - 300);
    try {
      await clock.tickAsync(400);
      assert.equal(runs.length, 1, 'the 03:00 slot ran');
      clock.setSystemTime(SLOT - MIN); // NTP steps the clock back a minute
      await clock.tickAsync(MIN + 5_000);
      assert.deepEqual(
        runs.map((t) => new Date(t).toISOString()),
        [new Date(runs[0]!).toISOString()],
        'no second run of the 03:00 slot',
      );
      await clock.tickAsync(MIN);
      assert.equal(runs.length, 2, 'the 03:01 slot runs as usual');
    } finally {
      await s.stop();
      clock.uninstall();
    }
  });

  it('a step forward of 2 h runs the overdue slot once, then keeps the cadence', async () => {
    const { clock, runs, s } = await everyMinute(SLOT - 300);
    try {
      await clock.tickAsync(400);
      clock.setSystemTime(Date.now() + 120 * MIN);
      await clock.tickAsync(35_000);
      assert.equal(runs.length, 2, 'one run for all the skipped slots');
      await clock.tickAsync(2 * MIN);
      assert.equal(runs.length, 4);
    } finally {
      await s.stop();
      clock.uninstall();
    }
  });
});
