/**
 * Plans what a directory (or single-file) source contributes to an archive: a walk without
 * following symlinks, filtered by include/exclude globs (minimatch; a pattern without '/' matches
 * at any depth, like .gitignore). A missing source is reported, not fatal (the seed's defaults do
 * not exist on most machines); unreadable entries and special files become warnings.
 */
import { constants, lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { normalize, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import type { BackupSourceConfig } from './config.js';
import { FS_PREFIX, type ManifestSource } from './manifest.js';

/**
 * How a file of a live tree that an lstat showed to be regular is opened to be read: never through
 * a symlink, and never waiting on a FIFO. Whoever can write the folder (a service's logs) can swap
 * the file before it is read: for a symlink to a file only root may read, which a root backup
 * would then archive under the log's name and owner, or for a FIFO, whose plain open() blocks, and
 * the backup with it, until someone writes. GNU tar opens with O_NOFOLLOW for the same reason.
 * The caller checks with fstat that it opened a regular file. Windows has neither flag.
 */
export const OPEN_REGULAR =
  constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export interface PlannedEntry {
  archivePath: string;
  /** Where to read it from (files) — the live path. */
  absPath: string;
  type: 'file' | 'dir' | 'symlink';
  size: number;
  mode: number;
  mtimeMs: number;
  uid: number;
  gid: number;
  link?: string;
  source: string;
}

export interface PlannedSource {
  report: ManifestSource;
  entries: PlannedEntry[];
  warnings: string[];
}

/** `/etc/claude-code` → `fs/etc/claude-code` (Windows `C:\x` → `fs/C/x`). */
export function archivePathOf(absPath: string): string {
  const posix = absPath
    .split(sep)
    .join('/')
    .replace(/^([A-Za-z]):/, '$1');
  return FS_PREFIX + posix.replace(/^\/+/, '').replace(/\/+$/, '');
}

/**
 * A source's entries, collected into an array: for the restore diff's "removed" walk and for
 * tests. A backup streams them with walkDirectorySource instead, so memory does not grow with the
 * file count.
 */
export function planDirectorySource(
  src: BackupSourceConfig,
  kind: 'directory' | 'ccmon' = 'directory',
): PlannedSource {
  const walk = walkDirectorySource(src, kind);
  return { report: walk.report, entries: [...walk.entries], warnings: walk.warnings };
}

export interface SourceWalk {
  /** Counts grow as `entries` is consumed; final once it is exhausted. */
  report: ManifestSource;
  /** Pre-order (a folder before its contents), names sorted; nothing is read ahead. */
  entries: Generator<PlannedEntry>;
  warnings: string[];
}

/**
 * Walks a directory (or single-file) source lazily: one readdir per folder as the walk reaches
 * it, so what is held is the stack of folders being walked, never the whole tree.
 */
export function walkDirectorySource(
  src: BackupSourceConfig,
  kind: 'directory' | 'ccmon' = 'directory',
): SourceWalk {
  const include = src.include.map(compile);
  const exclude = src.exclude.map(compile);
  const root = normalize(src.path).replace(/[\\/]+$/, '') || '/';
  const report: ManifestSource = {
    name: root,
    kind,
    origin: root,
    status: 'ok',
    message: '',
    files: 0,
    bytes: 0,
    archivePath: archivePathOf(root),
    include: src.include,
    exclude: src.exclude,
  };
  const warnings: string[] = [];
  let st: Stats | null = null;
  try {
    st = lstatSync(root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    report.status = code === 'ENOENT' ? 'missing' : 'failed';
    report.message = code === 'ENOENT' ? 'does not exist; skipped' : (err as Error).message;
  }
  // Children's paths are built by concatenation from the (normalized) root: path.join and
  // archivePathOf's regexes per entry were a visible part of a many-small-files backup's CPU.
  const rootArchivePath = archivePathOf(root);
  const archiveDir = rootArchivePath.endsWith('/') ? rootArchivePath : rootArchivePath + '/';
  const toEntry = (abs: string, rel: string, s: Stats): PlannedEntry | null => {
    const e = entryOf(abs, rel === '' ? rootArchivePath : archiveDir + rel, s, root);
    if (!e) {
      pushWarning(warnings, `${abs}: skipped (${kindOf(s)} files are not backed up)`);
      return null;
    }
    if (e.type === 'file') {
      report.files++;
      report.bytes += e.size;
    }
    return e;
  };
  function* walk(dir: string, rel: string): Generator<PlannedEntry> {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      pushWarning(
        warnings,
        `${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); skipped`,
      );
      return;
    }
    const dirPrefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const name of names) {
      const abs = dirPrefix + name;
      const relPath = rel ? `${rel}/${name}` : name;
      let s: Stats;
      try {
        s = lstatSync(abs);
      } catch (err) {
        pushWarning(
          warnings,
          `${abs}: vanished or unreadable (${(err as NodeJS.ErrnoException).code}); skipped`,
        );
        continue;
      }
      if (exclude.some((m) => m.match(relPath))) continue;
      if (s.isDirectory()) {
        const e = toEntry(abs, relPath, s);
        if (e) yield e;
        yield* walk(abs, relPath);
        continue;
      }
      if (include.length > 0 && !include.some((m) => m.match(relPath))) continue;
      const e = toEntry(abs, relPath, s);
      if (e) yield e;
    }
  }
  function* entries(): Generator<PlannedEntry> {
    if (!st) return;
    const first = toEntry(root, '', st);
    if (first) yield first;
    if (st.isDirectory()) yield* walk(root, '');
  }
  return { report, entries: entries(), warnings };
}

/** Warnings kept per list: a tree of a million unreadable files must not make a million lines. */
export const MAX_WARNINGS = 200;
const dropped = new WeakMap<string[], number>();

/** Adds a warning; past MAX_WARNINGS, the last line counts the ones left out instead. */
export function pushWarning(list: string[], message: string): void {
  if (list.length < MAX_WARNINGS) {
    list.push(message);
    return;
  }
  const n = (dropped.get(list) ?? 0) + 1;
  dropped.set(list, n);
  list[MAX_WARNINGS] = `… and ${n} more warning${n === 1 ? '' : 's'} (not listed)`;
}

function compile(pattern: string): Minimatch {
  return new Minimatch(pattern, { dot: true, matchBase: !pattern.includes('/') });
}

/** One object shape for every entry (no spreads, `link` always present): cheap per file. */
function entryOf(abs: string, archivePath: string, s: Stats, source: string): PlannedEntry | null {
  const type = s.isFile()
    ? 'file'
    : s.isDirectory()
      ? 'dir'
      : s.isSymbolicLink()
        ? 'symlink'
        : null;
  if (type === null) return null;
  return {
    archivePath,
    absPath: abs,
    type,
    size: type === 'file' ? s.size : 0,
    mode: s.mode & 0o7777,
    mtimeMs: s.mtimeMs,
    uid: s.uid,
    gid: s.gid,
    link: type === 'symlink' ? readlinkSync(abs) : undefined,
    source,
  };
}

/** What a file other than a regular one is, for a warning: "folder", "FIFO", "device"… */
export function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'folder';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isSocket()) return 'socket';
  if (s.isFIFO()) return 'FIFO';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'device';
  return 'special';
}
