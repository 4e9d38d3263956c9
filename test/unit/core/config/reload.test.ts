/**
 * Reload on a real engine (createAgent, no HTTP): which sections apply at once and which wait for a
 * restart, schedules moved without rebuilding their modules, and a failed reload putting back what
 * it had already changed.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Agent } from '../../../../src-main/core/agent.js';
import { changedSections } from '../../../../src-main/core/config/reload.js';
import { defaultConfig } from '../../../../src-main/core/config/schema.js';
import { startAgentOnFile } from '../../../helpers/agent.js';
import { tempDir, waitFor, type TempDir } from '../../../helpers/ports.js';

const BASE = `exporter: { enabled: false }
usage: { otlp: { enabled: false }, transcripts: { enabled: false } }
scrape: { jobs: [] }
rules: { defaults: false }
checks: { probes: [{ name: Memory, type: memory, interval: 1h }] }
maintenance: { schedule: "0 3 * * 0" }
backup: { sets: [{ name: main, schedule: "0 2 * * *", sources: [] }] }
`;

describe('config reload on a running engine', () => {
  let dir: TempDir;
  let agent: Agent;
  beforeEach(async () => {
    dir = await tempDir('ccmon-reload-unit-');
    ({ agent } = await startAgentOnFile(dir.path, BASE));
  });
  afterEach(async () => {
    await agent.stop();
    await dir.cleanup();
  });

  const job = async (id: string) =>
    (await agent.handlers['jobs.list']({})).find((j) => j.id === id);

  it('moves schedules at once: the jobs run on the new cron, and the views show it', async () => {
    const r = await agent.handlers['config.update']({
      section: 'maintenance',
      value: { schedule: '15 4 * * *' },
    });
    assert.deepEqual(r.applied, ['maintenance']);
    assert.equal((await job('maintenance'))!.schedule, '15 4 * * *');
    const b = await agent.handlers['config.update']({
      section: 'backup',
      value: {
        sets: [{ name: 'main', schedule: null, sources: [] }],
        restoreTestSchedule: '0 5 * * 6',
      },
    });
    assert.deepEqual(b.applied, ['backup']);
    assert.equal((await job('backup-main'))!.schedule, null);
    assert.equal((await job('restore-test-main'))!.schedule, '0 5 * * 6');
    assert.equal(agent.config.maintenance.schedule, '15 4 * * *');
  });

  it('maintenance without a schedule leaves jobs.list, as at a start, and a cron brings it back', async () => {
    const off = await agent.handlers['config.update']({
      section: 'maintenance',
      value: { schedule: null },
    });
    assert.deepEqual(off.applied, ['maintenance']);
    assert.equal(await job('maintenance'), undefined, 'no unscheduled "Maintenance" leftover');
    const on = await agent.handlers['config.update']({
      section: 'maintenance',
      value: { schedule: '30 1 * * *' },
    });
    assert.deepEqual(on.applied, ['maintenance']);
    const back = await job('maintenance');
    assert.equal(back?.schedule, '30 1 * * *');
    assert.ok(back?.nextRunAt);
  });

  it('report schedules reload like backup sets: added, changed and removed jobs at once', async () => {
    const daily = { name: 'daily', schedule: '0 7 * * *', period: '24h' };
    const update = (schedules: object[], extra: object = {}) =>
      agent.handlers['config.update']({ section: 'reports', value: { schedules, ...extra } });
    assert.ok(await job('report-weekly'), 'the default weekly report is scheduled');
    const r = await update([daily, { name: 'ops', schedule: '30 6 * * *', period: '12h' }]);
    assert.deepEqual(r.applied, ['reports']);
    assert.deepEqual(r.restartRequired, []);
    assert.equal(await job('report-weekly'), undefined, 'a removed schedule leaves jobs.list');
    const ops = await job('report-ops');
    assert.equal(ops?.title, 'ops health report (12h)');
    assert.ok(ops?.nextRunAt, 'an added schedule runs on its cron');
    await update([daily, { name: 'ops', schedule: '45 6 * * *', period: '7d' }]);
    assert.equal((await job('report-ops'))?.title, 'ops health report (7d)', 'a changed period');
    assert.equal((await job('report-ops'))?.schedule, '45 6 * * *');
    assert.deepEqual(
      agent.config.reports.schedules.map((s) => s.name),
      ['daily', 'ops'],
    );
    const moved = await update([daily], { dir: join(dir.path, 'elsewhere') });
    assert.deepEqual(moved.restartRequired, ['reports']);
    assert.ok(await job('report-ops'), 'nothing changes until the restart');
  });

  // A new backup set applies at once (test/integration/backup/reload.test.ts); its folder does not.
  it('a new backup folder or a dashboard port waits for a restart, and says so', async () => {
    const r = await agent.handlers['config.update']({
      section: 'backup',
      value: {
        directory: join(dir.path, 'elsewhere'),
        sets: [
          { name: 'main', sources: [] },
          { name: 'extra', sources: [] },
        ],
      },
    });
    assert.deepEqual(r.applied, []);
    assert.deepEqual(r.restartRequired, ['backup']);
    assert.match(r.message, /backup takes effect at the next start/);
    assert.equal(await job('backup-extra'), undefined);
    const d = await agent.handlers['config.update']({
      section: 'dashboard',
      value: { port: 7999 },
    });
    assert.deepEqual(d.restartRequired, ['dashboard']);
  });

  it('rebuilds checks: the new probe list is what checks.list and checks.run see', async () => {
    await agent.handlers['config.update']({
      section: 'checks',
      value: { probes: [{ name: 'CPU', type: 'cpu', interval: '1h' }] },
    });
    const list = await agent.handlers['checks.list']({});
    assert.deepEqual(
      list.map((c) => c.name),
      ['CPU'],
    );
    const [res] = await agent.handlers['checks.run']({ names: ['CPU'] });
    assert.equal(res!.name, 'CPU');
    await assert.rejects(
      agent.handlers['checks.run']({ names: ['Memory'] }),
      /unknown check 'Memory'/,
    );
  });

  it('changedSections compares by value', () => {
    const a = defaultConfig();
    const b = structuredClone(a);
    assert.deepEqual(changedSections(a, b), []);
    b.rules.evaluationInterval = '10s';
    b.dashboard.port = 1;
    assert.deepEqual(changedSections(a, b), ['dashboard', 'rules']);
  });
});

describe('config reload: removed checks leave no series to alert on', () => {
  it('marks a removed check stale, so a rule on its ccmon_check_up resolves at once', async () => {
    const dir = await tempDir('ccmon-reload-stale-');
    const rules = join(dir.path, 'present.yml');
    await writeFile(
      rules,
      `groups:
  - name: present
    interval: 200ms
    rules:
      - alert: MemoryCheckPresent
        expr: ccmon_check_up{check="Memory"}
`,
    );
    const text = BASE.replace(
      'rules: { defaults: false }',
      `rules: { defaults: false, files: ["${rules}"] }`,
    );
    const { agent } = await startAgentOnFile(dir.path, text);
    const state = async () => (await agent.handlers['rules.list']({})).groups[0]?.rules[0]?.state;
    try {
      await waitFor(
        'the rule to fire on the Memory check',
        async () => (await state()) === 'firing',
      );
      await agent.handlers['config.update']({
        section: 'checks',
        value: { probes: [{ name: 'CPU', type: 'cpu', interval: '1h' }] },
      });
      // Without the stale marker the 5 m lookback would keep it firing long past this wait.
      await waitFor('the rule to resolve', async () => (await state()) === 'inactive', 5000);
    } finally {
      await agent.stop();
      await dir.cleanup();
    }
  });
});
