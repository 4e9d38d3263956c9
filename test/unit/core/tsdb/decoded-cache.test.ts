import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSeriesStore,
  type LabelMatcher,
  type SeriesStore,
} from '../../../../src-main/core/tsdb/index.js';
import { SAMPLES_PER_CHUNK } from '../../../../src-main/core/tsdb/series.js';

const T0 = 1_700_000_000_000;
const STEP = 15_000;
const all: LabelMatcher[] = [{ name: '__name__', op: '=~', value: 'm.*' }];

/** A deterministic pseudo-random source, so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** What each query must return, computed from plain arrays. */
interface Truth {
  labels: Record<string, string>;
  rows: { t: number; v: number; stale: boolean }[];
}

function newTruth(series: number): Truth[] {
  return Array.from({ length: series }, (_, s) => ({
    labels: { __name__: `m${s}`, i: `${s}` },
    rows: [],
  }));
}

/** Append rounds k0 … k1 - 1 of one sample per series to every store and to `truth`. */
function fill(stores: SeriesStore[], truth: Truth[], k0: number, k1: number, seed: number): void {
  const rand = rng(seed);
  for (let k = k0; k < k1; k++) {
    for (const tr of truth) {
      const t = T0 + k * STEP + Math.floor(rand() * 20); // scrape jitter
      const r = rand();
      // Integers, fractions and staleness markers: every chunk cut path (integer mode ends).
      const stale = r < 0.02;
      const v = r < 0.5 ? k * 3 : r < 0.9 ? k + rand() : NaN;
      for (const db of stores) {
        if (stale) db.markStale(tr.labels, t);
        else db.append(tr.labels, t, v);
      }
      const last = tr.rows.at(-1);
      // Marked once, as Prometheus does; a series never seen has nothing to mark.
      if (stale && (!last || last.stale)) continue;
      tr.rows.push({ t, v: stale ? NaN : v, stale });
    }
  }
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function checkWindow(db: SeriesStore, truth: Truth[], mint: number, maxt: number): void {
  const inWindow = truth.map((tr) => tr.rows.filter((r) => r.t >= mint && r.t <= maxt));
  const selected = db.select(all, mint, maxt);
  const expected = inWindow.filter((rows) => rows.length > 0);
  assert.equal(selected.length, expected.length);
  const cols = db.selectColumns(all, mint, maxt);
  const latest = db.selectLatest(all, mint, maxt);
  for (const [i, tr] of truth.entries()) {
    const rows = inWindow[i]!;
    const got = selected.find((s) => s.labels['i'] === tr.labels['i']);
    assert.equal(
      got?.samples.length ?? 0,
      rows.length,
      `select ${tr.labels['i']} [${mint}, ${maxt}]`,
    );
    rows.forEach((r, k) => {
      const s = got!.samples[k]!;
      assert.equal(s.t, r.t);
      assert.equal(s.stale === true, r.stale);
      if (!r.stale) assert.ok(same(s.v, r.v), `value at ${r.t}: ${s.v} vs ${r.v}`);
    });
    const kept = rows.filter((r) => !r.stale);
    const c = cols.find((x) => x.labels['i'] === tr.labels['i']);
    assert.equal(c?.ts.length ?? 0, kept.length, 'selectColumns drops only staleness markers');
    kept.forEach((r, k) => {
      assert.equal(c!.ts[k], r.t);
      assert.ok(same(c!.vs[k]!, r.v));
    });
    const l = latest.find((x) => x.labels['i'] === tr.labels['i']);
    const newest = rows.at(-1);
    assert.equal(l?.sample.t, newest?.t, 'selectLatest returns the newest sample, markers too');
    if (newest) assert.equal(l!.sample.stale === true, newest.stale);
  }
}

describe('tsdb decoded-chunk cache', () => {
  it('answers exactly like the uncached store while the head grows and chunks seal', () => {
    const cached = createSeriesStore({ retention: 10 * 24 * 3600_000, now: () => T0 });
    const plain = createSeriesStore({
      decodedCacheBytes: 0,
      retention: 10 * 24 * 3600_000,
      now: () => T0,
    });
    const rand = rng(7);
    const truth = newTruth(5);
    // Append in rounds and query the sliding newest window between rounds (the rule engine's
    // pattern): the head's decoded rows are extended in place and carried over when it seals.
    for (let round = 0; round < 12; round++) {
      fill([cached, plain], truth, round * 130, (round + 1) * 130, round + 1);
      const end = T0 + (round + 1) * 130 * STEP;
      for (const [mint, maxt] of [
        [end - 5 * 60_000, end],
        [end - 3600_000, end],
        [end - 3 * 3600_000 - Math.floor(rand() * 1e6), end - Math.floor(rand() * 1e6)],
        // Bounds on sample times exactly: both ends are inclusive.
        [truth[0]!.rows.at(-200)?.t ?? T0, truth[0]!.rows.at(-3)!.t],
        [truth[1]!.rows.at(-40)?.t ?? T0, truth[1]!.rows.at(-40)?.t ?? T0],
      ] as const) {
        checkWindow(cached, truth, mint, maxt);
        checkWindow(plain, truth, mint, maxt);
      }
    }
    assert.ok(cached.stats().decodedCacheBytes > 0, 'the cache holds decoded chunks');
    assert.equal(plain.stats().decodedCacheBytes, 0);
  });

  it('stays under its byte cap, evicting the least recently used, and still answers right', () => {
    const cap = 64 * 1024;
    const db = createSeriesStore({
      decodedCacheBytes: cap,
      retention: 10 * 24 * 3600_000,
      now: () => T0,
    });
    const truth = newTruth(40);
    fill([db], truth, 0, 2 * SAMPLES_PER_CHUNK + 50, 3);
    const end = T0 + (2 * SAMPLES_PER_CHUNK + 50) * STEP;
    // 40 series × 3 chunks × ~8 KiB decoded is far past 64 KiB: every query evicts.
    for (const mint of [T0, end - 3600_000, T0 + 1000 * STEP]) {
      checkWindow(db, truth, mint, end);
      assert.ok(db.stats().decodedCacheBytes <= cap, `${db.stats().decodedCacheBytes} > ${cap}`);
    }
    assert.ok(db.stats().decodedCacheBytes > cap / 2, 'the cache is used up to its cap');
  });

  it('forgets decoded chunks that retention dropped', () => {
    let now = T0;
    const db = createSeriesStore({ retention: 3600_000, downsample: [], now: () => now });
    const truth = newTruth(3);
    fill([db], truth, 0, 3 * SAMPLES_PER_CHUNK, 5);
    now = T0 + 3 * SAMPLES_PER_CHUNK * STEP;
    db.selectColumns(all, T0, now);
    const before = db.stats().decodedCacheBytes;
    db.applyRetention(now);
    const after = db.stats().decodedCacheBytes;
    assert.ok(after < before / 2, `decoded bytes ${before} → ${after} after retention`);
    db.applyRetention(now + 10 * 3600_000);
    assert.equal(db.stats().series, 0);
    assert.equal(db.stats().decodedCacheBytes, 0, 'nothing decoded outlives its series');
  });

  it('memoises a selector until the set of series changes, and notices a changed matcher', () => {
    const db = createSeriesStore();
    const sel: LabelMatcher[] = [{ name: 'job', op: '=', value: 'api' }];
    db.append({ __name__: 'up', job: 'api', instance: 'a' }, T0, 1);
    assert.equal(db.select(sel, T0, T0).length, 1);
    db.append({ __name__: 'up', job: 'api', instance: 'b' }, T0, 1);
    assert.equal(db.select(sel, T0, T0).length, 2, 'a new series is seen by the same selector');
    db.append({ __name__: 'up', job: 'db', instance: 'c' }, T0, 1);
    sel[0] = { name: 'job', op: '=', value: 'db' };
    assert.deepEqual(
      db.select(sel, T0, T0).map((s) => s.labels['instance']),
      ['c'],
      'the same array with another matcher is a new selection',
    );
  });

  it('keeps bulk reads (charts, reports) from pushing out what the rule engine reads', () => {
    const db = createSeriesStore({ retention: 10 * 24 * 3600_000, now: () => T0 });
    const truth = newTruth(3);
    fill([db], truth, 0, 3 * SAMPLES_PER_CHUNK + 10, 9);
    const end = T0 + (3 * SAMPLES_PER_CHUNK + 10) * STEP;
    db.selectColumns(all, end - 5 * 60_000, end);
    const hot = db.stats().decodedCacheBytes;
    assert.ok(hot > 0);
    db.select(all, T0, end);
    assert.equal(db.stats().decodedCacheBytes, hot, 'a full-range select caches nothing new');
    db.selectColumns(all, T0, T0 + 3600_000);
    const afterBulk = hot;
    assert.ok(db.stats().decodedCacheBytes > afterBulk, 'a selector window is cached');
    checkWindow(db, truth, T0, end);
  });

  it('agrees with an uncached store through random appends, queries and retention', () => {
    // Property test: any interleaving, any cap (thrashing included), the same answers.
    for (const seed of [11, 12, 13, 14]) {
      const rand = rng(seed);
      let now = T0;
      const cap = [0, 8 * 1024, 64 * 1024, 1 << 24][seed % 4]!;
      const opts = { retention: 3 * 3600_000, downsample: [], now: () => now };
      const cached = createSeriesStore({ ...opts, decodedCacheBytes: cap });
      const plain = createSeriesStore({ ...opts, decodedCacheBytes: 0 });
      let k = 0;
      for (let step = 0; step < 60; step++) {
        const op = rand();
        if (op < 0.5) {
          const n = 1 + Math.floor(rand() * 200);
          fill([cached, plain], newTruth(4), k, k + n, seed * 100 + step);
          k += n;
          now = T0 + k * STEP;
        } else if (op < 0.9) {
          const maxt = T0 + Math.floor(rand() * (k + 10)) * STEP;
          const mint = maxt - Math.floor(rand() * 4 * 3600_000);
          const a = cached.select(all, mint, maxt);
          assert.deepEqual(a, plain.select(all, mint, maxt), `select seed ${seed} step ${step}`);
          const ca = cached.selectColumns(all, mint, maxt);
          const pa = plain.selectColumns(all, mint, maxt);
          assert.deepEqual(
            ca.map((c) => [c.labels, [...c.ts], [...c.vs]]),
            pa.map((c) => [c.labels, [...c.ts], [...c.vs]]),
            `selectColumns seed ${seed} step ${step}`,
          );
          assert.deepEqual(
            cached.selectLatest(all, mint, maxt),
            plain.selectLatest(all, mint, maxt),
          );
        } else {
          cached.applyRetention(now);
          plain.applyRetention(now);
        }
        assert.ok(cached.stats().decodedCacheBytes <= cap, 'within the cap at every step');
      }
    }
  });
});
