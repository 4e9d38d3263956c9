/**
 * A throwaway PostgreSQL cluster for integration tests: initdb + pg_ctl from Debian's postgresql
 * package into a temp dir, trust auth for user `postgres`, TCP on 127.0.0.1 at a free port,
 * fsync off. PostgreSQL refuses to run as root, so when we are root the cluster runs as the
 * `postgres` system user (runuser) in a folder it owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, readdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, tempDir } from './ports.js';

const run = promisify(execFile);

export interface RunningPostgres {
  port: number;
  /** argv prefix for psql (from PATH) against this cluster as the superuser. */
  psql: string[];
  binDir: string;
  /** A tool of this PostgreSQL version by its full path (pg_dump, psql, …). */
  bin(tool: string): string;
  /** Runs `sql` in database `db` and returns psql's unaligned, tuples-only output (-At). */
  query(db: string, sql: string): string;
  stop(): Promise<void>;
}

export async function postgresBinDir(): Promise<string> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => [] as string[]);
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest)
    throw new Error(
      'PostgreSQL is not installed (Debian package postgresql; see scripts/system-deps.mjs)',
    );
  return `/usr/lib/postgresql/${newest}/bin`;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = await postgresBinDir();
  const dir = await tempDir('ccmon-pg-');
  const data = join(dir.path, 'data');
  const sockets = join(dir.path, 'sock');
  await mkdir(data);
  await mkdir(sockets);
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
    for (const p of [dir.path, data, sockets]) await chown(p, uid, gid);
    await chmod(dir.path, 0o755);
  }
  const server = (cmd: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args])
      : run(join(bin, cmd), args);
  await server('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  await server('pg_ctl', [
    '-D',
    data,
    '-w',
    '-t',
    '30',
    '-l',
    join(dir.path, 'log'),
    '-o',
    `-p ${port} -k ${sockets} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  const client = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1'];
  return {
    port,
    binDir: bin,
    psql: ['psql', ...client],
    bin: (tool) => join(bin, tool),
    query: (db, sql) =>
      execFileSync(join(bin, 'psql'), [...client, '-d', db, '-At', '-c', sql])
        .toString()
        .trim(),
    async stop() {
      await server('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await dir.cleanup();
    },
  };
}
