/**
 * Where a restored archive entry goes. Apart from restore.ts so the extraction worker loads only
 * this, not the whole restore (hooks, journal, safety backups).
 */
import { basename, join } from 'node:path';
import { DUMP_PREFIX, FS_PREFIX } from './manifest.js';

/** Temporary files of an extraction: `<dest>.ccmon-restore-<suffix>` (extract.ts, journal.ts). */
export const RESTORE_TEMP_INFIX = '.ccmon-restore-';

/** Where an archive entry goes: `fs/etc/x` → `/etc/x` in place, `<to>/etc/x` elsewhere. */
export function destinationMapper(
  to: string | null,
  dumpDir: string | null,
): (path: string) => string | null {
  return (path) => {
    if (path.startsWith(FS_PREFIX)) {
      const rest = path.slice(FS_PREFIX.length);
      if (to) return join(to, rest);
      return process.platform === 'win32' ? rest.replace(/^([A-Za-z])\//, '$1:/') : `/${rest}`;
    }
    if (path.startsWith(DUMP_PREFIX))
      return to ? join(to, path) : dumpDir ? join(dumpDir, basename(path)) : null;
    return null;
  };
}
