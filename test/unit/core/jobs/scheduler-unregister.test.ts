/**
 * JobScheduler.unregister, for jobs whose config entry is gone (a removed backup set): the timer is
 * cancelled at once, a running run is never interrupted and the job is forgotten when it ends, the
 * history of past runs stays readable, and registering the id again schedules it again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JobScheduler,
  type JobContext,
  type JobDefinition,
} from '../../../../src-main/core/jobs/scheduler.js';
import { waitFor } from '../../../helpers/ports.js';
import { startTickingScheduler } from './ticking.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A started scheduler with one on-demand job, `backup-alpha`, triggered and working until
 * released (it remembers whether it saw an abort), then unregistered while it works.
 */
async function removedWhileRunning() {
  const s = new JobScheduler({ historyFile: null });
  const state = { started: 0, aborted: false, release: () => {} };
  const def: JobDefinition = {
    id: 'backup-alpha',
    title: 'held backup-alpha',
    schedule: '0 0 1 1 *', // scheduled, but not due during the test
    run: (ctx: JobContext) =>
      new Promise<string>((resolve) => {
        state.started++;
        ctx.signal.addEventListener('abort', () => (state.aborted = true));
        state.release = () => resolve('finished its work');
      }),
  };
  s.register(def);
  await s.start();
  const { started, done } = await s.trigger('backup-alpha', 'manual');
  await waitFor('the job to start', async () => state.started === 1, 5000, 5);
  s.unregister('backup-alpha');
  return { s, def, state, started, done };
}

describe('JobScheduler.unregister', () => {
  it('an idle job: gone from the list, never fires again, its history stays', async () => {
    const { scheduler: s, runs } = await startTickingScheduler();
    try {
      await waitFor('a scheduled run', async () => runs.length >= 1, 5000, 20);
      await waitFor('the run to be recorded', async () => !s.isRunning('tick'), 5000, 10);
      assert.equal(s.unregister('tick'), true);
      const removedAt = Date.now();
      assert.deepEqual(
        s.list().map((j) => j.id),
        [],
      );
      assert.equal(s.has('tick'), false);
      await sleep(2200); // two more slots of an every-second schedule
      assert.deepEqual(
        runs.filter((t) => t > removedAt),
        [],
        'no run after the job was removed',
      );
      assert.ok(s.historyOf('tick').length >= 1, 'past runs stay in the history');
      await assert.rejects(s.trigger('tick', 'manual'), /no job 'tick'/);
      assert.equal(s.unregister('tick'), false, 'unknown: false, not a throw');
    } finally {
      await s.stop();
    }
  });

  it('a running job finishes undisturbed, then is forgotten; a trigger meanwhile is refused', async () => {
    const { s, state, started, done } = await removedWhileRunning();
    const listed = s.list().find((j) => j.id === 'backup-alpha');
    assert.equal(listed?.running, true, 'still listed while its last run works');
    assert.equal(listed?.schedule, null, 'it runs no more');
    assert.equal(listed?.nextRunAt, null);
    assert.equal(s.has('backup-alpha'), false);
    await assert.rejects(s.trigger('backup-alpha', 'manual'), /removed from the config/);
    state.release();
    const run = await done;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.message, 'finished its work');
    assert.equal(state.aborted, false, 'never interrupted');
    assert.equal(s.list().length, 0, 'forgotten once the run ended');
    assert.equal(s.historyOf('backup-alpha')[0]?.runId, started.runId);
    await s.stop();
  });

  it('registered again while its last run works: kept, and still no overlapping run', async () => {
    const { s, def, state, done } = await removedWhileRunning();
    s.register({ ...def, schedule: '0 2 * * *' });
    assert.equal(s.has('backup-alpha'), true);
    assert.equal((await s.run('backup-alpha', 'manual')).status, 'skipped');
    state.release();
    await done;
    const job = s.list().find((j) => j.id === 'backup-alpha');
    assert.ok(job?.nextRunAt, 'scheduled after its old run ended');
    await s.stop();
  });

  it('registered again after removal: scheduled and firing again', async () => {
    const { scheduler: s, tick, runs } = await startTickingScheduler();
    try {
      s.unregister('tick');
      const readdedAt = Date.now();
      s.register(tick);
      assert.ok(s.list()[0]?.nextRunAt);
      await waitFor(
        'a scheduled run after re-adding',
        async () => runs.some((t) => t >= readdedAt),
        5000,
        20,
      );
    } finally {
      await s.stop();
    }
  });
});
