/**
 * What a backup run archives, in order: the dumps (taken first, into the staging folder), then each
 * directory source as it is walked, then ccmon's own state. Everything is a lazy sequence, so the
 * walk runs as the archive is written and nothing grows with the file count.
 */
import { basename, relative, resolve, sep } from 'node:path';
import type { CreateBackupOptions } from './create.js';
import { dumpDatabase, snapshotRedis, type DumpResult } from './dumps.js';
import { DUMP_PREFIX, type ManifestSource } from './manifest.js';
import { pushWarning, walkDirectorySource, type PlannedEntry } from './sources.js';

/** Files and bytes a run will archive, from a walk that keeps nothing. */
export function countSources(
  opts: CreateBackupOptions,
  dumps: PlannedEntry[],
): { files: number; bytes: number } {
  const totals = { files: 0, bytes: 0 };
  for (const e of plannedEntries(opts, dumps, [], [])) {
    if (e.type !== 'file') continue;
    totals.files++;
    totals.bytes += e.size;
  }
  return totals;
}

/** Dumps first, then each directory source as it is walked, then ccmon's own state. */
export function* plannedEntries(
  opts: CreateBackupOptions,
  dumps: PlannedEntry[],
  sources: ManifestSource[],
  warnings: string[],
): Generator<PlannedEntry> {
  yield* dumps;
  for (const src of opts.set.sources) {
    const walk = walkDirectorySource(src);
    sources.push(walk.report);
    yield* walk.entries;
    for (const w of walk.warnings) pushWarning(warnings, w);
    if (walk.report.status === 'missing')
      pushWarning(warnings, `source ${src.path} does not exist; skipped`);
  }
  if (opts.set.ccmonState && opts.ccmon)
    yield* ccmonStateEntries(opts.ccmon, opts.backupDir, sources, warnings);
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
    });
  };
  opts.onProgress?.({ phase: 'dumping', files: 0, bytes: 0 });
  if (opts.set.database)
    add('database', 'database', await dumpDatabase(opts.set.database, staging, opts.signal));
  if (opts.set.redis)
    add('redis', 'redis', await snapshotRedis(opts.set.redis, staging, opts.signal));
  return entries;
}

function* ccmonStateEntries(
  ccmon: NonNullable<CreateBackupOptions['ccmon']>,
  backupDir: string,
  sources: ManifestSource[],
  warnings: string[],
): Generator<PlannedEntry> {
  // Secrets stay out of archives (they belong in the keychain / the 0600 store, not in copies).
  const exclude = ['tsdb/**', 'tsdb', '*.partial', 'backups/**', 'backups', 'secrets.json'];
  const rel = relative(resolve(ccmon.dataDir), resolve(backupDir));
  if (rel && !rel.startsWith('..') && !rel.startsWith(sep))
    exclude.push(rel.split(sep).join('/'), `${rel.split(sep).join('/')}/**`);
  const data = walkDirectorySource({ path: ccmon.dataDir, include: [], exclude }, 'ccmon');
  data.report.name = 'ccmon data';
  sources.push(data.report);
  yield* data.entries;
  for (const w of data.warnings) pushWarning(warnings, w);
  if (ccmon.configFile) {
    const cfg = walkDirectorySource({ path: ccmon.configFile, include: [], exclude: [] }, 'ccmon');
    cfg.report.name = 'ccmon config';
    sources.push(cfg.report);
    yield* cfg.entries;
  }
}
