/**
 * The seed's log steps: `logrotate -f` and `find $LOG_DIR -name "*.log" -mtime +30 -delete`.
 * Old logs are deleted or compressed; live logs above a size are rotated by copy + truncate (what
 * logrotate's copytruncate does), so a service holding the file open keeps writing to it.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, open, rename, truncate, unlink, utimes } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { minimatch } from 'minimatch';
import type { MaintenanceConfig } from '../config.js';
import type { TaskAction } from '../types.js';
import { humanBytes } from '../../bytes.js';
import type { MaintenanceTask } from './task.js';
import { walkFiles } from './walk.js';

type Options = MaintenanceConfig['logRetention'];
const DAY = 86_400_000;

export function logRetentionTask(opts: Options): MaintenanceTask {
  return {
    id: 'log-retention',
    title: 'Log rotation and retention',
    async run(ctx) {
      const actions: TaskAction[] = [];
      const warnings: string[] = [];
      const cutoff = ctx.now - opts.olderThanDays * DAY;
      const rotateAbove = opts.rotateAboveMb * 1024 * 1024;
      let freed = 0;
      for (const root of opts.paths) {
        for await (const f of walkFiles(root, (w) => warnings.push(w))) {
          if (ctx.signal.aborted) break;
          if (!opts.patterns.some((p) => minimatch(f.name, p, { dot: true }))) continue;
          try {
            if (f.mtimeMs < cutoff) {
              if (opts.action === 'delete') {
                actions.push({ action: 'delete', target: f.path, bytes: f.size });
                if (!ctx.dryRun) await unlink(f.path);
                freed += f.size;
              } else if (!f.name.endsWith('.gz')) {
                actions.push({ action: 'compress', target: f.path, bytes: f.size });
                if (!ctx.dryRun) freed += f.size - (await gzipInPlace(f.path, f.mtimeMs));
              }
            } else if (
              rotateAbove > 0 &&
              f.size > rotateAbove &&
              !/\.gz$|\.\d{8}-\d{6}$/.test(f.name)
            ) {
              const target = `${f.path}.${stamp(ctx.now)}`;
              actions.push({
                action: 'rotate',
                target: `${f.path} → ${basename(target)}`,
                bytes: f.size,
              });
              if (!ctx.dryRun) {
                await copyFile(f.path, target);
                await truncate(f.path, 0);
              }
            }
          } catch (err) {
            warnings.push(
              `${f.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
            );
          }
        }
      }
      const counts = (a: string) => actions.filter((x) => x.action === a).length;
      const verb = ctx.dryRun ? 'would ' : '';
      return {
        summary:
          `${verb}delete ${counts('delete')}, compress ${counts('compress')}, rotate ${counts('rotate')} log files ` +
          `older than ${opts.olderThanDays} days or above ${opts.rotateAboveMb} MB; ${verb}free ${humanBytes(freed)}`,
        actions,
        warnings,
      };
    },
  };
}

/** path → path.gz, written under a temp name, fsynced and renamed; returns the compressed size. */
async function gzipInPlace(path: string, mtimeMs: number): Promise<number> {
  const tmp = `${path}.gz.tmp-${process.pid}`;
  try {
    await pipeline(createReadStream(path), createGzip(), createWriteStream(tmp, { mode: 0o640 }));
    const fh = await open(tmp, 'r');
    const { size } = await fh.stat();
    await fh.sync();
    await fh.close();
    await utimes(tmp, mtimeMs / 1000, mtimeMs / 1000); // keep the age, so retention still sees it
    await rename(tmp, `${path}.gz`);
    await unlink(path);
    return size;
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
