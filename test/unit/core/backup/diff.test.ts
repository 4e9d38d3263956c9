/**
 * A restore's diff (diff.ts) against real files: added, changed, unchanged and removed are told
 * apart, and a folder found missing answers for everything below it without a system call each
 * (a restore --to a new folder of 300,000 files made 300,000 lstats).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type * as nodeFs from 'node:fs';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkedRestoreDiff, diffFilePaths } from '../../../../src-main/core/backup/diff.js';
import type { ManifestFile, ManifestSource } from '../../../../src-main/core/backup/manifest.js';
import { UnsafeArchiveError } from '../../../../src-main/core/backup/safety.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

/** node:fs as CommonJS: what t.mock.method replaces, and syncBuiltinESMExports hands on. */
const fs = createRequire(import.meta.url)('node:fs') as typeof nodeFs;

describe('restore diff', () => {
  let dir: TempDir;
  let live = '';
  const source: ManifestSource = {
    name: '/x',
    kind: 'directory',
    origin: '/x',
    status: 'ok',
    message: '',
    files: 0,
    bytes: 0,
    archivePath: 'fs/x',
    include: [],
    exclude: [],
  };
  const destinationOf = (p: string) => (p === 'fs/x' ? live : join(live, p.slice('fs/x/'.length)));
  const entry = (path: string, content: string | null): ManifestFile => ({
    path: `fs/x/${path}`,
    type: content === null ? 'dir' : 'file',
    size: content === null ? 0 : Buffer.byteLength(content),
    mode: content === null ? 0o755 : 0o644,
    mtime: '2026-03-04T05:06:07.000Z',
    sha256: content === null ? null : createHash('sha256').update(content).digest('hex'),
    uid: 0,
    gid: 0,
    source: '/x',
  });
  /** The entry of a live file as it is now: the quick check finds it unchanged. */
  const asLive = (path: string): ManifestFile => {
    const st = statSync(join(live, path));
    const content = readFileSync(join(live, path), 'utf8');
    return { ...entry(path, content), mode: st.mode & 0o7777, mtime: st.mtime.toISOString() };
  };

  before(async () => {
    dir = await tempDir('ccmon-bk-diff-');
    live = join(dir.path, 'live');
    mkdirSync(join(live, 'd10'), { recursive: true });
    for (const [name, text] of [
      ['a', 'same\n'],
      ['b', 'old\n'],
      ['c', 'not in the backup\n'],
    ])
      writeFileSync(join(live, 'd10', name!), text!);
  });
  after(() => dir.cleanup());

  const files = (): ManifestFile[] => [
    entry('d1', null), // missing, beside d10 (whose name starts like it)
    entry('d1/x', 'x\n'),
    entry('d1/sub', null),
    entry('d1/sub/y', 'y\n'),
    { ...entry('d10', null), mode: statSync(join(live, 'd10')).mode & 0o7777 },
    asLive('d10/a'),
    entry('d10/b', 'new content\n'),
    entry('d10/new', 'added\n'),
  ];

  it('tells added, changed, unchanged and removed apart, one lstat for a missing folder', (t) => {
    const lstat = t.mock.method(fs, 'lstatSync');
    syncBuiltinESMExports();
    t.after(() => syncBuiltinESMExports());
    const diffFile = join(dir.path, 'diff-1');
    const manifest = { sources: [source], files };
    const diff = checkedRestoreDiff(manifest, destinationOf, { removals: true, diffFile });
    t.mock.restoreAll();

    const d = (p: string) => join(live, p);
    assert.deepEqual(diff.added, [d('d1'), d('d1/x'), d('d1/sub'), d('d1/sub/y'), d('d10/new')]);
    assert.deepEqual(diff.changed, [d('d10/b')]);
    assert.deepEqual(diff.removed, [d('d10/c')]);
    assert.equal(diff.unchanged, 2); // d10 and d10/a
    assert.deepEqual([...diffFilePaths(diffFile, 'removed')], [d('d10/c')]);
    const inD1 = lstat.mock.calls
      .map((c) => String(c.arguments[0]))
      .filter((p) => p === d('d1') || p.startsWith(d('d1') + sep));
    assert.deepEqual(inD1, [d('d1')], 'd1 is looked at once, what lies below it not at all');
  });

  it('checks the manifest in the same read, and refuses an unsafe entry', () => {
    const bad = () => [...files(), entry('../escape', 'x')];
    assert.throws(
      () =>
        checkedRestoreDiff({ sources: [source], files: bad }, destinationOf, {
          removals: false,
          diffFile: join(dir.path, 'diff-2'),
        }),
      (err: unknown) => err instanceof UnsafeArchiveError && err.entry === 'fs/x/../escape',
    );
  });
});
