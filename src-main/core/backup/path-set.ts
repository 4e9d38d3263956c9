/**
 * A set of paths in 8 bytes each: a 53-bit hash per path in a sorted Float64Array, instead of the
 * strings themselves (a restore of a million files would hold ~100 MB of path strings). Two uses,
 * each safe under a hash collision:
 * - duplicates in a manifest: equal hashes are only suspects, confirmed by comparing the paths
 *   (`duplicatesAmong` re-reads them), so a collision never refuses a good archive;
 * - "is this live file listed in the backup?" for the restore's removals: a collision answers
 *   yes, which keeps a file that could have been removed, never removes one that should stay.
 */
export class PathHashSet {
  private hashes: Float64Array;
  private size = 0;
  private sorted = true;

  /**
   * `expected`: how many paths will come, when a manifest's totals say so. Sized once, the set
   * skips the doublings whose old and new arrays lived side by side (6 MB at 300,000 paths,
   * outside V8's heap). A wrong count (the totals of an untrusted manifest) only costs a
   * doubling or address space: pages never written are not resident.
   */
  constructor(expected = 0) {
    this.hashes = new Float64Array(Math.min(Math.max(expected, 1024), MAX_PRESIZE));
  }

  add(path: string): void {
    if (this.size === this.hashes.length) {
      const grown = new Float64Array(Math.max(this.hashes.length * 2, 1024));
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.size++] = pathHash(path);
    this.sorted = false;
  }

  has(path: string): boolean {
    this.seal();
    return indexOfSorted(this.hashes, this.size, pathHash(path)) >= 0;
  }

  /** Hashes added more than once: candidates for duplicate paths (or, rarely, a collision). */
  repeatedHashes(): Set<number> {
    this.seal();
    const out = new Set<number>();
    for (let i = 1; i < this.size; i++)
      if (this.hashes[i] === this.hashes[i - 1]) out.add(this.hashes[i]!);
    return out;
  }

  private seal(): void {
    if (this.sorted) return;
    this.hashes = this.hashes.subarray(0, this.size).sort(); // in place: no second copy
    this.sorted = true;
  }
}

/** The largest presize: 4 Mi paths, 32 MiB of address space; beyond, the set grows. */
const MAX_PRESIZE = 1 << 22;

/** How many entries a manifest's totals announce (files, folders and symlinks). */
export function entryCount(
  totals: { files: number; dirs: number; symlinks: number } | undefined,
): number {
  return totals ? totals.files + totals.dirs + totals.symlinks : 0;
}

/**
 * The first path that really appears twice among `paths`, checking only those whose hash is in
 * `suspects` (from repeatedHashes), or null.
 */
export function duplicateAmong(paths: Iterable<string>, suspects: Set<number>): string | null {
  if (suspects.size === 0) return null;
  const seen = new Set<string>();
  for (const p of paths) {
    if (!suspects.has(pathHash(p))) continue;
    if (seen.has(p)) return p;
    seen.add(p);
  }
  return null;
}

/** Where `value` is among the first `size` numbers of ascending `sorted`, or -1 (binary search). */
export function indexOfSorted(sorted: Float64Array, size: number, value: number): number {
  let lo = 0;
  let hi = size - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** 53 bits from two 32-bit FNV-1a lanes with different offsets (exact in a double). */
export function pathHash(s: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
