/**
 * What the exporter says about backups, per set (for the backup-stale alert): the last successful
 * backup's time, duration and archive size, and the last restore test's outcome. Values are read
 * at scrape time from the latest results (STYLE: computed in collect(), not pushed by timers).
 * A configured set that never had a successful backup exports its last success as 0, so
 * BackupStale can see it (an absent series matches no rule), and counts from when it was
 * configured; it has no duration or size.
 */
import { Gauge, type Registry } from 'prom-client';
import type { LastSuccess } from './store.js';

export interface BackupMetricsState {
  lastSuccess: Map<string, LastSuccess>;
  restoreTests: Map<string, { timestampSeconds: number; ok: boolean }>;
  /** The last copy to S3 of each set's backup: whether it worked, and when one last did. */
  remoteCopies?: Map<string, { ok: boolean; lastSuccessSeconds: number | null }>;
  /** Since when each configured set has been in the config (kept across restarts: module.ts). */
  configuredSince?: Map<string, number>;
}

export function registerBackupMetrics(
  registry: Registry,
  state: BackupMetricsState,
  configuredSets: () => Iterable<string> = () => [],
): void {
  const each = (
    g: Gauge<'set'>,
    pick: (s: string) => number | null,
    sets: () => Iterable<string>,
  ) => {
    g.reset();
    for (const set of sets()) {
      const v = pick(set);
      if (v !== null) g.set({ set }, v);
    }
  };
  /** 1 for a run that worked, 0 for one that failed, nothing before the first. */
  const outcome = (r: { ok: boolean } | undefined) => (r ? (r.ok ? 1 : 0) : null);
  const success = () => state.lastSuccess.keys();
  const successOrConfigured = () => new Set([...state.lastSuccess.keys(), ...configuredSets()]);
  const tests = () => state.restoreTests.keys();
  new Gauge({
    name: 'ccmon_backup_last_success_timestamp_seconds',
    help: 'Unix time of the last successful backup of the set; 0 for a configured set that never had one.',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(this, (s) => state.lastSuccess.get(s)?.timestampSeconds ?? 0, successOrConfigured);
    },
  });
  new Gauge({
    name: 'ccmon_backup_duration_seconds',
    help: 'How long the last successful backup of the set took.',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(this, (s) => state.lastSuccess.get(s)?.durationSeconds ?? null, success);
    },
  });
  new Gauge({
    name: 'ccmon_backup_size_bytes',
    help: 'Size of the last successful backup archive of the set.',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(this, (s) => state.lastSuccess.get(s)?.sizeBytes ?? null, success);
    },
  });
  new Gauge({
    name: 'ccmon_backup_restore_test_success',
    help: '1 when the last scheduled restore test of the set passed, 0 when it failed.',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(this, (s) => outcome(state.restoreTests.get(s)), tests);
    },
  });
  // A failed copy leaves the local backup a success (its gauge moves): these tell an S3 outage.
  const copies = () => state.remoteCopies?.keys() ?? [];
  new Gauge({
    name: 'ccmon_backup_remote_copy_success',
    help: '1 when the last backup of the set was copied to S3, 0 when its copy failed.',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(this, (s) => outcome(state.remoteCopies?.get(s)), copies);
    },
  });
  new Gauge({
    name: 'ccmon_backup_remote_copy_last_success_timestamp_seconds',
    help: 'Unix time of the last successful copy of a backup of the set to S3; 0 for none yet.',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(this, (s) => state.remoteCopies?.get(s)?.lastSuccessSeconds ?? 0, copies);
    },
  });
  // With a last success of 0, how long a set has gone without one: the never-succeeded BackupStale.
  new Gauge({
    name: 'ccmon_backup_set_configured_timestamp_seconds',
    help: 'Unix time since when the set has been in the config (kept across restarts of ccmon).',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(
        this,
        (s) => state.configuredSince?.get(s) ?? null,
        () => state.configuredSince?.keys() ?? [],
      );
    },
  });
  new Gauge({
    name: 'ccmon_backup_restore_test_timestamp_seconds',
    help: 'Unix time of the last restore test of the set.',
    labelNames: ['set'],
    registers: [registry],
    collect() {
      each(this, (s) => state.restoreTests.get(s)?.timestampSeconds ?? null, tests);
    },
  });
}
