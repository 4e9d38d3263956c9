/**
 * Retention with restic's `forget` semantics, per backup set (safety backups taken before a
 * restore form their own group, like restic's grouping by paths):
 * - keepLast n: the n newest;
 * - keepHourly/Daily/Weekly/Monthly/Yearly n: for the n most recent hours/days/ISO weeks/months/
 *   years that have backups, the newest backup of each (local time, as restic);
 * - keepWithin d: everything within d of the NEWEST backup (not of now, so a backup job that
 *   stopped running never lets retention delete the last good backups), where a backup dated in
 *   the future (a clock that was wrong when it was made) does not count as the newest, as in
 *   restic's findLatestTimestamp: one such backup would otherwise take every other one out of the
 *   window;
 * - when a bucket rule finds fewer buckets than asked, the oldest backup is kept as well
 *   (restic ≥ 0.17: "the oldest snapshot in the group is kept additionally");
 * - -1 means unlimited; a policy that keeps nothing by any rule keeps everything.
 * The seed's "30 days" is the default: keepWithin 30d.
 */
import type { RetentionPolicy } from './config.js';
import type { PruneReport, RetentionDecision } from './contract.js';
import type { BackupStore } from './store.js';

export type { RetentionDecision };

export interface RetentionCandidate {
  id: string;
  set: string;
  kind: string;
  createdAt: string;
}

/** The policy applied to a backup folder: every decision, and what goes (removed unless `dryRun`). */
export function pruneStore(
  store: BackupStore,
  policy: RetentionPolicy,
  dryRun: boolean,
): PruneReport {
  const records = store.list();
  const decisions = applyRetention(
    records.map((r) => ({
      id: r.id,
      set: r.sidecar.set,
      kind: r.sidecar.kind,
      createdAt: r.sidecar.createdAt,
    })),
    policy,
  );
  const report: PruneReport = { dryRun, decisions, removed: [], freedBytes: 0 };
  const byId = new Map(records.map((r) => [r.id, r]));
  for (const d of decisions) {
    if (d.keep) continue;
    const rec = byId.get(d.id)!;
    report.freedBytes += rec.sidecar.archive.sizeBytes;
    if (!dryRun) store.remove(rec);
    report.removed.push(d.id);
  }
  return report;
}

type Bucket = 'keepHourly' | 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly';
const BUCKETS: [Bucket, string, (d: Date) => string][] = [
  [
    'keepHourly',
    'hourly',
    (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}-${d.getHours()}`,
  ],
  ['keepDaily', 'daily', (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`],
  ['keepWeekly', 'weekly', isoWeek],
  ['keepMonthly', 'monthly', (d) => `${d.getFullYear()}-${d.getMonth()}`],
  ['keepYearly', 'yearly', (d) => `${d.getFullYear()}`],
];

export function applyRetention(
  backups: RetentionCandidate[],
  policy: RetentionPolicy,
  now: Date = new Date(),
): RetentionDecision[] {
  const groups = new Map<string, RetentionCandidate[]>();
  for (const b of backups) {
    const key = b.kind === 'safety' ? `${b.set}\0safety` : b.set;
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const empty =
    policy.keepLast === 0 && BUCKETS.every(([k]) => policy[k] === 0) && !policy.keepWithin;
  const out: RetentionDecision[] = [];
  for (const list of groups.values()) {
    const sorted = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const decisions = sorted.map((b) => ({
      id: b.id,
      set: b.set,
      createdAt: b.createdAt,
      keep: empty,
      reasons: empty ? ['no retention policy'] : [],
    }));
    if (!empty) {
      decisions.forEach((d, i) => {
        if (policy.keepLast === -1 || i < policy.keepLast) d.reasons.push('last snapshot');
      });
      for (const [key, label, bucketOf] of BUCKETS) {
        let left = policy[key];
        let last: string | null = null;
        for (const d of decisions) {
          if (left === 0) break;
          const b = bucketOf(new Date(d.createdAt));
          if (b === last) continue;
          last = b;
          d.reasons.push(`${label} snapshot`);
          if (left > 0) left--;
        }
        const oldest = decisions[decisions.length - 1];
        if (left > 0 && oldest && !oldest.reasons.includes(`${label} snapshot`))
          oldest.reasons.push(`oldest ${label} snapshot`);
      }
      const newest = decisions.find((d) => Date.parse(d.createdAt) <= now.getTime());
      if (policy.keepWithin && decisions.length) {
        // Only backups from the future: restic measures from the zero time, keeping them all.
        const limit = newest
          ? subtract(new Date(newest.createdAt), policy.keepWithin).getTime()
          : -Infinity;
        for (const d of decisions)
          if (Date.parse(d.createdAt) >= limit) d.reasons.push(`within ${policy.keepWithin}`);
      }
      for (const d of decisions) d.keep = d.reasons.length > 0;
    }
    out.push(...decisions);
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** restic's duration: any of NNy NNm NNd NNh (m = months), subtracted calendar-wise. */
export function subtract(from: Date, duration: string): Date {
  const d = new Date(from);
  for (const [, n, unit] of duration.matchAll(/(\d+)([hdwmy])/g)) {
    const v = Number(n);
    if (unit === 'y') d.setFullYear(d.getFullYear() - v);
    else if (unit === 'm') d.setMonth(d.getMonth() - v);
    else if (unit === 'w') d.setDate(d.getDate() - 7 * v);
    else if (unit === 'd') d.setDate(d.getDate() - v);
    else d.setHours(d.getHours() - v);
  }
  return d;
}

/** ISO 8601 week, as Go's Time.ISOWeek (restic's weekly bucket). */
function isoWeek(d: Date): string {
  const t = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const day = (t.getDay() + 6) % 7; // Monday = 0
  t.setDate(t.getDate() - day + 3); // Thursday of this week decides the year
  const firstThursday = new Date(t.getFullYear(), 0, 4);
  const week =
    1 +
    Math.round(
      ((t.getTime() - firstThursday.getTime()) / 864e5 - 3 + ((firstThursday.getDay() + 6) % 7)) /
        7,
    );
  return `${t.getFullYear()}-W${week}`;
}
