/**
 * The steps a restore in place shares with its rollback: the safety backup of what is about to be
 * replaced (a backup of the same folders, kind `safety`, on the backup worker), start +
 * verification (start hook, the seed's settle time, is-active, the health check), and the rollback
 * itself.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackupConfig, BackupSetConfig, BackupSourceConfig } from './config.js';
import type { RestoreReport } from './contract.js';
import type { BackupResult } from './create.js';
import { crashPoint } from './crash-points.js';
import { destinationMapper, livePath, within } from './destination.js';
import { extractOnWorker, planOnWorker } from './extract-thread.js';
import type { HookResult } from './hooks.js';
import type { RestoreJournal } from './journal.js';
import type { ManifestSource } from './manifest.js';
import { isBelow } from './paths.js';
import type { RestoreOptions } from './restore.js';
import { loadRestoreManifest, type Manifest } from './restore-manifest.js';
import { rootsOf } from './safety.js';
import { BackupStore } from './store.js';
import { runBackup } from './worker.js';

type Step = (name: HookResult['name'], cmd: string[] | null) => Promise<HookResult>;

export async function startAndVerify(
  step: Step,
  opts: RestoreOptions,
  hooks: BackupConfig['restore'],
  report: RestoreReport,
  journal: RestoreJournal | null,
): Promise<boolean> {
  const start = await step('start', hooks.startCommand);
  journal?.update({ phase: 'verifying' });
  crashPoint('restore-verifying');
  if (hooks.settleSeconds > 0 && start.status !== 'skipped')
    await new Promise((r) => setTimeout(r, hooks.settleSeconds * 1000));
  const active = await step('active', hooks.activeCommand);
  let healthy = true;
  if (opts.healthCheck) {
    const h = await opts
      .healthCheck()
      .catch((err: Error) => ({ healthy: false, summary: err.message }));
    healthy = h.healthy;
    report.steps.push({
      name: 'health',
      command: 'health check',
      status: h.healthy ? 'ok' : 'failed',
      message: h.summary,
    });
  }
  return start.status !== 'failed' && active.status !== 'failed' && healthy;
}

/**
 * Puts safety backup `safetyId` back after a restore whose verification failed, as carefully as
 * the restore went (stop; plan; extraction with its own commit phase; start and verify): whether
 * the service passes verification again.
 */
export async function rollBack(
  step: Step,
  opts: RestoreOptions,
  hooks: BackupConfig['restore'],
  report: RestoreReport,
  run: { safetyId: string; work: string; tempSuffix: string; journal: RestoreJournal },
): Promise<boolean> {
  report.rolledBack = true;
  run.journal.update({ phase: 'rolling-back' });
  crashPoint('restore-rolling-back');
  await step('stop', hooks.stopCommand);
  const back = new BackupStore(opts.backupDir).resolve(run.safetyId, { files: false });
  const work = join(run.work, 'rollback');
  mkdirSync(work);
  const manifest = await loadRestoreManifest(
    back.archivePath,
    { header: back.sidecar, path: back.manifestPath },
    work,
    opts.passphrase,
  );
  const diffFile = join(work, 'diff');
  const inProcess = opts.inProcess;
  await planOnWorker({ inProcess, manifest, to: null, dumpDir: null, removals: true, diffFile });
  await extractOnWorker({
    inProcess,
    archivePath: back.archivePath,
    manifest,
    to: null,
    dumpDir: null,
    roots: rootsOf(manifest, destinationMapper(null, null)),
    removeFrom: diffFile,
    passphrase: opts.passphrase,
    tempSuffix: run.tempSuffix,
    onCommit: () => run.journal.update({ phase: 'rollback-committing' }),
    crashLabel: 'rollback',
  });
  return startAndVerify(step, opts, hooks, report, null);
}

export async function safetyBackup(
  opts: RestoreOptions,
  m: Manifest,
  setConfig: BackupSetConfig | null,
): Promise<BackupResult> {
  const restored = m.sources.filter(
    (s) => (s.kind === 'directory' || s.kind === 'ccmon') && s.status === 'ok',
  );
  const only = opts.only ?? null;
  return runBackup({
    set: {
      name: m.set,
      schedule: null,
      sources: only
        ? partSources(restored, only)
        : restored.map((s) => ({
            path: s.origin,
            include: s.include ?? [],
            exclude: s.exclude ?? [],
          })),
      // A part of a backup never holds its dump (destinationMapper): the database is not touched.
      database: !only && setConfig?.database?.restoreCommand ? setConfig.database : null,
      redis: null,
      ccmonState: false,
    },
    config: opts.config,
    backupDir: opts.backupDir,
    kind: 'safety',
    passphrase: opts.passphrase,
    signal: opts.signal,
    // Under the restore's lock: taking it again would find it busy.
    heldLock: opts.heldLock,
  });
}

/**
 * What a restore of part of a backup replaces, as the sources of its safety backup: a source the
 * chosen paths hold whole (a folder above it was chosen) with its globs; otherwise each chosen
 * path as it is in place, or, when it is missing there or a symlink, the nearest folder above it
 * inside its source. Rolling back restores that safety backup in full, so what the restore added
 * (a deleted file put back, the folders above it) is removed again, and nothing outside the chosen
 * paths is touched. A source missing in place has nothing to keep: the restore creates it.
 */
export function partSources(
  sources: readonly ManifestSource[],
  only: readonly string[],
): BackupSourceConfig[] {
  const found: BackupSourceConfig[] = [];
  for (const c of only)
    for (const s of sources) {
      if (within(c, s.archivePath))
        found.push({ path: s.origin, include: s.include ?? [], exclude: s.exclude ?? [] });
      else if (within(s.archivePath, c)) {
        const root = livePath(s.archivePath);
        let p = livePath(c);
        while (p !== root && !isPlain(p)) p = dirname(p);
        if (isPlain(p)) found.push({ path: p, include: [], exclude: [] });
      }
    }
  // A path below another one kept is in that one's backup already.
  found.sort((a, b) => a.path.length - b.path.length);
  return found.filter(
    (f, i) => !found.slice(0, i).some((g) => g.path === f.path || isBelow(f.path, g.path)),
  );
}

/** Whether `p` exists in place as a file or folder (not a symlink, which a walk would follow). */
function isPlain(p: string): boolean {
  const st = lstatSync(p, { throwIfNoEntry: false });
  return !!st && (st.isFile() || st.isDirectory());
}
