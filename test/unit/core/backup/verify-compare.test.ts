/**
 * verify's comparison of what the archive holds with its manifest, both in archive order: every
 * kind of difference is named, and the manifest is read again only when the orders part.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestFile } from '../../../../src-main/core/backup/manifest.js';
import { PathHashSet } from '../../../../src-main/core/backup/path-set.js';
import { compareEntries, type SeenEntry } from '../../../../src-main/core/backup/verify-compare.js';

const sha = (c: string) => c.repeat(64);

function record(path: string, content = 'a'): ManifestFile {
  return {
    path,
    type: 'file',
    size: 1,
    mode: 0o644,
    mtime: '2026-11-23T00:00:00.000Z',
    sha256: sha(content),
    uid: 0,
    gid: 0,
    source: '/srv',
  };
}

const seenOf = (f: ManifestFile): SeenEntry => ({
  path: f.path,
  type: f.type,
  size: f.size,
  sha256: f.sha256,
  link: f.link ?? '',
});

/** compareEntries' problems, and how many times it read the manifest. */
function compare(
  manifest: ManifestFile[],
  archive: SeenEntry[],
  complete = true,
): { problems: string[]; reads: number } {
  const seenPaths = new PathHashSet(archive.length);
  for (const s of archive) seenPaths.add(s.path);
  const problems: string[] = [];
  let reads = 0;
  compareEntries(
    () => {
      reads++;
      return manifest;
    },
    () => archive,
    seenPaths,
    problems,
    { complete },
  );
  return { problems, reads };
}

describe('compareEntries (verify)', () => {
  const files = ['fs/srv/a', 'fs/srv/b', 'fs/srv/c', 'fs/srv/d'].map((p) => record(p));

  it('an archive that matches its manifest: no problem, the manifest read once', () => {
    assert.deepEqual(compare(files, files.map(seenOf)), { problems: [], reads: 1 });
  });

  it('names content and size differences entry by entry', () => {
    const archive = files.map(seenOf);
    archive[1] = { ...archive[1]!, sha256: sha('b') };
    archive[2] = { ...archive[2]!, size: 2 };
    const { problems, reads } = compare(files, archive);
    assert.equal(reads, 1);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^fs\/srv\/b: content does not match the manifest/);
    assert.match(problems[1]!, /^fs\/srv\/c: 2 bytes in the archive, 1 in the manifest/);
  });

  it('tells an entry missing from the archive from one moved or not listed at all', () => {
    // The archive lacks b, holds d before c, and has x, which the manifest does not list.
    const archive = [files[0]!, files[3]!, files[2]!, record('fs/srv/x')].map(seenOf);
    const { problems, reads } = compare(files, archive);
    assert.deepEqual(problems, [
      'fs/srv/b: listed in the manifest but missing from the archive',
      'fs/srv/d: in the archive, but not where the manifest lists it',
      'fs/srv/d: in the archive, but not where the manifest lists it',
      'fs/srv/x: in the archive but not in the manifest',
    ]);
    assert.equal(reads, 2, 'the manifest is read again only to name the walked-past entries');
  });

  it('an archive read only up to a failure: the entries after it are counted, not each missing', () => {
    // Reading stopped after c; b is missing before that point, d and e were never reached.
    const manifest = [...files, record('fs/srv/e')];
    const archive = [files[0]!, files[2]!].map(seenOf);
    assert.deepEqual(compare(manifest, archive, false).problems, [
      'fs/srv/b: listed in the manifest but missing from the archive',
      '2 more entries listed in the manifest not checked: reading the archive stopped before them',
    ]);
  });
});
