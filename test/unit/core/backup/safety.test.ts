/**
 * Hand-crafted malicious archives: each is refused before anything is written, with a message that
 * names the entry, and nothing appears inside or outside the target.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { MANIFEST_FORMAT } from '../../../../src-main/core/backup/manifest.js';
import { checkDestination, unsafePath } from '../../../../src-main/core/backup/safety.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { encodeHeader, padding, TAR_END } from '../../../../src-main/core/backup/tar.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig } from './fixtures.js';

interface CraftEntry {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string;
  linkname?: string;
  /** Overrides the tar type flag (e.g. '3' for a character device). */
  flag?: string;
  /** What the manifest says, where it lies about the header (mode 0644, owner 0:0). */
  listedMode?: number;
  listedUid?: number;
}

function header(e: CraftEntry): Buffer {
  const size = e.content ? Buffer.byteLength(e.content) : 0;
  const h = encodeHeader({
    path: e.path,
    type: e.type ?? 'file',
    size,
    mode: 0o644,
    uid: 0,
    gid: 0,
    mtimeSeconds: 1_700_000_000,
    linkname: e.linkname ?? '',
  });
  if (e.flag) {
    const block = h.subarray(h.length - 512);
    block.write(e.flag, 156, 1, 'latin1');
    block.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of block) sum += b;
    block.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'latin1');
  }
  return h;
}

/** A gzip tar of `entries`, with a manifest listing `listed` (default: the same entries). */
function craft(
  file: string,
  root: string,
  entries: CraftEntry[],
  listed: CraftEntry[] = entries,
  opts: { manifest?: boolean; badSha?: string } = {},
): void {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.content) parts.push(Buffer.from(e.content), padding(Buffer.byteLength(e.content)));
  }
  if (opts.manifest !== false) {
    const files = listed.map((e) => ({
      path: e.path,
      type: e.type === 'hardlink' ? 'file' : (e.type ?? 'file'),
      size: e.content ? Buffer.byteLength(e.content) : 0,
      mode: e.listedMode ?? 0o644,
      mtime: '2023-11-14T22:13:20.000Z',
      sha256:
        (e.type ?? 'file') === 'file'
          ? e.path === opts.badSha
            ? '0'.repeat(64)
            : createHash('sha256')
                .update(e.content ?? '')
                .digest('hex')
          : null,
      uid: e.listedUid ?? 0,
      gid: 0,
      ...(e.linkname !== undefined ? { link: e.linkname } : {}),
      source: root,
    }));
    const manifest = JSON.stringify({
      format: MANIFEST_FORMAT,
      id: 'evil-1',
      set: 'evil',
      kind: 'manual',
      tool: { name: 'ccmon', version: '0' },
      host: { hostname: 'x', platform: 'linux', arch: 'x64' },
      createdAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      durationSeconds: 1,
      compression: 'gzip',
      encrypted: false,
      sources: [
        {
          name: root,
          kind: 'directory',
          origin: `/${root}`,
          status: 'ok',
          message: '',
          files: files.length,
          bytes: 0,
          archivePath: `fs/${root}`,
        },
      ],
      totals: { files: files.length, dirs: 0, symlinks: 0, bytes: 0 },
      warnings: [],
      files,
    });
    parts.push(
      header({ path: 'manifest.json', content: manifest }),
      Buffer.from(manifest),
      padding(Buffer.byteLength(manifest)),
    );
  }
  parts.push(TAR_END);
  writeFileSync(file, gzipSync(Buffer.concat(parts)));
}

