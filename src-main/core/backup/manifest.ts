/**
 * The backup manifest: every file's path, size, mode, mtime and sha256, the sources and their
 * outcome, totals and timing. It is written inside the archive (last entries: manifest.json and
 * the seed's human-readable manifest.txt) and beside it (`<id>.manifest.json`, which also carries
 * the archive file's own size and sha256). Restore and verify trust nothing the manifest does not
 * list. The zod schemas live in manifest-schema.ts: only what parses a manifest loads zod (the
 * backup and restore workers do not).
 */
import type { z } from 'zod';
import type { fileSchema, manifestSchema, sidecarSchema, sourceSchema } from './manifest-schema.js';
import { humanBytes } from '../bytes.js';

export const MANIFEST_FORMAT = 'ccmon-backup/1';
export const MANIFEST_ENTRY = 'manifest.json';
export const MANIFEST_TEXT_ENTRY = 'manifest.txt';
/** Archive prefixes: files by their absolute path (like tar, minus the leading '/'), dumps apart. */
export const FS_PREFIX = 'fs/';
export const DUMP_PREFIX = 'dumps/';

export type ManifestFile = z.output<typeof fileSchema>;
export type ManifestSource = z.output<typeof sourceSchema>;
export type BackupManifest = z.output<typeof manifestSchema>;
export type BackupSidecar = z.output<typeof sidecarSchema>;

/** The seed's manifest.txt (备份清单), with the same labels, plus what ccmon knows besides. */
export function manifestText(m: Omit<BackupManifest, 'files'>, archiveName: string): string {
  const lines = [
    '备份清单 (backup manifest)',
    `日期 (date): ${m.createdAt}`,
    `ID: ${m.id}  set: ${m.set}  kind: ${m.kind}  host: ${m.host.hostname}`,
    `archive: ${archiveName} (${m.compression}${m.encrypted ? ', encrypted' : ''})`,
    '',
    'sources:',
    ...m.sources.map(
      (s) =>
        `  ${s.status.padEnd(7)} ${s.kind.padEnd(9)} ${s.origin}  ${s.files} files, ${humanBytes(s.bytes)}` +
        (s.message ? `  (${s.message})` : ''),
    ),
    '',
    `文件大小 (sizes): ${m.totals.files} files, ${m.totals.dirs} directories, ${m.totals.symlinks} symlinks, ${humanBytes(m.totals.bytes)}`,
    `duration: ${m.durationSeconds.toFixed(1)} s`,
    ...(m.warnings.length ? ['', 'warnings:', ...m.warnings.map((w) => `  ${w}`)] : []),
    '',
  ];
  return lines.join('\n');
}
