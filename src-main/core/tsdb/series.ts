/**
 * One series in memory: its raw samples as sealed Gorilla chunks plus one open head chunk, and
 * (downsample.ts) its aggregates at coarser resolutions. Append order rules follow Prometheus's
 * head: a sample older than the newest is out of order and dropped; one at the same timestamp is
 * a duplicate unless its value is identical, which is silently ignored.
 */
import { ChunkAppender, type SealedChunk } from './chunk.js';
import { ChunkList } from './chunk-list.js';
import { DecodedRows, type DecodedChunkCache } from './decoded-cache.js';
import type { DownsampledSeries } from './downsample.js';
import type { Labels, Sample, SeriesColumns } from './types.js';

/** Raw samples per chunk before it is sealed: long enough to amortise each chunk's fixed cost. */
export const SAMPLES_PER_CHUNK = 480;
/** A head chunk is also cut once it spans this long, so retention frees memory in steps. */
export const MAX_CHUNK_SPAN_MS = 2 * 60 * 60 * 1000;

export type AppendOutcome = 'appended' | 'out_of_order' | 'duplicate' | 'unchanged';

export class MemSeries {
  readonly chunks = new ChunkList();
  head: ChunkAppender | null = null;
  lastT = -Infinity;
  private lastV = NaN;
  lastStale = false;
  /** Start the next chunk in integer mode? Cleared when a value does not fit, set again when a
   *  whole XOR chunk turned out to hold integers only. */
  private preferIntegers = true;
  private readonly row = [0];
  /** Decoded chunks of this series held by the store's cache, by chunk mint (made on first
   *  use: most series of a store are never read by a rule). */
  private decodedMap: Map<number, DecodedRows> | null = null;

  constructor(
    readonly labels: Labels,
    readonly key: string,
    readonly downsampled: DownsampledSeries[] = [],
    /** Shared decoded-chunk cache; null decodes every query afresh (and keeps nothing). */
    private readonly cache: DecodedChunkCache | null = null,
  ) {}

  append(t: number, v: number, stale: boolean): AppendOutcome {
    if (t < this.lastT) return 'out_of_order';
    if (t === this.lastT) {
      const bothNaN = !stale && !this.lastStale && Number.isNaN(v) && Number.isNaN(this.lastV);
      const same = stale ? this.lastStale : !this.lastStale && Object.is(v, this.lastV);
      return same || bothNaN ? 'unchanged' : 'duplicate';
    }
    let head = this.head;
    if (head && (head.count >= SAMPLES_PER_CHUNK || t - head.mint >= MAX_CHUNK_SPAN_MS)) {
      this.seal();
      head = null;
    }
    this.row[0] = v;
    if (head && !head.accepts(this.row, stale)) {
      this.preferIntegers = false;
      this.seal();
      head = null;
    }
    head ??= this.head = new ChunkAppender(1, this.preferIntegers);
    head.append(t, this.row, stale);
    this.lastT = t;
    this.lastV = v;
    this.lastStale = stale;
    const levels = this.downsampled;
    for (let i = 0; i < levels.length; i++) levels[i]!.add(t, v, stale);
    return 'appended';
  }

  private seal(): void {
    const head = this.head!;
    if (!head.integerMode && head.allIntegers) this.preferIntegers = true;
    this.chunks.push(head.seal());
    this.head = null;
    // The head's decoded rows are the sealed chunk's (same mint, same samples): keep them.
    const rows = this.decodedMap?.get(head.mint);
    if (rows) {
      rows.extend(head.view(), head.count);
      rows.complete();
      this.cache?.touch(rows);
    }
  }

  /** Load raw chunks read from a snapshot into this (new, empty) series. */
  restore(chunks: SealedChunk[], last: { t: number; v: number; stale: boolean }): void {
    this.chunks.push(...chunks);
    this.lastT = last.t;
    this.lastV = last.v;
    this.lastStale = last.stale;
  }

  /** The newest sample's value (for snapshots: duplicate detection survives a restart). */
  get lastValue(): number {
    return this.lastV;
  }

