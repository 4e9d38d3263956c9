/**
 * `ccmon ls REF [PATH]`: a backup's files, as `tar -tv` and `restic ls` list them, with the paths
 * they were backed up from (what `restore --include` takes). `--json` streams every entry.
 */
import type { Command } from 'commander';
import type { ManifestFile } from '../../core/backup/manifest.js';

export function registerLs(program: Command): void {
  program
    .command('ls <ref> [path]')
    .description(
      "list a backup's files (below PATH, as backed up), as tar -tv does; paths for restore --include",
    )
    .action(async (ref: string, path: string | undefined, _opts: unknown, cmd: Command) => {
      const { backupListing } = await import('../backup-listing.js');
      const l = await backupListing(cmd);
      await l.run(async () => {
        const resolved = l.service.store.resolve(ref, { files: false });
        if (l.ctx.json)
          await l.write(`{\n  "id": ${JSON.stringify(resolved.sidecar?.id ?? ref)},\n  "files": [`);
        const r = await l.service.listings.files(
          resolved.archivePath,
          path ?? null,
          l.ctx.json
            ? (f: ManifestFile) => l.item(l.entryAsBackedUp(f))
            : (f: ManifestFile) => l.write(`${lsLine(f, l.shown)}\n`),
        );
        if (l.ctx.json) {
          await l.endArray();
          await l.write(`,\n  "count": ${r.matched}\n}\n`);
        }
      });
    });
}

/**
 * `-rw-r----- 0/0      1234 2026-01-02 03:04:05Z /etc/claude-code/x.json`, as tar -tv shows it; a
 * hard link of a file listed before it ends `link to` that file, as tar's does (its size is there:
 * ccmon archives every link whole).
 */
export function lsLine(f: ManifestFile, show: (path: string) => string): string {
  const kind = f.type === 'dir' ? 'd' : f.type === 'symlink' ? 'l' : '-';
  const owner = `${f.uid}/${f.gid}`;
  const when = f.mtime.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const shown = show(f.path);
  const name =
    f.type === 'dir'
      ? `${shown}/`
      : f.type === 'symlink'
        ? `${shown} -> ${f.link}`
        : f.hardlinkTo !== undefined
          ? `${shown} link to ${show(f.hardlinkTo)}`
          : shown;
  return `${kind}${modeString(f.mode)} ${owner.padEnd(9)} ${String(f.size).padStart(10)} ${when} ${name}`;
}

/** `0o4755` → `rwsr-xr-x`, as ls writes permission bits. */
function modeString(mode: number): string {
  const rwx = (bits: number, special: boolean, s: string) =>
    (bits & 4 ? 'r' : '-') +
    (bits & 2 ? 'w' : '-') +
    (special ? (bits & 1 ? s : s.toUpperCase()) : bits & 1 ? 'x' : '-');
  return (
    rwx(mode >> 6, (mode & 0o4000) !== 0, 's') +
    rwx(mode >> 3, (mode & 0o2000) !== 0, 's') +
    rwx(mode, (mode & 0o1000) !== 0, 't')
  );
}
