import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RestoreReport } from '../../core/backup/contract.js';
import {
  commandContext,
  EXIT_FAILED,
  message,
  printJson,
  UsageError,
  type GlobalOptions,
} from '../context.js';

interface RestoreOptions {
  dryRun?: boolean;
  to?: string;
  include: string[];
  yes?: boolean;
}

export function registerRestore(program: Command): void {
  program
    .command('restore <ref>')
    .description(
      'restore a backup (id, latest[:SET] or archive file): safety backup, service stop, checked extraction, start, verification, rollback on failure',
    )
    .option('--dry-run', 'show what would be added, changed and removed; change nothing')
    .option('--to <dir>', 'restore into this folder instead of in place (no service hooks)')
    .option(
      '--include <path>',
      'restore only this file or folder (as it was backed up), with what it holds; repeatable',
      (path: string, all: string[]) => [...all, path],
      [],
    )
    .option('--yes', 'do not ask for confirmation (scripts)')
    .action(async (ref: string, opts: RestoreOptions, cmd: Command) => {
      const session = await import('../backup-session.js');
      const { backupService, progressLine, promptLine, BackupNotFoundError } = session;
      const { BackupBusyError, RestoreInputError, UnsafeArchiveError } = session;
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const service = backupService(ctx);
      const to = opts.to ?? null;
      const dryRun = Boolean(opts.dryRun);
      let found;
      try {
        found = service.store.resolve(ref, { files: false });
      } catch (err) {
        if (err instanceof BackupNotFoundError) throw new UsageError(err.message);
        throw err;
      }
      const sidecar = found.sidecar;
      const resolvedId = sidecar?.id ?? ref;
      const progress = progressLine(ctx.json);
      const output = await import('../restore-output.js');
      // --json prints every path of the diff: the restore spools them to this file.
      const lists = ctx.json ? mkdtempSync(join(tmpdir(), 'ccmon-restore-')) : null;
      const diffFile = lists ? join(lists, 'diff') : undefined;
      const dumps = output.archiveDumps(sidecar, ctx.loaded.config.backup.sets);
      // --include names paths as backed up: a dump (no such path) is never among them.
      if (opts.include.length > 0) dumps.dumps = [];
      const restore = (dry: boolean) =>
        service.restore({
          // The archive resolved (and confirmed), not `ref` again: `latest` may name a newer one.
          ref: found.archivePath,
          to,
          dryRun: dry,
          include: opts.include,
          onProgress: progress.update,
          diffFile: dry === dryRun ? diffFile : undefined,
        });
      let report: RestoreReport;
      let shown = false; // the diff's lists, by the dry run before the question
      try {
        if (!dryRun && !opts.yes) {
          if (!process.stdin.isTTY)
            throw new UsageError(
              'restore replaces files: pass --yes to confirm (no terminal to ask on)',
            );
          // What the typed id sets off is shown first, as the dashboard shows its dry run.
          const preview = await restore(true);
          progress.done();
          output.printRestoreReport(preview, output.dumpNotes(preview, dumps, to));
          shown = true;
          const part = opts.include.length > 0 ? ` (only ${opts.include.join(', ')})` : '';
          const answer = await promptLine(
            `restore ${resolvedId}${part} ${to ? `into ${to}` : 'IN PLACE (service will be stopped)'}? type the backup id to confirm: `,
          );
          if (answer !== resolvedId)
            throw new UsageError('not confirmed; nothing was changed', EXIT_FAILED);
        }
        report = await restore(dryRun);
      } catch (err) {
        progress.done();
        if (lists) rmSync(lists, { recursive: true, force: true });
        if (err instanceof UsageError) throw err;
        if (err instanceof BackupBusyError) throw new UsageError(err.message, EXIT_FAILED);
        if (err instanceof RestoreInputError) throw new UsageError(err.message);
        const refused = err instanceof UnsafeArchiveError;
        if (ctx.json) printJson({ ok: false, refused, error: (err as Error).message });
        message(`ccmon: ${(err as Error).message}`);
        process.exitCode = EXIT_FAILED;
        return;
      }
      progress.done();
      try {
        if (diffFile) await output.printRestoreJson(report, diffFile);
        else output.printRestoreReport(report, output.dumpNotes(report, dumps, to), !shown);
      } finally {
        if (lists) rmSync(lists, { recursive: true, force: true });
      }
      if (!report.ok) process.exitCode = EXIT_FAILED;
    });
}
