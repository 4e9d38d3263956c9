/**
 * The sidecar's layout (manifest-spool.ts): header fields first, the file list last, so listing
 * reads only the header (store.ts readSidecarHeader). Checked on real backups: the header equals
 * the full parse minus the files, also when a multi-byte character straddles a read boundary;
 * an older layout (files before `archive`) and a hand-made one still parse, whole.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createBackup } from '../../../../src-main/core/backup/create.js';
import { parseManifest, parseSidecar } from '../../../../src-main/core/backup/manifest-schema.js';
import { readArchive } from '../../../../src-main/core/backup/archive-reader.js';
import { readSidecarHeader } from '../../../../src-main/core/backup/store.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig } from './fixtures.js';

describe('sidecar layout: header first, file list last', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-sidecar-');
  });
  after(() => dir.cleanup());

  const backup = async (name: string, sourceName: string, missing: string[] = []) => {
    const src = join(dir.path, sourceName);
    mkdirSync(src, { recursive: true });
    for (let i = 0; i < 30; i++) writeFileSync(join(src, `日志-${i}.log`), `line ${i}\n`);
    const backupDir = join(dir.path, `backups-${name}`);
    const sources = [src, ...missing].map((path) => ({ path, include: [], exclude: [] }));
    return createBackup({
      set: { name, schedule: null, sources, database: null, redis: null, ccmonState: false },
      config: backupConfig({ directory: backupDir }),
      backupDir,
    });
  };

  it('the header read alone equals the full sidecar minus its files, across a split character', async () => {
    // Forty missing sources with long names make a header of several 16 KiB reads; '界' is 3
    // bytes in UTF-8, so read boundaries fall inside characters.
    const missing = Array.from({ length: 40 }, (_, i) =>
      join(dir.path, `gone-${i}`, '界'.repeat(80), '界'.repeat(80)),
    );
    const r = await backup('wide', 'wide', missing);
    const full = parseSidecar(readFileSync(r.manifestPath, 'utf8'), r.manifestPath);
    const head = readSidecarHeader(r.manifestPath);
    assert.equal(full.files!.length, 31);
    assert.ok(readFileSync(r.manifestPath).indexOf('"files": [') > 3 * 16384, 'a long header');
    assert.deepEqual(head, { ...full, files: null });
  });

  it('the manifest inside the archive is the same document as the sidecar, without the archive fields', async () => {
    const r = await backup('inside', 'plain');
    const chunks: Buffer[] = [];
    let inManifest = false;
    await readArchive(r.archivePath, {
      entry: (h) => void (inManifest = h.path === 'manifest.json'),
      data: (c) => void (inManifest && chunks.push(Buffer.from(c))),
      endEntry: () => void (inManifest = false),
    });
    const text = Buffer.concat(chunks).toString('utf8');
    const embedded = parseManifest(text, 'manifest.json');
    const { archive: _a, ...sidecar } = parseSidecar(
      readFileSync(r.manifestPath, 'utf8'),
      'sidecar',
    );
    assert.deepEqual(embedded, sidecar);
  });

  it('an older layout (files before archive) is parsed whole, its files dropped from the header', async () => {
    const r = await backup('old', 'older');
    const full = parseSidecar(readFileSync(r.manifestPath, 'utf8'), r.manifestPath);
    const { archive, ...rest } = full;
    writeFileSync(r.manifestPath, JSON.stringify({ ...rest, archive }, null, 1));
    assert.deepEqual(readSidecarHeader(r.manifestPath), { ...full, files: null });
  });
});
