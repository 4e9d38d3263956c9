/**
 * Backups as one service shared by the CLI and the agent: run a set (then copy it to S3 when
 * configured), list, verify, restore, prune and the restore test, with the exporter's state kept
 * current; what a backup holds is read through `listings` (listings.ts). It holds no timers: the
 * job scheduler decides when things run.
 */
import { join } from 'node:path';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import type { BackupConfig, BackupSetConfig } from './config.js';
import type {
  BackupSummary,
  InterruptedRestore,
  PruneReport,
  RestoreReport,
  VerifyResult,
} from './contract.js';
import type { BackupKind } from './create.js';
import { runBackup } from './worker.js';
import type { PassphraseProvider } from './crypto.js';
import type { CommandRunner, HealthCheck } from './hooks.js';
import { httpHealthCheck } from './hooks.js';
import type { BackupMetricsState } from './metrics.js';
import type { RemoteStore } from './remote.js';
import { copyToRemote, type RemoteCopyResult } from './remote-copy.js';
import { restoreBackup } from './restore.js';
import { ManifestCache } from './manifest-cache.js';
import { asArchivePath, BackupListings } from './listings.js';
import { runRestoreTest } from './restore-test.js';
import { interruptedRestore } from './journal.js';
import { pruneStore } from './retention.js';
import { unwritableReason } from './backup-dir.js';
import { BackupStore, lastSuccesses, summaryOf } from './store.js';
import { verifyOnWorker } from './extract-thread.js';
import {
  describeHolder,
  lockBackupDir,
  waitForBackupDir,
  type BackupDirLock,
} from './backup-lock.js';

export interface BackupServiceOptions {
  config: BackupConfig;
  dataDir: string;
  configFile: string | null;
  passphrase?: PassphraseProvider;
  healthCheck?: HealthCheck;
  run?: CommandRunner;
  remote?: RemoteStore | null;
  /**
   * Archive work (backup, a restore's plan and extraction, verify) on the caller's thread instead
   * of a worker (worker.ts, extract-thread.ts): the one-shot CLI.
   */
  inProcess?: boolean;
  /** How long a scheduled backup or a restore test waits for the backup folder (default 6 h). */
  lockWaitMs?: number;
  /**
   * Keep the decrypted file list of the encrypted backup last looked at (manifest-cache.ts): the
   * agent, whose file browser, dry run and restore ask for it in turn. Call close() when done.
   */
  keepManifests?: boolean;
}

/** Longer than any backup we know of; the next daily run is due in a day anyway. */
const LOCK_WAIT_MS = 6 * 3600_000;

export interface BackupRunResult {
  backup: BackupSummary;
  remote: RemoteCopyResult | null;
}

/** A set name that is not configured: the message lists the ones that are. */
export class UnknownSetError extends Error {
  constructor(name: string, known: string[]) {
    super(`no backup set '${name}' (configured: ${known.join(', ')})`);
    this.name = 'UnknownSetError';
  }
}

export class BackupService {
  readonly dir: string;
  readonly store: BackupStore;
  readonly metrics: BackupMetricsState = { lastSuccess: new Map(), restoreTests: new Map() };
  /** What each backup holds: `ccmon ls`, `ccmon diff` and the dashboard's file browser. */
  readonly listings: BackupListings;
  private readonly passphrase: PassphraseProvider;
  private readonly manifests: ManifestCache | null;

  constructor(private readonly opts: BackupServiceOptions) {
    this.dir = opts.config.directory ?? join(opts.dataDir, 'backups');
    this.store = new BackupStore(this.dir);
    this.manifests = opts.keepManifests ? new ManifestCache(this.dir) : null;
    const env = opts.config.encryption.passphraseEnv;
    this.passphrase =
      opts.passphrase ??
      (async () => {
        const p = process.env[env];
        if (!p)
          throw new Error(
            `this archive is encrypted: set ${env} (or keep the passphrase in the tray app's keychain)`,
          );
        return p;
      });
    this.listings = new BackupListings(
      this.store,
      this.dir,
      this.passphrase,
      this.manifests,
      opts.inProcess,
    );
  }

