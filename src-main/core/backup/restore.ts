/**
 * Restore (the seed's restore.sh, made safe): check the archive and show the diff; then, in place,
 * take a safety backup of the current state, stop the service, extract (all-or-nothing, see
 * extract.ts), restore the database dump when a restore command is configured, start the service,
 * and verify (service active + health check). When verification fails, roll back to the safety
 * backup the same way. `to` restores into another folder: no hooks, no safety backup. `only`
 * restores part of a backup, in place (its safety backup holds only what it replaces) or elsewhere.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import type { BackupConfig, BackupSetConfig } from './config.js';
import type { RestoreReport } from './contract.js';
import type { PassphraseProvider } from './crypto.js';

export type { RestoreReport };
import { roomShortfall } from './diff.js';
import { ExtractionFailedError, extractOnWorker, planOnWorker } from './extract-thread.js';
import type { ExtractResult } from './extract.js';
import {
  runCommand,
  runHook,
  type CommandRunner,
  type HealthCheck,
  type HookResult,
} from './hooks.js';
import { destinationMapper, livePath } from './destination.js';
import { DUMP_PREFIX, type BackupSidecar } from './manifest.js';
import type { ManifestCache } from './manifest-cache.js';
import {
  requireInBackup,
  RestoreInputError,
  withRestoreManifest,
  type Manifest,
} from './restore-manifest.js';
import { crashPoint } from './crash-points.js';
import { claimJournal, RestoreJournal } from './journal.js';
import { rollBack, safetyBackup, startAndVerify } from './restore-steps.js';
import { rootsOf } from './safety.js';
import { lockBackupDir } from './backup-lock.js';
import { NO_SPACE, unwritableReason } from './backup-dir.js';
import { BackupStore, restoreWorkDir } from './store.js';

export interface RestoreOptions {
  archivePath: string;
  /** The sidecar's header (no file list) and its path, when the archive has one. */
  sidecar: BackupSidecar | null;
  manifestPath: string | null;
  config: BackupConfig;
  backupDir: string;
  /** Restore into this folder instead of in place. */
  to: string | null;
  /**
   * Archive paths (`fs/etc/claude-code/x.json`): restore only these, each with what it holds
   * (destinationMapper). In place, what is removed stays within them (diff.ts), the safety backup
   * holds only them (restore-steps.ts: partSources), and the database dump is not restored.
   */
  only?: string[] | null;
  dryRun: boolean;
  passphrase?: PassphraseProvider;
  healthCheck?: HealthCheck;
  /** Injected in tests; runs the hooks. */
  run?: CommandRunner;
  onProgress?: (p: ProgressUpdate) => void;
  signal?: AbortSignal;
  /** Also write every path of the diff here (DiffLists' format): `ccmon restore --json` prints them. */
  diffFile?: string;
  /**
   * The token of the backup folder's lock when the caller took it for this restore (service.ts);
   * otherwise a restore that writes takes it here. Held to the end, it keeps a prune from deleting
   * the archive and a backup from running meanwhile; the safety backup runs under it.
   */
  heldLock?: string;
  /** Where an encrypted backup's file list is kept between requests (the agent's service). */
  manifests?: ManifestCache | null;
  /** Plan and extract on this thread, not a worker (extract-thread.ts: the one-shot CLI). */
  inProcess?: boolean;
}

export async function restoreBackup(given: RestoreOptions): Promise<RestoreReport> {
  // A `--to` that is a symlink is followed, as `tar -C` does: the admin named it. What lies below
  // it is still checked for symlinks (nothing is written through one the archive did not name).
  // An empty list of paths is the whole backup.
  const opts = {
    ...given,
    to: given.to === null ? null : followedTarget(given.to),
    only: given.only?.length ? given.only : null,
  };
  // A backup folder this process cannot write now (a read-only mount, a snapshot, a full disk): a
  // restore --to reads it without a lock or a journal, as restic's --no-lock does; in place, the
  // safety backup must be written there first.
  const readOnly = opts.dryRun ? null : unwritableReason(opts.backupDir);
  if (readOnly && opts.to === null)
    throw new RestoreInputError(
      `a restore in place first writes a safety backup into the backup folder ${opts.backupDir}, which cannot be written (${readOnly}): ${readOnly === NO_SPACE ? 'free some space there' : 'make it writable'}, or restore into another folder with --to DIR`,
    );
  if (!opts.dryRun && !readOnly && opts.heldLock === undefined) {
    const lock = lockBackupDir(opts.backupDir, {
      what: `restore of ${basename(opts.archivePath)}`,
      clean: false,
    });
    try {
      return await restoreBackup({ ...opts, heldLock: lock.token });
    } finally {
      lock.release();
    }
  }
  return withRestoreManifest(
    opts,
    opts.backupDir,
    'lists',
    opts.passphrase,
    (manifest, work) =>
      restoreChecked(opts, manifest, opts.diffFile ?? join(work, 'diff'), work, readOnly === null),
    { manifests: opts.manifests },
  );
}

