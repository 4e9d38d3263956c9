/**
 * sha256 of one buffer in one call: crypto.hash (Node ≥ 20.12) when there, a Hash object
 * otherwise. For a file that arrives in one piece (most small files, in a backup and a restore)
 * it is cheaper than a Hash object, whose native state also waits for the GC to be freed.
 */
import * as crypto from 'node:crypto';

type OneShot = (alg: string, data: Buffer, enc: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export const sha256Hex = (b: Buffer): string =>
  oneShot ? oneShot('sha256', b, 'hex') : crypto.createHash('sha256').update(b).digest('hex');

/** The sha256 of no bytes (an empty file's). */
export const EMPTY_SHA256 = sha256Hex(Buffer.alloc(0));

/**
 * The sha256 of one file's bytes as they stream by (archive writer, extraction, verify), reused
 * from file to file: a file whose bytes come in one piece is hashed in one call, and a Hash object
 * is made only at a file's second piece.
 */
export class FileSha256 {
  private size = 0;
  private hash: crypto.Hash | null = null;
  private digest = EMPTY_SHA256;

  /** Starts a file of `size` bytes. */
  start(size: number): void {
    this.size = size;
    this.hash = null;
    this.digest = EMPTY_SHA256;
  }

  update(piece: Buffer): void {
    if (this.hash === null && piece.length === this.size) this.digest = sha256Hex(piece);
    else (this.hash ??= crypto.createHash('sha256')).update(piece);
  }

  /** The hex digest of the bytes since start(). */
  hex(): string {
    const hash = this.hash;
    this.hash = null;
    return hash ? hash.digest('hex') : this.digest;
  }
}
