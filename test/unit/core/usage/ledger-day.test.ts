import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utcDay } from '../../../../src-main/core/usage/ledger.js';

const reference = (t: number) => new Date(t).toISOString().slice(0, 10);
const DAY = 86_400_000;

describe('utcDay (the ledger day of a booking)', () => {
  it('agrees with the ISO date at day boundaries, before 1970 and when days alternate', () => {
    const midnight = Date.UTC(2026, 10, 23);
    const times = [
      midnight - 1,
      midnight,
      midnight + 1,
      midnight + DAY - 1,
      midnight + DAY,
      midnight - 1, // back to the previous day after the cache moved on
      0,
      -1,
      -DAY,
      -DAY - 1,
      Date.UTC(2024, 1, 29, 12),
      -0.5, // a fraction of a ms: Date truncates towards zero
      midnight - 0.5,
    ];
    for (const t of times) assert.equal(utcDay(t), reference(t), `t=${t}`);
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const t = midnight + (seed % (10 * DAY)) - 5 * DAY;
      assert.equal(utcDay(t), reference(t), `t=${t}`);
    }
  });

  it('still throws on a time that is not one', () => {
    assert.throws(() => utcDay(NaN), RangeError);
  });
});
