/**
 * What changed between two backups (`ccmon diff`, as `restic diff` shows it): entries added,
 * removed, changed in content (or type, or a symlink's target), or changed only in their mode,
 * owner or time. Both file lists are streamed; what is kept of them is a few 53-bit hashes and
 * numbers per entry (~50 bytes, so two lists of 300,000 entries take ~15 MB), never their paths.
 * Two different paths with one hash (odds ~1 in 10^5 for two lists of 300,000) would show as one
 * entry changed instead of one added and one removed: a listing's risk, never a restore's.
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
 * all), in the order of the lists (Comparison.changes). A path neither backup has is a
 * NotInBackupError naming the folders the newer one has.
 */
export async function compareBackups(
  a: ComparedList,
  b: ComparedList,
  below: string | null,
  each: (c: BackupChange) => Promise<void> | void,
): Promise<BackupComparison> {
  const comparison = new Comparison(a, b, below);
  for (const change of comparison.changes()) await each(change);
  return comparison.result;
}

/**
 * A page of the changes from `a` to `b` (the dashboard's, AgentApi backup.changes): `limit` from
 * `offset` on, each by the path it was backed up from, with the counts of all. The lists are read
 * only as far as the page's last change.
 */
export async function compareForPage(
  a: ComparedList,
  b: ComparedList,
  below: string | null,
  page: { offset?: number; limit?: number } = {},
): Promise<BackupChanges> {
  return (await pageOfChanges(a, b, below, page)).changes;
}

/**
 * What a comparison learnt from reading both lists whole: enough to list any page of it again
 * without hashing or indexing (5 bytes per entry), for the next page of the same two backups.
 */
export interface ComparisonState {
  result: BackupComparison;
  kinds: Uint8Array;
  newerAt: Int32Array;
}

/** A page of changes and what the comparison learnt for the next page. */
export interface ChangesPage {
  changes: BackupChanges;
  state: ComparisonState;
}

/** compareForPage, from a `known` state of the same two lists and path when there is one. */
export async function pageOfChanges(
  a: ComparedList,
  b: ComparedList,
  below: string | null,
  { offset = 0, limit = CHANGES_LIMIT }: { offset?: number; limit?: number } = {},
  known?: ComparisonState | null,
): Promise<ChangesPage> {
  const comparison = new Comparison(a, b, below, known);
  const changes: BackupChangeEntry[] = [];
  let at = 0;
  if (limit > 0)
    for (const { kind, entry: e } of comparison.changes()) {
      if (at++ < offset) continue;
      changes.push({
        change: kind,
        path: livePath(e.path),
        type: e.type,
        size: e.size,
        mtime: e.mtime,
      });
      if (changes.length === limit) break;
    }
  const { added, removed, changed, metadata } = comparison.result.counts;
  const total = added + removed + changed + metadata;
  return {
    changes: { ...comparison.result, changes, offset, limit, total },
    state: comparison.state,
  };
}

/** What makes two entries' data the same: type, bytes (their sha256), a symlink's target. */
const contentHash = (f: ManifestFile) =>
  pathHash(`${f.type}\0${f.sha256 ?? ''}\0${f.link ?? ''}\0${f.type === 'file' ? f.size : 0}`);

/** Mode, owner and time; a folder's time is left out: it moves whenever what it holds does. */
const metaHash = (f: ManifestFile) =>
  pathHash(`${f.mode}\0${f.uid}\0${f.gid}\0${f.type === 'dir' ? '' : f.mtime}`);

const fileBytes = (f: ManifestFile) => (f.type === 'file' ? f.size : 0);

/**
 * Two lists compared: the counts on construction (reading `a`, then `b`), the changes on demand.
 * Changes come in the newer list's order, each removal where the older list had it: after the
 * entry before it there, and among the entries only the newer has by path. Both lists come from
 * the same sorted walk, so this is path order, as restic's, without sorting or holding any path.
 */
class Comparison {
  readonly result: BackupComparison;
  private readonly keep: ((path: string) => boolean) | undefined;
  /** Of each entry of the newer list, by its position: how it changed (KINDS). */
  private kinds: Uint8Array;
  /** Of each entry of the older list, by its position: the newer's position of its path, or -1. */
  private readonly newerAt: Int32Array;

  constructor(
    private readonly a: ComparedList,
    private readonly b: ComparedList,
    below: string | null,
    known?: ComparisonState | null,
  ) {
    this.keep = below === null ? undefined : (p: string) => within(below, p);
    if (known) {
      ({ result: this.result, kinds: this.kinds, newerAt: this.newerAt } = known);
      return;
    }
    const older = new HashedColumns(entryCount(a.totals), 4);
    let position = 0;
    for (const f of a.files(this.keep))
      older.add(pathHash(f.path), contentHash(f), metaHash(f), fileBytes(f), position++);
    this.newerAt = new Int32Array(older.size).fill(-1);
    this.kinds = new Uint8Array(Math.max(entryCount(b.totals), 1024));
    const counts = { added: 0, removed: 0, changed: 0, metadata: 0, unchanged: 0 };
    const bytes = { added: 0, removed: 0 };
    position = 0;
    for (const f of b.files(this.keep)) {
      const at = older.slot(pathHash(f.path));
      let kind = UNCHANGED;
      if (at < 0) {
        kind = ADDED;
        counts.added++;
        bytes.added += fileBytes(f);
      } else {
        this.newerAt[older.column(POSITION)[at]!] = position;
        if (older.column(CONTENT)[at] !== contentHash(f)) kind = CHANGED;
        else if (older.column(META)[at] !== metaHash(f)) kind = METADATA;
        if (kind === CHANGED) counts.changed++;
        else if (kind === METADATA) counts.metadata++;
        else counts.unchanged++;
      }
      if (position === this.kinds.length) this.kinds = twice(this.kinds);
      this.kinds[position++] = kind;
    }
    for (let slot = 0; slot < older.size; slot++)
      if (this.newerAt[older.column(POSITION)[slot]!] === -1) {
        counts.removed++;
        bytes.removed += older.column(BYTES)[slot]!;
      }
    // Nothing below it in either: a mistyped path would otherwise read as "no change".
    if (below !== null && older.size === 0 && counts.added === 0) throw notInBackup(b, [below]);
    this.result = { from: a.id, to: b.id, counts, bytes };
  }

