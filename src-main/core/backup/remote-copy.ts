/**
 * The copy of a finished backup to the remote store (remote.ts), with the catch-up of earlier
 * backups whose copy had failed, and the outcome kept for the exporter (metrics.ts). A failed copy
 * never fails the backup: the archive is complete in the backup folder, and the copy is retried
 * with the next backup of the set.
 */
import { basename } from 'node:path';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import type { BackupMetricsState } from './metrics.js';
import type { RemoteStore } from './remote.js';
import type { BackupRecord, BackupStore } from './store.js';

export interface RemoteCopyResult {
  location: string;
  ok: boolean;
  message: string;
}

/** Copies `record` (sidecar, then archive) and what the set missed; records the outcome. */
export async function copyToRemote(
  remote: RemoteStore,
  backups: BackupStore,
  record: BackupRecord,
  metrics: BackupMetricsState,
  onProgress?: (p: ProgressUpdate) => void,
): Promise<RemoteCopyResult> {
  const set = record.sidecar.set;
  let result: RemoteCopyResult;
  try {
    const { files, bytes } = record.sidecar.totals;
    onProgress?.({ phase: `copying to ${remote.location}`, files, bytes });
    await remote.upload(record.manifestPath);
    await remote.upload(record.archivePath);
    const caughtUp = await copyMissed(remote, backups, set, record.id);
    result = {
      location: remote.location,
      ok: true,
      message:
        `copied to ${remote.location}` +
        (caughtUp.length
          ? `, with ${caughtUp.length} earlier backup(s) whose copy had failed (${caughtUp.join(', ')})`
          : ''),
    };
  } catch (err) {
    result = {
      location: remote.location,
      ok: false,
      message: `copy to ${remote.location} failed: ${(err as Error).message}`,
    };
  }
  const copies = (metrics.remoteCopies ??= new Map());
  copies.set(set, {
    ok: result.ok,
    lastSuccessSeconds: result.ok
      ? Date.now() / 1000
      : (copies.get(set)?.lastSuccessSeconds ?? null),
  });
  return result;
}

/**
 * After a copy that worked, copies the set's backups made since its last copy that did (their
 * copies failed: an S3 outage), which otherwise stayed missing from the remote for good. Only
 * those newer than the newest one the remote has: older ones missing there were removed by the
 * bucket's lifecycle rules, and must not come back. Returns their ids.
 */
async function copyMissed(
  remote: RemoteStore,
  backups: BackupStore,
  set: string,
  just: string,
): Promise<string[]> {
  const there = new Set((await remote.list()).map((o) => basename(o.key)));
  const missed = [];
  for (const b of backups.list()) {
    // Newest first (store.ts); safety backups are never copied.
    if (b.sidecar.set !== set || b.sidecar.kind === 'safety' || b.id === just) continue;
    if (there.has(basename(b.archivePath))) break;
    missed.push(b);
  }
  for (const b of missed.reverse()) {
    await remote.upload(b.manifestPath);
    await remote.upload(b.archivePath);
  }
  return missed.map((b) => b.id);
}
