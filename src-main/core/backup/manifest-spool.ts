/**
 * The manifest's file list, spooled to a temporary file as the archive is written instead of held
 * in an array: a backup's memory must not grow with its file count (issue 5: < 100 MB whatever the
 * size). The list is then copied, chunk by chunk, into the archive's trailing manifest.json and the
 * sidecar, both laid out as `{<header fields>, "files": [<spooled records>]}` with the file list
 * last, so a reader that only needs the header can stop before it (see store.ts).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { BackupManifest, BackupSidecar, ManifestFile } from './manifest.js';
import { writeAll } from './write-all.js';

const BUFFER = 64 * 1024;

/** Where the sidecar's header ends and its file list begins (top-level key, indent 1). */
export const SIDECAR_FILES_MARKER = ',\n "files": ';
/** What follows the last record: in the sidecar, and in the archive's manifest.json. */
export const SIDECAR_LIST_END = '\n ]\n}\n';
export const MANIFEST_LIST_END = '\n]}';

/** A JSON document's bytes, produced in chunks, with its length known before the first chunk. */
export interface JsonBody {
  size: number;
  chunks(): Iterable<Buffer>;
}

export class ManifestSpool {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(BUFFER);
  private used = 0;
  /** Bytes of spooled JSON (records joined by ",\n"). */
  size = 0;
  readonly counts = { file: 0, dir: 0, symlink: 0 };

  constructor(readonly path: string) {
    this.fd = openSync(path, 'wx+', 0o600);
  }

  add(f: ManifestFile): void {
    const count = this.counts.file + this.counts.dir + this.counts.symlink;
    this.write((count === 0 ? '\n' : ',\n') + JSON.stringify(f));
    this.counts[f.type]++;
  }

  /** Flush what is buffered; after this the spool can be read back. */
  finish(): void {
    if (this.used > 0) writeAll(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /**
   * The spooled records, read back in chunks (position-based reads: reusable any number of
   * times). Every chunk is a view of one buffer, valid until the next: callers copy or write it.
   */
  *records(): Generator<Buffer> {
    this.finish();
    const chunk = this.buf;
    for (let pos = 0; pos < this.size;) {
      const n = readSync(this.fd, chunk, 0, Math.min(chunk.length, this.size - pos), pos);
      if (n === 0) throw new Error(`${this.path}: the manifest spool is shorter than written`);
      pos += n;
      yield chunk.subarray(0, n);
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  /** manifest.json for inside the archive: the header, then the spooled file list. */
  manifestJson(header: Omit<BackupManifest, 'files'>): JsonBody {
    const head = Buffer.from(JSON.stringify(header).replace(/\}$/, ',"files":['));
    return this.body(head, Buffer.from(MANIFEST_LIST_END));
  }

  /** The sidecar beside the archive; `withFiles` false (encrypted archives) writes `"files": null`. */
  sidecarJson(header: Omit<BackupSidecar, 'files'>, withFiles: boolean): JsonBody {
    const pretty = JSON.stringify(header, null, 1).replace(/\n\}$/, '');
    if (!withFiles) {
      const all = Buffer.from(`${pretty}${SIDECAR_FILES_MARKER}null\n}\n`);
      return { size: all.length, chunks: () => [all] };
    }
    return this.body(
      Buffer.from(`${pretty}${SIDECAR_FILES_MARKER}[`),
      Buffer.from(SIDECAR_LIST_END),
    );
  }

  private body(head: Buffer, tail: Buffer): JsonBody {
    return {
      size: head.length + this.size + tail.length,
      chunks: () => this.concat(head, tail),
    };
  }

  private *concat(head: Buffer, tail: Buffer): Generator<Buffer> {
    yield head;
    yield* this.records();
    yield tail;
  }

  private write(s: string): void {
    const n = Buffer.byteLength(s);
    this.size += n;
    if (this.used + n > BUFFER) this.finish();
    if (n > BUFFER) {
      writeAll(this.fd, Buffer.from(s));
      return;
    }
    this.used += this.buf.write(s, this.used);
  }
}
