/**
 * The two value codecs of chunk.ts. DodCodec: delta-of-delta of integers (timestamps, and values
 * in integer mode) in buckets '0' | '10'+n1 bits | '110'+n2 | … | all ones + 64-bit absolute
 * value (exact for any |x| < 2^53, where a 64-bit dod in a JS number would not be); values use
 * 7/14/20/32-bit buckets, timestamps 4/7/14/20/32. XorCodec: Gorilla's XOR of the 64-bit float patterns with 5-bit leading-zero and
 * 6-bit length fields, as Prometheus writes them.
 */
import type { BitReader, BitWriter } from './bits.js';
import { joinInt, splitInt } from './bits.js';

/** Prometheus's StaleNaN bit pattern (model/value.StaleNaN = 0x7ff0000000000002). */
export const STALE_HI = 0x7ff00000;
export const STALE_LO = 0x00000002;
const NAN_HI = 0x7ff80000;

const scratch = new DataView(new ArrayBuffer(8));
const pair: [number, number] = [0, 0];

/** The float's bit pattern as [hi, lo] (a shared tuple: copy before the next call). NaN canonical. */
export function valueBits(v: number): [number, number] {
  if (Number.isNaN(v)) {
    pair[0] = NAN_HI;
    pair[1] = 0;
  } else {
    scratch.setFloat64(0, v);
    pair[0] = scratch.getUint32(0);
    pair[1] = scratch.getUint32(4);
  }
  return pair;
}

export function bitsValue(hi: number, lo: number): number {
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return scratch.getFloat64(0);
}

/** [size in bits, largest value]; a bucket holds dod in [-(max - 1), max] as Prometheus's bitRange. */
type Buckets = readonly (readonly [number, number])[];

/** Values (integer mode): counter increments vary by more than a few units. */
export const VALUE_BUCKETS: Buckets = [
  [7, 64],
  [14, 8192],
  [20, 524_288],
  [32, 2 ** 31],
];

/**
 * Timestamps: a 4-bit bucket first, because a scrape loop that stamps samples with the clock
 * (not the scheduled tick) has a few ms of timer jitter, whose dod mostly fits in ±8.
 */
export const TIME_BUCKETS: Buckets = [[4, 8], ...VALUE_BUCKETS];

export class DodCodec {
  private prev = 0;
  private delta = 0;

  constructor(private readonly buckets: Buckets = VALUE_BUCKETS) {}

  first(x: number): number {
    this.prev = x;
    this.delta = 0;
    return x;
  }

  copyFrom(o: DodCodec): void {
    this.prev = o.prev;
    this.delta = o.delta;
  }

  write(w: BitWriter, x: number): void {
    const delta = x - this.prev;
    const dod = delta - this.delta;
    if (dod === 0) {
      w.writeBits(0, 1);
    } else {
      let written = false;
      const buckets = this.buckets;
      for (let b = 0; b < buckets.length && !written; b++) {
        // Indexed, not destructured: a destructuring pattern runs the array iterator, which
        // allocates in code V8 has not optimised, as an idle agent's is (one per sample).
        const bucket = buckets[b]!;
        const size = bucket[0];
        const max = bucket[1];
        if (dod > -max && dod <= max) {
          // Prefix: b+1 ones then a zero ('10', '110', …).
          w.writeBits(((1 << (b + 2)) - 2) >>> 0, b + 2);
          w.writeBits(dod, size);
          written = true;
        }
      }
      if (!written) {
        // Absolute value: as many ones as there are buckets, plus one.
        w.writeBits((1 << (this.buckets.length + 1)) - 1, this.buckets.length + 1);
        const [hi, lo] = splitInt(x);
        w.write64(hi, lo, 64);
      }
    }
    this.prev = x;
    this.delta = delta;
  }

  read(r: BitReader, word: Uint32Array): number {
    let b = 0;
    const buckets = this.buckets;
    while (b <= buckets.length && r.readBit() === 1) b++;
    let x: number;
    if (b === 0) x = this.prev + this.delta;
    else if (b <= buckets.length) {
      const size = buckets[b - 1]![0];
      const bits = r.readBits(size);
      const dod = bits > 2 ** (size - 1) ? bits - 2 ** size : bits;
      x = this.prev + this.delta + dod;
    } else {
      r.read64(64, word);
      x = joinInt(word[0]!, word[1]!);
    }
    this.delta = x - this.prev;
    this.prev = x;
    return x;
  }
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export class XorCodec {
  hi = 0;
  lo = 0;
  /** Leading/trailing zeros of the current window; lead 255 = no window yet. */
  private lead = 255;
  private trail = 0;

  first(w: BitWriter, hi: number, lo: number): void {
    w.writeBits(hi, 32);
    w.writeBits(lo, 32);
    this.hi = hi;
    this.lo = lo;
  }

  copyFrom(o: XorCodec): void {
    this.hi = o.hi;
    this.lo = o.lo;
    this.lead = o.lead;
    this.trail = o.trail;
  }

  readFirst(r: BitReader): void {
    this.hi = r.readBits(32);
    this.lo = r.readBits(32);
  }

  write(w: BitWriter, hi: number, lo: number): void {
    const xh = (hi ^ this.hi) >>> 0;
    const xl = (lo ^ this.lo) >>> 0;
    this.hi = hi;
    this.lo = lo;
    if (xh === 0 && xl === 0) {
      w.writeBits(0, 1);
      return;
    }
    let lead = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
    const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    if (lead > 31) lead = 31; // 5 bits hold the count, as in Prometheus
    if (this.lead !== 255 && lead >= this.lead && trail >= this.trail) {
      w.writeBits(0b10, 2);
      writeWindow(w, xh, xl, this.trail, 64 - this.lead - this.trail);
    } else {
      const sig = 64 - lead - trail;
      w.writeBits(0b11, 2);
      w.writeBits(lead, 5);
      w.writeBits(sig & 63, 6); // 64 significant bits are written as 0
      writeWindow(w, xh, xl, trail, sig);
      this.lead = lead;
      this.trail = trail;
    }
  }

  read(r: BitReader, word: Uint32Array): void {
    if (r.readBit() === 0) return;
    if (r.readBit() === 1) {
      this.lead = r.readBits(5);
      let sig = r.readBits(6);
      if (sig === 0) sig = 64;
      this.trail = 64 - this.lead - sig;
    }
    r.read64(64 - this.lead - this.trail, word);
    shiftLeft(word, this.trail);
    this.hi = (this.hi ^ word[0]!) >>> 0;
    this.lo = (this.lo ^ word[1]!) >>> 0;
  }
}

function writeWindow(w: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  if (shift === 0) w.write64(hi, lo, n);
  else if (shift < 32) w.write64(hi >>> shift, ((lo >>> shift) | (hi << (32 - shift))) >>> 0, n);
  else w.write64(0, hi >>> (shift - 32), n);
}

function shiftLeft(word: Uint32Array, s: number): void {
  if (s === 0) return;
  const hi = word[0]!;
  const lo = word[1]!;
  if (s < 32) {
    word[0] = ((hi << s) | (lo >>> (32 - s))) >>> 0;
    word[1] = (lo << s) >>> 0;
  } else {
    word[0] = (lo << (s - 32)) >>> 0;
    word[1] = 0;
  }
}
