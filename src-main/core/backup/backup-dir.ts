/**
 * The backup folder's names and the clean-up of what an interrupted run left behind, without the
 * sidecar parsing of store.ts (a backup's worker loads no zod); its lock is backup-lock.ts. A
 * backup is complete when its archive has its final name; that rename is the last step of a run,
 * after the archive and its manifest were fsynced, so a crash at any point leaves only `*.partial`
 * files and a `.staging-*` folder, which the next run to take the lock removes.
 */
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statfsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../system/pid.js';

export const SIDECAR_SUFFIX = '.manifest.json';
export const SIDECAR_TEXT_SUFFIX = '.manifest.txt';
export const PARTIAL_SUFFIX = '.partial';
export const STAGING_PREFIX = '.staging-';
/** Work folders of restores and restore tests, `.restore-<pid>-…`: a dead pid's are leftovers. */
export const RESTORE_TMP_PREFIX = '.restore-';

/**
 * A work folder for a restore, tagged with our pid so a concurrent backup's clean-up spares it. In
 * the backup folder, beside the archive (an encrypted one's manifest is spooled there, and the
 * diff's lists); in the system's temporary folder when this process cannot write the backup folder
 * (unwritableReason), or when that has less than `needBytes` free and the temporary folder has more:
 * listing or restoring from a read-only mount, a snapshot or a full backup disk must work.
 */
export function restoreWorkDir(backupDir: string, what: string, needBytes = 0): string {
  const name = `${RESTORE_TMP_PREFIX}${process.pid}-${what}-`;
  const elsewhere = () => mkdtempSync(join(tmpdir(), `ccmon${name}`)); // mode 0700, as every mkdtemp
  try {
    mkdirSync(backupDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if (!unwritableReason(backupDir)) throw err;
  }
  if (unwritableReason(backupDir)) return elsewhere();
  const here = freeBytes(backupDir);
  if (here < needBytes && freeBytes(tmpdir()) > here) return elsewhere();
  return mkdtempSync(join(backupDir, name));
}

/** Bytes this process may still write on the file system holding `dir`. */
function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return Infinity; // unknown: the folder is used, and a full disk says so when it is
  }
}

/**
 * Room a restore's work folder needs for a backup of `entries` entries, with room to spare: the
 * spooled manifest (~250 bytes an entry with its sha256) and the diff's lists (a path an entry).
 */
export function restoreWorkBytes(entries: number): number {
  return 16 * 1024 * 1024 + entries * 600;
}

/** Below this much free space a folder counts as full: a lock file or a journal may not fit. */
const FULL_BELOW = 1024 * 1024;

/**
 * Why this process cannot write in the existing folder `dir` now (`read-only file system`,
 * `permission denied`, `no space left on its file system`), or null when it can (or `dir` does
 * not exist: it is made when needed).
 */
export function unwritableReason(dir: string): string | null {
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return 'read-only file system';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return null;
  }
  return freeBytes(dir) < FULL_BELOW ? NO_SPACE : null;
}

/** unwritableReason's answer for a full file system. */
export const NO_SPACE = 'no space left on its file system';
/** The folder's lock file (backup-lock.ts). */
export const LOCK_FILE = '.ccmon-backup.lock';
const ARCHIVE_RE = /\.tar\.(gz|zst)(\.enc)?$/;
/** `.ccmon-backup.lock.<pid>.<token>.(tmp|stale)`: a lock being made or broken, by `pid`. */
export const LOCK_WORK_RE = /^\.ccmon-backup\.lock\.(\d+)\.[0-9a-f]+\.(tmp|stale)$/;

/** Removes what interrupted runs left in the folder (called with its lock held); their names. */
export function removeLeftovers(dir: string): string[] {
  const removed: string[] = [];
  const names = readdirSync(dir);
  const archives = new Set(names.filter((n) => ARCHIVE_RE.test(n)));
  for (const name of names) {
    const p = join(dir, name);
    const orphanSidecar =
      (name.endsWith(SIDECAR_SUFFIX) || name.endsWith(SIDECAR_TEXT_SUFFIX)) &&
      ![...archives].some(
        (a) => a.replace(ARCHIVE_RE, '') === name.replace(/\.manifest\.(json|txt)$/, ''),
      );
    const deadRestore =
      name.startsWith(RESTORE_TMP_PREFIX) &&
      !processAlive(Number(name.slice(RESTORE_TMP_PREFIX.length).split('-')[0]));
    const lockWork = LOCK_WORK_RE.exec(name);
    if (
      name.endsWith(PARTIAL_SUFFIX) ||
      name.startsWith(STAGING_PREFIX) ||
      orphanSidecar ||
      deadRestore ||
      (lockWork && !processAlive(Number(lockWork[1])))
    ) {
      rmSync(p, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** fsync a file (by path) or a directory; directories cannot be fsynced on Windows. */
export function fsyncPath(path: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (err) {
    if (process.platform !== 'win32') throw err;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
