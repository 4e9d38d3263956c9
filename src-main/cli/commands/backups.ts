import type { Command } from 'commander';
import { commandContext, message, printJson, type GlobalOptions } from '../context.js';

export function registerBackups(program: Command): void {
  program
    .command('backups')
    .description('list complete backups, newest first')
    .action(async (_opts: unknown, cmd: Command) => {
      const { backupService, humanBytes } = await import('../backup-session.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const service = backupService(ctx);
      const problems: string[] = [];
      const list = service.list(problems);
      for (const p of problems) message(`warning: ${p}`);
      const interrupted = service.interruptedRestore();
      if (interrupted) message(`warning: ${interrupted.message}`);
      if (ctx.json) {
        printJson({
          directory: service.dir,
          backups: list,
          problems,
          interruptedRestore: interrupted,
        });
        return;
      }
      if (list.length === 0) {
        message(`no backups in ${service.dir} (run 'ccmon backup')`);
        return;
      }
      const rows = list.map((b) => [
        b.id,
        b.set,
        b.kind,
        b.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        humanBytes(b.sizeBytes),
        String(b.files),
        `${b.compression}${b.encrypted ? '+aes' : ''}`,
      ]);
      const head = ['ID', 'SET', 'KIND', 'CREATED', 'SIZE', 'FILES', 'FORMAT'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (r: string[]) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      process.stdout.write([line(head), ...rows.map(line)].join('\n') + '\n');
    });
}
