/**
 * The overall status: the worst enabled check, and 'unknown' rather than green whenever a check has
 * no result yet or its result is too old to trust (the agent was busy, the laptop slept).
 */
import type { CheckResult, CheckStatus } from '../checks/types.js';
import { STATUS_RANK } from '../checks/types.js';
import type { StatusSnapshot } from './contract.js';

export interface CheckRef {
  name: string;
  enabled: boolean;
  interval: number;
  timeout: number;
}

/** A result is stale after two missed intervals plus its timeout (Prometheus-style lookback slack). */
export function isStale(
  result: CheckResult,
  check: CheckRef,
  now: number,
  resumedAt: number | null,
): boolean {
  const at = Date.parse(result.at);
  if (resumedAt !== null && at < resumedAt) return true;
  // From the future: the wall clock was set back since (NTP). Its age cannot be told, so it does
  // not count as fresh; the next run (the cadence is monotonic) brings a fresh one.
  if (at - now > 1000) return true;
  return now - at > 2 * check.interval + check.timeout + 1000;
}

export function computeOverall(
  checks: CheckRef[],
  latest: Map<string, CheckResult>,
  now: number,
  resumedAt: number | null = null,
): StatusSnapshot {
  const enabled = checks.filter((c) => c.enabled);
  if (enabled.length === 0)
    return { overall: 'unknown', updatedAt: null, summary: 'no checks are enabled' };
  const effective: { name: string; status: CheckStatus; message: string }[] = [];
  let newest: number | null = null;
  const waiting: string[] = [];
  const stale: string[] = [];
  for (const c of enabled) {
    const r = latest.get(c.name);
    if (!r) {
      waiting.push(c.name);
      continue;
    }
    const at = Date.parse(r.at);
    newest = newest === null ? at : Math.max(newest, at);
    if (isStale(r, c, now, resumedAt)) stale.push(c.name);
    else effective.push({ name: c.name, status: r.status, message: r.message });
  }
  const statuses = [
    ...effective.map((e) => e.status),
    ...(waiting.length || stale.length ? (['unknown'] as const) : []),
  ];
  let overall: CheckStatus = 'healthy';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[overall]) overall = s;

  const bad = effective
    .filter((e) => e.status !== 'healthy')
    .sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status]);
  const parts: string[] = [];
  for (const b of bad.slice(0, 3)) parts.push(`${b.name} ${b.status}: ${b.message}`);
  if (bad.length > 3) parts.push(`and ${bad.length - 3} more`);
  if (stale.length)
    parts.push(
      `no fresh result from ${stale.join(', ')}${resumedAt !== null ? ' (resumed after sleep)' : ''}`,
    );
  if (waiting.length) parts.push(`waiting for the first result of ${waiting.join(', ')}`);
  const summary = parts.length ? parts.join('; ') : `all ${enabled.length} checks healthy`;
  return { overall, updatedAt: newest === null ? null : new Date(newest).toISOString(), summary };
}
