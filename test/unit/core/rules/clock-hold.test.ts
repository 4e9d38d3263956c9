import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EvaluationHold } from '../../../../src-main/core/rules/clock-hold.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('evaluation hold after a backward clock step', () => {
  it('holds from a step back until wall time passes the pre-step time, then releases once', () => {
    const h = new EvaluationHold();
    assert.equal(h.holds(T0), false);
    // Seen 30 s after a −10 min step: the clock shows T0 − 9.5 min, it would show T0 + 30 s.
    const seenAt = T0 - 10 * MIN + 30_000;
    h.clockMoved(seenAt, -10 * MIN);
    assert.equal(h.holds(seenAt), true);
    assert.equal(h.holds(T0 + 29_999), true);
    assert.equal(h.view(seenAt)?.until, new Date(T0 + 30_000).toISOString());
    assert.match(h.view(seenAt)!.reason, /set back by 600 s/);
    assert.equal(h.release(T0), 0, 'not yet');
    assert.equal(h.holds(T0 + 30_000), false);
    assert.equal(h.release(T0 + 30_000), 10 * MIN, 'held for the step length');
    assert.equal(h.release(T0 + 40_000), 0, 'released once');
    assert.equal(h.view(T0 + 40_000), null);
  });

  it('forward jumps never hold; one while held neither ends the wait early nor counts as held time', () => {
    const h = new EvaluationHold();
    h.clockMoved(T0, 2 * 3_600_000);
    assert.equal(h.holds(T0), false);
    h.clockMoved(T0, -10 * MIN); // hold until T0 + 10 min
    h.clockMoved(T0 + 2 * MIN, 5 * MIN); // 2 min later the clock jumps +5 min: shows T0 + 7 min
    assert.equal(h.holds(T0 + 7 * MIN), true, 'the newest data is still at T0 + 10 min');
    // Released at T0 + 10 min on the new timeline: 5 min of real time have passed since the hold began.
    assert.equal(h.release(T0 + 10 * MIN), 5 * MIN);
  });

  it('a second step back while held extends to the later of the two pre-step times', () => {
    const h = new EvaluationHold();
    h.clockMoved(T0, -10 * MIN); // until T0 + 10 min
    h.clockMoved(T0 + MIN, -MIN); // 2 min in, set back 1 min more: shows T0 + 1 min
    assert.equal(h.view(T0 + MIN)?.until, new Date(T0 + 10 * MIN).toISOString());
    assert.equal(h.release(T0 + 10 * MIN), 11 * MIN, 'real time held: 2 + 9 min');
  });
});
