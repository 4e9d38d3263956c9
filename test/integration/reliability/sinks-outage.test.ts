/**
 * Every sink down while alerts fire and resolve, a restart in the middle of the outage, then the
 * sinks back: real webhook, Slack (incoming-webhook shape) and SMTP peers on loopback that refuse
 * connections for two simulated hours. Nothing is lost, each group's backlog arrives in order
 * (firing before its resolved), retries back off to 5 minutes and stay bounded, and a repeat
 * interval passing during the outage adds no extra notification.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src-main/core/alerts/clock.js';
import { alertsConfigSchema } from '../../../src-main/core/alerts/config.js';
import { Notifier } from '../../../src-main/core/alerts/notifier.js';
import type { DeliveryRecord } from '../../../src-main/core/alerts/outbox.js';
import { silentLogger } from '../../../src-main/core/log.js';
import { FileSecretStore } from '../../../src-main/core/secrets/store.js';
import { oncallEmail, quickRoute } from '../../helpers/agent-config.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { alert } from '../../unit/core/alerts/helpers.js';
import { receipts } from './delivery-log.js';
import { startSwitchableHttp, startSwitchableSmtp, type SwitchableReceiver } from './peers.js';

const MIN = 60_000;

describe('sinks unavailable, then back', () => {
  let http: SwitchableReceiver;
  let smtp: SwitchableReceiver;
  let dir: TempDir;
  const clock = new ManualClock();
  const attempts: DeliveryRecord[] = [];
  let notifier: Notifier;
  const firing = new Map<string, number>();

  function start(): Notifier {
    const n = new Notifier({
      config: alertsConfigSchema.parse({
        route: quickRoute('team', { groupWait: '10s', groupInterval: '1m' }),
        receivers: [
          {
            name: 'team',
            webhook: [{ url: `${http.url}/hook` }],
            slack: [{ apiUrl: { secret: 'slack-url' }, sendResolved: true }],
            email: [oncallEmail(smtp.port, { sendResolved: true })],
          },
        ],
        desktop: { enabled: false },
      }),
      dataDir: dir.path,
      secrets: new FileSecretStore(dir.path),
      logger: silentLogger,
      clock,
      emit: (event, payload) => {
        if (event === 'alerts.delivery') {
          const r = payload as unknown as DeliveryRecord;
          attempts.push({ ...r, at: clock.now() });
        }
      },
    });
    n.start();
    return n;
  }

  /** Time passes like a rule engine evaluating every 30 s; real deliveries finish between steps. */
  async function run(ms: number, step = 5000) {
    const end = clock.now() + ms;
    let sinceEval = Infinity;
    while (clock.now() < end) {
      if (sinceEval >= 30_000) {
        const list = [...firing].map(([name, t]) =>
          alert(clock, { alertname: name }, { startsAt: t }),
        );
        if (list.length) notifier.send(list);
        sinceEval = 0;
      }
      await clock.advance(step);
      sinceEval += step;
      await notifier.outbox.idle();
    }
  }
  function resolve(name: string) {
    notifier.send([
      alert(clock, { alertname: name }, { startsAt: firing.get(name)!, resolved: true }),
    ]);
    firing.delete(name);
  }

  before(async () => {
    http = await startSwitchableHttp();
    smtp = await startSwitchableSmtp();
    dir = await tempDir('ccmon-outage-');
    await new FileSecretStore(dir.path).set('slack-url', `${http.url}/slack`);
    notifier = start();
  });
  after(async () => {
    notifier.stop();
    await http.close();
    await smtp.close();
    await dir.cleanup();
  });

  it('delivers normally before the outage', async () => {
    firing.set('ApiDown', clock.now());
    await run(MIN);
    for (const sink of ['webhook', 'slack', 'email'] as const)
      assert.deepEqual(
        receipts(http, smtp, sink).map((r) => r.what),
        ['ApiDown firing'],
        sink,
      );
  });

  it('keeps retrying with backoff while every sink refuses connections, across a restart', async () => {
    await http.down();
    await smtp.down();
    const outageStart = clock.now();
    firing.set('QueueStuck', clock.now());
    await run(20 * MIN);
    resolve('ApiDown');
    await run(40 * MIN);
    // A restart in the middle of the outage: the outbox and notification log come back from disk.
    await notifier.outbox.idle();
    notifier.stop();
    notifier = start();
    await run(30 * MIN);
    resolve('QueueStuck');
    await run(40 * MIN);

    const waiting = notifier.outbox.list();
    assert.ok(
      waiting.length >= 3,
      `ApiDown resolved and QueueStuck firing+resolved wait (${waiting.length})`,
    );
    for (const e of waiting) {
      assert.equal(e.state, 'pending');
      if (e.attempts === 0) {
        // Never tried: it waits behind an older notification of its group (order).
        assert.ok(
          waiting.some((o) => o.key === e.key && o.createdAt < e.createdAt && o.attempts > 0),
        );
        continue;
      }
      assert.match(e.lastError ?? '', /ECONNREFUSED|connect/);
      assert.ok(e.nextAttemptAt - clock.now() <= 5 * MIN, 'backoff capped at 5 minutes');
    }
    const failed = attempts.filter((a) => !a.ok && a.at >= outageStart);
    const perSink = new Map<string, number>();
    for (const a of failed) perSink.set(a.sink, (perSink.get(a.sink) ?? 0) + 1);
    const outageMin = (clock.now() - outageStart) / MIN;
    for (const [sink, n] of perSink) {
      // One entry in flight per group: 2 groups × (9 doublings + one try per 5 min) at most.
      assert.ok(
        n <= 2 * (9 + outageMin / 5) + 2,
        `${sink}: ${n} attempts in ${outageMin} min is a storm`,
      );
      assert.ok(n >= outageMin / 5, `${sink}: only ${n} attempts in ${outageMin} min`);
    }
    // Backoff visible: successive failures of one entry are 1, 2, 4, … s apart, then 5 min.
    const first = waiting[0]!;
    const gaps = failed
      .filter((a) => a.id === first.id)
      .map((a) => a.at)
      .map((t, i, all) => (i ? t - all[i - 1]! : 0))
      .slice(1);
    assert.ok(
      gaps.length > 5 && gaps.every((g, i) => i === 0 || g >= gaps[i - 1]! - 5000),
      gaps.join(','),
    );
    assert.equal(Math.max(...gaps), 5 * MIN);
  });

  it('delivers the whole backlog once, in order, when the sinks are back', async () => {
    await http.up();
    await smtp.up();
    await run(6 * MIN);
    assert.deepEqual(notifier.outbox.list(), [], 'nothing left waiting');
    for (const sink of ['webhook', 'slack', 'email'] as const) {
      const got = receipts(http, smtp, sink);
      assert.deepEqual(
        got.map((r) => r.what),
        ['ApiDown firing', 'ApiDown resolved', 'QueueStuck firing', 'QueueStuck resolved'].filter(
          (w) => got.some((r) => r.what === w),
        ),
        `${sink}: order`,
      );
      assert.deepEqual(
        got.map((r) => r.what).sort(),
        ['ApiDown firing', 'ApiDown resolved', 'QueueStuck firing', 'QueueStuck resolved'],
        `${sink}: exactly one of each, the repeat during the outage merged`,
      );
      for (const group of ['ApiDown', 'QueueStuck']) {
        const mine = got.filter((r) => r.what.startsWith(group));
        assert.deepEqual(
          mine.map((r) => r.what.split(' ')[1]),
          ['firing', 'resolved'],
          `${sink} ${group}`,
        );
        assert.ok(mine[0]!.sequence! < mine[1]!.sequence!, 'sequence grows within a group');
      }
      assert.equal(new Set(got.map((r) => r.key)).size, got.length, 'one idempotency key each');
    }
  });
});