describe('extraction safety: malicious archives are refused before anything is written', () => {
  let dir: TempDir;
  let service: BackupService;
  const outside = () => join(dir.path, 'outside');
  before(async () => {
    dir = await tempDir('ccmon-bk-evil-');
    mkdirSync(outside());
    service = new BackupService({
      config: backupConfig({ directory: join(dir.path, 'backups') }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
    });
  });
  after(() => dir.cleanup());

  const root = 'srv/app';
  const good: CraftEntry = { path: `fs/${root}/ok.txt`, content: 'fine' };
  let n = 0;
  async function refused(
    entries: CraftEntry[],
    names: string,
    pattern: RegExp,
    listed?: CraftEntry[],
    opts?: { manifest?: boolean; badSha?: string },
  ) {
    const file = join(dir.path, `evil-${++n}.tar.gz`);
    craft(file, root, entries, listed, opts);
    const target = join(dir.path, `target-${n}`);
    mkdirSync(target);
    await assert.rejects(
      service.restore({ ref: file, to: target, dryRun: false }),
      (err: Error) => {
        assert.ok(err.message.includes(names), `message names '${names}': ${err.message}`);
        assert.match(err.message, pattern);
        return true;
      },
    );
    assert.deepEqual(readdirSync(target), [], 'nothing written into the target');
    assert.deepEqual(readdirSync(outside()), [], 'nothing written outside the target');
    assert.equal(existsSync('/tmp/ccmon-evil'), false);
  }

  it('refuses a path with ..', () =>
    refused(
      [good, { path: `fs/${root}/../../../../outside/pwned`, content: 'x' }],
      '../../../../outside/pwned',
      /'\.\.' component/,
    ));

  it('refuses an absolute path', () =>
    refused([good, { path: '/tmp/ccmon-evil', content: 'x' }], '/tmp/ccmon-evil', /absolute path/));

  it('refuses a symlink pointing outside (absolute target)', () =>
    refused(
      [good, { path: `fs/${root}/link`, type: 'symlink', linkname: '/etc' }],
      `fs/${root}/link`,
      /symlink to '\/etc', outside/,
    ));

  it('refuses a symlink escaping with a relative target', () =>
    refused(
      [good, { path: `fs/${root}/up`, type: 'symlink', linkname: '../../../outside' }],
      `fs/${root}/up`,
      /outside the restored folders/,
    ));

  it('refuses a folder named through a symlink of the same archive with ./, // or a trailing /', async () => {
    // The audit's escape: a symlink to a folder, then the same path spelled another way as a
    // folder, whose mode, owner and times a restore applied through the link (outside --to).
    for (const path of [`fs/${root}/./l`, `fs/${root}/l/`, `fs/${root}//l`])
      await refused(
        [good, { path: `fs/${root}/l`, type: 'symlink', linkname: 'sub' }, { path, type: 'dir' }],
        path,
        /component|ends with/,
      );
  });

  it('refuses a manifest that hands out a mode or an owner the archive does not have', async () => {
    await refused(
      [good, { path: `fs/${root}/tool`, content: 'x', listedMode: 0o6777 }],
      `fs/${root}/tool`,
      /has mode 0644 in the archive but 06777 in the manifest/,
    );
    await refused(
      [good, { path: `fs/${root}/owned`, content: 'x', listedUid: 1234 }],
      `fs/${root}/owned`,
      /is owned by 0:0 in the archive but 1234:0 in the manifest/,
    );
  });

  it('refuses a file written through a symlink of the same archive', () =>
    refused(
      [
        { path: `fs/${root}/inner`, type: 'symlink', linkname: 'sub' },
        { path: `fs/${root}/inner/x`, content: 'x' },
      ],
      `fs/${root}/inner/x`,
      /lies below the symlink/,
    ));

  it('refuses a hard link pointing outside', () =>
    refused(
      [{ path: `fs/${root}/hl`, type: 'hardlink', linkname: '/etc/passwd' }, good],
      `fs/${root}/hl`,
      /hard link to '\/etc\/passwd'/,
    ));

  it('refuses a device file', () =>
    refused([good, { path: `fs/${root}/null`, flag: '3' }], `fs/${root}/null`, /device file/));

  it('refuses an entry the manifest does not list', () =>
    refused(
      [good, { path: `fs/${root}/smuggled`, content: 'x' }],
      `fs/${root}/smuggled`,
      /not listed in the manifest/,
      [good],
    ));

  it('refuses content that does not match the manifest, and removes what it wrote', () =>
    refused(
      [good, { path: `fs/${root}/b.txt`, content: 'b' }],
      `fs/${root}/b.txt`,
      /does not match its manifest checksum/,
      undefined,
      { badSha: `fs/${root}/b.txt` },
    ));

  it('refuses an archive without a ccmon manifest (plain GNU tar, absolute names)', async () => {
    const file = join(dir.path, 'gnu.tar.gz');
    writeFileSync(join(dir.path, 'loose'), 'x');
    execFileSync('tar', ['-czPf', file, join(dir.path, 'loose')]);
    const target = join(dir.path, 'target-gnu');
    await assert.rejects(
      service.restore({ ref: file, to: target, dryRun: false }),
      /no manifest\.json/,
    );
    assert.equal(existsSync(target), false);
  });

  it('refuses to write through a symlink that exists in the target on disk', async () => {
    const file = join(dir.path, 'ondisk.tar.gz');
    craft(file, root, [good]);
    const target = join(dir.path, 'target-ondisk');
    mkdirSync(target);
    symlinkSync(outside(), join(target, 'srv'));
    await assert.rejects(
      service.restore({ ref: file, to: target, dryRun: false }),
      /written through the symlink .*srv/,
    );
    assert.deepEqual(readdirSync(outside()), []);
  });

  it('follows a --to that is itself a symlink, as tar -C does, and still checks below it', async () => {
    const file = join(dir.path, 'to-link.tar.gz');
    craft(file, root, [good]);
    const real = join(dir.path, 'target-real');
    mkdirSync(real);
    const link = join(dir.path, 'target-link');
    symlinkSync(real, link);
    const r = await service.restore({ ref: file, to: link, dryRun: false });
    assert.equal(r.ok, true, r.message);
    assert.ok(existsSync(join(real, root, 'ok.txt')), 'written into the folder the link names');
    // A symlink inside the target it names is still refused.
    const real2 = join(dir.path, 'target-real-2');
    mkdirSync(real2);
    symlinkSync(outside(), join(real2, 'srv'));
    const link2 = join(dir.path, 'target-link-2');
    symlinkSync(real2, link2);
    await assert.rejects(
      service.restore({ ref: file, to: link2, dryRun: false }),
      /written through the symlink .*srv/,
    );
    assert.deepEqual(readdirSync(outside()), []);
  });

  it('a clean crafted archive restores (the harness itself is not what refuses)', async () => {
    const file = join(dir.path, 'clean.tar.gz');
    craft(file, root, [good]);
    const target = join(dir.path, 'target-clean');
    const r = await service.restore({ ref: file, to: target, dryRun: false });
    assert.equal(r.ok, true);
    assert.ok(existsSync(join(target, root, 'ok.txt')));
  });
});

describe('checkDestination', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-dest-');
  });
  after(() => dir.cleanup());

  it('tells a folder from a sibling whose name only starts like it', () => {
    const root = join(dir.path, 'out');
    assert.throws(
      () => checkDestination('fs/x', join(dir.path, 'out-evil', 'x'), [root], new Set()),
      /outside/,
    );
    checkDestination('fs', root, [root], new Set()); // the root itself
  });

  it('checks each new folder for a symlink, however many files the folder before it had', () => {
    const root = join(dir.path, 'tree');
    mkdirSync(join(root, 'a'), { recursive: true });
    mkdirSync(join(dir.path, 'elsewhere'));
    symlinkSync(join(dir.path, 'elsewhere'), join(root, 'b'));
    const checked = new Set<string>();
    for (let i = 0; i < 3; i++)
      checkDestination(`fs/a/${i}`, join(root, 'a', String(i)), [root], checked);
    assert.throws(
      () => checkDestination('fs/b/0', join(root, 'b', '0'), [root], checked),
      /written through the symlink .*b on this machine/,
    );
  });
});

describe('unsafePath', () => {
  it("refuses '..' as a whole component wherever it stands", () => {
    for (const p of ['..', '../etc', 'fs/..', 'fs/../etc', 'fs/a/../../etc'])
      assert.equal(unsafePath(p), "contains a '..' component", p);
  });

  it('refuses a path not in normal form: the same entry under another name', () => {
    const cases: [string, string][] = [
      ['fs/tmp/./l', "contains a '.' component"],
      ['./fs/x', "contains a '.' component"],
      ['fs/x/.', "contains a '.' component"],
      ['fs/tmp//l', "contains an empty component ('//')"],
      ['fs/tmp/l/', "ends with '/'"],
    ];
    for (const [p, why] of cases) assert.equal(unsafePath(p), why, p);
    for (const p of ['fs/', 'fs/.hidden', 'fs/a.', 'fs/x/.d/y'])
      assert.equal(unsafePath(p), null, p);
  });

  it('accepts names that only contain two dots', () => {
    for (const p of ['fs/a..b', 'fs/..a', 'fs/a..', 'fs/.../x', 'dumps/db..sql'])
      assert.equal(unsafePath(p), null, p);
  });
});
