/**
 * Wall-clock jumps while the notifier runs (ManualClock.jump: Date moves, elapsed time does not,
 * no timer fires): a +2 h step resolves nothing falsely and brings no repeat early; a −10 min
 * step (an NTP correction) delays neither a resolution by resolve_timeout nor a retry.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ClockJumpDetector } from '../../../../src-main/core/alerts/clock-jump.js';
import { ManualClock } from '../../../../src-main/core/alerts/clock.js';
import { tempDir } from '../../../helpers/ports.js';
import { alert, makeNotifier, RecordingDesktop, seedLikeConfig } from './helpers.js';

const dirs: { cleanup(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.cleanup();
});
async function dataDir(): Promise<string> {
  const d = await tempDir('ccmon-jump-');
  dirs.push(d);
  return d.path;
}
const MIN = 60_000;
const down = { alertname: 'ClaudeCodeServiceDown', severity: 'critical', job: 'claude-code-api' };
const cfg = (repeatInterval = '1h') => {
  const c = seedLikeConfig();
  return { ...c, route: { ...c.route!, repeatInterval } };
};

describe('notifier: wall-clock jumps', () => {
  it('detects a step either way beyond 5 s, not event-loop lag', async () => {
    const clock = new ManualClock();
    const d = new ClockJumpDetector(clock);
    await clock.advance(60_000);
    assert.equal(d.check(), 0);
    clock.jump(4000);
    assert.equal(d.check(), 0, 'under the tolerance');
    clock.jump(2 * 3_600_000);
    assert.equal(d.check(), 2 * 3_600_000);
    clock.jump(-10 * MIN);
    assert.equal(d.check(), -10 * MIN);
  });

  it('+2 h: a firing alert is not resolved by the jump and no repeat comes early', async () => {
    const { notifier, clock, desktop } = makeNotifier(await dataDir(), cfg('1h'));
    const start = clock.now();
    // A rule engine sending every 30 s with Prometheus's endsAt (now + 4 min).
    const evaluate = () => notifier.send([alert(clock, down, { startsAt: start })]);
    for (let i = 0; i < 4; i++) {
      evaluate();
      await clock.advance(30_000);
    }
    assert.equal(desktop.shown.length, 1, 'the firing notification');
    clock.jump(2 * 3_600_000);
    // The sender's next evaluation is 30 s of real time away; the notifier ticks meanwhile.
    await clock.advance(25_000);
    for (let i = 0; i < 10; i++) {
      evaluate();
      await clock.advance(30_000);
    }
    assert.deepEqual(
      desktop.titles(),
      ['[FIRING:1] ClaudeCodeServiceDown critical (claude-code-api)'],
      'no false resolved, no re-fire, no early repeat',
    );
    assert.equal(notifier.allAlerts()[0]!.endsAt > clock.now(), true, 'still firing');
    // The repeat comes after an hour that really passed.
    for (let i = 0; i < 110; i++) {
      evaluate();
      await clock.advance(30_000);
    }
    assert.equal(desktop.shown.length, 2, 'one repeat after repeat_interval of elapsed time');
  });

  it('−10 min: an alert nobody re-sends resolves after resolve_timeout of elapsed time', async () => {
    const { notifier, clock, desktop } = makeNotifier(await dataDir(), cfg());
    // No endsAt: Alertmanager's resolve_timeout (5 m) applies.
    notifier.send([
      { labels: down, annotations: {}, startsAt: new Date(clock.now()).toISOString() },
    ]);
    await clock.advance(20_000);
    assert.equal(desktop.shown.length, 1);
    clock.jump(-10 * MIN);
    await clock.advance(5 * MIN + 20_000);
    assert.match(desktop.titles()[1] ?? '', /^\[RESOLVED\]/, desktop.titles().join(' | '));
  });

  it('−10 min: a retry waiting in backoff is not held back by the step', async () => {
    const desktop = new RecordingDesktop();
    desktop.failNext = 3;
    const clock = new ManualClock();
    const { notifier } = makeNotifier(await dataDir(), cfg(), clock, desktop);
    notifier.send([alert(clock, down)]);
    await clock.advance(12_000); // group_wait, then attempts at +0, +1 s, +3 s fail
    assert.equal(desktop.shown.length, 0);
    clock.jump(-10 * MIN);
    await clock.advance(10_000); // the next attempt is due 4 s after the last one
    assert.equal(desktop.shown.length, 1, 'delivered within the backoff, not 10 min later');
    const attempts = notifier.outbox.history().map((r) => r.attempts);
    assert.equal(Math.max(...attempts), 4);
  });
});
