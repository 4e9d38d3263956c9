/**
 * The archive stream's blocks (blocks.ts), filled in place: file data is read straight into the
 * current block, one allocation per block of output and no copies in between (allocation churn is
 * what makes a streaming Node process's RSS grow, not the data it holds).
 */
import { readSync } from 'node:fs';
import { acquireBlock, BLOCK_SIZE } from './blocks.js';

const BLOCK = BLOCK_SIZE;

/** Packs the tar stream into blocks; full ones wait until taken. */
export class BlockWriter {
  private cur = acquireBlock();
  private off = 0;
  private ready: Buffer[] = [];

  put(b: Buffer): void {
    for (let pos = 0; pos < b.length;) {
      const n = Math.min(b.length - pos, BLOCK - this.off);
      b.copy(this.cur, this.off, pos, pos + n);
      this.off += n;
      pos += n;
      if (this.off === BLOCK) this.next();
    }
  }

  /** Reads up to `max` bytes of `fd` into the block; the returned view is what was read. */
  read(fd: number, max: number): Buffer {
    const n = readSync(fd, this.cur, this.off, Math.min(max, BLOCK - this.off), null);
    const view = this.cur.subarray(this.off, this.off + n);
    this.off += n;
    if (this.off === BLOCK) this.next();
    return view;
  }

  hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Full blocks ready to hand downstream. */
  take(): Buffer[] {
    const r = this.ready;
    this.ready = [];
    return r;
  }

  rest(): Buffer {
    return this.cur.subarray(0, this.off);
  }

  private next(): void {
    this.ready.push(this.cur);
    this.cur = acquireBlock();
    this.off = 0;
  }
}
