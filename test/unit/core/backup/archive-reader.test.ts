/**
 * readArchive hands each decompressed chunk to the tar parser on the next turn of the event loop
 * (parserSink), so inflating the next chunk overlaps writing this one. A real archive of many small
 * entries still reads whole and in order; a chunk queued when the pipeline is destroyed (a
 * cancelled restore) is dropped, not parsed into more files.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parserSink, readArchive } from '../../../../src-main/core/backup/archive-reader.js';
import { createBackup } from '../../../../src-main/core/backup/create.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig } from './fixtures.js';

describe('readArchive', () => {
  let dir: TempDir;
  let archive: string;
  const FILES = 400;
  const SIZE = 2048;
  before(async () => {
    dir = await tempDir('ccmon-bk-reader-');
    const src = join(dir.path, 'src');
    mkdirSync(src);
    // Small and incompressible: every chunk out of gunzip (~64 KiB) starts many entries.
    for (let i = 0; i < FILES; i++)
      writeFileSync(join(src, `f${String(i).padStart(3, '0')}.bin`), randomBytes(SIZE));
    const backupDir = join(dir.path, 'backups');
    const sources = [{ path: src, include: [], exclude: [] }];
    const r = await createBackup({
      set: { name: 'r', schedule: null, sources, database: null, redis: null, ccmonState: false },
      config: backupConfig({ directory: backupDir }),
      backupDir,
    });
    archive = r.archivePath;
  });
  after(() => dir.cleanup());

  it('reads every entry and every byte of a real archive, in order', async () => {
    const sizes = new Map<string, number>();
    let current = '';
    await readArchive(archive, {
      entry: (h) => void sizes.set((current = h.path), 0),
      data: (c) => void sizes.set(current, sizes.get(current)! + c.length),
      endEntry: () => {},
    });
    const files = [...sizes].filter(([p]) => p.endsWith('.bin'));
    assert.equal(files.length, FILES);
    assert.deepEqual(
      files.map(([p]) => p),
      files.map(([p]) => p).sort(),
    );
    for (const [p, n] of files) assert.equal(n, SIZE, p);
  });

  it('hands a chunk to the parser on the next turn, and drops one still queued at destroy', async () => {
    const parsed: string[] = [];
    const parser = { push: (c: Buffer) => void parsed.push(c.toString()), end: () => {} };
    const sink = parserSink(parser);
    sink.write(Buffer.from('one'));
    assert.deepEqual(
      parsed,
      [],
      'not inside write(): the decompressor queues its next piece first',
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(parsed, ['one']);
    // Cancelled (or failed elsewhere in the pipeline) after the chunk was handed over.
    sink.write(Buffer.from('two'));
    sink.destroy();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(parsed, ['one'], 'nothing parsed (no file written) after the destroy');
  });

  it('a parser error fails the read with it', async () => {
    const sink = parserSink({
      push: () => {
        throw new Error('tar: bad header at byte 512');
      },
      end: () => {},
    });
    const failed = new Promise<Error>((r) => sink.once('error', r));
    sink.write(Buffer.from('x'));
    assert.match((await failed).message, /bad header at byte 512/);
  });
});
