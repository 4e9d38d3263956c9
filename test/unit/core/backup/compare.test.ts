/**
 * Two backups' file lists compared (compare.ts, `ccmon diff`): each kind of change told apart, a
 * folder's own time left out, a path below which only the older backup has entries, the changes
 * in path order and a page read only as far as it goes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareBackups,
  compareForPage,
  pageOfChanges,
  walksBefore,
  type BackupChange,
} from '../../../../src-main/core/backup/compare.js';
import type { ManifestFile } from '../../../../src-main/core/backup/manifest.js';
import type { Manifest } from '../../../../src-main/core/backup/restore-manifest.js';

const entry = (path: string, over: Partial<ManifestFile> = {}): ManifestFile => ({
  path: `fs/x/${path}`,
  type: 'file',
  size: 4,
  mode: 0o644,
  mtime: '2026-03-04T05:06:07.000Z',
  sha256: 'a'.repeat(64),
  uid: 0,
  gid: 0,
  source: '/x',
  ...over,
});

/**
 * A manifest whose list is `files`, filtered as ManifestRecords filters it; `read` counts the
 * entries handed out (a stream of records read only as far as it is taken).
 */
const manifest = (id: string, files: ManifestFile[], read = { entries: 0 }): Manifest =>
  ({
    id,
    sources: [{ archivePath: 'fs/x', status: 'ok' }],
    *files(keep?: (p: string) => boolean) {
      for (const f of files)
        if (!keep || keep(f.path)) {
          read.entries++;
          yield f;
        }
    },
  }) as unknown as Manifest;

async function changes(a: Manifest, b: Manifest, below: string | null = null) {
  const seen: string[] = [];
  const r = await compareBackups(a, b, below, (c: BackupChange) => {
    seen.push(`${c.kind} ${c.entry.path}`);
  });
  return { seen, r };
}