/** For messages: ` (only /etc/x, /etc/y)` when only part of a backup is restored. */
function partOf(only: readonly string[] | null): string {
  return only ? ` (only ${only.map(livePath).join(', ')})` : '';
}

/** `to` with the symlinks on its way resolved, when it exists (a new folder is made as named). */
function followedTarget(to: string): string {
  try {
    return realpathSync(to);
  } catch {
    return to;
  }
}

async function restoreChecked(
  opts: RestoreOptions,
  manifest: Manifest,
  diffFile: string,
  work: string,
  /** Whether the backup folder takes the journal (false: read-only, see restoreBackup). */
  journaled: boolean,
): Promise<RestoreReport> {
  const t0 = performance.now();
  const setConfig = opts.config.sets.find((s) => s.name === manifest.set) ?? null;
  const dbRestore = setConfig?.database?.restoreCommand ?? null;
  const inPlace = opts.to === null;
  const only = opts.only ?? null;
  const dumpDir =
    inPlace && dbRestore && !only && !opts.dryRun ? restoreWorkDir(opts.backupDir, 'dump') : null;
  const destinationOf = destinationMapper(opts.to, dumpDir);
  if (only) requireInBackup(only, manifest);
  // The plan lists files: the dump's temporary copy (dumpDir) is not one of them.
  const diff = await planOnWorker({
    inProcess: opts.inProcess,
    manifest,
    to: opts.to,
    dumpDir: null,
    only,
    removals: inPlace,
    diffFile,
  });
  const report: RestoreReport = {
    ok: true,
    id: manifest.id,
    archive: opts.archivePath,
    target: opts.to ?? 'in place',
    dryRun: opts.dryRun,
    diff,
    safetyBackup: null,
    steps: [],
    rolledBack: false,
    message: '',
    durationSeconds: 0,
  };
  const done = (ok: boolean, message: string) => {
    report.ok = ok;
    report.message = message;
    report.durationSeconds = Math.round(performance.now() - t0) / 1000;
    if (dumpDir) rmSync(dumpDir, { recursive: true, force: true });
    return report;
  };
  // Refused before the safety backup and the stop hook when it cannot fit: a restore that fills
  // the disk fails all-or-nothing, but with the service stopped meanwhile.
  const short = (diff.space ?? [])
    .filter((s) => s.short.length > 0)
    .map(roomShortfall)
    .join('; ');
  if (opts.dryRun)
    return done(
      true,
      `dry run of ${manifest.id} (${manifest.createdAt}) ${inPlace ? 'in place' : `into ${opts.to}`}${partOf(only)}: ${diff.counts.added} added, ${diff.counts.changed} changed, ${diff.counts.removed} removed, ${diff.unchanged} unchanged${diff.hardlinks ? `; ${hardLinks(diff.hardlinks)} kept` : ''}${short ? `; it would not fit: it writes ${short}` : ''}`,
    );
  if (short)
    return done(false, `not enough space: this restore writes ${short}; nothing was changed`);

  const roots = inPlace ? rootsOf(manifest, destinationOf) : [opts.to!];
  if (dumpDir) roots.push(dumpDir);
  report.interrupted = journaled ? claimJournal(opts.backupDir) : null;
  const journal = new RestoreJournal(opts.backupDir, journaled);
  const tempSuffix = randomBytes(4).toString('hex');
  journal.begin({
    id: manifest.id,
    archive: opts.archivePath,
    target: opts.to,
    phase: inPlace ? 'safety-backup' : 'extracting',
    safetyBackup: null,
    serviceStopped: false,
    tempSuffix,
    roots,
    only,
  });
  // Temporary files a failed extraction could not remove: the journal stays for the next start.
  let tempsLeft = false;
  const failed = (err: unknown) => {
    if (err instanceof ExtractionFailedError && err.tempsLeft) tempsLeft = true;
  };
  try {
    return await restoreJournaled(opts, {
      manifest,
      setConfig,
      dumpDir,
      destinationOf,
      diffFile,
      work,
      roots,
      report,
      tempSuffix,
      journal,
      done,
      failed,
    });
  } catch (err) {
    failed(err);
    throw err;
  } finally {
    // Ended knowingly (success, rollback or a reported error): nothing for a later start to recover.
    if (tempsLeft) journal.keep();
    else journal.finish();
  }
}

interface RestoreRun {
  manifest: Manifest;
  setConfig: BackupSetConfig | null;
  dumpDir: string | null;
  destinationOf: (path: string) => string | null;
  diffFile: string;
  work: string;
  roots: string[];
  report: RestoreReport;
  tempSuffix: string;
  journal: RestoreJournal;
  done: (ok: boolean, message: string) => RestoreReport;
  /** Notes an extraction error the restore reports rather than throws. */
  failed: (err: unknown) => void;
}

