/**
 * Gorilla-style compressed chunks, as Prometheus's head stores samples (Pelkonen et al., "Gorilla",
 * VLDB 2015; prometheus/tsdb/chunkenc/xor.go). Timestamps are delta-of-delta coded; values are
 * XOR-coded against the previous value, reusing the previous leading/trailing-zero window when it
 * fits. Two departures, both to stay under 2 bytes per sample on what ccmon stores:
 *   - 4- and 7-bit delta-of-delta buckets, so the few milliseconds of timer jitter in a scrape
 *     loop cost 6 to 10 bits instead of Prometheus's 16;
 *   - an integer mode per column, chosen from the chunk's first row, for values that are integers
 *     (counters, histogram buckets, byte gauges, sample counts): delta-of-delta coded like
 *     timestamps, so a steady counter costs one bit per value instead of a dozen or more. A value
 *     that does not fit (a fraction, NaN, a staleness marker) makes the caller cut the chunk.
 * A chunk has one or more value columns sharing the timestamps (raw samples use one; downsampled
 * aggregates use five). Column 0 of an XOR chunk can carry Prometheus's staleness marker, a NaN
 * with a payload no arithmetic produces; every other NaN is stored canonical.
 */
import { BitReader, BitWriter, joinInt, splitInt } from './bits.js';
import {
  bitsValue,
  DodCodec,
  STALE_HI,
  STALE_LO,
  TIME_BUCKETS,
  valueBits,
  XorCodec,
} from './codecs.js';

/** A sealed chunk: immutable bytes plus what a query needs to skip it without decoding. */
export interface SealedChunk {
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly mint: number;
  readonly maxt: number;
}

/** Decoded samples of a chunk: timestamps, one array per column, and stale flags for column 0. */
export interface DecodedChunk {
  ts: Float64Array;
  cols: Float64Array[];
  /** null when no sample in the chunk is a staleness marker. */
  stale: Uint8Array | null;
}

/** Largest magnitude the integer mode takes: deltas of deltas stay exact well inside 2^53. */
const MAX_INT = 2 ** 50;

/** Can `v` be stored by an integer-mode chunk? */
export function isChunkInteger(v: number): boolean {
  return Number.isInteger(v) && Math.abs(v) <= MAX_INT && !Object.is(v, -0);
}

/** The open chunk of a series: appends in time order (the caller enforces t ≥ previous t). */
export class ChunkAppender {
  private readonly w = new BitWriter(16);
  count = 0;
  mint = 0;
  maxt = 0;
  /** True while every column-0 value appended so far was an integer (a hint for the next chunk). */
  allIntegers = true;
  private readonly time = new DodCodec(TIME_BUCKETS);
  /** Per column, chosen from the first row: integer (DodCodec) or float (XorCodec). */
  private codecs: (DodCodec | XorCodec)[] = [];

  /** `allowIntegers`: columns whose first value is an integer use the integer mode. */
  constructor(
    readonly columns: number,
    private readonly allowIntegers = true,
  ) {}

  /** Does any column use the integer mode? */
  get integerMode(): boolean {
    return this.codecs.some((c) => c instanceof DodCodec);
  }

  /** Whether this chunk can hold the row: integer columns take no NaN, fraction or marker. */
  accepts(values: ArrayLike<number>, stale = false): boolean {
    for (let i = 0; i < this.codecs.length; i++) {
      if (this.codecs[i] instanceof DodCodec && ((i === 0 && stale) || !isChunkInteger(values[i]!)))
        return false;
    }
    return true;
  }

  /** Append one row (check `accepts` first). `stale` marks column 0 as a staleness marker. */
  append(t: number, values: ArrayLike<number>, stale = false): void {
    const w = this.w;
    if (this.count === 0) {
      for (let i = 0; i < this.columns; i++) {
        const int = this.allowIntegers && isChunkInteger(values[i]!) && !(i === 0 && stale);
        this.codecs.push(int ? new DodCodec() : new XorCodec());
        w.writeBits(int ? 1 : 0, 1);
      }
      const [hi, lo] = splitInt(t);
      w.write64(hi, lo, 64);
      this.mint = t;
      this.time.first(t);
    } else {
      this.time.write(w, t);
    }
    if (stale || !isChunkInteger(values[0]!)) this.allIntegers = false;
    for (let i = 0; i < this.columns; i++) {
      const c = this.codecs[i]!;
      const v = values[i]!;
      if (c instanceof DodCodec) {
        if (this.count === 0) {
          const [hi, lo] = splitInt(v);
          w.write64(hi, lo, 64);
          c.first(v);
        } else {
          c.write(w, v);
        }
      } else {
        // No destructuring here: it runs the array iterator, which allocates until V8 optimises
        // this code, and an idle agent's appends rarely get that hot.
        let hi = STALE_HI;
        let lo = STALE_LO;
        if (!(i === 0 && stale)) {
          const bits = valueBits(v);
          hi = bits[0];
          lo = bits[1];
        }
        if (this.count === 0) c.first(w, hi, lo);
        else c.write(w, hi, lo);
      }
    }
    this.maxt = t;
    this.count++;
  }

