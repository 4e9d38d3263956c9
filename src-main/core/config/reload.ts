/**
 * Apply a new, already validated config to the running engine, like Prometheus's /-/reload: only the
 * sections that changed are rebuilt, the series store, history and HTTP server stay, and a reload
 * that fails leaves the old engine running. Rules reload in place (their alert state carries over:
 * Prometheus's Group.CopyState); checks and scrape targets are rebuilt in their slots; a change of
 * nothing but schedules re-registers those jobs (config/schedules.ts); alert routing and receivers
 * are swapped as Alertmanager's /-/reload does (alerts/notifier.ts reload); backup sets and report
 * schedules are added, removed (their jobs unregistered) and changed in place (backup/module.ts and
 * reports/module.ts reload). Sections that are wired once at start
 * (dashboard, exporter, store, the backup folder, …) are written and reported as taking effect at
 * the next start.
 */
import type { AlertsModule } from '../alerts/module.js';
import type { BackupModule } from '../backup/module.js';
import type { ReportsModule } from '../reports/module.js';
import type { ChecksModule } from '../checks/module.js';
import type { RulesModule } from '../rules/module.js';
import type { ScrapeModule } from '../scrape/module.js';
import type { ScrapeTarget } from '../scrape/target.js';
import type { SeriesAppender } from '../tsdb/types.js';
import { CONFIG_SECTIONS, type ConfigSection } from './contract.js';
import type { AppliedConfig } from './module.js';
import type { CcmonConfig } from './schema.js';
import type { ModuleSlot } from './slots.js';
import {
  copySchedules,
  SCHEDULED_SECTIONS,
  scheduleChanges,
  type ScheduleRecorder,
  type ScheduledSection,
} from './schedules.js';

export interface ReloadTargets {
  /** Alert routing, receivers, inhibit rules, push/pull targets: swapped like Alertmanager's /-/reload. */
  alerts: Pick<AlertsModule, 'reload'>;
  checks: ModuleSlot<ChecksModule, CcmonConfig['checks']>;
  scrape: ModuleSlot<ScrapeModule, CcmonConfig['scrape']>;
  rules: RulesModule;
  /** The object the rule manager reads its settings from (updated in place, restored on failure). */
  rulesConfig: CcmonConfig['rules'];
  /** Jobs registered by backup, maintenance and reports, for schedule-only changes. */
  schedules: ScheduleRecorder;
  /** The section objects those modules read (their schedules are updated in place). */
  scheduled: Pick<CcmonConfig, ScheduledSection>;
  /** The store, to mark the series of removed checks stale. */
  appender: SeriesAppender;
  /** Backup sets reload whole (added, removed, changed sets); without it, schedules only. */
  backup?: Pick<BackupModule, 'reload'>;
  /** Report schedules reload whole (added, removed, changed); without it, schedules only. */
  reports?: Pick<ReportsModule, 'reload'>;
}

const LIVE: ReadonlySet<ConfigSection> = new Set([
  'checks',
  'scrape',
  'rules',
  'alerts',
  ...SCHEDULED_SECTIONS,
]);

/** Sections whose value differs between two configs. */
export function changedSections(a: CcmonConfig, b: CcmonConfig): ConfigSection[] {
  return CONFIG_SECTIONS.filter((s) => JSON.stringify(a[s]) !== JSON.stringify(b[s]));
}

