/**
 * The seed's five monitoring dimensions (34.3.1) with their targets, and how the agent's checks,
 * budgets and security events are rolled up into each: the overview's sections.
 */
import type { CheckSummary } from '../../src-main/core/checks/contract';
import type { BudgetStatus, SecurityEventView } from '../../src-main/core/usage/contract';
import { ms } from '../format';

export type DimensionId = 'availability' | 'performance' | 'resources' | 'security' | 'cost';
export type DimStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

export interface Dimension {
  id: DimensionId;
  title: string;
  target: string;
  measures: string[];
}

export const DIMENSIONS: readonly Dimension[] = [
  {
    id: 'availability',
    title: 'Availability',
    target: '99.9\u00a0% available',
    measures: ['service status', 'response time', 'error rate'],
  },
  {
    id: 'performance',
    title: 'Performance',
    target: 'P95 latency <\u00a02\u00a0s',
    measures: ['API latency', 'token usage', 'concurrent sessions'],
  },
  {
    id: 'resources',
    title: 'Resources',
    target: 'utilisation <\u00a080\u00a0%',
    measures: ['CPU', 'memory', 'disk I/O', 'network'],
  },
  {
    id: 'security',
    title: 'Security',
    target: 'zero incidents',
    measures: ['anomalous access', 'permission violations', 'data leaks'],
  },
  {
    id: 'cost',
    title: 'Cost',
    target: 'within budget',
    measures: ['API cost', 'token cost', 'infrastructure cost'],
  },
];

const RESOURCE_TYPES = new Set(['disk', 'memory', 'cpu']);
/** The seed's latency goal (P95 < 2 s), applied to each probe's latency. */
export const LATENCY_GOAL_MS = 2000;

/** Which dimension a check reports on: host probes are resources, the sandbox is security. */
export function dimensionOfCheck(c: Pick<CheckSummary, 'name' | 'type'>): DimensionId {
  if (RESOURCE_TYPES.has(c.type)) return 'resources';
  if (/sandbox/i.test(c.name)) return 'security';
  return 'availability';
}

const rank: Record<DimStatus, number> = { healthy: 0, degraded: 1, unknown: 2, unhealthy: 3 };

function worst(list: DimStatus[]): DimStatus {
  return list.reduce<DimStatus>((w, s) => (rank[s] > rank[w] ? s : w), 'healthy');
}

export interface DimensionState {
  status: DimStatus;
  detail: string;
}

/** Rolls the latest results up into one state per dimension; unknown where there is no data. */
export function dimensionStates(
  checks: CheckSummary[] | null,
  budgets: BudgetStatus[] | null,
  security: SecurityEventView[] | null,
  now = Date.now(),
): Record<DimensionId, DimensionState> {
  const enabled = (checks ?? []).filter((c) => c.enabled);
  const of = (d: DimensionId) => enabled.filter((c) => dimensionOfCheck(c) === d);
  const statusOf = (c: CheckSummary): DimStatus => c.last?.status ?? 'unknown';
  const rollup = (list: CheckSummary[], none: string, what = 'checks'): DimensionState => {
    if (checks === null || list.length === 0) return { status: 'unknown', detail: none };
    const up = list.filter((c) => statusOf(c) === 'healthy').length;
    return { status: worst(list.map(statusOf)), detail: `${up} of ${list.length} ${what} healthy` };
  };

  const avail = of('availability');
  const timed = avail.filter((c) => c.last && c.last.status !== 'unhealthy');
  const slowest = timed.reduce<CheckSummary | null>(
    (s, c) => (!s || c.last!.latencyMs > s.last!.latencyMs ? c : s),
    null,
  );
  const performance: DimensionState = slowest
    ? {
        status: slowest.last!.latencyMs > LATENCY_GOAL_MS ? 'degraded' : 'healthy',
        detail: `slowest: ${slowest.name} ${ms(slowest.last!.latencyMs)}`,
      }
    : {
        status: 'unknown',
        // Checks that ran and failed measured no latency: say so, not "yet".
        detail: avail.some((c) => c.last)
          ? 'no availability check answered'
          : 'no latency measured yet',
      };

  const dayAgo = now - 86_400_000;
  const recent = (security ?? []).filter((e) => Date.parse(e.time) >= dayAgo);
  const sandboxChecks = of('security');
  const sandbox = rollup(sandboxChecks, 'no sandbox check', 'sandbox checks');
  const events = `${recent.length} security event${recent.length === 1 ? '' : 's'} in 24 h`;
  const security_: DimensionState =
    security === null && sandbox.status === 'unknown'
      ? { status: 'unknown', detail: 'no security data' }
      : {
          status: worst([
            recent.length > 0 ? 'unhealthy' : 'healthy',
            sandbox.status === 'unknown' ? 'healthy' : sandbox.status,
          ]),
          // The sandbox checks' share said too: a red card with "0 events" alone reads as a bug.
          detail: sandboxChecks.length > 0 ? `${events}; ${sandbox.detail}` : events,
        };

  let cost: DimensionState = { status: 'unknown', detail: 'no budget configured' };
  if (budgets && budgets.length > 0) {
    const byState = { ok: 'healthy', warning: 'degraded', exceeded: 'unhealthy' } as const;
    const top = budgets.reduce((a, b) => (b.usedRatio > a.usedRatio ? b : a));
    cost = {
      status: worst(budgets.map((b) => byState[b.state])),
      detail: `${top.name}: ${Math.round(top.usedRatio * 100)} % used`,
    };
  }

  return {
    availability: rollup(avail, 'no availability checks'),
    performance,
    resources: rollup(of('resources'), 'no host checks'),
    security: security_,
    cost,
  };
}
