import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retentionSchema } from '../../../../src-main/core/backup/config.js';
import {
  applyRetention,
  type RetentionDecision,
} from '../../../../src-main/core/backup/retention.js';

const policy = (p: Record<string, unknown>) => retentionSchema.parse({ keepWithin: null, ...p });
const at = (iso: string, set = 'main', kind = 'scheduled') => ({
  id: `${set}-${iso}`,
  set,
  kind,
  createdAt: new Date(iso).toISOString(),
});
const kept = (ds: RetentionDecision[]) =>
  ds.filter((d) => d.keep).map((d) => d.id.replace(/^main-/, ''));

// Local-time days (restic buckets by the snapshot's local time).
const day = (d: number, h = 12) => new Date(2026, 0, d, h, 0, 0).toISOString();

describe('retention (restic forget semantics)', () => {
  const daily = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((d) => [at(day(d, 9)), at(day(d, 18))]);

  it('keepLast keeps the n newest', () => {
    assert.deepEqual(kept(applyRetention(daily, policy({ keepLast: 3 }))), [
      day(10, 18),
      day(10, 9),
      day(9, 18),
    ]);
  });

  it('keepDaily keeps the newest backup of each of the n most recent days', () => {
    assert.deepEqual(kept(applyRetention(daily, policy({ keepDaily: 3 }))), [
      day(10, 18),
      day(9, 18),
      day(8, 18),
    ]);
  });

  it('rules combine, and each kept backup says why', () => {
    const d = applyRetention(daily, policy({ keepLast: 1, keepDaily: 2 }));
    const newest = d.find((x) => x.createdAt === day(10, 18))!;
    assert.deepEqual(newest.reasons, ['last snapshot', 'daily snapshot']);
    assert.equal(d.filter((x) => x.keep).length, 2);
  });

  it('keepWeekly and keepMonthly bucket by ISO week and month', () => {
    const list = [
      at('2026-01-05T12:00:00Z'),
      at('2026-01-07T12:00:00Z'),
      at('2026-01-13T12:00:00Z'),
      at('2026-02-20T12:00:00Z'),
      at('2026-03-02T12:00:00Z'),
    ];
    const weekly = applyRetention(list, policy({ keepWeekly: 2 }));
    assert.deepEqual(
      weekly.filter((x) => x.keep).map((x) => x.createdAt.slice(0, 10)),
      ['2026-03-02', '2026-02-20'],
    );
    const monthly = applyRetention(list, policy({ keepMonthly: 2 }));
    assert.deepEqual(
      monthly.filter((x) => x.keep).map((x) => x.createdAt.slice(0, 10)),
      ['2026-03-02', '2026-02-20'],
    );
  });

  it('keeps the oldest backup too when there are fewer buckets than asked (restic 0.17)', () => {
    const list = [at(day(3)), at(day(2)), at(day(1, 8)), at(day(1, 7))];
    const d = applyRetention(list, policy({ keepDaily: 7 }));
    const oldest = d.find((x) => x.createdAt === day(1, 7))!;
    assert.deepEqual(oldest.reasons, ['oldest daily snapshot']);
  });

  it('keepWithin counts back from the newest backup, not from now (a stalled job never empties the folder)', () => {
    const old = [
      at('2020-01-01T00:00:00Z'),
      at('2020-01-20T00:00:00Z'),
      at('2019-11-01T00:00:00Z'),
    ];
    assert.equal(kept(applyRetention(old, policy({ keepWithin: '30d' }))).length, 2);
  });

  it('keepWithin does not count a backup dated in the future as the newest (restic)', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const list = [
      at('2027-12-23T00:00:00Z'), // made while the clock was a year ahead
      at('2026-11-23T02:00:00Z'),
      at('2026-11-01T02:00:00Z'),
      at('2026-09-01T02:00:00Z'),
    ];
    const d = applyRetention(list, policy({ keepWithin: '30d' }), now);
    assert.deepEqual(kept(d), [
      '2027-12-23T00:00:00Z',
      '2026-11-23T02:00:00Z',
      '2026-11-01T02:00:00Z',
    ]);
    // Only future-dated backups: nothing is measured against them, all stay.
    assert.equal(
      kept(applyRetention(list.slice(0, 1), policy({ keepWithin: '1d' }), now)).length,
      1,
    );
  });

  it('the default policy is the seed: everything from the last 30 days', () => {
    const d = applyRetention(
      [at('2026-03-31T00:00:00Z'), at('2026-03-02T00:00:00Z'), at('2026-02-27T00:00:00Z')],
      retentionSchema.parse({}),
    );
    assert.deepEqual(
      d.map((x) => x.keep),
      [true, true, false],
    );
  });

  it('an empty policy keeps everything, -1 means unlimited, sets and safety backups are separate groups', () => {
    assert.ok(applyRetention(daily, policy({})).every((x) => x.keep));
    assert.equal(kept(applyRetention(daily, policy({ keepDaily: -1 }))).length, 10);
    const mixed = [at(day(5)), at(day(4), 'other'), at(day(3), 'main', 'safety')];
    assert.equal(applyRetention(mixed, policy({ keepLast: 1 })).filter((x) => x.keep).length, 3);
  });
});
