/**
 * Staged folders (staged-folders.ts) on real files: a new folder is written under a temporary name
 * and appears whole at the commit; existing folders are written in place; a discard leaves nothing
 * behind; what stands in the way of a rename is replaced, never a folder someone else filled.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { replaceWith, StagedFolders } from '../../../../src-main/core/backup/staged-folders.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const tempOf = (dest: string) => `${dest}.ccmon-restore-t1`;

describe('staged folders', () => {
  let dir: TempDir;
  let n = 0;
  /** A fresh root with an existing folder `old` in it. */
  const freshRoot = () => {
    const root = join(dir.path, `root-${++n}`);
    mkdirSync(join(root, 'old'), { recursive: true });
    return root;
  };
  before(async () => {
    dir = await tempDir('ccmon-bk-staged-');
  });
  after(() => dir.cleanup());

  it('writes a new tree under a temporary name and puts it in place whole at the commit', () => {
    const root = freshRoot();
    const folders = new StagedFolders([root], tempOf);
    const place = folders.placeOf(join(root, 'new', 'deep'));
    assert.equal(place, join(`${root}/new.ccmon-restore-t1`, 'deep'));
    assert.equal(folders.placeOf(join(root, 'new')), `${root}/new.ccmon-restore-t1`);
    writeFileSync(join(place, 'f.txt'), 'hello');
    assert.equal(folders.isStaged(join(root, 'new', 'deep')), true);
    assert.equal(existsSync(join(root, 'new')), false, 'nothing under its final name yet');

    assert.equal(folders.placeOf(join(root, 'old')), join(root, 'old'), 'existing: in place');
    assert.equal(folders.isStaged(join(root, 'old')), false);

    let renames = 0;
    folders.commit(() => renames++);
    assert.equal(renames, 1, 'one folder staged: the topmost missing one');
    assert.equal(readFileSync(join(root, 'new', 'deep', 'f.txt'), 'utf8'), 'hello');
    assert.deepEqual(readdirSync(root).sort(), ['new', 'old']);
  });

  it('makes a missing root for real, and a discard removes it with every staged folder', () => {
    const root = join(dir.path, 'missing-parent', 'root');
    const folders = new StagedFolders([root], tempOf);
    assert.equal(folders.placeOf(root), root);
    const place = folders.placeOf(join(root, 'a'));
    writeFileSync(join(place, 'x'), 'x');
    assert.ok(existsSync(place));
    folders.discard();
    assert.equal(existsSync(join(dir.path, 'missing-parent')), false);
  });

  it('a discard keeps a root that existed and what was in it', () => {
    const root = freshRoot();
    const folders = new StagedFolders([root], tempOf);
    writeFileSync(join(folders.placeOf(join(root, 'n')), 'x'), 'x');
    folders.discard();
    assert.deepEqual(readdirSync(root), ['old']);
  });

  it('replaces a file that stands where the backup has a folder', () => {
    const root = freshRoot();
    writeFileSync(join(root, 'was-a-file'), 'file');
    const folders = new StagedFolders([root], tempOf);
    writeFileSync(join(folders.placeOf(join(root, 'was-a-file')), 'inner'), 'inner');
    assert.equal(readFileSync(join(root, 'was-a-file'), 'utf8'), 'file', 'untouched until commit');
    folders.commit(() => {});
    assert.ok(statSync(join(root, 'was-a-file')).isDirectory());
    assert.equal(readFileSync(join(root, 'was-a-file', 'inner'), 'utf8'), 'inner');
  });

  it('does not remove a folder someone else filled before the commit', () => {
    const root = freshRoot();
    const folders = new StagedFolders([root], tempOf);
    writeFileSync(join(folders.placeOf(join(root, 'late')), 'ours'), 'ours');
    mkdirSync(join(root, 'late'));
    writeFileSync(join(root, 'late', 'theirs'), 'theirs');
    assert.throws(() => folders.commit(() => {}), /ENOTEMPTY|EEXIST/);
    assert.equal(readFileSync(join(root, 'late', 'theirs'), 'utf8'), 'theirs');
  });

  it('replaceWith puts a file over a folder that stands in its place', () => {
    const root = freshRoot();
    writeFileSync(join(root, 'tmp'), 'new');
    mkdirSync(join(root, 'target', 'inside'), { recursive: true });
    replaceWith(join(root, 'tmp'), join(root, 'target'));
    assert.equal(readFileSync(join(root, 'target'), 'utf8'), 'new');
    assert.equal(existsSync(join(root, 'tmp')), false);
  });
});