  get state(): ComparisonState {
    return { result: this.result, kinds: this.kinds, newerAt: this.newerAt };
  }

  /**
   * Every change, reading the lists again (without hashing: the positions say what changed) only
   * as far as the consumer takes them.
   */
  *changes(): Generator<BackupChange> {
    const { added, changed, metadata } = this.result.counts;
    let left = added + changed + metadata;
    const removals = this.removals();
    try {
      let next = removals.next();
      let position = 0;
      if (left > 0)
        for (const f of this.b.files(this.keep)) {
          const kind = this.kinds[position]!;
          // Before an entry both have, or an added one that comes after it in the walk.
          for (
            ;
            !next.done &&
            next.value.after < position &&
            (kind !== ADDED || walksBefore(next.value.entry.path, f.path));
            next = removals.next()
          )
            yield { kind: '-', entry: next.value.entry };
          position++;
          if (kind === UNCHANGED) continue;
          yield { kind: KINDS[kind]!, entry: f };
          if (--left === 0) break;
        }
      for (; !next.done; next = removals.next()) yield { kind: '-', entry: next.value.entry };
    } finally {
      removals.return(undefined);
    }
  }

  /**
   * The older list's entries the newer lacks, each with the newer's position of the last entry
   * before it that both have (-1: none).
   */
  private *removals(): Generator<{ after: number; entry: ManifestFile }> {
    let left = this.result.counts.removed;
    if (left === 0) return;
    let after = -1;
    let position = 0;
    for (const f of this.a.files(this.keep)) {
      const at = this.newerAt[position++]!;
      if (at >= 0) after = at;
      else {
        yield { after, entry: f };
        if (--left === 0) return;
      }
    }
  }
}

/** The older list's columns (HashedColumns). */
const CONTENT = 0;
const META = 1;
const BYTES = 2;
const POSITION = 3;

/** How an entry of the newer list changed, as Comparison.kinds holds it. */
const UNCHANGED = 0;
const ADDED = 1;
const CHANGED = 2;
const METADATA = 3;
const KINDS: (ChangeKind | null)[] = [null, '+', 'M', 'U'];

/** Path hashes with a few numbers each, sorted by hash once (before the first lookup). */
class HashedColumns {
  private hashes: Float64Array;
  private columns: Float64Array[];
  private sorted = true;
  size = 0;

  constructor(expected: number, width: number) {
    const n = Math.max(expected, 1024);
    this.hashes = new Float64Array(n);
    this.columns = Array.from({ length: width }, () => new Float64Array(n));
  }

  add(hash: number, ...values: number[]): void {
    if (this.size === this.hashes.length) {
      this.hashes = twice(this.hashes);
      this.columns = this.columns.map(twice);
    }
    this.hashes[this.size] = hash;
    values.forEach((v, i) => (this.columns[i]![this.size] = v));
    this.size++;
    this.sorted = false;
  }

  column(i: number): Float64Array {
    return this.columns[i]!;
  }

  /** The slot of `hash`, or -1. */
  slot(hash: number): number {
    this.seal();
    return indexOfSorted(this.hashes, this.size, hash);
  }

  /** Sorts the hashes and their columns together by hash. */
  private seal(): void {
    if (this.sorted) return;
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    order.sort((x, y) => this.hashes[x]! - this.hashes[y]!);
    const pick = (from: Float64Array) => {
      const out = new Float64Array(this.size);
      for (let i = 0; i < this.size; i++) out[i] = from[order[i]!]!;
      return out;
    };
    this.hashes = pick(this.hashes);
    this.columns = this.columns.map(pick);
    this.sorted = true;
  }
}

/**
 * Whether archive path `x` comes before `y` in ccmon's walk (sources.ts): names sorted by UTF-16
 * code unit, a folder before what it holds, so a name that ends ('/') before one that goes on.
 */
export function walksBefore(x: string, y: string): boolean {
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const cx = x.charCodeAt(i);
    const cy = y.charCodeAt(i);
    if (cx === cy) continue;
    if (cx === SLASH || cy === SLASH) return cx === SLASH;
    return cx < cy;
  }
  return x.length < y.length;
}

const SLASH = 0x2f;

function twice<T extends Float64Array | Uint8Array>(from: T): T {
  const out = new (from.constructor as new (n: number) => T)(from.length * 2);
  out.set(from);
  return out;
}
