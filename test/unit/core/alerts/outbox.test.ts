/**
 * The outbox's backlog rules on a manual clock with a failing desktop sink: what a newer
 * notification may replace, the per-group order, the cap on a flapping group's backlog, and the
 * idempotency key that stays the same across attempts and restarts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../../../../src-main/core/alerts/clock.js';
import type { Notification } from '../../../../src-main/core/alerts/notification.js';
import { MAX_BACKLOG, Outbox, subsumes } from '../../../../src-main/core/alerts/outbox.js';
import type { Sink } from '../../../../src-main/core/alerts/sinks/sink.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import { tempDir } from '../../../helpers/ports.js';

const dirs: { cleanup(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.cleanup();
});

function note(alerts: [string, 'firing' | 'resolved'][]): Notification {
  return {
    version: '4',
    groupKey: '{}:{alertname="Flap"}',
    truncatedAlerts: 0,
    status: alerts.some(([, s]) => s === 'firing') ? 'firing' : 'resolved',
    receiver: 'team',
    groupLabels: { alertname: 'Flap' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:7323',
    alerts: alerts.map(([fp, status]) => ({
      status,
      labels: { alertname: 'Flap' },
      annotations: {},
      startsAt: '',
      endsAt: '',
      generatorURL: '',
      fingerprint: fp,
    })),
  };
}

/** A sink that is down until `up` is set, recording what it accepted and with which key. */
function flakySink() {
  const got: { status: string; fps: string; key: string; seq: number }[] = [];
  const sink: Sink & { up: boolean } = {
    receiver: 'team',
    type: 'webhook',
    index: 0,
    sendResolved: true,
    up: false,
    async send(n, d) {
      if (!sink.up) throw new Error('connect ECONNREFUSED');
      got.push({
        status: n.status,
        fps: n.alerts.map((a) => `${a.fingerprint}:${a.status}`).join(','),
        key: d!.idempotencyKey,
        seq: d!.sequence,
      });
    },
  };
  return { sink, got };
}

async function outbox(sink: Sink, clock: ManualClock, dir?: string) {
  if (!dir) {
    const d = await tempDir('ccmon-outbox-');
    dirs.push(d);
    dir = d.path;
  }
  const o = new Outbox(dir, clock, () => new Map([['team/webhook[0]', sink]]), silentLogger);
  o.start();
  return { o, dir };
}

describe('outbox backlog', () => {
  it('a newer notification replaces a waiting one only when it says all the older said', () => {
    assert.equal(subsumes(note([['a', 'firing']]), note([['a', 'firing']])), true, 'a repeat');
    assert.equal(
      subsumes(
        note([
          ['a', 'firing'],
          ['b', 'firing'],
        ]),
        note([['a', 'firing']]),
      ),
      true,
    );
    assert.equal(
      subsumes(note([['a', 'resolved']]), note([['a', 'firing']])),
      false,
      'fired then resolved',
    );
    assert.equal(
      subsumes(note([['b', 'firing']]), note([['a', 'firing']])),
      false,
      'a left unsaid',
    );
  });

  it('a flapping group during an outage: at most 20 wait, delivered in order with their keys', async () => {
    const clock = new ManualClock();
    const { sink, got } = flakySink();
    const { o, dir } = await outbox(sink, clock);
    for (let i = 0; i < 30; i++) {
      o.enqueue('g|team/webhook[0]', sink, note([['a', i % 2 ? 'resolved' : 'firing']]));
      await clock.advance(60_000);
    }
    const waiting = o.list();
    assert.equal(waiting.length, MAX_BACKLOG);
    assert.equal(o.history().filter((r) => r.error?.startsWith('superseded')).length, 10);
    const keys = waiting.map((e) => e.idempotencyKey);
    // A restart keeps the keys; then the sink comes back.
    o.stop();
    const again = (await outbox(sink, clock, dir)).o;
    assert.deepEqual(
      again.list().map((e) => e.idempotencyKey),
      keys,
    );
    sink.up = true;
    await clock.advance(6 * 60_000);
    await again.idle();
    assert.equal(got.length, MAX_BACKLOG, 'each waiting one once');
    assert.deepEqual(
      got.map((g) => g.key),
      keys,
      'in the order they were made',
    );
    assert.deepEqual(
      got.map((g) => g.seq),
      [...got.map((g) => g.seq)].sort((a, b) => a - b),
    );
    assert.deepEqual(
      got.slice(0, 2).map((g) => g.status),
      ['firing', 'resolved'],
      'firing and resolved alternate as they happened',
    );
  });
});
