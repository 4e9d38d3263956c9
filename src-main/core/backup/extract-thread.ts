/**
 * A restore's per-file work on a worker thread with the backup worker's fixed V8 heap (worker.ts):
 * checking the manifest and working out the diff (planOnWorker), and extracting (extractOnWorker);
 * also verify (verifyOnWorker), the changes between two backups (changesOnWorker) and a folder
 * of a large backup (folderOnWorker).
 * Both allocate a little per file (records, stats, headers, hashes); on the main thread V8 answers
 * that by growing its young generation to the 16 MiB-per-semi-space default (measured: new space
 * 16 MiB after a 20,000-file diff). The agent's API, checks and scrapes keep running meanwhile, as
 * during a backup. Same options, results and error classes as the functions they run; a manifest
 * held in memory (a test's) is handled in place instead.
 */
import { randomBytes } from 'node:crypto';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import { detectFormat } from './archive-reader.js';
import {
  CHANGES_LIMIT,
  pageOfChanges,
  type ChangesPage,
  type ComparedList,
  type ComparisonState,
} from './compare.js';
import { listFolder } from './browse.js';
import type { BackupFolder, RestoreDiff, VerifyResult } from './contract.js';
import type { PassphraseProvider } from './crypto.js';
import { destinationMapper, RESTORE_TEMP_INFIX } from './destination.js';
import { checkedRestoreDiff, diffFilePaths } from './diff.js';
import type {
  ChangesWorkerData,
  ExtractWorkerData,
  FolderWorkerData,
  ListOnThread,
  PlanWorkerData,
  RestoreWorkerMessage,
  VerifyWorkerData,
} from './extract-worker.js';
import {
  extractArchive,
  RestoreError,
  type ExtractOptions,
  type ExtractResult,
} from './extract.js';
import { removeRestoreTemps } from './journal.js';
import type { ManifestRecords } from './manifest-records.js';
import { NotInBackupError } from './restore-manifest.js';
import { entryCount } from './path-set.js';
import { UnsafeArchiveError } from './safety.js';
import { BACKUP_WORKER_LIMITS, startWorker } from './worker.js';

interface Destinations {
  manifest: ManifestRecords;
  /** Destinations as destinationMapper(to, dumpDir, only) maps them. */
  to: string | null;
  dumpDir: string | null;
  only?: string[] | null;
  /**
   * On the calling thread instead (BackupServiceOptions.inProcess: the one-shot CLI, whose event
   * loop has nothing else to serve and whose young generation stays small, v8-tuning.ts).
   */
  inProcess?: boolean;
}

/** checkedRestoreDiff (diff.ts) on a worker: the diff spooled to `diffFile`; returns the summary. */
export async function planOnWorker(
  opts: Destinations & { removals: boolean; diffFile: string },
): Promise<RestoreDiff> {
  const { manifest, to, dumpDir, removals, diffFile } = opts;
  const only = opts.only ?? null;
  if (opts.inProcess || !manifest.source)
    return checkedRestoreDiff(manifest, destinationMapper(to, dumpDir, only), {
      removals,
      diffFile,
      only,
    });
  const data: PlanWorkerData = {
    op: 'plan',
    manifest: { sources: manifest.sources, totals: manifest.totals, lines: manifest.source },
    to,
    dumpDir,
    only,
    removals,
    diffFile,
  };
  return (await runOnWorker(data, {})) as RestoreDiff;
}

export interface ExtractOnWorkerOptions
  extends
    Destinations,
    Omit<ExtractOptions, 'manifest' | 'destinationOf' | 'remove' | 'passphrase'> {
  /** A DiffLists file (planOnWorker's) whose "removed" paths are deleted at commit time. */
  removeFrom?: string | null;
  passphrase?: PassphraseProvider;
}

