import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import {
  registerBackupMetrics,
  type BackupMetricsState,
} from '../../../../src-main/core/backup/metrics.js';
import { lastSuccesses, type BackupRecord } from '../../../../src-main/core/backup/store.js';

/** A listed backup as BackupStore#list gives it: only what the exporter reads is filled in. */
const record = (set: string, kind: string, finishedAt: string, sizeBytes: number) =>
  ({
    id: `${set}-${finishedAt}`,
    archivePath: `/b/${set}.tar.zst`,
    manifestPath: `/b/${set}.manifest.json`,
    sidecar: { set, kind, finishedAt, durationSeconds: sizeBytes / 1000, archive: { sizeBytes } },
  }) as unknown as BackupRecord;

describe('backup metrics from the backups on disk', () => {
  it("exports each set's newest backup, never a safety backup's", async () => {
    // Newest first, as BackupStore#list: the safety backup is the newest of all.
    const lastSuccess = lastSuccesses([
      record('app', 'safety', '2026-11-03T00:00:00.000Z', 9000),
      record('app', 'scheduled', '2026-11-02T00:00:00.000Z', 2000),
      record('db', 'manual', '2026-11-01T12:00:00.000Z', 3000),
      record('app', 'scheduled', '2026-11-01T00:00:00.000Z', 1000),
    ]);
    const state: BackupMetricsState = { lastSuccess, restoreTests: new Map() };
    const registry = new Registry();
    registerBackupMetrics(registry, state);
    const text = await registry.metrics();
    const value = (name: string, set: string) =>
      Number(new RegExp(`^${name}\\{set="${set}"\\} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.equal(
      value('ccmon_backup_last_success_timestamp_seconds', 'app'),
      Date.parse('2026-11-02T00:00:00.000Z') / 1000,
    );
    assert.equal(value('ccmon_backup_size_bytes', 'app'), 2000);
    assert.equal(value('ccmon_backup_duration_seconds', 'app'), 2);
    assert.equal(value('ccmon_backup_size_bytes', 'db'), 3000);
    assert.deepEqual([...state.lastSuccess.keys()].sort(), ['app', 'db']);
  });
});
