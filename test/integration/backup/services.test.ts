/** Backups of real services: pg_dump against a throwaway PostgreSQL, BGSAVE on a real redis-server. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { BackupService } from '../../../src-main/core/backup/service.js';
import { startPostgres, type RunningPostgres } from '../../helpers/postgres.js';
import { startRedis, type RunningServer } from '../../helpers/servers.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { backupConfig } from '../../unit/core/backup/fixtures.js';

describe('backups of PostgreSQL and Redis', () => {
  let dir: TempDir;
  let pg: RunningPostgres;
  let redis: RunningServer;
  before(async () => {
    dir = await tempDir('ccmon-bk-svc-');
    pg = await startPostgres();
    pg.query('postgres', 'CREATE DATABASE claude_code');
    pg.query(
      'claude_code',
      "CREATE TABLE sessions (id int primary key, who text); INSERT INTO sessions SELECT g, 'user' || g FROM generate_series(1, 500) g",
    );
    redis = await startRedis();
  });
  after(async () => {
    await pg?.stop();
    await redis?.stop();
    await dir?.cleanup();
  });

  const pgArgs = () => ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres'];

  it('dumps the database with pg_dump into the archive, and restores it with the configured command', async () => {
    const config = backupConfig({
      directory: join(dir.path, 'backups-pg'),
      sets: [
        {
          name: 'db',
          sources: [],
          ccmonState: false,
          database: {
            command: [pg.bin('pg_dump'), ...pgArgs(), 'claude_code'],
            restoreCommand: [
              pg.bin('psql'),
              ...pgArgs(),
              '-v',
              'ON_ERROR_STOP=1',
              '-q',
              '-d',
              'restored',
            ],
          },
        },
      ],
    });
    const s = new BackupService({ config, dataDir: join(dir.path, 'data'), configFile: null });
    const { backup } = await s.backup('db');
    const src = backup.sources.find((x) => x.kind === 'database')!;
    assert.equal(src.status, 'ok');
    assert.ok(src.bytes > 1000);
    assert.equal((await s.verify(backup.id)).ok, true);
    // --to DIR puts the dump beside the files.
    const to = join(dir.path, 'pg-out');
    await s.restore({ ref: backup.id, to, dryRun: false });
    const dump = readFileSync(join(to, 'dumps', 'database.sql'), 'utf8');
    assert.match(dump, /CREATE TABLE public\.sessions/);
    assert.match(dump, /500\tuser500/);
    // In place: the restore command is fed the dump.
    pg.query('postgres', 'CREATE DATABASE restored');
    const r = await s.restore({ ref: backup.id, to: null, dryRun: false });
    assert.equal(r.ok, true, JSON.stringify(r.steps));
    assert.equal(pg.query('restored', 'SELECT count(*) FROM sessions'), '500');
  });

  it('a failing dump fails the backup and leaves nothing that looks complete', async () => {
    const config = backupConfig({
      directory: join(dir.path, 'backups-pgfail'),
      sets: [
        {
          name: 'db',
          sources: [],
          ccmonState: false,
          database: { command: [pg.bin('pg_dump'), ...pgArgs(), 'no_such_db'] },
        },
      ],
    });
    const s = new BackupService({ config, dataDir: join(dir.path, 'data'), configFile: null });
    await assert.rejects(s.backup('db'), /database dump .* failed \(exit 1\).*no_such_db/s);
    assert.deepEqual(s.list(), []);
  });

  it('snapshots Redis with BGSAVE and the RDB file loads into a fresh redis-server', async () => {
    const client = new Redis(redis.port, '127.0.0.1');
    await client.set('tokens:alice:2026-11-22', '12345');
    await client.hset('session:1', 'user', 'alice');
    const config = backupConfig({
      directory: join(dir.path, 'backups-redis'),
      sets: [{ name: 'cache', sources: [], ccmonState: false, redis: { url: redis.url } }],
    });
    const s = new BackupService({ config, dataDir: join(dir.path, 'data'), configFile: null });
    const { backup } = await s.backup('cache');
    assert.equal(backup.sources.find((x) => x.kind === 'redis')?.status, 'ok');
    const to = join(dir.path, 'redis-out');
    await s.restore({ ref: backup.id, to, dryRun: false });
    const rdb = readFileSync(join(to, 'dumps', 'redis.rdb'));
    assert.equal(rdb.subarray(0, 5).toString(), 'REDIS');
    await client.quit();
    const second = await startRedis(['--dir', join(to, 'dumps'), '--dbfilename', 'redis.rdb']);
    try {
      const c2 = new Redis(second.port, '127.0.0.1');
      assert.equal(await c2.get('tokens:alice:2026-11-22'), '12345');
      assert.equal(await c2.hget('session:1', 'user'), 'alice');
      await c2.quit();
    } finally {
      await second.stop();
    }
  });

  it('an unreachable Redis fails the backup with a message naming it', async () => {
    const config = backupConfig({
      directory: join(dir.path, 'backups-redis-down'),
      sets: [
        { name: 'cache', sources: [], ccmonState: false, redis: { url: 'redis://127.0.0.1:1' } },
      ],
    });
    const s = new BackupService({ config, dataDir: join(dir.path, 'data'), configFile: null });
    await assert.rejects(
      s.backup('cache'),
      /redis snapshot: redis:\/\/127\.0\.0\.1:1 refused the connection \(ECONNREFUSED\)/,
    );
  });
});
