/**
 * A restore in place that extraction would refuse (a folder of the backup is a symlink on this
 * machine now) is refused by its dry run, and by the real run before the safety backup and the
 * stop hook: nothing is stopped, nothing is written, no safety backup piles up. One that fails
 * later without changing anything (a damaged archive) removes the safety backup it took.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig } from './fixtures.js';

describe('restore in place onto a folder that became a symlink', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-dryref-');
  });
  after(() => dir.cleanup());

  /** A service over one set `name` of `app`, whose stop and start hooks log to `hooks`. */
  const service = (name: string, app: string) => {
    const hooks = join(dir.path, `${name}-hooks.log`);
    const log = (what: string) => ['sh', '-c', `echo ${what} >> '${hooks}'`];
    const backupDir = join(dir.path, `${name}-backups`);
    const s = new BackupService({
      config: backupConfig({
        directory: backupDir,
        sets: [{ name, sources: [app], ccmonState: false }],
        restore: {
          stopCommand: log('stop'),
          startCommand: log('start'),
          activeCommand: null,
          settleSeconds: 0,
        },
      }),
      dataDir: join(dir.path, `${name}-data`),
      configFile: null,
    });
    return { s, hooks, backupDir };
  };

  it('is refused by the dry run, and by the real run before the stop hook', async () => {
    const app = join(dir.path, 'app');
    mkdirSync(join(app, 'data'), { recursive: true });
    writeFileSync(join(app, 'data', 'd.bin'), 'data');
    writeFileSync(join(app, 'settings.json'), '{}');
    const { s, hooks, backupDir } = service('app', app);
    const r = await s.backup(undefined, { kind: 'manual' });
    // data/ moves elsewhere and a symlink takes its place.
    mkdirSync(join(dir.path, 'elsewhere'));
    renameSync(join(app, 'data', 'd.bin'), join(dir.path, 'elsewhere', 'd.bin'));
    renameSync(join(app, 'data'), join(dir.path, 'data-old'));
    symlinkSync(join(dir.path, 'elsewhere'), join(app, 'data'));
    const refusal = /d\.bin' would be written through the symlink .*app\/data on this machine/;
    await assert.rejects(s.restore({ ref: r.backup.id, to: null, dryRun: true }), refusal);
    await assert.rejects(s.restore({ ref: r.backup.id, to: null, dryRun: false }), refusal);
    assert.equal(existsSync(hooks), false, 'the service was never stopped');
    assert.deepEqual(
      readdirSync(backupDir).filter((n) => n.endsWith('.tar.gz')),
      [`${r.backup.id}.tar.gz`],
      'no safety backup was taken',
    );
    assert.deepEqual(readdirSync(join(dir.path, 'elsewhere')), ['d.bin']);
  });

  it('removes its safety backup when it fails without changing anything', async () => {
    const app = join(dir.path, 'app2');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'big.bin'), randomBytes(256 * 1024));
    const { s, hooks, backupDir } = service('app2', app);
    const r = await s.backup(undefined, { kind: 'manual' });
    const archive = readFileSync(r.backup.archivePath);
    writeFileSync(r.backup.archivePath, archive.subarray(0, archive.length >> 1)); // cut in half
    const report = await s.restore({ ref: r.backup.id, to: null, dryRun: false });
    assert.equal(report.ok, false);
    // zlib's "unexpected end of file" alone named neither the archive nor what it means.
    assert.match(
      report.message,
      new RegExp(
        `${r.backup.archivePath} cannot be read to its end \\(unexpected end of file\\): it is truncated or damaged \\(see ccmon verify`,
      ),
    );
    assert.equal(report.safetyBackup, null);
    assert.deepEqual(
      readdirSync(backupDir).filter((n) => n.includes('.tar.')),
      [`${r.backup.id}.tar.gz`],
      'the safety backup is gone',
    );
    assert.equal(readFileSync(hooks, 'utf8'), 'stop\nstart\n');
  });
});
