/**
 * `ccmon restore`'s output. The report keeps a sample of each diff list (a restore of a million
 * files must not hold a million paths); `--json` prints every path, streamed from the file the
 * restore spooled them to, in the report's usual shape (`diff.added`, `diff.changed`, …).
 */
import { once } from 'node:events';
import type { RestoreReport } from '../core/backup/contract.js';
import { diffFilePaths, type DiffKind } from '../core/backup/diff.js';
import { message } from './context.js';

const KINDS: DiffKind[] = ['added', 'changed', 'removed'];

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
    `    "unchanged": ${diff.unchanged},\n    "counts": ${JSON.stringify(diff.counts)},\n    "truncated": false\n  }\n}\n`,
  );
}

/** The human summary on stderr: the first 50 paths of each list, then the count of the rest. */
export function printRestoreReport(r: RestoreReport): void {
  if (r.interrupted) message(`note: ${r.interrupted.message}; this restore replaces it`);
  for (const kind of KINDS) {
    const items = r.diff[kind];
    const count = r.diff.counts[kind];
    if (!count) continue;
    message(`${kind} (${count}):`);
    for (const i of items.slice(0, 50)) message(`  ${i}`);
    if (count > 50) message(`  … and ${count - 50} more (--json lists all)`);
  }
  for (const s of r.steps)
    message(
      `${s.status.padEnd(7)} ${s.name}${s.command ? ` (${s.command})` : ''}${s.message ? `: ${s.message}` : ''}`,
    );
  if (r.safetyBackup) message(`safety backup: ${r.safetyBackup}`);
  message(r.message);
}
