/**
 * Backups as an engine module: one scheduled job per set plus the restore test on the shared
 * JobScheduler, the retention policy applied after each scheduled backup, AgentApi handlers,
 * progress and result events, and the exporter's backup gauges.
 */
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { RequestHandlers } from '../api.js';
import { RequestError } from '../local-api.js';
import type { JobScheduler, ProgressUpdate } from '../jobs/scheduler.js';
import type { JobProgress } from '../jobs/contract.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import { readJsonOr, writeJsonAtomic } from '../atomic-file.js';
import { namedChanges } from '../config/named-changes.js';
import type { BackupConfig, BackupSetConfig } from './config.js';
import type { BackupEvents, backupRequests, PruneReport } from './contract.js';
import type { PassphraseProvider } from './crypto.js';
import type { HealthCheck } from './hooks.js';
import type { PassphraseKeeper } from './passphrase.js';
import { humanBytes } from '../bytes.js';
import { registerBackupMetrics } from './metrics.js';
import { s3Store } from './remote.js';
import { RestoreInputError } from './restore-manifest.js';
import { BackupService, UnknownSetError } from './service.js';
import { retentionLine, bothRetentions, scheduledRetention } from './scheduled-retention.js';
import { BackupBusyError, BackupNotFoundError } from './store.js';

export interface BackupModuleOptions {
  config: BackupConfig;
  dataDir: string;
  configFile: string | null;
  scheduler: JobScheduler;
  registry: Registry;
  logger: Logger;
  emit: <E extends keyof BackupEvents>(event: E, payload: BackupEvents[E]) => void;
  passphrase?: PassphraseProvider;
  /** backup.passphrase / backup.setPassphrase: the agent's secret store (absent: not offered). */
  passphraseKeeper?: PassphraseKeeper;
  healthCheck?: HealthCheck;
}

/** Every request of the backup contract is this module's to answer. */
type BackupRequest = keyof typeof backupRequests;

export interface BackupModule extends EngineModule {
  handlers: Pick<RequestHandlers, BackupRequest>;
  service: BackupService;
  /**
   * Apply a new backup section while running (config reload): added sets are scheduled at once,
   * removed ones' jobs are unregistered (their archives stay), changed sources, schedules, retention,
   * compression and restore hooks apply from the next run; a running backup is never interrupted
   * (it runs with the set it started with). Returns the fields that only apply at the next start.
   */
  reload(next: BackupConfig): { restartRequired: string[] };
  /** For maintenance's config-backup task: one backup now, its one-line summary. */
  backupNow(set: string | null): Promise<string>;
}

export const backupJobId = (set: string) => `backup-${set}`;
export const restoreTestJobId = (set: string) => `restore-test-${set}`;

