/**
 * Two backups' file lists compared (compare.ts, `ccmon diff`): each kind of change told apart, a
 * folder's own time left out, and a path below which only the older backup has entries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareBackups, type BackupChange } from '../../../../src-main/core/backup/compare.js';
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

/** A manifest whose list is `files`, filtered as ManifestRecords filters it. */
const manifest = (id: string, files: ManifestFile[]): Manifest =>
  ({
    id,
    sources: [{ archivePath: 'fs/x', status: 'ok' }],
    files: (keep?: (p: string) => boolean) => files.filter((f) => !keep || keep(f.path)),
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
});
