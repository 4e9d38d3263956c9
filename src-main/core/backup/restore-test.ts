/**
 * The scheduled restore test (issue 5, "a scheduled restore test extracts into a temporary
 * directory and compares"): the newest backup of a set goes through the same checked extraction
 * as a real restore, into a work folder of the backup directory, and every file is compared with
 * its manifest entry (size, mode, sha256, link target); the folder is removed after.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import type { VerifyResult } from './contract.js';
import type { PassphraseProvider } from './crypto.js';
import { sha256File } from './tail-hash.js';
import { extractOnWorker } from './extract-thread.js';
import type { ManifestFile } from './manifest.js';
import { destinationMapper } from './destination.js';
import { withRestoreManifest } from './restore-manifest.js';
import type { BackupStore } from './store.js';

/** Extract the newest backup of `set` into a temp folder and compare every file with the manifest. */
export async function runRestoreTest(
  store: BackupStore,
  set: string,
  passphrase: PassphraseProvider,
  onProgress?: (p: ProgressUpdate) => void,
): Promise<VerifyResult> {
  const t0 = performance.now();
  const newest = store.list().find((b) => b.sidecar.set === set && b.sidecar.kind !== 'safety');
  const result: VerifyResult = {
    ok: false,
    archive: newest?.archivePath ?? '',
    id: newest?.id ?? null,
    set,
    files: 0,
    bytes: 0,
    problems: [],
    durationSeconds: 0,
    checkedAt: new Date().toISOString(),
  };
  if (!newest) result.problems.push(`no backup of set '${set}' to test`);
  else {
    try {
      await withRestoreManifest(
        newest,
        store.dir,
        'test',
        passphrase,
        async (manifest, tmp) => {
          const target = join(tmp, 'files');
          const destinationOf = destinationMapper(target, null);
          const r = await extractOnWorker({
            archivePath: newest.archivePath,
            manifest,
            to: target,
            dumpDir: null,
            roots: [target],
            passphrase: passphrase,
            onProgress,
            restoreOwnership: false,
          });
          result.files = r.files;
          result.bytes = r.bytes;
          result.problems.push(...compareTree(manifest.files(), destinationOf));
        },
        { withFiles: true },
      );
    } catch (err) {
      result.problems.push((err as Error).message);
    }
  }
  result.ok = result.problems.length === 0;
  result.durationSeconds = Math.round(performance.now() - t0) / 1000;
  return result;
}

/** Problems found, at most MAX_PROBLEMS of them (then one line counting the rest). */
function compareTree(
  files: Iterable<ManifestFile>,
  destinationOf: (p: string) => string | null,
): string[] {
  const problems: string[] = [];
  let more = 0;
  for (const f of files) {
    if (problems.length >= MAX_PROBLEMS) {
      more += problemOf(f, destinationOf) ? 1 : 0;
      continue;
    }
    const p = problemOf(f, destinationOf);
    if (p) problems.push(p);
  }
  if (more) problems.push(`… and ${more} more problems`);
  return problems;
}

const MAX_PROBLEMS = 200;

function problemOf(f: ManifestFile, destinationOf: (p: string) => string | null): string | null {
  const dest = destinationOf(f.path);
  if (!dest) return null;
  try {
    const st = lstatSync(dest);
    if (f.type === 'file') {
      if (!st.isFile() || st.size !== f.size)
        return `${f.path}: restored with ${st.size} bytes, expected ${f.size}`;
      if ((st.mode & 0o7777) !== f.mode)
        return `${f.path}: restored with mode ${(st.mode & 0o7777).toString(8)}, expected ${f.mode.toString(8)}`;
      if (sha256File(dest) !== f.sha256)
        return `${f.path}: restored content does not match the manifest`;
    } else if (f.type === 'symlink' && (!st.isSymbolicLink() || readlinkSync(dest) !== f.link))
      return `${f.path}: symlink not restored as '${f.link}'`;
    else if (f.type === 'dir' && !st.isDirectory()) return `${f.path}: not restored as a folder`;
  } catch {
    return `${f.path}: missing after the test restore`;
  }
  return null;
}
