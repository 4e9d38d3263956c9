/**
 * What an archive may contain before ccmon writes a single byte of it. Every rule names the entry:
 * - paths are relative, without `..`, NUL or backslashes, and live under `fs/<a backed-up folder>`
 *   or `dumps/` (GNU tar's "Removing leading /" and "member name contains '..'" refusals, made
 *   fatal);
 * - symlink and hard-link targets, resolved from the link's own place, stay inside the backed-up
 *   folders (no escape through a link, CVE-2021-37701 style);
 * - no entry lives below a symlink of the same archive (writing through a link), and none appears
 *   twice;
 * - only regular files, directories and symlinks: device files, FIFOs and unknown types refused.
 */
import { lstatSync } from 'node:fs';
import { dirname, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import {
  DUMP_PREFIX,
  FS_PREFIX,
  MANIFEST_ENTRY,
  MANIFEST_TEXT_ENTRY,
  type BackupManifest,
  type ManifestFile,
} from './manifest.js';
import { duplicateAmong, entryCount, PathHashSet } from './path-set.js';
import { isBelow } from './paths.js';
import type { TarHeader } from './tar.js';

export class UnsafeArchiveError extends Error {
  constructor(
    readonly entry: string,
    /** What is wrong with the entry ("is a FIFO"), for messages other than a restore's. */
    readonly why: string,
  ) {
    super(`refusing to restore: entry '${entry}' ${why}; nothing was changed`);
    this.name = 'UnsafeArchiveError';
  }
}

/** The reason a path is unsafe, or null. */
export function unsafePath(path: string): string | null {
  if (path === '') return 'has an empty name';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'has an absolute path';
  // As path.split('/').includes('..'), without an array per entry.
  if (path === '..' || path.startsWith('../') || path.endsWith('/..') || path.includes('/../'))
    return "contains a '..' component";
  // ccmon writes every path in normal form. Another form names an entry twice (fs/a/./l is
  // fs/a/l), which slipped past the checks that compare paths as strings (duplicates, "below a
  // symlink"): an archive could make a symlink to a folder outside, then chmod and chown that
  // folder through fs/a/./l. The root of a source that is / itself is `fs/`.
  if (path === '.' || path.startsWith('./') || path.endsWith('/.') || path.includes('/./'))
    return "contains a '.' component";
  if (path.includes('//')) return "contains an empty component ('//')";
  if (path.endsWith('/') && path !== FS_PREFIX) return "ends with '/'";
  if (path === MANIFEST_ENTRY || path === MANIFEST_TEXT_ENTRY) return null;
  if (!path.startsWith(FS_PREFIX) && !path.startsWith(DUMP_PREFIX))
    return `is outside ${FS_PREFIX} and ${DUMP_PREFIX}`;
  return null;
}

/** What checkManifest needs: the sources and the file list, readable twice (duplicates). */
export interface CheckedManifest {
  sources: BackupManifest['sources'];
  files: Iterable<ManifestFile> | (() => Iterable<ManifestFile>);
  /** The header's totals, when known: they size the path set (path-set.ts). */
  totals?: BackupManifest['totals'];
}

export interface ManifestCounts {
  files: number;
  bytes: number;
}

/**
 * Checks manifest entries one at a time, so a pass that reads the list for its own work (the
 * restore diff, the destination checks) checks it in the same read. What it keeps is a hash per
 * path (path-set.ts) and the symlinks' paths, not the list.
 */
export class ManifestChecker {
  readonly counts: ManifestCounts = { files: 0, bytes: 0 };
  private readonly roots: string[];
  private readonly symlinks = new Set<string>();
  private readonly paths: PathHashSet;

  constructor(m: Pick<CheckedManifest, 'sources' | 'totals'>) {
    this.roots = restoredArchiveRoots(m.sources);
    this.paths = new PathHashSet(entryCount(m.totals));
  }

  /** Throws UnsafeArchiveError when `f` is unsafe on its own or below a symlink listed before it. */
  check(f: ManifestFile): void {
    const why = unsafePath(f.path);
    if (why) throw new UnsafeArchiveError(f.path, why);
    this.paths.add(f.path);
    if (f.type === 'file') {
      this.counts.files++;
      this.counts.bytes += f.size;
    }
    if (f.path.startsWith(FS_PREFIX) && !this.inRoots(f.path))
      throw new UnsafeArchiveError(
        f.path,
        'is outside every backed-up folder named in the manifest',
      );
    if (this.symlinks.size > 0) this.refuseBelowSymlink(f.path);
    if (f.type === 'symlink') {
      this.symlinks.add(f.path);
      if (!linkStaysInside(f.path, f.link ?? '', this.roots))
        throw new UnsafeArchiveError(
          f.path,
          `is a symlink to '${f.link ?? ''}', outside the restored folders`,
        );
    }
  }

  /**
   * After check() saw every entry: a path listed twice, and an entry below a symlink listed after
   * it. Reads the list again only for suspected duplicates and when there are symlinks.
   */
  finish(files: () => Iterable<ManifestFile>): ManifestCounts {
    const twice = duplicateAmong(
      (function* () {
        for (const f of files()) yield f.path;
      })(),
      this.paths.repeatedHashes(),
    );
    if (twice) throw new UnsafeArchiveError(twice, 'appears twice');
    if (this.symlinks.size > 0) for (const f of files()) this.refuseBelowSymlink(f.path);
    return this.counts;
  }

  private inRoots(p: string): boolean {
    return inRoots(p, this.roots);
  }

  private refuseBelowSymlink(path: string): void {
    for (let dir = posix.dirname(path); dir !== '.' && dir !== ''; dir = posix.dirname(dir))
      if (this.symlinks.has(dir))
        throw new UnsafeArchiveError(path, `lies below the symlink '${dir}'`);
  }
}

/** The folders a restore writes into, as archive paths: its directory and ccmon sources. */
export function restoredArchiveRoots(sources: BackupManifest['sources']): string[] {
  return sources
    .filter((s) => s.kind === 'directory' || s.kind === 'ccmon')
    .map((s) => s.archivePath.replace(/\/+$/, ''));
}

/** Where those folders are at a restore's destinations. */
export function rootsOf(
  m: Pick<BackupManifest, 'sources'>,
  destinationOf: (p: string) => string | null,
): string[] {
  return restoredArchiveRoots(m.sources)
    .map(destinationOf)
    .filter((d): d is string => d !== null);
}

function inRoots(p: string, roots: readonly string[]): boolean {
  return roots.some((r) => p === r || p.startsWith(r + '/'));
}

/**
 * Whether a symlink at archive path `path` pointing to `target` stays inside the folders `roots`
 * (archive paths): what a restore accepts. The backup asks the same before archiving a link
 * (plan.ts), so no backup of its own holds a link its restore would refuse.
 */
export function linkStaysInside(path: string, target: string, roots: readonly string[]): boolean {
  if (target === '') return false;
  const resolved = target.startsWith('/')
    ? posix.normalize(FS_PREFIX + target.replace(/^\/+/, ''))
    : posix.normalize(posix.join(posix.dirname(path), target));
  return inRoots(resolved, roots);
}

/**
 * Checks every manifest entry; throws UnsafeArchiveError on the first offence. `onEntry` sees each
 * entry once it passed its own checks, in the same read of the list.
 */
export function checkManifest(
  m: CheckedManifest,
  onEntry?: (f: ManifestFile) => void,
): ManifestCounts {
  const files = typeof m.files === 'function' ? m.files : () => m.files as Iterable<ManifestFile>;
  const checker = new ManifestChecker(m);
  for (const f of files()) {
    checker.check(f);
    onEntry?.(f);
  }
  return checker.finish(files);
}

/** A tar header must be exactly the manifest's entry (a crafted tar cannot smuggle anything in). */
export function checkHeader(
  h: TarHeader,
  expected: BackupManifest['files'][number] | undefined,
): void {
  const why = unsafePath(h.path);
  if (why) throw new UnsafeArchiveError(h.path, why);
  if (h.type === 'hardlink')
    throw new UnsafeArchiveError(
      h.path,
      `is a hard link to '${h.linkname}' (ccmon archives never contain hard links)`,
    );
  if (h.type === 'char' || h.type === 'block')
    throw new UnsafeArchiveError(h.path, 'is a device file');
  if (h.type === 'fifo') throw new UnsafeArchiveError(h.path, 'is a FIFO');
  if (h.type === 'other')
    throw new UnsafeArchiveError(h.path, `has unsupported tar type '${h.flag}'`);
  if (h.path === MANIFEST_ENTRY || h.path === MANIFEST_TEXT_ENTRY) return;
  // Extraction passes the manifest's next entry: ccmon writes archive and manifest in one order.
  if (!expected)
    throw new UnsafeArchiveError(h.path, 'is not listed in the manifest (at this point)');
  if (expected.type !== h.type)
    throw new UnsafeArchiveError(
      h.path,
      `is a ${h.type} in the archive but a ${expected.type} in the manifest`,
    );
  if (h.type === 'file' && expected.size !== h.size)
    throw new UnsafeArchiveError(
      h.path,
      `has ${h.size} bytes in the archive but ${expected.size} in the manifest`,
    );
  if (h.type === 'symlink' && (expected.link ?? '') !== h.linkname)
    throw new UnsafeArchiveError(
      h.path,
      `links to '${h.linkname}' but the manifest says '${expected.link}'`,
    );
  // A restore applies the manifest's mode, owner and time; ccmon writes the same ones into the
  // header. A sidecar edited to hand out setuid bits or another owner is refused here.
  if ((h.mode & 0o7777) !== expected.mode)
    throw new UnsafeArchiveError(
      h.path,
      `has mode ${octal(h.mode & 0o7777)} in the archive but ${octal(expected.mode)} in the manifest`,
    );
  if (h.uid !== expected.uid || h.gid !== expected.gid)
    throw new UnsafeArchiveError(
      h.path,
      `is owned by ${h.uid}:${h.gid} in the archive but ${expected.uid}:${expected.gid} in the manifest`,
    );
  // The header holds whole seconds; the manifest milliseconds, rounded.
  if (Math.abs(h.mtimeSeconds * 1000 - Date.parse(expected.mtime)) >= 2000)
    throw new UnsafeArchiveError(
      h.path,
      `is dated ${new Date(h.mtimeSeconds * 1000).toISOString()} in the archive but ${expected.mtime} in the manifest`,
    );
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/**
 * Whether `abs` is `root` or lies below it (both resolved). A plain prefix answers most calls;
 * path.relative (case-insensitive on Windows) decides the rest.
 */
function isInside(root: string, abs: string): boolean {
  if (isBelow(abs, root)) return true;
  const rel = relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The destination lies in a root, and no existing folder between the root and it is a symlink. */
export function checkDestination(
  entry: string,
  dest: string,
  roots: string[],
  checked: Set<string>,
): void {
  const abs = resolve(dest);
  const root = roots.find((r) => isInside(r, abs));
  if (!root)
    throw new UnsafeArchiveError(entry, `would be written to ${abs}, outside ${roots.join(', ')}`);
  // Files come grouped by folder: once a folder's chain is checked, its next files are done.
  if (checked.has(dirname(abs)) && abs !== root) return;
  const parts = relative(root, dirname(abs)).split(sep).filter(Boolean);
  let dir = root;
  for (const part of ['', ...parts]) {
    dir = part ? `${dir}${sep}${part}` : dir;
    if (checked.has(dir)) continue;
    try {
      if (lstatSync(dir).isSymbolicLink())
        throw new UnsafeArchiveError(
          entry,
          `would be written through the symlink ${dir} on this machine`,
        );
    } catch (err) {
      if (err instanceof UnsafeArchiveError) throw err;
      // does not exist yet: created as a real folder
    }
    checked.add(dir);
  }
}
