/**
 * The system clock stepped while the process runs (only Date is faked, with
 * @sinonjs/fake-timers; timers, performance.now and the network are real): +2 h forward and
 * −10 min back (an NTP correction) against the real scrape loop, check scheduler and rule manager.
 * Scrapes and checks keep their cadence (nothing skipped for the step's length, no extra runs),
 * and a `for` clause is never satisfied by the step alone.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { install } from '@sinonjs/fake-timers';
import { checksSectionSchema } from '../../../src-main/core/checks/config.js';
import { HostSampler } from '../../../src-main/core/checks/host-sampler.js';
import { PROBES } from '../../../src-main/core/checks/probes.js';
import { CheckScheduler } from '../../../src-main/core/checks/scheduler.js';
import { silentLogger } from '../../../src-main/core/log.js';
import { computeOverall } from '../../../src-main/core/system/overall.js';
import { scrapeSectionSchema } from '../../../src-main/core/scrape/config.js';
import { createScrapeModule } from '../../../src-main/core/scrape/module.js';
import { createSeriesStore } from '../../../src-main/core/tsdb/index.js';
import { checkRef, healthyCheckResult } from '../../helpers/check-results.js';
import { tempDir } from '../../helpers/ports.js';
import { loadRuleManager, writeRuleGroup } from '../../helpers/rule-manager.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;
const MIN = 60_000;

describe('wall-clock jumps while running', () => {
  let server: Server;
  let port = 0;
  const hits: Record<string, number[]> = {};
  /** Set by a test: a step of the wall clock made while a request is being answered. */
  let stepDuringRequest: (() => void) | null = null;
  let clock: ReturnType<typeof install>;

  before(async () => {
    clock = install({ toFake: ['Date'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
    server = createServer((req, res) => {
      (hits[req.url ?? '/'] ??= []).push(performance.now());
      const step = stepDuringRequest;
      stepDuringRequest = null;
      step?.();
      setTimeout(() => res.writeHead(200).end('up 1\n'), 50);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    clock.uninstall();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  /** Requests to path in the last `ms` of real time. */
  const recent = (path: string, ms: number) =>
    (hits[path] ?? []).filter((t) => t >= performance.now() - ms).length;

  it('the scrape loop keeps its 200 ms cadence through −10 min and +2 h', async () => {
    const store = createSeriesStore();
    const scrape = createScrapeModule({
      config: scrapeSectionSchema.parse({
        jobs: [
          {
            name: 'jumpy',
            interval: '200ms',
            timeout: '150ms',
            staticConfigs: [{ targets: [`127.0.0.1:${port}`] }],
            metricsPath: '/metrics',
          },
        ],
      }),
      appender: store,
      logger: silentLogger,
    });
    await scrape.start();
    try {
      await sleep(1200);
      assert.ok(recent('/metrics', 1000) >= 3, 'scraping before the step');
      clock.setSystemTime(Date.now() - 10 * MIN);
      await sleep(1200);
      assert.ok(
        recent('/metrics', 1000) >= 3,
        `after −10 min: ${recent('/metrics', 1000)} scrapes in 1 s`,
      );
      clock.setSystemTime(Date.now() + 2 * HOUR);
      await sleep(1200);
      const n = recent('/metrics', 1000);
      assert.ok(n >= 3 && n <= 7, `after +2 h: ${n} scrapes in 1 s (no catch-up burst)`);
    } finally {
      await scrape.stop();
    }
  });

  for (const [what, step] of [
    ['−10 min', -10 * MIN],
    ['+2 h', 2 * HOUR],
  ] as const)
    it(`a check stepped ${what} in the middle of its run runs again one interval later`, async () => {
      const path = `/check-${step}`;
      const config = checksSectionSchema.parse({
        probes: [
          {
            name: `jump${step}`,
            type: 'http',
            url: `http://127.0.0.1:${port}${path}`,
            interval: '1s',
            timeout: '500ms',
          },
        ],
      });
      const s = new CheckScheduler({
        checks: config.probes,
        concurrency: 4,
        probes: PROBES,
        host: new HostSampler(),
        onResult: () => {},
      });
      s.start();
      try {
        await sleep(2500); // the quick first run, then the phased cadence
        stepDuringRequest = () => clock.setSystemTime(Date.now() + step);
        const before = (hits[path] ?? []).length;
        await sleep(3500);
        const runs = (hits[path] ?? []).slice(before);
        assert.equal(stepDuringRequest, null, 'the step happened during a run');
        const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
        assert.ok(
          runs.length >= 3 && runs.length <= 5,
          `${runs.length} runs in 3.5 s at 1 s: ${gaps.join(', ')}`,
        );
        for (const g of gaps)
          assert.ok(g > 700 && g < 1500, `gap ${Math.round(g)} ms at a 1 s interval`);
      } finally {
        s.stop();
      }
    });

  it('+2 h does not satisfy a 10 m `for`; the pending alert stays pending', async () => {
    const dir = await tempDir('ccmon-jump-rules-');
    try {
      const file = await writeRuleGroup(dir.path, 'jump', '200ms', [
        { alert: 'AlwaysOn', expr: 'vector(1)', for: '10m' },
      ]);
      const { manager, sent } = await loadRuleManager({
        files: [file],
        store: createSeriesStore(),
        dataDir: dir.path,
      });
      manager.start();
      try {
        await sleep(1000);
        clock.setSystemTime(Date.now() + 2 * HOUR);
        await sleep(1500);
        clock.setSystemTime(Date.now() - 10 * MIN);
        await sleep(1000);
        assert.deepEqual(sent, [], 'nothing fired');
        const rules = manager.list().groups[0]!.rules[0]! as { alerts?: { state: string }[] };
        assert.deepEqual(
          rules.alerts?.map((a) => a.state),
          ['pending'],
        );
      } finally {
        manager.stop();
      }
    } finally {
      await dir.cleanup();
    }
  });

  it('results stamped before a −10 min step count as unknown, not green, until fresh ones come', () => {
    const at = Date.now();
    const refs = [checkRef('api')];
    const latest = new Map([['api', healthyCheckResult('api', at)]]);
    assert.equal(computeOverall(refs, latest, at + 1000).overall, 'healthy');
    assert.equal(computeOverall(refs, latest, at - 10 * MIN).overall, 'unknown');
    assert.equal(computeOverall(refs, latest, at + 2 * HOUR).overall, 'unknown', '+2 h: stale');
  });
});
