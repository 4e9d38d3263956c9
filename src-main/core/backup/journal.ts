/**
 * The restore journal: one small file in the backup folder that says which restore is running and
 * how far it got (phase, safety backup, whether the service was stopped, the suffix of its
 * temporary files). It is rewritten atomically at every phase and removed when the restore ends,
 * so a journal whose process is gone means a restore was killed (kill -9, power loss).
 *
 * What happens then is what restic and a careful admin expect: nothing is changed behind the
 * admin's back. The next start (CLI or agent) removes the dead restore's temporary files (they
 * never replaced anything), and reports the interruption with the safety backup's id and the two
 * commands that end it: finish the restore, or roll back to the safety backup. The report stays
 * until the next restore completes. No automatic rollback: the kill may have been the admin's own,
 * and rewriting live configuration at an unrelated start would be a surprise of its own.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { InterruptedRestore, RestorePhase } from './contract.js';
import { BackupBusyError } from './backup-lock.js';
import { livePath, RESTORE_TEMP_INFIX } from './destination.js';
import { processAlive } from '../system/pid.js';
import { writeFileAtomicSync } from '../atomic-file.js';

export type { InterruptedRestore, RestorePhase };
export { RESTORE_TEMP_INFIX };

export const JOURNAL_FILE = '.ccmon-restore.journal.json';

export interface RestoreJournalEntry {
  pid: number;
  id: string;
  archive: string;
  /** null: in place. */
  target: string | null;
  phase: RestorePhase;
  safetyBackup: string | null;
  serviceStopped: boolean;
  tempSuffix: string;
  /** Folders the extraction writes into (where its temporary files may be). */
  roots: string[];
  /** Archive paths, when only part of the backup was being restored (RestoreOptions.only). */
  only?: string[] | null;
  startedAt: string;
  updatedAt: string;
  /** Set once a later start removed the temporary files. */
  tempsRemoved?: number;
}

/** Phases after which the target may differ from its state before the restore. */
const CHANGED: RestorePhase[] = [
  'committing',
  'database',
  'starting',
  'verifying',
  'rolling-back',
  'rollback-committing',
];

export class RestoreJournal {
  readonly path: string;
  private entry: RestoreJournalEntry | null = null;

  /**
   * `keeps`: false for a restore --to from a backup folder this process cannot write now (a
   * read-only mount, a full disk), where no journal can be kept: a kill leaves its temporary files
   * in the --to folder.
   */
  constructor(
    readonly dir: string,
    private readonly keeps = true,
  ) {
    this.path = join(dir, JOURNAL_FILE);
  }

  read(): RestoreJournalEntry | null {
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as RestoreJournalEntry;
    } catch {
      return null; // none, or torn by a crash mid-write (the rename makes that unlikely)
    }
  }

  begin(e: Omit<RestoreJournalEntry, 'pid' | 'startedAt' | 'updatedAt'>): void {
    if (!this.keeps) return;
    const now = new Date().toISOString();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.entry = { ...e, pid: process.pid, startedAt: now, updatedAt: now };
    this.write();
  }

  update(patch: Partial<RestoreJournalEntry>): void {
    if (!this.entry) return;
    Object.assign(this.entry, patch, { updatedAt: new Date().toISOString() });
    this.write();
  }

  /** The restore ended (well or not, but knowingly): nothing to recover. */
  finish(): void {
    if (!this.keeps) return;
    this.entry = null;
    rmSync(this.path, { force: true });
  }

  /**
   * The restore ended but left temporary files it could not remove: the journal stays, so the
   * first start after this process is gone removes them (interruptedRestore).
   */
  keep(): void {
    this.entry = null;
  }

  /** Flushed before it takes its name: after a power cut it still says what to undo. */
  private write(): void {
    writeFileAtomicSync(this.path, JSON.stringify(this.entry, null, 1));
  }
}

