/** ccmon_check_up / ccmon_check_duration_seconds, computed at scrape time from the latest results. */
import type { Registry } from 'prom-client';
import type { CheckResult } from '../checks/types.js';
import { LabelSets, registerComputedMetric, type ComputedValue } from './computed.js';

export function registerCheckMetrics(
  registry: Registry,
  latest: () => Map<string, CheckResult>,
): void {
  const labels = new LabelSets<string>();
  /** One pass over the latest results per metric; label sets of removed checks are let go. */
  const values = (value: (r: CheckResult) => number): ComputedValue[] => {
    const results = latest();
    const out: ComputedValue[] = [];
    for (const r of results.values())
      out.push({ labels: labels.get(r.name, () => ({ check: r.name })), value: value(r) });
    if (labels.size > results.size) labels.retain(new Set(results.keys()));
    return out;
  };
  registerComputedMetric({
    name: 'ccmon_check_up',
    help: 'Whether the check passed on its last run (1) or failed (0); degraded counts as passed',
    type: 'gauge',
    registry,
    compute: () => values((r) => (r.consecutiveFailures > 0 ? 0 : 1)),
  });
  registerComputedMetric({
    name: 'ccmon_check_duration_seconds',
    help: 'How long the check took on its last run',
    type: 'gauge',
    registry,
    compute: () => values((r) => r.latencyMs / 1000),
  });
}
