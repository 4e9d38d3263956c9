/**
 * What a backup run archives, in order: the dumps (taken first, into the staging folder), then each
 * directory source as it is walked, then ccmon's own state. Everything is a lazy sequence, so the
 * walk runs as the archive is written and nothing grows with the file count.
 */
import { lstatSync } from 'node:fs';
import { basename } from 'node:path';
import type { BackupSourceConfig } from './config.js';
import type { CreateBackupOptions } from './create.js';
import { dumpDatabase, snapshotRedis, type DumpResult } from './dumps.js';
import { DUMP_PREFIX, type ManifestSource } from './manifest.js';
import { linkStaysInside } from './safety.js';
import {
  archivePathOf,
  pushWarning,
  sourceRoot,
  walkDirectorySource,
  type PlannedEntry,
} from './sources.js';
import { isBelow, normalRoot } from './paths.js';

/** Files and bytes a run will archive, from a walk that keeps nothing. */
export function countSources(
  opts: CreateBackupOptions,
  dumps: PlannedEntry[],
): { files: number; bytes: number } {
  const totals = { files: 0, bytes: 0 };
  for (const e of plannedEntries(opts, dumps, [], [])) addToCount(totals, e);
  return totals;
}

/**
 * countSources without the dumps, a slice at a time: the agent counts a set's first backup on its
 * own thread while the backup worker archives (restic's scanner), instead of before the archive's
 * first byte. Resolves null when `signal` aborts first.
 */
export async function countSourcesInSlices(
  opts: CreateBackupOptions,
  signal: AbortSignal,
): Promise<{ files: number; bytes: number } | null> {
  const totals = { files: 0, bytes: 0 };
  let n = 0;
  for (const e of plannedEntries(opts, [], [], [])) {
    addToCount(totals, e);
    if (++n % 2000 === 0) {
      await new Promise((r) => setImmediate(r));
      if (signal.aborted) return null;
    }
  }
  return totals;
}

function addToCount(totals: { files: number; bytes: number }, e: PlannedEntry): void {
  if (e.type !== 'file') return;
  totals.files++;
  totals.bytes += e.size >= 0 ? e.size : sizeOf(e.absPath);
}

