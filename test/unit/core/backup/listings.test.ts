/**
 * What backups hold, read through the service's listings (listings.ts) from real archives: the
 * changes between two a page at a time (the dashboard's), and a list that cannot be read naming
 * its backup.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { folderOnWorker } from '../../../../src-main/core/backup/extract-thread.js';
import { asArchivePath } from '../../../../src-main/core/backup/listings.js';
import { withRestoreManifest } from '../../../../src-main/core/backup/restore-manifest.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, writeTree } from './fixtures.js';

describe('backup listings', () => {
  let dir: TempDir;
  let src: string;
  before(async () => {
    dir = await tempDir('ccmon-bk-listings-');
    src = join(dir.path, 'conf');
  });
  after(() => dir.cleanup());

  const service = (
    name: string,
    extra: Record<string, unknown> = {},
    passphrase = 'pass',
    inProcess = true,
  ) =>
    new BackupService({
      config: backupConfig({
        directory: join(dir.path, name),
        sets: [{ name: 'cc', sources: [src], ccmonState: false }],
        ...extra,
      }),
      dataDir: dir.path,
      configFile: null,
      passphrase: async () => passphrase,
      inProcess,
    });

  let a: string;
  let b: string;
  it('changes: a page of them from an offset, the counts and total of all of them', async () => {
    writeTree(
      src,
      Array.from({ length: 7 }, (_, i) => ({ path: `f${i}.txt`, content: `v1 ${i}` })),
    );
    const s = service('paged');
    a = (await s.backup('cc')).backup.id;
    for (let i = 0; i < 5; i++) writeFileSync(join(src, `f${i}.txt`), `v2 ${i}`);
    rmSync(join(src, 'f6.txt'));
    writeFileSync(join(src, 'new.txt'), 'twelve bytes');
    b = (await s.backup('cc')).backup.id;

    const whole = await s.listings.changes(a, b, null);
    assert.equal(whole.total, 7);
    assert.deepEqual(whole.counts, { added: 1, removed: 1, changed: 5, metadata: 0, unchanged: 2 });
    assert.deepEqual(whole.bytes, { added: 12, removed: 4 });
    assert.deepEqual(
      whole.changes.map((c) => [c.change, c.path]),
      [
        ...[0, 1, 2, 3, 4].map((i) => ['M', join(src, `f${i}.txt`)]),
        ['-', join(src, 'f6.txt')],
        ['+', join(src, 'new.txt')],
      ],
      'in path order, each by the path it was backed up from',
    );

    const page = await s.listings.changes(a, b, null, { offset: 2, limit: 3 });
    assert.deepEqual(
      page.changes.map((c) => c.path),
      whole.changes.slice(2, 5).map((c) => c.path),
    );
    assert.equal(page.total, 7);
    assert.deepEqual(page.counts, whole.counts, 'the counts are of every change, not the page');
    const past = await s.listings.changes(a, b, null, { offset: 7 });
    assert.deepEqual(past.changes, []);

    const below = await s.listings.changes(a, b, join(src, 'new.txt'));
    assert.deepEqual(
      below.changes.map((c) => [c.change, c.path, c.size]),
      [['+', join(src, 'new.txt'), 12]],
    );
  });

  it('changes on a worker (the agent) as on the calling thread (the CLI); a path neither has', async () => {
    const inProcess = service('paged');
    const agent = service('paged', {}, 'pass', false);
    for (const page of [{}, { offset: 2, limit: 3 }])
      assert.deepEqual(
        await agent.listings.changes(a, b, null, page),
        await inProcess.listings.changes(a, b, null, page),
      );
    await assert.rejects(agent.listings.changes(a, b, join(src, 'nope')), {
      name: 'NotInBackupError',
      message: /^not in backup .*nope/,
    });
  });

  it('a folder of a large backup is read on a worker, with the page the calling thread reads', async () => {
    const s = service('paged');
    const backup = s.store.resolve(b, { files: false });
    // workerFrom 0: this small list as if it were past FOLDER_WORKER_ENTRIES.
    const page = (folder: string | null, p: { match?: string; offset?: number }, workerFrom = 0) =>
      withRestoreManifest(
        backup,
        join(dir.path, 'paged'),
        'list',
        async () => 'pass',
        (m) => {
          assert.ok(m.source, 'a list read from its file: one a worker can stream');
          return folderOnWorker(m, folder, p, { workerFrom });
        },
      );
    const folder = asArchivePath(src);
    for (const p of [{}, { offset: 3 }, { match: 'NEW' }])
      assert.deepEqual(await page(folder, p), await page(folder, p, Infinity), JSON.stringify(p));
    assert.deepEqual(
      (await page(folder, { match: 'new' })).entries.map((e) => e.name),
      ['new.txt'],
    );
    await assert.rejects(page(`${folder}/nope`, {}), {
      name: 'NotInBackupError',
      message: /^not in backup .*nope/,
    });
  });

  it('a list that cannot be read names its backup; an error of the caller is left as it is', async () => {
    const s = service('locked', { encryption: { enabled: true } });
    const id = (await s.backup('cc')).backup.id;
    const wrong = service('locked', { encryption: { enabled: true } }, 'not it');
    await assert.rejects(wrong.listings.folder(id, null), {
      name: 'DecryptionError',
      message: new RegExp(`^backup ${id}: cannot decrypt the archive: wrong passphrase`),
    });
    await assert.rejects(
      s.listings.files(id, null, () => {
        throw new Error('the caller stopped');
      }),
      { message: 'the caller stopped' },
    );
  });
});