export async function extractOnWorker(opts: ExtractOnWorkerOptions): Promise<ExtractResult> {
  // Chosen here when the caller did not: what a failed extraction left is found by it.
  const tempSuffix = opts.tempSuffix ?? randomBytes(4).toString('hex');
  const {
    manifest,
    to,
    dumpDir,
    only,
    removeFrom,
    passphrase,
    signal,
    onProgress,
    onCommit,
    inProcess,
    ...rest
  } = opts;
  // cleanedUp: nothing was written, or what was is removed; false while the worker may write.
  const state = { committing: false, cleanedUp: true };
  const commit = () => {
    state.committing = true;
    onCommit?.();
  };
  try {
    // extractArchive's own errors before the commit: it removed what it wrote.
    if (inProcess || !manifest.source)
      return await extractArchive({
        ...opts,
        tempSuffix,
        onCommit: commit,
        destinationOf: destinationMapper(to, dumpDir, only),
        remove: removeFrom ? () => diffFilePaths(removeFrom, 'removed') : undefined,
      });
    if (signal?.aborted) throw new RestoreError('restore cancelled; nothing was changed');
    const data: ExtractWorkerData = {
      ...rest,
      tempSuffix,
      op: 'extract',
      manifest: { sources: manifest.sources, totals: manifest.totals, lines: manifest.source },
      to,
      dumpDir,
      only: only ?? null,
      removeFrom: removeFrom ?? null,
      passphrase:
        passphrase && detectFormat(opts.archivePath).encrypted ? await passphrase() : null,
      commitGate: new SharedArrayBuffer(4),
    };
    state.cleanedUp = false;
    return (await runOnWorker(data, {
      signal,
      onProgress,
      onCommit: commit,
      onWorkerError: () => {
        state.cleanedUp = true;
      },
    })) as ExtractResult;
  } catch (err) {
    // Before the commit, extract.ts removed what it wrote unless its worker died; in the commit
    // pass (a rename failing, the manifest no longer readable) nothing did.
    if (state.cleanedUp && !state.committing) throw err;
    throw afterFailedExtraction(err as Error, opts.roots, tempSuffix, state.committing);
  }
}

/**
 * An extraction that failed in its commit pass, or whose worker died: its temporary files are
 * removed here. `tempsLeft`: some could not be, the restore's journal must stay (journal.ts).
 */
export class ExtractionFailedError extends RestoreError {
  constructor(
    message: string,
    readonly committing: boolean,
    readonly tempsLeft: boolean,
  ) {
    super(message);
  }
}

function afterFailedExtraction(
  err: Error,
  roots: string[],
  suffix: string,
  committing: boolean,
): ExtractionFailedError {
  let temps: string;
  let tempsLeft = false;
  try {
    const n = removeRestoreTemps(roots, suffix);
    temps = n ? `; its ${n} temporary files were removed` : '';
  } catch (e) {
    tempsLeft = true;
    temps = `; its temporary files (*${RESTORE_TEMP_INFIX}${suffix}) could not all be removed (${(e as Error).message}): the next start removes them`;
  }
  const what = err.message.replace(/^restore failed: /, '');
  const message = committing
    ? `restore failed while putting the files in place: ${what}; some files may already be restored, the others are unchanged${temps}`
    : `restore failed: ${what}${temps}`;
  return new ExtractionFailedError(message, committing, tempsLeft);
}

interface Callbacks {
  signal?: AbortSignal;
  onProgress?: (p: ProgressUpdate) => void;
  onCommit?: () => void;
  /** The worker reported an error of its own (rather than dying). */
  onWorkerError?: () => void;
}

/**
 * verifyArchive on a worker: it reads every entry and streams two file lists, and like a restore
 * would grow the main thread's young generation (measured +22 MB from 5,000 to 50,000 files).
 */
export async function verifyOnWorker(
  archivePath: string,
  sidecar: VerifyWorkerData['sidecar'],
  opts: {
    passphrase?: PassphraseProvider;
    onProgress?: (p: ProgressUpdate) => void;
    inProcess?: boolean;
  },
): Promise<VerifyResult> {
  if (opts.inProcess) {
    const { verifyArchive } = await import('./verify.js'); // zod's manifest parser: only here
    return verifyArchive(archivePath, sidecar, opts);
  }
  let encrypted = false;
  try {
    encrypted = detectFormat(archivePath).encrypted;
  } catch {
    // not an archive: verifyArchive says so
  }
  const data: VerifyWorkerData = {
    op: 'verify',
    archivePath,
    sidecar,
    passphrase: encrypted && opts.passphrase ? await opts.passphrase() : null,
  };
  return (await runOnWorker(data, { onProgress: opts.onProgress })) as VerifyResult;
}

/**
 * pageOfChanges (compare.ts) on a worker: it parses every record of both lists, ~2.4 s for two
 * of 300,000 entries, which on the agent's thread would stop its checks, scrapes and API as long.
 * `known`: what an earlier page of the same comparison learnt (the next page skips the hashing).
 * Lists held in memory (a test's) are compared in place.
 */
