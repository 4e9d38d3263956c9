/**
 * The backup folder's names, its lock and the clean-up of what an interrupted run left behind,
 * without the sidecar parsing of store.ts: a backup's worker takes the lock and writes the archive
 * without loading zod. A backup is complete when its archive has its final name; that rename is
 * the last step of a run, after the archive and its manifest were fsynced, so a crash at any point
 * leaves only `*.partial` files and a `.staging-*` folder, which the next run removes.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '../system/pid.js';

export const SIDECAR_SUFFIX = '.manifest.json';
export const SIDECAR_TEXT_SUFFIX = '.manifest.txt';
export const PARTIAL_SUFFIX = '.partial';
export const STAGING_PREFIX = '.staging-';
/** Work folders of restores and restore tests (which do not hold the lock): `.restore-<pid>-…`. */
export const RESTORE_TMP_PREFIX = '.restore-';

/** A work folder for a restore, tagged with our pid so a concurrent backup's clean-up spares it. */
export function restoreWorkDir(backupDir: string, what: string): string {
  mkdirSync(backupDir, { recursive: true, mode: 0o700 });
  return mkdtempSync(join(backupDir, `${RESTORE_TMP_PREFIX}${process.pid}-${what}-`));
}
const LOCK_FILE = '.ccmon-backup.lock';
const ARCHIVE_RE = /\.tar\.(gz|zst)(\.enc)?$/;

/**
 * Take the folder's lock (another process holding it is an error; a lock left by a dead process
 * is taken over), then remove leftovers of interrupted runs. Returns the release function.
 */
export function lockBackupDir(dir: string): { release: () => void; removed: string[] } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      const removed = removeLeftovers(dir);
      return { release: () => rmSync(file, { force: true }), removed };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && processAlive(pid))
        throw new BackupBusyError(`another backup or restore is running in ${dir} (pid ${pid})`);
      if (pid === process.pid)
        throw new BackupBusyError(`a backup or restore is already running in ${dir}`);
      rmSync(file, { force: true }); // stale: its process is gone (e.g. kill -9)
    }
  }
  throw new BackupBusyError(`cannot lock ${dir}`);
}

function removeLeftovers(dir: string): string[] {
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
    if (
      name.endsWith(PARTIAL_SUFFIX) ||
      name.startsWith(STAGING_PREFIX) ||
      orphanSidecar ||
      deadRestore
    ) {
      rmSync(p, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

export class BackupBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupBusyError';
  }
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
