/**
 * `ccmon restore`'s output. The report keeps a sample of each diff list (a restore of a million
 * files must not hold a million paths); `--json` prints every path, streamed from the file the
 * restore spooled them to, in the report's usual shape (`diff.added`, `diff.changed`, …).
 */
import { once } from 'node:events';
import { join } from 'node:path';
import type { RestoreReport } from '../core/backup/contract.js';
import { diffFilePaths, type DiffKind } from '../core/backup/diff.js';
import type { BackupSidecar } from '../core/backup/manifest.js';
import { message } from './context.js';

const KINDS: DiffKind[] = ['added', 'changed', 'removed'];

/** What the CLI knows of the restored archive's dumps, from its sidecar and the set's config. */
export interface ArchiveDumps {
  dumps: { kind: 'database' | 'redis'; archivePath: string }[];
  /** backup.sets[].database.restoreCommand of the archive's set. */
  restoreCommand: string[] | null;
  encrypted: boolean;
}

export function archiveDumps(
  sidecar: BackupSidecar | null,
  sets: { name: string; database: { restoreCommand: string[] | null } | null }[],
): ArchiveDumps {
  const dumps: ArchiveDumps['dumps'] = [];
  for (const s of sidecar?.sources ?? [])
    if (s.kind === 'database' || s.kind === 'redis')
      dumps.push({ kind: s.kind, archivePath: s.archivePath });
  const set = sets.find((s) => s.name === sidecar?.set);
  return {
    dumps,
    restoreCommand: set?.database?.restoreCommand ?? null,
    encrypted: sidecar?.encrypted ?? false,
  };
}

/**
 * What the restore does with each dump, in the words of restore.ts: the diff lists files, and a
 * dump is no file of the target. In place, the database dump is fed to the set's restoreCommand on
 * stdin (a real restore's `database` step says how that went); a Redis snapshot is never put back.
 * With `to`, both are written to `<to>/dumps/`.
 */
export function dumpNotes(r: RestoreReport, a: ArchiveDumps, to: string | null): string[] {
  const notes: string[] = [];
  const tool = a.restoreCommand?.join(' ');
  for (const d of a.dumps) {
    const label = `${d.kind === 'database' ? 'database dump' : 'redis snapshot'} ${d.archivePath}`;
    if (to !== null) {
      if (r.dryRun || r.ok)
        notes.push(
          `${label}: ${r.dryRun ? 'would be written' : 'written'} to ${join(to, d.archivePath)}` +
            (d.kind === 'database' && tool ? ` (\`${tool}\` does not run with --to)` : ''),
        );
    } else if (d.kind === 'redis') {
      const extract = a.encrypted
        ? `\`ccmon restore ${r.id} --to DIR\` writes it to DIR/${d.archivePath}`
        : `extract it with \`tar -xf ${r.archive} ${d.archivePath}\``;
      notes.push(
        `${label}: not restored automatically; to put it back, ${extract} and copy it over the Redis server's RDB file while Redis is stopped`,
      );
    } else if (r.dryRun)
      notes.push(
        tool
          ? `${label}: would be fed to \`${tool}\` on its stdin, after the files`
          : `${label}: would not be restored: backup.sets[].database.restoreCommand is not set; restore it with --to DIR and your database's tool`,
      );
  }
  return notes;
}

/** The report as JSON on stdout, each diff list in full from `diffFile` (written with backpressure). */
export async function printRestoreJson(r: RestoreReport, diffFile: string): Promise<void> {
  const out = process.stdout;
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const { diff, ...rest } = r;
  await write(JSON.stringify(rest, null, 2).replace(/\n\}$/, ',\n  "diff": {\n'));
  for (const kind of KINDS) {
    await write(`    "${kind}": [`);
    let first = true;
    let batch = '';
    for (const path of diffFilePaths(diffFile, kind)) {
      batch += `${first ? '' : ','}\n      ${JSON.stringify(path)}`;
      first = false;
      if (batch.length > 64 * 1024) {
        await write(batch);
        batch = '';
      }
    }
    await write(`${batch}${first ? '' : '\n    '}],\n`);
  }
  await write(
    `    "unchanged": ${diff.unchanged},\n    "counts": ${JSON.stringify(diff.counts)},\n    "truncated": false,\n    "space": ${JSON.stringify(diff.space ?? [])}${diff.hardlinks ? `,\n    "hardlinks": ${diff.hardlinks}` : ''}\n  }\n}\n`,
  );
}

/**
 * A path for a line of its own: one holding a newline or another control character is shown
 * quoted with escapes (as `ls` and git do), so it cannot break the list into lines that are not
 * paths. --json output has every path exact.
 */
export function shownPath(p: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(p) ? JSON.stringify(p) : p;
}

/**
 * The human summary on stderr: the first 50 paths of each list, then the count of the rest
 * (`lists`: false when its dry run, just before, showed them).
 */
export function printRestoreReport(r: RestoreReport, notes: string[] = [], lists = true): void {
  if (r.interrupted) message(`note: ${r.interrupted.message}; this restore replaces it`);
  for (const kind of lists ? KINDS : []) {
    const items = r.diff[kind];
    const count = r.diff.counts[kind];
    if (!count) continue;
    message(`${kind} (${count}):`);
    for (const i of items.slice(0, 50)) message(`  ${shownPath(i)}`);
    if (count > 50) message(`  … and ${count - 50} more (--json lists all)`);
  }
  for (const n of notes) message(n);
  for (const s of r.steps)
    message(
      `${s.status.padEnd(7)} ${s.name}${s.command ? ` (${s.command})` : ''}${s.message ? `: ${s.message}` : ''}`,
    );
  if (r.safetyBackup) message(`safety backup: ${r.safetyBackup}`);
  message(r.message);
}
