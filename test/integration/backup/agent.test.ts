/** Backups inside a real headless agent: AgentApi over HTTP, the job scheduler, the exporter. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema, type CcmonConfig } from '../../../src-main/core/config/schema.js';
import type { JobRun } from '../../../src-main/core/jobs/contract.js';
import { silentLogger } from '../../../src-main/core/log.js';
import { startHeadless, type HeadlessAgent } from '../../../src-main/http/headless.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { freePort, tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { writeTree } from '../../unit/core/backup/fixtures.js';

describe('backups in the agent', () => {
  let dir: TempDir;
  let agent: TestAgent;
  let exporterPort: number;
  before(async () => {
    dir = await tempDir('ccmon-bk-agent-');
    const src = join(dir.path, 'etc');
    writeTree(src, [
      { path: 'a.yaml', content: 'a: 1' },
      { path: 'b.yaml', content: 'b: 2' },
    ]);
    exporterPort = await freePort();
    const config = configSchema.parse({
      exporter: { port: exporterPort },
      backup: {
        directory: join(dir.path, 'backups'),
        sets: [{ name: 'app', sources: [src], schedule: '0 2 * * *' }],
      },
    });
    agent = await startTestAgent(config);
  });
  after(async () => {
    await agent?.close();
    await dir?.cleanup();
  });

  const call = <T>(name: string, params: object = {}, expect = 200) =>
    requestAgent<T>(agent, name, params, expect);

  it('runs a backup on request, lists it, and exports its gauges', async () => {
    const started = await call<{ jobId: string; status: string }>('backup.run', {});
    assert.equal(started.jobId, 'backup-app');
    const list = await waitFor('the backup to finish', async () => {
      const l = await call<{
        sets: { lastBackup: { id: string; files: number } | null; nextRunAt: string | null }[];
      }>('backup.list');
      return l.sets[0]!.lastBackup ? l : null;
    });
    assert.ok(list.sets[0]!.lastBackup!.files >= 2);
    assert.ok(list.sets[0]!.nextRunAt);
    const metrics = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
    assert.match(metrics, /ccmon_backup_last_success_timestamp_seconds\{set="app"\} \d/);
    assert.match(metrics, /ccmon_backup_size_bytes\{set="app"\} \d/);
  });

  it('the scheduler lists every job (backups, restore tests, maintenance) with history', async () => {
    const jobs = await call<{ id: string; schedule: string | null }[]>('jobs.list');
    const ids = jobs.map((j) => j.id);
    assert.ok(ids.includes('backup-app'));
    assert.ok(ids.includes('restore-test-app'));
    const history = await call<{ jobId: string; status: string }[]>('jobs.history', {
      jobId: 'backup-app',
    });
    assert.equal(history[0]?.status, 'succeeded');
  });

  it('refuses a restore without the typed confirmation (HTTP 400)', async () => {
    const id = (await call<{ backups: { id: string }[] }>('backup.list')).backups[0]!.id;
    const body = await call<{ error: { message: string } }>(
      'backup.restore',
      { id, confirm: 'yes', to: join(dir.path, 'r') },
      400,
    );
    assert.match(body.error.message, new RegExp(id));
  });
});

describe('retention in the agent, and a set that never succeeded', () => {
  // Its own data folder: the agent is stopped and started again on the same job history.
  let dir: TempDir;
  let agent: HeadlessAgent | null = null;
  let exporterPort: number;
  let config: CcmonConfig;
  const start = async () => {
    agent = await startHeadless({
      loaded: { config, file: null, warnings: [] },
      dataDir: join(dir.path, 'data'),
      logger: silentLogger,
      port: 0,
    });
  };
  before(async () => {
    dir = await tempDir('ccmon-bk-retain-agent-');
    const src = join(dir.path, 'etc');
    writeTree(src, [{ path: 'a.yaml', content: 'a: 1' }]);
    exporterPort = await freePort();
    config = configSchema.parse({
      exporter: { port: exporterPort },
      backup: {
        directory: join(dir.path, 'backups'),
        retention: { keepLast: 2, keepWithin: null },
        restoreTestSchedule: null,
        sets: [
          { name: 'app', sources: [src], schedule: '0 2 * * *' },
          { name: 'never', sources: [src], schedule: '0 4 * * *' },
        ],
      },
    });
    await start();
  });
  after(async () => {
    await agent?.stop();
    await dir?.cleanup();
  });

  const call = <T>(name: string, params: object = {}, expect = 200) =>
    requestAgent<T>(agent!, name, params, expect);
  const appBackups = async () =>
    (await call<{ backups: { id: string; set: string }[] }>('backup.list')).backups
      .filter((b) => b.set === 'app')
      .map((b) => b.id);
  /** A manual backup of app, waited for until its run has ended. */
  const backUp = async () => {
    const started = await call<JobRun>('backup.run', { set: 'app' });
    await waitFor('the backup run to end', async () => {
      const runs = await call<JobRun[]>('jobs.history', { jobId: 'backup-app' });
      const run = runs.find((r) => r.runId === started.runId);
      return run && run.status !== 'running' ? run : null;
    });
  };

  it('exports 0 as the last success of a set that never had one, and since when it is configured', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
    assert.match(metrics, /^ccmon_backup_last_success_timestamp_seconds\{set="never"\} 0$/m);
    const since = metrics.match(
      /^ccmon_backup_set_configured_timestamp_seconds\{set="never"\} (\d+)$/m,
    );
    assert.ok(since, 'the BackupStale rule for a never-succeeded set reads it');
    assert.ok(Math.abs(Number(since[1]) - Date.now() / 1000) < 600, since[1]);
  });

  it('backup.prune applies the retention policy on request', async () => {
    for (let i = 0; i < 3; i++) await backUp();
    const before = await appBackups();
    assert.equal(before.length, 3, 'manual backups leave retention alone');
    const report = await call<{ dryRun: boolean; removed: string[] }>('backup.prune');
    assert.equal(report.dryRun, false);
    assert.deepEqual(report.removed, before.slice(2));
    assert.deepEqual(await appBackups(), before.slice(0, 2));
  });

  it('a scheduled run (caught up at start) applies it and records what it removed', async () => {
    await backUp();
    const before = await appBackups();
    assert.equal(before.length, 3);
    await agent!.stop();
    agent = null;
    // The last runs become old: the 02:00 slot passed while the agent was stopped (catch-up).
    const history = join(dir.path, 'data', 'jobs', 'history.jsonl');
    const lines = readFileSync(history, 'utf8').trim().split('\n');
    const aged = lines.map((l) => {
      const run = JSON.parse(l) as JobRun;
      if (run.jobId !== 'backup-app') return l;
      return JSON.stringify({
        ...run,
        startedAt: '2020-01-01T00:00:00.000Z',
        finishedAt: '2020-01-01T00:00:01.000Z',
      });
    });
    writeFileSync(history, aged.join('\n') + '\n');
    await start();
    const run = await waitFor('the catch-up backup to end', async () => {
      const r = (await call<JobRun[]>('jobs.history', { jobId: 'backup-app' }))[0];
      return r?.trigger === 'catch-up' && r.status !== 'running' ? r : null;
    });
    assert.equal(run.status, 'succeeded', run.message);
    const after = await appBackups();
    assert.equal(after.length, 2, after.join(', '));
    assert.deepEqual(after[1], before[0]);
    assert.match(run.message, /retention removed 2 backup\(s\)/);
    for (const id of before.slice(1)) assert.ok(run.message.includes(id), run.message);
  });
});