/** A file's size for an estimate: 0 when it is gone (the backup will say so). */
function sizeOf(path: string): number {
  try {
    return lstatSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * What of ccmon's data folder stays out of its backups: the time series (large, and rebuilt by
 * scraping), backups, files being written, the last restore tests' results, and secrets, which
 * belong in the keychain or the 0600 store and not in copies (the dashboard's API token too).
 */
export const CCMON_STATE_EXCLUDE = [
  'tsdb',
  'tsdb/**',
  'tsdb.snapshot',
  'tsdb.snapshot.tmp-*',
  '*.partial',
  'backups',
  'backups/**',
  'secrets.json',
  'secrets.safestorage.json',
  'dashboard-token',
  // The last restore tests' results: restored from an old backup, they would claim old results.
  'backup/restore-tests.json',
  // Since when the sets are configured: this install's bookkeeping (module.ts), not state.
  'backup/sets.json',
];

/** One walk of a run: a directory source, or ccmon's data folder or config file. */
interface Walk {
  src: BackupSourceConfig;
  kind: 'directory' | 'ccmon';
  name?: string;
}

function walksOf(opts: CreateBackupOptions): Walk[] {
  const walks: Walk[] = opts.set.sources.map((src) => ({ src, kind: 'directory' }));
  const ccmon = opts.set.ccmonState ? opts.ccmon : undefined;
  if (ccmon) {
    const data = { path: ccmon.dataDir, include: [], exclude: CCMON_STATE_EXCLUDE };
    walks.push({ src: data, kind: 'ccmon', name: 'ccmon data' });
    if (ccmon.configFile) {
      const cfg = { path: ccmon.configFile, include: [], exclude: [] };
      walks.push({ src: cfg, kind: 'ccmon', name: 'ccmon config' });
    }
  }
  return walks;
}

/** The folder a source stands for (sourceRoot), or null when it does not exist. */
function rootOrNull(path: string): string | null {
  try {
    return sourceRoot(path).root;
  } catch {
    return null;
  }
}

/**
 * Dumps first, then each directory source as it is walked, then ccmon's own state. Every entry is
 * archived once, however the sources overlap: a source nested in another (/var/log and
 * /var/log/claude-code, or ccmon's data folder inside a source) is left out of the outer walk and
 * walked on its own, with its own globs, and a folder listed twice is walked once. Two entries of
 * one path made the archive unusable: verify and restore refuse duplicates, as they must. The
 * backup folder is left out of every walk: archives must not contain the archives. So are
 * symlinks pointing out of the backed-up folders, which a restore would refuse.
 */
export function* plannedEntries(
  opts: CreateBackupOptions,
  dumps: PlannedEntry[],
  sources: ManifestSource[],
  warnings: string[],
): Generator<PlannedEntry> {
  yield* dumps;
  const walks = walksOf(opts);
  const roots = walks.map((w) => rootOrNull(w.src.path));
  const backupDir = normalRoot(opts.backupDir);
  // The folders a restore of this backup writes into, as its safety check sees them.
  const restored = walks.map((w, i) =>
    archivePathOf(roots[i] ?? normalRoot(w.src.path)).replace(/\/+$/, ''),
  );
  for (const [i, w] of walks.entries()) {
    const root = roots[i]!;
    const first = root === null ? i : roots.indexOf(root);
    if (first !== i) {
      if (w.kind === 'directory')
        pushWarning(
          warnings,
          `source ${w.src.path} is ${walks[first]!.src.path} again; archived once`,
        );
      continue;
    }
    const skip = new Set([backupDir]);
    if (root !== null) for (const r of roots) if (r !== null && isBelow(r, root)) skip.add(r);
    const walk = walkDirectorySource(w.src, w.kind, skip);
    if (w.name) walk.report.name = w.name;
    sources.push(walk.report);
    for (const e of walk.entries) {
      // A link out of the backed-up folders (/etc/localtime → /usr/share/zoneinfo/…) is one a
      // restore refuses, and with it the whole archive: it is left out, and the warning says how
      // to make it again.
      if (e.type === 'symlink' && !linkStaysInside(e.archivePath, e.link ?? '', restored)) {
        pushWarning(
          warnings,
          `${e.absPath}: a symlink to ${e.link}, outside the backed-up folders; not archived, as a restore refuses such links (to make it again: ln -s '${e.link}' '${e.absPath}')`,
        );
        continue;
      }
      yield e;
    }
    for (const warning of walk.warnings) pushWarning(warnings, warning);
    if (w.kind === 'directory' && walk.report.status === 'missing')
      pushWarning(warnings, `source ${w.src.path} does not exist; skipped`);
  }
}

/**
 * Why a backup of this set would hold none of what it is for: every directory source it names is
 * missing (a mount that is not there, a typo), and it has no dump. Null when it has something.
 * restic fails such a run too: an archive of nothing, kept by a keepLast policy, would push the
 * last good backups out.
 */
export function nothingToBackUp(opts: CreateBackupOptions): string | null {
  const { sources, database, redis } = opts.set;
  if (sources.length === 0 || database || redis) return null;
  if (sources.some((s) => rootOrNull(s.path) !== null)) return null;
  const list = sources.map((s) => s.path).join(', ');
  return sources.length === 1
    ? `nothing to back up: the source ${list} does not exist`
    : `nothing to back up: none of the sources exists (${list})`;
}

export async function addDumps(
  opts: CreateBackupOptions,
  staging: string,
  sources: ManifestSource[],
): Promise<PlannedEntry[]> {
  const entries: PlannedEntry[] = [];
  const add = (kind: 'database' | 'redis', name: string, r: DumpResult) => {
    const archivePath = DUMP_PREFIX + basename(r.file);
    sources.push({
      name,
      kind,
      origin: r.origin,
      status: 'ok',
      message: '',
      files: 1,
      bytes: r.size,
      archivePath,
    });
    const now = Date.now();
    entries.push({
      archivePath,
      absPath: r.file,
      type: 'file',
      size: r.size,
      mode: 0o600,
      mtimeMs: now,
      uid: 0,
      gid: 0,
      source: name,
      tally: null,
    });
  };
  if (opts.set.database || opts.set.redis)
    opts.onProgress?.({ phase: 'dumping', files: 0, bytes: 0 });
  if (opts.set.database)
    add('database', 'database', await dumpDatabase(opts.set.database, staging, opts.signal));
  if (opts.set.redis)
    add('redis', 'redis', await snapshotRedis(opts.set.redis, staging, opts.signal));
  return entries;
}
