/**
 * Why an archive could not be read, in one line, for verify and restore. When the archive file's
 * size and sha256 match its sidecar, the file is as it was written and the cause is here (a wrong
 * passphrase, a missing zstd), not in the file; when they differ, the file is damaged.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CompressorError } from './compress.js';
import { DecryptionError } from './crypto.js';
import type { BackupSidecar } from './manifest.js';

/** Hashes `path` from `offset` to its end into `hash`; the byte count (0 when unreadable). */
export async function hashRest(path: string, offset: number, hash: Hash): Promise<number> {
  let n = 0;
  try {
    for await (const c of createReadStream(path, { start: offset, highWaterMark: 1024 * 1024 })) {
      hash.update(c as Buffer);
      n += (c as Buffer).length;
    }
  } catch {
    // gone or unreadable: the read error already says so, the size check says the rest
  }
  return n;
}

/**
 * Why the archive could not be read, in one line. When its size and sha256 match the sidecar the
 * file is as it was written, so the cause is here (passphrase, a missing zstd), not in the file.
 */
export function readProblem(err: Error, intact: boolean): string {
  const note = intact
    ? ' (the archive file is intact: its size and sha256 match the manifest)'
    : '';
  if (err instanceof CompressorError && err.missing)
    return `cannot decompress the archive: '${err.missing}' is not installed; install the ${err.missing} package to read this archive${note}`;
  // The first chunk failing authentication is "wrong passphrase, or damaged": intact, the first.
  if (intact && err instanceof DecryptionError && err.atFirstChunk)
    return `cannot decrypt the archive: wrong passphrase${note}`;
  return `the archive cannot be read to the end: ${err.message}${note}`;
}

/**
 * A restore's first read of an archive failed (its manifest inside, for an encrypted one): the
 * error in one cause, after comparing the file with its sidecar. A first chunk that fails
 * authentication is a wrong passphrase when the file is intact, and a damaged file otherwise;
 * without a sidecar it stays "wrong passphrase, or damaged".
 */
export async function explainReadError(
  err: Error,
  archivePath: string,
  sidecar: BackupSidecar | null,
): Promise<Error> {
  const decrypt = err instanceof DecryptionError && err.atFirstChunk;
  const missing = err instanceof CompressorError ? err.missing : null;
  if (!sidecar || !(decrypt || missing)) return err;
  const hash = createHash('sha256');
  const size = await hashRest(archivePath, 0, hash);
  const intact =
    size === sidecar.archive.sizeBytes && hash.digest('hex') === sidecar.archive.sha256;
  if (missing) return new CompressorError(readProblem(err, intact), missing);
  return new DecryptionError(
    intact
      ? readProblem(err, true)
      : `cannot decrypt the archive: the archive file is damaged (its size or sha256 differs from its manifest's; ccmon verify ${sidecar.id} says more)`,
  );
}