export function createBackupModule(opts: BackupModuleOptions): BackupModule {
  const service = new BackupService({
    config: opts.config,
    dataDir: opts.dataDir,
    configFile: opts.configFile,
    passphrase: opts.passphrase,
    healthCheck: opts.healthCheck,
    remote: opts.config.s3 ? s3Store(opts.config.s3) : null,
    keepManifests: true,
  });
  service.refreshMetrics();
  // Read at scrape time: a reload's added or removed sets show at the next scrape.
  registerBackupMetrics(opts.registry, service.metrics, () => opts.config.sets.map((s) => s.name));
  /**
   * The last restore test of each set, kept in the data folder: the next is a week away by
   * default, and a restart made backup.list and the restore-test gauges forget a failed one.
   */
  const testsFile = join(opts.dataDir, 'backup', 'restore-tests.json');
  const lastTests = new Map<string, BackupEvents['backup.restoreTest']>();

  /**
   * Since when each set has been in the config, kept in the data folder: a set that never had a
   * successful backup is stale 26 h after it was configured, however often ccmon restarted (a
   * desktop app rarely runs 26 h in one go). A set that leaves the config is forgotten.
   */
  const setsFile = join(opts.dataDir, 'backup', 'sets.json');
  const configuredSince = new Map<string, number>();
  service.metrics.configuredSince = configuredSince;
  const noteConfiguredSets = () => {
    const names = new Set(opts.config.sets.map((s) => s.name));
    const now = Math.floor(Date.now() / 1000);
    let changed = false;
    for (const name of names)
      if (!configuredSince.has(name)) {
        configuredSince.set(name, now);
        changed = true;
      }
    for (const name of configuredSince.keys())
      if (!names.has(name)) {
        configuredSince.delete(name);
        changed = true;
      }
    if (!changed) return;
    try {
      writeJsonAtomic(setsFile, Object.fromEntries(configuredSince));
    } catch (err) {
      opts.logger.warn(
        `could not keep when the backup sets were configured: ${(err as Error).message}`,
      );
    }
  };

  const { retain, backupMakingRoom } = scheduledRetention(service, opts.logger);

  const runSet = async (
    set: string,
    progress: (u: ProgressUpdate) => void,
    signal?: AbortSignal,
    kind: 'scheduled' | 'manual' = 'manual',
  ) => {
    try {
      const { r, madeRoom } = await backupMakingRoom(set, { kind, onProgress: progress, signal });
      const ok = r.remote?.ok !== false;
      const after = ok && kind === 'scheduled' ? await retain(set, signal) : undefined;
      const retention =
        madeRoom && after ? bothRetentions(madeRoom, after) : (after ?? madeRoom ?? undefined);
      const message =
        `${r.backup.id}: ${r.backup.files} files, ${humanBytes(r.backup.sizeBytes)}` +
        (madeRoom
          ? `, after the folder was found full and ${retentionLine(madeRoom)} (${madeRoom.removed.join(', ')})`
          : '') +
        (r.remote ? `; ${r.remote.message}` : '') +
        (after?.error
          ? `; retention not applied: ${after.error}`
          : after?.removed.length
            ? `; ${retentionLine(after)} (${after.removed.join(', ')})`
            : '');
      opts.emit('backup.finished', { set, ok, backup: r.backup, message, retention });
      if (!ok) throw new Error(message);
      return message;
    } catch (err) {
      opts.emit('backup.finished', {
        set,
        ok: false,
        backup: null,
        message: (err as Error).message,
      });
      throw err;
    }
  };

  const registerSet = (set: BackupSetConfig) => {
    opts.scheduler.register({
      id: backupJobId(set.name),
      title: `Backup ${set.name}`,
      schedule: set.schedule,
      catchUp: true,
      run: (ctx) =>
        runSet(
          set.name,
          ctx.progress,
          ctx.signal,
          ctx.trigger === 'manual' ? 'manual' : 'scheduled',
        ),
    });
    opts.scheduler.register({
      id: restoreTestJobId(set.name),
      title: `Restore test ${set.name}`,
      schedule: opts.config.restoreTestSchedule,
      catchUp: false,
      run: async (ctx) => {
        const r = await service.restoreTest(set.name, ctx.progress, ctx.signal); // sets its gauges
        lastTests.set(set.name, r);
        try {
          writeJsonAtomic(testsFile, Object.fromEntries(lastTests));
        } catch (err) {
          opts.logger.warn(`could not keep the restore test's result: ${(err as Error).message}`);
        }
        opts.emit('backup.restoreTest', r);
        if (!r.ok)
          throw new Error(
            `restore test of ${r.id ?? set.name} failed: ${r.problems.slice(0, 3).join('; ')}`,
          );
        return `restore test of ${r.id}: ${r.files} files match`;
      },
    });
  };
  for (const set of opts.config.sets) registerSet(set);

  /**
   * A set removed from the config: its backup and restore-test jobs are unregistered (a running
   * backup finishes with the set it started with, then its job is gone); its archives stay listed.
   */
  const retireSet = (name: string) => {
    opts.scheduler.unregister(backupJobId(name));
    opts.scheduler.unregister(restoreTestJobId(name));
  };

  const reload = (next: BackupConfig): { restartRequired: string[] } => {
    // Wired once at start: the folder (store, metrics), the S3 client, the passphrase provider.
    const restartRequired = (['directory', 's3'] as const)
      .filter((k) => JSON.stringify(opts.config[k]) !== JSON.stringify(next[k]))
      .map((k) => `backup.${k}`);
    if (opts.config.encryption.passphraseEnv !== next.encryption.passphraseEnv)
      restartRequired.push('backup.encryption.passphraseEnv');
    if (restartRequired.length) return { restartRequired };
    const before = opts.config.sets;
    const testScheduleChanged = opts.config.restoreTestSchedule !== next.restoreTestSchedule;
    // In place: the service and the handlers read this object. A running backup already holds
    // its own set object (service.backup took it from the old array), so it is not affected.
    Object.assign(opts.config, structuredClone(next));
    const { changed, removed } = namedChanges(before, opts.config.sets);
    for (const set of testScheduleChanged ? opts.config.sets : changed) registerSet(set);
    for (const name of removed) retireSet(name);
    noteConfiguredSets();
    return { restartRequired: [] };
  };

  const keeper = (): PassphraseKeeper => {
    if (!opts.passphraseKeeper)
      throw new RequestError(
        'bad_request',
        'this agent keeps no secrets: set the passphrase in its environment',
      );
    return opts.passphraseKeeper;
  };
  const wrap = async <T>(fn: () => Promise<T> | T): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UnknownSetError || err instanceof BackupNotFoundError)
        throw new RequestError('not_found', err.message);
      if (err instanceof RestoreInputError) throw new RequestError('bad_request', err.message);
      throw err;
    }
  };

  return {
    name: 'backup',
    service,
    reload,
    // Through the scheduler, so it never overlaps the set's scheduled run and shows in the history.
    backupNow: async (set) => {
      const run = await opts.scheduler.run(
        backupJobId(service.setConfig(set ?? undefined).name),
        'manual',
      );
      if (run.status === 'failed') throw new Error(run.message);
      return run.message;
    },
    handlers: {
      'backup.list': () =>
        wrap(() => {
          const problems: string[] = [];
          const backups = service.list(problems);
          const jobs = new Map(opts.scheduler.list().map((j) => [j.id, j]));
          return {
            directory: service.dir,
            backups,
            problems,
            interruptedRestore: service.interruptedRestore(),
            sets: opts.config.sets.map((s) => {
              const job = jobs.get(backupJobId(s.name));
              return {
                set: s.name,
                schedule: s.schedule,
                nextRunAt: job?.nextRunAt ?? null,
                running: job?.running ?? false,
                lastBackup: backups.find((b) => b.set === s.name && b.kind !== 'safety') ?? null,
                lastRun: job?.lastRun ?? null,
                lastRestoreTest: lastTests.get(s.name) ?? null,
              };
            }),
          };
        }),
      'backup.run': (p) =>
        wrap(
          async () =>
            (await opts.scheduler.trigger(backupJobId(service.setConfig(p.set).name), 'manual'))
              .started,
        ),
      'backup.verify': (p) => wrap(() => service.verify(p.id)),
      'backup.files': (p) =>
        wrap(() =>
          service.listings.folder(p.id, p.path ?? null, { match: p.match, offset: p.offset }),
        ),
      'backup.changes': (p) =>
        wrap(() => service.listings.changes(p.from, p.to, p.path ?? null, { offset: p.offset })),
      'backup.restorePreview': (p) =>
        wrap(() =>
          service.restore({ ref: p.id, to: p.to ?? null, include: p.include, dryRun: true }),
        ),
      'backup.restore': (p) =>
        wrap(async () => {
          const target = service.store.resolve(p.id, { files: false });
          const id = target.sidecar?.id ?? p.id;
          if (p.confirm !== id)
            throw new RequestError(
              'bad_request',
              `to restore, confirm by typing the backup id '${id}'`,
            );
          // The archive confirmed, not `id` again: `latest` may name a newer one by now.
          return service.restore({
            ref: target.archivePath,
            to: p.to ?? null,
            include: p.include,
            dryRun: false,
          });
        }),
      'backup.passphrase': () => keeper().status(),
      'backup.setPassphrase': (p) => keeper().set(p.passphrase),
      'backup.prunePreview': () => wrap(() => service.prune(true)),
      'backup.prune': () =>
        wrap(async () => {
          let r: PruneReport;
          try {
            r = await service.pruneUnderLock();
          } catch (err) {
            // Its message names the folder and says to try again once the other run ends.
            if (err instanceof BackupBusyError) throw new RequestError('bad_request', err.message);
            throw err;
          }
          opts.logger.info(
            r.removed.length
              ? `prune: ${retentionLine(r)}: ${r.removed.join(', ')}`
              : 'prune: nothing to remove',
          );
          return r;
        }),
    },
    async start() {
      const kept = readJsonOr<Record<string, BackupEvents['backup.restoreTest']>>(
        testsFile,
        {},
        opts.logger,
      );
      for (const [set, r] of Object.entries(kept)) {
        if (typeof r?.checkedAt !== 'string' || typeof r.ok !== 'boolean') continue;
        lastTests.set(set, r);
        service.metrics.restoreTests.set(set, {
          timestampSeconds: Date.parse(r.checkedAt) / 1000,
          ok: r.ok,
        });
      }
      const since = readJsonOr<Record<string, unknown>>(setsFile, {}, opts.logger);
      for (const [set, t] of Object.entries(since))
        if (typeof t === 'number' && Number.isFinite(t)) configuredSince.set(set, t);
      noteConfiguredSets();
      // A restore killed last time: say so once at start (backup.list keeps reporting it).
      const interrupted = service.interruptedRestore();
      if (interrupted) opts.logger.warn(interrupted.message);
    },
    async stop() {
      service.close();
    },
  };
}

/** `job.progress` of a backup job, re-published as `backup.progress` with its set. */
export function backupProgressBridge(emit: BackupModuleOptions['emit']): (p: JobProgress) => void {
  return (p) => {
    if (p.jobId.startsWith('backup-'))
      emit('backup.progress', { ...p, set: p.jobId.slice('backup-'.length) });
  };
}
