/**
 * Settings and the pause switch against a real headless agent over HTTP, with the simulator as the
 * deployment: a config.update changes the file (comments kept) and the next round of checks uses the
 * new URL and interval without a restart; an invalid update changes nothing; a pause stops the checks,
 * reads `paused`, survives a restart, and a resume brings results back.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CheckSummary } from '../../../src-main/core/checks/contract.js';
import { loadConfig } from '../../../src-main/core/config/load.js';
import type { ConfigView } from '../../../src-main/core/config/contract.js';
import type { MonitoringState } from '../../../src-main/core/monitoring/contract.js';
import type { StatusSnapshot } from '../../../src-main/core/system/contract.js';
import { silentLogger } from '../../../src-main/core/log.js';
import { startHeadless, type HeadlessAgent } from '../../../src-main/http/headless.js';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { startQuietSimulation } from '../../helpers/simulation.js';
import { requestAgent } from '../../helpers/agent.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';

let sim: Simulation;
let dir: TempDir;
let file: string;
let agent: HeadlessAgent;

async function boot(): Promise<HeadlessAgent> {
  return startHeadless({
    loaded: await loadConfig(file),
    dataDir: join(dir.path, 'data'),
    logger: silentLogger,
    port: 0,
  });
}

const call = <T>(name: string, params: unknown = {}, expect = 200) =>
  requestAgent<T>(agent, name, params, expect);

const apiCheck = async () =>
  (await call<CheckSummary[]>('checks.list')).find((c) => c.name === 'API Health')!;

before(async () => {
  sim = await startQuietSimulation();
  dir = await tempDir('ccmon-reload-');
  file = join(dir.path, 'ccmon.yaml');
  await writeFile(
    file,
    `# the team's agent
exporter: { port: 0 }
usage: { otlp: { enabled: false } }
rules: { enabled: false }
checks:
  probes:
    # the one that pages
    - name: API Health
      type: http
      url: ${sim.urls.api}/health
      interval: 1h # first round only, until changed
`,
  );
  agent = await boot();
});
after(async () => {
  await agent?.stop();
  await sim?.stop();
  await dir?.cleanup();
});

describe('config.update on a running agent', () => {
  it('the next round uses the new URL and interval; the file keeps its comments', async () => {
    const first = await waitFor('the first result', async () => (await apiCheck()).last);
    assert.equal(first.status, 'healthy');
    const view = await call<ConfigView>('config.get');
    assert.equal(view.file, file);
    const checks = structuredClone(view.document.checks) as {
      probes: { url: string; interval: string }[];
    };
    checks.probes[0]!.url = `${sim.urls.api}/no-such-endpoint`;
    checks.probes[0]!.interval = '300ms';
    const r = await call<{ applied: string[]; backup: string }>('config.update', {
      section: 'checks',
      value: checks,
    });
    assert.deepEqual(r.applied, ['checks']);
    assert.equal(r.backup, `${file}.bak`);
    const failed = await waitFor('a result from the new URL', async () => {
      const c = await apiCheck();
      return c.last && c.last.status !== 'healthy' && c.last.at > first.at ? c : null;
    });
    assert.equal(failed.intervalMs, 300);
    assert.match(failed.last!.message, /404/);
    const text = await readFile(file, 'utf8');
    assert.match(text, /# the one that pages/);
    assert.match(text, /interval: 300ms # first round only, until changed/);
  });

  it('an invalid update is refused with its field and changes neither the file nor the engine', async () => {
    const before = await readFile(file, 'utf8');
    const body = await call<{ error: { issues: string[] } }>(
      'config.update',
      {
        section: 'checks',
        value: { probes: [{ name: 'API Health', type: 'http', url: 'ftp://x', interval: 'soon' }] },
      },
      400,
    );
    assert.ok(body.error.issues.some((i) => i.startsWith('checks.probes.0.url')));
    assert.ok(body.error.issues.some((i) => i.startsWith('checks.probes.0.interval')));
    assert.equal(await readFile(file, 'utf8'), before);
    assert.equal((await apiCheck()).intervalMs, 300);
  });
});

describe('monitoring.pause on a running agent', () => {
  it('stops the checks and reads paused, across a restart, until resumed', async () => {
    const paused = await call<MonitoringState>('monitoring.pause', { for: '1h', by: 'test' });
    assert.equal(paused.paused, true);
    assert.equal((await call<StatusSnapshot>('status.get')).overall, 'paused');
    const at = (await apiCheck()).last!.at;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await apiCheck()).last!.at, at, 'no check ran while paused');

    await agent.stop();
    agent = await boot();
    assert.deepEqual(await call<MonitoringState>('monitoring.state'), paused);
    assert.equal((await call<StatusSnapshot>('status.get')).overall, 'paused');
    await new Promise((r) => setTimeout(r, 800));
    assert.equal((await apiCheck()).last, null, 'the restarted agent did not check while paused');

    const resumed = await call<MonitoringState>('monitoring.resume');
    assert.equal(resumed.paused, false);
    await waitFor('results again', async () => (await apiCheck()).last);
    await waitFor('a status that is not paused', async () => {
      const s = await call<StatusSnapshot>('status.get');
      return s.overall !== 'paused' && s.overall !== 'unknown';
    });
  });
});
