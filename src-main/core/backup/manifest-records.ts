/**
 * A manifest's file list read as a stream, for restores whose memory must not grow with the file
 * count (issue 5: peak RSS < 100 MB whatever the size). ccmon writes the list last, one record per
 * line (manifest-spool.ts), both in the sidecar (`,\n "files": [\n{…},\n{…}\n ]\n}`) and in the
 * archive's manifest.json (`,"files":[\n{…},\n{…}\n]}`), so the header parses alone and the records
 * are read back line by line, each validated, as many times as a restore needs (check, diff,
 * extract, commit). A manifest in another layout (hand-made, older) is parsed whole, as before.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { BackupManifest, ManifestFile } from './manifest.js';
import {
  streamManifestLines,
  type ManifestLinesSource,
  type PathFilter,
} from './manifest-lines.js';
import { MANIFEST_LIST_END, SIDECAR_LIST_END } from './manifest-spool.js';
import { parseManifest } from './manifest-schema.js';

/** A manifest whose file list is read again from its source at each call of `files()`. */
export interface ManifestRecords extends Omit<BackupManifest, 'files'> {
  /** Every record, or those whose archive path `keep` takes (the others may go unread). */
  files(keep?: PathFilter): Iterable<ManifestFile>;
  /**
   * Where the list starts in its file, so another thread streams it too (manifest-lines.ts, no
   * zod); none for a manifest held in memory.
   */
  source?: ManifestLinesSource;
}

/**
 * What a restore's passes (check, diff, extract) read: the sources, the totals when the header has
 * them (they size path sets, path-set.ts), and the list, read again at each call of `files()`.
 */
export type FileList = Pick<BackupManifest, 'sources'> &
  Partial<Pick<BackupManifest, 'totals'>> & { files: () => Iterable<ManifestFile> };

const CHUNK = 64 * 1024;
/** Headers are a few KiB (sources, warnings); past this the file is parsed whole. */
const HEAD_LIMIT = 4 * 1024 * 1024;
/** The file list's key as ccmon writes it (pretty sidecar, compact manifest.json). */
const MARKERS = [',\n "files": [\n', ',"files":[\n'];

/** A manifest file (sidecar or spooled manifest.json): streamed in ccmon's layout, else parsed whole. */
export function openManifestRecords(path: string, where = path): ManifestRecords {
  const head = readHead(path);
  if (head) {
    const header = parseManifest(`${head.text}, "files": []}`, where);
    const { files: _none, ...rest } = header;
    return {
      ...rest,
      files: (keep) => streamManifestLines(path, head.offset, where, keep),
      source: { path, offset: head.offset, where },
    };
  }
  return fromManifest(parseManifest(readWhole(path), where));
}

/** How each of ccmon's two layouts (manifest-spool.ts) ends its list. */
const TAILS = [SIDECAR_LIST_END, MANIFEST_LIST_END].map((t) => Buffer.from(t));

/**
 * Whether two manifests in ccmon's layout hold byte for byte the same file list. ccmon writes the
 * sidecar's list and the archive's from one spool (manifest-spool.ts), so this is the normal case,
 * answered without parsing a record; false only means "not known to be the same" (another layout,
 * a rewritten file): compare the records themselves then.
 */
export function sameListBytes(a: ManifestRecords, b: ManifestRecords): boolean {
  if (!a.source || !b.source) return false;
  const fa = openSync(a.source.path, 'r');
  try {
    const fb = openSync(b.source.path, 'r');
    try {
      const length = listLength(fa, a.source.offset);
      if (length < 0 || length !== listLength(fb, b.source.offset)) return false;
      const ba = Buffer.allocUnsafe(CHUNK);
      const bb = Buffer.allocUnsafe(CHUNK);
      for (let pos = 0; pos < length;) {
        const want = Math.min(CHUNK, length - pos);
        const n = readSync(fa, ba, 0, want, a.source.offset + pos);
        if (n === 0 || readSync(fb, bb, 0, n, b.source.offset + pos) !== n) return false;
        if (!ba.subarray(0, n).equals(bb.subarray(0, n))) return false;
        pos += n;
      }
      return true;
    } finally {
      closeSync(fb);
    }
  } finally {
    closeSync(fa);
  }
}

/** Bytes from `offset` to the end of the last record, or -1 when the file does not end as ccmon's do. */
function listLength(fd: number, offset: number): number {
  const size = fstatSync(fd).size;
  const end = Buffer.alloc(Math.min(16, Math.max(0, size - offset)));
  readSync(fd, end, 0, end.length, size - end.length);
  const tail = TAILS.find((t) => end.subarray(end.length - t.length).equals(t));
  return tail ? size - tail.length - offset : -1;
}

/** An in-memory manifest (a foreign layout, a test) behind the same interface. */
export function fromManifest(m: BackupManifest): ManifestRecords {
  const { files, ...rest } = m;
  return { ...rest, files: (keep) => (keep ? files.filter((f) => keep(f.path)) : files) };
}

/** The header's text (without its closing brace) and the byte offset of the first record. */
function readHead(path: string): { text: string; offset: number } | null {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const chunks: Buffer[] = [];
    let size = 0;
    for (let pos = 0; pos < HEAD_LIMIT;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return null;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      size += n;
      pos += n;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      for (const marker of MARKERS) {
        const at = all.indexOf(marker);
        if (at >= 0)
          return { text: all.subarray(0, at).toString('utf8'), offset: at + marker.length };
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

function readWhole(path: string): string {
  const fd = openSync(path, 'r');
  const decoder = new StringDecoder('utf8');
  let text = '';
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;)
      text += decoder.write(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return text + decoder.end();
}