/**
 * Before a restore writes anything: refuse when another live restore holds the journal, and
 * return the interrupted one it replaces (its temporary files removed), if any.
 */
export function claimJournal(dir: string): InterruptedRestore | null {
  const e = new RestoreJournal(dir).read();
  if (e && e.pid !== process.pid && processAlive(e.pid))
    throw new BackupBusyError(
      `another restore (of ${e.id}, pid ${e.pid}) is running from ${dir}; wait for it to end`,
    );
  return interruptedRestore(dir);
}

/**
 * The restore a killed process left unfinished, if any (a running one is not interrupted). The
 * first call removes its temporary files; every call reports it, until the next restore ends.
 */
export function interruptedRestore(dir: string): InterruptedRestore | null {
  const journal = new RestoreJournal(dir);
  const e = journal.read();
  if (!e || processAlive(e.pid)) return null;
  if (e.tempsRemoved === undefined) {
    e.tempsRemoved = removeRestoreTemps(e.roots, e.tempSuffix);
    writeFileAtomicSync(journal.path, JSON.stringify(e, null, 1));
  }
  const changed = CHANGED.includes(e.phase);
  return {
    id: e.id,
    archive: e.archive,
    target: e.target ?? 'in place',
    phase: e.phase,
    startedAt: e.startedAt,
    interruptedAfter: e.updatedAt,
    safetyBackup: e.safetyBackup,
    serviceStopped: e.serviceStopped,
    targetChanged: changed,
    tempFilesRemoved: e.tempsRemoved,
    message: describe(e, changed),
  };
}

function describe(e: RestoreJournalEntry, changed: boolean): string {
  const head = `the restore of ${e.id} ${e.target ? `into ${e.target} ` : ''}started ${e.startedAt} was interrupted (${e.phase})`;
  const temps = e.tempsRemoved
    ? `; its ${e.tempsRemoved} temporary files and folders were removed`
    : '';
  const part = (e.only ?? []).map((p) => ` --include ${livePath(p)}`).join('');
  const finish = `ccmon restore ${e.id}${e.target ? ` --to ${e.target}` : ''}${part} --yes`;
  // Recorded before the stop hook runs: killed in that phase, the hook may not have run yet.
  const down = !e.serviceStopped
    ? ''
    : e.phase === 'stopping'
      ? '; the restore was stopping the service, which may be down'
      : '; the restore had stopped the service, which may still be down';
  if (e.target) return `${head}${temps}. Re-run it: ${finish}`;
  const kept = e.safetyBackup ? ` (the safety backup ${e.safetyBackup} holds that state too)` : '';
  if (!changed)
    return `${head}: nothing in place was changed${kept}${temps}${down}. Restore again with: ${finish}`;
  const back = e.safetyBackup ? `ccmon restore ${e.safetyBackup} --yes` : null;
  if (e.phase === 'rolling-back' || e.phase === 'rollback-committing')
    return `${head}: ${e.id} failed verification and the rollback was cut short${temps}${down}. Roll back with: ${back}`;
  return (
    `${head}: files in place may be partly restored and were not verified${temps}${down}. ` +
    `Finish with: ${finish}${back ? `, or roll back to the state before it with: ${back}` : ''}`
  );
}

/**
 * Remove `*.ccmon-restore-<suffix>` files and staged folders (staged-folders.ts) under the roots;
 * no symlink is followed. Returns how many; throws when one cannot be removed.
 */
export function removeRestoreTemps(roots: string[], suffix: string): number {
  return roots.reduce((n, r) => n + removeTemps(r, suffix), 0);
}

function removeTemps(root: string, suffix: string): number {
  const tail = RESTORE_TEMP_INFIX + suffix;
  let removed = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      if (name.endsWith(tail)) {
        rmSync(p, { force: true, recursive: true });
        removed++;
      } else if (isDir(p)) walk(p);
    }
  };
  walk(root);
  return removed;
}

function isDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
