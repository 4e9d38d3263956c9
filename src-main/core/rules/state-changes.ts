/**
 * The alert state changes of one group evaluation (for the `rules.state` event): the state of
 * every alert before and after, and the alerts whose state differs.
 */
import { AlertingRule, type Alert } from './alerting-rule.js';
import type { RuleStateChange } from './contract.js';
import type { RuleGroup } from './group.js';

export type Snapshot = Map<
  string,
  { state: Alert['state']; labels: Record<string, string>; value: number }
>;

/** Every alert of the group with its state, labels and value. */
export function snapshot(g: RuleGroup): Snapshot {
  const out: Snapshot = new Map();
  for (const r of g.rules)
    if (r instanceof AlertingRule)
      for (const [k, a] of r.active)
        out.set(`${r.name}\0${k}`, { state: a.state, labels: a.labels, value: a.value });
  return out;
}

/** The alerts whose state changed between two snapshots taken around an evaluation at ts. */
export function diff(
  g: RuleGroup,
  before: Snapshot,
  after: Snapshot,
  ts: number,
): RuleStateChange[] {
  const at = new Date(ts).toISOString();
  const out: RuleStateChange[] = [];
  for (const [k, a] of after) {
    const from = before.get(k)?.state ?? 'inactive';
    if (from !== a.state)
      out.push({
        group: g.name,
        rule: k.split('\0')[0]!,
        labels: a.labels,
        from,
        to: a.state,
        value: a.value,
        at,
      });
  }
  for (const [k, b] of before)
    if (!after.has(k) && b.state !== 'inactive')
      out.push({
        group: g.name,
        rule: k.split('\0')[0]!,
        labels: b.labels,
        from: b.state,
        to: 'inactive',
        value: b.value,
        at,
      });
  return out;
}
