/**
 * Backups run on a worker thread with a small, fixed V8 heap. Two reasons:
 * - memory: a backup allocates a little per file; on the main thread V8 answers that by growing
 *   its young generation to the 16 MiB-per-semi-space default and the old one with it, which is
 *   most of a backup's peak RSS. A worker's `resourceLimits` cap both, whatever the file count,
 *   and a runaway allocation fails that backup (ERR_WORKER_OUT_OF_MEMORY) instead of the agent.
 * - responsiveness: the archive writer reads files synchronously (cheapest for many small files);
 *   off the main thread, the agent's API, checks and scrapes keep running during a backup.
 */
import { Worker } from 'node:worker_threads';
import type { BackupWorkerData, BackupWorkerMessage } from './backup-worker.js';
import {
  BackupError,
  BackupNoSpaceError,
  createBackup,
  previousBackups,
  requirePassphrase,
  type BackupResult,
  type CreateBackupOptions,
} from './create.js';
import { BackupBusyError } from './backup-lock.js';
import { countSourcesInSlices } from './plan.js';
import type { ProgressUpdate } from '../jobs/scheduler.js';

/** V8 limits of the backup worker: semi-spaces of 1 MiB (young generation 3×), a bounded old one. */
export const BACKUP_WORKER_LIMITS = { maxYoungGenerationSizeMb: 3, maxOldGenerationSizeMb: 96 };

/**
 * createBackup on a worker thread (same options, same result, same error classes), or on this
 * thread with `inProcess`: for the one-shot `ccmon backup`, whose event loop has nothing else to
 * serve, the worker's own isolate and malloc arena were ~5 MB of its peak RSS for nothing.
 */
export async function runBackup(
  opts: CreateBackupOptions,
  { inProcess = false }: { inProcess?: boolean } = {},
): Promise<BackupResult> {
  if (inProcess) return createBackup(opts);
  const passphrase = opts.config.encryption.enabled
    ? await requirePassphrase(opts.passphrase, opts.config.encryption.passphraseEnv)
    : null;
  const { passphrase: _p, onProgress, signal, ...rest } = opts;
  if (signal?.aborted) throw new BackupError('backup cancelled; the partial archive was removed');
  // Listed here, where zod is loaded anyway: the worker does without it (~13 MB per thread).
  const previous = rest.previous ?? (await previousBackups(rest.backupDir, rest.set.name));
  // A first backup's ETA needs a count of its sources: made here, while the worker archives, not
  // by the worker before it starts (a serial walk of the whole tree: ~0.1 s per 20,000 files).
  const counting = new AbortController();
  let counted: { files: number; bytes: number } | null = null;
  const countHere = previous.totals === null && onProgress !== undefined;
  if (countHere)
    void countSourcesInSlices(rest, counting.signal).then(
      (t) => (counted = t),
      () => {}, // an estimate only: the backup reports what went wrong with its sources
    );
  /** The worker's totals are then the dumps' alone: the count adds the rest once it is done. */
  const withCount = (u: ProgressUpdate): ProgressUpdate =>
    !countHere
      ? u
      : counted
        ? {
            ...u,
            totalFiles: (u.totalFiles ?? 0) + counted.files,
            totalBytes: (u.totalBytes ?? 0) + counted.bytes,
          }
        : { ...u, totalFiles: undefined, totalBytes: undefined };
  // Never in the worker: its progress goes to this thread, which counts only for a listener.
  const data: BackupWorkerData = { opts: { ...rest, previous, countFirst: false }, passphrase };
  const worker = startWorker('backup-worker', data);
  const onAbort = () => worker.postMessage({ type: 'abort' });
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await new Promise<BackupResult>((resolve, reject) => {
      let settled = false;
      worker.on('message', (m: BackupWorkerMessage) => {
        if (m.type === 'progress') onProgress?.(withCount(m.update));
        else if (m.type === 'done') {
          settled = true;
          resolve(m.result);
        } else {
          settled = true;
          reject(
            m.name === 'BackupBusyError'
              ? new BackupBusyError(m.message)
              : m.name === 'BackupNoSpaceError'
                ? new BackupNoSpaceError(m.message)
                : new BackupError(m.message),
          );
        }
      });
      worker.once('error', (err: NodeJS.ErrnoException) => {
        settled = true;
        reject(
          new BackupError(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `backup failed: it needed more than the backup worker's ${BACKUP_WORKER_LIMITS.maxOldGenerationSizeMb} MiB heap (${err.message})`
              : `backup failed: ${err.message}`,
          ),
        );
      });
      worker.once('exit', (code) => {
        if (!settled)
          reject(new BackupError(`backup failed: its worker exited (${code}) without a result`));
      });
    });
  } finally {
    counting.abort(); // a backup that ended first (an error, a tiny tree) needs no more counting
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A worker running `<name>.js` (or `.ts` under tsx) with the backup worker's V8 limits. */
export function startWorker(name: 'backup-worker' | 'extract-worker', data: unknown): Worker {
  const options = {
    workerData: data,
    resourceLimits: BACKUP_WORKER_LIMITS,
    // None of the parent's flags: a worker inherits them by default, and some are refused there
    // (`--input-type` of a parent run with `node -e`, per-process V8 flags like `--expose-gc`).
    execArgv: [],
  };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL(`./${name}.js`, import.meta.url), options);
  // From source (tests, `npm run dev` under tsx): a worker does not inherit tsx's loader hooks.
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  return new Worker(
    `import('tsx/esm/api').then((t) => t.register()).then(() => import(${JSON.stringify(entry)}))`,
    { ...options, eval: true },
  );
}
