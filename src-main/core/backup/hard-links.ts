/**
 * Hard links again after a restore. A backup archives every link of a file whole (any tar can
 * extract it) and marks each later one with `hardlinkTo`, the path of the first (archive-writer.ts);
 * once a restore has put every file in place, each marked file becomes a link of its first again,
 * as GNU tar and restic restore them. Only between two files this restore wrote, with the same
 * bytes: a link whose first was left out (a partial restore), or changed between its links' reads,
 * stays a file of its own, as it was restored.
 */
import { linkSync, renameSync, rmSync } from 'node:fs';
import type { ManifestFile } from './manifest.js';

/** What relinkHardLinks did: links made, and those left as files with the first reason why. */
export interface Relinked {
  linked: number;
  failed: number;
  /** The first failure's message (another file system, one without hard links, …), or null. */
  firstError: string | null;
}

/**
 * Links each file of `files` marked with a `hardlinkTo` among `firsts` to that file, replacing it
 * whole (a link under a temporary name, then a rename). Every file is already restored whole: a
 * link that cannot be made (the two on different file systems now, a FAT or exFAT target, too many
 * links) leaves it so, and is counted, never thrown: the restore itself has succeeded.
 */
export function relinkHardLinks(
  files: Iterable<ManifestFile>,
  firsts: ReadonlySet<string>,
  destinationOf: (path: string) => string | null,
  tempOf: (dest: string) => string,
): Relinked {
  const written = new Map<string, { dest: string; sha256: string | null }>();
  const r: Relinked = { linked: 0, failed: 0, firstError: null };
  for (const f of files) {
    if (f.type !== 'file') continue;
    const dest = destinationOf(f.path);
    if (dest === null) continue;
    if (firsts.has(f.path)) written.set(f.path, { dest, sha256: f.sha256 });
    // The first comes before its links in a ccmon archive; a list that says otherwise links nothing.
    const first = f.hardlinkTo === undefined ? undefined : written.get(f.hardlinkTo);
    if (!first || first.sha256 !== f.sha256 || first.dest === dest) continue;
    const temp = tempOf(dest);
    try {
      rmSync(temp, { force: true });
      linkSync(first.dest, temp);
      renameSync(temp, dest);
      r.linked++;
    } catch (err) {
      rmSync(temp, { force: true });
      r.failed++;
      r.firstError ??= `${dest}: ${(err as Error).message}`;
    }
  }
  return r;
}
