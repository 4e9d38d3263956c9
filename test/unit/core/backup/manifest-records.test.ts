/**
 * The streamed manifest (manifest-records.ts, manifest-lines.ts) reads back exactly what the zod
 * parser reads, refuses a damaged list naming the record and field, and falls back to a whole
 * parse for other layouts; the hash set behind duplicates and removals (path-set.ts) answers
 * exactly, and checkManifest still finds a path listed twice in a streamed list.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spoolEmbeddedManifest } from '../../../../src-main/core/backup/archive-reader.js';
import {
  openManifestRecords,
  sameListBytes,
} from '../../../../src-main/core/backup/manifest-records.js';
import { parseSidecar } from '../../../../src-main/core/backup/manifest-schema.js';
import { duplicateAmong, PathHashSet } from '../../../../src-main/core/backup/path-set.js';
import { checkManifest, UnsafeArchiveError } from '../../../../src-main/core/backup/safety.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, sampleTree, writeTree } from './fixtures.js';

describe('streamed manifests', () => {
  let dir: TempDir;
  let sidecar = '';
  before(async () => {
    dir = await tempDir('ccmon-bk-records-');
    const src = join(dir.path, 'src');
    writeTree(src, sampleTree(src));
    const service = new BackupService({
      config: backupConfig({
        directory: join(dir.path, 'backups'),
        sets: [{ name: 'app', sources: [src], ccmonState: false }],
      }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
    });
    sidecar = (await service.backup('app')).backup.archivePath.replace(
      /\.tar\.gz$/,
      '.manifest.json',
    );
  });
  after(() => dir.cleanup());

  const list = <T>(it: Iterable<T>) => [...it];

  it('reads the same header and records as the zod parser, as often as asked', () => {
    const whole = parseSidecar(readFileSync(sidecar, 'utf8'), sidecar);
    const m = openManifestRecords(sidecar);
    assert.equal(m.id, whole.id);
    assert.deepEqual(m.sources, whole.sources);
    assert.ok(m.source, 'streamed from its file');
    assert.deepEqual(list(m.files()), whole.files);
    assert.deepEqual(list(m.files()), whole.files, 'a second pass reads it again');
  });

  it('sameListBytes: the sidecar and the archive list the same bytes; an edit or another layout does not', async () => {
    const embedded = join(dir.path, 'embedded.json');
    await spoolEmbeddedManifest(sidecar.replace(/\.manifest\.json$/, '.tar.gz'), embedded);
    const side = openManifestRecords(sidecar);
    assert.equal(sameListBytes(side, openManifestRecords(embedded)), true);
    const text = readFileSync(sidecar, 'utf8');
    const edited = join(dir.path, 'edited.manifest.json');
    writeFileSync(
      edited,
      text.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`),
    );
    assert.equal(sameListBytes(side, openManifestRecords(edited)), false);
    const other = join(dir.path, 'other.manifest.json');
    writeFileSync(other, JSON.stringify(JSON.parse(text)));
    assert.equal(sameListBytes(side, openManifestRecords(other)), false);
  });

  it('a damaged record is refused with its index and field', () => {
    const lines = readFileSync(sidecar, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('"type":"file"'));
    lines[at] = lines[at]!.replace(/"mode":\d+/, '"mode":"0644"');
    const bad = join(dir.path, 'bad.manifest.json');
    writeFileSync(bad, lines.join('\n'));
    assert.throws(
      () => list(openManifestRecords(bad).files()),
      /bad\.manifest\.json: not a valid ccmon backup manifest: files\.\d+\.mode: expected an integer/,
    );
  });

  it('a filter yields what it keeps, skipping the rest unread (damage there is not seen)', () => {
    const files = parseSidecar(readFileSync(sidecar, 'utf8'), sidecar).files!;
    const m = openManifestRecords(sidecar);
    const logs = files.find((f) => f.path.endsWith('/logs'))!.path;
    for (const keep of [
      (p: string) => p.startsWith(`${logs}/`),
      (p: string) => p.includes('配置'),
      () => false,
    ])
      assert.deepEqual(
        list(m.files(keep)),
        files.filter((f) => keep(f.path)),
      );
    // A damaged record outside what is kept is not read; one inside still fails the read.
    const lines = readFileSync(sidecar, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('/config.yaml"'));
    lines[at] = lines[at]!.replace(/"mode":\d+/, '"mode":"0644"');
    const bad = join(dir.path, 'bad-elsewhere.manifest.json');
    writeFileSync(bad, lines.join('\n'));
    const damaged = openManifestRecords(bad);
    assert.equal(list(damaged.files((p) => p.startsWith(`${logs}/`))).length, 1);
    assert.throws(
      () => list(damaged.files((p) => p.endsWith('/config.yaml'))),
      /files\.\d+\.mode: expected an integer/,
    );
  });

  it('a filter takes a path JSON escapes (quotes, backslashes) from the parsed record', () => {
    // Its line up to the first quote holds `…/say \`, not the path: read plainly, it is refused.
    const lines = readFileSync(sidecar, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('/empty.txt"'));
    const odd = JSON.parse(lines[at]!.replace(/,$/, '')).path.replace('empty', 'say "hi" \\ bye');
    lines[at] = lines[at]!.replace(/"path":"[^"]*"/, `"path":${JSON.stringify(odd)}`);
    const escaped = join(dir.path, 'escaped.manifest.json');
    writeFileSync(escaped, lines.join('\n'));
    const m = openManifestRecords(escaped);
    assert.deepEqual(
      list(m.files((p) => p === odd)).map((f) => f.path),
      [odd],
    );
  });

  it('a list cut short is refused, not read as complete', () => {
    const text = readFileSync(sidecar, 'utf8');
    const cut = join(dir.path, 'cut.manifest.json');
    writeFileSync(cut, text.slice(0, text.lastIndexOf('\n ]')));
    assert.throws(() => list(openManifestRecords(cut).files()), /cut short after \d+ entries/);
  });

  it('another layout (one line of JSON) is parsed whole, with the same records', () => {
    const whole = parseSidecar(readFileSync(sidecar, 'utf8'), sidecar);
    const compact = join(dir.path, 'compact.json');
    writeFileSync(compact, JSON.stringify(whole));
    const m = openManifestRecords(compact);
    assert.equal(m.source, undefined, 'held in memory: no file another thread could stream');
    assert.deepEqual(list(m.files()), whole.files);
  });

  it('checkManifest finds a path listed twice in a streamed list, and counts files', () => {
    const m = openManifestRecords(sidecar);
    const files = list(m.files());
    const counts = checkManifest(m);
    assert.equal(counts.files, files.filter((f) => f.type === 'file').length);
    const twice = { ...m, files: () => [...files, files[files.length - 1]!] };
    assert.throws(
      () => checkManifest(twice),
      (e: Error) =>
        e instanceof UnsafeArchiveError &&
        e.entry === files[files.length - 1]!.path &&
        /appears twice/.test(e.message),
    );
  });
});

describe('PathHashSet', () => {
  it('answers membership exactly for what was added, and no more', () => {
    const set = new PathHashSet();
    const paths = Array.from(
      { length: 5000 },
      (_, i) => `/var/log/claude-code/d${i % 50}/s-${i}.log`,
    );
    for (const p of paths) set.add(p);
    for (const p of paths) assert.ok(set.has(p), p);
    for (let i = 5000; i < 10_000; i++)
      assert.equal(set.has(`/var/log/claude-code/d${i % 50}/s-${i}.log`), false);
    assert.equal(set.repeatedHashes().size, 0);
  });

  it('sized from a count, it still grows past it, and keeps answering after a lookup', () => {
    for (const expected of [0, 3, 10, -5, 2 ** 40]) {
      const set = new PathHashSet(expected);
      const paths = Array.from({ length: 3000 }, (_, i) => `fs/a/${i}`);
      // A lookup between additions (it sorts in place) must not lose what comes after it.
      for (const [i, p] of paths.entries()) {
        set.add(p);
        if (i % 1000 === 999) assert.ok(set.has(p), `${expected}: ${p}`);
      }
      for (const p of paths) assert.ok(set.has(p), `${expected}: ${p}`);
      assert.equal(set.has('fs/a/3000'), false);
      assert.equal(set.repeatedHashes().size, 0);
    }
  });

  it('duplicateAmong confirms a repeated hash by comparing the paths themselves', () => {
    const set = new PathHashSet();
    const paths = ['fs/a/1', 'fs/a/2', 'fs/a/1'];
    for (const p of paths) set.add(p);
    const suspects = set.repeatedHashes();
    assert.equal(suspects.size, 1);
    assert.equal(duplicateAmong(paths, suspects), 'fs/a/1');
    assert.equal(duplicateAmong(['fs/a/1', 'fs/a/2'], suspects), null);
  });
});
