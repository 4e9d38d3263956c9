/**
 * A Redis snapshot that fails says why, against real redis-servers: a password required or wrong
 * (never echoing it), nothing listening, CONFIG renamed away (with the rdbPath that avoids it).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { BackupService } from '../../../src-main/core/backup/service.js';
import { startRedis, type RunningServer } from '../../helpers/servers.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { backupConfig } from '../../unit/core/backup/fixtures.js';

describe('redis snapshot errors', () => {
  let dir: TempDir;
  let locked: RunningServer;
  let noConfig: RunningServer;
  const password = 'pw-9f3c1e7a';
  before(async () => {
    dir = await tempDir('ccmon-bk-redis-err-');
    // requirepass set once running: the helper's readiness probe is an unauthenticated PING.
    locked = await startRedis();
    const admin = new Redis(locked.port, '127.0.0.1');
    await admin.config('SET', 'requirepass', password);
    admin.disconnect();
    noConfig = await startRedis(['--rename-command', 'CONFIG', '']);
  });
  after(async () => {
    await locked?.stop();
    await noConfig?.stop();
    await dir?.cleanup();
  });

  let n = 0;
  const backUp = (redis: Record<string, unknown>) => {
    const config = backupConfig({
      directory: join(dir.path, `backups-${++n}`),
      sets: [{ name: 'cache', sources: [], ccmonState: false, redis }],
    });
    return new BackupService({ config, dataDir: join(dir.path, 'data'), configFile: null }).backup(
      'cache',
    );
  };
  const where = (s: RunningServer) => `redis://127\\.0\\.0\\.1:${s.port}`;
  /** The backup fails, and its message (not the error's name) matches `re`. */
  const failsWith = (p: Promise<unknown>, re: RegExp) =>
    assert.rejects(p, (err: Error) => {
      assert.match(err.message, re);
      return true;
    });

  it('no password where one is required: says a password is required (NOAUTH)', async () => {
    await failsWith(
      backUp({ url: `redis://127.0.0.1:${locked.port}` }),
      new RegExp(
        `^backup failed: redis snapshot: ${where(locked)}: a password is required \\(NOAUTH `,
      ),
    );
  });

  it('a wrong password: says authentication failed (WRONGPASS), without the password', async () => {
    const wrong = 'not-the-pw-5b2d';
    await assert.rejects(
      backUp({ url: `redis://:${wrong}@127.0.0.1:${locked.port}` }),
      (err: Error) => {
        assert.match(
          err.message,
          new RegExp(
            `^backup failed: redis snapshot: ${where(locked)}: authentication failed \\(WRONGPASS `,
          ),
        );
        assert.ok(!err.message.includes(wrong), err.message);
        return true;
      },
    );
    // The right one works (the server is fine, only the password was wrong).
    const { backup } = await backUp({ url: `redis://:${password}@127.0.0.1:${locked.port}` });
    assert.equal(backup.sources.find((s) => s.kind === 'redis')?.status, 'ok');
  });

  it('Redis down: says the connection was refused (ECONNREFUSED)', async () => {
    const gone = await startRedis();
    await gone.stop();
    await failsWith(
      backUp({ url: gone.url }),
      new RegExp(
        `^backup failed: redis snapshot: ${where(gone)} refused the connection \\(ECONNREFUSED\\)`,
      ),
    );
  });

  it('CONFIG renamed away: names the snapshot, the reply and rdbPath, which then works', async () => {
    await failsWith(
      backUp({ url: noConfig.url }),
      new RegExp(
        `^backup failed: redis snapshot: ${where(noConfig)} does not answer CONFIG GET dir \\(ERR unknown command 'config'.*\\); set backup\\.sets\\[\\]\\.redis\\.rdbPath`,
      ),
    );
    const { backup } = await backUp({ url: noConfig.url, rdbPath: join(noConfig.dir, 'dump.rdb') });
    assert.equal(backup.sources.find((s) => s.kind === 'redis')?.status, 'ok');
  });

  it('any other command refused: still names the snapshot and the server', async () => {
    const noLastsave = await startRedis(['--rename-command', 'LASTSAVE', '']);
    try {
      await failsWith(
        backUp({ url: noLastsave.url }),
        new RegExp(
          `^backup failed: redis snapshot: ${where(noLastsave)}: ERR unknown command 'lastsave'`,
        ),
      );
    } finally {
      await noLastsave.stop();
    }
  });
});
