/**
 * The tar format, both ways, kept small and fast: POSIX ustar headers with PAX extended headers for
 * long names and large sizes (what GNU tar and bsdtar read), and a push parser that also accepts GNU
 * long-name records. The parser hands file data over in chunks as they arrive, so memory stays
 * constant whatever the archive's size.
 */
const BLOCK = 512;
export const TAR_END = Buffer.alloc(BLOCK * 2);

export type TarEntryType =
  'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo' | 'other';

export interface TarHeader {
  path: string;
  type: TarEntryType;
  /** The raw type flag, for messages about unsupported entries. */
  flag: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtimeSeconds: number;
  linkname: string;
}

const TYPE_FLAGS: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};
const FLAG_OF: Record<string, string> = { file: '0', hardlink: '1', symlink: '2', dir: '5' };

/**
 * Header block(s) for one entry: a PAX record first when a field does not fit ustar. With
 * `scratch` (512 bytes), a plain ustar header is written into it and it is returned: no allocation
 * per entry, for a caller that copies the header before the next call (the archive writer).
 */
export function encodeHeader(h: Omit<TarHeader, 'flag'>, scratch?: Buffer): Buffer {
  const pax: string[] = [];
  let name = h.path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100 || !isAscii(name)) {
    const split = splitUstarName(name);
    if (split) [prefix, name] = split;
    else {
      pax.push(paxRecord('path', h.path));
      name = asciiTail(h.path, 100);
    }
  }
  if (Buffer.byteLength(h.linkname) > 100 || !isAscii(h.linkname))
    pax.push(paxRecord('linkpath', h.linkname));
  if (h.size > 0o77777777777) pax.push(paxRecord('size', String(h.size)));
  const header = ustarBlock(
    name,
    prefix,
    h,
    FLAG_OF[h.type] ?? '0',
    pax.length === 0 ? scratch : undefined,
  );
  if (pax.length === 0) return header;
  const body = Buffer.from(pax.join(''));
  const paxHeader = ustarBlock(
    asciiTail(`PaxHeader/${h.path}`, 100),
    '',
    { ...h, size: body.length, linkname: '' },
    'x',
  );
  return Buffer.concat([paxHeader, body, padding(body.length), header]);
}

/** Zero bytes that round `size` up to the next 512-byte block (a shared buffer: read only). */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? EMPTY : ZEROS.subarray(0, BLOCK - rest);
}
const EMPTY = Buffer.alloc(0);
const ZEROS = Buffer.alloc(BLOCK);

function ustarBlock(
  name: string,
  prefix: string,
  h: Omit<TarHeader, 'flag'>,
  flag: string,
  into?: Buffer,
): Buffer {
  const b = into ? into.fill(0) : Buffer.alloc(BLOCK);
  b.write(name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode & 0o7777);
  octal(b, 108, 8, Math.min(h.uid, 0o7777777));
  octal(b, 116, 8, Math.min(h.gid, 0o7777777));
  octal(b, 124, 12, h.size > 0o77777777777 ? 0 : h.size);
  octal(b, 136, 12, Math.max(0, Math.floor(h.mtimeSeconds)));
  b.write(flag, 156, 1, 'latin1');
  b.write(h.linkname.length <= 100 && isAscii(h.linkname) ? h.linkname : '', 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'latin1');
  b.write(prefix, 345, 155, 'utf8');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'latin1');
  return b;
}

function octal(b: Buffer, off: number, len: number, value: number): void {
  b.write(value.toString(8).padStart(len - 1, '0') + '\u0000', off, len, 'latin1');
}

function splitUstarName(path: string): [string, string] | null {
  if (!isAscii(path) || path.length > 255) return null;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    if (i <= 155 && path.length - i - 1 <= 100 && path.length - i - 1 > 0)
      return [path.slice(0, i), path.slice(i + 1)];
  }
  return null;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const len = Buffer.byteLength(body);
  let total = len + String(len).length;
  if (String(total).length !== String(len).length) total = len + String(total).length;
  return `${total}${body}`;
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

function asciiTail(s: string, max: number): string {
  const ascii = s.replace(/[^\x20-\x7e]/g, '_');
  return ascii.length <= max ? ascii : ascii.slice(ascii.length - max);
}

