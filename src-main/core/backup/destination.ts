/**
 * Where a restored archive entry goes. Apart from restore.ts so the extraction worker loads only
 * this, not the whole restore (hooks, journal, safety backups).
 */
import { basename, join, sep } from 'node:path';
import { DUMP_PREFIX, FS_PREFIX, type ManifestFile } from './manifest.js';

/** Temporary files of an extraction: `<dest>.ccmon-restore-<suffix>` (extract.ts, journal.ts). */
export const RESTORE_TEMP_INFIX = '.ccmon-restore-';

/** What join() would change in a relative path: empty, `.` or `..` segments, a leading or trailing slash. */
const NOT_NORMAL = /\/\/|(^|\/)\.\.?(\/|$)|^\/|\/$/;

/**
 * Where an archive entry goes: `fs/etc/x` → `/etc/x` in place, `<to>/etc/x` elsewhere; null for
 * an entry that is not restored. With `only` (archive paths: a restore of part of a backup), what
 * is restored is each of those entries with all it holds, and the folders above it (made as the
 * backup has them, like the members `tar -x` is given).
 */
export function destinationMapper(
  to: string | null,
  dumpDir: string | null,
  only: readonly string[] | null = null,
): (path: string) => string | null {
  // path.join per entry was ~0.5 s of a 300,000-file restore: a path already in normal form (as
  // ccmon writes them) is appended as it is, which is what join would return.
  const toPrefix = to && sep === '/' ? join(to, '/') : null;
  return (path) => {
    if (only && !only.some((p) => selects(p, path))) return null;
    if (path.startsWith(FS_PREFIX)) {
      const rest = path.slice(FS_PREFIX.length);
      if (toPrefix && rest !== '' && !NOT_NORMAL.test(rest)) return toPrefix + rest;
      if (to) return join(to, rest);
      return process.platform === 'win32' ? rest.replace(/^([A-Za-z])\//, '$1:/') : `/${rest}`;
    }
    if (path.startsWith(DUMP_PREFIX))
      return to ? join(to, path) : dumpDir ? join(dumpDir, basename(path)) : null;
    return null;
  };
}

/** Whether archive path `path` is `chosen` or lies below it. */
export function within(chosen: string, path: string): boolean {
  return path.length >= chosen.length && selects(chosen, path);
}

/** Whether restoring archive path `chosen` restores `path`: it, what it holds, or a folder above it. */
export function selects(chosen: string, path: string): boolean {
  if (path.length === chosen.length) return path === chosen;
  return path.length > chosen.length
    ? path.startsWith(chosen) && path[chosen.length] === '/'
    : chosen.startsWith(path) && chosen[path.length] === '/';
}

const inPlace = destinationMapper(null, null);

/** A manifest entry with its paths (its own, a hard link's first) as they were backed up. */
export function entryAsBackedUp(f: ManifestFile): ManifestFile {
  return f.hardlinkTo === undefined
    ? { ...f, path: livePath(f.path) }
    : { ...f, path: livePath(f.path), hardlinkTo: livePath(f.hardlinkTo) };
}

/** An archive path as the path it was backed up from (`fs/etc/x` → `/etc/x`); a dump's as it is. */
export function livePath(archivePath: string): string {
  // Once per entry in `ccmon ls`: one mapper for all of them.
  return archivePath.startsWith(FS_PREFIX) ? inPlace(archivePath)! : archivePath;
}
