/**
 * Lines (or raw bytes) appended to a work file and read back as often as needed, for lists that
 * must not be held in memory (verify's entries and embedded manifest). Writes are batched; every
 * read flushes first.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { writeAll } from './write-all.js';

const CHUNK = 64 * 1024;

export class LineSpool {
  private readonly fd: number;
  private pending: (string | Buffer)[] = [];
  private pendingBytes = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'wx+', 0o600);
  }

  /** One line (it must not contain a newline: JSON.stringify output never does). */
  append(line: string): void {
    this.push(line + '\n', Buffer.byteLength(line) + 1);
  }

  /**
   * Raw bytes. A large piece goes straight to the file, after what is batched: copying each 128 KiB
   * piece of a 300,000-file archive's 40 MB manifest, then concatenating the copies, left the
   * allocator's heap 5 MB larger at the end of verify's read. Small ones are copied (the caller's
   * buffer may be reused) and batched.
   */
  appendBytes(b: Buffer): void {
    if (b.length < CHUNK / 4) return this.push(Buffer.from(b), b.length);
    this.finish();
    writeAll(this.fd, b);
  }

  /** Writes what is batched, so the file is complete for another reader. */
  finish(): void {
    if (!this.pending.length) return;
    const b = Buffer.concat(this.pending.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    writeAll(this.fd, b);
    this.pending = [];
    this.pendingBytes = 0;
  }

  *lines(): Generator<string> {
    this.finish();
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (let pos = 0; ;) {
      const n = readSync(this.fd, buf, 0, buf.length, pos);
      pos += n;
      const lines = (carry + (n > 0 ? decoder.write(buf.subarray(0, n)) : '')).split('\n');
      carry = lines.pop()!;
      yield* lines;
      if (n === 0) return;
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private push(p: string | Buffer, n: number): void {
    this.pending.push(p);
    this.pendingBytes += n;
    if (this.pendingBytes >= CHUNK) this.finish();
  }
}