/** A malformed archive; `offset` is where in the uncompressed stream it was noticed. */
export class TarFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset} of the tar stream)`);
    this.name = 'TarFormatError';
  }
}

export interface TarHandler {
  /** Called for every real entry, before any of its data. Throw to refuse it. */
  entry(header: TarHeader): void;
  /** A slice of the current entry's data; valid only during the call. */
  data(chunk: Buffer): void;
  endEntry(): void;
}

const MAX_META = 1 << 20;

/** Streaming tar parser: push decompressed chunks; `end()` checks that the archive was complete. */
export class TarParser {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private offset = 0;
  private remaining = 0;
  private skip = 0;
  private meta: { kind: 'x' | 'g' | 'L' | 'K'; chunks: Buffer[]; left: number } | null = null;
  private paxOverrides: Record<string, string> = {};
  private inEntry = false;
  private entrySize = 0;
  private finished = false;

  constructor(private readonly handler: TarHandler) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && !this.finished) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - pos);
        const slice = chunk.subarray(pos, pos + n);
        if (this.meta) this.meta.chunks.push(Buffer.from(slice));
        else this.handler.data(slice);
        this.remaining -= n;
        pos += n;
        this.offset += n;
        if (this.remaining === 0) this.finishBody();
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos);
        this.skip -= n;
        pos += n;
        this.offset += n;
        continue;
      }
      const need = BLOCK - this.pendingLength;
      const n = Math.min(need, chunk.length - pos);
      this.pending.push(chunk.subarray(pos, pos + n));
      this.pendingLength += n;
      pos += n;
      if (this.pendingLength === BLOCK) {
        const block = Buffer.concat(this.pending, BLOCK);
        this.pending = [];
        this.pendingLength = 0;
        this.header(block);
        this.offset += BLOCK;
      }
    }
  }

  end(): void {
    if (this.remaining > 0 || this.inEntry || this.meta)
      throw new TarFormatError(
        'the archive ends in the middle of an entry (truncated)',
        this.offset,
      );
    if (!this.finished)
      throw new TarFormatError('the archive has no end-of-archive marker (truncated)', this.offset);
  }

  private header(block: Buffer): void {
    if (block.every((b) => b === 0)) {
      this.finished = true; // end of archive; anything after is ignored, as GNU tar does
      return;
    }
    if (!checksumOk(block))
      throw new TarFormatError('corrupt tar header (bad checksum)', this.offset);
    const flag = String.fromCharCode(block[156]!);
    const size = parseNumber(block, 124, 12, this.offset);
    if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
      if (size > MAX_META) throw new TarFormatError(`oversized ${flag} header record`, this.offset);
      this.meta = { kind: flag, chunks: [], left: size };
      this.remaining = size;
      if (size === 0) this.finishBody();
      return;
    }
    const name = cstring(block, 0, 100);
    const prefix =
      block.subarray(257, 262).toString('latin1') === 'ustar' ? cstring(block, 345, 155) : '';
    const o = this.paxOverrides;
    this.paxOverrides = {};
    const header: TarHeader = {
      path: o.path ?? (prefix ? `${prefix}/${name}` : name),
      type: TYPE_FLAGS[flag] ?? 'other',
      flag,
      size: o.size !== undefined ? Number(o.size) : size,
      mode: parseNumber(block, 100, 8, this.offset),
      uid: parseNumber(block, 108, 8, this.offset),
      gid: parseNumber(block, 116, 8, this.offset),
      mtimeSeconds:
        o.mtime !== undefined ? Number(o.mtime) : parseNumber(block, 136, 12, this.offset),
      linkname: o.linkpath ?? cstring(block, 157, 100),
    };
    // Only regular files carry data (a hard link's size field is ignored, as in GNU tar).
    if (header.type !== 'file' && header.type !== 'other') header.size = 0;
    this.handler.entry(header);
    this.inEntry = true;
    this.entrySize = header.size;
    this.remaining = header.size;
    if (header.size === 0) this.finishBody();
  }

  private finishBody(): void {
    const size = this.meta ? this.meta.chunks.reduce((n, c) => n + c.length, 0) : 0;
    if (this.meta) {
      const text = Buffer.concat(this.meta.chunks).toString('utf8');
      if (this.meta.kind === 'x') this.paxOverrides = parsePax(text, this.offset);
      else if (this.meta.kind === 'L') this.paxOverrides.path = text.replace(/\0.*$/s, '');
      else if (this.meta.kind === 'K') this.paxOverrides.linkpath = text.replace(/\0.*$/s, '');
      this.meta = null;
      this.skip = (BLOCK - (size % BLOCK)) % BLOCK;
      return;
    }
    this.inEntry = false;
    this.skip = (BLOCK - (this.entrySize % BLOCK)) % BLOCK;
    this.handler.endEntry();
  }
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  const stored = parseInt(cstring(block, 148, 8).trim() || '0', 8);
  return stored === sum;
}

function cstring(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.subarray(off, end === -1 || end > off + len ? off + len : end).toString('utf8');
}

function parseNumber(b: Buffer, off: number, len: number, at: number): number {
  if (b[off]! & 0x80) {
    // GNU base-256 for values that do not fit in octal
    let v = b[off]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!;
    return v;
  }
  const text = cstring(b, off, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text))
    throw new TarFormatError(`corrupt tar header (bad number '${text}')`, at);
  return parseInt(text, 8);
}

function parsePax(text: string, at: number): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  const buf = Buffer.from(text);
  while (pos < buf.length) {
    const space = buf.indexOf(0x20, pos);
    const len = parseInt(buf.subarray(pos, space).toString(), 10);
    if (!Number.isFinite(len) || len <= 0 || space === -1)
      throw new TarFormatError('corrupt PAX header', at);
    const record = buf.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}
