/**
 * What the backup commands (backup, backups, verify, restore, prune) share once one of them runs:
 * the backup service built from the config, the progress line, the terminal prompts, and the error
 * classes they map to exit codes. The commands import this module inside their actions, so
 * `ccmon --help` and every other command start without the backup engine.
 */
import { createInterface } from 'node:readline';
import { passphraseProvider } from '../core/backup/passphrase.js';
import { humanBytes } from '../core/bytes.js';
import { s3Store } from '../core/backup/remote.js';
import { BackupService } from '../core/backup/service.js';
import type { ProgressUpdate } from '../core/jobs/scheduler.js';
import { rateTracker } from '../core/jobs/progress.js';
import { defaultSecretStore } from '../core/secrets/secret-service.js';
import type { CommandContext } from './context.js';

export { humanBytes } from '../core/bytes.js';
export { UnsafeArchiveError } from '../core/backup/safety.js';
export { NotInBackupError, RestoreInputError } from '../core/backup/restore-manifest.js';
export { UnknownSetError } from '../core/backup/service.js';
export { BackupBusyError, BackupNotFoundError } from '../core/backup/store.js';

/**
 * The backup service for a CLI command: config, data dir, passphrase from env, secret store or
 * prompt. `newArchive`: the command encrypts a new backup with the passphrase, so a typed one is
 * asked twice (a typo would make that backup impossible to restore).
 */
export function backupService(
  ctx: CommandContext,
  opts: { newArchive?: boolean } = {},
): BackupService {
  const config = ctx.loaded.config.backup;
  return new BackupService({
    config,
    dataDir: ctx.dataDir,
    configFile: ctx.loaded.file,
    inProcess: true,
    passphrase: passphraseProvider({
      envName: config.encryption.passphraseEnv,
      secrets: defaultSecretStore(ctx.dataDir),
      prompt:
        process.stdin.isTTY && process.stderr.isTTY
          ? (again) => promptHidden(again ? 'backup passphrase again: ' : 'backup passphrase: ')
          : null,
      confirm: opts.newArchive,
    }),
    remote: config.s3 ? s3Store(config.s3) : null,
  });
}

/** One line on stderr, rewritten in place on a terminal; silent otherwise. */
export function progressLine(json: boolean): {
  /**
   * Undefined when nothing would be shown (`--json`, stderr not a terminal: cron, scripts): then
   * no progress is asked for at all, and a first backup skips the walk that counts the files for
   * its ETA (a second pass over the tree: ~0.15 s of a 20,000-file backup).
   */
  update: ((p: ProgressUpdate) => void) | undefined;
  done: () => void;
} {
  const tty = Boolean(process.stderr.isTTY) && !json;
  let shown = false;
  const track = rateTracker(performance.now());
  return {
    update: !tty
      ? undefined
      : (p) => {
          const { rate, etaSeconds } = track(p, performance.now());
          const total = p.totalBytes ? ` / ${humanBytes(p.totalBytes)}` : '';
          const eta = p.totalBytes && etaSeconds !== null ? `, ETA ${etaSeconds} s` : '';
          process.stderr.write(
            `\r\x1b[K${p.phase ?? ''}: ${p.files} files, ${humanBytes(p.bytes)}${total} (${humanBytes(rate)}/s${eta})`,
          );
          shown = true;
        },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Ask on the terminal; the answer is not echoed. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stderr.write(question);
    out._writeToOutput = () => {};
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** Ask on the terminal, echoing the answer. */
export function promptLine(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer.trim());
    });
  });
}
