/**
 * Safe extraction. The whole manifest is checked first (safety.ts) and so is every destination
 * (no symlink on the way into a target folder), in one read of the list, all before anything is
 * written. Then one streaming pass: every tar header must match its manifest entry, every file is
 * written under a temporary name (beside its target, or in a folder staged under a temporary name:
 * staged-folders.ts), and its sha256 is checked as it is written. Only when the whole archive
 * checked out are the temporary files and folders renamed over their targets (the commit); any
 * failure before that removes everything this run created. Memory does not grow with the file
 * count: the manifest's file list is streamed (manifest-records.ts) and read again where a pass
 * needs it.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import { readArchive } from './archive-reader.js';
import type { PassphraseProvider } from './crypto.js';
import { MANIFEST_ENTRY, MANIFEST_TEXT_ENTRY, type ManifestFile } from './manifest.js';
import { crashPoint } from './crash-points.js';
import type { FileList } from './manifest-records.js';
import { RESTORE_TEMP_INFIX } from './destination.js';
import { checkDestination, checkHeader, checkManifest, UnsafeArchiveError } from './safety.js';
import { relinkHardLinks, type Relinked } from './hard-links.js';
import { FileSha256 } from './sha256.js';
import { replaceWith, StagedFolders } from './staged-folders.js';
import { writeAll } from './write-all.js';

export interface ExtractOptions {
  archivePath: string;
  /** The file list is read several times (check, extract, commit), never held. */
  manifest: FileList;
  /** Absolute destination of an archive entry, or null to check it without writing it. */
  destinationOf(path: string): string | null;
  /** Every destination must lie inside one of these folders. */
  roots: string[];
  /** Existing files to delete at commit time (the restore diff's "removed"). */
  remove?: () => Iterable<string>;
  passphrase?: PassphraseProvider;
  signal?: AbortSignal;
  onProgress?: (p: ProgressUpdate) => void;
  /** Restore owners (uid/gid); default: when running as root, like GNU tar. */
  restoreOwnership?: boolean;
  /** Suffix of the temporary files (the restore journals it first, so a later start finds them). */
  tempSuffix?: string;
  /** Called once the whole archive checked out, before the first file is replaced. */
  onCommit?: () => void;
  /** Names this extraction's crash points (`<label>-extracting`, `<label>-committing`). */
  crashLabel?: string;
}

export interface ExtractResult {
  files: number;
  dirs: number;
  symlinks: number;
  /** Hard links made again, and those left as files (hard-links.ts); absent when none was marked. */
  hardlinks?: Relinked;
  bytes: number;
  removed: number;
}

interface OpenFile {
  entry: ManifestFile;
  fd: number | null;
  /** Created with its final mode already (in a staged folder): no fchmod. */
  moded: boolean;
}

/**
 * The archive's entries must come in the manifest's order (ccmon writes both in one pass), so each
 * header is checked against the next manifest record: nothing is looked up, nothing is kept per
 * file but the folders (for their times); temporary files are found again from the manifest.
 */
