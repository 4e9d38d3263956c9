/**
 * The backup folder: which backups are complete (their sidecars parsed with zod); its lock is
 * backup-lock.ts and its names backup-dir.ts (a backup's worker uses both without zod). A backup
 * is complete when its archive has its final name; that rename is the last step of a run, after
 * the archive and its manifest were fsynced, so a crash at any point leaves only `*.partial` files
 * and a `.staging-*` folder, which the next run removes.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { BackupSummary } from './contract.js';
import type { BackupSidecar } from './manifest.js';
import { parseSidecar } from './manifest-schema.js';
import { SIDECAR_FILES_MARKER } from './manifest-spool.js';
import { SIDECAR_SUFFIX, SIDECAR_TEXT_SUFFIX } from './backup-dir.js';

export { BackupBusyError } from './backup-lock.js';
export {
  fsyncPath,
  PARTIAL_SUFFIX,
  RESTORE_TMP_PREFIX,
  restoreWorkDir,
  SIDECAR_SUFFIX,
  SIDECAR_TEXT_SUFFIX,
  STAGING_PREFIX,
} from './backup-dir.js';
const ARCHIVE_RE = /\.tar\.(gz|zst)(\.enc)?$/;

export interface BackupRecord {
  id: string;
  archivePath: string;
  manifestPath: string;
  sidecar: BackupSidecar;
}

/** A set's last successful backup, as the exporter gives it. */
export interface LastSuccess {
  timestampSeconds: number;
  durationSeconds: number;
  sizeBytes: number;
}

/**
 * Each set's last success as the backups in the folder tell it (`records` newest first, as
 * BackupStore#list gives them): the exporter's state at the agent's start. A safety backup is no
 * set's success.
 */
export function lastSuccesses(records: BackupRecord[]): Map<string, LastSuccess> {
  const last = new Map<string, LastSuccess>();
  for (const r of records) {
    if (r.sidecar.kind === 'safety' || last.has(r.sidecar.set)) continue;
    last.set(r.sidecar.set, {
      timestampSeconds: Date.parse(r.sidecar.finishedAt) / 1000,
      durationSeconds: r.sidecar.durationSeconds,
      sizeBytes: r.sidecar.archive.sizeBytes,
    });
  }
  return last;
}

/** A record as the AgentApi and the CLI list it (`ccmon backups`, `backup.list`). */
export function summaryOf(r: BackupRecord): BackupSummary {
  const s: BackupSidecar = r.sidecar;
  return {
    id: s.id,
    set: s.set,
    kind: s.kind,
    createdAt: s.createdAt,
    archivePath: r.archivePath,
    sizeBytes: s.archive.sizeBytes,
    files: s.totals.files,
    bytes: s.totals.bytes,
    durationSeconds: s.durationSeconds,
    compression: s.compression,
    encrypted: s.encrypted,
    warnings: s.warnings,
    sources: s.sources.map(({ name, kind, status, message, files, bytes }) => ({
      name,
      kind,
      status,
      message,
      files,
      bytes,
    })),
  };
}

export class BackupStore {
  constructor(readonly dir: string) {}

