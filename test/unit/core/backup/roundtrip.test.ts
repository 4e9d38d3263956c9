import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chownSync,
  lchownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
  statSync,
  readdirSync,
  truncateSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BackupConfig } from '../../../../src-main/core/backup/config.js';
import { createBackup } from '../../../../src-main/core/backup/create.js';
import { parseSidecar } from '../../../../src-main/core/backup/manifest-schema.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, sampleTree, writeTree, type TreeFile } from './fixtures.js';

describe('backup round trip', () => {
  let dir: TempDir;
  let src: string;
  let files: TreeFile[];
  before(async () => {
    dir = await tempDir('ccmon-bk-rt-');
    src = join(dir.path, 'etc', 'claude-code');
    files = sampleTree(src);
  });
  after(() => dir.cleanup());

  const service = (name: string, extra: Record<string, unknown> = {}, inProcess = false) => {
    const config: BackupConfig = backupConfig({
      directory: join(dir.path, `backups-${name}`),
      sets: [{ name, sources: [src, join(dir.path, 'missing')], ccmonState: false }],
      ...extra,
    });
    return new BackupService({
      config,
      dataDir: join(dir.path, 'data'),
      configFile: null,
      passphrase: async () => 'correct horse battery staple',
      inProcess,
    });
  };

  /** A one-folder set `name` backed up and restored into a new folder, which is returned. */
  const backUpAndRestore = async (name: string, source: string): Promise<string> => {
    const s = service(name, { sets: [{ name, sources: [source], ccmonState: false }] });
    const r = await s.backup(name, { kind: 'manual' });
    const to = join(dir.path, `restored-${name}`);
    const report = await s.restore({ ref: r.backup.id, to, dryRun: false });
    assert.equal(report.ok, true, report.message);
    return to;
  };

  for (const variant of [
    { name: 'gzip', extra: {} },
    { name: 'zstd', extra: { compression: 'zstd' } },
    { name: 'encrypted', extra: { encryption: { enabled: true } } },
    // As the CLI runs them: backup, plan, extraction and verify on this thread, not on workers.
    { name: 'gzip-here', extra: {}, inProcess: true },
    { name: 'encrypted-here', extra: { encryption: { enabled: true } }, inProcess: true },
  ]) {
    it(`${variant.name}: restores content, modes, mtimes and symlinks exactly; verify passes`, async () => {
      const s = service(variant.name, variant.extra, variant.inProcess);
      const r = await s.backup(undefined, { kind: 'manual' });
      assert.equal(r.backup.files, files.length);
      assert.ok(
        r.backup.warnings.some((w) => /missing.*does not exist/.test(w)),
        'a missing source is reported, not fatal',
      );
      assert.equal(r.backup.sources.find((x) => x.name.endsWith('missing'))?.status, 'missing');
      const v = await s.verify(r.backup.id);
      assert.deepEqual(v.problems, []);
      assert.equal(v.files, files.length);
      const to = join(dir.path, `restored-${variant.name}`);
      const report = await s.restore({ ref: r.backup.id, to, dryRun: false });
      assert.equal(report.ok, true, report.message);
      const base = join(to, src);
      for (const f of files) {
        const p = join(base, f.path);
        assert.deepEqual(readFileSync(p), Buffer.from(f.content), f.path);
        const st = lstatSync(p);
        assert.equal(
          (st.mode & 0o7777).toString(8),
          (f.mode ?? 0o644).toString(8),
          `${f.path} mode`,
        );
        const want = (f.mtime ?? new Date('2026-03-04T05:06:07.250Z')).getTime();
        assert.equal(Math.round(st.mtimeMs), want, `${f.path} mtime (to the millisecond)`);
      }
      assert.equal(readlinkSync(join(base, 'current')), 'config.yaml');
      assert.equal(
        Math.round(lstatSync(join(base, 'current')).mtimeMs),
        Math.round(lstatSync(join(src, 'current')).mtimeMs),
        "the symlink's own time",
      );
      const test = await s.restoreTest();
      assert.equal(test.ok, true, test.problems.join('; '));
    });
  }

  it('a restore replaces what stands in the way: a folder for a file or a symlink, a file for a folder', async () => {
    const s = service('in-the-way');
    const r = await s.backup(undefined, { kind: 'manual' });
    const to = join(dir.path, 'restored-in-the-way');
    const base = join(to, src);
    mkdirSync(join(base, 'secrets', 'token', 'inner'), { recursive: true }); // the backup: a file
    writeFileSync(join(base, 'logs'), 'the backup has a folder here'); // the backup: logs/big.log
    writeFileSync(join(base, 'config.yaml'), 'older content');
    mkdirSync(join(base, 'current', 'full'), { recursive: true }); // the backup: a symlink
    writeFileSync(join(base, 'current', 'full', 'x'), 'x');
    const report = await s.restore({ ref: r.backup.id, to, dryRun: false });
    assert.equal(report.ok, true, report.message);
    for (const f of files)
      assert.deepEqual(readFileSync(join(base, f.path)), Buffer.from(f.content), f.path);
    assert.equal(readlinkSync(join(base, 'current')), 'config.yaml');
    assert.deepEqual(
      readdirSync(base).filter((n) => n.includes('.ccmon-restore-')),
      [],
      'no temporary file or folder is left',
    );
  });

  it('hard links come back linked (archived whole, as any tar reads them); a sparse file whole', async () => {
    const linked = join(dir.path, 'linked');
    writeTree(linked, [
      { path: 'a.log', content: 'the same bytes' },
      { path: 'lone.log', content: 'the same bytes' }, // equal bytes, not a link: stays apart
    ]);
    mkdirSync(join(linked, 'sub'));
    linkSync(join(linked, 'a.log'), join(linked, 'b.log'));
    linkSync(join(linked, 'a.log'), join(linked, 'sub', 'c.log'));
    writeFileSync(join(linked, 'sparse.img'), '');
    truncateSync(join(linked, 'sparse.img'), 3 * 1024 * 1024); // all hole
    const s = service('linked', {
      sets: [{ name: 'linked', sources: [linked], ccmonState: false }],
    });
    const { backup } = await s.backup('linked', { kind: 'manual' });

    // Every link is a whole regular file in the archive; the manifest names the first of each.
    const listing = execFileSync('tar', ['-tvzf', backup.archivePath], {
      encoding: 'utf8',
    });
    for (const name of ['a.log', 'b.log', 'sub/c.log'])
      assert.match(listing, new RegExp(`^-rw.* 14 .*/linked/${name}$`, 'm'), listing);
    const records = parseSidecar(
      readFileSync(backup.archivePath.replace(/\.tar\.gz$/, '.manifest.json'), 'utf8'),
      'sidecar',
    ).files!;
    const byName = (n: string) => records.find((f) => f.path.endsWith(`/linked/${n}`))!;
    const marked = ['a.log', 'b.log', 'sub/c.log'].filter((n) => byName(n).hardlinkTo);
    assert.equal(marked.length, 2, 'the first of the three is not marked, the other two are');
    const first = ['a.log', 'b.log', 'sub/c.log'].find((n) => !byName(n).hardlinkTo)!;
    for (const n of marked) assert.equal(byName(n).hardlinkTo, byName(first).path);
    assert.equal(byName('lone.log').hardlinkTo, undefined);

    const to = join(dir.path, 'restored-linked');
    const report = await s.restore({ ref: backup.id, to, dryRun: false });
    assert.equal(report.ok, true, report.message);
    assert.match(report.message, /2 hard links kept/);
    const ino = (n: string) => statSync(join(to, linked, n)).ino;
    assert.equal(ino('b.log'), ino('a.log'));
    assert.equal(ino('sub/c.log'), ino('a.log'));
    assert.equal(statSync(join(to, linked, 'a.log')).nlink, 3);
    assert.notEqual(ino('lone.log'), ino('a.log'));
    assert.equal(readFileSync(join(to, linked, 'sub/c.log'), 'utf8'), 'the same bytes');
    assert.deepEqual(
      readdirSync(join(to, linked)).filter((n) => n.includes('.ccmon-restore-')),
      [],
      'no temporary link is left',
    );
    assert.equal((await s.verify(backup.id)).ok, true);

    // Restored in part, a link whose first is left out is a file of its own.
    const part = join(dir.path, 'restored-linked-part');
    const partial = await s.restore({
      ref: backup.id,
      to: part,
      dryRun: false,
      include: [join(linked, 'sub')],
    });
    assert.equal(partial.ok, true, partial.message);
    assert.equal(readFileSync(join(part, linked, 'sub/c.log'), 'utf8'), 'the same bytes');
    assert.equal(statSync(join(part, linked, 'sub/c.log')).nlink, 1);

    const sparse = statSync(join(to, linked, 'sparse.img'));
    assert.equal(sparse.size, 3 * 1024 * 1024);
    assert.ok(sparse.blocks * 512 >= sparse.size, `written whole: ${sparse.blocks} blocks`);
  });

  it('restores modes the umask would strip, and special bits, into a new folder', async () => {
    const odd = join(dir.path, 'odd-modes');
    const modes = { 'shared.txt': 0o666, 'tool.sh': 0o777, 'setgid.sh': 0o2755, 'none.txt': 0 };
    writeTree(
      odd,
      Object.entries(modes).map(([path, mode]) => ({ path, content: path, mode })),
    );
    const to = await backUpAndRestore('odd', odd);
    for (const [path, mode] of Object.entries(modes))
      assert.equal(
        (statSync(join(to, odd, path)).mode & 0o7777).toString(8),
        mode.toString(8),
        path,
      );
  });

  it(
    'as root, restores the owners of files, folders and symlinks',
    {
      skip: process.getuid?.() !== 0 && 'needs root',
    },
    async () => {
      const owned = join(dir.path, 'owned');
      writeTree(owned, [{ path: 'team/notes.txt', content: 'n' }], [['team/link', 'notes.txt']]);
      for (const p of ['team', 'team/notes.txt']) chownSync(join(owned, p), 1234, 5678);
      lchownSync(join(owned, 'team/link'), 4321, 8765);
      const to = await backUpAndRestore('owned', owned);
      const owner = (p: string) => {
        const st = lstatSync(join(to, owned, p));
        return [st.uid, st.gid];
      };
      assert.deepEqual(owner('team'), [1234, 5678]);
      assert.deepEqual(owner('team/notes.txt'), [1234, 5678]);
      assert.deepEqual(owner('team/link'), [4321, 8765]);
    },
  );

  it('GNU tar reads a gzip archive (long and non-ASCII names included) and zstd one', async () => {
    const s = service('gnu');
    const { backup } = await s.backup();
    const out = join(dir.path, 'gnu-out');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', backup.archivePath, '-C', out]);
    for (const f of files)
      assert.deepEqual(readFileSync(join(out, 'fs', src, f.path)), Buffer.from(f.content));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.id, backup.id);
    assert.match(readFileSync(join(out, 'manifest.txt'), 'utf8'), /备份清单/);
  });

  it('the sidecar manifest lists every file with size, mode, mtime and sha256, and the archive checksum', async () => {
    const s = service('sidecar');
    const { backup } = await s.backup();
    const sidecar = parseSidecar(
      readFileSync(backup.archivePath.replace(/\.tar\.gz$/, '.manifest.json'), 'utf8'),
      'sidecar',
    );
    const cfg = sidecar.files!.find((f) => f.path.endsWith('/config.yaml'))!;
    assert.equal(cfg.mode, 0o640);
    assert.equal(cfg.mtime, '2026-01-02T03:04:05.678Z');
    assert.equal(cfg.size, 18);
    assert.match(cfg.sha256!, /^[0-9a-f]{64}$/);
    assert.equal(sidecar.archive.sizeBytes, statSync(backup.archivePath).size);
    assert.equal(sidecar.tool.name, 'ccmon');
    assert.ok(sidecar.totals.bytes > 3_000_000);
  });

  it('verify reports a flipped byte in the archive and exits unhappy, naming the problem', async () => {
    const s = service('tamper');
    const { backup } = await s.backup();
    const fd = openSync(backup.archivePath, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, Math.floor(statSync(backup.archivePath).size / 2));
    closeSync(fd);
    const v = await s.verify(backup.id);
    assert.equal(v.ok, false);
    assert.ok(
      v.problems.some((p) => /sha256/.test(p)),
      v.problems.join('\n'),
    );
  });

  it('verify names the entry whose content differs from the manifest', async () => {
    const s = service('content');
    const { backup } = await s.backup();
    const manifestPath = backup.archivePath.replace(/\.tar\.gz$/, '.manifest.json');
    const sidecar = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const entry = sidecar.files.find((f: { path: string }) => f.path.endsWith('/config.yaml'));
    entry.sha256 = '0'.repeat(64);
    writeFileSync(manifestPath, JSON.stringify(sidecar));
    const v = await s.verify(backup.id);
    assert.equal(v.ok, false);
    assert.ok(
      v.problems.some((p) => p.includes('config.yaml') && /does not match/.test(p)),
      v.problems.join('\n'),
    );
  });

  it('verify tells a sidecar list edited in place from one only rewritten in another layout', async () => {
    const s = service('relayout');
    const { backup } = await s.backup();
    const manifestPath = backup.archivePath.replace(/\.tar\.gz$/, '.manifest.json');
    const original = readFileSync(manifestPath, 'utf8');
    // Same records, another layout: the byte comparison cannot apply, the records still match.
    writeFileSync(manifestPath, JSON.stringify(JSON.parse(original), null, 2));
    assert.deepEqual((await s.verify(backup.id)).problems, []);
    // ccmon's layout, one record's mode changed: the lists differ, and verify says so.
    const edited = original.replace(/("path":"[^"]*\/config\.yaml"[^\n]*"mode":)\d+/, '$1420');
    assert.notEqual(edited, original);
    writeFileSync(manifestPath, edited);
    const v = await s.verify(backup.id);
    assert.equal(v.ok, false);
    assert.deepEqual(v.problems, [
      `fs${src}/config.yaml: the sidecar says mode 0644, the archive's manifest 0640`,
      "the archive's embedded manifest and its sidecar list different files",
    ]);
  });

  it('an encrypted archive refuses a wrong passphrase without writing anything', async () => {
    const s = service('enc2', { encryption: { enabled: true } });
    const { backup } = await s.backup();
    assert.match(backup.archivePath, /\.tar\.gz\.enc$/);
    assert.equal(readFileSync(backup.archivePath).subarray(0, 8).toString(), 'CCMONENC');
    const wrong = new BackupService({
      config: s.config,
      dataDir: join(dir.path, 'data'),
      configFile: null,
      passphrase: async () => 'wrong',
    });
    const v = await wrong.verify(backup.id);
    assert.equal(v.ok, false);
    assert.ok(
      v.problems.some((p) => /wrong passphrase/.test(p)),
      v.problems.join('\n'),
    );
    const to = join(dir.path, 'enc-wrong');
    await assert.rejects(wrong.restore({ ref: backup.id, to, dryRun: false }), /wrong passphrase/);
    assert.throws(() => readdirSync(to));
  });

  it('thousands of files (a manifest over 1 MiB) round-trip and GNU tar lists every entry', async () => {
    const many = join(dir.path, 'many');
    writeTree(
      many,
      Array.from({ length: 4000 }, (_, i) => ({
        path: `d${i % 20}/${'n'.repeat(80)}-${i}.log`,
        content: `line ${i}\n`,
      })),
    );
    const config = backupConfig({
      directory: join(dir.path, 'backups-many'),
      sets: [{ name: 'many', sources: [many], ccmonState: false }],
    });
    const s = new BackupService({ config, dataDir: join(dir.path, 'data'), configFile: null });
    const { backup } = await s.backup();
    const manifestSize = statSync(backup.archivePath.replace(/\.tar\.gz$/, '.manifest.json')).size;
    assert.ok(manifestSize > 1 << 20, `manifest is ${manifestSize} bytes`);
    const v = await s.verify(backup.id);
    assert.deepEqual(v.problems, []);
    assert.equal(v.files, 4000);
    const listed = execFileSync('tar', ['-tzf', backup.archivePath], { maxBuffer: 64 << 20 })
      .toString()
      .trim()
      .split('\n');
    assert.equal(listed.length, 4000 + 21 + 2);
  });

  it('two backups in the same second get distinct ids', async () => {
    const config = backupConfig({
      sets: [{ name: 'same', sources: [join(src, 'bin')], ccmonState: false }],
    });
    const a = await createBackup({
      set: config.sets[0]!,
      config,
      backupDir: join(dir.path, 'same'),
    });
    const b = await createBackup({
      set: config.sets[0]!,
      config,
      backupDir: join(dir.path, 'same'),
    });
    assert.notEqual(a.id, b.id);
  });
});
