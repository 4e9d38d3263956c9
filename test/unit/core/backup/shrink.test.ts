/**
 * A file that shrinks while the archive writer reads it (a log rotated with copytruncate): the
 * tar stays valid with the entry zero-padded to the size in its header, the manifest's sha256 is
 * that of the bytes archived (what a restore writes and verify checks), a warning names the file,
 * and the padding is produced a piece at a time whatever is missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archiveStream } from '../../../../src-main/core/backup/archive-writer.js';
import { BLOCK_SIZE, releaseBlock } from '../../../../src-main/core/backup/blocks.js';
import { ManifestSpool } from '../../../../src-main/core/backup/manifest-spool.js';
import type { PlannedEntry } from '../../../../src-main/core/backup/sources.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function fileEntry(absPath: string, size: number): PlannedEntry {
  return {
    archivePath: 'fs/shrinking.log',
    absPath,
    type: 'file',
    size,
    mode: 0o644,
    mtimeMs: Date.parse('2026-11-23T04:00:00Z'),
    uid: 0,
    gid: 0,
    source: 'test',
    tally: null,
  };
}

/**
 * Archives one file, pulling the stream block by block as the compressor does, and truncates the
 * file to `cutTo` after the first block; `sink` sees every block before it is recycled.
 */
async function archiveShrinking(
  dir: string,
  path: string,
  size: number,
  cutTo: number,
  sink: (block: Buffer) => void,
) {
  const spool = new ManifestSpool(join(dir, `spool-${Math.random()}.json`));
  const state = { spool, warnings: [] as string[], filesDone: 0, bytesDone: 0 };
  let blocks = 0;
  try {
    for await (const block of archiveStream({
      entries: [fileEntry(path, size)],
      state,
      finish: () => {
        spool.finish();
        return { json: { size: 2, chunks: () => [Buffer.from('{}')] }, text: '' };
      },
    })) {
      sink(block);
      releaseBlock(block);
      if (++blocks === 1) truncateSync(path, cutTo);
    }
    const record = JSON.parse(Buffer.concat([...spool.records()]).toString()) as {
      size: number;
      sha256: string;
    };
    return { record, warnings: state.warnings };
  } finally {
    spool.close();
  }
}

describe('archive writer: a file that shrinks while it is read', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-shrink-');
  });
  after(() => dir.cleanup());

  it('is archived zero-padded in a valid tar, with the digest of the bytes archived', async () => {
    const path = join(dir.path, 'rotating.log');
    const original = randomBytes(5 * BLOCK_SIZE + 1234);
    writeFileSync(path, original);
    const tarPath = join(dir.path, 'out.tar');
    const fd = openSync(tarPath, 'w');
    const cutTo = Math.floor(1.5 * BLOCK_SIZE);
    let result;
    try {
      result = await archiveShrinking(dir.path, path, original.length, cutTo, (b) => {
        writeSync(fd, b);
      });
    } finally {
      closeSync(fd);
    }
    const { record, warnings } = result;
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /rotating\.log: changed while being read \(shrank\); archived zero-padded/,
    );
    // GNU tar reads the archive and extracts the entry at its header's size.
    const out = join(dir.path, 'x');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xf', tarPath, '-C', out]);
    const archived = readFileSync(join(out, 'fs', 'shrinking.log'));
    assert.equal(archived.length, original.length);
    assert.equal(record.size, original.length);
    assert.ok(archived.subarray(0, BLOCK_SIZE).equals(original.subarray(0, BLOCK_SIZE)));
    assert.ok(
      archived.subarray(cutTo).every((b) => b === 0),
      'the missing part is zeros',
    );
    assert.equal(record.sha256, sha256(archived));
  });

  it('pads a large shortfall a piece at a time (no buffer the size of what is missing)', async () => {
    const path = join(dir.path, 'huge.log');
    const size = 256 * 1024 * 1024; // sparse: nothing is written, reads return zeros
    writeFileSync(path, '');
    truncateSync(path, size);
    const data = createHash('sha256');
    let offset = 0;
    let peakArrayBuffers = 0;
    const { record, warnings } = await archiveShrinking(dir.path, path, size, 0, (b) => {
      // The entry's data runs from byte 512 (after its header) for `size` bytes.
      const from = Math.max(0, 512 - offset);
      const to = Math.min(b.length, 512 + size - offset);
      if (to > from) data.update(b.subarray(from, to));
      offset += b.length;
      peakArrayBuffers = Math.max(peakArrayBuffers, process.memoryUsage().arrayBuffers);
    });
    assert.equal(warnings.length, 1);
    assert.equal(record.sha256, data.digest('hex'));
    assert.equal(record.sha256, sha256(Buffer.alloc(size)));
    // Padding with one Buffer.alloc(missing) held ~255 MB here until the entry was written.
    assert.ok(
      peakArrayBuffers < 64 * 1024 * 1024,
      `array buffers peaked at ${(peakArrayBuffers / 1048576).toFixed(0)} MB`,
    );
  });
});
