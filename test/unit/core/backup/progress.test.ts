/**
 * Progress of a backup: a large file reports as its blocks go and can be cancelled in the middle
 * (it reported, and checked for cancel, only between files: 9.5 s of "0 B" for a 300 MiB file),
 * and the rate counts from when bytes started to flow (a 75 s dump made the ETA an hour).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archiveStream } from '../../../../src-main/core/backup/archive-writer.js';
import { BLOCK_SIZE, releaseBlock } from '../../../../src-main/core/backup/blocks.js';
import { humanBytes } from '../../../../src-main/core/bytes.js';
import { ManifestSpool } from '../../../../src-main/core/backup/manifest-spool.js';
import type { PlannedEntry } from '../../../../src-main/core/backup/sources.js';
import type { JobProgress } from '../../../../src-main/core/jobs/contract.js';
import { throttledProgress, type ProgressUpdate } from '../../../../src-main/core/jobs/progress.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';

describe('backup progress', () => {
  let dir: TempDir;
  let big = '';
  const size = 8 * BLOCK_SIZE;
  before(async () => {
    dir = await tempDir('ccmon-bk-progress-');
    big = join(dir.path, 'big.bin');
    writeFileSync(big, randomBytes(size));
  });
  after(() => dir.cleanup());

  const entry = (): PlannedEntry => ({
    archivePath: 'fs/big.bin',
    absPath: big,
    type: 'file',
    size,
    mode: 0o644,
    mtimeMs: Date.now(),
    uid: 0,
    gid: 0,
    source: 'test',
    tally: null,
  });

  /** Pulls the stream as the compressor does; `onBlock` runs after each block. */
  async function archive(
    onProgress: (p: ProgressUpdate) => void,
    signal?: AbortSignal,
    onBlock?: () => void,
  ) {
    const spool = new ManifestSpool(join(dir.path, `spool-${Math.random()}.json`));
    const state = { spool, warnings: [] as string[], filesDone: 0, bytesDone: 0 };
    try {
      for await (const block of archiveStream({
        entries: [entry()],
        state,
        totalFiles: 1,
        totalBytes: size,
        onProgress,
        signal,
        finish: () => {
          spool.finish();
          return { json: { size: 2, chunks: () => [Buffer.from('{}')] }, text: '' };
        },
      })) {
        releaseBlock(block);
        onBlock?.();
      }
    } finally {
      spool.close();
    }
  }

  it('reports within a large file, not only when it ends', async (t) => {
    let clock = 0;
    t.mock.method(performance, 'now', () => (clock += 150)); // every look is 150 ms later
    const seen: number[] = [];
    await archive((p) => seen.push(p.bytes));
    const within = seen.filter((b) => b > 0 && b < size);
    assert.ok(within.length >= 4, `bytes reported mid-file: ${within.join(', ')}`);
    assert.equal(seen.at(-1), size);
  });

  it('is cancelled in the middle of a large file', async () => {
    const ac = new AbortController();
    let blocks = 0;
    await assert.rejects(
      archive(
        () => {},
        ac.signal,
        () => {
          if (++blocks === 2) ac.abort(new Error('cancelled by the test'));
        },
      ),
      /cancelled by the test/,
    );
    assert.ok(blocks < 8, `stopped after ${blocks} of 8+ blocks`);
  });

  it('counts the rate from when bytes started to flow', (t) => {
    let now = 0;
    t.mock.method(performance, 'now', () => now);
    const out: JobProgress[] = [];
    const update = throttledProgress({ jobId: 'j', runId: 'r' }, 0, 250, (p) => out.push(p));
    for (now = 0; now <= 75_000; now += 1000)
      update({ phase: 'dumping', files: 0, bytes: 0, totalBytes: 501 });
    now = 76_000;
    update({ phase: 'archiving', files: 1, bytes: 10, totalBytes: 501 });
    const last = out.at(-1)!;
    assert.equal(last.rateBytesPerSecond, 10);
    assert.equal(last.etaSeconds, 49);
  });

  it('always shows a new phase, however soon after the last event', (t) => {
    let now = 0;
    t.mock.method(performance, 'now', () => now);
    const out: JobProgress[] = [];
    const update = throttledProgress({ jobId: 'j', runId: 'r' }, 0, 250, (p) => out.push(p));
    now = 1000;
    update({ phase: 'archived', files: 1, bytes: 10, totalBytes: 10 });
    now = 1050;
    update({ phase: 'copying to s3://b/p/', files: 1, bytes: 10 });
    now = 1100;
    update({ phase: 'copying to s3://b/p/', files: 1, bytes: 10 });
    assert.deepEqual(
      out.map((p) => p.phase),
      ['archived', 'copying to s3://b/p/'],
    );
  });

  it('shows byte counts and rates in whole bytes below 1 KiB', () => {
    assert.equal(humanBytes(1.0845817263067818), '1 B'); // a rate: it was shown unrounded
    assert.equal(humanBytes(0), '0 B');
    assert.equal(humanBytes(1536), '1.5 KiB');
    assert.equal(humanBytes(23_450), '22.9 KiB');
  });
});
