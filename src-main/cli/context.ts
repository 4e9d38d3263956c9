/**
 * What every command shares: `--config` / CCMON_CONFIG, CCMON_DATA_DIR, `--json`, and the exit-code
 * contract (0 success/healthy, 1 unhealthy/failed, 2 bad usage or bad input).
 */
import type { LoadedConfig } from '../core/config/load.js';
import { defaultDataDir, resolveConfigFile } from '../core/paths.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A failure the user caused (bad input): printed without a stack, exit 2 unless told otherwise. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

export interface CommandContext {
  loaded: LoadedConfig;
  dataDir: string;
  json: boolean;
}

/**
 * The config and data folder of a command, loaded when its action runs: the config schema (zod and
 * every domain's section) is the heaviest module graph a command needs, and `--help` needs none.
 */
export async function commandContext(opts: GlobalOptions): Promise<CommandContext> {
  const { ConfigError, loadConfig } = await import('../core/config/load.js');
  const file = resolveConfigFile(opts.config);
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
  return { loaded, dataDir: defaultDataDir(), json: Boolean(opts.json) };
}

/** Machine-readable output goes to stdout alone; messages go to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function message(text: string): void {
  process.stderr.write(text + '\n');
}
