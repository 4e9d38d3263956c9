/**
 * Reads an archive back: file → (archive sha256) → decrypt → decompress → tar parser, with the
 * format recognised from the file's first bytes (gzip, zstd, ccmon's encryption header) so a
 * renamed archive still opens. Memory stays constant: data reaches the handler chunk by chunk.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Writable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decompressor, type Compression } from './compress.js';
import { GarbageHint } from './gc-hint.js';
import { DecryptStream, type PassphraseProvider } from './crypto.js';
import { MANIFEST_ENTRY, type BackupManifest } from './manifest.js';
import { TarParser, type TarHandler, type TarHeader } from './tar.js';
import { writeAll } from './write-all.js';

export interface ArchiveFormat {
  compression: Compression;
  encrypted: boolean;
}

export function detectFormat(path: string): ArchiveFormat {
  const head = Buffer.alloc(8);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') === 'CCMONENC')
    return { compression: /\.zst(\.enc)?$/.test(path) ? 'zstd' : 'gzip', encrypted: true };
  if (head[0] === 0x1f && head[1] === 0x8b) return { compression: 'gzip', encrypted: false };
  if (head.readUInt32LE(0) === 0xfd2fb528) return { compression: 'zstd', encrypted: false };
  throw new Error(`${path}: not a ccmon backup archive (neither gzip, zstd nor ccmon-encrypted)`);
}

export interface ReadArchiveOptions {
  passphrase?: PassphraseProvider;
  signal?: AbortSignal;
  /** Receives every compressed byte read (archive-level checksum). */
  onRaw?: (chunk: Buffer) => void;
}

/** Streams the archive through `handler`; throws on malformed, truncated or undecryptable input. */
export async function readArchive(
  path: string,
  handler: TarHandler,
  opts: ReadArchiveOptions = {},
): Promise<void> {
  const format = detectFormat(path);
  const stages: Duplex[] = [];
  if (format.encrypted) {
    if (!opts.passphrase)
      throw new Error(`${path} is encrypted: a passphrase is needed (CCMON_BACKUP_PASSPHRASE)`);
    stages.push(new DecryptStream(await opts.passphrase()));
  }
  stages.push(decompressor(format.compression));
  const parser = new TarParser(handler);
  // 64 KiB of compressed input at a time: gunzip turns a whole input chunk into output before it
  // looks at backpressure, and 1 MiB of a compressible log became 15-25 MB of buffers in flight
  // (process.memoryUsage().arrayBuffers in the restore worker; 9 MB with 64 KiB, same speed).
  const source = createReadStream(path, { highWaterMark: 64 * 1024 });
  if (opts.onRaw) source.on('data', opts.onRaw as (c: string | Buffer) => void);
  const sink = parserSink(parser);
  await pipeline([source, ...stages, sink], { signal: opts.signal });
}

/**
 * The last stage of readArchive: hands each decompressed chunk to the tar parser (which writes and
 * hashes the files) on the next turn of the event loop, not inside the decompressor's callback.
 * zlib queues its next piece on the thread pool only after push() returns, so parsing inline made
 * inflating and writing take turns; deferred, they overlap (a 630 MB restore on 2 cores: 3.8-4.0 s
 * before, 3.2-3.4 s after). A chunk still queued when the pipeline is destroyed (cancelled, failed)
 * is dropped.
 */
export function parserSink(parser: Pick<TarParser, 'push' | 'end'>): Writable {
  const garbage = new GarbageHint();
  const sink: Writable = new Writable({
    write(chunk: Buffer, _e, cb) {
      setImmediate(() => {
        if (sink.destroyed) return cb();
        try {
          garbage.add(chunk.length);
          parser.push(chunk);
          cb();
        } catch (err) {
          cb(err as Error);
        }
      });
    },
    final(cb) {
      try {
        parser.end();
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  return sink;
}

/**
 * The manifest embedded in an archive (its last entries), for archives without their sidecar or
 * with an encrypted one. Reads the whole archive but writes nothing, and refuses no entry: the
 * caller checks the manifest, then every header against it on the real pass.
 */
export async function readEmbeddedManifest(
  path: string,
  opts: ReadArchiveOptions = {},
): Promise<BackupManifest> {
  let chunks: Buffer[] | null = null;
  let text: string | null = null;
  await readArchive(
    path,
    {
      entry(h: TarHeader) {
        chunks = h.path === MANIFEST_ENTRY && h.type === 'file' ? [] : null;
      },
      data(c) {
        if (chunks) chunks.push(Buffer.from(c));
      },
      endEntry() {
        if (chunks) text = Buffer.concat(chunks).toString('utf8');
        chunks = null;
      },
    },
    opts,
  );
  if (text === null)
    throw new Error(
      `${path}: the archive has no ${MANIFEST_ENTRY}; it was not made by ccmon (refusing to restore it)`,
    );
  // Loaded here: the restore worker reads archives but never parses a whole manifest (zod).
  const { parseManifest } = await import('./manifest-schema.js');
  return parseManifest(text, `${path}:${MANIFEST_ENTRY}`);
}

/**
 * Copies the archive's manifest.json into `file` (created, mode 0600) without holding it: for
 * archives without their sidecar's file list (encrypted, or a lone archive file), whose list is
 * then streamed from that file (manifest-records.ts). Reads the whole archive, writes nothing else.
 */
export async function spoolEmbeddedManifest(
  path: string,
  file: string,
  opts: ReadArchiveOptions = {},
): Promise<void> {
  const fd = openSync(file, 'wx', 0o600);
  let inManifest = false;
  let found = false;
  try {
    await readArchive(
      path,
      {
        entry(h: TarHeader) {
          inManifest = h.path === MANIFEST_ENTRY && h.type === 'file' && !found;
          found ||= inManifest;
        },
        data(c) {
          if (inManifest) writeAll(fd, c);
        },
        endEntry() {
          inManifest = false;
        },
      },
      opts,
    );
  } finally {
    closeSync(fd);
  }
  if (!found)
    throw new Error(
      `${path}: the archive has no ${MANIFEST_ENTRY}; it was not made by ccmon (refusing to restore it)`,
    );
}
