import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, mock } from 'node:test';
import { checksSectionSchema } from '../../../../src-main/core/checks/config.js';
import { HostSampler } from '../../../../src-main/core/checks/host-sampler.js';
import { createChecksModule } from '../../../../src-main/core/checks/module.js';
import { PROBES } from '../../../../src-main/core/checks/probes.js';
import { CheckScheduler } from '../../../../src-main/core/checks/scheduler.js';
import {
  COALESCE_MAX_TASKS,
  gridOffset,
  phaseOf,
  WAKE_GRANULE_MS,
} from '../../../../src-main/core/system/cadence.js';
import type { CheckResult } from '../../../../src-main/core/checks/types.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import type { Labels } from '../../../../src-main/core/tsdb/types.js';

let server: Server;
let base = '';
let failing = true;
before(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/hang')) return; // never answers
    if (req.url === '/flaky' && failing) return void res.writeHead(500).end('down');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const http = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'http',
  url: `${base}${path}`,
  interval: '1m',
  timeout: '600ms',
  ...extra,
});

describe('check scheduling', () => {
  it('hung targets never delay the others: every fast check reports before the first timeout', async () => {
    const probes = [
      ...Array.from({ length: 6 }, (_, i) => http(`hang-${i}`, `/hang/${i}`)),
      ...Array.from({ length: 30 }, (_, i) => http(`fast-${i}`, `/ok/${i}`)),
    ];
    const config = checksSectionSchema.parse({ concurrency: 8, probes });
    const order: CheckResult[] = [];
    const s = new CheckScheduler({
      checks: config.probes,
      concurrency: 8,
      probes: PROBES,
      host: new HostSampler(),
      onResult: (r) => order.push(r),
    });
    await s.runNow();
    const firstHang = order.findIndex((r) => r.name.startsWith('hang'));
    assert.equal(
      firstHang,
      30,
      `a hung check finished before all fast ones: ${order.map((r) => r.name).join(',')}`,
    );
    assert.ok(order.slice(30).every((r) => /within 600 ms/.test(r.message)));
    // Second round: the hung ones wait in their own small lane.
    order.length = 0;
    await s.runNow();
    assert.equal(
      order.findIndex((r) => r.name.startsWith('hang')),
      30,
    );
    await s.stop();
  });

  it('applies the consecutive-failure threshold: degraded, degraded, then unhealthy; recovers at once', async () => {
    failing = true;
    const config = checksSectionSchema.parse({
      probes: [http('flaky', '/flaky', { failureThreshold: 3 })],
    });
    const s = new CheckScheduler({
      checks: config.probes,
      concurrency: 1,
      probes: PROBES,
      host: new HostSampler(),
      onResult: () => {},
    });
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await s.runNow())[0]!.status);
    assert.deepEqual(statuses, ['degraded', 'degraded', 'unhealthy']);
    const [third] = await s.runNow();
    assert.equal(third!.consecutiveFailures, 4);
    failing = false;
    const [ok] = await s.runNow();
    assert.equal(ok!.status, 'healthy');
    assert.equal(ok!.consecutiveFailures, 0);
    await s.stop();
  });

  it('cuts off a probe that ignores its deadline', async () => {
    const config = checksSectionSchema.parse({
      probes: [{ name: 'stuck', type: 'memory', timeout: '200ms', interval: '1s' }],
    });
    const stuck = { ...PROBES, memory: () => new Promise<never>(() => {}) };
    const s = new CheckScheduler({
      checks: config.probes,
      concurrency: 2,
      probes: stuck,
      host: new HostSampler(),
      onResult: () => {},
    });
    const [r] = await s.runNow();
    assert.equal(r!.status, 'unhealthy'); // failureThreshold 1 (the default): red on the first failure
    assert.match(r!.message, /no result within 200 ms \(timed out\)/);
    await s.stop();
  });
});

