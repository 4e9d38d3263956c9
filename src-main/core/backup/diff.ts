/**
 * A restore's dry run: what would change at the destination. `added` files do not exist there,
 * `changed` ones differ (type, size, mode, link target, or content: rsync's quick check on size
 * and mtime, then sha256 when only the mtime differs), `removed` ones (files, symlinks and
 * folders) exist in a backed-up folder but not in the backup (the backup's own include/exclude
 * globs apply, so files it never covered are left alone). A restore of part of a backup (`only`)
 * removes only what lies within the paths it restores.
 */
import {
  closeSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  statfsSync,
  statSync,
  type Stats,
} from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { RestoreDiff, RestoreRoom } from './contract.js';
import { humanBytes } from '../bytes.js';
import { FS_PREFIX, type ManifestFile } from './manifest.js';
import type { FileList } from './manifest-records.js';
import { entryCount, PathHashSet } from './path-set.js';
import { isBelow, nearestExisting } from './paths.js';
import { selects } from './destination.js';
import {
  checkDestination,
  checkManifest,
  linkStaysInside,
  restoredArchiveRoots,
  rootsOf,
} from './safety.js';
import { sha256File } from './tail-hash.js';
import { walkDirectorySource } from './sources.js';
import { writeAll } from './write-all.js';

export type { RestoreDiff };

/** Paths of each list kept in the report (the dry-run summary); the spool file has them all. */
export const DIFF_SAMPLE = 200;

export type DiffKind = 'added' | 'changed' | 'removed';

/**
 * The diff's lists, spooled to a file (one JSON string per line, after a one-letter kind) as they
 * are found, with counts and the first DIFF_SAMPLE paths of each kept for the report: a restore of
 * a million files must not hold a million paths.
 */
export class DiffLists {
  readonly diff: RestoreDiff = {
    added: [],
    changed: [],
    removed: [],
    unchanged: 0,
    counts: { added: 0, changed: 0, removed: 0 },
    truncated: false,
    space: [],
  };
  private readonly fd: number;
  private pending = '';

  constructor(readonly file: string) {
    this.fd = openSync(file, 'wx+', 0o600);
  }

  add(kind: DiffKind, path: string): void {
    const n = ++this.diff.counts[kind];
    if (n <= DIFF_SAMPLE) this.diff[kind].push(path);
    else this.diff.truncated = true;
    this.pending += `${kind[0]}${JSON.stringify(path)}\n`;
    if (this.pending.length >= 64 * 1024) this.flush();
  }

  /** Every path of one list, read back from the spool in the order found. */
  paths(kind: DiffKind): Generator<string> {
    this.flush();
    return readDiffPaths(this.fd, kind);
  }

  /** Flushes what is pending (the file may be read after) and closes it. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  /** Writes what is pending, so another reader of the file sees every path. */
  flush(): void {
    if (!this.pending) return;
    const b = Buffer.from(this.pending);
    writeAll(this.fd, b);
    this.pending = '';
  }
}

/** Every path of one list in a file DiffLists wrote (`ccmon restore --json` prints them all). */
export function* diffFilePaths(file: string, kind: DiffKind): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    yield* readDiffPaths(fd, kind);
  } finally {
    closeSync(fd);
  }
}

function* readDiffPaths(fd: number, kind: DiffKind): Generator<string> {
  const buf = Buffer.allocUnsafe(64 * 1024);
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for (let pos = 0; ;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    pos += n;
    const lines = (carry + (n > 0 ? decoder.write(buf.subarray(0, n)) : '')).split('\n');
    carry = lines.pop()!;
    for (const line of lines) if (line[0] === kind[0]) yield JSON.parse(line.slice(1)) as string;
    if (n === 0) return;
  }
}

/**
 * Works out, one manifest entry at a time, what a restore would change at its destinations; what
 * it keeps is a hash per destination (for the removals). Entries come in walk order, a folder
 * before what it holds, so a folder found missing answers for everything below it without a
 * system call: a restore --to a new folder lstats each folder once, not each file.
 */
