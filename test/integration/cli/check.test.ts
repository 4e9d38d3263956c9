/** `ccmon check` as a script or cron job runs it: a real process against the simulated deployment. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { startQuietSimulation } from '../../helpers/simulation.js';

const root = new URL('../../../', import.meta.url).pathname;
let sim: Simulation;
let dir: TempDir;
let config = '';

function ccmon(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'src-main/cli/bin.ts'), ...args],
      {
        cwd: root,
        env: { ...process.env, CCMON_DATA_DIR: dir.path, CCMON_CONFIG: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

before(async () => {
  sim = await startQuietSimulation();
  sim.advance(30);
  dir = await tempDir('ccmon-check-');
  config = join(dir.path, 'ccmon.yaml');
  await writeFile(
    config,
    [
      'checks:',
      '  probes:',
      `    - { name: API Health, type: http, url: "${sim.urls.api}/health", timeout: 2s }`,
      `    - { name: LLM Gateway, type: http, url: "${sim.urls.gateway}/health/liveliness", timeout: 2s }`,
      `    - { name: Sandbox, type: http, url: "${sim.urls.api}/sandbox/status", timeout: 2s }`,
      '    - { name: Disk Space, type: disk, mounts: [/], maxPercent: 100, warnPercent: 100 }',
      '    - { name: Memory, type: memory, maxPercent: 100, warnPercent: 100 }',
      '    - { name: CPU Load, type: cpu, enabled: false }',
    ].join('\n'),
  );
});
after(async () => {
  await sim?.stop();
  await dir?.cleanup();
});

describe('ccmon check', () => {
  it('prints the seed health report and exits 0 when healthy', async () => {
    const r = await ccmon('--config', config, 'check');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^={50}\nClaude Code health check report\nTime: \S+\nOverall status: HEALTHY\n={50}\n/,
    );
    assert.match(
      r.stdout,
      /✓ API Health: healthy\n {2}Details: \{"status":"ok","active_sessions":\d+,"tokens_used":\{/,
    );
    assert.match(r.stdout, /✓ Disk Space: healthy\n {2}Details: Usage: \d+\.\d%/);
    assert.doesNotMatch(r.stdout, /CPU Load/, 'disabled checks are not run');
  });

  it("--json has health_check.py's fields and exits 1 when a service is down", async () => {
    await sim.setFaults('api=down');
    try {
      const r = await ccmon('--config', config, 'check', '--json');
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as {
        timestamp: string;
        overall_status: string;
        checks: { name: string; status: string; details: unknown }[];
      };
      assert.ok(!Number.isNaN(Date.parse(report.timestamp)));
      assert.equal(report.overall_status, 'unhealthy');
      const api = report.checks.find((c) => c.name === 'API Health')!;
      assert.equal(api.status, 'unhealthy');
      assert.match(String(api.details), /connection refused at 127\.0\.0\.1:\d+/);
      assert.equal(report.checks.find((c) => c.name === 'LLM Gateway')!.status, 'healthy');
    } finally {
      await sim.setFaults('none');
    }
  });

  it('a hung endpoint costs its timeout and is reported, not waited for', async () => {
    await sim.setFaults('api/health=hang');
    try {
      const r = await ccmon('--config', config, 'check', '--json');
      assert.equal(r.code, 1);
      assert.match(r.stdout, /no answer from 127\.0\.0\.1:\d+ within 2000 ms/);
    } finally {
      await sim.setFaults('none');
    }
  });

  it('exits 2 with every error and its line on a broken config', async () => {
    const bad = join(dir.path, 'bad.yaml');
    await writeFile(
      bad,
      'checks:\n  probes:\n    - { name: x, type: http, url: nope }\n    - { name: y, type: disk, interval: soon }\n',
    );
    const r = await ccmon('--config', bad, 'check');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /checks\.probes\.0\.url \(line 3\)/);
    assert.match(r.stderr, /checks\.probes\.1\.interval \(line 4\): 'soon' is not a duration/);
    assert.equal(r.stdout, '');
    // With --json a script gets the same error as one JSON object on stdout.
    const j = await ccmon('--config', bad, 'check', '--json');
    assert.equal(j.code, 2);
    const out = JSON.parse(j.stdout) as { ok: boolean; error: string };
    assert.equal(out.ok, false);
    assert.match(out.error, /checks\.probes\.1\.interval \(line 4\): 'soon' is not a duration/);
  });

  it('config import writes the seed prometheus.yml targets into the config', async () => {
    const prom = join(dir.path, 'prometheus.yml');
    await writeFile(
      prom,
      "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: 'claude-code-api'\n    static_configs:\n      - targets: ['localhost:8080']\n    scrape_interval: 10s\n",
    );
    const out = join(dir.path, 'merged.yaml');
    const r = await ccmon('--config', config, 'config', 'import', prom, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /imported as prometheus\.yml/);
    const v = await ccmon('config', 'validate', out);
    assert.equal(v.code, 0, v.stderr);
    const notYaml = join(dir.path, 'random.yml');
    await writeFile(notYaml, 'hello: world\n');
    const bad = await ccmon('config', 'import', notYaml);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not a file ccmon can import/);
  });
});
