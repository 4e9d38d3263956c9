/**
 * Produces the tar stream of a backup as a generator of blocks (pulled by the compressor, so
 * memory stays constant): every planned entry with its sha256 computed while it is
 * read, then manifest.json and manifest.txt last. Files are read with plain synchronous reads: for
 * many small files that is far cheaper than a thread-pool round trip per call, and compression
 * runs on the thread pool meanwhile.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import { BlockWriter } from './block-writer.js';
import { crashPoint } from './crash-points.js';
import { MANIFEST_ENTRY, MANIFEST_TEXT_ENTRY, type ManifestFile } from './manifest.js';
import type { JsonBody, ManifestSpool } from './manifest-spool.js';
import { FileSha256 } from './sha256.js';
import { kindOf, OPEN_REGULAR, pushWarning, type PlannedEntry } from './sources.js';
import { encodeHeader, padding, TAR_END } from './tar.js';

const EMPTY = Buffer.alloc(0);
/** What a file that shrank while being read is padded with, a piece at a time. */
const ZEROS = Buffer.alloc(64 * 1024);

type TarHeaderFields = Parameters<typeof encodeHeader>[0];

/**
 * What an entry is archived with: the walk's lstat for a folder or a symlink; for a file, the
 * fstat of what was opened and read, so its mode and owner are those of the bytes archived.
 */
interface EntryMeta {
  size: number;
  mtimeMs: number;
  mode: number;
  uid: number;
  gid: number;
}