/** The writing part of a restore, each phase recorded in the journal before it starts. */
async function restoreJournaled(opts: RestoreOptions, r: RestoreRun): Promise<RestoreReport> {
  const { manifest, setConfig, destinationOf, roots, report, journal, done } = r;
  const dbRestore = setConfig?.database?.restoreCommand ?? null;
  const only = opts.only ?? null;
  if (opts.to !== null) {
    const x = await extractOnWorker({
      inProcess: opts.inProcess,
      archivePath: opts.archivePath,
      manifest,
      to: opts.to,
      dumpDir: null,
      only,
      roots,
      passphrase: opts.passphrase,
      signal: opts.signal,
      onProgress: opts.onProgress,
      tempSuffix: r.tempSuffix,
      onCommit: () => journal.update({ phase: 'committing' }),
      crashLabel: 'restore',
    });
    return done(
      true,
      `restored ${x.files} files (${x.dirs} folders, ${x.symlinks} symlinks) into ${opts.to}${partOf(only)}${linksNote(x)}`,
    );
  }

  const run = opts.run ?? runCommand;
  const hooks = opts.config.restore;
  const step = async (name: HookResult['name'], cmd: string[] | null, stdinFile?: string) => {
    const r = await runHook(name, cmd, run, hooks.hookTimeoutSeconds, stdinFile);
    report.steps.push(r);
    return r;
  };
  const safety = await safetyBackup(opts, manifest, setConfig);
  report.safetyBackup = safety.id;
  // Recorded before the hook runs: killed during it, the service may be down either way.
  journal.update({
    safetyBackup: safety.id,
    phase: 'stopping',
    serviceStopped: !!hooks.stopCommand,
  });
  crashPoint('restore-stopping');
  // A restore that changed nothing in place leaves no safety backup behind: it would only be a
  // copy of what is still there, and each failed attempt added a full one.
  const dropSafety = () => {
    new BackupStore(opts.backupDir).remove(safety);
    report.safetyBackup = null;
  };
  const stop = await step('stop', hooks.stopCommand);
  if (stop.status === 'failed') {
    dropSafety();
    return done(false, `stopping the service failed (${stop.message}); nothing was restored`);
  }
  journal.update({ phase: 'extracting' });
  let links: string;
  try {
    const x = await extractOnWorker({
      inProcess: opts.inProcess,
      archivePath: opts.archivePath,
      manifest,
      to: null,
      dumpDir: r.dumpDir,
      only,
      roots,
      removeFrom: r.diffFile,
      passphrase: opts.passphrase,
      signal: opts.signal,
      onProgress: opts.onProgress,
      tempSuffix: r.tempSuffix,
      onCommit: () => journal.update({ phase: 'committing' }),
      crashLabel: 'restore',
    });
    links = linksNote(x);
  } catch (err) {
    r.failed(err);
    await step('start', hooks.startCommand);
    const partly = err instanceof ExtractionFailedError && err.committing;
    if (!partly) dropSafety();
    return done(
      false,
      partly
        ? `${(err as Error).message}. Finish with: ccmon restore ${manifest.id} --yes, or roll back to the state before it with: ccmon restore ${safety.id} --yes`
        : (err as Error).message,
    );
  }
  // A part of a backup leaves the database alone: its dump is never among the chosen paths.
  let dumpFile: { path: string } | undefined;
  if (!only)
    for (const f of manifest.files())
      if (f.path.startsWith(DUMP_PREFIX) && f.source === 'database') dumpFile ??= f;
  let verified = true;
  journal.update({ phase: dbRestore && dumpFile ? 'database' : 'starting' });
  if (dbRestore && dumpFile)
    verified =
      (await step('database', dbRestore, destinationOf(dumpFile.path)!)).status !== 'failed';
  else if (dumpFile)
    report.steps.push({
      name: 'database',
      command: '',
      status: 'skipped',
      message: `the archive holds a database dump (${dumpFile.path}) but backup.sets[].database.restoreCommand is not set; restore it with --to DIR and your database's tool`,
    });
  journal.update({ phase: 'starting' });
  verified = (await startAndVerify(step, opts, hooks, report, journal)) && verified;
  if (verified)
    return done(
      true,
      `restored ${manifest.id} in place${partOf(only)}; safety backup ${safety.id}${links}`,
    );

  // Verification failed: put the safety backup back, the same careful way.
  const again = await rollBack(step, opts, hooks, report, {
    safetyId: safety.id,
    work: r.work,
    tempSuffix: r.tempSuffix,
    journal,
  });
  return done(
    false,
    `verification failed after restoring ${manifest.id}; rolled back to the safety backup ${safety.id}${again ? '' : ' (the service still fails verification)'}`,
  );
}

/** What a restore says of hard links: those made again, and those left as separate files. */
function linksNote(x: ExtractResult): string {
  const h = x.hardlinks;
  if (!h) return '';
  const made = h.linked ? `; ${hardLinks(h.linked)} kept` : '';
  return h.firstError === null
    ? made
    : `${made}; ${hardLinks(h.failed)} restored as separate files (${h.firstError})`;
}

const hardLinks = (count: number) => `${count} hard link${count === 1 ? '' : 's'}`;
