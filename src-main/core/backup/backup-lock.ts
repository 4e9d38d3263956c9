/**
 * The backup folder's lock: one run at a time writes the folder (a backup, a restore, a restore
 * test, a prune), whatever process or thread it runs on. The lock file appears whole and names its
 * holder; only its holder removes it, and a stale one (a dead holder) is taken over by one taker
 * at a time. Taking it removes the leftovers of interrupted runs (backup-dir.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { processAlive } from '../system/pid.js';
import { LOCK_FILE, removeLeftovers } from './backup-dir.js';
import { nearestExisting } from './paths.js';

/** A lock file we cannot parse (an older ccmon's, or torn by a power loss) is stale after this. */
const UNREADABLE_LOCK_STALE_MS = 60_000;

/** What the lock file says: who holds the backup folder. */
export interface BackupLockHolder {
  pid: number;
  /** The holder's process start (Linux: boot id and start tick), telling a reused pid apart. */
  process: string | null;
  /** Unique per lock taken: only the run that took it releases it. */
  token: string;
  /** For messages: "scheduled backup of set 'etc'", "restore of etc-20260101T020000Z". */
  what: string;
  since: string;
}

export interface BackupDirLock {
  token: string;
  release: () => void;
  /** Leftovers of interrupted runs removed when the lock was taken. */
  removed: string[];
}

export interface BackupLockOptions {
  /** What takes the lock, as a busy message names it. */
  what?: string;
  /**
   * The token of a lock the caller already holds for this run (a restore's safety backup, a
   * backup whose service took the lock): it is checked, not taken again, and not released here.
   */
  held?: string;
  /** Remove the leftovers of interrupted runs (default); off when the lock is passed on as `held`. */
  clean?: boolean;
}

const UNWRITABLE: Record<string, string> = {
  EROFS: 'it is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a file stands where a folder of its path should be',
  EEXIST: 'a file stands where it should be',
};

/**
 * The backup folder cannot be made or written: say which, why, and what to change (the raw
 * "EROFS: read-only file system, open '…/.ccmon-backup.lock'" named neither the setting nor a fix).
 */
function unwritable(dir: string, err: NodeJS.ErrnoException): Error {
  // A recursive mkdir on a read-only file system says ENOENT: ask the deepest folder that exists.
  if (err.code === 'ENOENT') {
    try {
      accessSync(nearestExisting(dir), constants.W_OK);
    } catch (cause) {
      err = cause as NodeJS.ErrnoException;
    }
  }
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT')
    return Object.assign(
      new Error(
        `cannot write the backup folder ${dir}: no space left on its file system (${err.code}); free some (\`ccmon prune\` removes what the retention policy lets go), or set backup.directory to a folder that has room`,
      ),
      { code: err.code },
    );
  const why = err.code ? UNWRITABLE[err.code] : undefined;
  if (!why) return err;
  return Object.assign(
    new Error(
      `cannot write the backup folder ${dir}: ${why} (${err.code}); make it writable for this user, or set backup.directory to a folder that is`,
    ),
    { code: err.code },
  );
}

/**
 * Take the folder's lock, then remove leftovers of interrupted runs. Another holder that is alive,
 * in this process too (another worker thread), is a BackupBusyError naming it; a lock left by a
 * dead process is taken over. The lock file appears with its content (a temporary file hard-linked
 * to the lock's name; link fails when the name exists), so nobody ever reads a half-made lock.
 */
export function lockBackupDir(dir: string, opts: BackupLockOptions = {}): BackupDirLock {
  const file = join(dir, LOCK_FILE);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (opts.held === undefined) accessSync(dir, constants.W_OK);
  } catch (err) {
    throw unwritable(dir, err as NodeJS.ErrnoException);
  }
  if (opts.held !== undefined) {
    const current = readLock(file);
    if (current?.holder?.token !== opts.held)
      throw new BackupBusyError(
        `the lock of ${dir} taken for this run is gone (${current?.holder ? `now held by ${describeHolder(current.holder)}` : 'no lock file'}); nothing was written`,
        current?.holder ?? null,
      );
    return {
      token: opts.held,
      release: () => {},
      removed: opts.clean === false ? [] : removeLeftovers(dir),
    };
  }
  const holder: BackupLockHolder = {
    pid: process.pid,
    process: processIdentity(process.pid),
    token: randomBytes(12).toString('hex'),
    what: opts.what ?? 'another ccmon command',
    since: new Date().toISOString(),
  };
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}.${holder.token}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(holder), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // A full disk: the file was made, its content did not fit.
    rmSync(tmp, { force: true });
    throw unwritable(dir, err as NodeJS.ErrnoException);
  }
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const current = readLock(file);
        if (!current) continue; // released meanwhile
        if (!isStale(current)) throw new BackupBusyError(busyMessage(dir, current), current.holder);
        breakStaleLock(file, tmp, holder.token);
        continue;
      }
      const release = () => releaseLock(file, holder.token);
      try {
        return {
          token: holder.token,
          release,
          removed: opts.clean === false ? [] : removeLeftovers(dir),
        };
      } catch (err) {
        release();
        throw err;
      }
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  throw new BackupBusyError(`cannot lock ${dir}: its lock file kept changing; try again`, null);
}

