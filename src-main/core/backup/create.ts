/**
 * One backup run: snapshot the dumps into a staging folder, plan the directory sources, stream the
 * tar through the compressor (and the encryptor) into `<id>.<suffix>.partial`, fsync it, write the
 * sidecar manifest (fsynced, renamed), and only then rename the archive to its final name. Any
 * failure (full disk, a failed dump, kill) leaves nothing that looks complete; a failure we see
 * removes the partial files at once, and the next run removes what a kill left.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough, Readable, type Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import { VERSION } from '../version.js';
import { archiveStream, type ArchiveWriterState } from './archive-writer.js';
import { archiveSuffix, compressor, zstdToFile } from './compress.js';
import { crashPoint } from './crash-points.js';
import type { BackupConfig, BackupSetConfig } from './config.js';
import { EncryptStream, type PassphraseProvider } from './crypto.js';
import {
  MANIFEST_FORMAT,
  manifestText,
  type BackupManifest,
  type BackupSidecar,
  type ManifestSource,
} from './manifest.js';
import { ManifestSpool } from './manifest-spool.js';
import { TailHash } from './tail-hash.js';
import { addDumps, countSources, nothingToBackUp, plannedEntries } from './plan.js';
import type { PlannedEntry } from './sources.js';
import { writeAll } from './write-all.js';
import { lockBackupDir } from './backup-lock.js';
import {
  fsyncPath,
  PARTIAL_SUFFIX,
  SIDECAR_SUFFIX,
  SIDECAR_TEXT_SUFFIX,
  STAGING_PREFIX,
} from './backup-dir.js';

export type BackupKind = BackupManifest['kind'];

export interface CreateBackupOptions {
  set: BackupSetConfig;
  config: Pick<BackupConfig, 'compression' | 'level' | 'encryption'>;
  backupDir: string;
  /** ccmon's own state (data dir minus tsdb and backups, and the config file). */
  ccmon?: { dataDir: string; configFile: string | null };
  kind?: BackupKind;
  passphrase?: PassphraseProvider;
  onProgress?: (p: ProgressUpdate) => void;
  signal?: AbortSignal;
  /** The folder's backups as previousBackups() lists them; read here when not given. */
  previous?: PreviousBackups;
  /** The token of the folder's lock when the caller holds it for this run (backup-lock.ts). */
  heldLock?: string;
  /**
   * A first backup with progress counts its sources before archiving, for the ETA. False: the
   * caller counts them meanwhile (worker.ts), and the totals reported are the dumps' alone.
   */
  countFirst?: boolean;
}

/** What a run needs to know of earlier backups: ids taken, and the set's last totals (ETA). */
export interface PreviousBackups {
  ids: string[];
  totals: { files: number; bytes: number } | null;
}

/**
 * The backups already in `dir` (their sidecars are parsed with zod, store.ts: the backup worker
 * is handed this instead of loading it).
 */
export async function previousBackups(dir: string, set: string): Promise<PreviousBackups> {
  const { BackupStore } = await import('./store.js');
  const list = new BackupStore(dir).list();
  return {
    ids: list.map((b) => b.id),
    totals: list.find((b) => b.sidecar.set === set)?.sidecar.totals ?? null,
  };
}

export interface BackupResult {
  id: string;
  set: string;
  kind: BackupKind;
  archivePath: string;
  manifestPath: string;
  sizeBytes: number;
  files: number;
  bytes: number;
  durationSeconds: number;
  warnings: string[];
  sources: ManifestSource[];
}

/** The dumps' share of a run's totals (the rest is counted by the caller, see countFirst). */
function dumpTotals(dumps: PlannedEntry[]): { files: number; bytes: number } {
  return { files: dumps.length, bytes: dumps.reduce((sum, d) => sum + Math.max(d.size, 0), 0) };
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The backup folder's file system filled up (the partial archive was removed). */
export class BackupNoSpaceError extends BackupError {
  constructor(message: string) {
    super(message);
    this.name = 'BackupNoSpaceError';
  }
}

/** Whether a backup failed for want of space: its archive, or even its lock file, did not fit. */
export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return err instanceof BackupNoSpaceError || code === 'ENOSPC' || code === 'EDQUOT';
}

