import type { Command } from 'commander';
import { commandContext, message, printJson, UsageError, type GlobalOptions } from '../context.js';

export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description(
      "apply the retention policy (restic's keep-last/daily/weekly/monthly/within; default: 30 days)",
    )
    .option('--dry-run', 'list what would be removed and why the rest is kept; remove nothing')
    .action(async (opts: { dryRun?: boolean }, cmd: Command) => {
      const { backupService, humanBytes, BackupBusyError } = await import('../backup-session.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const service = backupService(ctx);
      const dryRun = Boolean(opts.dryRun);
      let report;
      try {
        report = dryRun ? service.prune(true) : await service.pruneUnderLock();
      } catch (err) {
        if (err instanceof BackupBusyError) throw new UsageError(err.message, 1);
        throw err;
      }
      if (ctx.json) {
        printJson(report);
        return;
      }
      // The listing is the command's output (stdout, like `ccmon backups`); the summary is a message.
      const removal = dryRun ? 'would remove' : 'removed';
      const labelWidth = Math.max('keep'.length, removal.length);
      const idWidth = Math.max(0, ...report.decisions.map((d) => d.id.length));
      for (const d of report.decisions) {
        const label = (d.keep ? 'keep' : removal).padEnd(labelWidth);
        const why = d.keep ? `(${d.reasons.join(', ')})` : '';
        process.stdout.write(`${label}  ${d.id.padEnd(idWidth)}  ${why}`.trimEnd() + '\n');
      }
      if (report.note) message(`note: ${report.note}`);
      message(
        `${removal} ${report.removed.length} backup(s), ${humanBytes(report.freedBytes)}; kept ${report.decisions.length - report.removed.length}`,
      );
    });
}
