/**
 * The status snapshot carries the rule manager's hold after a backward clock step (rulesHeld), and
 * the `status` event is published when the hold starts and when it ends, so the dashboard banner
 * and the tray follow it. The hold is the rules module's real EvaluationHold on a clock the test
 * moves.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EvaluationHold } from '../../../../src-main/core/rules/clock-hold.js';
import type { StatusSnapshot } from '../../../../src-main/core/system/contract.js';
import {
  createSystemModule,
  type StatusSource,
  type SystemModuleOptions,
} from '../../../../src-main/core/system/module.js';
import { checkRef, healthyCheckResult } from '../../../helpers/check-results.js';

const T = Date.parse('2026-03-01T12:00:00Z');

function healthyChecks(at: () => number): StatusSource {
  return {
    configured: () => [checkRef('api')],
    latest: () => new Map([['api', healthyCheckResult('api', at())]]),
    onResult: () => () => undefined,
  };
}

/** The system module of a headless agent whose one check is healthy at `now()`. */
function systemAt(now: () => number, extra: Partial<SystemModuleOptions>) {
  return createSystemModule({
    shell: 'headless',
    dataDir: '/tmp',
    configFile: null,
    configWarnings: [],
    checks: healthyChecks(now),
    now,
    ...extra,
  });
}

describe('status snapshot: rules held after a backward clock step', () => {
  it('is null while rules evaluate, then carries until and reason from the rule manager', async () => {
    let now = T;
    const hold = new EvaluationHold();
    const system = systemAt(() => now, { rulesHold: () => hold.view(now) });
    const before = await system.handlers['status.get']({});
    assert.equal(before.overall, 'healthy');
    assert.equal(before.rulesHeld, null);

    hold.clockMoved(now, -90_000); // set back 90 s at T
    now += 1000;
    const held = await system.handlers['status.get']({});
    assert.equal(held.overall, 'healthy', 'the hold does not change the overall status');
    assert.equal(held.rulesHeld?.until, new Date(T + 90_000).toISOString());
    assert.match(held.rulesHeld?.reason ?? '', /set back by 90 s/);

    now = T + 90_000;
    assert.equal((await system.handlers['status.get']({})).rulesHeld, null, 'over once caught up');
  });

  it('publishes the status event when the hold starts and when it ends', async () => {
    let now = T;
    const hold = new EvaluationHold();
    const events: StatusSnapshot[] = [];
    const system = systemAt(() => now, {
      rulesHold: () => hold.view(now),
      onStatus: (s) => events.push(s),
      tickMs: 20,
    });
    await system.start();
    try {
      const waitFor = async (pred: () => boolean) => {
        for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 5));
        assert.ok(pred(), JSON.stringify(events.map((e) => e.rulesHeld)));
      };
      await waitFor(() => events.length >= 1);
      assert.equal(events.at(-1)!.rulesHeld, null);
      hold.clockMoved(now, -30_000);
      await waitFor(() => events.at(-1)!.rulesHeld != null);
      assert.equal(events.at(-1)!.rulesHeld!.until, new Date(T + 30_000).toISOString());
      now = T + 30_001;
      await waitFor(() => events.at(-1)!.rulesHeld == null);
    } finally {
      await system.stop();
    }
  });

  it('keeps answering when the rule manager throws, and without a rules module has no field', async () => {
    const failing = systemAt(() => T, {
      rulesHold: () => {
        throw new Error('not built yet');
      },
    });
    const s = await failing.handlers['status.get']({});
    assert.equal(s.overall, 'healthy');
    assert.equal(s.rulesHeld, null);
    const plain = await systemAt(() => T, {}).handlers['status.get']({});
    assert.equal('rulesHeld' in plain, false);
  });
});
