/**
 * Child process of restore-memory.test.ts. `engine <op> <ccmon.json> <ref> [to]`: one restore
 * or verify through BackupService (op `dry`, `restore` or `verify`); `cli <args…>`: the `ccmon`
 * command line itself (src-main/cli/index.ts main() with V8 tuned as bin.ts tunes it, stdout
 * consumed by the test). Either way the process's peak RSS (VmHWM, the kernel's high-water mark)
 * is written to the file named by CCMON_TEST_HWM.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [mode, ...args] = process.argv.slice(2);
let summary: unknown = null;
if (mode === 'engine') {
  const [op, configFile, ref, to] = args;
  const { backupConfigSchema } = await import('../../../src-main/core/backup/config.js');
  const { BackupService } = await import('../../../src-main/core/backup/service.js');
  const config = backupConfigSchema.parse(JSON.parse(readFileSync(configFile!, 'utf8')).backup);
  const service = new BackupService({
    config,
    dataDir: `${config.directory}-state`,
    configFile: null,
  });
  if (op === 'verify') {
    const v = await service.verify(ref!);
    if (!v.ok) throw new Error(v.problems.join('; '));
    summary = { files: v.files };
  } else {
    const r = await service.restore({ ref: ref!, to: to ?? null, dryRun: op === 'dry' });
    if (!r.ok) throw new Error(r.message);
    summary = { counts: r.diff.counts, unchanged: r.diff.unchanged, message: r.message };
  }
} else {
  // As bin.ts and the built launcher run it: V8 tuned for the command before the CLI loads.
  const argv = ['node', 'ccmon', ...args];
  const { tuneV8ForCommand } = await import('../../../src-main/core/system/v8-tuning.js');
  tuneV8ForCommand(argv);
  const { main } = await import('../../../src-main/cli/index.js');
  process.exitCode = await main(argv);
}
const hwmKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
writeFileSync(process.env.CCMON_TEST_HWM!, JSON.stringify({ hwmKb, summary }));
