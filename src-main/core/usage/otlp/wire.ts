/**
 * A minimal reader of the protobuf wire format (protobuf.dev "Encoding"): varints, 64- and 32-bit
 * fixed fields and length-delimited fields, read straight from the request Buffer. 64-bit integers
 * come out as decimal strings (what protobufjs' toObject gives with `longs: String`) without a Long
 * object per value; strings are decoded by Buffer and checked as proto3 requires (valid UTF-8).
 * Every read is bounds-checked and throws WireError, which the receiver answers with 400.
 */

/** A body that is not a well-formed protobuf message. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_SGROUP = 3;
export const WIRE_EGROUP = 4;
export const WIRE_I32 = 5;

const TWO_32 = 4294967296;
/** Deepest nesting accepted (groups, AnyValue arrays and maps): a bound on recursion, not a limit real senders meet. */
export const MAX_DEPTH = 64;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Unsigned 64-bit value from its halves, as a decimal string, in doubles only (nanosecond times are
 * ~2^60, past a double's 2^53, and a BigInt per field is what this decoder avoids):
 * hi·2^32 + lo = (hi·4294)·10^6 + (hi·967296 + lo), both parts exact in a double.
 */
function u64(lo: number, hi: number): string {
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  const b = hi * 967296 + lo;
  const top = hi * 4294 + Math.floor(b / 1e6);
  return `${top}${String(b % 1e6).padStart(6, '0')}`;
}

/** Signed (two's complement) 64-bit value from its halves, as a decimal string. */
function s64(lo: number, hi: number): string {
  if ((hi & 0x80000000) === 0) return u64(lo, hi);
  const nlo = (~lo + 1) >>> 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
  return `-${u64(nlo, nhi)}`;
}

export class WireReader {
  pos: number;
  /** Halves of the last 64-bit value read (unsigned 32-bit each). */
  private lo = 0;
  private hi = 0;

  /** End of the message being read (moved in and out by enter/leave for embedded messages). */
  end: number;
  /** Nesting of the message being read (AnyValue arrays and maps recurse). */
  depth = 0;

  constructor(readonly buf: Buffer) {
    this.pos = 0;
    this.end = buf.length;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new WireError(`truncated message at byte ${this.pos}`);
    return this.buf[this.pos++]!;
  }

  /** Reads a varint of up to 10 bytes into lo/hi. */
  private varint(): void {
    let lo = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.byte();
      lo |= (b & 0x7f) << (i * 7);
      if (b < 0x80) return this.set(lo, 0);
    }
    const b5 = this.byte();
    lo |= (b5 & 0x7f) << 28;
    let hi = (b5 & 0x7f) >> 4;
    if (b5 < 0x80) return this.set(lo, hi);
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      hi |= (b & 0x7f) << (i * 7 + 3);
      if (b < 0x80) return this.set(lo, hi);
    }
    throw new WireError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  private set(lo: number, hi: number): void {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** A field's tag: [field number, wire type] packed as number × 8 + type. */
  tag(): number {
    this.varint();
    if (this.hi !== 0 || this.lo >>> 3 === 0)
      throw new WireError(`invalid field tag at byte ${this.pos}`);
    return this.lo;
  }

  /** int32 / enum (the low 32 bits, signed, as protobuf specifies for a wider varint). */
  int32(): number {
    this.varint();
    return this.lo | 0;
  }

  bool(): boolean {
    this.varint();
    return this.lo !== 0 || this.hi !== 0;
  }

  /** int64 varint as a decimal string. */
  int64(): string {
    this.varint();
    return s64(this.lo, this.hi);
  }

  private fixed(): void {
    if (this.pos + 8 > this.end) throw new WireError(`truncated 64-bit field at byte ${this.pos}`);
    this.lo = this.buf.readUInt32LE(this.pos);
    this.hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
  }

  fixed64(): string {
    this.fixed();
    return u64(this.lo, this.hi);
  }

  sfixed64(): string {
    this.fixed();
    return s64(this.lo, this.hi);
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new WireError(`truncated double at byte ${this.pos}`);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Length of a length-delimited field; the field's bytes are [pos, pos + length). */
  length(): number {
    this.varint();
    const n = this.lo;
    if (this.hi !== 0 || n > this.end - this.pos)
      throw new WireError(
        `length ${this.hi ? '> 2^32' : n} past the end of the message at byte ${this.pos}`,
      );
    return n;
  }

  /**
   * Enters the embedded message in the next length-delimited field: reads stop at its end until
   * leave(saved) with the value returned here (no reader object per message).
   */
  enter(): number {
    const n = this.length();
    const saved = this.end;
    this.end = this.pos + n;
    if (++this.depth > MAX_DEPTH) throw new WireError(`messages nested deeper than ${MAX_DEPTH}`);
    return saved;
  }

  /** Back to the enclosing message (its end as enter returned it). */
  leave(saved: number): void {
    this.pos = this.end;
    this.end = saved;
    this.depth--;
  }

  string(): string {
    const n = this.length();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    // Buffer replaces bad sequences with U+FFFD; only then is the strict (slower) check needed.
    if (s.includes('\uFFFD')) {
      try {
        strictUtf8.decode(this.buf.subarray(this.pos, this.pos + n));
      } catch {
        throw new WireError(`string field is not valid UTF-8 at byte ${this.pos}`);
      }
    }
    this.pos += n;
    return s;
  }

  /** bytes as base64 (protobufjs' `bytes: String`). */
  bytes(): string {
    const n = this.length();
    const s = this.buf.toString('base64', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** Skips a field of the given wire type (unknown fields are ignored, as proto3 requires). */
  skip(wireType: number, field = 0, depth = 0): void {
    switch (wireType) {
      case WIRE_VARINT:
        return this.varint();
      case WIRE_I64:
        return this.advance(8);
      case WIRE_LEN:
        return this.advance(this.length());
      case WIRE_I32:
        return this.advance(4);
      case WIRE_SGROUP:
        // A deprecated group: skip its fields up to the matching end-group tag.
        if (depth > MAX_DEPTH) throw new WireError(`groups nested deeper than ${MAX_DEPTH}`);
        for (;;) {
          const t = this.tag();
          if ((t & 7) === WIRE_EGROUP) {
            if (t >>> 3 !== field) throw new WireError(`unmatched end-group at byte ${this.pos}`);
            return;
          }
          this.skip(t & 7, t >>> 3, depth + 1);
        }
      default:
        throw new WireError(`invalid wire type ${wireType} at byte ${this.pos}`);
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new WireError(`truncated field at byte ${this.pos}`);
    this.pos += n;
  }
}
