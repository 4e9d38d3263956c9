import type { Command } from 'commander';
import {
  commandContext,
  EXIT_FAILED,
  message,
  printJson,
  UsageError,
  type GlobalOptions,
} from '../context.js';

export function registerVerify(program: Command): void {
  program
    .command('verify <ref>')
    .description(
      're-read a backup (id, latest[:SET] or archive file) and check every file against its manifest; exit 1 on any mismatch',
    )
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const { backupService, progressLine, humanBytes, BackupNotFoundError } =
        await import('../backup-session.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const service = backupService(ctx);
      const progress = progressLine(ctx.json);
      let result;
      try {
        result = await service.verify(ref, progress.update);
      } catch (err) {
        if (err instanceof BackupNotFoundError) throw new UsageError(err.message);
        throw err;
      } finally {
        progress.done();
      }
      if (ctx.json) printJson(result);
      else if (result.ok) {
        message(
          `${result.id ?? ref}: OK — ${result.files} files, ${humanBytes(result.bytes)} match the manifest`,
        );
        for (const n of result.notes ?? []) message(`note: ${n}`);
      } else {
        message(`${result.id ?? ref}: FAILED — ${result.problems.length} problem(s):`);
        for (const p of result.problems) message(`  ${p}`);
      }
      if (!result.ok) process.exitCode = EXIT_FAILED;
    });
}
