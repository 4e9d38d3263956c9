/**
 * `ccmon diff FROM TO [PATH]`: what changed from one backup to another, as `restic diff` shows it:
 * one line per entry, `+` added, `-` removed, `M` content changed (or type, or a symlink's target),
 * `U` only its mode, owner or time; then a summary. Paths as they were backed up. `--json` streams
 * every change with its entry, then the counts.
 */
import type { Command } from 'commander';
import type { BackupChange, BackupComparison } from '../../core/backup/compare.js';
import { bufferedStdout } from '../buffered-stdout.js';
import { commandContext, message, UsageError, type GlobalOptions } from '../context.js';

export function registerDiff(program: Command): void {
  program
    .command('diff <from> <to> [path]')
    .description(
      'what changed from one backup to another (below PATH, as backed up): + added, - removed, M content, U mode/owner/time',
    )
    .action(
      async (from: string, to: string, path: string | undefined, _o: unknown, cmd: Command) => {
        const { backupService, BackupNotFoundError, humanBytes, NotInBackupError } =
          await import('../backup-session.js');
        const { entryAsBackedUp, livePath } = await import('../../core/backup/destination.js');
        const { shownPath } = await import('../restore-output.js');
        const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
        const service = backupService(ctx);
        const { write, flush } = bufferedStdout();
        let first = true;
        const each = ctx.json
          ? (c: BackupChange) =>
              write(
                `${first ? '' : ','}\n    ${JSON.stringify({ change: c.kind, ...entryAsBackedUp(c.entry) })}`,
              ).then(() => void (first = false))
          : (c: BackupChange) => {
              const p = shownPath(livePath(c.entry.path));
              return write(`${c.kind}  ${c.entry.type === 'dir' ? `${p}/` : p}\n`);
            };
        try {
          if (ctx.json) await write('{\n  "changes": [');
          const r = await service.compare(from, to, path ?? null, each);
          if (ctx.json) {
            const { from: a, to: b, counts, bytes } = r;
            await write(
              `${first ? '' : '\n  '}],\n  "from": ${JSON.stringify(a)},\n  "to": ${JSON.stringify(b)},\n` +
                `  "counts": ${JSON.stringify(counts)},\n  "bytes": ${JSON.stringify(bytes)}\n}\n`,
            );
          }
          flush();
          if (!ctx.json) message(summary(r, humanBytes));
        } catch (err) {
          flush();
          if (err instanceof BackupNotFoundError || err instanceof NotInBackupError)
            throw new UsageError((err as Error).message);
          message(`ccmon: ${(err as Error).message}`);
          process.exitCode = 1;
        }
      },
    );
}

/** `from A to B: 2 added (1.2 KiB), 1 removed (30 B), 3 changed, 1 in mode/owner/time only, …` */
export function summary(r: BackupComparison, size: (bytes: number) => string): string {
  const c = r.counts;
  return (
    `from ${r.from} to ${r.to}: ${c.added} added (${size(r.bytes.added)}), ${c.removed} removed (${size(r.bytes.removed)}), ` +
    `${c.changed} changed, ${c.metadata} in mode/owner/time only, ${c.unchanged} unchanged`
  );
}
