/**
 * AgentApi for backups (seed 34.3.7): list, run now, verify, restore preview (the dry-run diff),
 * restore (with a typed confirmation: the backup's id), prune preview and prune, and the events a
 * UI follows (progress with files, bytes, rate and ETA; finished; restore-test results). Types and zod only:
 * the renderer imports this file.
 */
import { z } from 'zod';
import { defineRequest } from '../contract.js';
import type { JobProgress, JobRun } from '../jobs/contract.js';

export interface BackupSourceSummary {
  name: string;
  kind: 'directory' | 'database' | 'redis' | 'ccmon';
  status: 'ok' | 'missing' | 'failed';
  message: string;
  files: number;
  bytes: number;
}

export interface BackupSummary {
  id: string;
  set: string;
  kind: 'scheduled' | 'manual' | 'safety';
  createdAt: string;
  archivePath: string;
  sizeBytes: number;
  files: number;
  bytes: number;
  durationSeconds: number;
  compression: 'gzip' | 'zstd';
  encrypted: boolean;
  warnings: string[];
  sources: BackupSourceSummary[];
}

export interface VerifyResult {
  ok: boolean;
  archive: string;
  id: string | null;
  set: string | null;
  files: number;
  bytes: number;
  /** Each names the entry: `fs/etc/claude-code/x: content does not match the manifest …`. */
  problems: string[];
  /** What could not be checked, though nothing is wrong (an archive without its sidecar). */
  notes?: string[];
  durationSeconds: number;
  checkedAt: string;
}

/** The room a restore needs and finds on one file system (RestoreDiff.space). */
export interface RestoreRoom {
  folder: string;
  needBytes: number;
  freeBytes: number;
  needInodes: number;
  freeInodes: number | null;
  /**
   * What does not fit (empty: it fits): what the dry run warns about, and what the restore is
   * refused for before it starts.
   */
  short: ('bytes' | 'inodes')[];
}

/**
 * What a restore changes at its destinations. The lists hold the first paths found (a bounded
 * sample, see `counts` for the totals): a restore of a million files must not hold a million
 * paths. `ccmon restore --dry-run --json` prints every path.
 */
export interface RestoreDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  counts: { added: number; changed: number; removed: number };
  /** Some list holds fewer paths than its count. */
  truncated: boolean;
  /**
   * Per file system the restore writes to (named by the first restored folder on it): the room
   * its new files and folders take, in whole 4 KiB blocks and in inodes (one per entry written),
   * and what is free there now (`freeInodes` null: the file system has no fixed inode count).
   */
  space?: RestoreRoom[];
  /**
   * Restored files the backup holds as hard links of another restored file: each is written
   * whole, then made a link of it again (hard-links.ts). Absent when there are none.
   */
  hardlinks?: number;
}

export interface RestoreStep {
  name: 'stop' | 'start' | 'active' | 'database' | 'health';
  command: string;
  status: 'ok' | 'failed' | 'skipped';
  message: string;
}

/** How far a restore got (its journal, journal.ts). */
export type RestorePhase =
  | 'checking'
  | 'safety-backup'
  | 'stopping'
  | 'extracting'
  | 'committing'
  | 'database'
  | 'starting'
  | 'verifying'
  | 'rolling-back'
  | 'rollback-committing';

/** A restore whose process died before it ended, found at the next start. */
export interface InterruptedRestore {
  id: string;
  archive: string;
  /** `in place`, or the folder it restored into. */
  target: string;
  phase: RestorePhase;
  startedAt: string;
  /** When it last recorded progress. */
  interruptedAfter: string;
  safetyBackup: string | null;
  /** The stop hook had run: the service may still be down. */
  serviceStopped: boolean;
  /** Files may already have been replaced (the interruption came at or after the commit). */
  targetChanged: boolean;
  tempFilesRemoved: number;
  /** What happened and the commands that finish or roll back. */
  message: string;
}

export interface RestoreReport {
  ok: boolean;
  id: string;
  archive: string;
  /** `in place`, or the folder given with `to`. */
  target: string;
  dryRun: boolean;
  diff: RestoreDiff;
  safetyBackup: string | null;
  steps: RestoreStep[];
  rolledBack: boolean;
  message: string;
  durationSeconds: number;
  /** An earlier restore that had been interrupted; this one replaced its outcome. */
  interrupted?: InterruptedRestore | null;
}

export interface RetentionDecision {
  id: string;
  set: string;
  createdAt: string;
  keep: boolean;
  /** restic's words: "last snapshot", "daily snapshot", "within 30d", … */
  reasons: string[];
}

export interface PruneReport {
  dryRun: boolean;
  decisions: RetentionDecision[];
  removed: string[];
  freedBytes: number;
  /** Something the admin should know of how it ran (a full disk: no lock file). */
  note?: string;
}

/**
 * What applying the retention policy after a scheduled backup did (with what it removed first to
 * make room, when the backup found its folder full). A failure here never fails the backup: it is
 * reported in `error` (and in the run's message), and the next backup tries again.
 */
export interface RetentionOutcome {
  removed: string[];
  freedBytes: number;
  error: string | null;
}

export interface BackupSetStatus {
  set: string;
  schedule: string | null;
  nextRunAt: string | null;
  running: boolean;
  lastBackup: BackupSummary | null;
  lastRun: JobRun | null;
  lastRestoreTest: VerifyResult | null;
}

export interface BackupList {
  directory: string;
  sets: BackupSetStatus[];
  backups: BackupSummary[];
  /** Manifests that could not be read (named with their file). */
  problems: string[];
  /** A restore killed before it ended (until the next restore completes). */
  interruptedRestore?: InterruptedRestore | null;
}