export async function changesOnWorker(
  from: ComparedList & { source?: ListOnThread['lines'] },
  to: ComparedList & { source?: ListOnThread['lines'] },
  below: string | null,
  opts: {
    offset?: number;
    limit?: number;
    inProcess?: boolean;
    known?: ComparisonState | null;
  } = {},
): Promise<ChangesPage> {
  const { known = null, inProcess, ...page } = opts;
  if (inProcess || !from.source || !to.source) return pageOfChanges(from, to, below, page, known);
  const data: ChangesWorkerData = {
    op: 'changes',
    from: onThread(from, from.source),
    to: onThread(to, to.source),
    below,
    offset: page.offset ?? 0,
    limit: page.limit ?? CHANGES_LIMIT,
    known,
  };
  return (await runOnWorker(data, {})) as ChangesPage;
}

/**
 * Entries from which a folder's page is read on a worker: a page reads the whole list (records of
 * other folders skipped unparsed), ~80 ms at 300,000 entries, which on the agent's thread
 * would hold its checks and scrapes as long; below, the ~50 ms a worker takes to start costs more.
 */
export const FOLDER_WORKER_ENTRIES = 50_000;

/** listFolder (browse.ts) of a large backup's list on a worker; others in place. */
export async function folderOnWorker(
  list: ComparedList & { source?: ListOnThread['lines'] },
  folder: string | null,
  page: { match?: string; offset?: number },
  opts: { inProcess?: boolean; workerFrom?: number } = {},
): Promise<BackupFolder> {
  const large = entryCount(list.totals) >= (opts.workerFrom ?? FOLDER_WORKER_ENTRIES);
  if (opts.inProcess || !list.source || !large) return listFolder(list, folder, page);
  const data: FolderWorkerData = { op: 'folder', list: onThread(list, list.source), folder, page };
  return (await runOnWorker(data, {})) as BackupFolder;
}

/** A list's header parts and where its records lie: what crosses to a worker. */
const onThread = (m: ComparedList, lines: ListOnThread['lines']): ListOnThread => ({
  id: m.id,
  sources: m.sources,
  totals: m.totals,
  lines,
});

async function runOnWorker(
  data:
    PlanWorkerData | ExtractWorkerData | VerifyWorkerData | ChangesWorkerData | FolderWorkerData,
  cb: Callbacks,
): Promise<ExtractResult | RestoreDiff | VerifyResult | ChangesPage | BackupFolder> {
  const worker = startWorker('extract-worker', data);
  const onAbort = () => worker.postMessage({ type: 'abort' });
  cb.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise((resolve, reject) => {
      let settled = false;
      worker.on('message', (m: RestoreWorkerMessage) => {
        if (m.type === 'progress') cb.onProgress?.(m.update);
        else if (m.type === 'commit') {
          try {
            cb.onCommit?.();
          } finally {
            // Released even when the journal write failed: the worker must not wait forever.
            const gate = new Int32Array((data as ExtractWorkerData).commitGate);
            Atomics.store(gate, 0, 1);
            Atomics.notify(gate, 0);
          }
        } else if (m.type === 'done') {
          settled = true;
          resolve(m.result);
        } else {
          settled = true;
          cb.onWorkerError?.();
          reject(workerError(m));
        }
      });
      worker.once('error', (err: NodeJS.ErrnoException) => {
        settled = true;
        reject(
          new RestoreError(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `restore failed: it needed more than the worker's ${BACKUP_WORKER_LIMITS.maxOldGenerationSizeMb} MiB heap (${err.message})`
              : `restore failed: ${err.message}`,
          ),
        );
      });
      worker.once('exit', (code) => {
        if (!settled)
          reject(new RestoreError(`restore failed: its worker exited (${code}) without a result`));
      });
    });
  } finally {
    cb.signal?.removeEventListener('abort', onAbort);
  }
}

function workerError(m: Extract<RestoreWorkerMessage, { type: 'error' }>): Error {
  if (m.name === 'UnsafeArchiveError' && m.entry !== undefined) {
    const err = new UnsafeArchiveError(m.entry, m.why ?? '');
    err.message = m.message;
    return err;
  }
  if (m.name === 'NotInBackupError') return new NotInBackupError(m.message);
  const err = new Error(m.message);
  err.name = m.name;
  return m.name === 'RestoreError' ? new RestoreError(m.message) : err;
}
