/**
 * The rule manager started on a clock that is behind what ccmon itself stored (the clock set back
 * while the agent was stopped; the store restored from its snapshot): evaluation is held until
 * the clock passes ccmon's own newest samples, so `absent()` sees no false gap. Samples a scraped
 * target stamped itself (in the future, say) hold nothing. Real store and rule files, fake clock.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { install } from '@sinonjs/fake-timers';
import { createSeriesStore, type SeriesStore } from '../../../../src-main/core/tsdb/index.js';
import { tempDir } from '../../../helpers/ports.js';
import { loadRuleManager, writeRuleGroup } from '../../../helpers/rule-manager.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const FAKED = ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'];

let clock: ReturnType<typeof install> | null = null;
afterEach(() => {
  clock?.uninstall();
  clock = null;
});

async function startManager(store: SeriesStore) {
  const dir = await tempDir('ccmon-rules-restart-');
  const file = await writeRuleGroup(dir.path, 'checks', '15s', [
    { alert: 'ApiCheckMissing', expr: 'absent(ccmon_check_up{check="api"})', for: '1m' },
  ]);
  const { manager, sent, changes } = await loadRuleManager({
    files: [file],
    store,
    dataDir: dir.path,
  });
  manager.start();
  return { manager, sent, changes, cleanup: () => (manager.stop(), dir.cleanup()) };
}

describe('rules started on a clock behind the stored samples', () => {
  it('hold until the clock passes ccmon’s own newest samples; no false absent()', async () => {
    const store = createSeriesStore();
    const up = Object.freeze({ __name__: 'ccmon_check_up', check: 'api' });
    // Before the restart: the check reported every 10 s from T0 − 5 min to T0.
    for (let t = T0 - 5 * MIN; t <= T0; t += 10_000) store.append(up, t, 1);
    clock = install({ now: T0 - 10 * MIN, toFake: FAKED as never });
    const check = setInterval(() => store.append(up, Date.now(), 1), 10_000);
    const r = await startManager(store);
    try {
      const held = r.manager.list().held;
      assert.ok(held, 'held at start');
      assert.equal(held.until, new Date(T0).toISOString());
      assert.match(held.reason, /600 s behind samples ccmon stored before it started/);
      // What the status snapshot reads on every check result: the same hold, without the list.
      assert.deepEqual(r.manager.held(), held);
      await clock.tickAsync(13 * MIN);
      assert.equal(r.manager.list().held, null);
      assert.equal(r.manager.held(), null);
      assert.equal(r.changes.length, 0, 'ApiCheckMissing never even pending');
      assert.equal(r.sent.length, 0);
      const last = r.manager.list().groups[0]!.lastEvaluation;
      assert.ok(last && Date.parse(last) > T0, `evaluating after the catch-up (${last})`);
    } finally {
      clearInterval(check);
      await r.cleanup();
    }
  });

  it('samples a target stamped in the future do not hold the rules', async () => {
    const store = createSeriesStore();
    store.append(Object.freeze({ __name__: 'foreign_metric', job: 'x' }), T0 + 3_600_000, 1);
    store.append(Object.freeze({ __name__: 'ccmon_check_up', check: 'api' }), T0 - 10_000, 1);
    clock = install({ now: T0, toFake: FAKED as never });
    const r = await startManager(store);
    try {
      assert.equal(r.manager.list().held, null);
      await clock.tickAsync(20_000);
      assert.ok(r.manager.list().groups[0]!.lastEvaluation, 'evaluated at once');
    } finally {
      await r.cleanup();
    }
  });
});
