/**
 * Snapshots of services into the backup's staging folder: a database dump (pg_dump or any command
 * that writes the dump to stdout) and a Redis snapshot (BGSAVE, wait for LASTSAVE to change, copy
 * the RDB file). A configured dump that fails fails the backup: an archive missing its database
 * must not look like a good backup.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupSetConfig } from './config.js';

export interface DumpResult {
  file: string;
  size: number;
  origin: string;
}

/** Runs the dump command with stdout streamed to `<stagingDir>/<fileName>`. */
export async function dumpDatabase(
  db: NonNullable<BackupSetConfig['database']>,
  stagingDir: string,
  signal?: AbortSignal,
): Promise<DumpResult> {
  const file = join(stagingDir, db.fileName);
  const [cmd, ...args] = db.command;
  const origin = db.command.join(' ');
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'ENOENT'
            ? `database dump: '${cmd}' is not installed or not on PATH`
            : `database dump: ${err.message}`,
        ),
      ),
    );
    child.once('close', (code) => resolve(code));
  });
  await Promise.all([pipeline(child.stdout, createWriteStream(file, { mode: 0o600 })), exited]);
  const code = await exited;
  if (code !== 0)
    throw new Error(
      `database dump '${origin}' failed (exit ${code}): ${stderr.trim() || 'no message'}`,
    );
  return { file, size: statSync(file).size, origin };
}

/** BGSAVE, wait until LASTSAVE (or INFO's rdb_saves) moves, then copy the RDB into staging. */
export async function snapshotRedis(
  redis: NonNullable<BackupSetConfig['redis']>,
  stagingDir: string,
  signal?: AbortSignal,
): Promise<DumpResult> {
  const { Redis } = await import('ioredis'); // loaded only when a set snapshots Redis
  const client = new Redis(redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // reported through the awaited commands
  const where = redis.url.replace(/\/\/[^@/]*@/, '//');
  try {
    await client.connect().catch((err: Error) => {
      throw new Error(`redis snapshot: cannot connect to ${where}: ${err.message}`);
    });
    const before = Number(await client.lastsave());
    const savesBefore = rdbSaves(await client.info('persistence'));
    try {
      await client.bgsave();
    } catch (err) {
      // Another save already running is fine: we wait for it like for ours.
      if (!/in progress/i.test((err as Error).message))
        throw new Error(`redis BGSAVE failed: ${(err as Error).message}`, { cause: err });
    }
    // A monotonic deadline: a wall-clock step neither cuts the wait short nor stretches it.
    const deadline = performance.now() + redis.timeoutSeconds * 1000;
    for (;;) {
      if (signal?.aborted) throw new Error('redis snapshot cancelled');
      const info = await client.info('persistence');
      const inProgress = /rdb_bgsave_in_progress:1/.test(info);
      const moved = Number(await client.lastsave()) !== before || rdbSaves(info) > savesBefore;
      if (!inProgress && moved) {
        if (/rdb_last_bgsave_status:err/.test(info))
          throw new Error('redis BGSAVE failed (rdb_last_bgsave_status:err; see the Redis log)');
        break;
      }
      if (performance.now() > deadline)
        throw new Error(`redis snapshot: BGSAVE did not finish within ${redis.timeoutSeconds} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    let rdb = redis.rdbPath;
    if (!rdb) {
      const dir = (await client.config('GET', 'dir')) as string[];
      const name = (await client.config('GET', 'dbfilename')) as string[];
      rdb = join(dir[1] ?? '.', name[1] ?? 'dump.rdb');
    }
    const file = join(stagingDir, 'redis.rdb');
    try {
      copyFileSync(rdb, file);
    } catch (err) {
      throw new Error(
        `redis snapshot: cannot read the RDB file ${rdb} (${(err as NodeJS.ErrnoException).code}); ` +
          'set backup.sets[].redis.rdbPath to where this machine sees it',
        { cause: err },
      );
    }
    return { file, size: statSync(file).size, origin: `${where} (${rdb})` };
  } finally {
    client.disconnect();
  }
}

function rdbSaves(info: string): number {
  return Number(/rdb_saves:(\d+)/.exec(info)?.[1] ?? -1);
}
