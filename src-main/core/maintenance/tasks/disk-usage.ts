/** The seed's `df -h /var/log/claude-code` for the report: file system usage of each configured path. */
import { statfs } from 'node:fs/promises';
import type { MaintenanceConfig } from '../config.js';
import type { TaskAction } from '../types.js';
import { humanBytes } from '../../bytes.js';
import type { MaintenanceTask } from './task.js';

export function diskUsageTask(opts: MaintenanceConfig['diskUsage']): MaintenanceTask {
  return {
    id: 'disk-usage',
    title: 'Disk usage',
    async run() {
      const lines: string[] = [];
      const actions: TaskAction[] = [];
      const warnings: string[] = [];
      for (const path of opts.paths) {
        try {
          const s = await statfs(path);
          const total = s.blocks * s.bsize;
          const avail = s.bavail * s.bsize;
          const used = total - s.bfree * s.bsize;
          const pct = total > 0 ? (used / (used + avail)) * 100 : 0;
          lines.push(
            `${path}: ${humanBytes(used)} used of ${humanBytes(total)}, ${humanBytes(avail)} free (${pct.toFixed(0)} %)`,
          );
          actions.push({ action: 'measure', target: path, bytes: used });
        } catch (err) {
          warnings.push(
            `${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          );
        }
      }
      return { summary: lines.join('; ') || 'no path could be measured', actions, warnings };
    },
  };
}
