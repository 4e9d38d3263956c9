/**
 * The `backup` config section (seed 34.3.7 backup.sh / restore.sh and the config backup of 34.3.6):
 * backup sets and their sources, archive format, retention, encryption, an optional S3 copy, and
 * the restore hooks. Every field has a default, so no section at all gives the seed's backup:
 * /etc/claude-code, /var/log/claude-code and /var/lib/claude-code, daily, kept 30 days.
 * Secrets (passphrase, S3 keys) never live here: they come from the environment or the keychain.
 */
import { isAbsolute, normalize } from 'node:path';
import { Cron } from 'croner';
import { z } from 'zod';
import { withoutTrailingSep } from './paths.js';

/**
 * A path a backup reads or writes: absolute, because a relative one would be resolved against
 * whatever folder ccmon was started in (the agent's differs from a shell's), and a source is
 * archived, then restored, under its absolute path.
 */
const absolutePath = z
  .string()
  .min(1)
  .refine(isAbsolute, 'must be an absolute path (a relative one depends on where ccmon starts)');

const command = z.array(z.string().min(1)).min(1);
/** A cron expression croner accepts (checked at load time, so `ccmon config validate` names it). */
const cron = z
  .string()
  .min(1)
  .superRefine((expr, ctx) => {
    try {
      new Cron(expr, { paused: true }).stop();
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid cron expression: ${(err as Error).message.replace(/^CronPattern: /, '')}`,
      });
    }
  });
const duration = z
  .string()
  .regex(/^(\d+[hdwmy])+$/, 'expected a duration like 30d, 12h, 2w, 6m, 1y (restic --keep-within)');
/** restic's keep counts: a number of buckets, or -1 for "all". */
const keepCount = z
  .number({ error: 'expected a whole number of backups to keep (-1: all of them)' })
  .int()
  .min(-1)
  .default(0);

export const backupSourceSchema = z
  .object({
    path: absolutePath,
    /** Globs relative to `path` (minimatch); empty keeps every file. */
    include: z.array(z.string().min(1)).default([]),
    exclude: z.array(z.string().min(1)).default([]),
  })
  .strict();

/** A path, or { path, include, exclude }: errors name the field, not "invalid input". */
const sourceEntry = z.preprocess(
  (v) => (typeof v === 'string' ? { path: v } : v),
  backupSourceSchema,
);

/** The seed's backup.sh folders: what a set archives when it lists none. */
export const DEFAULT_BACKUP_SOURCES = [
  '/etc/claude-code',
  '/var/log/claude-code',
  '/var/lib/claude-code',
] as const;

export const backupSetSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _ (it names files)'),
    /** Cron expression (croner), or null for on-demand only. */
    schedule: cron.nullable().default('0 2 * * *'),
    sources: z
      .array(sourceEntry)
      .default(() => DEFAULT_BACKUP_SOURCES.map((path) => backupSourceSchema.parse({ path })))
      .superRefine((sources, ctx) => {
        // The same folder twice is a slip (a nested one is fine: it is walked on its own).
        const seen = new Map<string, number>();
        sources.forEach((s, i) => {
          const key = withoutTrailingSep(normalize(s.path));
          const first = seen.get(key);
          if (first === undefined) seen.set(key, i);
          else
            ctx.addIssue({
              code: 'custom',
              path: [i, 'path'],
              message: `${s.path} is listed twice (also sources.${first})`,
            });
        });
      }),
    /** A dump command whose stdout is the dump, e.g. [pg_dump, -U, claude, claude_code]. */
    database: z
      .object({
        command,
        /** Fed the dump on stdin at restore time, e.g. [psql, -U, claude, -d, claude_code]. */
        restoreCommand: command.nullable().default(null),
        fileName: z
          .string()
          .regex(/^[\w.-]+$/)
          .default('database.sql'),
      })
      .strict()
      .nullable()
      .default(null),
    /** A Redis snapshot: BGSAVE, wait for LASTSAVE to change, copy the RDB file. */
    redis: z
      .object({
        url: z.string().min(1).default('redis://127.0.0.1:6379'),
        /** The RDB file when Redis' own CONFIG GET dir/dbfilename is not readable from here. */
        rdbPath: z.string().min(1).nullable().default(null),
        timeoutSeconds: z.number().positive().default(120),
      })
      .strict()
      .nullable()
      .default(null),
    /** ccmon's own config file and data dir (alert history …), minus tsdb snapshots and backups. */
    ccmonState: z.boolean().default(true),
  })
  .strict();

export const retentionSchema = z
  .object({
    keepLast: keepCount,
    keepHourly: keepCount,
    keepDaily: keepCount,
    keepWeekly: keepCount,
    keepMonthly: keepCount,
    keepYearly: keepCount,
    /** Keep everything this recent, relative to the newest backup (restic --keep-within). */
    keepWithin: duration.nullable().default('30d'),
  })
  .strict();

export const backupConfigSchema = z
  .object({
    /** Where archives go; null means `<data dir>/backups` (the seed used /backup/claude-code). */
    directory: absolutePath.nullable().default(null),
    compression: z.enum(['gzip', 'zstd']).default('gzip'),
    /** gzip 1-9 (default 6, like gzip) or zstd 1-19 (default 3, like zstd). */
    level: z.number().int().min(1).max(19).nullable().default(null),
    sets: z
      .array(backupSetSchema)
      .min(1)
      .default(() => [backupSetSchema.parse({ name: 'claude-code' })])
      .refine((sets) => new Set(sets.map((s) => s.name)).size === sets.length, {
        message: 'backup set names must be unique',
      }),
    retention: retentionSchema.default(() => retentionSchema.parse({})),
    /** AES-256-GCM with a scrypt-derived key; the passphrase comes from the keychain or the env. */
    encryption: z
      .object({
        enabled: z.boolean().default(false),
        passphraseEnv: z.string().min(1).default('CCMON_BACKUP_PASSPHRASE'),
      })
      .strict()
      .default(() => ({ enabled: false, passphraseEnv: 'CCMON_BACKUP_PASSPHRASE' })),
    /** Copy every finished archive to S3-compatible storage (credentials: AWS env / profile). */
    s3: z
      .object({
        bucket: z.string().min(1),
        prefix: z.string().default('ccmon/'),
        endpoint: z.string().url().nullable().default(null),
        region: z.string().min(1).default('us-east-1'),
        forcePathStyle: z.boolean().default(true),
      })
      .strict()
      .nullable()
      .default(null),
    restore: z
      .object({
        /** The seed's restore.sh: systemctl stop/start claude-code, then is-active after 5 s. */
        stopCommand: command.nullable().default(['systemctl', 'stop', 'claude-code']),
        startCommand: command.nullable().default(['systemctl', 'start', 'claude-code']),
        activeCommand: command
          .nullable()
          .default(['systemctl', 'is-active', '--quiet', 'claude-code']),
        settleSeconds: z.number().min(0).max(600).default(5),
        hookTimeoutSeconds: z.number().positive().default(120),
        /** Health check after restore: HTTP 200 expected (the seed's API /health), or null. */
        healthUrl: z.string().url().nullable().default(null),
      })
      .strict()
      .default(() => ({
        stopCommand: ['systemctl', 'stop', 'claude-code'],
        startCommand: ['systemctl', 'start', 'claude-code'],
        activeCommand: ['systemctl', 'is-active', '--quiet', 'claude-code'],
        settleSeconds: 5,
        hookTimeoutSeconds: 120,
        healthUrl: null,
      })),
    /** Scheduled restore test: extract the newest backup into a temp dir and compare. */
    restoreTestSchedule: cron.nullable().default('30 3 * * 0'),
  })
  .strict();

export type BackupConfig = z.output<typeof backupConfigSchema>;
export type BackupSetConfig = z.output<typeof backupSetSchema>;
export type BackupSourceConfig = z.output<typeof backupSourceSchema>;
export type RetentionPolicy = z.output<typeof retentionSchema>;
