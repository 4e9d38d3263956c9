/**
 * What a backup holds, as its listings show it: every entry below a path (`ccmon ls`), and one
 * folder as a file browser shows it (the dashboard's restore panel), with the paths the entries
 * were backed up from, which is what a restore's `include` takes. The top of a backup is its
 * sources' folders. The manifest is streamed, never held.
 */
import type { ComparedList } from './compare.js';
import type { BackupFolder, BackupFolderEntry } from './contract.js';
import { livePath, within } from './destination.js';
import type { ManifestFile } from './manifest.js';
import type { Manifest } from './restore-manifest.js';
import { notInBackup } from './restore-manifest.js';
import { restoredArchiveRoots } from './safety.js';

/**
 * Hands `each` the entries at or below archive path `below` (null: all of them), in archive order;
 * a path the backup does not have is a NotInBackupError naming the folders it has.
 */
export async function eachEntryBelow(
  manifest: Manifest,
  below: string | null,
  each: (f: ManifestFile) => Promise<void> | void,
): Promise<{ id: string; matched: number }> {
  let matched = 0;
  for (const f of manifest.files(below === null ? undefined : (p) => within(below, p))) {
    matched++;
    await each(f);
  }
  if (below !== null && matched === 0) throw notInBackup(manifest, [below]);
  return { id: manifest.id, matched };
}

/** Entries listed of one folder at most; the rest is counted. */
export const FOLDER_LIMIT = 1000;

/**
 * The entries directly in `folder` (an archive path; null: the backup's top), `limit` of them from
 * `offset` on in the backup's order (ccmon's walk sorts names), each page folders first, then by
 * name; with `match`, only those whose name holds it (in any case). A folder the backup does not
 * have is a NotInBackupError naming the ones it has.
 */
export function listFolder(
  manifest: ComparedList,
  folder: string | null,
  {
    limit = FOLDER_LIMIT,
    match,
    offset = 0,
  }: { limit?: number; match?: string; offset?: number } = {},
): BackupFolder {
  const needle = match?.toLowerCase() ?? '';
  const tops = new Set(restoredArchiveRoots(manifest.sources));
  const inFolder =
    folder === null
      ? (path: string) => tops.has(path)
      : (path: string) => path.lastIndexOf('/') === folder.length && path.startsWith(folder);
  let found = folder === null;
  let inside = 0; // in the folder at all: a folder with no match is still there
  let total = 0;
  const entries: BackupFolderEntry[] = [];
  for (const f of manifest.files((p) => p === folder || inFolder(p))) {
    if (f.path === folder) found = f.type === 'dir';
    if (!inFolder(f.path)) continue;
    inside++;
    const name = folder === null ? livePath(f.path) : f.path.slice(folder.length + 1);
    if (needle && !name.toLowerCase().includes(needle)) continue;
    if (total++ >= offset && entries.length < limit) {
      const e: BackupFolderEntry = {
        path: livePath(f.path),
        name,
        type: f.type,
        size: f.size,
        mtime: f.mtime,
      };
      if (f.hardlinkTo !== undefined) e.hardlinkTo = livePath(f.hardlinkTo);
      entries.push(e);
    }
  }
  if (!found && inside === 0) throw notInBackup(manifest, [folder!]);
  const rank = (e: BackupFolderEntry) => (e.type === 'dir' ? 0 : 1);
  entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  return {
    id: manifest.id,
    path: folder === null ? null : livePath(folder),
    entries,
    offset,
    limit,
    total,
  };
}
