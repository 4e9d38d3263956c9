/**
 * One folder of a backup, as a file browser shows it (the dashboard's restore panel): the entries
 * directly in it, with the paths they were backed up from, which is what a restore's `include`
 * takes. The top of a backup is its sources' folders. The manifest is streamed, never held.
 */
import type { BackupFolder, BackupFolderEntry } from './contract.js';
import { livePath } from './destination.js';
import type { ManifestFile } from './manifest.js';
import type { Manifest } from './restore-manifest.js';
import { notInBackup } from './restore-manifest.js';

/** Entries listed of one folder at most; the rest is counted. */
export const FOLDER_LIMIT = 1000;

/**
 * The entries directly in `folder` (an archive path; null: the backup's top), folders first, then
 * by name. A folder the backup does not have is a NotInBackupError naming the ones it has.
 */
export function listFolder(
  manifest: Manifest,
  folder: string | null,
  limit = FOLDER_LIMIT,
): BackupFolder {
  const tops = new Set(
    manifest.sources
      .filter((s) => s.kind === 'directory' || s.kind === 'ccmon')
      .map((s) => s.archivePath.replace(/\/+$/, '')),
  );
  const inFolder =
    folder === null
      ? (f: ManifestFile) => tops.has(f.path)
      : (f: ManifestFile) => f.path.lastIndexOf('/') === folder.length && f.path.startsWith(folder);
  let found = folder === null;
  let total = 0;
  const entries: BackupFolderEntry[] = [];
  for (const f of manifest.files()) {
    if (f.path === folder) found = f.type === 'dir';
    if (!inFolder(f)) continue;
    total++;
    if (entries.length < limit)
      entries.push({
        path: livePath(f.path),
        name: folder === null ? livePath(f.path) : f.path.slice(folder.length + 1),
        type: f.type,
        size: f.size,
        mtime: f.mtime,
      });
  }
  if (!found && total === 0) throw notInBackup(manifest, [folder!]);
  entries.sort((a, b) =>
    a.type === 'dir' && b.type !== 'dir'
      ? -1
      : b.type === 'dir' && a.type !== 'dir'
        ? 1
        : a.name.localeCompare(b.name),
  );
  return {
    id: manifest.id,
    path: folder === null ? null : livePath(folder),
    entries,
    total,
  };
}
