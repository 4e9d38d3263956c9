/**
 * One racer of backup-lock.test.ts: every round, all racers call lockBackupDir at the same moment
 * (a barrier on shared memory); the one that gets the lock makes a staging folder, as a backup
 * does, and checks it is still there once every racer has tried.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { BackupBusyError, lockBackupDir } from '../../../../src-main/core/backup/backup-lock.js';

export interface RaceWorkerData {
  dir: string;
  index: number;
  racers: number;
  rounds: number;
  deadPid: number;
  /** [arrived, generation] of the barrier. */
  barrier: SharedArrayBuffer;
  /** Holders per round. */
  holders: SharedArrayBuffer;
  /** [staging folders lost, errors]. */
  problems: SharedArrayBuffer;
}

const data = workerData as RaceWorkerData;
const sync = new Int32Array(data.barrier);
const holders = new Int32Array(data.holders);
const problems = new Int32Array(data.problems);

function barrier(): void {
  const generation = Atomics.load(sync, 1);
  if (Atomics.add(sync, 0, 1) === data.racers - 1) {
    Atomics.store(sync, 0, 0);
    Atomics.add(sync, 1, 1);
    Atomics.notify(sync, 1);
    return;
  }
  // Bounded: a racer that died must not hang the test.
  while (Atomics.load(sync, 1) === generation)
    if (Atomics.wait(sync, 1, generation, 20_000) === 'timed-out')
      throw new Error('barrier timed out');
}

const lockFile = join(data.dir, '.ccmon-backup.lock');
for (let round = 0; round < data.rounds; round++) {
  // Some rounds start from a lock a killed run left: in the new format and in the old (a pid).
  if (data.index === 0 && round % 3 === 1)
    writeFileSync(
      lockFile,
      JSON.stringify({ pid: data.deadPid, process: null, token: 'dead', what: 'x', since: '' }),
    );
  if (data.index === 0 && round % 3 === 2) writeFileSync(lockFile, String(data.deadPid));
  barrier();
  let lock: ReturnType<typeof lockBackupDir> | null = null;
  try {
    lock = lockBackupDir(data.dir, { what: `racer ${data.index}` });
  } catch (err) {
    if (!(err instanceof BackupBusyError)) Atomics.add(problems, 1, 1);
  }
  const staging = join(data.dir, `.staging-racer-${data.index}`);
  if (lock) {
    Atomics.add(holders, round, 1);
    mkdirSync(staging);
  }
  barrier(); // every racer has tried
  if (lock) {
    if (!existsSync(staging)) Atomics.add(problems, 0, 1);
    rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
  barrier(); // released before the next round
}
