import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import {
  everyOnGrid,
  gridOffset,
  nextDue,
  nextGridTime,
  WAKE_GRANULE_MS,
} from '../../../../src-main/core/system/cadence.js';

const T0 = 3_600_000; // monotonic ms, a multiple of every interval below

describe('wake-up grid', () => {
  it('puts offsets on the granule, spread over the interval, stable per name', () => {
    const offsets = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const o = gridOffset(`check-${i}`, 30_000);
      assert.equal(o % WAKE_GRANULE_MS, 0);
      assert.ok(o >= 0 && o < 30_000);
      assert.equal(gridOffset(`check-${i}`, 30_000), o);
      offsets.add(o);
    }
    assert.equal(offsets.size, 6, 'all six 5 s slots of a 30 s interval are used');
    assert.equal(gridOffset('x', 7_000), 0, 'an interval off the granule runs on its multiples');
    assert.equal(gridOffset('x', 1_000), 0);
  });

  it('gives the first grid time strictly after a time', () => {
    assert.equal(nextGridTime(10_000, 5_000, T0), T0 + 5_000);
    assert.equal(nextGridTime(10_000, 5_000, T0 + 5_000), T0 + 15_000);
    assert.equal(nextGridTime(10_000, 0, T0 + 1), T0 + 10_000);
    assert.equal(nextGridTime(15_000, 0, T0 - 1), T0);
  });

  it('runs the next grid time after a run on time, and never the same one twice', () => {
    assert.equal(nextDue(10_000, 0, T0, T0 + 40), T0 + 10_000);
    // The timer (elapsed time) fired a little before the wall clock reached the due time.
    assert.equal(nextDue(10_000, 0, T0, T0 - 3), T0 + 10_000);
  });

  it('skips grid times missed by a long run or a sleep instead of catching up', () => {
    assert.equal(nextDue(10_000, 0, T0, T0 + 12_000), T0 + 20_000);
    assert.equal(nextDue(10_000, 0, T0, T0 + 3_600_000 + 1), T0 + 3_610_000);
  });

  it('keeps each offset: a task off its grid (its quick first run) joins it', () => {
    assert.equal(nextDue(30_000, 15_000, T0 + 1234, T0 + 1300), T0 + 15_000);
    assert.equal(nextDue(30_000, 15_000, T0 + 15_000, T0 + 15_020), T0 + 45_000);
  });

  it('runs an every-interval task at its grid times until cancelled, even from inside it', () => {
    let mono = T0;
    mock.method(performance, 'now', () => mono);
    mock.timers.enable({ apis: ['setTimeout'] });
    const at: number[] = [];
    try {
      const offset = gridOffset('tsdb retention', 60_000);
      let cancel = () => {};
      cancel = everyOnGrid(60_000, 'tsdb retention', () => {
        at.push(mono - T0);
        if (at.length === 3) cancel();
      });
      for (let t = 0; t < 300_000; t += 500) {
        mono += 500;
        mock.timers.tick(500);
      }
      assert.deepEqual(at, [
        offset || 60_000,
        (offset || 60_000) + 60_000,
        (offset || 60_000) + 120_000,
      ]);
    } finally {
      mock.timers.reset();
      mock.restoreAll();
    }
  });

  it('with atOnce, runs first right away, then at its grid times', () => {
    let mono = T0 + 1000;
    mock.method(performance, 'now', () => mono);
    mock.timers.enable({ apis: ['setTimeout'] });
    const at: number[] = [];
    try {
      const cancel = everyOnGrid(10_000, 'group', () => at.push(mono - T0), { atOnce: true });
      mock.timers.tick(0);
      for (let t = 500; t <= 29_000; t += 500) {
        mono = T0 + 1000 + t;
        mock.timers.tick(500);
      }
      cancel();
      const first = gridOffset('group', 10_000) || 10_000;
      const grid = [first, first + 10_000, first + 20_000].filter((g) => g <= 30_000);
      assert.deepEqual(at, [1000, ...grid]);
    } finally {
      mock.timers.reset();
      mock.restoreAll();
    }
  });
});
