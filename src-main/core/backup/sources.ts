/**
 * Plans what a directory (or single-file) source contributes to an archive: a walk without
 * following symlinks, filtered by include/exclude globs (minimatch; a pattern without '/' matches
 * at any depth, like .gitignore). A missing source is reported, not fatal (the seed's defaults do
 * not exist on most machines); unreadable entries and special files become warnings.
 */
import { constants, lstatSync, readdirSync, readlinkSync, type Dirent, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { Minimatch } from 'minimatch';
import type { BackupSourceConfig } from './config.js';
import { isBelow, normalRoot } from './paths.js';
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

/**
 * An entry of a backup, as its walk found it. A folder's or a symlink's fields are its lstat's. A
 * regular file is archived with the fstat of what is opened and read (archive-writer.ts), so the
 * walk does not stat it: its directory entry says it is a file, and `size` is -1 (its other fields
 * 0). A file the walk had to lstat (a file system without types in its directory entries) has
 * that lstat's fields.
 */
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
  /** The source's report, whose files and bytes count what of it is archived; null for a dump. */
  tally: ManifestSource | null;
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
  /** Its files and bytes count what the archive writer archived (PlannedEntry.tally). */
  report: ManifestSource;
  /** Pre-order (a folder before its contents), names sorted; nothing is read ahead. */
  entries: Generator<PlannedEntry>;
  warnings: string[];
}

/** Nothing left out of a walk. */
const NO_SKIP: ReadonlySet<string> = new Set();

/**
 * The folder (or file) a source stands for: its path in normal form, or, when that is a symlink
 * (/var/lib/claude-code → /data/claude-code), what the link points to, as `tar -C link/` would
 * read it. The target is archived under its own path, so a restore writes into the real folder
 * and never replaces the link with a folder. Only the last component is followed: parent links
 * (/var → /private/var on macOS) keep the paths as configured. Throws as lstat does (ENOENT).
 */
export function sourceRoot(path: string): { root: string; st: Stats; linkedFrom: string | null } {
  const configured = normalRoot(path);
  let root = configured;
  let st = lstatSync(root);
  for (let hops = 0; st.isSymbolicLink(); hops++) {
    if (hops === 40)
      throw Object.assign(new Error(`${configured}: too many levels of symbolic links`), {
        code: 'ELOOP',
      });
    root = normalRoot(resolve(dirname(root), readlinkSync(root)));
    st = lstatSync(root);
  }
  return { root, st, linkedFrom: root === configured ? null : configured };
}

/**
 * Walks a directory (or single-file) source lazily: one readdir per folder as the walk reaches
 * it, so what is held is the stack of folders being walked, never the whole tree. `skip` holds
 * absolute paths in normal form left out with everything below them: the other sources nested in
 * this one (each is walked on its own, with its own globs) and the backup folder.
 */
