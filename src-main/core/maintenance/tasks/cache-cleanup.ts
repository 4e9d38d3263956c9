/**
 * The seed's `rm -rf /tmp/claude-code-cache/*`, made safe: only the contents of configured
 * folders go (never the folder, never a system or home folder), and Redis keys matching the
 * configured patterns that have no TTL (cache entries that would otherwise live forever).
 */
import { lstat, readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadIoredis } from '../../lazy.js';
import type { MaintenanceConfig } from '../config.js';
import type { TaskAction } from '../types.js';
import { humanBytes } from '../../bytes.js';
import type { MaintenanceTask } from './task.js';
import { walkFiles } from './walk.js';

type Options = MaintenanceConfig['cacheCleanup'];

const FORBIDDEN = new Set([
  '/',
  '/etc',
  '/usr',
  '/var',
  '/var/lib',
  '/home',
  '/root',
  '/tmp',
  '/bin',
  '/boot',
  '/opt',
  homedir(),
]);

export function cacheCleanupTask(opts: Options): MaintenanceTask {
  return {
    id: 'cache-cleanup',
    title: 'Cache cleanup',
    async run(ctx) {
      const actions: TaskAction[] = [];
      const warnings: string[] = [];
      let freed = 0;
      for (const raw of opts.paths) {
        const dir = resolve(raw);
        if (FORBIDDEN.has(dir)) {
          warnings.push(
            `${raw}: refusing to empty a system or home folder; name the cache folder itself`,
          );
          continue;
        }
        let entries: string[];
        try {
          entries = await readdir(dir);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
            warnings.push(`${dir}: ${(err as NodeJS.ErrnoException).code}`);
          continue;
        }
        for (const name of entries) {
          const path = join(dir, name);
          const size = await sizeOf(path, warnings);
          actions.push({ action: 'delete', target: path, bytes: size });
          freed += size;
          if (!ctx.dryRun)
            await rm(path, { recursive: true, force: true }).catch((err: Error) =>
              warnings.push(`${path}: ${err.message}`),
            );
        }
      }
      let keys = 0;
      if (opts.redis.url) {
        try {
          keys = await cleanRedis(opts.redis.url, opts.redis.patterns, ctx.dryRun, actions);
        } catch (err) {
          warnings.push(`redis ${redactUrl(opts.redis.url)}: ${(err as Error).message}`);
        }
      }
      const verb = ctx.dryRun ? 'would remove' : 'removed';
      return {
        summary: `${verb} ${actions.length - keys} cache entries (${humanBytes(freed)})${opts.redis.url ? ` and ${keys} Redis keys without TTL` : ''}`,
        actions,
        warnings,
        failed: opts.redis.url !== null && warnings.some((w) => w.startsWith('redis ')),
      };
    },
  };
}

async function sizeOf(path: string, warnings: string[]): Promise<number> {
  const st = await lstat(path).catch(() => null);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for await (const f of walkFiles(path, (w) => warnings.push(w))) total += f.size;
  return total;
}

/** SCAN (never KEYS: it blocks the server) for each pattern; remove keys whose TTL is -1 (none). */
async function cleanRedis(
  url: string,
  patterns: string[],
  dryRun: boolean,
  actions: TaskAction[],
): Promise<number> {
  const { Redis } = loadIoredis();
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
    enableOfflineQueue: false,
    // One attempt: a maintenance run must not leave a client reconnecting forever behind it.
    retryStrategy: () => null,
  });
  redis.on('error', () => {}); // surfaced through the failing command instead
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  let removed = 0;
  try {
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          if ((await redis.ttl(key)) !== -1) continue;
          actions.push({ action: 'del-key', target: key });
          removed++;
          if (!dryRun) await redis.del(key);
        }
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return removed;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
