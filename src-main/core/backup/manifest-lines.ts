/**
 * A ccmon manifest's file list, one record per line (manifest-spool.ts), read back from a byte
 * offset and validated record by record by hand (the same rules as manifest-schema.ts's
 * fileSchema): the restore worker streams manifests without loading zod (~13 MB per thread).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { ManifestFile } from './manifest.js';

const CHUNK = 64 * 1024;

/** A file list to stream: the file, where its first record starts, and its name for messages. */
export interface ManifestLinesSource {
  path: string;
  offset: number;
  where: string;
}

/** Which records a reader wants, by archive path (a listing of one folder wants a few of many). */
export type PathFilter = (archivePath: string) => boolean;

/**
 * One record per line from `offset` until the line that closes the list. With `keep`, the records
 * whose path it refuses are skipped unparsed when the path reads plainly from the line (ccmon
 * writes it first, and JSON escapes only quotes, backslashes and control characters): parsing
 * was ~85% of a listing's time, 0.4 s per 300,000 entries for a folder of 1,000. What is skipped
 * is not validated; the restore reads every record.
 */
export function* streamManifestLines(
  path: string,
  offset: number,
  where: string,
  keep?: PathFilter,
): Generator<ManifestFile> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let index = 0;
    for (let pos = offset; ;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      pos += n;
      const text = carry + (n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end());
      const lines = text.split('\n');
      carry = n > 0 ? lines.pop()! : '';
      for (const raw of lines) {
        const line = raw.trim();
        if (line === ']' || line === ']}' || line.startsWith(']')) return;
        if (line === '') continue;
        if (keep && skipped(line, keep)) {
          index++;
          continue;
        }
        const f = parseRecord(line.endsWith(',') ? line.slice(0, -1) : line, where, index++);
        if (!keep || keep(f.path)) yield f;
      }
      if (n === 0) throw new Error(`${where}: the file list is cut short after ${index} entries`);
    }
  } finally {
    closeSync(fd);
  }
}

const PATH_KEY = '{"path":"';

/** Whether `keep` refuses the line's path as written plainly; false when it must be parsed to tell. */
function skipped(line: string, keep: PathFilter): boolean {
  if (!line.startsWith(PATH_KEY)) return false;
  const end = line.indexOf('"', PATH_KEY.length);
  if (end < 0) return false;
  const path = line.slice(PATH_KEY.length, end);
  return !path.includes('\\') && !keep(path);
}

function parseRecord(text: string, where: string, index: number): ManifestFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${where}: not a valid ccmon backup manifest: files.${index}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const problem = recordProblem(raw);
  if (typeof problem === 'string')
    throw new Error(`${where}: not a valid ccmon backup manifest: files.${index}${problem}`);
  return problem;
}

const TYPES = new Set(['file', 'dir', 'symlink']);
const SHA256 = /^[0-9a-f]{64}$/;
const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The record with only its known fields, or where it breaks fileSchema's rules (`.field: why`). */
function recordProblem(raw: unknown): ManifestFile | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ': expected an object';
  const r = raw as Record<string, unknown>;
  if (typeof r.path !== 'string' || r.path === '') return '.path: expected a non-empty string';
  if (typeof r.type !== 'string' || !TYPES.has(r.type))
    return ".type: expected 'file', 'dir' or 'symlink'";
  if (!count(r.size)) return '.size: expected an integer >= 0';
  if (!count(r.mode) || (r.mode as number) > 0o7777) return '.mode: expected an integer 0..07777';
  if (typeof r.mtime !== 'string') return '.mtime: expected a string';
  if (r.sha256 !== null && (typeof r.sha256 !== 'string' || !SHA256.test(r.sha256)))
    return '.sha256: expected 64 hex digits or null';
  if (!count(r.uid)) return '.uid: expected an integer >= 0';
  if (!count(r.gid)) return '.gid: expected an integer >= 0';
  if (r.link !== undefined && typeof r.link !== 'string') return '.link: expected a string';
  if (r.hardlinkTo !== undefined && typeof r.hardlinkTo !== 'string')
    return '.hardlinkTo: expected a string';
  if (typeof r.source !== 'string') return '.source: expected a string';
  const f: ManifestFile = {
    path: r.path,
    type: r.type as ManifestFile['type'],
    size: r.size as number,
    mode: r.mode as number,
    mtime: r.mtime,
    sha256: r.sha256 as string | null,
    uid: r.uid as number,
    gid: r.gid as number,
    source: r.source,
  };
  if (r.link !== undefined) f.link = r.link as string;
  if (r.hardlinkTo !== undefined) f.hardlinkTo = r.hardlinkTo as string;
  return f;
}
