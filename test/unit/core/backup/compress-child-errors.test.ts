/**
 * zstd runs as a child process; when it dies on its input (a corrupt archive being verified or
 * restored), writes to its stdin fail with EPIPE. What reaches the admin must be zstd's own reason,
 * not "write EPIPE" (the full-disk case of the zstd writer is in
 * test/integration/backup/crash-and-disk.test.ts, which needs root for its tmpfs).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { CompressorError, decompressor } from '../../../../src-main/core/backup/compress.js';

/** Eight MiB of random bytes through `zstd -1`, then bytes flipped all along after the header. */
function corruptZstd(): Buffer {
  const z = execFileSync('zstd', ['-q', '-c', '-1'], {
    input: randomBytes(8 << 20),
    maxBuffer: 64 << 20,
  });
  for (let i = 4096; i < z.length; i += 997) z[i]! ^= 0xff;
  return z;
}

describe('zstd child errors', () => {
  it('a corrupt archive fails with zstd’s reason, not with the broken pipe', async () => {
    const z = corruptZstd();
    const chunks: Buffer[] = [];
    for (let o = 0; o < z.length; o += 64 * 1024) chunks.push(z.subarray(o, o + 64 * 1024));
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    await assert.rejects(
      pipeline(Readable.from(chunks), decompressor('zstd'), sink),
      (err: Error) => {
        assert.ok(err instanceof CompressorError, `${err.name}: ${err.message}`);
        assert.match(err.message, /^decompressing with zstd failed \(exit \d+\): .*corrupt/i);
        return true;
      },
    );
  });

  it('a missing zstd, reading an archive, says to install it (not to switch compression)', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    let filter;
    try {
      filter = decompressor('zstd'); // spawn looks zstd up now
    } finally {
      process.env.PATH = path;
    }
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    await assert.rejects(
      pipeline(Readable.from([Buffer.from('x')]), filter, sink),
      (err: Error) => {
        assert.equal(
          err.message,
          "decompressing with zstd: 'zstd' is not installed (install the zstd package to read this archive)",
        );
        return true;
      },
    );
  });
});
