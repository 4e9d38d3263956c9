/**
 * Folder tests shared by the walk (sources.ts), the config check, the extraction's staged folders
 * and its safety checks. Only node:path here: the extraction worker imports this without the
 * walk's minimatch.
 */
import { normalize, resolve, sep } from 'node:path';

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
