/**
 * What the listings of backups (`ccmon ls`, `ccmon diff`) share: the backup service, standard
 * output for lists of any length, paths shown as they were backed up, and their errors. Lines are
 * gathered into 64 KiB writes, each awaiting 'drain' when the pipe is full, so a million entries
 * into `| head` or a slow terminal are never held in memory; `--json` streams a JSON array item by
 * item the same way.
 */
import { once } from 'node:events';
import type { Command } from 'commander';
import { commandContext, message, UsageError, type GlobalOptions } from './context.js';

export async function backupListing(cmd: Command) {
  const { backupService, BackupNotFoundError, humanBytes, NotInBackupError } =
    await import('./backup-session.js');
  const { entryAsBackedUp, livePath } = await import('../core/backup/destination.js');
  const { shownPath } = await import('./restore-output.js');
  const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
  const out = process.stdout;
  let pending = '';
  let items = 0;
  const write = async (s: string) => {
    pending += s;
    if (pending.length < 64 * 1024) return;
    const chunk = pending;
    pending = '';
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const flush = () => {
    out.write(pending);
    pending = '';
  };
  return {
    ctx,
    service: backupService(ctx),
    entryAsBackedUp,
    humanBytes,
    write,
    /** An archive path as backed up, quoted when it holds control characters. */
    shown: (archivePath: string) => shownPath(livePath(archivePath)),
    /** The next item of the JSON array being written (its `[` written by the caller). */
    item: (value: unknown) => write(`${items++ ? ',' : ''}\n    ${JSON.stringify(value)}`),
    /** Ends that array: `]` on its own line when it holds anything. */
    endArray: () => write(`${items ? '\n  ' : ''}]`),
    /**
     * Runs `list`, then writes what is left, then the summary it returned (stderr, after the
     * list); a backup or path not found is bad usage (exit 2), any other failure exit 1.
     */
    async run(list: () => Promise<string | void>): Promise<void> {
      try {
        const summary = await list();
        flush();
        if (summary) message(summary);
      } catch (err) {
        flush();
        if (err instanceof BackupNotFoundError || err instanceof NotInBackupError)
          throw new UsageError((err as Error).message);
        message(`ccmon: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    },
  };
}
