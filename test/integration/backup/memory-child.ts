/**
 * Child process of memory.test.ts: one backup of the folder in argv[2] into argv[3] with the
 * compression in argv[4], through BackupService as the agent and the CLI run it; prints the
 * process's peak RSS (VmHWM from /proc/self/status, the kernel's high-water mark) and the result.
 */
import { readFileSync } from 'node:fs';
import { backupConfigSchema } from '../../../src-main/core/backup/config.js';
import { BackupService } from '../../../src-main/core/backup/service.js';

const [source, directory, compression] = process.argv.slice(2);
const config = backupConfigSchema.parse({
  directory,
  compression,
  sets: [{ name: 'many', sources: [source], ccmonState: false }],
});
const service = new BackupService({ config, dataDir: `${directory}-state`, configFile: null });
const { backup } = await service.backup();
const status = readFileSync('/proc/self/status', 'utf8');
const hwmKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)![1]);
process.stdout.write(JSON.stringify({ hwmKb, files: backup.files, id: backup.id }));