describe('cadence', () => {
  it('spreads phases over the interval, stably by name', () => {
    const phases = Array.from({ length: 200 }, (_, i) => phaseOf(`svc-${i}`, 10_000));
    assert.ok(phases.every((p) => p >= 0 && p < 10_000));
    assert.equal(phaseOf('svc-1', 10_000), phases[1]);
    const buckets = new Set(phases.map((p) => Math.floor(p / 1000)));
    assert.equal(buckets.size, 10, 'every second of the interval gets some checks');
  });

  it('runs each check at once, then on its grid times, where checks of other intervals meet it', async () => {
    const config = checksSectionSchema.parse({
      probes: [
        { name: 'every-10s', type: 'memory', interval: '10s' },
        { name: 'every-15s', type: 'cpu', interval: '15s' },
        { name: 'every-7s', type: 'disk', interval: '7s' },
      ],
    });
    // The grid's monotonic clock and the timers are simulated together.
    const m0 = 4_200_000; // a multiple of every interval above
    let mono = m0;
    mock.method(performance, 'now', () => mono);
    mock.timers.enable({ apis: ['setTimeout'] });
    const runs: Record<string, number[]> = {};
    const record = (name: string) => async () => {
      (runs[name] ??= []).push(mono - m0);
      return { status: 'healthy' as const, message: 'ok' };
    };
    const s = new CheckScheduler({
      checks: config.probes,
      concurrency: 4,
      probes: {
        ...PROBES,
        memory: record('every-10s'),
        cpu: record('every-15s'),
        disk: record('every-7s'),
      },
      host: new HostSampler(),
      onResult: () => {},
    });
    const settle = async () => {
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    };
    try {
      s.start();
      for (let t = 0; t <= 60_000; t += 100) {
        mock.timers.tick(t === 0 ? 0 : 100);
        mono = m0 + t;
        await settle();
      }
    } finally {
      await s.stop();
      mock.timers.reset();
      mock.restoreAll();
    }
    const grid = (name: string, interval: number) => {
      const offset = gridOffset(name, interval);
      const times: number[] = [];
      for (let t = offset; t <= 60_000; t += interval) if (t > 1000) times.push(t);
      return times;
    };
    // The quick first runs are spread over the first second; every later run is a grid time.
    for (const [name, interval] of [
      ['every-10s', 10_000],
      ['every-15s', 15_000],
      ['every-7s', 7_000],
    ] as const) {
      assert.ok(runs[name]![0]! < 1000, `${name}: first run at once`);
      assert.deepEqual(runs[name]!.slice(1), grid(name, interval), name);
      assert.equal(gridOffset(name, interval) % WAKE_GRANULE_MS, 0);
    }
  });
  it('spreads a large set over the whole interval instead (Prometheus-style)', async () => {
    const n = COALESCE_MAX_TASKS + 8;
    const config = checksSectionSchema.parse({
      probes: Array.from({ length: n }, (_, i) => ({
        name: `svc-${i}`,
        type: 'memory',
        interval: '10s',
      })),
    });
    let mono = 4_200_000;
    mock.method(performance, 'now', () => mono);
    mock.timers.enable({ apis: ['setTimeout'] });
    const second: number[] = [];
    let calls = 0;
    const s = new CheckScheduler({
      checks: config.probes,
      concurrency: 64,
      probes: {
        ...PROBES,
        memory: async () => {
          if (++calls > n && second.length < n) second.push(mono % 10_000);
          return { status: 'healthy' as const, message: 'ok' };
        },
      },
      host: new HostSampler(),
      onResult: () => {},
    });
    try {
      s.start();
      for (let t = 0; t <= 12_000; t += 10) {
        mock.timers.tick(t === 0 ? 0 : 10);
        mono += t === 0 ? 0 : 10;
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      }
    } finally {
      await s.stop();
      mock.timers.reset();
      mock.restoreAll();
    }
    assert.equal(second.length, n, 'every check ran twice');
    const seconds = new Set(second.map((ms) => Math.floor(ms / 1000)));
    assert.ok(
      seconds.size >= 8,
      `second runs fall in ${seconds.size} of the interval's 10 seconds`,
    );
    assert.ok(
      second.some((ms) => ms % WAKE_GRANULE_MS !== 0),
      'off the 5 s granule',
    );
  });
});

describe('checks module', () => {
  it('appends ccmon_check_* samples, publishes results and runs on its schedule', async () => {
    failing = false;
    const samples: { labels: Labels; v: number }[] = [];
    const mod = createChecksModule({
      config: checksSectionSchema.parse({
        probes: [
          http('api', '/ok', { interval: '150ms', timeout: '100ms', labels: { team: 'platform' } }),
          { name: 'mem', type: 'memory', enabled: false },
        ],
      }),
      appender: { append: (labels, _t, v) => samples.push({ labels, v }), markStale: () => {} },
      logger: silentLogger,
    });
    const seen: string[] = [];
    mod.onResult((r) => seen.push(r.name));
    await mod.start();
    await new Promise((r) => setTimeout(r, 500));
    await mod.stop();
    assert.ok(
      seen.length >= 2 && seen.every((n) => n === 'api'),
      `disabled checks do not run: ${seen.join(',')}`,
    );
    const up = samples.find((s) => s.labels.__name__ === 'ccmon_check_up')!;
    assert.deepEqual(up.labels, { __name__: 'ccmon_check_up', check: 'api', team: 'platform' });
    assert.equal(up.v, 1);
    assert.ok(samples.some((s) => s.labels.__name__ === 'ccmon_check_response_time_seconds'));
    const list = await mod.handlers['checks.list']({});
    assert.equal(list.find((c) => c.name === 'mem')!.last, null);
    await assert.rejects(mod.handlers['checks.run']({ names: ['nope'] }), /unknown check 'nope'/);
  });
});
