/**
 * `ccmon diff FROM TO [PATH]`: what changed from one backup to another, as `restic diff` shows it:
 * one line per entry, `+` added, `-` removed, `M` content changed (or type, or a symlink's target),
 * `U` only its mode, owner or time; then a summary. Paths as they were backed up. `--json` streams
 * every change with its entry, then the counts.
 */
import type { Command } from 'commander';
import type { BackupChange } from '../../core/backup/compare.js';
import type { BackupComparison } from '../../core/backup/contract.js';

export function registerDiff(program: Command): void {
  program
    .command('diff <from> <to> [path]')
    .description(
      'what changed from one backup to another (below PATH, as backed up): + added, - removed, M content, U mode/owner/time',
    )
    .action(
      async (from: string, to: string, path: string | undefined, _o: unknown, cmd: Command) => {
        const { backupListing } = await import('../backup-listing.js');
        const l = await backupListing(cmd);
        await l.run(async () => {
          if (l.ctx.json) await l.write('{\n  "changes": [');
          const r = await l.service.listings.compare(
            from,
            to,
            path ?? null,
            l.ctx.json
              ? (c: BackupChange) => l.item({ change: c.kind, ...l.entryAsBackedUp(c.entry) })
              : (c: BackupChange) => {
                  const shown = l.shown(c.entry.path);
                  return l.write(`${c.kind}  ${c.entry.type === 'dir' ? `${shown}/` : shown}\n`);
                },
          );
          if (!l.ctx.json) return summary(r, l.humanBytes);
          const { from: a, to: b, counts, bytes } = r;
          await l.endArray();
          await l.write(
            `,\n  "from": ${JSON.stringify(a)},\n  "to": ${JSON.stringify(b)},\n` +
              `  "counts": ${JSON.stringify(counts)},\n  "bytes": ${JSON.stringify(bytes)}\n}\n`,
          );
        });
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
