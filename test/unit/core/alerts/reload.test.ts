/**
 * Notifier.reload (Alertmanager's /-/reload): a group whose route is still there keeps its alerts,
 * its timer and what the notification log says was sent; a group whose route is gone is dropped and
 * its alerts are routed again in the new tree; a routing that cannot be built changes nothing.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  alertsConfigSchema,
  type AlertsConfig,
  type AlertsConfigInput,
} from '../../../../src-main/core/alerts/config.js';
import type { ManualClock } from '../../../../src-main/core/alerts/clock.js';
import type { Notifier } from '../../../../src-main/core/alerts/notifier.js';
import { tempDir } from '../../../helpers/ports.js';
import { alert, makeNotifier, seedLikeConfig } from './helpers.js';

const dirs: { cleanup(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.cleanup();
});
async function dataDir(): Promise<string> {
  const d = await tempDir('ccmon-alerts-reload-');
  dirs.push(d);
  return d.path;
}

const parse = (cfg: AlertsConfigInput): AlertsConfig => alertsConfigSchema.parse(cfg);
/** Sink ids of the deliveries made so far, oldest first. */
const delivered = (n: Notifier) =>
  n.outbox
    .history()
    .filter((r) => r.ok)
    .map((r) => `${r.sink} ${r.status}:${r.alerts}`)
    .reverse();

/** Resend like a rule engine evaluating every 30 s (firing alerts expire without it). */
async function evaluateFor(n: Notifier, clock: ManualClock, ms: number, labels: Labels[]) {
  const end = clock.now() + ms;
  while (clock.now() < end) {
    n.send(labels.map((l) => alert(clock, l, { startsAt: START })));
    await clock.advance(Math.min(30_000, end - clock.now()));
  }
}
type Labels = Record<string, string>;
const START = Date.UTC(2026, 0, 1);

const down = { alertname: 'ClaudeCodeServiceDown', severity: 'critical', job: 'claude-code-api' };
// group_interval 5m: a change to the group waits for the group's next tick.
const slowTicks = (routes: Record<string, unknown> = {}) =>
  seedLikeConfig({
    route: {
      receiver: 'default',
      groupBy: ['alertname', 'severity'],
      groupWait: '10s',
      groupInterval: '5m',
      repeatInterval: '12h',
      routes: [{ match: { severity: 'critical' }, receiver: 'critical-alerts' }],
      ...routes,
    },
  });

