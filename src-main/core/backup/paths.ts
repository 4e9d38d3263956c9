/**
 * Folder tests shared by the walk (sources.ts), the config check, the extraction's staged folders
 * and its safety checks, the restore's room check and the backup folder's lock. Only Node's own
 * modules here: the extraction worker imports this without the walk's minimatch.
 */
import { existsSync } from 'node:fs';
import { dirname, normalize, resolve, sep } from 'node:path';

/** `path` without trailing separators; a root (`/`, `C:\`) keeps its own. */
export function withoutTrailingSep(path: string): string {
  return path.replace(/(.)[\\/]+$/, '$1');
}

/** An absolute path in normal form, without a trailing separator: how roots are compared. */
export function normalRoot(path: string): string {
  return withoutTrailingSep(normalize(resolve(path)));
}

/** Whether `path` lies below folder `root` (both resolved; `root` itself is not below). */
export function isBelow(path: string, root: string): boolean {
  return path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** `path`, or the nearest folder above it that exists (where what is made below would go). */
export function nearestExisting(path: string): string {
  let at = path;
  while (dirname(at) !== at && !existsSync(at)) at = dirname(at);
  return at;
}
