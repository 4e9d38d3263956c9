/**
 * `ccmon verify`: re-reads an archive end to end and checks every entry against the manifest
 * (type, size, sha256, link target), the archive file against its sidecar (size, sha256), and the
 * embedded manifest against the sidecar. Any difference is a problem naming the entry.
 */
import { createHash, type Hash } from 'node:crypto';
import type { ProgressUpdate } from '../jobs/scheduler.js';
import { readArchive, type ReadArchiveOptions } from './archive-reader.js';
import {
  MANIFEST_ENTRY,
  MANIFEST_TEXT_ENTRY,
  type BackupManifest,
  type BackupSidecar,
  type ManifestFile,
} from './manifest.js';
import type { VerifyResult } from './contract.js';
import { parseManifest } from './manifest-schema.js';
import { checkManifest, unsafePath } from './safety.js';

export type { VerifyResult };

interface Seen {
  type: string;
  size: number;
  sha256: string | null;
  link: string;
}

const MAX_PROBLEMS = 100;

export async function verifyArchive(
  archivePath: string,
  sidecar: BackupSidecar | null,
  opts: ReadArchiveOptions & { onProgress?: (p: ProgressUpdate) => void } = {},
): Promise<VerifyResult> {
  const t0 = performance.now();
  const problems: string[] = [];
  const seen = new Map<string, Seen>();
  const raw = createHash('sha256');
  let rawBytes = 0;
  let current: { path: string; seen: Seen; hash: Hash } | null = null;
  let manifestChunks: Buffer[] | null = null;
  let embeddedText: string | null = null;
  let bytes = 0;
  let files = 0;
  try {
    await readArchive(
      archivePath,
      {
        entry(h) {
          const why = unsafePath(h.path);
          if (why) problems.push(`${h.path}: ${why}`);
          if (h.type !== 'file' && h.type !== 'dir' && h.type !== 'symlink')
            problems.push(`${h.path}: unsupported entry type (${h.type})`);
          if (h.path === MANIFEST_ENTRY) manifestChunks = [];
          const s: Seen = { type: h.type, size: h.size, sha256: null, link: h.linkname };
          if (seen.has(h.path) && h.path !== MANIFEST_ENTRY)
            problems.push(`${h.path}: appears twice in the archive`);
          seen.set(h.path, s);
          current = { path: h.path, seen: s, hash: createHash('sha256') };
        },
        data(c) {
          current?.hash.update(c);
          manifestChunks?.push(Buffer.from(c));
          bytes += c.length;
        },
        endEntry() {
          if (current && current.seen.type === 'file') {
            current.seen.sha256 = current.hash.digest('hex');
            if (current.path !== MANIFEST_ENTRY && current.path !== MANIFEST_TEXT_ENTRY) files++;
          }
          if (manifestChunks) embeddedText = Buffer.concat(manifestChunks).toString('utf8');
          manifestChunks = null;
          current = null;
          if (files % 200 === 0) opts.onProgress?.({ phase: 'verifying', files, bytes });
        },
      },
      {
        ...opts,
        onRaw: (c) => {
          raw.update(c);
          rawBytes += c.length;
        },
      },
    );
  } catch (err) {
    problems.push(`the archive cannot be read to the end: ${(err as Error).message}`);
  }
  let embedded: BackupManifest | null = null;
  if (embeddedText !== null) {
    try {
      embedded = parseManifest(embeddedText, MANIFEST_ENTRY);
    } catch (err) {
      problems.push((err as Error).message);
    }
  } else if (!problems.some((p) => p.startsWith('the archive cannot')))
    problems.push(`the archive has no ${MANIFEST_ENTRY}`);

  if (sidecar) {
    if (rawBytes !== sidecar.archive.sizeBytes && !problems.length)
      problems.push(
        `archive size is ${rawBytes} bytes, the manifest says ${sidecar.archive.sizeBytes}`,
      );
    const digest = raw.digest('hex');
    if (digest !== sidecar.archive.sha256)
      problems.push(`archive sha256 is ${digest}, the manifest says ${sidecar.archive.sha256}`);
    if (embedded && embedded.id !== sidecar.id)
      problems.push(
        `the archive's manifest is for backup ${embedded.id}, the sidecar for ${sidecar.id}`,
      );
    if (
      embedded &&
      sidecar.files &&
      JSON.stringify(embedded.files) !== JSON.stringify(sidecar.files)
    )
      problems.push("the archive's embedded manifest and its sidecar list different files");
  }
  const manifest = sidecar?.files ? { files: sidecar.files, sources: sidecar.sources } : embedded;
  if (manifest) {
    try {
      checkManifest(manifest);
    } catch (err) {
      problems.push((err as Error).message);
    }
    compare(manifest.files, seen, problems);
  }
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS)
    shown.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
  return {
    ok: problems.length === 0,
    archive: archivePath,
    id: sidecar?.id ?? embedded?.id ?? null,
    set: sidecar?.set ?? embedded?.set ?? null,
    files,
    bytes,
    problems: shown,
    durationSeconds: Math.round(performance.now() - t0) / 1000,
    checkedAt: new Date().toISOString(),
  };
}

function compare(expected: ManifestFile[], seen: Map<string, Seen>, problems: string[]): void {
  const listed = new Set<string>();
  for (const f of expected) {
    listed.add(f.path);
    const s = seen.get(f.path);
    if (!s) {
      problems.push(`${f.path}: listed in the manifest but missing from the archive`);
      continue;
    }
    if (s.type !== f.type)
      problems.push(`${f.path}: is a ${s.type} in the archive, a ${f.type} in the manifest`);
    else if (f.type === 'file') {
      if (s.size !== f.size)
        problems.push(`${f.path}: ${s.size} bytes in the archive, ${f.size} in the manifest`);
      else if (s.sha256 !== f.sha256)
        problems.push(
          `${f.path}: content does not match the manifest (sha256 ${s.sha256?.slice(0, 12)}…, expected ${f.sha256?.slice(0, 12)}…)`,
        );
    } else if (f.type === 'symlink' && s.link !== (f.link ?? ''))
      problems.push(`${f.path}: links to '${s.link}', the manifest says '${f.link}'`);
  }
  for (const path of seen.keys()) {
    if (!listed.has(path) && path !== MANIFEST_ENTRY && path !== 'manifest.txt')
      problems.push(`${path}: in the archive but not in the manifest`);
  }
}
