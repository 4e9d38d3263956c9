/** Synchronous writes that a short write cannot cut: the work files and spools of backup and restore. */
import { writeSync } from 'node:fs';

/** Writes all of `b` to `fd` at its current position, however many write(2) calls it takes. */
export function writeAll(fd: number, b: Buffer): void {
  for (let off = 0; off < b.length;) off += writeSync(fd, b, off, b.length - off);
}
