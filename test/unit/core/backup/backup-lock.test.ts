/**
 * The backup folder's lock (backup-lock.ts) with real worker threads and real files: threads of one
 * process racing for it, stale locks taken over, a lock released only by its holder.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  backupDirHolder,
  BackupBusyError,
  lockBackupDir,
  waitForBackupDir,
} from '../../../../src-main/core/backup/backup-lock.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import type { RaceWorkerData } from './lock-race-worker.js';

const LOCK = '.ccmon-backup.lock';

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

function startRacer(data: RaceWorkerData): Promise<number> {
  // A worker does not inherit tsx's loader hooks (worker.ts does the same).
  const entry = new URL('./lock-race-worker.ts', import.meta.url).href;
  const w = new Worker(
    `import('tsx/esm/api').then((t) => t.register()).then(() => import(${JSON.stringify(entry)}))`,
    { eval: true, workerData: data, execArgv: [] },
  );
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('exit', resolve);
  });
}

describe('backup folder lock', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-lock-');
  });
  after(() => dir.cleanup());

  it('worker threads racing for it: exactly one holder every round, no staging folder lost', async () => {
    const folder = join(dir.path, 'race');
    mkdirSync(folder);
    const racers = 4;
    const rounds = 300;
    const shared = {
      barrier: new SharedArrayBuffer(8),
      holders: new SharedArrayBuffer(4 * rounds),
      problems: new SharedArrayBuffer(8),
    };
    const pid = deadPid();
    const exits = await Promise.all(
      Array.from({ length: racers }, (_, index) =>
        startRacer({ dir: folder, index, racers, rounds, deadPid: pid, ...shared }),
      ),
    );
    assert.deepEqual(exits, Array(racers).fill(0));
    const holders = [...new Int32Array(shared.holders)];
    const wrong = holders.map((n, round) => [round, n]).filter(([, n]) => n !== 1);
    assert.deepEqual(wrong, [], 'rounds whose holder count was not 1: [round, holders]');
    const [lost, errors] = new Int32Array(shared.problems);
    assert.equal(lost, 0, "staging folders removed under their run's feet");
    assert.equal(errors, 0, 'errors other than BackupBusyError');
    assert.equal(existsSync(join(folder, LOCK)), false);
  });

  it('a busy error says what holds it; release removes only a lock that is still ours', () => {
    const folder = join(dir.path, 'mine');
    const lock = lockBackupDir(folder, { what: "scheduled backup of set 'etc'" });
    assert.throws(
      () => lockBackupDir(folder, { what: 'restore of x' }),
      (e: Error) =>
        e instanceof BackupBusyError &&
        e.holder?.what === "scheduled backup of set 'etc'" &&
        e.message.includes(`scheduled backup of set 'etc' (pid ${process.pid}, since `),
    );
    assert.equal(backupDirHolder(folder)?.token, lock.token);
    // Someone else's lock now (taken over meanwhile): our release leaves it.
    const theirs = JSON.stringify({
      pid: process.pid,
      process: null,
      token: 'theirs',
      what: 'w',
      since: '',
    });
    writeFileSync(join(folder, LOCK), theirs);
    lock.release();
    assert.equal(readFileSync(join(folder, LOCK), 'utf8'), theirs);
  });

  it('a held lock is used, not taken again; a wrong token is refused', () => {
    const folder = join(dir.path, 'held');
    const lock = lockBackupDir(folder, { what: 'restore of x' });
    const inner = lockBackupDir(folder, { held: lock.token });
    inner.release(); // the inner run does not release the outer run's lock
    assert.equal(backupDirHolder(folder)?.token, lock.token);
    assert.throws(() => lockBackupDir(folder, { held: 'not-the-token' }), BackupBusyError);
    lock.release();
    assert.equal(existsSync(join(folder, LOCK)), false);
  });

  it("stale locks are taken over: a dead pid's, our pid reused after a reboot, an old unreadable one", () => {
    const folder = join(dir.path, 'stale');
    mkdirSync(folder);
    const file = join(folder, LOCK);
    const stale = [
      JSON.stringify({ pid: deadPid(), process: null, token: 't1', what: 'w', since: '' }),
      String(deadPid()),
    ];
    if (process.platform === 'linux')
      stale.push(
        JSON.stringify({
          pid: process.pid,
          process: 'other-boot/1',
          token: 't2',
          what: 'w',
          since: '',
        }),
      );
    for (const content of stale) {
      writeFileSync(file, content);
      lockBackupDir(folder).release();
      assert.equal(existsSync(file), false, content);
    }
    // Empty: an older ccmon between creating its lock and writing its pid, unless it is old.
    writeFileSync(file, '');
    assert.throws(() => lockBackupDir(folder), BackupBusyError);
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(file, old, old);
    lockBackupDir(folder).release();
  });

  it('waitForBackupDir waits while the folder is held, saying by what, and gives up when told', async () => {
    const folder = join(dir.path, 'wait');
    const held = lockBackupDir(folder, { what: "scheduled backup of set 'a'" });
    const waits: string[] = [];
    const waiting = waitForBackupDir(folder, {
      what: "scheduled backup of set 'b'",
      maxWaitMs: 60_000,
      pollMs: 10,
      onWait: (h) => {
        waits.push(h?.what ?? '?');
        if (waits.length === 3) held.release();
      },
    });
    const lock = await waiting;
    assert.deepEqual(waits, Array(3).fill("scheduled backup of set 'a'"));
    assert.equal(backupDirHolder(folder)?.what, "scheduled backup of set 'b'");
    await assert.rejects(
      waitForBackupDir(folder, { maxWaitMs: 30, pollMs: 10 }),
      (e: Error) =>
        e instanceof BackupBusyError && /set 'b'.*gave up after waiting/.test(e.message),
    );
    lock.release();
  });

  it('a folder that cannot be written is named, with why and what to change', () => {
    const file = join(dir.path, 'a-file');
    writeFileSync(file, '');
    assert.throws(
      () => lockBackupDir(join(file, 'backups')),
      (err: Error) => {
        assert.equal(
          err.message,
          `cannot write the backup folder ${join(file, 'backups')}: a file stands where a folder of its path should be (ENOTDIR); make it writable for this user, or set backup.directory to a folder that is`,
        );
        return true;
      },
    );
  });

  it(
    'a read-only file system is named as such',
    { skip: process.getuid?.() === 0 ? false : 'mounting a tmpfs needs root' },
    (t) => {
      const mnt = join(dir.path, 'ro');
      mkdirSync(mnt);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', mnt]);
      t.after(() => execFileSync('umount', [mnt]));
      for (const target of [mnt, join(mnt, 'sub')])
        assert.throws(
          () => lockBackupDir(target),
          new RegExp(
            `cannot write the backup folder ${target}: it is on a read-only file system \\(EROFS\\)`,
          ),
        );
    },
  );
});
