/**
 * Restoring part of a backup (`ccmon restore REF --to DIR --include PATH`): the chosen files and
 * folders with all they hold, and the folders above them as the backup has them; nothing else.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JOURNAL_FILE, interruptedRestore } from '../../../../src-main/core/backup/journal.js';
import { NotInBackupError } from '../../../../src-main/core/backup/restore-manifest.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, writeTree } from './fixtures.js';

describe('restore of part of a backup (--include), and listing one (ls)', () => {
  let dir: TempDir;
  let src: string;
  const mtime = new Date('2026-02-03T04:05:06.789Z');
  before(async () => {
    dir = await tempDir('ccmon-bk-partial-');
    src = join(dir.path, 'etc', 'claude-code');
    writeTree(
      src,
      [
        { path: 'settings.json', content: '{"model":"opus"}', mode: 0o640, mtime },
        { path: 'settings.json.bak', content: 'old' },
        { path: 'agents/a.md', content: 'agent a' },
        { path: 'agents/sub/b.md', content: 'agent b', mode: 0o600 },
        { path: 'agents-old/a.md', content: 'not this one' },
        { path: 'other.json', content: '{}' },
      ],
      [['agents/current', 'a.md']],
    );
  });
  after(() => dir.cleanup());

  for (const variant of [
    { name: 'gzip', extra: {} },
    { name: 'zstd-encrypted', extra: { compression: 'zstd', encryption: { enabled: true } } },
  ])
    it(`${variant.name}: restores the chosen file and folder, the folders above them, nothing else`, async () => {
      const s = new BackupService({
        config: backupConfig({
          directory: join(dir.path, `backups-${variant.name}`),
          sets: [{ name: 'cc', sources: [src], ccmonState: false }],
          ...variant.extra,
        }),
        dataDir: join(dir.path, 'data'),
        configFile: null,
        passphrase: async () => 'correct horse battery staple',
      });
      const { backup } = await s.backup('cc', { kind: 'manual' });
      const to = join(dir.path, `restored-${variant.name}`);
      const include = [join(src, 'settings.json'), join(src, 'agents')];
      const at = (p: string) => join(to, src, p);

      const dry = await s.restore({ ref: backup.id, to, dryRun: true, include });
      assert.deepEqual(
        [...dry.diff.added].sort(),
        [
          '',
          'agents',
          'agents/a.md',
          'agents/current',
          'agents/sub',
          'agents/sub/b.md',
          'settings.json',
        ]
          .map((p) => (p ? at(p) : join(to, src)))
          .sort(),
      );
      assert.match(dry.message, /into .* \(only .*settings\.json, .*agents\): 7 added/);
      assert.equal(existsSync(to), false, 'a dry run writes nothing');

      const r = await s.restore({ ref: backup.id, to, dryRun: false, include });
      assert.equal(r.ok, true, r.message);
      assert.match(r.message, /^restored 3 files \(3 folders, 1 symlinks\) into .* \(only /);
      assert.equal(readFileSync(at('settings.json'), 'utf8'), '{"model":"opus"}');
      assert.equal(lstatSync(at('settings.json')).mode & 0o777, 0o640);
      assert.equal(lstatSync(at('settings.json')).mtime.toISOString(), mtime.toISOString());
      assert.equal(readFileSync(at('agents/sub/b.md'), 'utf8'), 'agent b');
      assert.equal(lstatSync(at('agents/sub/b.md')).mode & 0o777, 0o600);
      assert.equal(readlinkSync(at('agents/current')), 'a.md');
      for (const left of ['settings.json.bak', 'agents-old', 'other.json'])
        assert.equal(existsSync(at(left)), false, left);

      // What `ccmon ls` lists: the same paths --include takes, below one when given.
      const listed: string[] = [];
      const l = await s.files(backup.id, join(src, 'agents'), (f) => void listed.push(f.path));
      assert.deepEqual(
        listed.map((p) => p.slice(p.indexOf('/agents'))),
        ['/agents', '/agents/a.md', '/agents/current', '/agents/sub', '/agents/sub/b.md'],
      );
      assert.equal(l.id, backup.id);
      let all = 0;
      await s.files(backup.id, null, () => void all++);
      assert.equal(all, backup.files + 1 + 3 + 1, 'files, the root, 3 folders and the symlink');
      await assert.rejects(
        s.files(backup.id, join(src, 'agents', 'nope'), () => {}),
        NotInBackupError,
      );
    });

  it('a path the backup does not have is refused before anything is written; in place is refused', async () => {
    const s = new BackupService({
      config: backupConfig({
        directory: join(dir.path, 'backups-refused'),
        sets: [{ name: 'cc', sources: [src], ccmonState: false }],
      }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
    });
    const { backup } = await s.backup('cc', { kind: 'manual' });
    const to = join(dir.path, 'restored-refused');
    await assert.rejects(
      s.restore({
        ref: backup.id,
        to,
        dryRun: false,
        include: [join(src, 'agents'), join(src, 'agnets')],
      }),
      (e: Error) =>
        e instanceof NotInBackupError &&
        e.message.includes(`not in backup ${backup.id}: ${join(src, 'agnets')} (`) &&
        e.message.includes(`below ${src}`),
    );
    assert.equal(existsSync(to), false);
    // A folder above a source holds all the backup has of it, as `tar -x etc/` extracts.
    const above = await s.restore({
      ref: backup.id,
      to,
      dryRun: true,
      include: [join(dir.path, 'etc')],
    });
    const whole = await s.restore({ ref: backup.id, to, dryRun: true });
    assert.equal(above.diff.counts.added, whole.diff.counts.added);
    await assert.rejects(
      s.restore({ ref: backup.id, to: null, dryRun: true, include: [join(src, 'agents')] }),
      /needs a folder to restore into \(--to DIR\)/,
    );
  });

  it('an interrupted partial restore is re-run with the same --include', () => {
    const backups = join(dir.path, 'backups-journal');
    writeTree(backups, [{ path: 'keep', content: '' }]);
    writeFileSync(
      join(backups, JOURNAL_FILE),
      JSON.stringify({
        pid: 999_999_999,
        id: 'cc-20260101T000000Z',
        archive: join(backups, 'cc-20260101T000000Z.tar.gz'),
        target: '/tmp/out',
        phase: 'extracting',
        safetyBackup: null,
        serviceStopped: false,
        tempSuffix: 'abcd1234',
        roots: ['/tmp/out'],
        only: ['fs/etc/claude-code/settings.json'],
        startedAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    assert.match(
      interruptedRestore(backups)?.message ?? '',
      /Re-run it: ccmon restore cc-20260101T000000Z --to \/tmp\/out --include \/etc\/claude-code\/settings\.json --yes$/,
    );
  });
});
