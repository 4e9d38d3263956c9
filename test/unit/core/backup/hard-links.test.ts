import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { relinkHardLinks } from '../../../../src-main/core/backup/hard-links.js';
import type { ManifestFile } from '../../../../src-main/core/backup/manifest.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const file = (path: string, sha256: string, hardlinkTo?: string): ManifestFile => ({
  path,
  type: 'file',
  size: 1,
  mode: 0o644,
  mtime: '2026-11-24T00:00:00.000Z',
  sha256,
  uid: 0,
  gid: 0,
  source: 'src',
  ...(hardlinkTo === undefined ? {} : { hardlinkTo }),
});

describe('hard links made again after a restore', () => {
  let dir: TempDir;
  before(async () => (dir = await tempDir('ccmon-hardlinks-')));
  after(() => dir.cleanup());

  /** Restored files `names` (each holding its own name) in a fresh folder, and the mapping to them. */
  const restored = (folder: string, names: string[]) => {
    const root = join(dir.path, folder);
    writeFileSync(join(dir.path, `${folder}-outside`), 'outside'); // what no link may reach
    mkdirSync(root, { recursive: true });
    for (const n of names) writeFileSync(join(root, n), n);
    const destinationOf = (path: string) =>
      path.startsWith('fs/') ? join(root, path.slice(3)) : null;
    return { root, destinationOf, tempOf: (d: string) => `${d}.ccmon-restore-t` };
  };
  const ino = (p: string) => statSync(p).ino;

  it('links a marked file to its first, replacing it whole, with no temporary name left', () => {
    const r = restored('plain', ['a', 'b', 'c']);
    const files = [file('fs/a', A), file('fs/b', A, 'fs/a'), file('fs/c', A, 'fs/a')];
    assert.deepEqual(relinkHardLinks(files, new Set(['fs/a']), r.destinationOf, r.tempOf), {
      linked: 2,
      failed: 0,
      firstError: null,
    });
    assert.equal(ino(join(r.root, 'b')), ino(join(r.root, 'a')));
    assert.equal(ino(join(r.root, 'c')), ino(join(r.root, 'a')));
    assert.equal(readFileSync(join(r.root, 'c'), 'utf8'), 'a');
    assert.deepEqual(readdirSync(r.root).sort(), ['a', 'b', 'c']);
  });

  it('links nothing a hostile or inconsistent list asks for', () => {
    const r = restored('hostile', ['a', 'b', 'c', 'd', 'e']);
    const before = new Map(['a', 'b', 'c', 'd', 'e'].map((n) => [n, ino(join(r.root, n))]));
    const files = [
      file('fs/b', A, 'fs/a'), // its "first" comes after it
      file('fs/a', A),
      file('fs/c', B, 'fs/a'), // other bytes than its first: changed between the two reads
      file('fs/d', A, '/etc/passwd'), // not a file of this restore
      file('fs/e', A, '../hostile-outside'),
      file('dumps/x.sql', A, 'fs/a'), // not restored (no destination)
    ];
    const firsts = new Set(['fs/a', '/etc/passwd', '../hostile-outside']);
    assert.equal(relinkHardLinks(files, firsts, r.destinationOf, r.tempOf).linked, 0);
    for (const [n, i] of before) assert.equal(ino(join(r.root, n)), i, n);
    assert.equal(readFileSync(join(dir.path, 'hostile-outside'), 'utf8'), 'outside');
    assert.equal(statSync(join(dir.path, 'hostile-outside')).nlink, 1);
  });

  it('leaves a link whose first was not restored (a partial restore) a file of its own', () => {
    const r = restored('partial', ['b']);
    const only = (path: string) => (path === 'fs/b' ? r.destinationOf(path) : null);
    const files = [file('fs/a', A), file('fs/b', A, 'fs/a')];
    assert.equal(relinkHardLinks(files, new Set(['fs/a']), only, r.tempOf).linked, 0);
    assert.equal(statSync(join(r.root, 'b')).nlink, 1);
  });

  it('leaves a file whose link cannot be made as restored, and says why, without throwing', () => {
    // A temporary name where nothing can be made stands for a link the file system refuses
    // (another file system now, FAT or exFAT, too many links).
    const r = restored('refused', ['a', 'b', 'c']);
    const tempOf = (d: string) =>
      d.endsWith('/b') ? join(r.root, 'no-such-folder', 'b.tmp') : r.tempOf(d);
    const files = [file('fs/a', A), file('fs/b', A, 'fs/a'), file('fs/c', A, 'fs/a')];
    const got = relinkHardLinks(files, new Set(['fs/a']), r.destinationOf, tempOf);
    assert.equal(got.linked, 1);
    assert.equal(got.failed, 1);
    assert.match(got.firstError ?? '', /\/b: ENOENT/);
    assert.equal(readFileSync(join(r.root, 'b'), 'utf8'), 'b', 'left whole, as restored');
    assert.equal(ino(join(r.root, 'c')), ino(join(r.root, 'a')), 'the next link is still made');
  });
});