/** One entry of a backup's folder (browse.ts), by the path it was backed up from. */
export interface BackupFolderEntry {
  path: string;
  name: string;
  type: 'file' | 'dir' | 'symlink';
  size: number;
  mtime: string;
  /** A hard link: the file it shares its data with, as backed up (a restore links them again). */
  hardlinkTo?: string;
}

/** One folder of a backup: a page of its entries, and how many it holds. */
export interface BackupFolder {
  id: string;
  /** The folder as it was backed up; null: the top of the backup (its sources' folders). */
  path: string | null;
  /** The page: the entries from `offset` on, in the backup's order (by name), folders first. */
  entries: BackupFolderEntry[];
  /** How many of the folder's entries come before this page. */
  offset: number;
  /** The most entries a page holds (the previous page starts this many before `offset`). */
  limit: number;
  /** Entries in the folder (that match, with `match`). */
  total: number;
}

/** `+` added, `-` removed, `M` content (or type, or link target) changed, `U` only metadata. */
export type ChangeKind = '+' | '-' | 'M' | 'U';

/** How two backups differ (compare.ts): counts of every kind of change, bytes added and removed. */
export interface BackupComparison {
  from: string;
  to: string;
  counts: Record<'added' | 'removed' | 'changed' | 'metadata' | 'unchanged', number>;
  /** Bytes of the files added, and of those removed. */
  bytes: { added: number; removed: number };
}

/** One change from one backup to another, its entry by the path it was backed up from. */
export interface BackupChangeEntry {
  change: ChangeKind;
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** As the newer backup has it (the older one's for a removal). */
  size: number;
  mtime: string;
}

/**
 * A page of the changes from one backup to another, in path order (each removal where the file
 * was), with the counts of all of them.
 */
export interface BackupChanges extends BackupComparison {
  changes: BackupChangeEntry[];
  /** How many changes come before this page. */
  offset: number;
  /** The most changes a page holds. */
  limit: number;
  /** Changes in all (below the path, when given). */
  total: number;
}

/** Where the agent takes the archive passphrase from (passphrase.ts), never the passphrase itself. */
export interface PassphraseStatus {
  /** Whether new backups are encrypted (backup.encryption.enabled). */
  encryption: boolean;
  /** `env`: the variable below is set and wins; `store`: the secret store has one; null: none. */
  from: 'env' | 'store' | null;
  envName: string;
  /** Where the secret store keeps it: the OS keychain in the tray app, else as it says. */
  store: string;
}

const ref = z.string().min(1, 'a backup id, latest[:SET] or archive file');
const include = z.array(z.string().min(1)).optional();

export const backupRequests = {
  'backup.list': defineRequest<BackupList>()(z.object({}).strict()),
  /** Starts a backup of one set (default: the first); follow `backup.progress` / `backup.finished`. */
  'backup.run': defineRequest<JobRun>()(z.object({ set: z.string().min(1).optional() }).strict()),
  'backup.verify': defineRequest<VerifyResult>()(z.object({ id: ref }).strict()),
  /** `include`: restore only these paths (as backed up), with what they hold. */
  'backup.restorePreview': defineRequest<RestoreReport>()(
    z.object({ id: ref, to: z.string().min(1).optional(), include }).strict(),
  ),
  /** `confirm` must repeat the backup's id: a restore replaces live files. */
  'backup.restore': defineRequest<RestoreReport>()(
    z.object({ id: ref, to: z.string().min(1).optional(), include, confirm: z.string() }).strict(),
  ),
  /**
   * One folder of a backup (`path` as it was backed up; none: the top), for a file browser;
   * `match`: only the entries whose name holds it (any case), in a folder of thousands.
   */
  'backup.files': defineRequest<BackupFolder>()(
    z
      .object({
        id: ref,
        path: z.string().min(1).optional(),
        match: z.string().max(200).optional(),
        /** Entries to skip: the next page starts at the last one's offset + its entries. */
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  /**
   * What changed from backup `from` to backup `to` (what `ccmon diff` lists), below `path` (as
   * backed up) when given: a page of the changes from `offset`, and the counts of all of them.
   */
  'backup.changes': defineRequest<BackupChanges>()(
    z
      .object({
        from: ref,
        to: ref,
        path: z.string().min(1).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  'backup.prunePreview': defineRequest<PruneReport>()(z.object({}).strict()),
  /**
   * Applies the retention policy now, to every set and to safety backups (what `ccmon prune`
   * does; the agent also applies it after each scheduled backup). Refused (bad_request) while a
   * backup or restore holds the backup folder.
   */
  'backup.prune': defineRequest<PruneReport>()(z.object({}).strict()),
  /** Where the archive passphrase would come from now. */
  'backup.passphrase': defineRequest<PassphraseStatus>()(z.object({}).strict()),
  /**
   * Keeps the archive passphrase in the agent's secret store (the OS keychain in the tray app):
   * used from the next backup, verify or restore. Archives made before keep the passphrase they
   * were made with.
   */
  'backup.setPassphrase': defineRequest<PassphraseStatus>()(
    z.object({ passphrase: z.string().min(1, 'the passphrase is empty').max(1024) }).strict(),
  ),
};

export interface BackupEvents {
  'backup.progress': JobProgress & { set: string };
  'backup.finished': {
    set: string;
    ok: boolean;
    backup: BackupSummary | null;
    message: string;
    /** Set after a successful scheduled backup: the retention policy was applied (or why not). */
    retention?: RetentionOutcome;
  };
  'backup.restoreTest': VerifyResult;
}
