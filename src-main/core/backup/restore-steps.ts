/**
 * The steps a restore in place shares with its rollback: the safety backup of what is about to be
 * replaced (a backup of the same folders, kind `safety`, on the backup worker), and start +
 * verification (start hook, the seed's settle time, is-active, the health check).
 */
import type { BackupConfig, BackupSetConfig } from './config.js';
import type { RestoreReport } from './contract.js';
import type { BackupResult } from './create.js';
import { crashPoint } from './crash-points.js';
import type { HookResult } from './hooks.js';
import type { RestoreJournal } from './journal.js';
import type { RestoreOptions } from './restore.js';
import type { Manifest } from './restore-manifest.js';
import { runBackup } from './worker.js';

export async function startAndVerify(
  step: (name: HookResult['name'], cmd: string[] | null) => Promise<HookResult>,
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

export async function safetyBackup(
  opts: RestoreOptions,
  m: Manifest,
  setConfig: BackupSetConfig | null,
): Promise<BackupResult> {
  const sources = m.sources
    .filter((s) => (s.kind === 'directory' || s.kind === 'ccmon') && s.status === 'ok')
    .map((s) => ({ path: s.origin, include: s.include ?? [], exclude: s.exclude ?? [] }));
  return runBackup({
    set: {
      name: m.set,
      schedule: null,
      sources,
      database: setConfig?.database?.restoreCommand ? setConfig.database : null,
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
