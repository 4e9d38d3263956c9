/**
 * The manifest's zod schemas and parsers (manifest.ts has the types and constants): a hand-edited
 * or foreign manifest is refused with the path of its first problem.
 */
import { z } from 'zod';
import { MANIFEST_FORMAT, type BackupManifest, type BackupSidecar } from './manifest.js';

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
  /**
   * A file that was a hard link of an earlier file of the same backup (same device and inode):
   * that file's path. The file is archived whole all the same; a restore links the two again.
   */
  hardlinkTo: z.string().optional(),
  source: z.string(),
});

export const sourceSchema = z.object({
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
  /**
   * Folders below the source left out of its walk (archive paths): sources nested in it, walked
   * on their own, and the backup folder. A restore's "removed" walk leaves them out too.
   */
  leftOut: z.array(z.string()).optional(),
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
