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
