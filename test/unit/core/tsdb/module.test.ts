import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { RequestHandlers } from '../../../../src-main/core/api.js';
import { dispatchRequest, RequestError } from '../../../../src-main/core/local-api.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import { tsdbSchema } from '../../../../src-main/core/tsdb/config.js';
import { createTsdbModule } from '../../../../src-main/core/tsdb/module.js';
import { tempDir, waitFor } from '../../../helpers/ports.js';

const NOW = 1_763_800_000_000;

async function withModule(
  fn: (m: ReturnType<typeof createTsdbModule>, dir: string, registry: Registry) => Promise<void>,
) {
  const dir = await tempDir();
  const registry = new Registry();
  const m = createTsdbModule({
    config: tsdbSchema.parse({}),
    dataDir: dir.path,
    registry,
    logger: silentLogger,
    now: () => NOW,
  });
  try {
    await m.start();
    await fn(m, dir.path, registry);
  } finally {
    await m.stop();
    await dir.cleanup();
  }
}

const request = (m: ReturnType<typeof createTsdbModule>, name: string, params: unknown) =>
  dispatchRequest(m.handlers as unknown as RequestHandlers, name, params);

describe('tsdb module', () => {
  it('answers series.query for a metric and labels over a range, with an automatic step', async () => {
    await withModule(async (m) => {
      for (let i = 0; i < 240; i++) {
        m.store.append(
          { __name__: 'ccmon_check_up', check: 'api' },
          NOW - 3_600_000 + i * 15_000,
          i % 2,
        );
        m.store.append(
          { __name__: 'ccmon_check_up', check: 'redis' },
          NOW - 3_600_000 + i * 15_000,
          1,
        );
      }
      const r = (await request(m, 'series.query', {
        metric: 'ccmon_check_up',
        labels: { check: 'redis' },
        range: '1h',
      })) as {
        step: number;
        series: { labels: Record<string, string>; points: [number, number][] }[];
      };
      assert.equal(r.step, 15_000);
      assert.equal(r.series.length, 1);
      assert.equal(r.series[0]!.labels.check, 'redis');
      assert.equal(r.series[0]!.points.length, 240);
      const week = (await request(m, 'series.query', {
        metric: 'ccmon_check_up',
        range: '7d',
        agg: 'max',
      })) as { step: number; source: number };
      assert.equal(week.step, 3_600_000);
      assert.equal(week.source, 3_600_000);
      assert.deepEqual(
        await request(m, 'series.labelValues', { name: 'check', metric: 'ccmon_check_up' }),
        ['api', 'redis'],
      );
    });
  });

  it('rejects bad queries with messages that say what to change', async () => {
    await withModule(async (m) => {
      const bad = async (params: unknown, re: RegExp) =>
        assert.rejects(
          request(m, 'series.query', params),
          (e: unknown) =>
            e instanceof RequestError && e.code === 'bad_request' && re.test(e.message),
        );
      await bad({ range: '1h' }, /give a metric, labels or matchers/);
      await bad({ metric: 'x', range: 'an hour' }, /range: expected a duration/);
      await bad({ metric: 'x', start: 0, range: '1h' }, /either start or range/);
      await bad(
        { metric: 'x', range: '7d', step: '1s' },
        /more than 11000 points per series; use a larger step/,
      );
      await bad({ metric: 'x', start: NOW, end: NOW - 1 }, /start .* is after end/);
      await bad(
        { matchers: [{ name: 'job', op: '=~', value: '(' }] },
        /invalid regex in matcher job=~"\("/,
      );
    });
  });

  it('snapshots on stop and restores on start; store metrics are on the registry', async () => {
    const dir = await tempDir();
    try {
      const config = tsdbSchema.parse({});
      const first = createTsdbModule({
        config,
        dataDir: dir.path,
        registry: new Registry(),
        logger: silentLogger,
        now: () => NOW,
      });
      await first.start();
      for (let i = 0; i < 100; i++)
        first.store.append({ __name__: 'up', job: 'api' }, NOW - 100_000 + i * 1000, 1);
      await first.stop();
      assert.ok(existsSync(join(dir.path, 'tsdb.snapshot')));
      const registry = new Registry();
      const second = createTsdbModule({
        config,
        dataDir: dir.path,
        registry,
        logger: silentLogger,
        now: () => NOW,
      });
      await second.start();
      assert.equal(second.store.select([], 0, NOW)[0]!.samples.length, 100);
      const snap = await second.snapshot();
      assert.equal(snap.ok, true);
      // A rule-engine read keeps the restored chunk decoded: counted in the memory figures.
      assert.equal(second.store.selectColumns([], 0, NOW)[0]!.ts.length, 100);
      const text = await registry.metrics();
      assert.match(text, /^ccmon_tsdb_series 1$/m);
      assert.match(text, /^ccmon_tsdb_samples 100$/m);
      assert.match(text, /^ccmon_tsdb_samples_appended_total 0$/m);
      assert.match(text, /^ccmon_tsdb_snapshot_size_bytes \d+$/m);
      assert.match(text, /^ccmon_tsdb_snapshot_failures_total 0$/m);
      assert.match(text, /^ccmon_tsdb_decoded_cache_bytes [1-9]\d*$/m);
      await second.stop();
    } finally {
      await dir.cleanup();
    }
  });

  it('snapshots periodically, and skips the rewrite while nothing changed', async () => {
    const dir = await tempDir();
    const m = createTsdbModule({
      config: tsdbSchema.parse({ snapshot: { interval: '50ms' } }),
      dataDir: dir.path,
      registry: new Registry(),
      logger: silentLogger,
    });
    try {
      await m.start();
      m.store.append({ __name__: 'up' }, Date.now(), 1);
      const first = await waitFor(
        'a periodic snapshot',
        async () =>
          ((await request(m, 'series.stats', {})) as { lastSnapshot: { at: string } | null })
            .lastSnapshot,
      );
      await new Promise((r) => setTimeout(r, 300)); // several intervals, no appends
      const idle = ((await request(m, 'series.stats', {})) as { lastSnapshot: { at: string } })
        .lastSnapshot;
      assert.equal(idle.at, first.at, 'an unchanged store is not rewritten');
      m.store.append({ __name__: 'up' }, Date.now() + 1000, 1);
      await waitFor('a snapshot after the change', async () => {
        const s = (await request(m, 'series.stats', {})) as {
          lastSnapshot: { at: string; series: number };
        };
        return s.lastSnapshot.at !== first.at;
      });
    } finally {
      await m.stop();
      await dir.cleanup();
    }
  });

  it('a failing snapshot is counted and reported, never thrown', async () => {
    const dir = await tempDir();
    try {
      const registry = new Registry();
      const m = createTsdbModule({
        config: tsdbSchema.parse({}),
        dataDir: dir.path,
        registry,
        logger: silentLogger,
        snapshotFile: async () => {
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
      });
      await m.start();
      const r = await m.snapshot();
      assert.equal(r.ok, false);
      assert.match(r.error!, /ENOSPC/);
      assert.match(await registry.metrics(), /^ccmon_tsdb_snapshot_failures_total 1$/m);
      const stats = (await request(m, 'series.stats', {})) as { lastSnapshot: { ok: boolean } };
      assert.equal(stats.lastSnapshot.ok, false);
      await m.stop();
    } finally {
      await dir.cleanup();
    }
  });

  it('sizes the decoded-chunk cache from tsdb.decodedCacheSize (MiB; 0 turns it off)', async () => {
    const dir = await tempDir();
    try {
      const off = createTsdbModule({
        config: tsdbSchema.parse({ decodedCacheSize: 0, snapshot: { enabled: false } }),
        dataDir: dir.path,
        registry: new Registry(),
        logger: silentLogger,
      });
      assert.equal(off.store.options.decodedCacheBytes, 0);
      off.store.append({ __name__: 'up' }, NOW, 1);
      assert.equal(off.store.select([], 0, NOW)[0]!.samples.length, 1);
      assert.equal(off.store.stats().decodedCacheBytes, 0, 'nothing is kept when off');
      const half = tsdbSchema.parse({ decodedCacheSize: 0.5 });
      const on = createTsdbModule({
        config: half,
        dataDir: dir.path,
        registry: new Registry(),
        logger: silentLogger,
      });
      assert.equal(on.store.options.decodedCacheBytes, 512 * 1024);
      assert.equal(tsdbSchema.safeParse({ decodedCacheSize: -1 }).success, false);
      assert.equal(tsdbSchema.safeParse({ decodedCacheSize: '16MB' }).success, false);
    } finally {
      await dir.cleanup();
    }
  });
});