  get config(): BackupConfig {
    return this.opts.config;
  }

  setConfig(name?: string): BackupSetConfig {
    const sets = this.opts.config.sets;
    const set = name === undefined ? sets[0] : sets.find((s) => s.name === name);
    if (!set)
      throw new UnknownSetError(
        name ?? '(none)',
        sets.map((s) => s.name),
      );
    return set;
  }

  list(problems: string[] = []): BackupSummary[] {
    return this.store.list(problems).map(summaryOf);
  }

  /**
   * Back up a set. The backup folder's lock is taken here, on the caller's thread, and handed to
   * the backup worker (a worker that dies cannot leave it behind). A scheduled run waits while
   * another run holds the folder (two sets at the same minute); any other fails at once, saying
   * what holds it, unless `waitForLock` says otherwise.
   */
  async backup(
    setName?: string,
    run: {
      kind?: BackupKind;
      onProgress?: (p: ProgressUpdate) => void;
      signal?: AbortSignal;
      waitForLock?: boolean;
    } = {},
  ): Promise<BackupRunResult> {
    const set = this.setConfig(setName);
    const kind = run.kind ?? 'manual';
    const lock = await this.lockFolder(`${kind} backup of set '${set.name}'`, {
      wait: run.waitForLock ?? kind === 'scheduled',
      onProgress: run.onProgress,
      signal: run.signal,
    });
    let r;
    try {
      r = await runBackup(
        {
          set,
          config: this.opts.config,
          backupDir: this.dir,
          ccmon: { dataDir: this.opts.dataDir, configFile: this.opts.configFile },
          kind,
          passphrase: this.opts.config.encryption.enabled ? this.passphrase : undefined,
          onProgress: run.onProgress,
          signal: run.signal,
          heldLock: lock.token,
        },
        { inProcess: this.opts.inProcess },
      );
    } finally {
      lock.release();
    }
    this.metrics.lastSuccess.set(set.name, {
      timestampSeconds: Date.now() / 1000,
      durationSeconds: r.durationSeconds,
      sizeBytes: r.sizeBytes,
    });
    const record = this.store.list().find((b) => b.id === r.id)!;
    const remote = this.opts.remote
      ? await copyToRemote(this.opts.remote, this.store, record, this.metrics, run.onProgress)
      : null;
    return { backup: summaryOf(record), remote };
  }

  async verify(ref: string, onProgress?: (p: ProgressUpdate) => void): Promise<VerifyResult> {
    const r = this.store.resolve(ref, { files: false });
    return verifyOnWorker(
      r.archivePath,
      { header: r.sidecar, path: r.manifestPath },
      { passphrase: this.passphrase, onProgress, inProcess: this.opts.inProcess },
    );
  }

  async restore(p: {
    ref: string;
    to: string | null;
    dryRun: boolean;
    /** Restore only these paths (as they were backed up), each with what it holds. */
    include?: string[];
    onProgress?: (u: ProgressUpdate) => void;
    /** Every path of the diff is written here too (see RestoreOptions.diffFile). */
    diffFile?: string;
  }): Promise<RestoreReport> {
    // Held from before the archive is looked up to the end: a prune cannot delete it meanwhile.
    // A preview writes nothing and takes no lock; nor does a restore from a folder this process
    // cannot write now (restoreBackup: --to only). A prune meanwhile (of a full disk) would make
    // that restore fail, all-or-nothing as ever, not restore something else.
    const lock =
      p.dryRun || unwritableReason(this.dir)
        ? null
        : await this.lockFolder(`restore of ${p.ref}`, { wait: false });
    try {
      const r = this.store.resolve(p.ref, { files: false });
      const health =
        this.opts.healthCheck ??
        (this.opts.config.restore.healthUrl
          ? httpHealthCheck(this.opts.config.restore.healthUrl)
          : undefined);
      return await restoreBackup({
        archivePath: r.archivePath,
        sidecar: r.sidecar,
        manifestPath: r.manifestPath,
        config: this.opts.config,
        backupDir: this.dir,
        to: p.to,
        dryRun: p.dryRun,
        only: p.include?.map(asArchivePath) ?? null,
        passphrase: this.passphrase,
        healthCheck: health,
        run: this.opts.run,
        onProgress: p.onProgress,
        diffFile: p.diffFile,
        heldLock: lock?.token,
        manifests: this.manifests,
        inProcess: this.opts.inProcess,
      });
    } finally {
      lock?.release();
    }
  }

