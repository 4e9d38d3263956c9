/**
 * verify's comparison of the archive's entries with the manifest, both streamed in archive order
 * (ccmon writes them in one pass). Where the orders part, a hash per path (path-set.ts) tells a
 * manifest entry missing from the archive from one in the archive but not in the manifest, and
 * the walk picks up again at the next entry both have. When the archive could not be read to its
 * end, the manifest's entries after the last one read are counted as not reached, not listed as
 * missing: that is one cause (the read error), not a problem per entry.
 */
import type { ManifestFile } from './manifest.js';
import { PathHashSet } from './path-set.js';

/** What verify saw of one archive entry (manifest.json and manifest.txt excepted). */
export interface SeenEntry {
  path: string;
  type: string;
  size: number;
  sha256: string | null;
  link: string;
}

export function compareEntries(
  expected: () => Iterable<ManifestFile>,
  seen: () => Iterable<SeenEntry>,
  seenPaths: PathHashSet,
  problems: string[],
  /** `complete: false`: the archive was read only up to a failure. */
  { complete }: { complete: boolean } = { complete: true },
): void {
  const archive = seen()[Symbol.iterator]();
  let s = archive.next();
  /** Archive entries walked past while looking for a manifest entry further on. */
  const passed: string[] = [];
  let unreached = 0;
  for (const f of expected()) {
    if (!seenPaths.has(f.path)) {
      // Every entry read is behind us: this one lies past the point where reading stopped.
      if (!complete && s.done) unreached++;
      else problems.push(`${f.path}: listed in the manifest but missing from the archive`);
      continue;
    }
    for (; !s.done && s.value.path !== f.path; s = archive.next()) passed.push(s.value.path);
    if (s.done) {
      problems.push(`${f.path}: in the archive, but not where the manifest lists it`);
      continue;
    }
    compareOne(f, s.value, problems);
    s = archive.next();
  }
  for (; !s.done; s = archive.next()) passed.push(s.value.path);
  if (unreached > 0)
    problems.push(
      `${unreached} more ${unreached === 1 ? 'entry' : 'entries'} listed in the manifest not checked: reading the archive stopped before them`,
    );
  if (passed.length === 0) return;
  // Only when the orders parted: the manifest's paths, read again, tell "elsewhere" from "extra".
  const listed = new PathHashSet();
  for (const f of expected()) listed.add(f.path);
  for (const path of passed)
    problems.push(
      listed.has(path)
        ? `${path}: in the archive, but not where the manifest lists it`
        : `${path}: in the archive but not in the manifest`,
    );
}

function compareOne(f: ManifestFile, s: SeenEntry, problems: string[]): void {
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