export async function reloadEngine(
  previous: CcmonConfig,
  next: CcmonConfig,
  t: ReloadTargets,
): Promise<AppliedConfig> {
  const changed = changedSections(previous, next);
  const applied: ConfigSection[] = [];
  const restartRequired = changed.filter((s) => !LIVE.has(s));

  // Rules first: they are the part that can still refuse (a rule file that does not parse).
  const rulesBefore = { ...t.rulesConfig };
  if (changed.includes('rules')) {
    if (previous.rules.enabled !== next.rules.enabled) restartRequired.push('rules');
    else {
      Object.assign(t.rulesConfig, next.rules);
      const result = await t.rules.manager.load();
      if (!result.ok) {
        Object.assign(t.rulesConfig, rulesBefore);
        throw new Error(`rules: ${result.errors.join('; ')}`);
      }
      applied.push('rules');
    }
  }
  try {
    if (changed.includes('alerts')) {
      await t.alerts.reload(next.alerts);
      applied.push('alerts');
    }
    if (changed.includes('checks')) {
      await t.checks.rebuild(next.checks);
      markRemovedChecksStale(previous, next, t.appender);
      applied.push('checks');
    }
    if (changed.includes('scrape')) {
      const before = t.scrape.current.targets();
      await t.scrape.rebuild(next.scrape);
      // Prometheus marks a removed target's series stale, so `up` and the rest vanish at once
      // instead of lingering for the 5 m lookback (and keeping an `up == 0` alert firing).
      const kept = new Set(t.scrape.current.targets().map(targetKey));
      for (const old of before) if (!kept.has(targetKey(old))) markTargetStale(old, t.appender);
      applied.push('scrape');
    }
    for (const section of SCHEDULED_SECTIONS) {
      if (!changed.includes(section)) continue;
      const whole = wholeReload(section, next, t);
      if (whole) {
        (whole.restartRequired.length ? restartRequired : applied).push(section);
        continue;
      }
      const jobs = scheduleChanges(section, previous, next);
      if (!jobs || ![...jobs.keys()].every((id) => t.schedules.has(id))) {
        restartRequired.push(section);
        continue;
      }
      for (const [id, cron] of jobs) t.schedules.reschedule(id, cron);
      copySchedules(section, t.scheduled, next);
      applied.push(section);
    }
  } catch (err) {
    // Put back what this reload already changed, so the engine runs one config, not half of two.
    for (const section of SCHEDULED_SECTIONS) {
      // A section reloaded whole is put back whole; the others get their old schedules.
      if (!applied.includes(section) || wholeReload(section, previous, t)) continue;
      for (const [id, cron] of scheduleChanges(section, next, previous) ?? [])
        t.schedules.reschedule(id, cron);
      copySchedules(section, t.scheduled, previous);
    }
    if (applied.includes('scrape')) await t.scrape.rebuild(previous.scrape).catch(() => undefined);
    if (applied.includes('checks')) await t.checks.rebuild(previous.checks).catch(() => undefined);
    if (applied.includes('alerts')) await t.alerts.reload(previous.alerts).catch(() => undefined);
    if (applied.includes('rules')) {
      Object.assign(t.rulesConfig, rulesBefore);
      await t.rules.manager.load().catch(() => undefined);
    }
    throw err;
  }
  return { applied, restartRequired };
}

/** Backup and reports reload their section whole when their module is given; null otherwise. */
function wholeReload(
  section: ScheduledSection,
  config: CcmonConfig,
  t: ReloadTargets,
): { restartRequired: string[] } | null {
  if (section === 'backup' && t.backup) return t.backup.reload(config.backup);
  if (section === 'reports' && t.reports) return t.reports.reload(config.reports);
  return null;
}

const targetKey = (t: ScrapeTarget) => `${t.spec.url.href} ${JSON.stringify(t.spec.labels)}`;

/** The target's own series and its report series (up, scrape_*), which markAllStale leaves. */
function markTargetStale(target: ScrapeTarget, appender: SeriesAppender): void {
  target.markAllStale();
  const now = Date.now();
  for (const name of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'])
    try {
      appender.markStale({ ...target.spec.labels, __name__: name }, now);
    } catch {
      // never stored
    }
}

/** A check that is gone (or renamed) leaves no ccmon_check_up behind to alert on. */
function markRemovedChecksStale(
  previous: CcmonConfig,
  next: CcmonConfig,
  appender: SeriesAppender,
): void {
  const now = Date.now();
  const still = new Map(next.checks.probes.map((c) => [c.name, JSON.stringify(c.labels)]));
  for (const c of previous.checks.probes) {
    if (still.get(c.name) === JSON.stringify(c.labels)) continue;
    for (const name of ['ccmon_check_up', 'ccmon_check_duration_seconds'])
      try {
        appender.markStale({ __name__: name, check: c.name, ...c.labels }, now);
      } catch {
        // a series the store never held
      }
  }
}
