/**
 * The source walk (sources.ts): lazy, pre-order, sorted; and bounded warnings, so a tree of
 * countless special or unreadable files cannot grow a backup's memory or its manifest.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  MAX_WARNINGS,
  planDirectorySource,
  walkDirectorySource,
} from '../../../../src-main/core/backup/sources.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

/** A file at `rel` below `root`, its folders made. */
function writeTree(root: string, rel: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), rel);
}

describe('directory sources', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-sources-');
  });
  after(() => dir.cleanup());

  it('walks in pre-order with sorted names; files are left to the writer to stat', () => {
    const root = join(dir.path, 'tree');
    for (const d of ['b', 'a']) {
      mkdirSync(join(root, d), { recursive: true });
      for (const f of ['2', '1']) writeFileSync(join(root, d, f), d + f);
    }
    const walk = walkDirectorySource({ path: root, include: [], exclude: ['a/2'] });
    const entries = [...walk.entries];
    const paths = entries.map((e) => e.absPath.slice(root.length) || '/');
    assert.deepEqual(paths, ['/', '/a', '/a/1', '/b', '/b/1', '/b/2']);
    const file = entries[2]!;
    assert.equal(file.type, 'file');
    assert.equal(file.size, -1, 'a regular file is not stated by the walk');
    assert.equal(file.tally, walk.report, "the writer counts it into its source's report");
    assert.equal(walk.report.files, 0);
    assert.equal(
      entries[1]!.mode,
      lstatSync(join(root, 'a')).mode & 0o7777,
      "a folder's: its lstat's",
    );
  });

  it('says that the globs of a source that is a file do not apply', () => {
    const file = join(dir.path, 'single.conf');
    writeFileSync(file, 'x');
    const planned = planDirectorySource({ path: file, include: [], exclude: ['*.conf'] });
    assert.deepEqual(
      planned.entries.map((e) => e.absPath),
      [file],
    );
    assert.deepEqual(planned.warnings, [
      `source ${file} is a file, not a folder: its include/exclude globs do not apply`,
    ]);
    assert.deepEqual(planDirectorySource({ path: file, include: [], exclude: [] }).warnings, []);
  });

  it(`keeps at most ${MAX_WARNINGS} warnings and counts the rest in one line`, () => {
    const root = join(dir.path, 'fifos');
    mkdirSync(root);
    const names = Array.from({ length: MAX_WARNINGS + 150 }, (_, i) => join(root, `p${i}`));
    execFileSync('mkfifo', names);
    const planned = planDirectorySource({ path: root, include: [], exclude: [] });
    assert.equal(planned.entries.length, 1, 'FIFOs are not archived');
    assert.equal(planned.warnings.length, MAX_WARNINGS + 1);
    assert.match(planned.warnings[0]!, /skipped \(FIFO files are not backed up\)/);
    assert.equal(planned.warnings.at(-1), '… and 150 more warnings (not listed)');
  });

  it('reads globs as .gitignore does: anchored with / or ./, folders only with a trailing /', () => {
    const root = join(dir.path, 'globs');
    for (const f of [
      'sub/a.json',
      'sub/deep/b.json',
      'other/sub/c.json',
      'tmp/x',
      'cache',
      'x/cache/y',
    ])
      writeTree(root, f);
    const paths = (include: string[], exclude: string[] = []) =>
      [...walkDirectorySource({ path: root, include, exclude }).entries]
        .map((e) => e.absPath.slice(root.length + 1))
        .filter(Boolean);
    // Anchored: only the top-level sub, not other/sub.
    assert.deepEqual(paths(['/sub/**']), ['sub', 'sub/a.json', 'sub/deep', 'sub/deep/b.json']);
    assert.deepEqual(paths(['./sub/*.json']), ['sub', 'sub/a.json']);
    // A folder that matches an include goes in whole; folders with nothing included stay out.
    assert.deepEqual(paths(['sub']), [
      'other',
      'other/sub',
      'other/sub/c.json',
      'sub',
      'sub/a.json',
      'sub/deep',
      'sub/deep/b.json',
    ]);
    // Exclude: anchored, and folders only with a trailing slash (the file 'cache' stays).
    assert.deepEqual(paths([], ['/sub', 'tmp/', 'cache/']), [
      'cache',
      'other',
      'other/sub',
      'other/sub/c.json',
      'x',
    ]);
  });
});