class RestoreDiffer {
  private readonly listed: PathHashSet;
  /** A missing destination folder, with a trailing separator: what starts with it is added. */
  private missing = '\0';
  /** Where the chosen paths of a partial restore go: removals stay within them. */
  private readonly chosen: string[] | null;
  /**
   * The room what is written takes, by the restored folder (`roots`) it goes below, or, for what
   * goes below none (a dump), by its own folder.
   */
  private readonly room = new Map<string, { bytes: number; inodes: number }>();

  constructor(
    private readonly destinationOf: (path: string) => string | null,
    private readonly lists: DiffLists,
    private readonly removals: boolean,
    totals: FileList['totals'],
    private readonly only: readonly string[] | null,
    private readonly roots: readonly string[],
  ) {
    this.listed = new PathHashSet(removals ? entryCount(totals) : 0);
    this.chosen = only?.map(destinationOf).filter((d): d is string => d !== null) ?? null;
  }

  add(f: ManifestFile): void {
    const dest = this.destinationOf(f.path);
    if (!dest) return;
    if (this.removals) this.listed.add(dest);
    if (f.hardlinkTo !== undefined && this.destinationOf(f.hardlinkTo) !== null)
      this.lists.diff.hardlinks = (this.lists.diff.hardlinks ?? 0) + 1;
    const belowMissing = dest.startsWith(this.missing);
    const st = belowMissing ? null : lstatOrNull(dest);
    if (!st) {
      if (f.type === 'dir' && !belowMissing) this.missing = dest + sep;
      this.lists.add('added', dest);
    } else if (differs(f, dest, st)) this.lists.add('changed', dest);
    else return void this.lists.diff.unchanged++;
    // Written anew (a changed file too: its new copy is made before the old one goes).
    const at = this.roots.find((r) => dest === r || isBelow(dest, r)) ?? dirname(dest);
    const room = this.room.get(at) ?? { bytes: 0, inodes: 0 };
    room.bytes += BLOCK * Math.max(1, Math.ceil(f.size / BLOCK));
    room.inodes++;
    this.room.set(at, room);
  }

  /** The room the restore needs and finds, per file system (RestoreDiff.space). */
  private space(): RestoreRoom[] {
    const byDevice = new Map<number, RestoreRoom>();
    for (const [folder, need] of this.room) {
      const at = nearestExisting(folder);
      const dev = statSync(at).dev;
      let fs = byDevice.get(dev);
      if (!fs) {
        const s = statfsSync(at);
        fs = {
          folder,
          needBytes: 0,
          freeBytes: s.bavail * s.bsize,
          needInodes: 0,
          // A file system with no inode table (btrfs, ZFS) reports none in all.
          freeInodes: s.files > 0 ? s.ffree : null,
          short: [],
        };
        byDevice.set(dev, fs);
      }
      fs.needBytes += need.bytes;
      fs.needInodes += need.inodes;
    }
    for (const fs of byDevice.values()) {
      if (fs.needBytes > fs.freeBytes) fs.short.push('bytes');
      if (fs.freeInodes !== null && fs.needInodes > fs.freeInodes) fs.short.push('inodes');
    }
    return [...byDevice.values()];
  }

  /** Whether `dest` lies below a folder that add() found missing. */
  isBelowMissing(dest: string): boolean {
    return dest.startsWith(this.missing);
  }

  /** Adds the removals (a walk of each backed-up folder) and returns the summary. */
  finish(sources: FileList['sources']): RestoreDiff {
    this.lists.diff.space = this.space();
    if (!this.removals) return this.lists.diff;
    const roots = restoredArchiveRoots(sources);
    for (const s of sources) {
      if (s.kind !== 'directory' || s.status !== 'ok') continue;
      // A source the chosen paths do not touch is not walked at all.
      if (this.only && !this.only.some((c) => selects(c, s.archivePath))) continue;
      const root = this.destinationOf(s.archivePath);
      if (!root) continue;
      const leftOut = new Set<string>();
      for (const p of s.leftOut ?? []) {
        const dest = this.destinationOf(p);
        if (dest) leftOut.add(dest);
      }
      const live = walkDirectorySource(
        { path: root, include: s.include ?? [], exclude: s.exclude ?? [] },
        'directory',
        leftOut,
      );
      // Pre-order: a folder before what it holds (extraction removes folders last, deepest first).
      for (const e of live.entries) {
        if (this.listed.has(e.absPath) || e.absPath === root) continue; // the root: restored into
        if (this.chosen && !this.chosen.some((c) => e.absPath === c || isBelow(e.absPath, c)))
          continue;
        // A link out of the backed-up folders was never archived (plan.ts): not "removed".
        if (e.type === 'symlink' && !linkStaysInside(e.archivePath, e.link ?? '', roots)) continue;
        this.lists.add('removed', e.absPath);
      }
    }
    return this.lists.diff;
  }
}

