import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPostedAlerts } from '../../../../src-main/core/alerts/receive.js';

describe('posted alerts checked as Alertmanager checks them', () => {
  it('takes what Prometheus sends, ignoring fields Alertmanager ignores', () => {
    const r = checkPostedAlerts([
      {
        labels: { alertname: 'A', instance: 'h:1', empty: '' },
        annotations: { summary: 's' },
        startsAt: '2026-11-22T10:00:00.123456789Z',
        endsAt: '2026-11-22T10:04:00.123456789+00:00',
        generatorURL: 'http://prom:9090/graph?g0.expr=up',
        fingerprint: 'ignored',
      },
    ]);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.valid, [
      {
        labels: { alertname: 'A', instance: 'h:1' },
        annotations: { summary: 's' },
        startsAt: '2026-11-22T10:00:00.123456789Z',
        endsAt: '2026-11-22T10:04:00.123456789+00:00',
        generatorURL: 'http://prom:9090/graph?g0.expr=up',
      },
    ]);
  });

  it('applies postAlertsHandler defaults: start = end when only an end is given; zero times are unset', () => {
    const r = checkPostedAlerts([
      { labels: { a: '1' }, endsAt: '2026-11-22T10:00:00Z' },
      { labels: { a: '2' }, startsAt: '0001-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z' },
    ]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.valid[0]!.startsAt, '2026-11-22T10:00:00Z');
    assert.equal(r.valid[1]!.startsAt, undefined, 'the notifier starts it at its now');
    assert.equal(r.valid[1]!.endsAt, undefined, 'the notifier applies resolve_timeout');
  });

  it('names the alert index and the field of every problem, and keeps the valid ones', () => {
    const r = checkPostedAlerts([
      { labels: { alertname: 'ok' } },
      { annotations: {} },
      { labels: { '1bad': 'x', fine: 'y' } },
      { labels: { a: 7 } },
      { labels: { a: '' } },
      { labels: { a: '1' }, startsAt: 'yesterday' },
      { labels: { a: '1' }, startsAt: '2026-11-22T10:00:00Z', endsAt: '2026-11-22T09:00:00Z' },
      { labels: { a: '1' }, annotations: ['x'] },
      { labels: { a: '1' }, generatorURL: 5 },
      'not an alert',
    ]);
    assert.equal(r.valid.length, 1);
    assert.deepEqual(r.errors, [
      'alerts[1].labels: is required',
      'alerts[2].labels.1bad: invalid label name (expected ^[a-zA-Z_][a-zA-Z0-9_]*$)',
      'alerts[3].labels.a: expected a string, got number',
      'alerts[4].labels: at least one label pair required',
      'alerts[5].startsAt: expected an RFC 3339 date-time such as 2026-01-02T15:04:05Z, got "yesterday"',
      'alerts[6].endsAt: start time must be before end time (startsAt 2026-11-22T10:00:00Z, endsAt 2026-11-22T09:00:00Z)',
      'alerts[7].annotations: expected an object of string values, got an array',
      'alerts[8].generatorURL: expected a string, got number',
      'alerts[9]: expected an alert object, got string',
    ]);
  });

  it('refuses a body that is not an array, and oversized batches', () => {
    assert.deepEqual(checkPostedAlerts({ labels: { a: '1' } }).errors, [
      'body: expected a JSON array of alerts, got object',
    ]);
    const many = Array.from({ length: 10_001 }, () => ({ labels: { a: '1' } }));
    assert.match(checkPostedAlerts(many).errors[0]!, /10001 alerts in one request; at most 10000/);
  });
});
