/**
 * Restoring part of a backup (`ccmon restore REF [--to DIR] --include PATH`): the chosen files and
 * folders with all they hold, and the folders above them as the backup has them; nothing else. In
 * place, only what lies within the chosen paths is removed, the safety backup holds only them,
 * and a rollback puts back exactly what the restore replaced.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FOLDER_LIMIT } from '../../../../src-main/core/backup/browse.js';
import { livePath } from '../../../../src-main/core/backup/destination.js';
import { JOURNAL_FILE, interruptedRestore } from '../../../../src-main/core/backup/journal.js';
import { partSources } from '../../../../src-main/core/backup/restore-steps.js';
import { NotInBackupError } from '../../../../src-main/core/backup/restore-manifest.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, hookedService, writeTree } from './fixtures.js';

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
      const l = await s.listings.files(
        backup.id,
        join(src, 'agents'),
        (f) => void listed.push(f.path),
      );
      assert.deepEqual(
        listed.map((p) => p.slice(p.indexOf('/agents'))),
        ['/agents', '/agents/a.md', '/agents/current', '/agents/sub', '/agents/sub/b.md'],
      );
      assert.equal(l.id, backup.id);
      let all = 0;
      await s.listings.files(backup.id, null, () => void all++);
      assert.equal(all, backup.files + 1 + 3 + 1, 'files, the root, 3 folders and the symlink');
      await assert.rejects(
        s.listings.files(backup.id, join(src, 'agents', 'nope'), () => {}),
        NotInBackupError,
      );
    });

  it('lists one folder at a time, as a file browser shows it, a page at a time', async () => {
    const s = new BackupService({
      config: backupConfig({
        directory: join(dir.path, 'backups-browse'),
        sets: [{ name: 'cc', sources: [src], ccmonState: false }],
        compression: 'zstd',
        encryption: { enabled: true }, // the list comes from the archive's own manifest
      }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
      passphrase: async () => 'correct horse battery staple',
    });
    const { backup } = await s.backup('cc', { kind: 'manual' });
    const top = await s.listings.folder(backup.id, null);
    assert.deepEqual(
      [top.path, top.entries.map((e) => [e.path, e.type]), top.total],
      [null, [[src, 'dir']], 1],
    );
    const root = await s.listings.folder(backup.id, src);
    assert.equal(root.path, src);
    assert.deepEqual(
      root.entries.map((e) => `${e.type} ${e.name}`),
      [
        'dir agents',
        'dir agents-old',
        'file other.json',
        'file settings.json',
        'file settings.json.bak',
      ],
      'folders first, then by name',
    );
    const settings = root.entries.find((e) => e.name === 'settings.json')!;
    assert.deepEqual(
      [settings.path, settings.size, settings.mtime],
      [join(src, 'settings.json'), 16, mtime.toISOString()],
    );
    const agents = await s.listings.folder(backup.id, join(src, 'agents'));
    assert.deepEqual(
      agents.entries.map((e) => `${e.type} ${e.name}`),
      ['dir sub', 'file a.md', 'symlink current'],
    );
    await assert.rejects(s.listings.folder(backup.id, join(src, 'nope')), NotInBackupError);

    // Narrowed by name, in any case; a folder with no match is still a folder.
    const named = await s.listings.folder(backup.id, src, { match: 'SETTINGS' });
    assert.deepEqual(
      [named.entries.map((e) => e.name), named.total],
      [['settings.json', 'settings.json.bak'], 2],
    );
    const none = await s.listings.folder(backup.id, join(src, 'agents'), { match: 'settings' });
    assert.deepEqual([none.entries, none.total], [[], 0]);
    await assert.rejects(
      s.listings.folder(backup.id, join(src, 'nope'), { match: 'x' }),
      NotInBackupError,
    );

    // Paged from an offset in the backup's order (by name), narrowed or not.
    const page = await s.listings.folder(backup.id, src, { offset: 3 });
    assert.deepEqual(
      [page.entries.map((e) => e.name), page.offset, page.limit, page.total],
      [['settings.json', 'settings.json.bak'], 3, FOLDER_LIMIT, 5],
    );
    const namedPage = await s.listings.folder(backup.id, src, { match: 'settings', offset: 1 });
    assert.deepEqual(
      [namedPage.entries.map((e) => e.name), namedPage.total],
      [['settings.json.bak'], 2],
    );
    const past = await s.listings.folder(backup.id, src, { offset: 9 });
    assert.deepEqual([past.entries, past.total], [[], 5]);
  });

  it('a path the backup does not have is refused before anything is written', async () => {
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

describe('restore of part of a backup in place', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-partial-inplace-');
  });
  after(() => dir.cleanup());

  const service = (name: string, sources: unknown[], healthy?: () => boolean) =>
    hookedService({ dir: dir.path, name, sources }, healthy);

  it('puts back a deleted file and a folder as it was, and leaves everything else alone', async () => {
    const src = join(dir.path, 'ok', 'etc', 'claude-code');
    writeTree(src, [
      { path: 'settings.json', content: '{"model":"opus"}', mode: 0o640 },
      { path: 'agents/a.md', content: 'agent a' },
      { path: 'agents/b.md', content: 'agent b' },
      { path: 'other.json', content: 'v1' },
    ]);
    const { s, calls } = service('ok', [src]);
    const { backup } = await s.backup();
    rmSync(join(src, 'settings.json'));
    writeFileSync(join(src, 'agents', 'a.md'), 'edited since');
    writeFileSync(join(src, 'agents', 'new.md'), 'added since');
    writeFileSync(join(src, 'other.json'), 'v2: not chosen, kept');
    writeFileSync(join(src, 'stray.json'), 'outside the chosen paths: kept');
    const include = [join(src, 'settings.json'), join(src, 'agents')];

    const dry = await s.restore({ ref: backup.id, to: null, dryRun: true, include });
    assert.deepEqual(dry.diff.added, [join(src, 'settings.json')]);
    assert.deepEqual(dry.diff.changed, [join(src, 'agents', 'a.md')]);
    assert.deepEqual(dry.diff.removed, [join(src, 'agents', 'new.md')]);
    assert.match(
      dry.message,
      /^dry run of .* in place \(only .*settings\.json, .*agents\): 1 added, 1 changed, 1 removed/,
    );
    assert.equal(existsSync(join(src, 'settings.json')), false, 'a dry run writes nothing');

    const r = await s.restore({ ref: backup.id, to: null, dryRun: false, include });
    assert.equal(r.ok, true, r.message);
    assert.match(r.message, /^restored .* in place \(only .*\); safety backup /);
    assert.equal(readFileSync(join(src, 'settings.json'), 'utf8'), '{"model":"opus"}');
    assert.equal(lstatSync(join(src, 'settings.json')).mode & 0o777, 0o640);
    assert.equal(readFileSync(join(src, 'agents', 'a.md'), 'utf8'), 'agent a');
    assert.equal(
      existsSync(join(src, 'agents', 'new.md')),
      false,
      'removed within a chosen folder',
    );
    assert.equal(readFileSync(join(src, 'other.json'), 'utf8'), 'v2: not chosen, kept');
    assert.equal(readFileSync(join(src, 'stray.json'), 'utf8'), 'outside the chosen paths: kept');
    assert.deepEqual(calls, ['systemctl stop claude-code', 'systemctl start claude-code']);

    // The safety backup holds what was replaced: the chosen folder, and for the missing file the
    // nearest folder above it (here the source's own), so a rollback removes it again.
    const safety: string[] = [];
    await s.listings.files(r.safetyBackup!, null, (f) => void safety.push(livePath(f.path)));
    assert.ok(safety.includes(join(src, 'agents', 'new.md')), 'the file the restore removed');
    assert.ok(safety.includes(join(src, 'stray.json')), 'the folder above the missing file');
  });

  it('a failed verification rolls back exactly what the restore replaced', async () => {
    const src = join(dir.path, 'rollback', 'etc', 'claude-code');
    writeTree(src, [
      { path: 'conf/settings.json', content: 'old' },
      { path: 'conf/keep.json', content: 'old keep' },
      { path: 'other.json', content: 'v1' },
    ]);
    let restored = false;
    const { s } = service('rollback', [src], () => !restored);
    const { backup } = await s.backup();
    rmSync(join(src, 'conf'), { recursive: true });
    writeFileSync(join(src, 'other.json'), 'v2');
    const pending = s.restore({
      ref: backup.id,
      to: null,
      dryRun: false,
      include: [join(src, 'conf', 'settings.json')],
    });
    restored = true;
    const r = await pending;
    assert.equal(r.ok, false);
    assert.equal(r.rolledBack, true, r.message);
    assert.equal(existsSync(join(src, 'conf')), false, 'the folder the restore made is gone again');
    assert.equal(readFileSync(join(src, 'other.json'), 'utf8'), 'v2');
  });

  it('the database dump is left alone, and no safety source lies outside the chosen paths', () => {
    const root = join(dir.path, 'sources');
    writeTree(root, [
      { path: 'a/x/file', content: 'x' },
      { path: 'b/y', content: 'y' },
    ]);
    mkdirSync(join(root, 'a', 'empty'));
    const a = join(root, 'a');
    const b = join(root, 'b');
    const source = (p: string, exclude: string[] = []) => ({
      name: p,
      kind: 'directory' as const,
      origin: p,
      status: 'ok' as const,
      message: '',
      files: 0,
      bytes: 0,
      archivePath: `fs${p}`,
      include: [],
      exclude,
    });
    const got = partSources(
      [source(a), source(b, ['*.tmp'])],
      [
        `fs${a}/x/file`, // exists: itself
        `fs${a}/x`, // a folder above the first: the first is in it
        `fs${a}/gone/deeper`, // missing: the nearest folder above it inside the source
        `fs${root}`, // above source b: all of it, with its globs
      ],
    );
    assert.deepEqual(got, [
      { path: a, include: [], exclude: [] },
      { path: b, include: [], exclude: ['*.tmp'] },
    ]);
    assert.deepEqual(partSources([source(a)], [`fs${a}/x/file`, `fs${a}/empty`]), [
      { path: join(a, 'empty'), include: [], exclude: [] },
      { path: join(a, 'x', 'file'), include: [], exclude: [] },
    ]);
  });
});
