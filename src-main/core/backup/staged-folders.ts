/**
 * The folders an extraction creates, staged: the topmost folder missing at a destination is made
 * under a temporary name beside its final place (`<dir>.ccmon-restore-<suffix>`, as the temporary
 * files are), everything below it is written there under its final name, and the commit renames
 * that one folder into place. A new tree appears whole or not at all, with one rename where there
 * was one per file (a restore --to a new folder of 300,000 files made 300,000 renames), and a crash
 * leaves a temporary folder that the next start removes like a temporary file (journal.ts). The
 * roots themselves (the backed-up folders, a --to folder) are made for real.
 */
import { lstatSync, mkdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { isBelow } from './paths.js';

export class StagedFolders {
  /** A destination folder → where its entries are written now: itself, or a staged place. */
  private readonly places = new Map<string, string>();
  /** Staged folders as [final place, temporary place], in the order they were made. */
  private readonly staged: [string, string][] = [];
  /** Roots, and folders above them, that this extraction made (removed again by discard). */
  private readonly made: string[] = [];

  /** `roots` are resolved; every folder asked for lies in one of them (safety.ts checked it). */
  constructor(
    private readonly roots: string[],
    private readonly tempOf: (dest: string) => string,
  ) {}

  /** Where the entries of destination folder `dir` are written; makes that folder if need be. */
  placeOf(dir: string): string {
    const known = this.places.get(dir);
    if (known !== undefined) return known;
    const place = this.isBelowRoot(dir) ? this.placeBelowRoot(dir) : this.makeForReal(dir);
    this.places.set(dir, place);
    return place;
  }

  /** Whether `dir` (already asked for) is written in a staged folder, not in place. */
  isStaged(dir: string): boolean {
    const place = this.places.get(dir);
    return place !== undefined && place !== dir;
  }

  /** Renames every staged folder into place; `afterEach` runs after each rename (crash points). */
  commit(afterEach: () => void): void {
    for (const [final, temp] of this.staged) {
      replaceWith(temp, final);
      afterEach();
    }
  }

  /** Removes the staged folders with all they hold, and the roots this extraction made. */
  discard(): void {
    for (const [, temp] of this.staged) rmSync(temp, { recursive: true, force: true });
    for (const d of this.made.sort((a, b) => b.length - a.length)) {
      try {
        rmdirSync(d);
      } catch {
        // not empty (something else lives there) or already gone
      }
    }
  }

  private isBelowRoot(dir: string): boolean {
    return this.roots.some((r) => isBelow(dir, r));
  }

  private placeBelowRoot(dir: string): string {
    const parent = dirname(dir);
    const parentPlace = this.placeOf(parent);
    if (parentPlace !== parent) {
      // Inside a staged folder: made under its final name there.
      const place = parentPlace + sep + basename(dir);
      mkdirSync(place, { mode: 0o700 });
      return place;
    }
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st?.isDirectory()) return dir;
    // Missing, or a file where the backup has a folder (replaced at the commit, as a folder where
    // the backup has a file is): staged. A symlink on the way was refused before (safety.ts).
    const temp = this.tempOf(dir);
    mkdirSync(temp, { mode: 0o700 });
    this.staged.push([dir, temp]);
    return temp;
  }

  private makeForReal(dir: string): string {
    const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (first)
      for (let d = dir; ; d = dirname(d)) {
        this.made.push(d);
        if (d === first || d === dirname(d)) break;
      }
    return dir;
  }
}

/**
 * Renames `temp` over `dest`: one system call in the common case (nothing there, or a file). What
 * a rename cannot replace is removed first: a folder where the backup has a file, or a file where
 * it has a folder. A folder that is not empty where a staged folder goes still fails the rename.
 */
export function replaceWith(temp: string, dest: string): void {
  try {
    renameSync(temp, dest);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const inTheWay =
      code === 'EISDIR' || code === 'ENOTDIR' || (process.platform === 'win32' && code === 'EPERM');
    if (!inTheWay) throw err;
    rmSync(dest, { recursive: true, force: true });
    renameSync(temp, dest);
  }
}
