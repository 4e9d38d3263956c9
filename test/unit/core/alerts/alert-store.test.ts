/**
 * The notifier's alert store on its own (split from notifier.ts): Alertmanager provider/mem's
 * merge rule, located validation errors, the endsAt shift after a clock jump, and GC.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertStore } from '../../../../src-main/core/alerts/alert-store.js';
import type { Alert } from '../../../../src-main/core/alerts/alert.js';

const T = Date.parse('2026-05-01T08:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const RESOLVE = 5 * MIN;

function put(store: AlertStore, startsAt: number, endsAt: number | undefined, now: number) {
  const stored: Alert[] = [];
  const r = store.put(
    [
      {
        labels: { alertname: 'DiskFull', instance: 'db1' },
        annotations: { summary: 'disk full' },
        startsAt: iso(startsAt),
        ...(endsAt === undefined ? {} : { endsAt: iso(endsAt) }),
      },
    ],
    'ccmon',
    now,
    RESOLVE,
    (a) => stored.push(a),
  );
  return { ...r, stored };
}

describe('AlertStore', () => {
  it('merges an update whose activity overlaps, keeping the earliest start', () => {
    const store = new AlertStore();
    put(store, T, undefined, T);
    const { stored } = put(store, T + MIN, undefined, T + MIN);
    assert.equal(store.all().length, 1);
    assert.equal(stored[0]!.startsAt, T, 'the same incident: its first start');
    assert.equal(stored[0]!.endsAt, T + MIN + RESOLVE);
    assert.equal(store.sourceOf(stored[0]!.fingerprint), 'ccmon');
  });

  it('starts a new incident when the old one had ended before the new start', () => {
    const store = new AlertStore();
    put(store, T, T + MIN, T + MIN); // resolved at T+1m
    const { stored } = put(store, T + 10 * MIN, undefined, T + 10 * MIN);
    assert.equal(stored[0]!.startsAt, T + 10 * MIN, 'not merged into the resolved one');
  });

  it('rejects invalid alerts with their labels and stores the rest', () => {
    const store = new AlertStore();
    const r = store.put(
      [
        { labels: { 'bad-name': 'x' }, annotations: {}, startsAt: iso(T) },
        { labels: { alertname: 'Ok' }, annotations: {}, startsAt: 'yesterday' },
        { labels: { alertname: 'Fine' }, annotations: {}, startsAt: iso(T) },
      ],
      'team-am',
      T,
      RESOLVE,
      () => undefined,
    );
    assert.equal(r.accepted, 1);
    assert.match(r.errors[0]!, /"bad-name":"x".*invalid label name 'bad-name'/);
    assert.match(r.errors[1]!, /"alertname":"Ok".*startsAt 'yesterday' is not RFC 3339/);
    assert.equal(store.sourceOf(store.all()[0]!.fingerprint), 'team-am');
  });

  it('moves only active alerts by a clock jump', () => {
    const store = new AlertStore();
    put(store, T, undefined, T); // active until T+5m
    const resolved = store.put(
      [
        {
          labels: { alertname: 'Old' },
          annotations: {},
          startsAt: iso(T - 9 * MIN),
          endsAt: iso(T - MIN),
        },
      ],
      'ccmon',
      T,
      RESOLVE,
      () => undefined,
    );
    assert.equal(resolved.accepted, 1);
    assert.equal(store.shiftActive(2 * 3600_000, T), 1);
    const byName = (n: string) => store.all().find((a) => a.labels.alertname === n)!;
    assert.equal(byName('DiskFull').endsAt, T + RESOLVE + 2 * 3600_000);
    assert.equal(byName('Old').endsAt, T - MIN, 'a resolved alert keeps its end');
  });

  it('forgets alerts resolved longer than the retention, with their source and upstream state', () => {
    const store = new AlertStore();
    const { stored } = put(store, T, T + MIN, T + MIN);
    const fp = stored[0]!.fingerprint;
    store.upstream.set(fp, { state: 'suppressed', silencedBy: ['s1'], inhibitedBy: [] });
    assert.deepEqual(store.gc(T + 20 * MIN, 30 * MIN), [], 'kept within the retention');
    assert.deepEqual(store.gc(T + 40 * MIN, 30 * MIN), [fp]);
    assert.equal(store.get(fp), undefined);
    assert.equal(store.upstream.has(fp), false);
  });
});
