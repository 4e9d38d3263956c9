/**
 * What a backup archives when its sources overlap, are symlinks, hold the backup folder or
 * ccmon's secrets, or are all missing: every entry once (verify and restore refuse duplicates),
 * links followed to the real folder, no archive inside an archive, no secrets, and no empty
 * backup passed off as a good one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  backupConfigSchema,
  backupSetSchema,
  type BackupSetConfig,
} from '../../../../src-main/core/backup/config.js';
import { BackupError, createBackup } from '../../../../src-main/core/backup/create.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig } from './fixtures.js';

/** The archive's entry names (GNU tar's listing). */
const listing = (archive: string) =>
  execFileSync('tar', ['-tzf', archive]).toString().trim().split('\n');

describe('backup sources that overlap, link or are missing', () => {
  let dir: TempDir;
  let n = 0;
  before(async () => {
    dir = await tempDir('ccmon-bk-overlap-');
  });
  after(() => dir.cleanup());

  /** A service over one set; `sources` as the config file would list them. */
  const service = (sources: unknown[], extra: Record<string, unknown> = {}) => {
    const name = `s${n++}`;
    const config = backupConfig({
      directory: join(dir.path, `backups-${name}`),
      sets: [{ name, sources, ccmonState: false }],
      ...extra,
    });
    return new BackupService({
      config,
      dataDir: join(dir.path, `data-${name}`),
      configFile: null,
    });
  };

  /** A folder with app/logs/today.log and app/settings.json. */
  const tree = (name: string) => {
    const root = join(dir.path, name, 'app');
    mkdirSync(join(root, 'logs'), { recursive: true });
    writeFileSync(join(root, 'logs', 'today.log'), 'log line\n');
    writeFileSync(join(root, 'settings.json'), '{"a":1}\n');
    return root;
  };

  it('archives a source nested in another once, with its own globs, and it verifies and restores', async () => {
    const root = tree('nested');
    writeFileSync(join(root, 'logs', 'old.gz'), 'zipped');
    const s = service([root, { path: join(root, 'logs'), exclude: ['*.gz'] }]);
    const r = await s.backup(undefined, { kind: 'manual' });
    const names = listing(r.backup.archivePath).filter((p) => p.includes('/logs/'));
    assert.deepEqual(names.sort(), [`fs${root}/logs/today.log`]);
    assert.deepEqual((await s.verify(r.backup.id)).problems, []);
    const to = join(dir.path, 'nested-restored');
    const report = await s.restore({ ref: r.backup.id, to, dryRun: false });
    assert.equal(report.ok, true, report.message);
    assert.equal(readFileSync(join(to, root, 'logs', 'today.log'), 'utf8'), 'log line\n');
    // A restore in place removes what the nested source's globs left out of the backup as
    // little as the outer source's own walk did before: old.gz was excluded, so it stays.
    const inPlace = await s.restore({ ref: r.backup.id, to: null, dryRun: true });
    assert.deepEqual(inPlace.diff.removed, []);
  });

  it('archives a folder listed twice once, with a warning (a set made without the config check)', async () => {
    const root = tree('twice');
    const one = backupSetSchema.parse({ name: 'twice', sources: [root], ccmonState: false });
    const set: BackupSetConfig = { ...one, sources: [...one.sources, ...one.sources] };
    const backupDir = join(dir.path, 'backups-twice');
    const r = await createBackup({ set, config: backupConfig(), backupDir });
    assert.ok(
      r.warnings.includes(`source ${root} is ${root} again; archived once`),
      r.warnings.join('\n'),
    );
    const names = listing(r.archivePath);
    assert.equal(new Set(names).size, names.length, 'no entry twice');
  });

  it('follows a source that is a symlink to the real folder and archives it there', async () => {
    const root = tree('real');
    const link = join(dir.path, 'linked-app');
    symlinkSync(root, link);
    const s = service([`${link}/`]);
    const r = await s.backup(undefined, { kind: 'manual' });
    assert.ok(listing(r.backup.archivePath).includes(`fs${root}/logs/today.log`));
    const src = r.backup.sources[0]!;
    assert.equal(src.message, `a symlink to ${root}; archived there`);
    assert.equal(src.files, 2);
    assert.deepEqual((await s.verify(r.backup.id)).problems, []);
    const to = join(dir.path, 'real-restored');
    assert.equal((await s.restore({ ref: r.backup.id, to, dryRun: false })).ok, true);
    assert.equal(readFileSync(join(to, root, 'settings.json'), 'utf8'), '{"a":1}\n');
  });

  it('leaves the backup folder out of a source that holds it', async () => {
    const root = tree('holder');
    const s = service([root], { directory: join(root, 'backups') });
    const first = await s.backup(undefined, { kind: 'manual' });
    const second = await s.backup(undefined, { kind: 'manual' });
    const names = listing(second.backup.archivePath);
    assert.ok(!names.some((p) => p.includes('/backups')), names.join('\n'));
    assert.ok(existsSync(first.backup.archivePath));
    assert.deepEqual((await s.verify(second.backup.id)).problems, []);
    // Restoring in place must not count the archives as files to remove.
    const plan = await s.restore({ ref: first.backup.id, to: null, dryRun: true });
    assert.deepEqual(plan.diff.removed, []);
  });

  it("leaves ccmon's time series snapshot and secrets out of its state", async () => {
    const data = join(dir.path, 'ccmon-data');
    mkdirSync(join(data, 'jobs'), { recursive: true });
    mkdirSync(join(data, 'backup'), { recursive: true });
    for (const f of [
      'tsdb.snapshot',
      'dashboard-token',
      'secrets.json',
      'backup/restore-tests.json',
      'backup/sets.json',
      'jobs/history.jsonl',
    ])
      writeFileSync(join(data, f), f);
    const config = backupConfig({
      directory: join(dir.path, 'backups-state'),
      sets: [{ name: 'state', sources: [], ccmonState: true }],
    });
    const s = new BackupService({
      config,
      dataDir: data,
      configFile: null,
    });
    const r = await s.backup(undefined, { kind: 'manual' });
    const files = listing(r.backup.archivePath).filter((p) => p.startsWith(`fs${data}/`));
    assert.deepEqual(files.sort(), [
      `fs${data}/backup`,
      `fs${data}/jobs`,
      `fs${data}/jobs/history.jsonl`,
    ]);
  });

  it('fails when every source is missing, and says which; a safety backup does not', async () => {
    const gone = [join(dir.path, 'gone-a'), join(dir.path, 'gone-b')];
    const set = backupSetSchema.parse({ name: 'gone', sources: gone, ccmonState: false });
    const backupDir = join(dir.path, 'backups-gone');
    await assert.rejects(
      createBackup({ set, config: backupConfig(), backupDir }),
      (err: Error) =>
        err instanceof BackupError &&
        err.message === `nothing to back up: none of the sources exists (${gone.join(', ')})`,
    );
    assert.equal(existsSync(backupDir), false, 'nothing was written');
    const safety = await createBackup({ set, config: backupConfig(), backupDir, kind: 'safety' });
    assert.equal(safety.files, 0);
    // One missing source among present ones stays a warning.
    const root = tree('some');
    const some = backupSetSchema.parse({
      name: 'some',
      sources: [root, gone[0]],
      ccmonState: false,
    });
    const r = await createBackup({ set: some, config: backupConfig(), backupDir });
    assert.equal(r.files, 2);
  });

  it('leaves out symlinks pointing out of the backed-up folders, so the backup restores', async () => {
    const root = tree('links');
    writeFileSync(join(dir.path, 'links', 'outside.txt'), 'out');
    symlinkSync('/etc/hostname', join(root, 'abs'));
    symlinkSync('../outside.txt', join(root, 'rel'));
    symlinkSync('settings.json', join(root, 'current'));
    const s = service([root]);
    const r = await s.backup(undefined, { kind: 'manual' });
    const abs = join(root, 'abs');
    assert.ok(
      r.backup.warnings.includes(
        `${abs}: a symlink to /etc/hostname, outside the backed-up folders; not archived, as a restore refuses such links (to make it again: ln -s '/etc/hostname' '${abs}')`,
      ),
      r.backup.warnings.join('\n'),
    );
    assert.ok(
      r.backup.warnings.some((w) =>
        w.startsWith(`${join(root, 'rel')}: a symlink to ../outside.txt`),
      ),
    );
    assert.deepEqual((await s.verify(r.backup.id)).problems, []);
    const to = join(dir.path, 'links-restored');
    const report = await s.restore({ ref: r.backup.id, to, dryRun: false });
    assert.equal(report.ok, true, report.message);
    assert.equal(readlinkSync(join(to, root, 'current')), 'settings.json');
    // In place, the links left out are not files to remove either.
    const plan = await s.restore({ ref: r.backup.id, to: null, dryRun: true });
    assert.deepEqual(plan.diff.removed, []);
  });

  it('names a file whose name is not UTF-8 for what it is', async () => {
    const root = tree('bytes');
    execFileSync('sh', ['-c', `printf x > "$1/$(printf 'bad\\377name')"`, 'sh', root]);
    const s = service([root]);
    const r = await s.backup(undefined, { kind: 'manual' });
    assert.ok(
      r.backup.warnings.some((w) =>
        /bad\uFFFDname: its name is not valid UTF-8, which ccmon cannot archive; skipped/.test(w),
      ),
      r.backup.warnings.join('\n'),
    );
  });

  it('the config refuses relative paths and a folder listed twice, naming the field', () => {
    const issues = (backup: unknown) => {
      const r = backupConfigSchema.safeParse(backup);
      assert.equal(r.success, false);
      return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    assert.deepEqual(issues({ directory: 'backups', sets: [{ name: 'a', sources: ['/x'] }] }), [
      'directory: must be an absolute path (a relative one depends on where ccmon starts)',
    ]);
    assert.deepEqual(issues({ sets: [{ name: 'a', sources: ['/x', 'src/logs'] }] }), [
      'sets.0.sources.1.path: must be an absolute path (a relative one depends on where ccmon starts)',
    ]);
    assert.deepEqual(issues({ sets: [{ name: 'a', sources: ['/x/', { path: '/x' }] }] }), [
      'sets.0.sources.1.path: /x is listed twice (also sources.0)',
    ]);
    assert.deepEqual(
      issues({ sets: [{ name: 'a', sources: [{ path: '/x', include: '*.log' }] }] }),
      ['sets.0.sources.0.include: Invalid input: expected array, received string'],
    );
  });
});
