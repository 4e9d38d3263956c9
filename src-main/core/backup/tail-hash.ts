/**
 * The sha256 of a file while another process is still appending to it: zstd writes the archive
 * itself (compress.ts: zstdToFile), and hashing it only after zstd exits put a serial read of the
 * whole archive at the end of every zstd backup (~0.13 s per 150 MB, with nothing else running).
 * Bytes below the file's current end are final (zstd writes its output once, in order, without
 * seeking: `--no-sparse`), so they are hashed as they appear, while zstd still compresses.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { OPEN_REGULAR } from './sources.js';

export class TailHash {
  private readonly fd: number;
  private readonly hash = createHash('sha256');
  private readonly buf = Buffer.allocUnsafe(256 * 1024);
  private offset = 0;
  private closed = false;

  constructor(path: string) {
    this.fd = openSync(path, OPEN_REGULAR); // a restore's destinations are a live tree too
  }

  /** Hashes whatever was appended since the last call (cheap when nothing was). */
  catchUp(): void {
    if (this.closed) return;
    for (let n; (n = readSync(this.fd, this.buf, 0, this.buf.length, this.offset)) > 0;) {
      this.hash.update(this.buf.subarray(0, n));
      this.offset += n;
    }
  }

  /** Call once the writer has exited: hashes the rest; returns the size and the digest. */
  finish(): { sizeBytes: number; sha256: string } {
    try {
      this.catchUp();
    } finally {
      this.close();
    }
    return { sizeBytes: this.offset, sha256: this.hash.digest('hex') };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** The sha256 of a whole file (hex): a TailHash caught up once. */
export function sha256File(path: string): string {
  return new TailHash(path).finish().sha256;
}
