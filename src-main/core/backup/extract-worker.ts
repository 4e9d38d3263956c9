/**
 * The worker-thread side of extract-thread.ts, one job per worker:
 * - `plan`: check the manifest (safety.ts) and work out the restore diff, spooled to a file;
 * - `extract`: one extractArchive, with the removals read back from that file;
 * - `verify`: one verifyArchive (`ccmon verify`, backup.verify);
 * - `changes`: a page of the changes between two backups (compare.ts, backup.changes);
 * - `folder`: a page of one folder of a large backup (browse.ts, backup.files).
 * The manifest's file list is streamed again from its file (without zod: manifest-lines.ts) and
 * destinations rebuilt from `to` / `dumpDir` (functions cannot cross threads). Before the first file is replaced, `extract` tells its parent
 * and waits on a shared flag, so the parent's journal says "committing" first.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import type { ChangesPage, ComparisonState } from './compare.js';
import type { BackupFolder, RestoreDiff, VerifyResult } from './contract.js';
import { destinationMapper } from './destination.js';
import { checkedRestoreDiff, diffFilePaths } from './diff.js';
import { extractArchive, type ExtractResult } from './extract.js';
import type { BackupManifest, BackupSidecar, ManifestSource } from './manifest.js';
import {
  streamManifestLines,
  type ManifestLinesSource,
  type PathFilter,
} from './manifest-lines.js';
import { UnsafeArchiveError } from './safety.js';

interface CommonData {
  /** The manifest's sources (from its header) and where its file list lies. */
  manifest: {
    sources: ManifestSource[];
    totals?: BackupManifest['totals'];
    lines: ManifestLinesSource;
  };
  to: string | null;
  dumpDir: string | null;
  /** Archive paths: restore only these, with what they hold (destinationMapper). */
  only: string[] | null;
}

export interface PlanWorkerData extends CommonData {
  op: 'plan';
  removals: boolean;
  /** Where the diff's lists are written (DiffLists). */
  diffFile: string;
}

export interface ExtractWorkerData extends CommonData {
  op: 'extract';
  archivePath: string;
  roots: string[];
  /** A DiffLists file whose "removed" paths are deleted at commit time. */
  removeFrom: string | null;
  passphrase: string | null;
  restoreOwnership?: boolean;
  tempSuffix?: string;
  crashLabel?: string;
  /** Int32 flag: the worker waits for the parent to set it to 1 after the commit message. */
  commitGate: SharedArrayBuffer;
}

/** `verify`: verifyArchive (loaded only for this job: it parses manifests with zod). */
export interface VerifyWorkerData {
  op: 'verify';
  archivePath: string;
  sidecar: { header: BackupSidecar | null; path: string | null };
  passphrase: string | null;
}

/** `changes`: compareForPage of two backups' lists, each streamed from its file. */
export interface ChangesWorkerData {
  op: 'changes';
  from: ListOnThread;
  to: ListOnThread;
  /** An archive path: only the changes at or below it. */
  below: string | null;
  offset: number;
  limit: number;
  /** What an earlier page of the same comparison learnt (pageOfChanges), or null. */
  known: ComparisonState | null;
}

/** `folder`: listFolder of one backup's list, streamed from its file. */
export interface FolderWorkerData {
  op: 'folder';
  list: ListOnThread;
  /** An archive path; null: the backup's top. */
  folder: string | null;
  page: { match?: string; offset?: number };
}

/** A backup's list as another thread reads it: its header's parts and where the records lie. */
export interface ListOnThread {
  id: string;
  sources: ManifestSource[];
  totals?: BackupManifest['totals'];
  lines: ManifestLinesSource;
}

export type RestoreWorkerMessage =
  | { type: 'progress'; update: ProgressUpdate }
  | { type: 'commit' }
  | {
      type: 'done';
      result: ExtractResult | RestoreDiff | VerifyResult | ChangesPage | BackupFolder;
    }
  | { type: 'error'; name: string; message: string; entry?: string; why?: string };

const port = parentPort!;
const data = workerData as
  PlanWorkerData | ExtractWorkerData | VerifyWorkerData | ChangesWorkerData | FolderWorkerData;
const abort = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m.type === 'abort') abort.abort(new Error('restore cancelled'));
});
const post = (m: RestoreWorkerMessage) => port.postMessage(m);
try {
  if (data.op === 'verify') {
    const { verifyArchive } = await import('./verify.js');
    const passphrase = data.passphrase;
    const result = await verifyArchive(data.archivePath, data.sidecar, {
      passphrase: passphrase === null ? undefined : async () => passphrase,
      onProgress: (update) => post({ type: 'progress', update }),
    });
    post({ type: 'done', result });
  } else if (data.op === 'changes') {
    const { pageOfChanges } = await import('./compare.js'); // its errors load zod: only here
    const result = await pageOfChanges(
      streamed(data.from),
      streamed(data.to),
      data.below,
      { offset: data.offset, limit: data.limit },
      data.known,
    );
    post({ type: 'done', result });
  } else if (data.op === 'folder') {
    const { listFolder } = await import('./browse.js');
    post({ type: 'done', result: listFolder(streamed(data.list), data.folder, data.page) });
  } else await restoreJob(data);
} catch (err) {
  post({
    type: 'error',
    name: (err as Error).name,
    message: (err as Error).message,
    entry: err instanceof UnsafeArchiveError ? err.entry : undefined,
    why: err instanceof UnsafeArchiveError ? err.why : undefined,
  });
}
port.close();

/** A list sent across (its header's parts and where its records lie), its records streamed. */
function streamed<T extends { lines: ManifestLinesSource }>({ lines, ...header }: T) {
  return {
    ...header,
    files: (keep?: PathFilter) => streamManifestLines(lines.path, lines.offset, lines.where, keep),
  };
}

async function restoreJob(data: PlanWorkerData | ExtractWorkerData): Promise<void> {
  const manifest = streamed(data.manifest);
  const destinationOf = destinationMapper(data.to, data.dumpDir, data.only);
  if (data.op === 'plan') {
    // The diff file is closed before the parent hears of it: it reads the file next.
    const diff = checkedRestoreDiff(manifest, destinationOf, {
      removals: data.removals,
      diffFile: data.diffFile,
      only: data.only,
    });
    post({ type: 'done', result: diff });
  } else {
    const { passphrase, removeFrom } = data;
    const gate = new Int32Array(data.commitGate);
    const result = await extractArchive({
      archivePath: data.archivePath,
      manifest,
      destinationOf,
      roots: data.roots,
      remove: removeFrom ? () => diffFilePaths(removeFrom, 'removed') : undefined,
      passphrase: passphrase === null ? undefined : async () => passphrase,
      signal: abort.signal,
      onProgress: (update) => post({ type: 'progress', update }),
      restoreOwnership: data.restoreOwnership,
      tempSuffix: data.tempSuffix,
      crashLabel: data.crashLabel,
      onCommit: () => {
        post({ type: 'commit' });
        Atomics.wait(gate, 0, 0);
      },
    });
    post({ type: 'done', result });
  }
}
