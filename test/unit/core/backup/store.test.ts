import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackupBusyError, lockBackupDir } from '../../../../src-main/core/backup/backup-lock.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

describe('backup folder: lock and leftovers', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-store-');
  });
  after(() => dir.cleanup());

  it('a lock held by a live process is an error naming its pid; a dead one is taken over', async () => {
    const folder = join(dir.path, 'a');
    mkdirSync(folder);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(folder, '.ccmon-backup.lock'), String(sleeper.pid));
      assert.throws(
        () => lockBackupDir(folder),
        (e: Error) => e instanceof BackupBusyError && e.message.includes(`pid ${sleeper.pid}`),
      );
    } finally {
      sleeper.kill('SIGKILL');
      await new Promise((r) => sleeper.once('close', r));
    }
    const { release } = lockBackupDir(folder);
    // Held by this process: a second taker here (another worker thread) is refused too.
    assert.throws(
      () => lockBackupDir(folder),
      (e: Error) => e instanceof BackupBusyError && e.message.includes(`pid ${process.pid}`),
    );
    release();
    assert.equal(existsSync(join(folder, '.ccmon-backup.lock')), false);
  });

  it("clean-up removes partial files, staging folders, orphan sidecars and dead restores' work folders, nothing else", () => {
    const folder = join(dir.path, 'b');
    mkdirSync(folder);
    const names = {
      partial: 'set-20260101T000000Z.tar.gz.partial',
      staging: '.staging-set-20260101T000000Z',
      orphan: 'set-20260102T000000Z.manifest.json',
      deadRestore: '.restore-999999999-test-abc',
      liveRestore: `.restore-${process.pid}-test-def`,
      archive: 'set-20260103T000000Z.tar.gz',
      sidecar: 'set-20260103T000000Z.manifest.json',
      foreign: 'notes.txt',
    };
    for (const [k, n] of Object.entries(names)) {
      if (k === 'staging' || k.endsWith('Restore')) mkdirSync(join(folder, n));
      else writeFileSync(join(folder, n), 'x');
    }
    const { release, removed } = lockBackupDir(folder);
    release();
    assert.deepEqual(
      removed.sort(),
      [names.staging, names.deadRestore, names.orphan, names.partial].sort(),
    );
    for (const keep of [names.liveRestore, names.archive, names.sidecar, names.foreign])
      assert.ok(existsSync(join(folder, keep)), keep);
  });
});
