/**
 * The retention policy around the agent's scheduled backups: applied after each success, and to
 * make room when one finds its folder full.
 */
import type { Logger } from '../log.js';
import type { RetentionOutcome } from './contract.js';
import { BackupError, isNoSpace } from './create.js';
import { humanBytes } from '../bytes.js';
import type { BackupRunResult, BackupService } from './service.js';

export function scheduledRetention(service: BackupService, logger: Logger) {
  /**
   * After a successful scheduled backup, as the seed's backup.sh deleted old archives after every
   * run and restic users run `forget` after `backup`; and when one found its folder full (`when`
   * says which). Never throws: a backup stays a success.
   */
  const retain = async (
    set: string,
    signal?: AbortSignal,
    when = `after the backup of ${set}`,
  ): Promise<RetentionOutcome> => {
    try {
      // Waits for the folder as the scheduled backup itself did: another set's run may hold it.
      const r = await service.pruneUnderLock({ wait: true, signal });
      if (r.removed.length) logger.info(`${when}: ${retentionLine(r)}: ${r.removed.join(', ')}`);
      return { removed: r.removed, freedBytes: r.freedBytes, error: null };
    } catch (err) {
      const error = (err as Error).message;
      logger.warn(
        `${when}: the retention policy was not applied (${error}); the next backup tries again, or run 'ccmon prune'`,
      );
      return { removed: [], freedBytes: 0, error };
    }
  };

  /**
   * A scheduled backup whose folder is full: the retention policy makes room, then it runs once
   * more. Only what the prune after a success would remove anyway goes (fewer backups, never more),
   * and a run that failed for want of space would otherwise keep failing until someone pruned.
   */
  const backupMakingRoom = async (
    set: string,
    run: NonNullable<Parameters<BackupService['backup']>[1]>,
  ): Promise<{ r: BackupRunResult; madeRoom: RetentionOutcome | null }> => {
    try {
      return { r: await service.backup(set, run), madeRoom: null };
    } catch (err) {
      if (run.kind !== 'scheduled' || !isNoSpace(err)) throw err;
      const madeRoom = await retain(set, run.signal, `the backup of ${set} found its folder full`);
      if (madeRoom.removed.length === 0)
        throw new BackupError(
          `${(err as Error).message} The retention policy had nothing to remove${madeRoom.error ? ` (${madeRoom.error})` : ''}.`,
        );
      return { r: await service.backup(set, run), madeRoom };
    }
  };

  return { retain, backupMakingRoom };
}

/** What retention removed to make room and after the backup, as one outcome. */
export function bothRetentions(a: RetentionOutcome, b: RetentionOutcome): RetentionOutcome {
  return {
    removed: [...a.removed, ...b.removed],
    freedBytes: a.freedBytes + b.freedBytes,
    error: b.error,
  };
}

/** `retention removed 2 backup(s), 3.1 MiB freed` */
export function retentionLine(r: { removed: string[]; freedBytes: number }): string {
  return `retention removed ${r.removed.length} backup(s), ${humanBytes(r.freedBytes)} freed`;
}
