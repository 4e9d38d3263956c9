/**
 * The backup manifest: every file's path, size, mode, mtime and sha256, the sources and their
 * outcome, totals and timing. It is written inside the archive (last entries: manifest.json and
 * the seed's human-readable manifest.txt) and beside it (`<id>.manifest.json`, which also carries
 * the archive file's own size and sha256). Restore and verify trust nothing the manifest does not
 * list.
 */
import { z } from 'zod';

export const MANIFEST_FORMAT = 'ccmon-backup/1';
export const MANIFEST_ENTRY = 'manifest.json';
export const MANIFEST_TEXT_ENTRY = 'manifest.txt';
/** Archive prefixes: files by their absolute path (like tar, minus the leading '/'), dumps apart. */
export const FS_PREFIX = 'fs/';
export const DUMP_PREFIX = 'dumps/';

export const fileSchema = z.object({
  path: z.string().min(1),
  type: z.enum(['file', 'dir', 'symlink']),
  size: z.number().int().min(0),
  mode: z.number().int().min(0).max(0o7777),
  mtime: z.string(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  uid: z.number().int().min(0),
  gid: z.number().int().min(0),
  link: z.string().optional(),
  source: z.string(),
});

const sourceSchema = z.object({
  name: z.string(),
  kind: z.enum(['directory', 'database', 'redis', 'ccmon']),
  origin: z.string(),
  status: z.enum(['ok', 'missing', 'failed']),
  message: z.string(),
  files: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** Where the source's entries live in the archive (`fs/etc/claude-code`, `dumps/database.sql`). */
  archivePath: z.string(),
  /** The globs used, so a restore's "removed" list ignores files the backup never included. */
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  id: z.string().min(1),
  set: z.string().min(1),
  kind: z.enum(['scheduled', 'manual', 'safety']),
  tool: z.object({ name: z.literal('ccmon'), version: z.string() }),
  host: z.object({ hostname: z.string(), platform: z.string(), arch: z.string() }),
  createdAt: z.string(),
  finishedAt: z.string(),
  durationSeconds: z.number().min(0),
  compression: z.enum(['gzip', 'zstd']),
  encrypted: z.boolean(),
  sources: z.array(sourceSchema),
  totals: z.object({
    files: z.number().int(),
    dirs: z.number().int(),
    symlinks: z.number().int(),
    bytes: z.number().int(),
  }),
  warnings: z.array(z.string()),
  files: z.array(fileSchema),
});

export const sidecarSchema = manifestSchema.extend({
  /** Omitted (null) when the archive is encrypted: file names stay inside the ciphertext. */
  files: z.array(fileSchema).nullable(),
  archive: z.object({ name: z.string(), sizeBytes: z.number().int(), sha256: z.string() }),
});

export type ManifestFile = z.output<typeof fileSchema>;
export type ManifestSource = z.output<typeof sourceSchema>;
export type BackupManifest = z.output<typeof manifestSchema>;
export type BackupSidecar = z.output<typeof sidecarSchema>;

/** Parse a manifest or sidecar, naming the first problem (a hand-edited or foreign file). */
export function parseSidecar(text: string, where: string): BackupSidecar {
  return parseWith(sidecarSchema, text, where);
}

export function parseManifest(text: string, where: string): BackupManifest {
  return parseWith(manifestSchema, text, where);
}

function parseWith<T>(schema: z.ZodType<T>, text: string, where: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not a ccmon backup manifest (${(err as Error).message})`, {
      cause: err,
    });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(
      `${where}: not a valid ccmon backup manifest: ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
  }
  return r.data;
}

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

export function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
