/**
 * ccmon's own metrics reach its own store, so its own rules can fire: a real agent whose only
 * target is itself (the implicit `ccmon` job, read in-process), a real backup, and a rule over
 * ccmon_backup_last_success_timestamp_seconds that fires once the backup exists. The families
 * stored from their own sources (claude_code_*, ccmon_check_*) are not stored a second time.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema } from '../../../src-main/core/config/schema.js';
import type { AlertView } from '../../../src-main/core/alerts/contract.js';
import type { TargetHealth } from '../../../src-main/core/scrape/contract.js';
import type { SeriesQueryResult } from '../../../src-main/core/tsdb/contract.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { freePort, tempDir, waitFor, type TempDir } from '../../helpers/ports.js';

describe("ccmon's own metrics in its store", () => {
  let dir: TempDir;
  let agent: TestAgent;
  let exporterPort: number;
  before(async () => {
    dir = await tempDir('ccmon-self-');
    writeFileSync(join(dir.path, 'a.txt'), 'a');
    const rules = join(dir.path, 'backup.rules.yml');
    writeFileSync(
      rules,
      [
        'groups:',
        '  - name: backups',
        '    interval: 1s',
        '    rules:',
        '      - alert: BackupExists',
        '        expr: ccmon_backup_last_success_timestamp_seconds > 0',
      ].join('\n'),
    );
    exporterPort = await freePort();
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { port: exporterPort },
        scrape: { interval: '1s', jobs: [] },
        checks: { probes: [{ name: 'Disk', type: 'disk', interval: '1s', mounts: ['/'] }] },
        rules: { defaults: false, files: [rules], evaluationInterval: '1s' },
        backup: {
          directory: join(dir.path, 'backups'),
          sets: [{ name: 'app', sources: [join(dir.path, 'a.txt')], schedule: null }],
        },
      }),
    );
  });
  after(async () => {
    await agent?.close();
    await dir?.cleanup();
  });

  const query = (metric: string, labels: Record<string, string> = {}) =>
    requestAgent<SeriesQueryResult>(agent, 'series.query', { metric, labels, range: '5m' });

  it('lists itself as the implicit job ccmon, read in-process, and up', async () => {
    const target = await waitFor('the self target to be scraped', async () => {
      const list = await requestAgent<TargetHealth[]>(agent, 'targets.list');
      const self = list.find((t) => t.job === 'ccmon');
      return self?.health === 'up' ? self : null;
    });
    assert.equal(target.instance, `127.0.0.1:${exporterPort}`);
    assert.match(target.url, /\(read in-process\)$/);
    assert.ok(target.samples > 20, `${target.samples} samples`);
  });

  it('stores the host metrics under job ccmon, so the disk and memory rules have data', async () => {
    const avail = await waitFor('node_filesystem_avail_bytes', async () => {
      const r = await query('node_filesystem_avail_bytes', { mountpoint: '/' });
      return r.series.length > 0 ? r : null;
    });
    assert.equal(avail.series[0]!.labels.job, 'ccmon');
    assert.ok((await query('node_memory_MemTotal_bytes')).series.length === 1);
  });

  it('does not store claude_code_* or ccmon_check_* a second time', async () => {
    await waitFor(
      'a few self scrapes',
      async () => ((await query('up', { job: 'ccmon' })).series[0]?.points.length ?? 0) >= 2,
    );
    const checkUp = await query('ccmon_check_up');
    assert.deepEqual(
      checkUp.series.map((s) => s.labels.job ?? null),
      [null],
      "one ccmon_check_up series, the checks module's own",
    );
    const names = await requestAgent<string[]>(agent, 'series.labelValues', {
      name: '__name__',
      labels: { job: 'ccmon' },
    });
    assert.deepEqual(
      names.filter((n) => n.startsWith('claude_code_') || n.startsWith('ccmon_check_')),
      [],
    );
    assert.ok(names.includes('process_resident_memory_bytes'));
  });

  it("fires a rule over ccmon_backup_* once a backup exists (BackupStale's input)", async () => {
    assert.deepEqual(await firing(), [], 'no backup yet, nothing fires');
    await requestAgent(agent, 'backup.run', { set: 'app' });
    const alerts = await waitFor('BackupExists to fire', async () => {
      const a = await firing();
      return a.length > 0 ? a : null;
    });
    assert.equal(alerts[0]!.labels.set, 'app');
    assert.equal(alerts[0]!.labels.job, 'ccmon');
  });

  const firing = async () =>
    (await requestAgent<AlertView[]>(agent, 'alerts.list', { state: ['firing'] })).filter(
      (a) => a.labels.alertname === 'BackupExists',
    );
});
