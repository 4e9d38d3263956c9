/**
 * `ccmon verify`: re-reads an archive end to end and checks every entry against the manifest
 * (type, size, sha256, link target), the archive file against its sidecar (size, sha256), and the
 * embedded manifest against the sidecar. Any difference is a problem naming the entry. Memory does
 * not grow with the file count: what the archive holds is spooled to a work file (one line per
 * entry), the embedded manifest.json too, and both are compared with the manifest's streamed file
 * list in archive order (manifest-records.ts), with a hash per path for what is missing or extra.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import { readArchive, type ReadArchiveOptions } from './archive-reader.js';
import type { VerifyResult } from './contract.js';
import { LineSpool } from './line-spool.js';
import { hashRest, readProblem } from './read-problem.js';
import {
  MANIFEST_ENTRY,
  MANIFEST_TEXT_ENTRY,
  type BackupSidecar,
  type ManifestFile,
} from './manifest.js';
import { openManifestRecords, sameListBytes, type ManifestRecords } from './manifest-records.js';
import { duplicateAmong, entryCount, PathHashSet } from './path-set.js';
import { checkManifest, UnsafeArchiveError, unsafePath } from './safety.js';
import { FileSha256 } from './sha256.js';
import { compareEntries, type SeenEntry } from './verify-compare.js';

export type { VerifyResult };

const MAX_PROBLEMS = 100;

export async function verifyArchive(
  archivePath: string,
  /** The sidecar's header, and its file (whose list is streamed unless the archive is encrypted). */
  sidecar: { header: BackupSidecar | null; path: string | null },
  opts: ReadArchiveOptions & { onProgress?: (p: ProgressUpdate) => void } = {},
): Promise<VerifyResult> {
  const work = mkdtempSync(join(tmpdir(), 'ccmon-verify-'));
  const seen = new LineSpool(join(work, 'seen'));
  const embedded = new LineSpool(join(work, 'manifest.json'));
  try {
    return await verifyIn({ seen, embedded }, archivePath, sidecar, opts);
  } finally {
    seen.close();
    embedded.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function verifyIn(
  spools: { seen: LineSpool; embedded: LineSpool },
  archivePath: string,
  { header: side, path: sidePath }: { header: BackupSidecar | null; path: string | null },
  opts: ReadArchiveOptions & { onProgress?: (p: ProgressUpdate) => void },
): Promise<VerifyResult> {
  const t0 = performance.now();
  const problems: string[] = [];
  const { seen, embedded: embeddedSpool } = spools;
  const seenPaths = new PathHashSet(entryCount(side?.totals));
  const raw = createHash('sha256');
  let rawBytes = 0;
  let current: SeenEntry | null = null;
  const sha256 = new FileSha256(); // of the current entry
  let inManifest = false;
  let hasManifest = false;
  let bytes = 0;
  let files = 0;
  let entries = 0; // backed-up entries read whole
  /** Why the archive could not be read to its end (the raw hash then covers only a prefix). */
  let readError: Error | null = null;
  try {
    await readArchive(
      archivePath,
      {
        entry(h) {
          const why = unsafePath(h.path);
          if (why) problems.push(`${h.path}: ${why}`);
          if (h.type !== 'file' && h.type !== 'dir' && h.type !== 'symlink')
            problems.push(`${h.path}: unsupported entry type (${h.type})`);
          inManifest = h.path === MANIFEST_ENTRY && !hasManifest;
          hasManifest ||= inManifest;
          const special = h.path === MANIFEST_ENTRY || h.path === MANIFEST_TEXT_ENTRY;
          const entry = {
            path: h.path,
            type: h.type,
            size: h.size,
            sha256: null,
            link: h.linkname,
          };
          current = special ? null : entry;
          sha256.start(h.size);
        },
        data(c) {
          // Only backed-up data counts, as in `ccmon backup`'s totals: not manifest.json/.txt.
          if (current) {
            sha256.update(c);
            bytes += c.length;
          }
          if (inManifest) embeddedSpool.appendBytes(c);
        },
        endEntry() {
          inManifest = false;
          if (!current) return;
          const entry = current;
          if (entry.type === 'file') {
            entry.sha256 = sha256.hex();
            files++;
          }
          seen.append(JSON.stringify(entry));
          seenPaths.add(entry.path);
          entries++;
          current = null;
          if (files % 200 === 0) opts.onProgress?.({ phase: 'verifying', files, bytes });
        },
      },
      {
        ...opts,
        onRaw: (c) => {
          if (readError) return; // a chunk still in flight after the failure: hashRest reads it
          raw.update(c);
          rawBytes += c.length;
        },
      },
    );
  } catch (err) {
    readError = err as Error;
  } finally {
    seen.finish();
    embeddedSpool.finish();
  }
  // A read that stopped early (wrong passphrase, no zstd, a corrupt block) says nothing about the
  // file's own bytes: hash the rest so the comparison with the sidecar stays exact.
  if (readError) rawBytes += await hashRest(archivePath, rawBytes, raw);
  const digest = raw.digest('hex');
  const intact =
    side !== null && rawBytes === side.archive.sizeBytes && digest === side.archive.sha256;
  if (readError) problems.push(readProblem(readError, intact));
  /** Entries were read before the failure: they are still compared, the rest is not reached. */
  const partly = readError !== null && entries > 0;
  const twice = duplicateAmong(seenPathsOf(seen), seenPaths.repeatedHashes());
  if (twice) problems.push(`${twice}: appears twice in the archive`);

  let embedded: ManifestRecords | null = null;
  if (hasManifest) {
    try {
      embedded = openManifestRecords(embeddedSpool.path, MANIFEST_ENTRY);
    } catch (err) {
      problems.push((err as Error).message);
    }
  } else if (!readError) problems.push(`the archive has no ${MANIFEST_ENTRY}`);

  const listed = side && sidePath && !side.encrypted ? openManifestRecords(sidePath) : null;
  if (side) {
    if (rawBytes !== side.archive.sizeBytes)
      problems.push(
        `archive size is ${rawBytes} bytes, the manifest says ${side.archive.sizeBytes}`,
      );
    else if (digest !== side.archive.sha256)
      problems.push(`archive sha256 is ${digest}, the manifest says ${side.archive.sha256}`);
    if (embedded && embedded.id !== side.id)
      problems.push(
        `the archive's manifest is for backup ${embedded.id}, the sidecar for ${side.id}`,
      );
    if (
      embedded &&
      listed &&
      !sameListBytes(embedded, listed) &&
      !sameRecords(embedded, listed, problems)
    )
      problems.push("the archive's embedded manifest and its sidecar list different files");
  }
  const manifest = listed ?? embedded;
  if (manifest) {
    try {
      checkManifest(manifest);
    } catch (err) {
      problems.push(
        err instanceof UnsafeArchiveError ? unsafeProblem(err) : (err as Error).message,
      );
    }
    // Unread at all, every entry would be "missing": the one cause above is the whole story.
    if (!readError || partly)
      try {
        compareEntries(
          () => manifest.files(),
          () => seenEntriesOf(seen),
          seenPaths,
          problems,
          { complete: !readError },
        );
      } catch (err) {
        problems.push((err as Error).message);
      }
  }
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS)
    shown.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
  return {
    ok: problems.length === 0,
    archive: archivePath,
    id: side?.id ?? embedded?.id ?? null,
    set: side?.set ?? embedded?.set ?? null,
    files,
    bytes,
    problems: shown,
    ...(side
      ? {}
      : {
          notes: [
            `no sidecar (${MANIFEST_SIDECAR_HINT}) beside the archive: its entries were checked against the manifest inside it, but the archive's own size and sha256 could not be`,
          ],
        }),
    durationSeconds: Math.round(performance.now() - t0) / 1000,
    checkedAt: new Date().toISOString(),
  };
}

const MANIFEST_SIDECAR_HINT = '<id>.manifest.json';

/** safety.ts words its refusals for a restore ("refusing to restore: …"); verify only reports. */
function unsafeProblem(err: UnsafeArchiveError): string {
  return `${err.entry}: unsafe entry, ${err.why} (a restore would refuse this archive)`;
}

function* seenEntriesOf(seen: LineSpool): Generator<SeenEntry> {
  for (const line of seen.lines()) yield JSON.parse(line) as SeenEntry;
}

function* seenPathsOf(seen: LineSpool): Generator<string> {
  for (const e of seenEntriesOf(seen)) yield e.path;
}

/** What of a record the two lists must agree on, besides its path. */
const FIELDS = ['type', 'size', 'mode', 'mtime', 'sha256', 'uid', 'gid', 'link', 'source'] as const;

/** A record's fields in one order: a parser's key order (zod's, the streamed one's) must not matter. */
const recordKey = (f: ManifestFile) => JSON.stringify([f.path, ...FIELDS.map((k) => f[k])]);

/**
 * The two file lists, record by record (a failure to read either is a problem of its own). The
 * first difference is a problem naming the entry and the field: an edited sidecar shows what it
 * would have a restore do.
 */
function sameRecords(a: ManifestRecords, b: ManifestRecords, problems: string[]): boolean {
  try {
    const other = b.files()[Symbol.iterator]();
    for (const f of a.files()) {
      const g = other.next();
      if (g.done) {
        problems.push(`${f.path}: in the archive's manifest, not in the sidecar`);
        return false;
      }
      if (recordKey(f) === recordKey(g.value)) continue;
      const s = g.value;
      if (f.path !== s.path)
        problems.push(`the archive's manifest lists ${f.path} where the sidecar lists ${s.path}`);
      else {
        const field = FIELDS.find((k) => f[k] !== s[k])!;
        const show = (v: unknown) =>
          field === 'mode' && typeof v === 'number' ? `0${v.toString(8)}` : JSON.stringify(v);
        problems.push(
          `${f.path}: the sidecar says ${field} ${show(s[field])}, the archive's manifest ${show(f[field])}`,
        );
      }
      return false;
    }
    const extra = other.next();
    if (!extra.done)
      problems.push(`${extra.value.path}: in the sidecar, not in the archive's manifest`);
    return extra.done === true;
  } catch (err) {
    problems.push((err as Error).message);
    return true;
  }
}