  /**
   * Complete backups, newest first, with their sidecar's header only (`files` is null: listing
   * must not parse every file of every backup). Sidecars that fail to parse are skipped (and
   * reported).
   */
  list(problems: string[] = []): BackupRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: BackupRecord[] = [];
    for (const name of names) {
      if (!name.endsWith(SIDECAR_SUFFIX) || name.startsWith('.')) continue;
      const manifestPath = join(this.dir, name);
      try {
        const sidecar = readSidecarHeader(manifestPath);
        const archivePath = join(this.dir, sidecar.archive.name);
        if (!existsSync(archivePath)) continue; // interrupted before the final rename
        out.push({ id: sidecar.id, archivePath, manifestPath, sidecar });
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    return out.sort(
      (a, b) => b.sidecar.createdAt.localeCompare(a.sidecar.createdAt) || b.id.localeCompare(a.id),
    );
  }

  /**
   * A backup by id (or unique id prefix), `latest` / `latest:SET` (restic's word for the newest),
   * or an archive file path anywhere, with its full sidecar (the file list included) unless `files`
   * is false.
   */
  resolve(
    ref: string,
    opts: { files?: boolean } = {},
  ): {
    archivePath: string;
    sidecar: BackupSidecar | null;
    manifestPath: string | null;
  } {
    const latest = /^latest(?::(.+))?$/.exec(ref);
    // No id holds a path separator (set names are [a-z0-9_-]): such a ref is an archive file, found
    // without reading every sidecar of the folder. Restore and ls hand back the archive they
    // resolved and confirmed, so they do not list the folder twice.
    const all = latest || !/[\\/]/.test(ref) ? this.list() : [];
    if (latest) return this.withSidecar(this.latest(all, latest[1]), opts);
    const byId = all.filter((r) => r.id === ref);
    const matches = byId.length ? byId : all.filter((r) => r.id.startsWith(ref));
    if (matches.length === 1) return this.withSidecar(matches[0]!, opts);
    if (matches.length > 1) {
      // A set's name is a prefix of all its ids: say how to ask for its newest.
      const isSet = matches.some((m) => m.sidecar.set === ref);
      throw new BackupNotFoundError(
        `'${ref}' matches ${matches.length} backups: ${matches.map((m) => m.id).join(', ')}` +
          (isSet ? ` (the newest of set '${ref}': latest:${ref})` : ''),
      );
    }
    const file = resolve(ref);
    if (existsSync(file) && statSync(file).isFile()) {
      const manifestPath = join(
        dirname(file),
        basename(file).replace(ARCHIVE_RE, '') + SIDECAR_SUFFIX,
      );
      let sidecar: BackupSidecar | null = null;
      if (ARCHIVE_RE.test(file) && existsSync(manifestPath))
        sidecar =
          opts.files === false
            ? readSidecarHeader(manifestPath)
            : parseSidecar(readFileSync(manifestPath, 'utf8'), manifestPath);
      return { archivePath: file, sidecar, manifestPath: sidecar ? manifestPath : null };
    }
    throw new BackupNotFoundError(
      `no backup '${ref}' in ${this.dir} and no such archive file (see 'ccmon backups')`,
    );
  }

  /**
   * The newest backup, of `set` when given. Safety backups (the state a restore replaced) are left
   * out: after a restore, "latest" still means the newest backup taken, not the state it undid; a
   * safety backup is chosen by its id. Without a set, backups of several sets make `latest`
   * ambiguous: a restore of the wrong set is refused rather than guessed.
   */
  private latest(all: BackupRecord[], set: string | undefined): BackupRecord {
    const taken = all.filter((r) => r.sidecar.kind !== 'safety');
    const sets = [...new Set(taken.map((r) => r.sidecar.set))].sort();
    if (set === undefined && sets.length > 1)
      throw new BackupNotFoundError(
        `'latest' is ambiguous: ${this.dir} holds backups of ${sets.length} sets (${sets.join(', ')}); say which, as latest:${sets[0]}`,
      );
    const newest = set === undefined ? taken[0] : taken.find((r) => r.sidecar.set === set);
    if (newest) return newest; // list() is newest first
    const what = set === undefined ? 'backup' : `backup of set '${set}'`;
    const others =
      set !== undefined && sets.length ? `; sets with backups: ${sets.join(', ')}` : '';
    const safety = all.length > taken.length ? ' (safety backups are chosen by id)' : '';
    throw new BackupNotFoundError(`no ${what} in ${this.dir}${others}${safety}`);
  }

  /** A listed backup with its sidecar: the full one (every file) unless `files` is false. */
  private withSidecar(
    r: BackupRecord,
    opts: { files?: boolean },
  ): { archivePath: string; sidecar: BackupSidecar; manifestPath: string } {
    const sidecar =
      opts.files === false
        ? r.sidecar
        : parseSidecar(readFileSync(r.manifestPath, 'utf8'), r.manifestPath);
    return { archivePath: r.archivePath, sidecar, manifestPath: r.manifestPath };
  }

  /** Delete one backup's files (archive last, so a half-deleted backup is never listed). */
  remove(record: Pick<BackupRecord, 'archivePath' | 'manifestPath'>): void {
    const base = record.manifestPath.slice(0, -SIDECAR_SUFFIX.length);
    rmSync(record.manifestPath, { force: true });
    rmSync(base + SIDECAR_TEXT_SUFFIX, { force: true });
    unlinkSync(record.archivePath);
  }
}

export class BackupNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupNotFoundError';
  }
}

/**
 * A sidecar without its file list: the list comes last (manifest-spool.ts), so only the bytes
 * before it are read and parsed. A sidecar in another layout (older, hand-made) is parsed whole.
 */
export function readSidecarHeader(path: string): BackupSidecar {
  const fd = openSync(path, 'r');
  try {
    let head = '';
    const buf = Buffer.allocUnsafe(HEAD_CHUNK);
    const utf8 = new StringDecoder('utf8'); // a character split across two reads stays whole
    for (let pos = 0; ;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      head += utf8.write(buf.subarray(0, n));
      pos += n;
      const at = head.indexOf(SIDECAR_FILES_MARKER);
      if (at >= 0) {
        try {
          return parseSidecar(`${head.slice(0, at)}${SIDECAR_FILES_MARKER}null}`, path);
        } catch {
          break; // not our layout after all: parse the whole file below
        }
      }
      if (n === 0 || pos >= HEAD_LIMIT) break;
    }
  } finally {
    closeSync(fd);
  }
  const full = parseSidecar(readFileSync(path, 'utf8'), path);
  return { ...full, files: null };
}
const HEAD_CHUNK = 16 * 1024;
/** Headers are a few KiB (sources, warnings); past this the file is parsed whole. */
const HEAD_LIMIT = 4 * 1024 * 1024;
