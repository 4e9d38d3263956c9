/** Backups inside a real headless agent: AgentApi over HTTP, the job scheduler, the exporter. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema } from '../../../src-main/core/config/schema.js';
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
