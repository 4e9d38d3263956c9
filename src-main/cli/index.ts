/** `ccmon`: the command-line contract of DESIGN.md. One module per command under commands/. */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../core/version.js';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './context.js';
import { registerAgent } from './commands/agent.js';
import { registerAlerts } from './commands/alerts.js';
import { registerBackup } from './commands/backup.js';
import { registerBackups } from './commands/backups.js';
import { registerPrune } from './commands/prune.js';
import { registerRestore } from './commands/restore.js';
import { registerVerify } from './commands/verify.js';
import { registerCheck } from './commands/check.js';
import { registerConfig } from './commands/config.js';
import { registerLogs } from './commands/logs.js';
import { registerDiff } from './commands/diff.js';
import { registerLs } from './commands/ls.js';
import { registerMaintenance } from './commands/maintenance.js';
import { registerReport } from './commands/report.js';
import { registerRules } from './commands/rules.js';
import { registerSimulate } from './commands/simulate.js';
import { registerUsage } from './commands/usage.js';

export function buildProgram(): Command {
  const program = new Command('ccmon')
    .description(
      'Monitor and maintain a Claude Code deployment (headless twin of the ccmon tray app).',
    )
    .version(VERSION)
    .option(
      '-c, --config <file>',
      'config file (YAML or JSON); default $CCMON_CONFIG or the platform config dir',
    )
    .option('--json', 'machine-readable output on stdout, messages on stderr')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nState lives under $CCMON_DATA_DIR (default: the platform app-data folder).\n' +
        'Exit codes: 0 success/healthy, 1 unhealthy/failed, 2 bad usage or bad input.',
    );
  registerAgent(program);
  registerAlerts(program);
  registerBackup(program);
  registerBackups(program);
  registerVerify(program);
  registerRestore(program);
  registerLs(program);
  registerDiff(program);
  registerPrune(program);
  registerCheck(program);
  registerConfig(program);
  registerLogs(program);
  registerMaintenance(program);
  registerReport(program);
  registerRules(program);
  registerSimulate(program);
  registerUsage(program);
  program.hook('preAction', (_program, action) => tuneZod(action.name()));
  return program;
}

/**
 * zod compiles an object schema into a function (`new Function`) at its first parse, which pays
 * back over many parses: the agent's. A one-shot command parses its config once, and that compiling
 * was ~20 ms of `ccmon backup`'s start (an empty set: 0.141 → 0.122 s, bench/README.md); V8's code
 * cache cannot keep code made at run time. zod reads the setting as it builds each schema, so it is
 * set before an action loads any (and `--help` loads no zod at all).
 */
export async function tuneZod(command: string): Promise<void> {
  const { config } = await import('zod');
  config({ jitless: command !== 'agent' });
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      return EXIT_USAGE;
    }
    // With --json a script reads stdout: it gets the error there too, as one JSON object (a
    // broken config printed nothing on stdout). The message stays on stderr for a person.
    if (argv.includes('--json'))
      process.stdout.write(`${JSON.stringify({ ok: false, error: (err as Error).message })}\n`);
    if (err instanceof UsageError) {
      process.stderr.write(`ccmon: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`ccmon: ${(err as Error).message}\n`);
    if (process.env.CCMON_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return EXIT_FAILED;
  }
}
