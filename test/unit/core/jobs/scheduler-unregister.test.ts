/**
 * JobScheduler.unregister, for jobs whose config entry is gone (a removed backup set): the timer is
 * cancelled at once, a running run is never interrupted and the job is forgotten when it ends, the
 * history of past runs stays readable, and registering the id again schedules it again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobContext } from '../../../../src-main/core/jobs/scheduler.js';
import { JobScheduler } from '../../../../src-main/core/jobs/scheduler.js';
import { waitFor } from '../../../helpers/ports.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job that runs until released, remembering whether it saw an abort. */
function heldJob(id: string) {
  const state = { started: 0, aborted: false, release: () => {} };
  return {
    state,
    def: {
      id,
      title: `held ${id}`,
      schedule: null,
      run: (ctx: JobContext) =>
        new Promise<string>((resolve) => {
          state.started++;
          ctx.signal.addEventListener('abort', () => (state.aborted = true));
          state.release = () => resolve('finished its work');
        }),
    },
  };
}

describe('JobScheduler.unregister', () => {
  it('an idle job: gone from the list, never fires again, its history stays', async () => {
    const s = new JobScheduler({ historyFile: null });
    const runs: number[] = [];
    s.register({
      id: 'tick',
      title: 'every second',
      schedule: '* * * * * *',
      run: async () => void runs.push(Date.now()),
    });
    await s.start();
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
    const s = new JobScheduler({ historyFile: null });
    const held = heldJob('backup-alpha');
    s.register(held.def);
    await s.start();
    const { started, done } = await s.trigger('backup-alpha', 'manual');
    await waitFor('the job to start', async () => held.state.started === 1, 5000, 5);
    s.unregister('backup-alpha');
    const listed = s.list().find((j) => j.id === 'backup-alpha');
    assert.equal(listed?.running, true, 'still listed while its last run works');
    assert.equal(listed?.nextRunAt, null);
    assert.equal(s.has('backup-alpha'), false);
    await assert.rejects(s.trigger('backup-alpha', 'manual'), /removed from the config/);
    held.state.release();
    const run = await done;
    assert.equal(run.status, 'succeeded');
    assert.equal(run.message, 'finished its work');
    assert.equal(held.state.aborted, false, 'never interrupted');
    assert.equal(s.list().length, 0, 'forgotten once the run ended');
    assert.equal(s.historyOf('backup-alpha')[0]?.runId, started.runId);
    await s.stop();
  });

  it('registered again while its last run works: kept, and still no overlapping run', async () => {
    const s = new JobScheduler({ historyFile: null });
    const held = heldJob('backup-alpha');
    s.register(held.def);
    await s.start();
    const { done } = await s.trigger('backup-alpha', 'manual');
    await waitFor('the job to start', async () => held.state.started === 1, 5000, 5);
    s.unregister('backup-alpha');
    s.register({ ...held.def, schedule: '0 2 * * *' });
    assert.equal(s.has('backup-alpha'), true);
    assert.equal((await s.run('backup-alpha', 'manual')).status, 'skipped');
    held.state.release();
    await done;
    const job = s.list().find((j) => j.id === 'backup-alpha');
    assert.ok(job?.nextRunAt, 'scheduled after its old run ended');
    await s.stop();
  });

  it('registered again after removal: scheduled and firing again', async () => {
    const s = new JobScheduler({ historyFile: null });
    const runs: string[] = [];
    const def = {
      id: 'tick',
      title: 'every second',
      schedule: '* * * * * *',
      run: async () => void runs.push('ran'),
    };
    s.register(def);
    await s.start();
    try {
      s.unregister('tick');
      s.register(def);
      assert.ok(s.list()[0]?.nextRunAt);
      await waitFor('a scheduled run after re-adding', async () => runs.length >= 1, 5000, 20);
    } finally {
      await s.stop();
    }
  });
});