/**
 * lockBackupDir, waiting while another run holds the folder (a scheduled backup that coincides
 * with another set's): polls every `pollMs` until `maxWaitMs` passed or `signal` aborts.
 */
export async function waitForBackupDir(
  dir: string,
  opts: BackupLockOptions & {
    maxWaitMs: number;
    pollMs?: number;
    signal?: AbortSignal;
    onWait?: (holder: BackupLockHolder | null) => void;
  },
): Promise<BackupDirLock> {
  const t0 = Date.now();
  for (;;) {
    try {
      return lockBackupDir(dir, opts);
    } catch (err) {
      if (!(err instanceof BackupBusyError)) throw err;
      const waited = Date.now() - t0;
      if (waited >= opts.maxWaitMs)
        throw new BackupBusyError(
          `${err.message}; gave up after waiting ${Math.round(waited / 60_000)} minutes`,
          err.holder,
        );
      if (opts.signal?.aborted)
        throw new BackupBusyError(`${err.message}; cancelled while waiting`, err.holder);
      opts.onWait?.(err.holder);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(opts.pollMs ?? 1000, opts.maxWaitMs - waited));
        opts.signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}

/** Who holds the folder's lock now (null: nobody, or a lock file that does not say). */
export function backupDirHolder(dir: string): BackupLockHolder | null {
  return readLock(join(dir, LOCK_FILE))?.holder ?? null;
}

export function describeHolder(h: BackupLockHolder): string {
  return `${h.what} (pid ${h.pid}, since ${h.since})`;
}

function busyMessage(dir: string, lock: LockFile): string {
  const by = lock.holder
    ? describeHolder(lock.holder)
    : lock.pid !== null
      ? `another ccmon (pid ${lock.pid})`
      : 'another ccmon, which is taking it now';
  return `the backup folder ${dir} is in use by ${by}; try again when it has ended`;
}

interface LockFile {
  raw: string;
  /** null: an older ccmon's lock (its pid only, in `pid`), or unreadable. */
  holder: BackupLockHolder | null;
  pid: number | null;
  mtimeMs: number;
}

function readLock(file: string): LockFile | null {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = readFileSync(file, 'utf8');
    mtimeMs = statSync(file).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (/^\d+$/.test(raw.trim())) return { raw, holder: null, pid: Number(raw.trim()), mtimeMs };
  try {
    const h = JSON.parse(raw) as BackupLockHolder;
    if (typeof h.pid === 'number' && typeof h.token === 'string')
      return { raw, holder: h, pid: h.pid, mtimeMs };
  } catch {
    // below
  }
  return { raw, holder: null, pid: null, mtimeMs };
}

function isStale(lock: LockFile): boolean {
  if (lock.holder) return !holderAlive(lock.holder);
  // An older ccmon wrote its pid after creating the file: a young unreadable lock may be one.
  if (lock.pid === null) return Date.now() - lock.mtimeMs > UNREADABLE_LOCK_STALE_MS;
  return lock.pid === process.pid || !processAlive(lock.pid);
}

/** Our pid is alive, but it may be a reused one: the start time tells (where /proc has it). */
function holderAlive(h: BackupLockHolder): boolean {
  const now = processIdentity(h.pid);
  if (h.process !== null && processIdentity(process.pid) !== null) return now === h.process;
  return h.pid === process.pid || processAlive(h.pid);
}

/** Linux: boot id and start tick of a process (null when it is gone, or there is no /proc). */
function processIdentity(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime); the fields after the command name, which may hold spaces and ')'.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${bootId()}/${start}`;
  } catch {
    return null;
  }
}

let cachedBootId: string | undefined;
function bootId(): string {
  cachedBootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return cachedBootId;
}

/**
 * Remove a stale lock. Breakers take turns (the `.break` file, made like the lock): the one whose
 * turn it is reads the lock again and removes it only if it is still stale. Nobody else removes a
 * lock, so a lock taken meanwhile is never removed, and of the runs that race to take the folder
 * after the removal exactly one links its lock.
 */
function breakStaleLock(file: string, tmp: string, token: string): void {
  const breaker = `${file}.break`;
  try {
    linkSync(tmp, breaker);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const other = readLock(breaker);
    if (other && isStale(other)) removeStaleBreaker(breaker, other.raw, token);
    else sleepSync(1); // another run's turn: a few µs
    return;
  }
  try {
    const current = readLock(file);
    if (current && isStale(current)) rmSync(file, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

/**
 * A breaker whose process died in its few µs of work: moved aside (one mover wins) and put back
 * when it is not the one judged stale.
 */
function removeStaleBreaker(breaker: string, judged: string, token: string): void {
  const asidePath = join(dirname(breaker), `${LOCK_FILE}.${process.pid}.${token}.stale`);
  try {
    renameSync(breaker, asidePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    if (readFileSync(asidePath, 'utf8') !== judged) linkSync(asidePath, breaker);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(asidePath, { force: true });
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Remove the lock only while it is still ours. */
function releaseLock(file: string, token: string): void {
  if (readLock(file)?.holder?.token === token) rmSync(file, { force: true });
}

export class BackupBusyError extends Error {
  /** Who holds the folder, when its lock file says (null across a thread boundary). */
  constructor(
    message: string,
    readonly holder: BackupLockHolder | null = null,
  ) {
    super(message);
    this.name = 'BackupBusyError';
  }
}
