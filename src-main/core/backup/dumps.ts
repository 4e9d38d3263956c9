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
import type { Redis } from 'ioredis';
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
  // Cancelled (the agent stopping, a timeout): the kill reaches the command, but a process it
  // started (`sh -c 'pg_dump …'`) keeps our end of its pipes open, and with them Node's event loop:
  // the agent took 74 s to exit on SIGTERM during such a dump. Closing our ends lets it go.
  signal?.addEventListener(
    'abort',
    () => {
      child.stdout.destroy();
      child.stderr.destroy();
    },
    { once: true },
  );
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
  // connect() itself only rejects with "Connection is closed.": the cause (ECONNREFUSED, NOAUTH,
  // WRONGPASS) arrives as an 'error' event first.
  const failure: { last?: Error } = {};
  client.on('error', (err: Error) => (failure.last = err));
  // Never the password: neither the url's user info nor a ?password= parameter.
  const where = redis.url.replace(/\/\/[^@/]*@/, '//').replace(/\?.*/, '');
  try {
    await client.connect().catch((err: Error) => {
      const cause = failure.last ?? err;
      throw new Error(`redis snapshot: ${connectProblem(where, cause)}`, { cause });
    });
    return await snapshot(client, redis, where, stagingDir, signal);
  } catch (err) {
    const msg = (err as Error).message;
    if (/^redis /.test(msg)) throw err;
    throw new Error(`redis snapshot: ${where}: ${msg.trim()}`, { cause: err });
  } finally {
    client.disconnect();
  }
}

/** Why the connection failed, in words, with what to change. */
function connectProblem(where: string, err: NodeJS.ErrnoException): string {
  // Redis' replies run on ("NOAUTH HELLO must be called with …, otherwise …"): the first clause.
  const reply = err.message.split(/, |\. /)[0]!.replace(/\.$/, '');
  if (/^NOAUTH/.test(err.message))
    return `${where}: a password is required (${reply}); put it in backup.sets[].redis.url as redis://:PASSWORD@host:port`;
  if (/^WRONGPASS|invalid password/i.test(err.message))
    return `${where}: authentication failed (${reply}); check the user and password in backup.sets[].redis.url`;
  if (err.code === 'ECONNREFUSED')
    return `${where} refused the connection (ECONNREFUSED): is redis-server running and listening there?`;
  return `cannot connect to ${where}: ${err.message}`;
}

/** BGSAVE on a connected client, wait for it, copy the RDB file into staging. */
async function snapshot(
  client: Redis,
  redis: NonNullable<BackupSetConfig['redis']>,
  where: string,
  stagingDir: string,
  signal: AbortSignal | undefined,
): Promise<DumpResult> {
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
    let dir: string[];
    let name: string[];
    try {
      dir = (await client.config('GET', 'dir')) as string[];
      name = (await client.config('GET', 'dbfilename')) as string[];
    } catch (err) {
      // Hardened servers rename CONFIG away (rename-command CONFIG "") or deny it by ACL.
      throw new Error(
        `redis snapshot: ${where} does not answer CONFIG GET dir (${(err as Error).message.trim()}); ` +
          "set backup.sets[].redis.rdbPath to the RDB file's path (Redis' dir/dbfilename)",
        { cause: err },
      );
    }
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
}

function rdbSaves(info: string): number {
  return Number(/rdb_saves:(\d+)/.exec(info)?.[1] ?? -1);
}
