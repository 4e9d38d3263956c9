import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir, access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createMonitoringModule } from '../../../../src-main/core/monitoring/module.js';
import type { MonitoringState } from '../../../../src-main/core/monitoring/contract.js';
import type { EngineModule } from '../../../../src-main/core/module.js';
import type { RequestHandlers } from '../../../../src-main/core/api.js';
import { dispatchRequest, RequestError } from '../../../../src-main/core/local-api.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import { tempDir, waitFor, type TempDir } from '../../../helpers/ports.js';

/** A module that records what was done to it, in one shared journal. */
function recorder(name: string, journal: string[]): EngineModule & { running: boolean } {
  const m = {
    name,
    running: false,
    async start() {
      m.running = true;
      journal.push(`start ${name}`);
    },
    async stop() {
      m.running = false;
      journal.push(`stop ${name}`);
    },
  };
  return m;
}

function build(dataDir: string, journal: string[], now = Date.now) {
  const changes: MonitoringState[] = [];
  const mon = createMonitoringModule({
    dataDir,
    logger: silentLogger,
    now,
    onChange: (s) => changes.push(s),
    warmUp: async () => {
      journal.push('warm-up');
    },
  });
  const checks = recorder('checks', journal);
  const scrape = recorder('scrape', journal);
  const rules = recorder('rules', journal);
  const engine = [mon, mon.gateLoop(checks), mon.gateLoop(scrape), mon.gateEvaluator(rules)];
  const call = (name: string, params: unknown) =>
    dispatchRequest(
      mon.handlers as unknown as RequestHandlers,
      name,
      params,
    ) as Promise<MonitoringState>;
  return {
    mon,
    checks,
    scrape,
    rules,
    changes,
    call,
    start: async () => {
      for (const m of engine) await m.start();
    },
    stop: async () => {
      for (const m of [...engine].reverse()) await m.stop();
    },
  };
}

describe('monitoring module', () => {
  let dir: TempDir;
  let journal: string[];
  beforeEach(async () => {
    dir = await tempDir('ccmon-mon-');
    journal = [];
  });
  afterEach(() => dir.cleanup());

  it('pause stops rules first, then the loops; the status reads paused', async () => {
    const e = build(dir.path, journal);
    await e.start();
    journal.length = 0;
    const s = await e.call('monitoring.pause', { by: 'tray' });
    assert.deepEqual(journal, ['stop rules', 'stop scrape', 'stop checks']);
    assert.equal(s.paused, true);
    assert.equal(s.until, null);
    assert.equal(s.by, 'tray');
    assert.equal(e.changes.length, 1);
    const status = e.mon.overlay({ overall: 'unhealthy', updatedAt: null, summary: 'API down' });
    assert.equal(status.overall, 'paused');
    assert.match(status.summary, /until resumed/);
    // Pausing again changes the end time, not the loops.
    journal.length = 0;
    const again = await e.call('monitoring.pause', { for: '1h' });
    assert.deepEqual(journal, []);
    assert.equal(again.since, s.since);
    assert.ok(again.until);
    await e.stop();
  });

  it('resume starts the loops, waits for a fresh round, then lets rules evaluate', async () => {
    const e = build(dir.path, journal);
    await e.start();
    await e.call('monitoring.pause', {});
    journal.length = 0;
    const s = await e.call('monitoring.resume', {});
    assert.deepEqual(journal, ['start checks', 'start scrape', 'warm-up', 'start rules']);
    assert.equal(s.paused, false);
    assert.equal(
      e.mon.overlay({ overall: 'healthy', updatedAt: null, summary: '' }).overall,
      'healthy',
    );
    assert.equal((await e.call('monitoring.resume', {})).paused, false, 'resume twice is harmless');
    await e.stop();
  });

  it('a saved pause survives a restart: loops stay off, rules load but do not evaluate', async () => {
    const first = build(dir.path, journal);
    await first.start();
    const paused = await first.call('monitoring.pause', { for: '2h', by: 'dashboard' });
    await first.stop();
    journal.length = 0;
    const second = build(dir.path, journal);
    await second.start();
    assert.deepEqual(journal, ['start rules', 'stop rules']);
    assert.deepEqual(await second.call('monitoring.state', {}), paused);
    assert.equal(second.checks.running, false);
    await second.call('monitoring.resume', {});
    assert.equal(second.checks.running, true);
    await assert.rejects(access(join(dir.path, 'monitoring', 'pause.json')));
    await second.stop();
  });

  it('a saved pause that ended while the agent was down is over at start', async () => {
    const t0 = Date.now();
    const first = build(dir.path, journal, () => t0);
    await first.start();
    await first.call('monitoring.pause', { for: '1m' });
    await first.stop();
    const later = build(dir.path, journal, () => t0 + 120_000);
    journal.length = 0;
    await later.start();
    assert.equal(later.mon.state().paused, false);
    assert.ok(journal.includes('start checks'));
    await later.stop();
  });

  it('a timed pause ends by itself', async () => {
    const e = build(dir.path, journal);
    await e.start();
    await e.call('monitoring.pause', { for: '1s' });
    await waitFor('the pause to end', async () => !e.mon.state().paused, 5000, 50);
    assert.equal(e.checks.running, true);
    assert.equal(e.rules.running, true);
    assert.equal(e.changes.at(-1)!.paused, false);
    await e.stop();
  });

  it('exports ccmon_monitoring_paused, computed at scrape time', async () => {
    const registry = new Registry();
    const mon = createMonitoringModule({ dataDir: dir.path, logger: silentLogger, registry });
    await mon.start();
    const value = async () =>
      (await registry.getSingleMetric('ccmon_monitoring_paused')!.get()).values[0]!.value;
    assert.equal(await value(), 0);
    await mon.handlers['monitoring.pause']({});
    assert.equal(await value(), 1);
    assert.match(await registry.metrics(), /^ccmon_monitoring_paused 1$/m);
    await mon.handlers['monitoring.resume']({});
    assert.equal(await value(), 0);
    await mon.stop();
  });

  it('refuses a bad duration with what it expects; a damaged saved file is ignored', async () => {
    const e = build(dir.path, journal);
    for (const bad of ['soon', '0s', '2w', '-1h'])
      await assert.rejects(
        e.call('monitoring.pause', { for: bad }),
        (err: unknown) => err instanceof RequestError && /such as 15m, 1h/.test(err.message),
      );
    await mkdir(join(dir.path, 'monitoring'), { recursive: true });
    await writeFile(join(dir.path, 'monitoring', 'pause.json'), '{"paused": tru');
    await e.start();
    assert.equal(e.mon.state().paused, false);
    assert.equal(e.checks.running, true);
    await e.call('monitoring.pause', {});
    const saved = JSON.parse(await readFile(join(dir.path, 'monitoring', 'pause.json'), 'utf8'));
    assert.equal(saved.paused, true);
    await e.stop();
  });
});
