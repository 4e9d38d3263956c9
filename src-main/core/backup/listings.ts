/**
 * What a backup holds, read from its file list: every entry (`ccmon ls`), one folder a page at a
 * time (the dashboard's browser) and the changes from one backup to another (`ccmon diff`). An
 * encrypted archive's list comes from its manifest.json inside, so the archive is decrypted up to
 * it; the agent keeps the last one read (manifest-cache.ts).
 */
import { basename } from 'node:path';
import { eachEntryBelow } from './browse.js';
import { compareBackups, type BackupChange, type ComparisonState } from './compare.js';
import type { BackupChanges, BackupComparison, BackupFolder } from './contract.js';
import type { PassphraseProvider } from './crypto.js';
import { changesOnWorker, folderOnWorker } from './extract-thread.js';
import type { ManifestCache } from './manifest-cache.js';
import type { ManifestFile } from './manifest.js';
import { normalRoot } from './paths.js';
import { withRestoreManifest, type Manifest } from './restore-manifest.js';
import { archivePathOf } from './sources.js';
import type { BackupStore } from './store.js';

/** A path as backed up (absolute, or relative to the current folder) → its archive path. */
export function asArchivePath(path: string): string {
  return archivePathOf(normalRoot(path));
}

const below = (path: string | null) => (path === null ? null : asArchivePath(path));

/** Comparisons whose state is kept for their next page (a few MB at 300,000 entries each). */
const KEPT_COMPARISONS = 2;

export class BackupListings {
  /** By the two backups (ids and totals) and the path: what their last page learnt. */
  private readonly comparisons = new Map<string, ComparisonState>();

  constructor(
    private readonly store: BackupStore,
    private readonly dir: string,
    private readonly passphrase: PassphraseProvider,
    private readonly manifests: ManifestCache | null,
    /** Comparisons on the calling thread (the one-shot CLI), not a worker: extract-thread.ts. */
    private readonly inProcess = false,
  ) {}

  /**
   * A backup's entries (below `path`, as backed up, when given), in archive order, handed to
   * `each` one at a time: a list of a million files is never held.
   */
  files(
    ref: string,
    path: string | null,
    each: (f: ManifestFile) => Promise<void> | void,
  ): Promise<{ id: string; matched: number }> {
    return this.read(ref, (manifest) => eachEntryBelow(manifest, below(path), each));
  }

  /** The changes from backup `from` to backup `to` (below `path`, as backed up): compare.ts. */
  compare(
    from: string,
    to: string,
    path: string | null,
    each: (c: BackupChange) => Promise<void> | void,
  ): Promise<BackupComparison> {
    const under = below(path);
    return this.readBoth(from, to, (a, b) => compareBackups(a, b, under, each));
  }

  /**
   * A page of the changes from backup `from` to backup `to` (the dashboard's), from `offset` on,
   * with the counts of all: compareForPage, on a worker unless `inProcess`. What a page learnt
   * is kept for the next page of the same two backups (ComparisonState: 300,000 entries, 1.8 s for
   * the first page, 0.4-0.8 s for the next, measured on tmpfs).
   */
  changes(
    from: string,
    to: string,
    path: string | null,
    page: { offset?: number; limit?: number } = {},
  ): Promise<BackupChanges> {
    const under = below(path);
    return this.readBoth(from, to, async (a, b) => {
      // The totals too: an id taken again (a clock set back) must not meet another list's state.
      const key = [a.id, b.id, under ?? '', JSON.stringify([a.totals, b.totals])].join('\0');
      const known = this.comparisons.get(key) ?? null;
      const { changes, state } = await changesOnWorker(a, b, under, {
        ...page,
        inProcess: this.inProcess,
        known,
      });
      this.comparisons.delete(key); // most recent last
      this.comparisons.set(key, state);
      for (const old of this.comparisons.keys())
        if (this.comparisons.size > KEPT_COMPARISONS) this.comparisons.delete(old);
      return changes;
    });
  }

  /**
   * A page of one folder of a backup (listFolder; on a worker for a large one unless `inProcess`),
   * `path` as it was backed up; null: the top.
   * `match`: only the entries whose name holds it, in any case.
   */
  folder(
    ref: string,
    path: string | null,
    page: { match?: string; offset?: number } = {},
  ): Promise<BackupFolder> {
    return this.read(ref, (manifest) =>
      folderOnWorker(manifest, below(path), page, { inProcess: this.inProcess }),
    );
  }

  /** `use` with the file lists of backups `from` and `to`, both open at once. */
  private readBoth<T>(
    from: string,
    to: string,
    use: (a: Manifest, b: Manifest) => Promise<T>,
  ): Promise<T> {
    return this.read(from, (a) => this.read(to, (b) => use(a, b)));
  }

  /**
   * `use` with the file list of backup `ref`. A list that cannot be read (a wrong passphrase, a
   * damaged archive) names its backup: a diff reads two, maybe under different passphrases.
   */
  private async read<T>(ref: string, use: (manifest: Manifest) => Promise<T>): Promise<T> {
    const backup = this.store.resolve(ref, { files: false });
    let opened = false;
    try {
      return await withRestoreManifest(
        backup,
        this.dir,
        'list',
        this.passphrase,
        (manifest) => {
          opened = true;
          return use(manifest);
        },
        { manifests: this.manifests },
      );
    } catch (err) {
      // Errors from `use` are the caller's (or the other backup's, already named).
      if (!opened && err instanceof Error)
        err.message = `backup ${backup.sidecar?.id ?? basename(backup.archivePath)}: ${err.message}`;
      throw err;
    }
  }
}
