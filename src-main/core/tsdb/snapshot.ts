/**
 * Snapshots of the store on disk so charts survive a restart. Writes are atomic (temp file,
 * fsync, rename, fsync of the directory) and streamed in ~1 MiB batches so the event loop is
 * never held for long; a failed write (a full disk) removes the temp file and leaves the
 * previous snapshot in place. A snapshot that cannot be read is moved aside with a warning and
 * the store starts empty: losing history is better than not starting.
 */
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { MemSeries } from './series.js';
import {
  encodeHeader,
  encodeSeries,
  encodeTrailer,
  SnapshotFormatError,
  SnapshotReader,
  type SeriesRecord,
} from './snapshot-format.js';
import type { SeriesStore } from './store.js';
import { SeriesLimitError } from './types.js';

/** The part of a file handle snapshots write through (tests inject one that fails). */
export interface SnapshotFile {
  /** May write less than asked (a nearly full disk does): writeAll loops. */
  write(data: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface SnapshotWriteOptions {
  now?: () => number;
  openFile?: (path: string) => Promise<SnapshotFile>;
}

export interface SnapshotWritten {
  file: string;
  series: number;
  bytes: number;
  durationMs: number;
}

export type SnapshotLoaded =
  | {
      status: 'loaded';
      file: string;
      series: number;
      skipped: number;
      bytes: number;
      writtenAt: number;
      durationMs: number;
    }
  | { status: 'missing'; file: string }
  | { status: 'set-aside'; file: string; movedTo: string | null; reason: string };

/** Thrown when a snapshot could not be written; the previous snapshot is untouched. */
export class SnapshotWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotWriteError';
  }
}

const BATCH_BYTES = 1 << 20;

export function seriesRecord(s: MemSeries): SeriesRecord {
  return {
    labels: s.labels,
    last: { t: s.lastT, v: s.lastValue, stale: s.lastStale },
    chunks: [...s.allChunks()],
    levels: s.downsampled.map((d) => ({
      resolution: d.resolution,
      chunks: [...d.sealedViews()],
      open: d.openRow(),
    })),
  };
}

export async function writeSnapshot(
  store: SeriesStore,
  file: string,
  opts: SnapshotWriteOptions = {},
): Promise<SnapshotWritten> {
  const started = performance.now();
  const tmp = `${file}.tmp-${process.pid}`;
  const openFile = opts.openFile ?? ((p: string) => open(p, 'w', 0o600));
  let fh: SnapshotFile | null = null;
  let bytes = 0;
  let series = 0;
  try {
    fh = await openFile(tmp);
    let batch: Buffer[] = [encodeHeader((opts.now ?? Date.now)())];
    let pending = batch[0]!.length;
    for (const s of store.allSeries()) {
      const rec = encodeSeries(seriesRecord(s));
      batch.push(rec);
      pending += rec.length;
      series++;
      if (pending >= BATCH_BYTES) {
        await writeAll(fh, Buffer.concat(batch));
        bytes += pending;
        batch = [];
        pending = 0;
      }
    }
    batch.push(encodeTrailer(series));
    pending += 8;
    await writeAll(fh, Buffer.concat(batch));
    bytes += pending;
    await fh.sync();
    const closing = fh;
    fh = null;
    await closing.close();
    await rename(tmp, file);
    await syncDirectory(dirname(file));
  } catch (err) {
    await fh?.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw new SnapshotWriteError(
      `writing the tsdb snapshot ${file} failed: ${(err as Error).message}; the previous snapshot is kept`,
    );
  }
  return { file, series, bytes, durationMs: performance.now() - started };
}

/** write(2) may write part of a buffer (a nearly full disk); the next call then reports ENOSPC. */
async function writeAll(fh: SnapshotFile, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.byteLength;) {
    const { bytesWritten } = await fh.write(data, off, data.byteLength - off);
    if (bytesWritten <= 0) throw new Error('the file system accepted no more bytes');
    off += bytesWritten;
  }
}

/** fsync the directory so the rename itself is durable (not possible on Windows: skipped). */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Load a snapshot into an empty store. Nothing is restored unless the whole file reads cleanly;
 * an unreadable file is renamed to `<file>.corrupt-<time>` and reported in the result.
 */
export async function loadSnapshot(
  store: SeriesStore,
  file: string,
  logger: Logger,
): Promise<SnapshotLoaded> {
  const started = performance.now();
  await removeStaleTemps(file, logger);
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', file };
    return setAside(file, `cannot read it: ${(err as Error).message}`, logger);
  }
  const records: SeriesRecord[] = [];
  let writtenAt: number;
  try {
    const reader = new SnapshotReader(buf);
    writtenAt = reader.writtenAt;
    for (let rec = reader.next(); rec; rec = reader.next()) {
      records.push(rec);
      if (records.length % 1000 === 0) await yieldToLoop();
    }
    if (reader.offset !== buf.length)
      throw new SnapshotFormatError(`${buf.length - reader.offset} bytes follow the trailer`);
  } catch (err) {
    const reason =
      err instanceof SnapshotFormatError ? err.reason : `unreadable: ${(err as Error).message}`;
    return setAside(file, reason, logger);
  }
  let skipped = 0;
  for (const [i, rec] of records.entries()) {
    if (!restoreSeries(store, rec)) skipped++;
    if (i % 1000 === 999) await yieldToLoop();
  }
  if (skipped > 0) {
    logger.warn(
      `tsdb snapshot ${file}: ${skipped} series not restored (tsdb.maxSeries is ${store.options.maxSeries})`,
    );
  }
  store.applyRetention();
  return {
    status: 'loaded',
    file,
    series: records.length - skipped,
    skipped,
    bytes: buf.length,
    writtenAt,
    durationMs: performance.now() - started,
  };
}

/**
 * A kill -9 during a write leaves `<file>.tmp-<pid>` behind (never renamed, so never loaded); at
 * load nothing of ours is writing, so each one is only wasted disk: remove it.
 */
async function removeStaleTemps(file: string, logger: Logger): Promise<void> {
  const prefix = `${basename(file)}.tmp-`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(prefix))) {
    await unlink(join(dirname(file), name)).catch(() => {});
    logger.info(`removed ${name}, a tsdb snapshot left unfinished by a crash`);
  }
}

function restoreSeries(store: SeriesStore, rec: SeriesRecord): boolean {
  let s: MemSeries;
  try {
    s = store.seriesFor(rec.labels);
  } catch (err) {
    if (err instanceof SeriesLimitError) return false;
    throw err;
  }
  if (s.lastT !== -Infinity) return true; // already has data appended since start: keep that
  s.restore(rec.chunks, rec.last);
  for (const level of rec.levels) {
    // Levels are matched by resolution; ones no longer configured are dropped.
    s.downsampled.find((d) => d.resolution === level.resolution)?.restore(level.chunks, level.open);
  }
  return true;
}

async function setAside(file: string, reason: string, logger: Logger): Promise<SnapshotLoaded> {
  const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(file, movedTo);
    logger.warn(
      `tsdb snapshot ${file} is unusable (${reason}); moved it to ${movedTo} and starting with an empty store`,
    );
    return { status: 'set-aside', file, movedTo, reason };
  } catch (err) {
    logger.warn(
      `tsdb snapshot ${file} is unusable (${reason}) and could not be moved aside (${(err as Error).message}); starting with an empty store`,
    );
    return { status: 'set-aside', file, movedTo: null, reason };
  }
}
