/**
 * The overview's five dimensions (views/dimensions.ts): checks rolled up by dimension, the
 * slowest probe against the seed's latency goal, security events and sandbox checks, budgets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckSummary } from '../../../src-main/core/checks/contract';
import type { CheckStatus } from '../../../src-main/core/checks/types';
import type { BudgetStatus } from '../../../src-main/core/usage/contract';
import { dimensionStates } from '../../../src-renderer/views/dimensions';

const NOW = Date.parse('2026-11-25T12:00:00Z');

const check = (name: string, type: string, status: CheckStatus | null, latencyMs = 10) =>
  ({
    name,
    type,
    enabled: true,
    intervalMs: 10_000,
    last:
      status === null
        ? null
        : {
            name,
            type,
            status,
            message: '',
            details: null,
            latencyMs,
            at: new Date(NOW).toISOString(),
            consecutiveFailures: status === 'healthy' ? 0 : 1,
            intervalMs: 10_000,
            values: {},
          },
  }) as CheckSummary;

const budget = (name: string, usedRatio: number, state: BudgetStatus['state']) =>
  ({ name, usedRatio, state }) as BudgetStatus;

describe('overview dimensions', () => {
  it('rolls each check up into its dimension, the worst status winning', () => {
    const d = dimensionStates(
      [
        check('API Health', 'http', 'healthy', 120),
        check('LLM Gateway', 'http', 'unhealthy'),
        check('Disk Space', 'disk', 'healthy'),
        check('Memory', 'memory', 'degraded'),
      ],
      null,
      null,
      NOW,
    );
    assert.deepEqual(d.availability, { status: 'unhealthy', detail: '1 of 2 checks healthy' });
    assert.deepEqual(d.resources, { status: 'degraded', detail: '1 of 2 checks healthy' });
    assert.deepEqual(d.performance, { status: 'healthy', detail: 'slowest: API Health 120 ms' });
    assert.deepEqual(d.security, { status: 'unknown', detail: 'no security data' });
    assert.deepEqual(d.cost, { status: 'unknown', detail: 'no budget configured' });
  });

  it('performance: the slowest answering probe against P95 < 2 s; nothing measured is unknown', () => {
    const slow = dimensionStates([check('API Health', 'http', 'healthy', 2500)], null, null, NOW);
    assert.equal(slow.performance.status, 'degraded');
    const down = dimensionStates([check('API Health', 'http', 'unhealthy')], null, null, NOW);
    assert.deepEqual(down.performance, {
      status: 'unknown',
      detail: 'no availability check answered',
    });
    const notRun = dimensionStates([check('API Health', 'http', null)], null, null, NOW);
    assert.deepEqual(notRun.performance, { status: 'unknown', detail: 'no latency measured yet' });
  });

  it('security: events of the last 24 h and the sandbox checks, each named when it turns it red', () => {
    const event = (hoursAgo: number) => ({
      time: new Date(NOW - hoursAgo * 3_600_000).toISOString(),
      user: 'u',
      kind: 'permission_denied',
      detail: '',
    });
    const quiet = dimensionStates([], null, [event(30)], NOW);
    assert.deepEqual(quiet.security, { status: 'healthy', detail: '0 security events in 24 h' });
    const incident = dimensionStates([], null, [event(1), event(30)], NOW);
    assert.deepEqual(incident.security, {
      status: 'unhealthy',
      detail: '1 security event in 24 h',
    });
    // A sandbox check down with no event: the card says which, not just "0 events".
    const sandboxDown = dimensionStates([check('Sandbox', 'http', 'unhealthy')], null, [], NOW);
    assert.deepEqual(sandboxDown.security, {
      status: 'unhealthy',
      detail: '0 security events in 24 h; 0 of 1 sandbox checks healthy',
    });
    const notRunYet = dimensionStates([check('Sandbox', 'http', null)], null, [], NOW);
    assert.equal(
      notRunYet.security.status,
      'healthy',
      'a sandbox check not run yet is no incident',
    );
  });

  it('cost: the worst budget, the most used one named', () => {
    const d = dimensionStates(
      [],
      [budget('team', 0.5, 'ok'), budget('alice', 0.85, 'warning')],
      null,
      NOW,
    );
    assert.deepEqual(d.cost, { status: 'degraded', detail: 'alice: 85 % used' });
  });
});
