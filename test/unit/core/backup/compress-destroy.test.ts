/**
 * Block-parallel gzip destroyed while blocks are on the thread pool, as a pipeline does when the
 * archive's disk fills up or a backup is cancelled: the in-flight blocks must be dropped quietly.
 * They used to reset a closed zlib binding from its callback, an uncaught "zlib binding closed"
 * that killed the backup worker, sometimes before it had reported the full disk and removed the
 * partial archive (the full-disk test's rare failure under load).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { ParallelGzip } from '../../../../src-main/core/backup/compress.js';

const BLOCK = 512 * 1024;

/** Collects uncaught exceptions for `ms` after `fn` settles. */
async function uncaughtDuring(fn: () => Promise<unknown>, ms = 300): Promise<string[]> {
  const seen: string[] = [];
  const onUncaught = (err: Error) => seen.push(err.message);
  process.on('uncaughtException', onUncaught);
  try {
    await fn();
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  return seen;
}

describe('ParallelGzip destroyed mid-stream', () => {
  for (const delayMs of [0, 5, 20]) {
    it(`destroyed ${delayMs} ms after blocks were queued: the error it was given, nothing uncaught`, async () => {
      const gzip = new ParallelGzip(6);
      const errors: string[] = [];
      gzip.on('error', (err) => errors.push(err.message));
      gzip.resume();
      const uncaught = await uncaughtDuring(async () => {
        for (let i = 0; i < 4; i++) gzip.write(randomBytes(BLOCK));
        await new Promise((r) => setTimeout(r, delayMs));
        gzip.destroy(new Error('ENOSPC: no space left on device, write'));
      });
      assert.deepEqual(uncaught, []);
      assert.deepEqual(errors, ['ENOSPC: no space left on device, write']);
    });
  }

  it('in a pipeline whose file sink fails: the pipeline rejects with the sink error, nothing uncaught', async () => {
    let written = 0;
    const fullDisk = new Writable({
      write(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        // Fails on a later tick, like fs.write on the thread pool, with blocks still compressing.
        if (written > BLOCK)
          setImmediate(() => cb(Object.assign(new Error('no space'), { code: 'ENOSPC' })));
        else cb();
      },
    });
    async function* source() {
      for (let i = 0; i < 16; i++) yield randomBytes(BLOCK);
    }
    const outcome: { err: NodeJS.ErrnoException | null } = { err: null };
    const uncaught = await uncaughtDuring(() =>
      pipeline(source(), new ParallelGzip(6), fullDisk).catch((err) => (outcome.err = err)),
    );
    assert.deepEqual(uncaught, []);
    assert.equal(outcome.err?.code, 'ENOSPC');
  });
});
