/**
 * What changed between two backups (`ccmon diff`, as `restic diff` shows it): entries added,
 * removed, changed in content (or type, or a symlink's target), or changed only in their mode,
 * owner or time. Both file lists are streamed; what is kept of the older one is three 53-bit
 * hashes per entry (path, content, metadata: 24 bytes, so 300,000 entries take ~7 MB), never its
 * paths. Two different paths with one hash (odds ~1 in 10^5 for two lists of 300,000) would show
 * as one entry changed instead of one added and one removed: a listing's risk, never a restore's.
 */
import type { BackupChangeEntry, BackupChanges, BackupComparison, ChangeKind } from './contract.js';
import { livePath, within } from './destination.js';
import type { ManifestFile } from './manifest.js';
import { entryCount, indexOfSorted, pathHash } from './path-set.js';
import { notInBackup, type Manifest } from './restore-manifest.js';

/** What a comparison reads of a backup: its id, sources, file list and totals (to size its index). */
export type ComparedList = Pick<Manifest, 'id' | 'sources' | 'files'> &
  Partial<Pick<Manifest, 'totals'>>;

/** Changes listed on one page of compareForPage; the rest are counted. */
export const CHANGES_LIMIT = 500;

export interface BackupChange {
  kind: ChangeKind;
  /** The entry as the newer backup lists it (the older one's for a removal). */
  entry: ManifestFile;
}

/**
 * Hands `each` every change from backup `a` to backup `b` at or below archive path `below` (null:
 * all): additions and changes in `b`'s order, then removals in `a`'s. A path neither backup has is
 * a NotInBackupError naming the folders the newer one has.
 */
export async function compareBackups(
  a: ComparedList,
  b: ComparedList,
  below: string | null,
  each: (c: BackupChange) => Promise<void> | void,
): Promise<BackupComparison> {
  const keep = below === null ? undefined : (p: string) => within(below, p);
  const older = new EntryIndex(entryCount(a.totals));
  for (const f of a.files(keep)) older.add(f);
  const r: BackupComparison = {
    from: a.id,
    to: b.id,
    counts: { added: 0, removed: 0, changed: 0, metadata: 0, unchanged: 0 },
    bytes: { added: 0, removed: 0 },
  };
  for (const f of b.files(keep)) {
    const at = older.find(f.path);
    if (at < 0) {
      r.counts.added++;
      r.bytes.added += f.type === 'file' ? f.size : 0;
      await each({ kind: '+', entry: f });
    } else if (older.content[at] !== contentHash(f)) {
      r.counts.changed++;
      await each({ kind: 'M', entry: f });
    } else if (older.meta[at] !== metaHash(f)) {
      r.counts.metadata++;
      await each({ kind: 'U', entry: f });
    } else r.counts.unchanged++;
  }
  for (const f of a.files(keep)) {
    if (older.seen(f.path)) continue;
    r.counts.removed++;
    r.bytes.removed += f.type === 'file' ? f.size : 0;
    await each({ kind: '-', entry: f });
  }
  // Nothing below it in either: a mistyped path would otherwise read as "no change".
  if (below !== null && older.size === 0 && r.counts.added === 0) throw notInBackup(b, [below]);
  return r;
}

/**
 * A page of the changes from `a` to `b` (the dashboard's, AgentApi backup.changes): `limit` from
 * `offset` on, each by the path it was backed up from, with the counts of all. The comparison runs
 * whole for each page, as a folder's page reads the whole list (browse.ts), and keeps the page.
 */
export async function compareForPage(
  a: ComparedList,
  b: ComparedList,
  below: string | null,
  { offset = 0, limit = CHANGES_LIMIT }: { offset?: number; limit?: number } = {},
): Promise<BackupChanges> {
  const changes: BackupChangeEntry[] = [];
  let total = 0;
  const r = await compareBackups(a, b, below, ({ kind, entry: e }) => {
    if (total++ >= offset && changes.length < limit)
      changes.push({
        change: kind,
        path: livePath(e.path),
        type: e.type,
        size: e.size,
        mtime: e.mtime,
      });
  });
  return { ...r, changes, offset, limit, total };
}

/** What makes two entries' data the same: type, bytes (their sha256), a symlink's target. */
const contentHash = (f: ManifestFile) =>
  pathHash(`${f.type}\0${f.sha256 ?? ''}\0${f.link ?? ''}\0${f.type === 'file' ? f.size : 0}`);

/** Mode, owner and time; a folder's time is left out: it moves whenever what it holds does. */
const metaHash = (f: ManifestFile) =>
  pathHash(`${f.mode}\0${f.uid}\0${f.gid}\0${f.type === 'dir' ? '' : f.mtime}`);

/** The older list's entries as hashes, sorted by path hash, each marked once found. */
class EntryIndex {
  private paths: Float64Array;
  content: Float64Array;
  meta: Float64Array;
  private found = new Uint8Array(0);
  size = 0;
  private sorted = true;

  constructor(expected: number) {
    const n = Math.max(expected, 1024);
    this.paths = new Float64Array(n);
    this.content = new Float64Array(n);
    this.meta = new Float64Array(n);
  }

  add(f: ManifestFile): void {
    if (this.size === this.paths.length) this.grow();
    this.paths[this.size] = pathHash(f.path);
    this.content[this.size] = contentHash(f);
    this.meta[this.size] = metaHash(f);
    this.size++;
    this.sorted = false;
  }

  /** The entry's slot, marked found, or -1. */
  find(path: string): number {
    const at = this.slot(path);
    if (at >= 0) this.found[at] = 1;
    return at;
  }

  /** Whether find() found this path. */
  seen(path: string): boolean {
    const at = this.slot(path);
    return at >= 0 && this.found[at] === 1;
  }

  private slot(path: string): number {
    this.seal();
    return indexOfSorted(this.paths, this.size, pathHash(path));
  }

  /** Sorts the three arrays together by path hash, once, before the first lookup. */
  private seal(): void {
    if (this.sorted) return;
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    order.sort((x, y) => this.paths[x]! - this.paths[y]!);
    const pick = (from: Float64Array) => {
      const out = new Float64Array(this.size);
      for (let i = 0; i < this.size; i++) out[i] = from[order[i]!]!;
      return out;
    };
    this.paths = pick(this.paths);
    this.content = pick(this.content);
    this.meta = pick(this.meta);
    this.found = new Uint8Array(this.size);
    this.sorted = true;
  }

  private grow(): void {
    const twice = (from: Float64Array) => {
      const out = new Float64Array(from.length * 2);
      out.set(from);
      return out;
    };
    this.paths = twice(this.paths);
    this.content = twice(this.content);
    this.meta = twice(this.meta);
  }
}
