/**
 * The manifest a restore reads (and `ccmon ls`, and the restore test): loaded from the sidecar or,
 * for an encrypted archive, spooled from the archive into a work folder; and the paths of it a
 * partial restore or a listing asks for, which must be in it. Apart from restore.ts so those
 * readers load neither the hooks nor the journal.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spoolEmbeddedManifest } from './archive-reader.js';
import type { PassphraseProvider } from './crypto.js';
import { livePath, within } from './destination.js';
import { RestoreError } from './extract.js';
import type { BackupSidecar } from './manifest.js';
import { openManifestRecords, type ManifestRecords } from './manifest-records.js';
import { explainReadError } from './read-problem.js';
import { restoreWorkBytes } from './backup-dir.js';
import { restoreWorkDir } from './store.js';
import type { ManifestCache } from './manifest-cache.js';

export type Manifest = ManifestRecords;

/**
 * The manifest of a restore, its file list streamed (never read into memory) from the sidecar or,
 * for an encrypted archive or one without its sidecar, from the archive's manifest.json spooled
 * into `workDir`. Not checked here: planOnWorker and the extraction check it (safety.ts).
 */
export async function loadRestoreManifest(
  archivePath: string,
  sidecar: { header: BackupSidecar | null; path: string | null },
  workDir: string,
  passphrase?: PassphraseProvider,
): Promise<Manifest> {
  if (listedBeside(sidecar.header, sidecar.path)) return openManifestRecords(sidecar.path);
  const spool = join(workDir, 'manifest.json');
  await spoolManifest(archivePath, sidecar.header, spool, passphrase);
  return openManifestRecords(spool, `${archivePath}:manifest.json`);
}

/** Whether a backup's file list is in its sidecar (at `path`): not when encrypted, nor without one. */
function listedBeside(header: BackupSidecar | null, path: string | null): path is string {
  return header !== null && !header.encrypted && path !== null;
}

/** The archive's own manifest.json, read from its end into `spool`; read errors explained. */
export async function spoolManifest(
  archivePath: string,
  header: BackupSidecar | null,
  spool: string,
  passphrase?: PassphraseProvider,
): Promise<void> {
  try {
    await spoolEmbeddedManifest(archivePath, spool, { passphrase });
  } catch (err) {
    throw await explainReadError(err as Error, archivePath, header);
  }
}

/**
 * `use` with a backup's manifest (loadRestoreManifest) and a work folder (restoreWorkDir: in the
 * backup folder, `.restore-<pid>-<what>-…`, when it has the room), removed when `use` ends; a kill
 * leaves it to the next lock-taker. `withFiles`: the backup's files are extracted into it too.
 * `manifests`: an encrypted backup's list is taken from there, and kept there (the agent).
 */
export async function withRestoreManifest<T>(
  backup: { archivePath: string; sidecar: BackupSidecar | null; manifestPath: string | null },
  backupDir: string,
  what: string,
  passphrase: PassphraseProvider | undefined,
  use: (manifest: Manifest, work: string) => Promise<T>,
  { withFiles = false, manifests }: { withFiles?: boolean; manifests?: ManifestCache | null } = {},
): Promise<T> {
  const t = backup.sidecar?.totals;
  // Without a sidecar, the archive's own size stands in for its file list's.
  const list = t
    ? restoreWorkBytes(t.files + t.dirs + t.symlinks)
    : (statSync(backup.archivePath, { throwIfNoEntry: false })?.size ?? 0);
  const work = restoreWorkDir(backupDir, what, list + (withFiles && t ? t.bytes : 0));
  try {
    if (manifests && !listedBeside(backup.sidecar, backup.manifestPath))
      return await manifests.use(backup, list, passphrase, (spool) =>
        use(openManifestRecords(spool, `${backup.archivePath}:manifest.json`), work),
      );
    const manifest = await loadRestoreManifest(
      backup.archivePath,
      { header: backup.sidecar, path: backup.manifestPath },
      work,
      passphrase,
    );
    return await use(manifest, work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A restore asked for what cannot be done (bad input, not a failure): exit 2, bad_request. */
export class RestoreInputError extends RestoreError {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreInputError';
  }
}

/** A path to restore (`--include`) that the backup does not have. */
export class NotInBackupError extends RestoreInputError {
  constructor(message: string) {
    super(message);
    this.name = 'NotInBackupError';
  }
}

/**
 * Each path chosen must be in the backup (itself, or a folder holding something): a mistyped path
 * would otherwise restore nothing and say it succeeded.
 */
export function requireInBackup(only: readonly string[], manifest: Manifest): void {
  const missing = new Set(only);
  for (const f of manifest.files((p) => only.some((o) => within(o, p)))) {
    for (const p of missing) if (within(p, f.path)) missing.delete(p);
    if (missing.size === 0) return;
  }
  throw notInBackup(manifest, [...missing]);
}

/** The error for archive paths `missing` from a backup, naming the folders it does hold. */
export function notInBackup(
  manifest: Pick<Manifest, 'id' | 'sources'>,
  missing: readonly string[],
): NotInBackupError {
  const roots = manifest.sources
    .filter((s) => s.status === 'ok')
    .map((s) => livePath(s.archivePath))
    .join(', ');
  return new NotInBackupError(
    `not in backup ${manifest.id}: ${missing.map(livePath).join(', ')} (give paths as they were backed up, below ${roots || 'its sources'})`,
  );
}