/**
 * Fills `lists` with what a restore would change at its destinations, reading the manifest's
 * file list once and walking the backed-up folders once.
 */
export function diffRestore(
  manifest: FileList,
  destinationOf: (path: string) => string | null,
  opts: { removals: boolean; lists: DiffLists; only?: readonly string[] | null },
): RestoreDiff {
  const differ = new RestoreDiffer(
    destinationOf,
    opts.lists,
    opts.removals,
    manifest.totals,
    opts.only ?? null,
    rootsOf(manifest, destinationOf),
  );
  for (const f of manifest.files()) differ.add(f);
  return differ.finish(manifest.sources);
}

/**
 * A restore's plan: checkManifest (safety.ts) and the diff in one read of the file list, the diff's
 * lists spooled to a new file `diffFile` (closed, so it can be read back, when this returns).
 */
export function checkedRestoreDiff(
  manifest: FileList,
  destinationOf: (path: string) => string | null,
  opts: { removals: boolean; diffFile: string; only?: readonly string[] | null },
): RestoreDiff {
  const lists = new DiffLists(opts.diffFile);
  try {
    const restored = rootsOf(manifest, destinationOf);
    const differ = new RestoreDiffer(
      destinationOf,
      lists,
      opts.removals,
      manifest.totals,
      opts.only ?? null,
      restored,
    );
    // In place, the destinations are checked here too (no symlink on the way, as extraction
    // checks again): a restore that would be refused is refused by its dry run, and before the
    // safety backup and the stop hook, not after.
    const roots = opts.removals ? restored : [];
    const checked = new Set<string>();
    checkManifest(manifest, (f) => {
      differ.add(f);
      const dest = roots.length > 0 && f.path.startsWith(FS_PREFIX) ? destinationOf(f.path) : null;
      // Below a folder the diff found missing there is nothing to look at.
      if (dest && !differ.isBelowMissing(dest)) checkDestination(f.path, dest, roots, checked);
    });
    return differ.finish(manifest.sources);
  } finally {
    lists.close();
  }
}

/** The file-system block a file's room is counted in: most take whole 4 KiB blocks. */
const BLOCK = 4096;

/**
 * lstat without an exception for a missing path: that is the common case (a restore --to a new
 * folder), and an exception with its stack per file was most of a diff's time.
 */
function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null; // ENOTDIR and the like: nothing of that name can be there
  }
}

function differs(f: ManifestFile, dest: string, st: Stats): boolean {
  if (f.type === 'dir') return !st.isDirectory();
  if (f.type === 'symlink') return !st.isSymbolicLink() || readlinkSync(dest) !== f.link;
  if (!st.isFile() || st.size !== f.size || (st.mode & 0o7777) !== f.mode) return true;
  if (Math.abs(st.mtimeMs - Date.parse(f.mtime)) < 1) return false;
  return sha256File(dest) !== f.sha256;
}

/** For messages: a destination shown relative to a --to folder. */
export function shortPath(p: string, base: string | null): string {
  return base ? relative(base, p).split(sep).join('/') : p;
}

/** What does not fit on one file system: its bytes, its number of entries, or both. */
export function roomShortfall(s: RestoreRoom): string {
  const bytes = s.short.includes('bytes');
  const inodes = s.short.includes('inodes');
  const and = (a: string | false, b: string | false) => [a, b].filter(Boolean).join(' and ');
  return (
    `${and(bytes && humanBytes(s.needBytes), inodes && `${s.needInodes} files and folders`)} ` +
    `into ${s.folder}, whose file system has ` +
    and(bytes && `${humanBytes(s.freeBytes)} free`, inodes && `room for ${s.freeInodes} more`)
  );
}