describe('compareBackups', () => {
  const dir = (path: string, mtime: string) =>
    entry(path, { type: 'dir', size: 0, mode: 0o755, sha256: null, mtime });
  const older = manifest('old', [
    dir('', '2026-01-01T00:00:00.000Z'),
    entry('same'),
    entry('content'),
    entry('becomes-dir'),
    entry('link', { type: 'symlink', sha256: null, size: 0, link: 'same' }),
    entry('owner'),
    entry('gone', { size: 100 }),
    dir('d', '2026-01-01T00:00:00.000Z'),
    entry('d/inner'),
  ]);
  const newer = manifest('new', [
    dir('', '2026-02-02T00:00:00.000Z'),
    entry('same'),
    entry('content', { sha256: 'b'.repeat(64) }),
    dir('becomes-dir', '2026-02-02T00:00:00.000Z'),
    entry('link', { type: 'symlink', sha256: null, size: 0, link: 'content' }),
    entry('owner', { uid: 1000 }),
    entry('added', { size: 7 }),
  ]);

  it('tells added, removed, changed and metadata-only apart; a folder’s time is no change', async () => {
    const { seen, r } = await changes(older, newer);
    assert.deepEqual(seen, [
      'M fs/x/content',
      'M fs/x/becomes-dir',
      'M fs/x/link',
      'U fs/x/owner',
      '+ fs/x/added',
      '- fs/x/gone',
      '- fs/x/d',
      '- fs/x/d/inner',
    ]);
    assert.deepEqual(r.counts, { added: 1, removed: 3, changed: 3, metadata: 1, unchanged: 2 });
    assert.deepEqual(r.bytes, { added: 7, removed: 104 });
    assert.equal(r.from, 'old');
    assert.equal(r.to, 'new');
  });

  it('below a path only the older backup has: its removals; below one neither has: an error', async () => {
    assert.deepEqual((await changes(older, newer, 'fs/x/d')).seen, ['- fs/x/d', '- fs/x/d/inner']);
    await assert.rejects(changes(older, newer, 'fs/x/nowhere'), /not in backup new: \/x\/nowhere/);
  });

  it('finds every entry of a list larger than its first allocation', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => entry(`f${i}`));
    const { seen, r } = await changes(
      manifest('a', many),
      manifest('b', [...many.slice(1), entry('f0', { mode: 0o600 })]),
    );
    assert.deepEqual(seen, ['U fs/x/f0']);
    assert.equal(r.counts.unchanged, 4999);
  });

  it('lists in path order: each removal where it was, a removed folder with what it held', async () => {
    // Both lists as ccmon's walk writes them: names sorted, a folder before what it holds.
    const walk = (paths: string[]) =>
      paths.map((p) =>
        p.endsWith('/') ? dir(p.slice(0, -1), '2026-01-01T00:00:00.000Z') : entry(p),
      );
    const { seen } = await changes(
      manifest('old', walk(['a', 'b/', 'b/1', 'b/2', 'c', 'e', 'g'])),
      manifest('new', walk(['0', 'a', 'c', 'd', 'e', 'f'])),
    );
    assert.deepEqual(seen, [
      '+ fs/x/0',
      '- fs/x/b',
      '- fs/x/b/1',
      '- fs/x/b/2',
      '+ fs/x/d',
      '+ fs/x/f',
      '- fs/x/g',
    ]);
    const first = await changes(
      manifest('old', walk(['a', 'b'])),
      manifest('new', walk(['b', 'c'])),
    );
    assert.deepEqual(first.seen, ['- fs/x/a', '+ fs/x/c'], 'removed before anything both have');
  });

  it('a page reads the lists only as far as its last change, counts all, and helps the next', async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `f${String(i).padStart(4, '0')}`);
    const changed = new Set(['f0003', 'f0010', 'f0500', 'f0998']);
    const read = { entries: 0 };
    const older = manifest(
      'a',
      names.map((n) => entry(n)),
      read,
    );
    const newer = manifest(
      'b',
      names.map((n) => (changed.has(n) ? entry(n, { sha256: 'c'.repeat(64) }) : entry(n))),
      read,
    );
    const page = await compareForPage(older, newer, null, { limit: 2 });
    assert.deepEqual(
      page.changes.map((c) => [c.change, c.path]),
      [
        ['M', '/x/f0003'],
        ['M', '/x/f0010'],
      ],
    );
    assert.equal(page.total, 4);
    assert.equal(page.counts.unchanged, 996);
    // Both lists once for the counts, then the newer up to f0010: no removal, the older not again.
    assert.equal(read.entries, 2000 + 11);
    // What the first page learnt: the next reads only as far as its own last change, unhashed.
    const first = await pageOfChanges(older, newer, null, { limit: 2 });
    read.entries = 0;
    const again = await pageOfChanges(older, newer, null, { offset: 2, limit: 1 }, first.state);
    assert.deepEqual(
      again.changes.changes.map((c) => c.path),
      ['/x/f0500'],
    );
    assert.deepEqual(again.changes.counts, page.counts);
    assert.equal(read.entries, 501, 'the newer list up to f0500, nothing else');
    const last = await compareForPage(older, newer, null, { offset: 3, limit: 2 });
    assert.deepEqual(
      last.changes.map((c) => c.path),
      ['/x/f0998'],
    );
  });

  it('walksBefore: names by code unit, a folder before what it holds', () => {
    assert.ok(walksBefore('etc/a', 'etc/b'));
    assert.ok(walksBefore('etc/a', 'etc/a/x'), 'a folder before its entries');
    assert.ok(walksBefore('etc/a/x', 'etc/a.b'), 'a.b sorts after a, so after what a holds');
    assert.ok(walksBefore('etc/a/z', 'etc/ab'));
    assert.ok(walksBefore('etc/B', 'etc/a'), 'code units: upper case first');
    assert.ok(!walksBefore('etc/a', 'etc/a'));
    assert.ok(!walksBefore('etc/ab', 'etc/a/z'));
  });
});