  /** Removes the decrypted file list kept (keepManifests); the service stays usable. */
  close(): void {
    this.manifests?.close();
  }

  /** A restore killed before it ended (journal.ts); its temporary files are removed on first look. */
  interruptedRestore(): InterruptedRestore | null {
    return interruptedRestore(this.dir);
  }

  prune(dryRun: boolean): PruneReport {
    return pruneStore(this.store, this.opts.config.retention, dryRun);
  }

  /** Extract the newest backup of a set into a temp folder and compare every file with the manifest. */
  async restoreTest(
    setName?: string,
    onProgress?: (p: ProgressUpdate) => void,
    signal?: AbortSignal,
  ): Promise<VerifyResult> {
    const set = this.setConfig(setName).name;
    // Under the lock (waiting for it, like a scheduled backup): a prune cannot take the archive away.
    const lock = await this.lockFolder(`restore test of set '${set}'`, {
      wait: true,
      onProgress,
      signal,
    });
    let result: VerifyResult;
    try {
      result = await runRestoreTest(this.store, set, this.passphrase, onProgress);
    } finally {
      lock.release();
    }
    this.metrics.restoreTests.set(set, { timestampSeconds: Date.now() / 1000, ok: result.ok });
    return result;
  }

  /**
   * The retention policy applied under the folder's lock (`ccmon prune`, AgentApi backup.prune,
   * the agent after a scheduled backup): never while another run writes the folder. With `wait`
   * it waits for the folder as a scheduled backup does; else a busy folder is a BackupBusyError
   * naming its holder. Leftovers of interrupted runs are removed as the lock is taken.
   */
  async pruneUnderLock(w: { wait?: boolean; signal?: AbortSignal } = {}): Promise<PruneReport> {
    let lock: BackupDirLock;
    try {
      lock = await this.lockFolder('prune', {
        wait: w.wait ?? false,
        signal: w.signal,
        clean: true,
      });
    } catch (err) {
      // A full backup disk is when a prune is needed most, and the lock file is what no longer
      // fits there. No other run can take the lock meanwhile (it must write it too), so the prune
      // runs without it, and frees the room the next run needs.
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      return {
        ...this.prune(false),
        note: `the backup folder ${this.dir} is full: pruned without its lock file, which did not fit`,
      };
    }
    try {
      return this.prune(false);
    } finally {
      lock.release();
    }
  }

  /**
   * The backup folder's lock for `what`. Waiting, the run's progress says what it waits for; the
   * wait ends with the run's own signal or after `lockWaitMs`. Runs that hand the lock on (a
   * backup, a restore) leave the clean-up of leftovers to the code they hand it to.
   */
  private async lockFolder(
    what: string,
    w: {
      wait: boolean;
      onProgress?: (p: ProgressUpdate) => void;
      signal?: AbortSignal;
      clean?: boolean;
    },
  ): Promise<BackupDirLock> {
    const clean = w.clean ?? false;
    if (!w.wait) return lockBackupDir(this.dir, { what, clean });
    return waitForBackupDir(this.dir, {
      what,
      clean,
      maxWaitMs: this.opts.lockWaitMs ?? LOCK_WAIT_MS,
      signal: w.signal,
      onWait: (h) =>
        w.onProgress?.({
          phase: `waiting for the backup folder (held by ${h ? describeHolder(h) : 'another run'})`,
          files: 0,
          bytes: 0,
        }),
    });
  }

  /**
   * Rebuild the exporter state from the backups on disk: the agent's, at start. Not in the
   * constructor: the one-shot commands export nothing, and it lists the whole backup folder.
   */
  refreshMetrics(): void {
    for (const [set, last] of lastSuccesses(this.store.list()))
      this.metrics.lastSuccess.set(set, last);
  }
}