export async function extractArchive(opts: ExtractOptions): Promise<ExtractResult> {
  const files = opts.manifest.files;
  const roots = opts.roots.map((r) => resolve(r));
  const checkedDirs = new Set<string>();
  const totals = checkManifest(opts.manifest, (f) => {
    const dest = opts.destinationOf(f.path);
    if (dest) checkDestination(f.path, dest, roots, checkedDirs);
  });
  checkedDirs.clear();
  const owners = opts.restoreOwnership ?? process.getuid?.() === 0;
  const suffix = opts.tempSuffix ?? randomBytes(4).toString('hex');
  const tempOf = (dest: string) => `${dest}${RESTORE_TEMP_INFIX}${suffix}`;
  const label = opts.crashLabel ?? 'extract';
  const folders = new StagedFolders(roots, tempOf);
  const umask = currentUmask();
  const dirs: [ManifestFile, string][] = [];
  const result: ExtractResult = { files: 0, dirs: 0, symlinks: 0, bytes: 0, removed: 0 };
  /** The files that restored links are links of: the commit links them again. */
  const linkFirsts = new Set<string>();
  let tempFiles = 0;
  // Entries read, for progress: a restore of part of a backup reads all of it and writes only that.
  const read = { files: 0, bytes: 0 };
  let open: OpenFile | null = null;
  const sha256 = new FileSha256(); // of the open file
  const expected = files()[Symbol.iterator]();

  // Files come grouped by folder (ccmon archives in walk order): their folder is looked up once.
  let lastFileDir = '';
  let lastFilePlace = '';

  try {
    await readArchive(
      opts.archivePath,
      {
        entry(h) {
          open = null;
          if (h.path === MANIFEST_ENTRY || h.path === MANIFEST_TEXT_ENTRY) {
            checkHeader(h, undefined);
            return;
          }
          const next = expected.next();
          const entry = !next.done && next.value.path === h.path ? next.value : undefined;
          checkHeader(h, entry);
          const e = entry!;
          const dest = opts.destinationOf(h.path);
          if (e.type === 'dir') {
            if (dest) {
              folders.placeOf(dest);
              dirs.push([e, dest]);
              result.dirs++;
            }
          } else if (e.type === 'symlink') {
            if (dest) result.symlinks++;
          } else {
            let fd: number | null = null;
            let moded = false;
            if (dest) {
              // Nothing takes its final name before the whole archive has checked out: a file
              // goes under a temporary name, or under its own in a staged folder.
              const dir = dirname(dest);
              if (dir !== lastFileDir) {
                lastFilePlace = folders.placeOf(dir);
                lastFileDir = dir;
              }
              if (lastFilePlace === dir) {
                fd = openSync(tempOf(dest), 'wx', 0o600);
                tempFiles++;
              } else {
                // In a staged folder (0700, nobody else's way in) a file can be created with its
                // final mode when the umask keeps it whole: one fchmod less per file.
                moded = umask !== null && e.mode <= 0o777 && (e.mode & umask) === 0;
                fd = openSync(lastFilePlace + sep + basename(dest), 'wx', moded ? e.mode : 0o600);
              }
            }
            if (dest && e.hardlinkTo !== undefined) linkFirsts.add(e.hardlinkTo);
            sha256.start(e.size);
            open = { entry: e, fd, moded };
          }
        },
        data(c) {
          const o = open as OpenFile | null;
          if (!o) return;
          sha256.update(c);
          if (o.fd !== null) {
            writeAll(o.fd, c);
            result.bytes += c.length;
          }
          read.bytes += c.length;
        },
        endEntry() {
          const o = open as OpenFile | null;
          if (!o) return;
          open = null;
          finishFile(o, sha256.hex(), owners);
          if (o.fd !== null) result.files++;
          crashPoint(`${label}-extracting`);
          if (++read.files % 100 === 0)
            opts.onProgress?.({
              phase: 'restoring',
              files: read.files,
              bytes: read.bytes,
              totalFiles: totals.files,
              totalBytes: totals.bytes,
            });
        },
      },
      { passphrase: opts.passphrase, signal: opts.signal },
    );
    const missing = expected.next();
    if (!missing.done)
      throw new UnsafeArchiveError(
        missing.value.path,
        'is listed in the manifest but missing from the archive',
      );
  } catch (err) {
    const o = open as OpenFile | null;
    if (o?.fd != null) closeSync(o.fd);
    removeTempFiles(files(), opts.destinationOf, tempOf, folders, tempFiles);
    folders.discard();
    throw restoreError(err as NodeJS.ErrnoException, opts.archivePath);
  } finally {
    expected.return?.();
  }
  // Commit: nothing below can be refused any more; only I/O errors remain. Each rename replaces
  // one whole file or puts one whole new folder in place, so a crash here leaves every file either
  // old or new, never half-written. A list whose files all went to staged folders is not re-read.
  opts.onCommit?.();
  for (const f of tempFiles > 0 ? files() : []) {
    const dest = f.type === 'file' ? opts.destinationOf(f.path) : null;
    if (!dest || folders.isStaged(dirname(dest))) continue;
    replaceWith(tempOf(dest), dest);
    crashPoint(`${label}-committing`);
  }
  folders.commit(() => crashPoint(`${label}-committing`));
  if (linkFirsts.size > 0)
    result.hardlinks = relinkHardLinks(files(), linkFirsts, opts.destinationOf, tempOf);
  // Symlinks after every file (none is written through one); a list without any is not read again.
  for (const f of result.symlinks > 0 ? files() : []) {
    const dest = f.type === 'symlink' ? opts.destinationOf(f.path) : null;
    if (!dest) continue;
    rmSync(dest, { force: true, recursive: true }); // whatever is there; rm -rf follows no link
    mkdirSync(dirname(dest), { recursive: true });
    symlinkSync(f.link!, dest);
    if (owners) lchownSync(dest, f.uid, f.gid);
    const t = new Date(f.mtime);
    lutimesSync(dest, t, t); // the link's own time, as tar keeps it
  }
  // Folders go once what was in them has, deepest first; one still holding what the backup never
  // covered (a file its globs leave out) stays.
  const removedFolders: string[] = [];
  for (const path of opts.remove?.() ?? []) {
    if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) removedFolders.push(path);
    else {
      rmSync(path, { force: true });
      result.removed++;
    }
  }
  for (const path of removedFolders.reverse()) if (removeEmptyFolder(path)) result.removed++;
  // Directory times last (writing into a directory changes its mtime), deepest first.
  for (const [entry, dest] of dirs.sort((a, b) => b[1].length - a[1].length)) {
    if (owners) chownSync(dest, entry.uid, entry.gid); // before the mode: see finishFile
    chmodSync(dest, entry.mode);
    const t = new Date(entry.mtime);
    utimesSync(dest, t, t);
  }
  opts.onProgress?.({
    phase: 'restored',
    files: result.files,
    bytes: result.bytes,
    totalFiles: totals.files,
    totalBytes: totals.bytes,
  });
  return result;
}

