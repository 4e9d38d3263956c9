/**
 * Decoded chunks kept for queries that come back: the rule engine asks for the same newest few
 * minutes (5 m lookback) or hour ([1h] ranges) of the same series every evaluation, so decoding a
 * Gorilla chunk once and reading plain typed arrays afterwards removes most of a cycle's cost.
 *
 * One cache per store, shared by all series, least recently used first out, with a hard cap in
 * bytes (counted in the store's stats next to the encoded chunk bytes). The open head chunk's
 * entry is extended in place as samples arrive: its decoder stays parked after the last decoded
 * row, so a query decodes only the samples appended since the previous one.
 */
import { ChunkDecoder } from './chunk.js';

/** Default cap: the newest 2 h chunk (480 samples × 16 B + overhead, ~8 KiB) of ~2,000 series. */
export const DEFAULT_DECODED_CACHE_BYTES = 16 * 1024 * 1024;

/** Rough fixed cost of one entry (object, three typed-array headers, decoder) in bytes. */
const ENTRY_OVERHEAD = 400;

/** The decoded rows of one chunk (all of them once complete; a prefix for a growing head). */
export class DecodedRows {
  /** Rows decoded so far. */
  n = 0;
  ts: Float64Array;
  vs: Float64Array;
  /** 1 where the row is a staleness marker; null while none was seen. */
  stale: Uint8Array | null = null;
  /** Where decoding stopped (null once the chunk is sealed and fully decoded). */
  decoder: ChunkDecoder | null;

  constructor(
    bytes: Uint8Array,
    capacity: number,
    /** The chunk's first timestamp: the key in its series' map. */
    readonly mint: number,
    /** The owning series' map, so eviction can remove the entry; null when not cached. */
    readonly owner: Map<number, DecodedRows> | null,
  ) {
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
    this.decoder = new ChunkDecoder(bytes, 1);
  }

  get byteSize(): number {
    return this.ts.byteLength + this.vs.byteLength + (this.stale?.byteLength ?? 0) + ENTRY_OVERHEAD;
  }

  /** Decode rows up to `count` from `bytes` (the same chunk, possibly grown since last time). */
  extend(bytes: Uint8Array, count: number): void {
    const dec = this.decoder;
    if (!dec || this.n >= count) return;
    dec.rebind(bytes);
    if (count > this.ts.length) this.grow(count);
    for (let i = this.n; i < count; i++) {
      dec.next();
      this.ts[i] = dec.t;
      this.vs[i] = dec.values[0]!;
      if (dec.stale) {
        if (!this.stale) this.stale = new Uint8Array(this.ts.length);
        this.stale[i] = 1;
      }
    }
    this.n = count;
  }

  /** The chunk was sealed: no more rows will come, so drop the decoder and spare capacity. */
  complete(): void {
    this.decoder = null;
    if (this.ts.length > this.n) {
      this.ts = this.ts.slice(0, this.n);
      this.vs = this.vs.slice(0, this.n);
      this.stale = this.stale?.slice(0, this.n) ?? null;
    }
  }

  /** Index of the first row with t ≥ `t` (binary search: rows are ascending). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first row with t > `t`. */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(min: number): void {
    let cap = Math.max(64, this.ts.length);
    while (cap < min) cap *= 2;
    const ts = new Float64Array(cap);
    ts.set(this.ts.subarray(0, this.n));
    const vs = new Float64Array(cap);
    vs.set(this.vs.subarray(0, this.n));
    this.ts = ts;
    this.vs = vs;
    if (this.stale) {
      const st = new Uint8Array(cap);
      st.set(this.stale.subarray(0, this.n));
      this.stale = st;
    }
  }
}

/**
 * A byte-capped LRU over every series' decoded chunks: a Map in recency order (a hit moves its
 * entry to the end), so a hit, an insertion and each eviction cost O(1). When the working set is
 * larger than the cap the cache thrashes at about the cost of having none.
 */
export class DecodedChunkCache {
  private readonly sizes = new Map<DecodedRows, number>();
  private total = 0;
  hits = 0;
  misses = 0;

  constructor(readonly capBytes: number = DEFAULT_DECODED_CACHE_BYTES) {}

  /** Bytes held by decoded chunks right now (≤ capBytes after every call). */
  get bytes(): number {
    return this.total;
  }

  get entries(): number {
    return this.sizes.size;
  }

  /** Mark `e` most recently used and account for a size change since it was last seen. */
  touch(e: DecodedRows): void {
    const old = this.sizes.get(e);
    const size = e.byteSize;
    if (old !== undefined) this.sizes.delete(e);
    this.sizes.set(e, size);
    if (old === size) return;
    this.total += size - (old ?? 0);
    while (this.total > this.capBytes) {
      const [oldest] = this.sizes.keys();
      this.remove(oldest!);
    }
  }

  /** Forget an entry (its chunk was dropped by retention, or it was evicted). */
  remove(e: DecodedRows): void {
    const size = this.sizes.get(e);
    if (size === undefined) return;
    this.sizes.delete(e);
    this.total -= size;
    e.owner?.delete(e.mint);
  }
}
