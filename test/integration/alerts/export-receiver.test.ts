/**
 * The commented "send alerts to ccmon itself" block `ccmon rules export` appends to prometheus.yml
 * is a working config: uncommented, with the token file path filled in, it passes
 * `promtool check config` and names the agent's dashboard address.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { exportArtefacts } from '../../../src-main/core/alerts/export/index.js';
import { configSchema } from '../../../src-main/core/config/schema.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';

const run = promisify(execFile);

describe('rules export: ccmon as the Alertmanager of the exported prometheus.yml', () => {
  let dir: TempDir;

  before(async () => {
    dir = await tempDir('ccmon-export-receiver-');
  });
  after(async () => {
    await dir.cleanup();
  });

  it('appends a commented alertmanagers block that promtool accepts once uncommented', async () => {
    const config = configSchema.parse({ dashboard: { host: '127.0.0.1', port: 7444 } });
    await exportArtefacts(config, dir.path);
    const text = await readFile(join(dir.path, 'prometheus.yml'), 'utf8');
    const marker = text.indexOf('# alerting:');
    assert.ok(marker > 0, 'the block is there');
    const block = text
      .slice(marker)
      .split('\n')
      .filter((l) => l.startsWith('# ') && !l.startsWith('# ('))
      .map((l) => l.slice(2).replace(/\s+# .*$/, ''))
      .join('\n');
    const tokenFile = join(dir.path, 'dashboard-token');
    await writeFile(tokenFile, 'a-token\n', { mode: 0o600 });
    const alerting = parse(block.replace('<ccmon data dir>/dashboard-token', tokenFile)) as {
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    };
    assert.deepEqual(alerting.alerting.alertmanagers[0]!.static_configs[0]!.targets, [
      '127.0.0.1:7444',
    ]);
    // The exported config with its alerting section replaced by the block.
    const doc = parse(text) as Record<string, unknown>;
    doc['alerting'] = alerting.alerting;
    const checked = join(dir.path, 'prometheus-ccmon-am.yml');
    await writeFile(checked, stringify(doc));
    const r = await run('promtool', ['check', 'config', checked]).catch(
      (err: { stdout: string; stderr: string }) => {
        assert.fail(`promtool refused it:\n${err.stdout}${err.stderr}`);
      },
    );
    assert.match(r.stdout + r.stderr, /SUCCESS/);
  });
});