/** An entry's manifest record, as archived. */
function manifestRecord(e: PlannedEntry, m: EntryMeta, sha256: string | null): ManifestFile {
  const record: ManifestFile = {
    path: e.archivePath,
    type: e.type,
    size: m.size,
    mode: m.mode,
    mtime: new Date(Math.round(m.mtimeMs)).toISOString(), // as fs.Stats#mtime rounds
    sha256,
    uid: m.uid,
    gid: m.gid,
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

/**
 * The per-entry work of archiveStream, kept out of the generator in small methods. With all of it
 * in one generator body, code first reached after V8 had optimized it ("insufficient type
 * feedback": the trailer after the loop, for one) threw the optimized code away, and V8 compiled
 * it again: three TurboFan compiles of 55-100 ms each per 630 MB backup (`--trace-opt`), CPU that
 * a 2-core machine shares with zstd. Now the loop compiles once, in ~15 ms.
 */
class EntryWriter {
  readonly out = new BlockWriter();
  private readonly scratch = Buffer.alloc(512); // every plain header is encoded here, then copied
  /** One header object, refilled per entry: encodeHeader only reads it (no allocation per file). */
  private readonly header: TarHeaderFields = {
    path: '',
    type: 'file',
    size: 0,
    mode: 0,
    uid: 0,
    gid: 0,
    mtimeSeconds: 0,
    linkname: '',
  };
  /** The entry being written, refilled per entry (no allocation per file). */
  private readonly meta: EntryMeta = { size: 0, mtimeMs: 0, mode: 0, uid: 0, gid: 0 };
  // The file being read: what is left, its hash so far, and whether it shrank.
  private left = 0;
  private readonly sha256 = new FileSha256();
  private shrank = false;
  /**
   * Files with more than one link seen so far, by device and inode → the first one's archive path;
   * the open file's entry in it when it is a later link (else null). GNU tar and restic keep hard
   * links; here each link is archived whole (any tar extracts it) and the manifest says which
   * file it is a link of, so a restore links them again.
   */
  private readonly linked = new Map<string, string>();
  private hardlinkTo: string | null = null;

  constructor(private readonly state: ArchiveWriterState) {}

  /** A directory or symlink: its header and its record. */
  other(e: PlannedEntry): void {
    const m = this.meta;
    m.size = 0;
    m.mtimeMs = e.mtimeMs;
    m.mode = e.mode;
    m.uid = e.uid;
    m.gid = e.gid;
    this.state.spool.add(manifestRecord(e, m, null));
    this.fillHeader(e);
    this.out.put(encodeHeader(this.header, this.scratch));
  }

  /**
   * Opens a file and writes its header; -1 (with a warning) when it cannot be opened or is no
   * longer a regular file.
   */
  open(e: PlannedEntry): number {
    let fd: number;
    try {
      fd = openSync(e.absPath, OPEN_REGULAR);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      pushWarning(
        this.state.warnings,
        code === 'ELOOP'
          ? `${e.absPath}: replaced by a symlink before it was read; skipped`
          : `${e.absPath}: vanished or unreadable before it was read (${code}); skipped`,
      );
      return -1;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) {
        closeSync(fd);
        pushWarning(
          this.state.warnings,
          `${e.absPath}: changed type before it was read (now: ${kindOf(st)}); skipped`,
        );
        return -1;
      }
      const m = this.meta;
      m.size = this.left = st.size;
      m.mtimeMs = st.mtimeMs;
      m.mode = st.mode & 0o7777;
      m.uid = st.uid;
      m.gid = st.gid;
      this.sha256.start(st.size);
      this.shrank = false;
      this.hardlinkTo = st.nlink > 1 ? this.firstLinkOf(fd, e) : null;
      this.fillHeader(e);
      this.out.put(encodeHeader(this.header, this.scratch));
      return fd;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** The archive path of the file's first link in this backup; null when this is the first. */
  private firstLinkOf(fd: number, e: PlannedEntry): string | null {
    // As bigints: an inode number past 2^53 (XFS, btrfs) must not collide with another.
    const { dev, ino } = fstatSync(fd, { bigint: true });
    const key = `${dev}:${ino}`;
    const first = this.linked.get(key);
    if (first !== undefined) return first;
    this.linked.set(key, e.archivePath);
    return null;
  }

  /**
   * Reads the open file's next piece into the current block (up to the block's end) and hashes
   * it; false once the file's data is all written.
   */
  read(fd: number, e: PlannedEntry): boolean {
    if (this.left === 0) return false;
    let chunk = this.shrank ? EMPTY : this.out.read(fd, this.left);
    if (chunk.length === 0) {
      // The file shrank while being read (a log rotated with copytruncate): pad with zeros so
      // the tar stays valid, and say so. A piece at a time: what is missing can be GBs.
      if (!this.shrank)
        pushWarning(
          this.state.warnings,
          `${e.absPath}: changed while being read (shrank); archived zero-padded`,
        );
      this.shrank = true;
      chunk = ZEROS.subarray(0, Math.min(this.left, ZEROS.length));
      this.out.put(chunk);
    }
    // Hashed before the block can go downstream (and be recycled). A file read whole in one go
    // (most small files) is hashed one-shot: no Hash object whose memory waits for the GC.
    this.sha256.update(chunk);
    this.left -= chunk.length;
    this.state.bytesDone += chunk.length;
    return this.left > 0;
  }

  /** The file's padding and manifest record. */
  endFile(e: PlannedEntry): void {
    this.out.put(padding(this.meta.size));
    const record = manifestRecord(e, this.meta, this.sha256.hex());
    if (this.hardlinkTo !== null) record.hardlinkTo = this.hardlinkTo;
    this.state.spool.add(record);
    this.state.filesDone++;
    if (e.tally) {
      e.tally.files++;
      e.tally.bytes += this.meta.size;
    }
    crashPoint('backup-archiving');
  }

  /** manifest.json and manifest.txt, then the end of the archive, into the blocks. */
  *trailer(json: JsonBody, text: string): Generator<Buffer> {
    const out = this.out;
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
  }

  private fillHeader(e: PlannedEntry): void {
    const h = this.header;
    const m = this.meta;
    h.path = e.archivePath;
    h.type = e.type;
    h.size = m.size;
    h.mode = m.mode;
    h.uid = m.uid;
    h.gid = m.gid;
    h.mtimeSeconds = Math.floor(m.mtimeMs / 1000);
    h.linkname = e.link ?? '';
  }
}

/**
 * The tar stream of a backup, block by block. A plain generator: nothing in it waits, and
 * Readable.from pulls a sync iterator without a promise per block.
 */
export function* archiveStream(opts: ArchiveWriterOptions): Generator<Buffer> {
  const w = new EntryWriter(opts.state);
  // The entries' loop is a generator of its own: code after a hot loop has no type feedback when
  // V8 optimizes the loop, and reaching it threw the optimized code of the whole function away.
  yield* entryBlocks(opts, w);
  const { json, text } = opts.finish();
  yield* w.trailer(json, text);
  report(opts, 'archived');
}

function* entryBlocks(opts: ArchiveWriterOptions, w: EntryWriter): Generator<Buffer> {
  const out = w.out;
  let lastProgress = 0;
  /** Between files, and between the blocks of a large one: cancel, and progress every 100 ms. */
  const checkpoint = (e: PlannedEntry) => {
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('backup cancelled');
    const now = performance.now();
    if (opts.onProgress && now - lastProgress > 100) {
      lastProgress = now;
      report(opts, `archiving ${e.source}`);
    }
  };
  for (const e of opts.entries) {
    checkpoint(e);
    if (e.type !== 'file') w.other(e);
    else {
      const fd = w.open(e);
      if (fd < 0) continue;
      try {
        // Only when a block filled: `yield*` of an empty array still costs a step per call. A
        // 300 MiB file showed no progress, and could not be cancelled, until its end.
        while (w.read(fd, e))
          if (out.hasReady()) {
            yield* out.take();
            checkpoint(e);
          }
        w.endFile(e);
      } finally {
        closeSync(fd);
      }
    }
    if (out.hasReady()) yield* out.take();
  }
}

function report(opts: ArchiveWriterOptions, phase: string): void {
  opts.onProgress?.({
    phase,
    files: opts.state.filesDone,
    bytes: opts.state.bytesDone,
    totalFiles: opts.totalFiles,
    totalBytes: opts.totalBytes,
  });
}
