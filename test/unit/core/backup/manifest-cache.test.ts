/**
 * The agent keeps the decrypted file list of the encrypted backup last looked at: browsing its
 * folders, the dry run and the restore read the archive once between them, not once each. Every
 * read of an encrypted archive asks for the passphrase, which is what these tests count.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManifestCache } from '../../../../src-main/core/backup/manifest-cache.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, writeTree } from './fixtures.js';

const PASSPHRASE = 'correct horse battery staple';

describe('the decrypted file list kept between requests (agent)', () => {
  let dir: TempDir;
  let src: string;
  before(async () => {
    dir = await tempDir('ccmon-bk-manifests-');
    src = join(dir.path, 'etc', 'claude-code');
    writeTree(src, [
      { path: 'settings.json', content: '{"model":"opus"}' },
      { path: 'agents/a.md', content: 'agent a' },
      { path: 'agents/sub/b.md', content: 'agent b' },
    ]);
  });
  after(() => dir.cleanup());

  /** A service over its own backup folder whose passphrase provider counts the archive reads. */
  function service(name: string, keepManifests: boolean, passphrase = () => PASSPHRASE) {
    const backups = join(dir.path, `backups-${name}`);
    const asked = { n: 0 };
    const s = new BackupService({
      config: backupConfig({
        directory: backups,
        sets: [{ name: 'cc', sources: [src], ccmonState: false }],
        compression: 'zstd',
        encryption: { enabled: true },
      }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
      passphrase: async () => {
        asked.n++;
        return passphrase();
      },
      keepManifests,
    });
    const kept = () => readdirSync(backups).filter((n) => n.includes('-manifest-'));
    return { s, asked, backups, kept };
  }

  /** The file browser's walk down a backup, then the dry run of restoring one folder of it. */
  async function browseThenDryRun(s: BackupService, id: string): Promise<void> {
    await s.listings.folder(id, null);
    await s.listings.folder(id, src);
    const agents = await s.listings.folder(id, join(src, 'agents'));
    assert.deepEqual(
      agents.entries.map((e) => e.name),
      ['sub', 'a.md'],
    );
    const dry = await s.restore({
      ref: id,
      to: join(dir.path, 'nowhere'),
      dryRun: true,
      include: [join(src, 'agents')],
    });
    assert.equal(dry.diff.added.length, 5, dry.message); // with the folder above it
  }

  it('reads an encrypted archive once for a browse and a dry run, then lets the list go', async () => {
    const { s, asked, kept } = service('kept', true);
    const { backup } = await s.backup('cc');
    asked.n = 0;
    await browseThenDryRun(s, backup.id);
    assert.equal(asked.n, 1, 'one read of the archive for three folders and a dry run');
    assert.equal(kept().length, 1, 'the list is kept in one work folder of this process');
    assert.match(kept()[0]!, new RegExp(`^\\.restore-${process.pid}-manifest-`));

    // A restore of it reads the archive for its files only, not for its list again.
    const to = join(dir.path, 'restored');
    const r = await s.restore({
      ref: backup.id,
      to,
      dryRun: false,
      include: [join(src, 'agents')],
    });
    assert.equal(r.ok, true, r.message);
    assert.equal(asked.n, 2);
    assert.equal(existsSync(join(to, src, 'agents', 'sub', 'b.md')), true);

    s.close();
    assert.deepEqual(kept(), [], 'closing the service removes the decrypted list');
    await s.listings.folder(backup.id, src); // and it still answers, reading the archive again
    assert.equal(asked.n, 3);
    s.close();
  });

  it('without it (the one-shot CLI), every look reads the archive and nothing is left behind', async () => {
    const { s, asked, kept } = service('cli', false);
    const { backup } = await s.backup('cc');
    asked.n = 0;
    await browseThenDryRun(s, backup.id);
    assert.equal(asked.n, 4);
    assert.deepEqual(kept(), []);
  });

  it('another backup, or the same archive changed on disk, is read again', async () => {
    const { s, asked, kept } = service('changed', true);
    const first = (await s.backup('cc')).backup;
    await sleep(1100); // backup ids have a resolution of one second
    const second = (await s.backup('cc')).backup;
    asked.n = 0;
    await s.listings.folder(first.id, src);
    await s.listings.folder(second.id, src);
    await s.listings.folder(second.id, src);
    assert.equal(asked.n, 2, 'the second backup replaced the first one kept');
    assert.equal(kept().length, 1, 'only the last one is kept');
    const later = new Date(Date.now() + 60_000);
    utimesSync(second.archivePath, later, later); // copied back from elsewhere, say
    await s.listings.folder(second.id, src);
    assert.equal(asked.n, 3);
    s.close();
  });

  it('a read that failed (a wrong passphrase) is not kept: the next look tries again', async () => {
    let passphrase = PASSPHRASE;
    const { s, asked, kept } = service('wrong', true, () => passphrase);
    const { backup } = await s.backup('cc');
    passphrase = 'not the passphrase';
    await assert.rejects(s.listings.folder(backup.id, src), /passphrase/i);
    assert.deepEqual(kept(), []);
    passphrase = PASSPHRASE;
    asked.n = 0;
    assert.equal((await s.listings.folder(backup.id, src)).entries.length, 2);
    assert.equal(asked.n, 1);
    s.close();
  });

  it('a list unused for its idle time is removed; one in use is not', async () => {
    const { s, backups } = service('idle', true);
    const { backup } = await s.backup('cc');
    const cache = new ManifestCache(backups, 50);
    const kept = () => readdirSync(backups).filter((n) => n.includes('-manifest-'));
    const record = { archivePath: backup.archivePath, sidecar: null };
    const passphrase = async () => PASSPHRASE;
    await cache.use(record, 0, passphrase, async () => {
      await sleep(150); // longer than the idle time: in use, it stays
      assert.equal(kept().length, 1);
    });
    for (let waited = 0; kept().length > 0 && waited < 5000; waited += 25) await sleep(25);
    assert.deepEqual(kept(), [], 'removed once unused for its idle time');
    cache.close();
  });
});
