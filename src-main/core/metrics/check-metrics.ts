/** ccmon_check_up / ccmon_check_duration_seconds, computed at scrape time from the latest results. */
import type { Registry } from 'prom-client';
import type { CheckResult } from '../checks/types.js';
import { LabelSets, registerComputedMetric, type ComputedValue } from './computed.js';

export function registerCheckMetrics(
  registry: Registry,
  latest: () => Map<string, CheckResult>,
): void {
  const labels = new LabelSets<string>();
  /** Per metric, one value object per check, updated in place each scrape (no garbage per check). */
  const slots = (): Map<string, ComputedValue> => new Map();
  const values = (
    own: Map<string, ComputedValue>,
    value: (r: CheckResult) => number,
  ): ComputedValue[] => {
    const results = latest();
    const out: ComputedValue[] = [];
    for (const r of results.values()) {
      let slot = own.get(r.name);
      if (!slot)
        own.set(
          r.name,
          (slot = { labels: labels.get(r.name, () => ({ check: r.name })), value: 0 }),
        );
      slot.value = value(r);
      out.push(slot);
    }
    // A check removed from the config: let its label set and slots go.
    if (own.size > results.size) {
      for (const name of own.keys()) if (!results.has(name)) own.delete(name);
      labels.retain(new Set(results.keys()));
    }
    return out;
  };
  const up = slots();
  const duration = slots();
  registerComputedMetric({
    name: 'ccmon_check_up',
    help: 'Whether the check passed on its last run (1) or failed (0); degraded counts as passed',
    type: 'gauge',
    registry,
    compute: () => values(up, (r) => (r.consecutiveFailures > 0 ? 0 : 1)),
  });
  registerComputedMetric({
    name: 'ccmon_check_duration_seconds',
    help: 'How long the check took on its last run',
    type: 'gauge',
    registry,
    compute: () => values(duration, (r) => r.latencyMs / 1000),
  });
}
