/**
 * Backup sets reload live in a real agent (config.update, like the other sections): an added set is
 * scheduled at once and runs on its schedule, changed sources apply at the next run, a removed set's
 * jobs are unregistered (gone from jobs.list, never fired again) while its archives stay, a running
 * backup is never interrupted (it completes, then its job is gone), a set added again is scheduled
 * again, and the backup folder (wired once at start) is reported as needing a restart.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BackupSummary, VerifyResult } from '../../../src-main/core/backup/contract.js';
import type { JobInfo, JobRun } from '../../../src-main/core/jobs/contract.js';
import type { HeadlessAgent } from '../../../src-main/http/headless.js';
import { IDLE_AGENT_YAML, requestAgent, startHeadlessOnFile } from '../../helpers/agent.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { writeTree } from '../../unit/core/backup/fixtures.js';

let dir: TempDir;
let agent: HeadlessAgent;
let backups = '';
let srcA = '';
let srcB = '';

const call = <T>(name: string, params: unknown = {}, expect = 200) =>
  requestAgent<T>(agent, name, params, expect);

interface BackupList {
  backups: BackupSummary[];
  sets: { set: string; schedule: string | null; nextRunAt: string | null; running: boolean }[];
}
interface UpdateResult {
  applied: string[];
  restartRequired: string[];
}

const set = (name: string, sources: string[], schedule: string | null) => ({
  name,
  sources,
  schedule,
  ccmonState: false,
});
const update = (sets: object[], extra: object = {}) =>
  call<UpdateResult>('config.update', {
    section: 'backup',
    value: { directory: backups, restoreTestSchedule: null, sets, ...extra },
  });
const job = async (id: string) => (await call<JobInfo[]>('jobs.list')).find((j) => j.id === id);
const history = (jobId: string) => call<JobRun[]>('jobs.history', { jobId });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The set's backup and restore-test jobs as jobs.list shows them. */
const setJobs = async (name: string) =>
  (await call<JobInfo[]>('jobs.list'))
    .filter((j) => j.id === `backup-${name}` || j.id === `restore-test-${name}`)
    .map((j) => j.id);

before(async () => {
  dir = await tempDir('ccmon-bk-reload-');
  backups = join(dir.path, 'backups');
  srcA = join(dir.path, 'a');
  srcB = join(dir.path, 'b');
  writeTree(srcA, [{ path: 'a.conf', content: 'a' }]);
  writeTree(srcB, [
    { path: 'b1.conf', content: 'b1' },
    { path: 'b2.conf', content: 'b2' },
  ]);
  // Incompressible, so a backup of A takes long enough to reload the config in the middle of it.
  for (let i = 0; i < 6; i++) writeFileSync(join(srcA, `blob-${i}.bin`), randomBytes(8 << 20));
  ({ agent } = await startHeadlessOnFile(
    dir.path,
    `${IDLE_AGENT_YAML}backup:
  directory: ${backups}
  restoreTestSchedule: null
  sets:
    - name: alpha
      schedule: "0 2 * * *"
      sources: [${srcA}]
      ccmonState: false
`,
  ));
});
after(async () => {
  await agent?.stop();
  await dir?.cleanup();
});

