import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingChartUpdates, queueChartUpdate } from '../../../src-renderer/charts/frameQueue.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('chart update queue', () => {
  it('runs one chart per frame, the newest data only, and honours a cancel', async () => {
    const ran: string[] = [];
    const a = {};
    const b = {};
    const c = {};
    queueChartUpdate(a, () => ran.push('a1'));
    queueChartUpdate(b, () => ran.push('b'));
    const cancelC = queueChartUpdate(c, () => ran.push('c'));
    queueChartUpdate(a, () => ran.push('a2')); // a newer update for a replaces the first
    cancelC();
    assert.equal(pendingChartUpdates(), 2);
    await tick();
    assert.equal(ran.length, 1, 'one chart per frame');
    await tick();
    await tick();
    assert.deepEqual(ran.sort(), ['a2', 'b']);
    assert.equal(pendingChartUpdates(), 0);
  });

  it('a throwing update does not stall the others', async () => {
    const ran: string[] = [];
    const prev = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const caught: Error[] = [];
    process.on('uncaughtException', (e) => caught.push(e));
    try {
      queueChartUpdate({}, () => {
        throw new Error('chart gone');
      });
      queueChartUpdate({}, () => ran.push('next'));
      for (let i = 0; i < 4; i++) await tick();
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const l of prev) process.on('uncaughtException', l);
    }
    assert.deepEqual(ran, ['next']);
    assert.equal(caught[0]?.message, 'chart gone');
  });
});
