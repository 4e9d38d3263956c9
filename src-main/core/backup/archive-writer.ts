/**
 * Produces the tar stream of a backup as an async generator of blocks (pulled by the
 * compressor, so memory stays constant): every planned entry with its sha256 computed while it is
 * read, then manifest.json and manifest.txt last. Files are read with plain synchronous reads: for
 * many small files that is far cheaper than a thread-pool round trip per call, and compression
 * runs on the thread pool meanwhile.
 */
import * as crypto from 'node:crypto';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import { acquireBlock, BLOCK_SIZE } from './blocks.js';
import { crashPoint } from './crash-points.js';
import { MANIFEST_ENTRY, MANIFEST_TEXT_ENTRY, type ManifestFile } from './manifest.js';
import type { JsonBody, ManifestSpool } from './manifest-spool.js';
import { pushWarning, type PlannedEntry } from './sources.js';
import { encodeHeader, padding, TAR_END } from './tar.js';

const BLOCK = BLOCK_SIZE;

/**
 * Packs the tar stream into blocks (blocks.ts), reading file data straight into the current block: one
 * allocation per MiB of output and no copies in between (allocation churn is what makes a
 * streaming Node process's RSS grow, not the data it holds).
 */
class BlockWriter {
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

type OneShot = (alg: string, data: Buffer, enc: 'hex') => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;
/** sha256 of one buffer: crypto.hash (Node ≥ 20.12) when there, a Hash object otherwise. */
const sha256Hex = (b: Buffer): string =>
  oneShot ? oneShot('sha256', b, 'hex') : createHash('sha256').update(b).digest('hex');
const EMPTY = Buffer.alloc(0);
const EMPTY_SHA256 = sha256Hex(EMPTY);
/** What a file that shrank while being read is padded with, a piece at a time. */
const ZEROS = Buffer.alloc(64 * 1024);

type TarHeaderFields = Parameters<typeof encodeHeader>[0];

/** An entry's manifest record, as archived (size and mtime as read, for files). */
function manifestRecord(
  e: PlannedEntry,
  size: number,
  mtimeMs: number,
  sha256: string | null,
): ManifestFile {
  const record: ManifestFile = {
    path: e.archivePath,
    type: e.type,
    size,
    mode: e.mode,
    mtime: new Date(Math.round(mtimeMs)).toISOString(), // as fs.Stats#mtime rounds
    sha256,
    uid: e.uid,
    gid: e.gid,
    source: e.source,
  };
  if (e.link !== undefined) record.link = e.link;
  return record;
}

export interface ArchiveWriterState {
  /** Every archived entry's manifest record goes here, not into memory. */
  spool: ManifestSpool;
  warnings: string[];
  filesDone: number;
  bytesDone: number;
}

export interface ArchiveWriterOptions {
  /** Consumed lazily: the walk runs as the archive is written. */
  entries: Iterable<PlannedEntry>;
  /** Estimates for progress (ETA), when known. */
  totalFiles?: number;
  totalBytes?: number;
  state: ArchiveWriterState;
  /** Called after the last data entry: returns manifest.json and manifest.txt contents. */
  finish: () => { json: JsonBody; text: string };
  onProgress?: (p: ProgressUpdate) => void;
  signal?: AbortSignal;
}

export async function* archiveStream(opts: ArchiveWriterOptions): AsyncGenerator<Buffer> {
  const { state } = opts;
  const out = new BlockWriter();
  const scratch = Buffer.alloc(512); // every plain header is encoded here, then copied by put()
  // One header object, refilled per entry: encodeHeader only reads it (no allocation per file).
  const header: TarHeaderFields = {
    path: '',
    type: 'file',
    size: 0,
    mode: 0,
    uid: 0,
    gid: 0,
    mtimeSeconds: 0,
    linkname: '',
  };
  let lastProgress = 0;
  for (const e of opts.entries) {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('backup cancelled');
    header.path = e.archivePath;
    header.type = e.type;
    header.size = 0;
    header.mode = e.mode;
    header.uid = e.uid;
    header.gid = e.gid;
    header.mtimeSeconds = Math.floor(e.mtimeMs / 1000);
    header.linkname = e.link ?? '';
    if (e.type !== 'file') {
      state.spool.add(manifestRecord(e, 0, e.mtimeMs, null));
      out.put(encodeHeader(header, scratch));
      // Only when a block filled: `yield*` of an empty array still costs an await per call.
      if (out.hasReady()) yield* out.take();
      continue;
    }
    let fd: number;
    try {
      fd = openSync(e.absPath, 'r');
    } catch (err) {
      pushWarning(
        state.warnings,
        `${e.absPath}: vanished or unreadable before it was read (${(err as NodeJS.ErrnoException).code}); skipped`,
      );
      continue;
    }
    try {
      const st = fstatSync(fd);
      const size = st.size;
      let hash: Hash | null = null;
      let digest = size === 0 ? EMPTY_SHA256 : null;
      header.size = size;
      header.mtimeSeconds = Math.floor(st.mtimeMs / 1000);
      out.put(encodeHeader(header, scratch));
      let left = size;
      let shrank = false;
      while (left > 0) {
        let chunk = shrank ? EMPTY : out.read(fd, left);
        if (chunk.length === 0) {
          // The file shrank while being read (a log rotated with copytruncate): pad with zeros
          // so the tar stays valid, and say so. A piece at a time: what is missing can be GBs.
          if (!shrank)
            pushWarning(
              state.warnings,
              `${e.absPath}: changed while being read (shrank); archived zero-padded`,
            );
          shrank = true;
          chunk = ZEROS.subarray(0, Math.min(left, ZEROS.length));
          out.put(chunk);
        }
        // Hashed before the block can go downstream (and be recycled). A file read whole in one go
        // (most small files) is hashed one-shot: no Hash object whose memory waits for the GC.
        if (hash === null && chunk.length === size) digest = sha256Hex(chunk);
        else (hash ??= createHash('sha256')).update(chunk);
        left -= chunk.length;
        state.bytesDone += chunk.length;
        if (out.hasReady()) yield* out.take();
      }
      out.put(padding(size));
      if (out.hasReady()) yield* out.take();
      state.spool.add(manifestRecord(e, size, st.mtimeMs, hash ? hash.digest('hex') : digest));
      state.filesDone++;
      crashPoint('backup-archiving');
    } finally {
      closeSync(fd);
    }
    const now = performance.now();
    if (opts.onProgress && now - lastProgress > 100) {
      lastProgress = now;
      opts.onProgress({
        phase: `archiving ${e.source}`,
        files: state.filesDone,
        bytes: state.bytesDone,
        totalFiles: opts.totalFiles,
        totalBytes: opts.totalBytes,
      });
    }
  }
  const { json, text } = opts.finish();
  const nowSeconds = Math.floor(Date.now() / 1000);
  const textBytes = Buffer.from(text);
  for (const [path, body] of [
    [MANIFEST_ENTRY, json],
    [MANIFEST_TEXT_ENTRY, { size: textBytes.length, chunks: () => [textBytes] }],
  ] as const) {
    out.put(
      encodeHeader({
        path,
        type: 'file',
        size: body.size,
        mode: 0o644,
        uid: 0,
        gid: 0,
        mtimeSeconds: nowSeconds,
        linkname: '',
      }),
    );
    let written = 0;
    for (const chunk of body.chunks()) {
      out.put(chunk);
      written += chunk.length;
      yield* out.take();
    }
    if (written !== body.size)
      throw new Error(`internal: ${path} has ${written} bytes, its header says ${body.size}`);
    out.put(padding(body.size));
  }
  out.put(TAR_END);
  yield* out.take();
  yield out.rest();
  opts.onProgress?.({
    phase: 'archived',
    files: state.filesDone,
    bytes: state.bytesDone,
    totalFiles: opts.totalFiles,
    totalBytes: opts.totalBytes,
  });
}
