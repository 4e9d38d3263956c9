/**
 * SumAccumulator (usage/temporality.ts): delta windows kept as numbers in place and cumulative
 * state updated in place must still book each window exactly once, survive a save and restore
 * through the state file's format, and stay bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SumAccumulator } from '../../../../src-main/core/usage/temporality.js';

const NS = (s: number) => `${1_795_390_514 + s}000000123`; // 19-digit nanoseconds, past 2^53

describe('SumAccumulator', () => {
  it('books a delta window once, remembers the last four per stream and forgets the fifth back', () => {
    const a = new SumAccumulator();
    assert.equal(a.delta('s', NS(0), NS(60), 5), 5);
    assert.equal(a.delta('s', NS(0), NS(60), 5), null, 'a re-sent window');
    assert.equal(a.delta('s', NS(0), NS(61), 2), 2, 'same start, other end: another window');
    assert.equal(a.delta('t', NS(0), NS(60), 7), 7, 'another stream');
    for (let k = 1; k <= 4; k++) assert.equal(a.delta('s', NS(60 * k), NS(60 * k + 60), 1), 1);
    // Kept now: the last four windows of s; the first two have been pushed out.
    assert.equal(a.delta('s', NS(240), NS(300), 1), null);
    assert.equal(a.delta('s', NS(0), NS(60), 5), 5, 'pushed out, so booked again');
    // Short values (no seconds part) are exact too.
    assert.equal(a.delta('u', '0', '999', 1), 1);
    assert.equal(a.delta('u', '0', '999', 1), null);
    assert.equal(a.delta('u', '0', '1999', 1), 1);
  });

  it('cumulative: increments, resets on a new start or a drop, ignores re-sends and late points', () => {
    const a = new SumAccumulator();
    assert.equal(a.cumulativePoint('c', NS(0), NS(10), 10), 10);
    assert.equal(a.cumulativePoint('c', NS(0), NS(20), 15), 5);
    assert.equal(a.cumulativePoint('c', NS(0), NS(20), 15), null, 're-sent');
    assert.equal(a.cumulativePoint('c', NS(0), NS(15), 12), null, 'older time');
    assert.equal(a.cumulativePoint('c', NS(0), NS(30), 4), 4, 'a drop is a reset');
    assert.equal(a.cumulativePoint('c', NS(100), NS(110), 3), 3, 'a new start is a reset');
    assert.equal(
      a.cumulativePoint('c', NS(0), NS(40), 50),
      null,
      'late point from before the reset',
    );
    assert.equal(a.cumulativePoint('c', NS(100), NS(120), 9), 6, 'state kept after the late point');
  });

  it('saves and restores through the state file format with the same strings and answers', () => {
    const a = new SumAccumulator();
    a.delta('s', NS(0), NS(60), 1);
    a.delta('s', NS(60), NS(120), 1);
    a.delta('z', '0', '5', 1);
    a.cumulativePoint('c', NS(0), NS(10), 10);
    const saved = JSON.parse(JSON.stringify(a.exportState()));
    assert.deepEqual(saved.delta, [
      ['s', [`${NS(0)}-${NS(60)}`, `${NS(60)}-${NS(120)}`]],
      ['z', ['0-5']],
    ]);
    assert.deepEqual(saved.cumulative, [['c', { start: NS(0), time: NS(10), value: 10 }]]);
    const b = new SumAccumulator();
    b.importState(saved);
    assert.equal(b.delta('s', NS(60), NS(120), 1), null);
    assert.equal(b.delta('z', '0', '5', 1), null);
    assert.equal(b.cumulativePoint('c', NS(0), NS(20), 12), 2);
    assert.deepEqual(b.exportState().delta, saved.delta, 'same order after a round trip');
    // A damaged entry is skipped, never thrown.
    b.importState({ cumulative: [], delta: [['bad', ['x-y', '1', '']]] });
    assert.equal(b.has('bad'), false);
  });

  it('stays within maxStreams, evicting streams unused the longest, not busy ones', () => {
    const a = new SumAccumulator(10);
    for (let i = 0; i < 10; i++) a.delta(`s${i}`, '1', '2', 1);
    // s0 stays busy while 30 new streams arrive; it is moved away from the eviction end in time.
    for (let i = 10; i < 40; i++) {
      a.delta('s0', String(i), String(i + 1), 1);
      a.delta(`s${i}`, '1', '2', 1);
    }
    assert.equal(a.streams, 10);
    assert.ok(a.has('s0'), 'the busy stream is kept');
    assert.ok(!a.has('s1'), 'an idle one is gone');
  });
});