/** A file's sha256 (`digest`) against its manifest entry, then its owner, mode and times; closes it. */
function finishFile(o: OpenFile, digest: string, owners: boolean): void {
  const fd = o.fd;
  try {
    if (digest !== o.entry.sha256)
      throw new UnsafeArchiveError(
        o.entry.path,
        `does not match its manifest checksum (sha256 ${digest.slice(0, 12)}…, expected ${o.entry.sha256?.slice(0, 12)}…)`,
      );
    if (fd !== null) {
      // Owner first: a chown clears the setuid and setgid bits (Linux, for root too), as GNU tar knows.
      if (owners) fchownSync(fd, o.entry.uid, o.entry.gid);
      if (!o.moded) fchmodSync(fd, o.entry.mode);
      const t = new Date(o.entry.mtime);
      futimesSync(fd, t, t);
    }
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The first `count` temporary files, in manifest order (the order they were created in); files in
 * staged folders go with their folder.
 */
function removeTempFiles(
  files: Iterable<ManifestFile>,
  destinationOf: (path: string) => string | null,
  tempOf: (dest: string) => string,
  folders: StagedFolders,
  count: number,
): void {
  let left = count;
  for (const f of files) {
    if (left === 0) return;
    const dest = f.type === 'file' ? destinationOf(f.path) : null;
    if (!dest || folders.isStaged(dirname(dest))) continue;
    rmSync(tempOf(dest), { force: true });
    left--;
  }
}

/**
 * The process's umask from /proc (Linux), or null where it cannot be read without changing it:
 * process.umask() sets it to 0 and back, a moment in which another thread's files get mode 0666.
 */
function currentUmask(): number | null {
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? parseInt(m[1]!, 8) : null;
  } catch {
    return null;
  }
}

/** rmdir: false when the folder is not empty or already gone. */
function removeEmptyFolder(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return false;
    throw err;
  }
}

export class RestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreError';
  }
}

function restoreError(err: NodeJS.ErrnoException, archivePath: string): Error {
  if (err instanceof UnsafeArchiveError) return err;
  // zlib's own words ("unexpected end of file", "incorrect data check") name neither the archive
  // nor what they mean.
  if (err.code?.startsWith('Z_'))
    return new RestoreError(
      `restore failed: ${archivePath} cannot be read to its end (${err.message}): it is truncated or damaged (see ccmon verify ${archivePath}); nothing was changed`,
    );
  if (err.code === 'ENOSPC')
    return new RestoreError(
      'restore failed: no space left on the target device; everything this restore wrote was removed',
    );
  if (err.code === 'EACCES' || err.code === 'EPERM')
    return new RestoreError(
      `restore failed: permission denied: ${err.path ?? err.message}; nothing was changed`,
    );
  return new RestoreError(`restore failed: ${err.message}; nothing was changed`);
}