export async function createBackup(opts: CreateBackupOptions): Promise<BackupResult> {
  // A safety backup before a restore onto a new machine finds nothing there, and must not fail.
  const empty = opts.kind === 'safety' ? null : nothingToBackUp(opts);
  if (empty) throw new BackupError(empty);
  const t0 = performance.now();
  const createdAt = new Date();
  const lock = lockBackupDir(opts.backupDir, {
    held: opts.heldLock,
    what: `${opts.kind ?? 'manual'} backup of set '${opts.set.name}'`,
  });
  let previous: PreviousBackups;
  try {
    previous = opts.previous ?? (await previousBackups(opts.backupDir, opts.set.name));
  } catch (err) {
    lock.release();
    throw err;
  }
  const id = uniqueId(previous.ids, opts.set.name, createdAt);
  const encrypted = opts.config.encryption.enabled;
  const suffix = archiveSuffix(opts.config.compression, encrypted);
  const archivePath = join(opts.backupDir, id + suffix);
  const manifestPath = join(opts.backupDir, id + SIDECAR_SUFFIX);
  const staging = join(opts.backupDir, STAGING_PREFIX + id);
  const partial = archivePath + PARTIAL_SUFFIX;
  let written = 0;
  let committed = false;
  let spool: ManifestSpool | null = null;
  try {
    const passphrase = encrypted
      ? await requirePassphrase(opts.passphrase, opts.config.encryption.passphraseEnv)
      : null;
    mkdirSync(staging, { mode: 0o700 });
    spool = new ManifestSpool(join(staging, 'files.json'));
    const sources: ManifestSource[] = [];
    const warnings = lock.removed.map((n) => `removed leftover of an interrupted run: ${n}`);
    const dumps = await addDumps(opts, staging, sources);
    // The same set's previous backup sizes the progress bar (ETA) without walking the tree twice;
    // a first backup counts first (one more lstat per file, nothing kept).
    const last =
      previous.totals ??
      (!opts.onProgress
        ? undefined
        : opts.countFirst === false
          ? dumpTotals(dumps)
          : countSources(opts, dumps));
    const state: ArchiveWriterState = { spool, warnings, filesDone: 0, bytesDone: 0 };
    let header: Omit<BackupManifest, 'files'> | null = null;
    const s = spool;
    const tar = Readable.from(
      archiveStream({
        entries: plannedEntries(opts, dumps, sources, warnings),
        totalFiles: last?.files,
        totalBytes: last?.bytes,
        state,
        onProgress: opts.onProgress,
        signal: opts.signal,
        finish: () => {
          s.finish();
          header = buildHeader(opts, id, createdAt, t0, sources, state, encrypted);
          return {
            json: s.manifestJson(header),
            text: manifestText(header, basename(archivePath)),
          };
        },
      }),
      { objectMode: false, highWaterMark: 1 },
    );
    const archive = await writeArchive(tar, partial, opts, passphrase);
    written = archive.sizeBytes;
    const m = header as Omit<BackupManifest, 'files'> | null;
    if (!m) throw new BackupError('internal: the archive ended without its manifest');
    const sidecar: Omit<BackupSidecar, 'files'> = {
      ...m,
      archive: { name: basename(archivePath), ...archive },
    };
    atomicWrite(manifestPath, spool.sidecarJson(sidecar, !encrypted).chunks());
    atomicWrite(manifestPath.slice(0, -SIDECAR_SUFFIX.length) + SIDECAR_TEXT_SUFFIX, [
      Buffer.from(manifestText(m, basename(archivePath))),
    ]);
    crashPoint('backup-before-commit');
    renameSync(partial, archivePath); // the commit point
    committed = true;
    fsyncPath(opts.backupDir);
    return {
      id,
      set: opts.set.name,
      kind: m.kind,
      archivePath,
      manifestPath,
      sizeBytes: written,
      files: m.totals.files,
      bytes: m.totals.bytes,
      durationSeconds: m.durationSeconds,
      warnings: m.warnings,
      sources: m.sources,
    };
  } catch (err) {
    // What the full disk took before it refused: the partial archive's size, as it is removed.
    written ||= statSync(partial, { throwIfNoEntry: false })?.size ?? 0;
    rmSync(partial, { force: true });
    // Sidecars written before the failure (a disk that filled between the two) go too, unless
    // the archive was already committed: they are what lists it.
    const text = manifestPath.slice(0, -SIDECAR_SUFFIX.length) + SIDECAR_TEXT_SUFFIX;
    for (const f of committed ? [] : [manifestPath, text])
      for (const p of [f, f + PARTIAL_SUFFIX]) rmSync(p, { force: true });
    throw explain(err as NodeJS.ErrnoException, opts.backupDir, written);
  } finally {
    spool?.close();
    rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

/**
 * tar → compressor (→ encryption) → `partial`, fsynced; returns the archive's size and sha256.
 * Plain zstd writes the file itself (compress.ts: zstdToFile), hashed as it grows (tail-hash.ts).
 */
async function writeArchive(
  tar: Readable,
  partial: string,
  opts: CreateBackupOptions,
  passphrase: string | null,
): Promise<{ sizeBytes: number; sha256: string }> {
  const { compression, level } = opts.config;
  if (compression === 'zstd' && !passphrase) {
    const fd = openSync(partial, 'wx', 0o600);
    const tail = new TailHash(partial);
    try {
      await pipeline(
        tar,
        zstdToFile(fd, level, () => tail.catchUp()),
        { signal: opts.signal },
      );
      fsyncPath(partial);
      return tail.finish();
    } finally {
      tail.close();
    }
  }
  let written = 0;
  const archiveHash = createHash('sha256');
  const counter = new PassThrough();
  counter.on('data', (c: Buffer) => {
    archiveHash.update(c);
    written += c.length;
  });
  const stages: Duplex[] = [compressor(compression, level)];
  if (passphrase) stages.push(new EncryptStream(passphrase));
  await pipeline(
    [tar, ...stages, counter, createWriteStream(partial, { flags: 'wx', mode: 0o600 })],
    { signal: opts.signal },
  );
  fsyncPath(partial);
  return { sizeBytes: written, sha256: archiveHash.digest('hex') };
}

function buildHeader(
  opts: CreateBackupOptions,
  id: string,
  createdAt: Date,
  t0: number,
  sources: ManifestSource[],
  state: ArchiveWriterState,
  encrypted: boolean,
): Omit<BackupManifest, 'files'> {
  const { counts } = state.spool;
  return {
    format: MANIFEST_FORMAT,
    id,
    set: opts.set.name,
    kind: opts.kind ?? 'manual',
    tool: { name: 'ccmon', version: VERSION },
    host: { hostname: hostname(), platform: process.platform, arch: process.arch },
    createdAt: createdAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationSeconds: Math.round(performance.now() - t0) / 1000,
    compression: opts.config.compression,
    encrypted,
    sources,
    totals: {
      files: counts.file,
      dirs: counts.dir,
      symlinks: counts.symlink,
      bytes: state.bytesDone,
    },
    warnings: state.warnings,
  };
}

/** `<set>-YYYYMMDDTHHMMSSZ`, with `-2`, `-3` … when a backup of that second exists. */
function uniqueId(existing: string[], set: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const taken = new Set(existing);
  let id = `${set}-${stamp}`;
  for (let n = 2; taken.has(id); n++) id = `${set}-${stamp}-${n}`;
  return id;
}

function atomicWrite(path: string, chunks: Iterable<Buffer>): void {
  const tmp = path + PARTIAL_SUFFIX;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    for (const c of chunks) writeAll(fd, c);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export async function requirePassphrase(
  provider: PassphraseProvider | undefined,
  env: string,
): Promise<string> {
  const p = provider ? await provider() : process.env[env];
  if (!p)
    throw new BackupError(
      `backup encryption is on but no passphrase is available (set ${env}, or store it in the tray app's keychain)`,
    );
  return p;
}

function explain(err: NodeJS.ErrnoException, dir: string, written: number): Error {
  if (err.code === 'ENOSPC' || /ENOSPC|no space/i.test(err.message))
    return new BackupNoSpaceError(
      `backup failed: no space left on the device holding ${dir} after writing ${(written / 1048576).toFixed(1)} MiB; ` +
        'the partial archive was removed. Free space, prune old backups or set backup.directory elsewhere.',
    );
  if (err.code === 'EACCES')
    return new BackupError(`backup failed: permission denied: ${err.path ?? err.message}`);
  if (err.name === 'AbortError')
    return new BackupError('backup cancelled; the partial archive was removed');
  return err instanceof BackupError ? err : new BackupError(`backup failed: ${err.message}`);
}
