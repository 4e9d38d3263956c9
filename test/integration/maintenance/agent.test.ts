import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SilenceView } from '../../../src-main/core/alerts/contract.js';
import { configSchema } from '../../../src-main/core/config/schema.js';
import type { MaintenanceRun } from '../../../src-main/core/maintenance/contract.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { configForAgent, execCcmon } from '../../helpers/cli.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

describe('maintenance in a running agent', () => {
  let agent: TestAgent;
  let dir: TempDir;
  let logs: string;
  before(async () => {
    dir = await tempDir('ccmon-maint-');
    logs = join(dir.path, 'logs');
    mkdirSync(logs);
    const old = join(logs, 'api.log');
    writeFileSync(old, 'old\n');
    utimesSync(old, new Date('2020-01-01'), new Date('2020-01-01'));
    const config = configSchema.parse({
      checks: { probes: [] },
      scrape: { jobs: [] },
      maintenance: {
        schedule: null,
        logRetention: { paths: [logs] },
        cacheCleanup: { paths: [join(dir.path, 'cache')] },
        configBackup: { enabled: false },
        diskUsage: { paths: [dir.path] },
      },
      reports: { schedules: [] },
    });
    agent = await startTestAgent(config);
  });
  after(async () => {
    await agent?.close();
    await dir?.cleanup();
  });

  const call = <T>(name: string, params: unknown) => requestAgent<T>(agent, name, params);

  it('a run through AgentApi silences its alerts for its duration, then expires the silence', async () => {
    const runResult = await call<MaintenanceRun>('maintenance.run', { dryRun: false });
    assert.equal(runResult.status, 'succeeded', JSON.stringify(runResult.tasks));
    assert.ok(runResult.silenceId, 'a silence was opened');
    const silences = await call<SilenceView[]>('silences.list', {});
    const s = silences.find((x) => x.id === runResult.silenceId)!;
    assert.equal(s.createdBy, 'ccmon maintenance');
    assert.equal(s.state, 'expired', 'expired as soon as the run ended');
    assert.ok(!existsSync(join(logs, 'api.log')), 'the old log went');
    const history = await call<Array<{ id: string }>>('maintenance.history', {});
    assert.equal(history[0]!.id, runResult.id);
    assert.match(
      readFileSync(runResult.reportFile!, 'utf8'),
      /Log rotation and retention: done — delete 1,/,
    );
  });

  it('ccmon maintenance --dry-run --json uses the running agent', async () => {
    const configFile = configForAgent(dir.path, agent.dashboard.port);
    const { stdout } = await execCcmon(
      ['--config', configFile, '--json', 'maintenance', '--dry-run', '--task', 'disk-usage'],
      { ...process.env, CCMON_DATA_DIR: agent.dataDir },
    );
    const r = JSON.parse(stdout) as MaintenanceRun;
    assert.equal(r.dryRun, true);
    assert.deepEqual(
      r.tasks.map((t) => t.task),
      ['disk-usage'],
    );
    assert.equal(r.silenceId, null);
  });

  it('ccmon maintenance refuses an unknown task with exit 2', async () => {
    await assert.rejects(
      execCcmon(['maintenance', '--task', 'defrag'], {
        ...process.env,
        CCMON_DATA_DIR: dir.path,
      }),
      (err: { code: number; stderr: string }) =>
        err.code === 2 && /unknown defrag/.test(err.stderr),
    );
  });
});