describe('notifier reload', () => {
  it('keeps a group whose route stays: nothing is re-sent, and a newcomer waits for the group tick', async () => {
    const { notifier, clock } = makeNotifier(await dataDir(), slowTicks());
    const a = { ...down, instance: 'a' };
    const b = { ...down, instance: 'b' };
    await evaluateFor(notifier, clock, 20_000, [a]);
    assert.deepEqual(delivered(notifier), ['critical-alerts/desktop[0] firing:1']);
    notifier.send([alert(clock, a, { startsAt: START }), alert(clock, b, { startsAt: START })]);
    // Only the repeat interval changes: the group is the same one (same place, key and labels).
    const summary = notifier.reload(
      parse(slowTicks({ receiver: 'default', repeatInterval: '6h', groupInterval: '5m' })),
    );
    assert.match(summary, /^1 aggregation group\(s\) kept/);
    // Alertmanager would flush the recreated group at once here (prometheus/alertmanager#2492).
    await evaluateFor(notifier, clock, 60_000, [a, b]);
    assert.equal(delivered(notifier).length, 1, 'the newcomer waits for the group interval');
    await evaluateFor(notifier, clock, 4 * 60_000, [a, b]);
    assert.deepEqual(delivered(notifier), [
      'critical-alerts/desktop[0] firing:1',
      'critical-alerts/desktop[0] firing:2',
    ]);
    const timeline = await notifier.history.query({});
    assert.ok(timeline.some((e) => e.kind === 'routing_reloaded' && e.detail === summary));
    notifier.stop();
  });

  it("a shorter group_interval moves the kept group's pending flush; nothing is sent before it", async () => {
    const { notifier, clock } = makeNotifier(await dataDir(), slowTicks());
    const a = { ...down, instance: 'a' };
    const b = { ...down, instance: 'b' };
    await evaluateFor(notifier, clock, 20_000, [a]); // notified at 10 s, next tick at 5 m 10 s
    notifier.send([alert(clock, a, { startsAt: START }), alert(clock, b, { startsAt: START })]);
    notifier.reload(parse(slowTicks({ receiver: 'default', groupInterval: '1m' })));
    await evaluateFor(notifier, clock, 45_000, [a, b]);
    assert.equal(delivered(notifier).length, 1, 'not before 1 m after the last flush');
    await evaluateFor(notifier, clock, 30_000, [a, b]);
    assert.deepEqual(delivered(notifier), [
      'critical-alerts/desktop[0] firing:1',
      'critical-alerts/desktop[0] firing:2',
    ]);
    notifier.stop();
  });

  it('a route that is gone: its group is dropped, the alert is routed anew, the old receiver hears nothing more', async () => {
    const { notifier, clock } = makeNotifier(await dataDir(), slowTicks());
    notifier.send([alert(clock, down)]);
    await clock.advance(10_000);
    assert.deepEqual(delivered(notifier), ['critical-alerts/desktop[0] firing:1']);
    const summary = notifier.reload(parse(slowTicks({ routes: [] })));
    assert.match(summary, /0 aggregation group\(s\) kept.*1 new, 1 dropped/);
    // A new group: group_wait, or at once for an alert older than that (Alertmanager).
    await clock.advance(10_000);
    assert.deepEqual(delivered(notifier), [
      'critical-alerts/desktop[0] firing:1',
      'default/desktop[0] firing:1',
    ]);
    assert.deepEqual(notifier.receiversFor(notifier.allAlerts()[0]!), ['default']);
    notifier.send([alert(clock, down, { resolved: true })]);
    await clock.advance(5 * 60_000);
    assert.deepEqual(delivered(notifier).slice(2), ['default/desktop[0] resolved:1']);
    notifier.stop();
  });

  it('a receiver changed in place applies to the next notification (send_resolved turned off)', async () => {
    const { notifier, clock, desktop } = makeNotifier(await dataDir(), slowTicks());
    notifier.send([alert(clock, down)]);
    await clock.advance(10_000);
    const cfg = slowTicks();
    // critical-alerts keeps its name and integration, but no longer wants resolutions.
    cfg.receivers = [
      { name: 'default', desktop: [{}] },
      { name: 'critical-alerts', desktop: [{ sendResolved: false }] },
    ];
    notifier.reload(parse(cfg));
    notifier.send([alert(clock, down, { resolved: true })]);
    await clock.advance(5 * 60_000);
    // send_resolved is now false for that receiver: the nflog learns the resolution silently.
    assert.deepEqual(delivered(notifier), ['critical-alerts/desktop[0] firing:1']);
    assert.equal(desktop.shown.length, 1);
    notifier.stop();
  });

  it('turning desktop notifications on keeps the groups of the user routes', async () => {
    const { notifier, clock, desktop } = makeNotifier(await dataDir(), slowTicks());
    await evaluateFor(notifier, clock, 20_000, [down]);
    assert.deepEqual(delivered(notifier), ['critical-alerts/desktop[0] firing:1']);
    const summary = notifier.reload(parse({ ...slowTicks(), desktop: { enabled: true } }));
    // The desktop route is a new group (notified as any new route is); the user's group is kept.
    assert.match(summary, /^1 aggregation group\(s\) kept with their timers, 1 new, 0 dropped/);
    await evaluateFor(notifier, clock, 30_000, [down]);
    assert.deepEqual(delivered(notifier), [
      'critical-alerts/desktop[0] firing:1',
      'ccmon-desktop/desktop[0] firing:1',
    ]);
    assert.equal(desktop.shown.length, 2);
    notifier.stop();
  });

  it('a routing that cannot be built is refused and the old one keeps running', async () => {
    const { notifier, clock } = makeNotifier(await dataDir(), slowTicks());
    notifier.send([alert(clock, down)]);
    const bad = parse(slowTicks());
    // Past the schema (which would catch it) on purpose: the notifier must not half-apply it.
    bad.route.routes[0]!.matchers = ['severity=~"("'];
    bad.receivers = [{ name: 'default', email: [], slack: [], webhook: [], desktop: [] }];
    assert.throws(() => notifier.reload(bad), /severity|regex|matcher/i);
    await clock.advance(10_000);
    assert.deepEqual(delivered(notifier), ['critical-alerts/desktop[0] firing:1']);
    assert.deepEqual(notifier.receiversFor(notifier.allAlerts()[0]!), ['critical-alerts']);
    notifier.stop();
  });

  it('inhibit rules change with the reload', async () => {
    const { notifier, clock } = makeNotifier(await dataDir(), slowTicks());
    const warn = { ...down, severity: 'warning' };
    notifier.send([alert(clock, down), alert(clock, warn)]);
    const fpWarn = notifier.allAlerts().find((a) => a.labels.severity === 'warning')!.fingerprint;
    const state = () => notifier.status.views(notifier).find((v) => v.fingerprint === fpWarn)!;
    assert.equal(state().state, 'inhibited', 'the seed inhibit rule mutes the warning');
    notifier.reload(parse({ ...slowTicks(), inhibitRules: [] }));
    assert.equal(state().state, 'firing');
    notifier.stop();
  });
});