describe('backup sets reload without a restart', () => {
  it('an added set is scheduled at once and runs on its schedule', async () => {
    assert.equal(await job('backup-beta'), undefined);
    const r = await update([set('alpha', [srcA], '0 2 * * *'), set('beta', [srcB], '* * * * * *')]);
    assert.deepEqual(r.applied, ['backup']);
    assert.deepEqual(r.restartRequired, []);
    const beta = await job('backup-beta');
    assert.equal(beta?.schedule, '* * * * * *');
    assert.ok(beta?.nextRunAt, 'beta has a next run');
    const run = await waitFor('a scheduled run of the new set', async () =>
      (await history('backup-beta')).find(
        (h) => h.trigger === 'schedule' && h.status !== 'running',
      ),
    );
    assert.equal(run.status, 'succeeded', run.message);
    const list = await call<BackupList>('backup.list');
    assert.deepEqual(
      list.sets.map((s) => s.set),
      ['alpha', 'beta'],
    );
    assert.equal(list.backups.find((b) => b.set === 'beta')?.files, 2);
    // Back to on demand, so its runs do not hold the folder's lock during the next tests.
    await update([set('alpha', [srcA], '0 2 * * *'), set('beta', [srcB], null)]);
    assert.equal((await job('backup-beta'))?.nextRunAt, null);
    // A run that had started before is not interrupted; the next test's manual run must not meet
    // it (it would be skipped as an overlap).
    await waitFor('the last scheduled run of beta to end', async () => {
      const beta = await job('backup-beta');
      return beta && !beta.running;
    });
  });

  it('changed sources apply at the next run', async () => {
    await update([
      set('alpha', [srcA], '0 2 * * *'),
      set('beta', [srcB, join(srcA, 'a.conf')], null),
    ]);
    await call('backup.run', { set: 'beta' });
    const latest = await waitFor('the next backup of beta', async () => {
      const runs = await history('backup-beta');
      return runs[0]?.trigger === 'manual' && runs[0].status !== 'running' ? runs[0] : null;
    });
    assert.equal(latest.status, 'succeeded', latest.message);
    const newest = (await call<BackupList>('backup.list')).backups.find((b) => b.set === 'beta');
    assert.equal(newest?.files, 3);
  });

  it('a set removed while idle leaves jobs.list and its schedule never fires again', async () => {
    const alpha = set('alpha', [srcA], '0 2 * * *');
    const beta = set('beta', [srcB], null);
    await update([alpha, beta, set('gamma', [srcB], '*/5 * * * * *')]);
    assert.deepEqual(await setJobs('gamma'), ['backup-gamma', 'restore-test-gamma']);
    const first = await waitFor('a scheduled run of gamma', async () =>
      (await history('backup-gamma')).find((h) => h.status !== 'running'),
    );
    assert.equal(first.status, 'succeeded', first.message);
    const nextSlot = Date.parse((await job('backup-gamma'))!.nextRunAt!);
    const r = await update([alpha, beta]);
    const removedAt = Date.now();
    assert.deepEqual(r.applied, ['backup']);
    assert.deepEqual(await setJobs('gamma'), [], 'no "removed from the config" leftovers');
    await call('jobs.run', { jobId: 'backup-gamma' }, 404);
    await call('backup.run', { set: 'gamma' }, 404);
    // Past the slot that would have come next, with a margin for a loaded machine.
    await sleep(Math.max(nextSlot - Date.now(), 0) + 1500);
    const runs = await history('backup-gamma');
    assert.deepEqual(
      runs.filter((h) => Date.parse(h.startedAt) >= removedAt),
      [],
      'no run after the set was removed',
    );
    assert.ok(
      runs.some((h) => h.runId === first.runId),
      'the history of the removed set stays readable',
    );
  });

  it('a set removed while its backup runs: the run completes, its archive verifies, then the job is gone', async () => {
    const started = await call<JobRun>('backup.run', { set: 'alpha' });
    assert.equal(started.status, 'running');
    // Reload while alpha is being written: it is removed from the config.
    const r = await update([set('beta', [srcB], null)]);
    assert.deepEqual(r.applied, ['backup']);
    const during = await job('backup-alpha');
    if (during) {
      // Still writing: listed as running with nothing scheduled, and cannot be started again.
      assert.equal(during.running, true);
      assert.equal(during.schedule, null);
      assert.equal(during.nextRunAt, null);
    }
    const done = await waitFor('the running backup of alpha to end', async () => {
      const runs = await history('backup-alpha');
      const run = runs.find((h) => h.runId === started.runId);
      return run && run.status !== 'running' ? run : null;
    });
    assert.equal(done.status, 'succeeded', done.message);
    assert.deepEqual(await setJobs('alpha'), [], 'forgotten once its run ended');
    const list = await call<BackupList>('backup.list');
    assert.deepEqual(
      list.sets.map((s) => s.set),
      ['beta'],
    );
    const archive = list.backups.find((b) => b.set === 'alpha' && b.files === 7);
    assert.ok(archive, 'the archive of the removed set is still listed');
    const verified = await call<VerifyResult>('backup.verify', { id: archive.id });
    assert.equal(verified.ok, true, verified.problems.join('; '));
    assert.equal(verified.files, 7);
    await call('backup.run', { set: 'alpha' }, 404);
    await call('jobs.run', { jobId: 'backup-alpha' }, 404);
  });

  it('a removed set added again is scheduled again', async () => {
    const r = await update([set('alpha', [srcA], '0 2 * * *'), set('beta', [srcB], null)]);
    assert.deepEqual(r.applied, ['backup']);
    assert.deepEqual(await setJobs('alpha'), ['backup-alpha', 'restore-test-alpha']);
    const alpha = await job('backup-alpha');
    assert.equal(alpha?.schedule, '0 2 * * *');
    assert.ok(alpha?.nextRunAt, 'alpha has a next run again');
    assert.equal(alpha?.running, false);
    await update([set('beta', [srcB], null)]);
  });

  it('a new backup folder is reported as needing a restart and changes nothing now', async () => {
    const r = await update([set('beta', [srcB], null)], { directory: join(dir.path, 'elsewhere') });
    assert.deepEqual(r.applied, []);
    assert.deepEqual(r.restartRequired, ['backup']);
    assert.equal((await call<{ directory: string }>('backup.list')).directory, backups);
  });
});
