import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BackupBusyError, lockBackupDir } from '../../../../src-main/core/backup/backup-lock.js';
import { createBackup } from '../../../../src-main/core/backup/create.js';
import { BackupNotFoundError, BackupStore } from '../../../../src-main/core/backup/store.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig } from './fixtures.js';

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

describe('backup folder: which backup a reference names', () => {
  let dir: TempDir;
  let store: BackupStore;
  const ids: Record<string, string> = {};
  before(async () => {
    dir = await tempDir('ccmon-bk-refs-');
    const src = join(dir.path, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'a\n');
    const config = backupConfig({
      sets: ['app', 'app-db'].map((name) => ({ name, sources: [src], ccmonState: false })),
    });
    const backupDir = join(dir.path, 'backups');
    // Oldest first: app, app-db, then a safety backup of app (what a restore replaced).
    for (const [key, set, kind] of [
      ['app', 0, 'manual'],
      ['appDb', 1, 'scheduled'],
      ['safety', 0, 'safety'],
    ] as const) {
      const b = await createBackup({ set: config.sets[set]!, config, backupDir, kind });
      ids[key] = b.id;
    }
    store = new BackupStore(backupDir);
  });
  after(() => dir.cleanup());

  const idOf = (ref: string) => store.resolve(ref, { files: false }).sidecar?.id;
  const refused = (ref: string, message: RegExp) =>
    assert.throws(
      () => store.resolve(ref),
      (e: Error) => e instanceof BackupNotFoundError && message.test(e.message),
    );

  it('latest:SET is the newest backup of that set, never a safety backup', () => {
    assert.equal(idOf('latest:app'), ids.app);
    assert.equal(idOf('latest:app-db'), ids.appDb);
    // The full sidecar too (what restore and verify read).
    const files = store.resolve('latest:app').sidecar?.files ?? [];
    assert.deepEqual(
      files.filter((f) => f.type === 'file').map((f) => f.path.split('/').pop()),
      ['a.txt'],
    );
  });

  it('latest alone is refused while the folder holds several sets, naming them', () => {
    refused('latest', /'latest' is ambiguous: .* 2 sets \(app, app-db\); say which, as latest:app/);
  });

  it('an unknown set names the sets that have backups; a safety backup stays reachable by id', () => {
    refused('latest:web', /no backup of set 'web' in .*; sets with backups: app, app-db/);
    assert.equal(idOf(ids.safety!), ids.safety);
  });

  it("a set's name that matches several ids says how to ask for its newest", () => {
    refused('app', /'app' matches 3 backups: .* \(the newest of set 'app': latest:app\)/);
  });

  it('with one set, latest is its newest backup', async () => {
    const one = new BackupStore(join(dir.path, 'one'));
    const config = backupConfig({
      sets: [{ name: 'solo', sources: [join(dir.path, 'src')], ccmonState: false }],
    });
    await createBackup({ set: config.sets[0]!, config, backupDir: one.dir });
    const b = await createBackup({ set: config.sets[0]!, config, backupDir: one.dir });
    assert.equal(one.resolve('latest', { files: false }).sidecar?.id, b.id);
  });
});
