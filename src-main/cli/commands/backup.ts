import { constants as osConstants } from 'node:os';
import type { Command } from 'commander';
import {
  commandContext,
  EXIT_FAILED,
  message,
  printJson,
  UsageError,
  type GlobalOptions,
} from '../context.js';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('one backup now (a configured set, default the first); prints its id and archive')
    .option('--set <name>', 'the backup set to run (see backup.sets in the config)')
    .action(async (opts: { set?: string }, cmd: Command) => {
      const { backupService, progressLine, humanBytes, UnknownSetError, BackupBusyError } =
        await import('../backup-session.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const service = backupService(ctx, { newArchive: true });
      const progress = progressLine(ctx.json);
      // Ctrl-C or a kill cancels the run, which removes its partial archive, its staging folder
      // and its lock, instead of leaving them (and the disk space) to the next backup or prune.
      const cancel = new AbortController();
      let stoppedBy: NodeJS.Signals | null = null;
      const stop = (signal: NodeJS.Signals) => {
        stoppedBy = signal;
        cancel.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const r = await service.backup(opts.set, {
          kind: 'manual',
          onProgress: progress.update,
          signal: cancel.signal,
        });
        progress.done();
        const b = r.backup;
        if (ctx.json)
          printJson({
            ...b,
            manifestPath: b.archivePath.replace(/\.tar\..*$/, '.manifest.json'),
            remote: r.remote,
          });
        else {
          for (const w of b.warnings) message(`warning: ${w}`);
          process.stdout.write(`${b.id}\t${b.archivePath}\n`);
          message(
            `${b.files} files, ${humanBytes(b.bytes)} → ${humanBytes(b.sizeBytes)} in ${b.durationSeconds.toFixed(1)} s` +
              (r.remote ? `; ${r.remote.message}` : ''),
          );
        }
        if (r.remote && !r.remote.ok) process.exitCode = EXIT_FAILED;
      } catch (err) {
        progress.done();
        if (err instanceof UnknownSetError) throw new UsageError(err.message);
        if (err instanceof BackupBusyError) throw new UsageError(err.message, EXIT_FAILED);
        if (ctx.json) printJson({ ok: false, error: (err as Error).message });
        message(`ccmon: ${(err as Error).message}`);
        // As a shell reports a command ended by a signal: 128 + its number.
        process.exitCode = stoppedBy ? 128 + osConstants.signals[stoppedBy] : EXIT_FAILED;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