  /**
   * Samples with mint ≤ t ≤ maxt, ascending, appended to `out`. For bulk reads (charts, reports
   * over hours or days): sealed chunks come from the cache when there, but are not added to it,
   * so one 7-day chart does not evict what the rule engine reads every cycle.
   */
  collect(mint: number, maxt: number, out: Sample[]): void {
    const list = this.chunks;
    for (let i = 0; i < list.length; i++) {
      if (list.maxtAt(i) < mint || list.mintAt(i) > maxt) continue;
      emit(this.sealedRows(i, false), mint, maxt, out);
    }
    const head = this.head;
    if (head && head.count > 0 && head.maxt >= mint && head.mint <= maxt)
      emit(this.headRows(head), mint, maxt, out);
  }

  /**
   * The newest sample with mint ≤ t ≤ maxt (a staleness marker included), or null: what an
   * instant selector needs, without materialising the rest of its lookback window.
   */
  latest(mint: number, maxt: number): Sample | null {
    const head = this.head;
    if (head && head.count > 0 && head.mint <= maxt && head.maxt >= mint) {
      const s = newest(this.headRows(head), mint, maxt);
      if (s) return s;
    }
    const list = this.chunks;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list.maxtAt(i) < mint) break;
      if (list.mintAt(i) > maxt) continue;
      const s = newest(this.sealedRows(i), mint, maxt);
      if (s) return s;
    }
    return null;
  }

  /**
   * Samples with mint ≤ t ≤ maxt as columns, staleness markers dropped (a range selector's
   * view), or null when none. A window inside one chunk without markers is a zero-copy view of
   * the decoded rows (they are append-only, so the view stays valid); otherwise one copy.
   */
  columns(mint: number, maxt: number): SeriesColumns | null {
    // Overlapping chunks, oldest first: usually one (a 5 m or 1 h window in 2 h chunks).
    let first: DecodedRows | null = null;
    let more: DecodedRows[] | null = null;
    const list = this.chunks;
    for (let i = 0; i < list.length; i++) {
      if (list.maxtAt(i) < mint || list.mintAt(i) > maxt) continue;
      const d = this.sealedRows(i);
      if (!first) first = d;
      else (more ??= []).push(d);
    }
    const head = this.head;
    if (head && head.count > 0 && head.maxt >= mint && head.mint <= maxt) {
      const d = this.headRows(head);
      if (!first) first = d;
      else (more ??= []).push(d);
    }
    if (!first) return null;
    if (!more) {
      const from = first.lowerBound(mint);
      const to = first.upperBound(maxt);
      if (to <= from) return null;
      if (!hasMarker(first, from, to))
        return {
          labels: this.labels,
          ts: first.ts.subarray(from, to),
          vs: first.vs.subarray(from, to),
        };
    }
    const parts = more ? [first, ...more] : [first];
    let total = 0;
    for (const d of parts) total += d.n;
    const ts = new Float64Array(total);
    const vs = new Float64Array(total);
    let n = 0;
    for (const d of parts) {
      for (let k = d.lowerBound(mint), to = d.upperBound(maxt); k < to; k++) {
        if (d.stale?.[k]) continue;
        ts[n] = d.ts[k]!;
        vs[n++] = d.vs[k]!;
      }
    }
    return n === 0 ? null : { labels: this.labels, ts: ts.subarray(0, n), vs: vs.subarray(0, n) };
  }

  /**
   * Sealed chunk i's decoded rows, from the cache when there (no view of its bytes made); on a
   * miss decoded and, when `keep`, cached.
   */
  private sealedRows(i: number, keep = true): DecodedRows {
    const list = this.chunks;
    const hit = this.decodedMap?.get(list.mintAt(i));
    if (hit && !hit.decoder) return this.hit(hit);
    const c = list.at(i);
    if (!hit && !keep) {
      const once = new DecodedRows(c.bytes, c.count, c.mint, null);
      once.extend(c.bytes, c.count);
      once.decoder = null;
      return once;
    }
    const rows = hit ?? this.miss(c.bytes, c.count, c.mint);
    rows.extend(c.bytes, c.count);
    rows.complete();
    this.cache?.touch(rows);
    return rows;
  }

  /** The head's decoded rows, extended by the samples appended since the last query. */
  private headRows(head: ChunkAppender): DecodedRows {
    const hit = this.decodedMap?.get(head.mint);
    if (hit && hit.n === head.count) return this.hit(hit);
    const bytes = head.view();
    const rows = hit ?? this.miss(bytes, head.count, head.mint);
    rows.extend(bytes, head.count);
    this.cache?.touch(rows);
    return rows;
  }

  private hit(rows: DecodedRows): DecodedRows {
    if (this.cache) {
      this.cache.hits++;
      this.cache.touch(rows);
    }
    return rows;
  }

  private miss(bytes: Uint8Array, count: number, mint: number): DecodedRows {
    if (!this.cache) return new DecodedRows(bytes, count, mint, null);
    this.cache.misses++;
    const map = (this.decodedMap ??= new Map());
    const rows = new DecodedRows(bytes, count, mint, map);
    map.set(mint, rows);
    return rows;
  }

  /** Sealed chunks then the head, as sealed views (the head's is a copy of its bytes so far). */
  *allChunks(): Generator<SealedChunk> {
    yield* this.chunks;
    if (this.head) yield this.head.seal();
  }

  /** Oldest raw sample time, or Infinity when the series holds none. */
  get mint(): number {
    return Math.min(this.chunks.mint, this.head?.mint ?? Infinity);
  }

  get sampleCount(): number {
    return this.chunks.sampleCount + (this.head?.count ?? 0);
  }

  /** Bytes of encoded samples held (head chunks counted by their allocated buffers). */
  get chunkBytes(): number {
    let n = this.chunks.byteLength + (this.head?.capacity ?? 0);
    // Indexed: read for every series at each self-scrape, where for…of's iterator is garbage.
    for (let i = 0; i < this.downsampled.length; i++) n += this.downsampled[i]!.chunkBytes;
    return n;
  }

  /** Drop raw chunks entirely older than `cutoff`; returns the number of samples dropped. */
  dropRawBefore(cutoff: number): number {
    let dropped = this.chunks.dropBefore(cutoff);
    if (this.head && this.head.maxt < cutoff) {
      dropped += this.head.count;
      this.head = null;
    }
    if (dropped > 0) {
      // Chunks are dropped oldest first: decoded rows older than what is left are orphans.
      const oldest = this.mint;
      for (const rows of [...(this.decodedMap?.values() ?? [])]) {
        if (rows.mint < oldest) {
          this.decodedMap!.delete(rows.mint);
          this.cache?.remove(rows);
        }
      }
    }
    return dropped;
  }

  /** True when neither raw samples nor aggregates remain: the series can be forgotten. */
  get empty(): boolean {
    return this.chunks.length === 0 && !this.head && this.downsampled.every((d) => d.empty);
  }
}

function hasMarker(d: DecodedRows, from: number, to: number): boolean {
  const stale = d.stale;
  if (stale) for (let k = from; k < to; k++) if (stale[k] === 1) return true;
  return false;
}

/** Append rows of `d` with mint ≤ t ≤ maxt to `out` (no per-row work outside the window). */
function emit(d: DecodedRows, mint: number, maxt: number, out: Sample[]): void {
  const { ts, vs, stale } = d;
  for (let k = d.lowerBound(mint); k < d.n; k++) {
    const t = ts[k]!;
    if (t > maxt) break;
    out.push(stale?.[k] ? { t, v: NaN, stale: true } : { t, v: vs[k]! });
  }
}

/** The newest row of `d` with mint ≤ t ≤ maxt, or null. */
function newest(d: DecodedRows, mint: number, maxt: number): Sample | null {
  const k = d.upperBound(maxt) - 1;
  if (k < 0 || d.ts[k]! < mint) return null;
  return d.stale?.[k] ? { t: d.ts[k]!, v: NaN, stale: true } : { t: d.ts[k]!, v: d.vs[k]! };
}