export function walkDirectorySource(
  src: BackupSourceConfig,
  kind: 'directory' | 'ccmon' = 'directory',
  skip: ReadonlySet<string> = NO_SKIP,
): SourceWalk {
  const include = src.include.map(compile);
  const exclude = src.exclude.map(compile);
  const configured = normalRoot(src.path);
  const report: ManifestSource = {
    name: configured,
    kind,
    origin: configured,
    status: 'ok',
    message: '',
    files: 0,
    bytes: 0,
    archivePath: archivePathOf(configured),
    include: src.include,
    exclude: src.exclude,
  };
  const warnings: string[] = [];
  let st: Stats | null = null;
  let root = configured;
  try {
    const found = sourceRoot(configured);
    st = found.st;
    root = found.root;
    if (found.linkedFrom) {
      report.message = `a symlink to ${root}; archived there`;
      report.archivePath = archivePathOf(root);
    }
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
    const e = entryOf(abs, rel === '' ? rootArchivePath : archiveDir + rel, s, root, report);
    if (!e) pushWarning(warnings, `${abs}: skipped (${kindOf(s)} files are not backed up)`);
    return e;
  };
  /** Folders not yet archived: with include globs, a folder goes in only once something does. */
  function* flush(pending: PlannedEntry[]): Generator<PlannedEntry> {
    yield* pending;
    pending.length = 0;
  }
  /**
   * `included`: an include glob matched a folder above (or there are none), so everything below
   * goes in. `pending` holds the folders above not archived yet (see flush).
   */
  function* walk(
    dir: string,
    rel: string,
    included: boolean,
    pending: PlannedEntry[],
  ): Generator<PlannedEntry> {
    let names: Dirent[];
    try {
      names = readdirSync(dir, { withFileTypes: true }).sort(byName);
    } catch (err) {
      pushWarning(
        warnings,
        `${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); skipped`,
      );
      return;
    }
    const dirPrefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const d of names) {
      const name = d.name;
      const abs = dirPrefix + name;
      if (skip.size > 0 && skip.has(abs)) continue;
      const relPath = rel ? `${rel}/${name}` : name;
      // A regular file by its directory entry: no lstat, the writer fstats what it opens. One
      // system call of five per file, in a tree of many small ones. (A name that is not valid
      // UTF-8 takes the lstat below, which says why it cannot be archived.)
      if (d.isFile() && !name.includes('\uFFFD')) {
        if (matchesAny(exclude, relPath, false)) continue;
        if (!included && !matchesAny(include, relPath, false)) continue;
        yield* flush(pending);
        yield unstatted(abs, archiveDir + relPath, root, report);
        continue;
      }
      let s: Stats;
      try {
        s = lstatSync(abs);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        pushWarning(
          warnings,
          // readdir decodes names as UTF-8: a name that is not valid UTF-8 comes back with
          // U+FFFD in it, and no file has that name.
          code === 'ENOENT' && name.includes('\uFFFD')
            ? `${abs}: its name is not valid UTF-8, which ccmon cannot archive; skipped (rename it to back it up)`
            : `${abs}: vanished or unreadable (${code}); skipped`,
        );
        continue;
      }
      const isDir = s.isDirectory();
      if (matchesAny(exclude, relPath, isDir)) continue;
      if (isDir) {
        const e = toEntry(abs, relPath, s)!;
        if (included || matchesAny(include, relPath, true)) {
          yield* flush(pending);
          yield e;
          yield* walk(abs, relPath, true, pending);
        } else {
          pending.push(e);
          yield* walk(abs, relPath, false, pending);
          if (pending.at(-1) === e) pending.pop(); // nothing below it was archived
        }
        continue;
      }
      if (!included && !matchesAny(include, relPath, false)) continue;
      const e = toEntry(abs, relPath, s);
      if (!e) continue;
      yield* flush(pending);
      yield e;
    }
  }
  // Globs select inside a folder (relative to it): a file source has nothing for them to select.
  if (st && !st.isDirectory() && include.length + exclude.length > 0)
    pushWarning(
      warnings,
      `source ${configured} is a file, not a folder: its include/exclude globs do not apply`,
    );
  const leftOut = [...skip].filter((p) => isBelow(p, root));
  if (st?.isDirectory() && leftOut.length > 0) report.leftOut = leftOut.sort().map(archivePathOf);
  function* entries(): Generator<PlannedEntry> {
    if (!st) return;
    const first = toEntry(root, '', st);
    if (first) yield first;
    if (st.isDirectory()) yield* walk(root, '', include.length === 0, []);
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

/** A glob of a source, as .gitignore reads one. */
interface Glob {
  m: Minimatch;
  /** Written with a trailing '/': matches folders only. */
  dirOnly: boolean;
}

/**
 * A source's glob, relative to its folder, read as .gitignore reads patterns: without a '/' it
 * matches at any depth (`*.gz`); a leading '/' or './' anchors it at the source's folder
 * (`/tmp`); a trailing '/' matches folders only (`cache/`). A folder that matches an exclude glob
 * is left out with everything in it, and one that matches an include glob goes in with everything
 * in it (`include: [sub]`).
 */
function compile(pattern: string): Glob {
  const dirOnly = pattern.length > 1 && pattern.endsWith('/');
  let p = dirOnly ? pattern.replace(/\/+$/, '') : pattern;
  const anchored = p.startsWith('/') || p.startsWith('./');
  p = p.replace(/^(\.\/|\/)+/, '');
  return { m: new Minimatch(p, { dot: true, matchBase: !anchored && !p.includes('/') }), dirOnly };
}

function matchesAny(globs: Glob[], relPath: string, isDir: boolean): boolean {
  for (const g of globs) if ((isDir || !g.dirOnly) && g.m.match(relPath)) return true;
  return false;
}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** A regular file the walk did not stat (PlannedEntry). */
function unstatted(
  abs: string,
  archivePath: string,
  source: string,
  tally: ManifestSource,
): PlannedEntry {
  return {
    archivePath,
    absPath: abs,
    type: 'file',
    size: -1,
    mode: 0,
    mtimeMs: 0,
    uid: 0,
    gid: 0,
    link: undefined,
    source,
    tally,
  };
}

/** One object shape for every entry (no spreads, `link` always present): cheap per file. */
function entryOf(
  abs: string,
  archivePath: string,
  s: Stats,
  source: string,
  tally: ManifestSource,
): PlannedEntry | null {
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
    tally,
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