  /** Bytes in use (what a sealed copy would take). */
  get byteLength(): number {
    return (this.w.bitLength + 7) >>> 3;
  }

  get capacity(): number {
    return this.w.capacity;
  }

  seal(): SealedChunk {
    return { bytes: this.w.bytes(), count: this.count, mint: this.mint, maxt: this.maxt };
  }

  /** The bytes written so far, without a copy (valid until the next append). */
  view(): Uint8Array {
    return this.w.view();
  }
}

/**
 * Reads a chunk row by row, and can hand its state to another decoder: a query over the open
 * head chunk resumes where the previous query's window began instead of decoding from the
 * start (the rule engine asks for the last few minutes every cycle).
 */
export class ChunkDecoder {
  /** Rows decoded so far; `t`, `values` and `stale` describe the last one. */
  n = 0;
  t = 0;
  readonly values: Float64Array;
  stale = false;
  private r: BitReader;
  private readonly time = new DodCodec(TIME_BUCKETS);
  private codecs: (DodCodec | XorCodec)[] = [];
  private readonly word = new Uint32Array(2);

  constructor(
    bytes: Uint8Array,
    readonly columns: number,
  ) {
    this.r = new BitReader(bytes);
    this.values = new Float64Array(columns);
  }

  /** Keep reading at the same position from `bytes`: the same chunk, maybe grown since. */
  rebind(bytes: Uint8Array): void {
    if (this.r.buf !== bytes) this.r = new BitReader(bytes, this.r.pos);
  }

  /** Take over another decoder's position and state, reading from `bytes` (the same chunk, maybe grown). */
  copyFrom(o: ChunkDecoder, bytes: Uint8Array): void {
    if (this.r.buf === bytes) this.r.pos = o.r.pos;
    else this.r = new BitReader(bytes, o.r.pos);
    this.n = o.n;
    this.t = o.t;
    this.stale = o.stale;
    this.values.set(o.values);
    this.time.copyFrom(o.time);
    // Reuse codec objects when their kinds match: this runs once per row skipped by a query.
    const same =
      this.codecs.length === o.codecs.length &&
      this.codecs.every((c, i) => c.constructor === o.codecs[i]!.constructor);
    if (!same)
      this.codecs = o.codecs.map((c) => (c instanceof DodCodec ? new DodCodec() : new XorCodec()));
    for (let i = 0; i < o.codecs.length; i++) {
      const mine = this.codecs[i]!;
      const theirs = o.codecs[i]!;
      if (mine instanceof DodCodec) mine.copyFrom(theirs as DodCodec);
      else mine.copyFrom(theirs as XorCodec);
    }
  }

  /** Decode the next row (the caller knows how many the chunk holds). */
  next(): void {
    const r = this.r;
    const word = this.word;
    const first = this.n === 0;
    if (first) {
      this.codecs = [];
      for (let i = 0; i < this.columns; i++)
        this.codecs.push(r.readBit() === 1 ? new DodCodec() : new XorCodec());
      r.read64(64, word);
      this.t = this.time.first(joinInt(word[0]!, word[1]!));
    } else {
      this.t = this.time.read(r, word);
    }
    this.stale = false;
    for (let i = 0; i < this.columns; i++) {
      const c = this.codecs[i]!;
      if (c instanceof DodCodec) {
        if (first) {
          r.read64(64, word);
          this.values[i] = c.first(joinInt(word[0]!, word[1]!));
        } else {
          this.values[i] = c.read(r, word);
        }
        continue;
      }
      if (first) c.readFirst(r);
      else c.read(r, word);
      this.values[i] = bitsValue(c.hi, c.lo);
      if (i === 0 && c.hi === STALE_HI && c.lo === STALE_LO) this.stale = true;
    }
    this.n++;
  }
}

/** Decode `count` rows of a chunk with `columns` value columns. Throws ChunkDecodeError if short. */
export function decodeChunk(bytes: Uint8Array, count: number, columns: number): DecodedChunk {
  const d = new ChunkDecoder(bytes, columns);
  const ts = new Float64Array(count);
  const cols = Array.from({ length: columns }, () => new Float64Array(count));
  let stale: Uint8Array | null = null;
  for (let n = 0; n < count; n++) {
    d.next();
    ts[n] = d.t;
    for (let i = 0; i < columns; i++) cols[i]![n] = d.values[i]!;
    if (d.stale) (stale ??= new Uint8Array(count))[n] = 1;
  }
  return { ts, cols, stale };
}
