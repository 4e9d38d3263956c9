/**
 * The config engine module: config.get / config.validate / config.update. A candidate is checked by
 * the loader itself (parseConfigText: migrations, the one zod schema, line numbers), applied to the
 * running engine, and only then written; a failed apply leaves the old engine and the old file.
 */
import { join } from 'node:path';
import type { RequestHandlers } from '../api.js';
import { RequestError } from '../local-api.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import type { ConfigEvents, ConfigFieldIssue, ConfigSection, ConfigView } from './contract.js';
import { canWrite, parseForEdit, readIfExists, setSection, writeConfigAtomically } from './edit.js';
import { ConfigError, parseConfigText } from './load.js';
import { redactSecrets, restoreRedacted } from './redact.js';
import { DEFAULT_BACKUP_SOURCES } from '../backup/config.js';
import { DEFAULT_CHECKS } from '../checks/config.js';
import { DEFAULT_SCRAPE_JOBS } from '../scrape/config.js';
import type { CcmonConfig } from './schema.js';

/** What the engine did with a new config (see Agent.reload). */
export interface AppliedConfig {
  applied: ConfigSection[];
  restartRequired: ConfigSection[];
}

export interface ConfigModuleOptions {
  /** The file the agent was started with; null: defaults, and updates create `<dataDir>/ccmon.yaml`. */
  file: string | null;
  dataDir: string;
  current: () => CcmonConfig;
  /** Apply a validated config to the running engine; throws (leaving the old engine) on failure. */
  apply: (next: CcmonConfig) => Promise<AppliedConfig>;
  emit?: (payload: ConfigEvents['config.applied']) => void;
  logger: Logger;
}

export interface ConfigModule extends EngineModule {
  handlers: Pick<RequestHandlers, 'config.get' | 'config.validate' | 'config.update'>;
  /** The file updates go to (the created one after the first update without a file). */
  file(): string;
  /**
   * Reads the config file again and applies it (the agent's SIGHUP, as Prometheus reloads):
   * a hand-edited file takes effect without a restart. A file that does not load, or does not
   * apply, leaves the running config as it was and throws why. Returns what to log.
   */
  reloadFile(): Promise<string>;
}

/** The file as a YAML document; a file that is not valid YAML is a bad request, not a crash. */
function editable(text: string, path: string) {
  try {
    return parseForEdit(text, path);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new RequestError(
        'bad_request',
        err.message,
        err.issues.map((i) => `line ${i.line ?? '?'}: ${i.message}`),
      );
    throw err;
  }
}

interface Candidate {
  target: string;
  existed: boolean;
  text: string;
  config: CcmonConfig | null;
  issues: ConfigFieldIssue[];
}

export function createConfigModule(opts: ConfigModuleOptions): ConfigModule {
  const createAt = join(opts.dataDir, 'ccmon.yaml');
  let file = opts.file;
  const target = () => file ?? createAt;
  // One update at a time: two saves racing must not interleave their read-modify-write.
  let queue: Promise<unknown> = Promise.resolve();

  const candidate = async (section: ConfigSection, value: unknown): Promise<Candidate> => {
    const path = target();
    const current = await readIfExists(path);
    const doc = editable(current ?? '', path);
    const before = (doc.toJS() ?? {}) as Record<string, unknown>;
    setSection(doc, section, restoreRedacted(value, before[section]));
    const text = doc.toString();
    try {
      const loaded = parseConfigText(text, path);
      return { target: path, existed: current !== null, text, config: loaded.config, issues: [] };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return { target: path, existed: current !== null, text, config: null, issues: err.issues };
    }
  };

  const update = async (section: ConfigSection, value: unknown) => {
    const c = await candidate(section, value);
    if (!c.config)
      throw new RequestError(
        'bad_request',
        `the ${section} section is not valid; nothing was changed`,
        c.issues.map((i) => `${i.path || '(file)'}: ${i.message}`),
      );
    if (!(await canWrite(c.target)))
      throw new RequestError('bad_request', `cannot write ${c.target}: permission denied`);
    const previous = opts.current();
    const result = await opts.apply(c.config).catch((err: Error) => {
      throw new RequestError(
        'bad_request',
        `not applied, the engine keeps running as before: ${err.message}`,
      );
    });
    let backup: string | null;
    try {
      backup = await writeConfigAtomically(c.target, c.text);
    } catch (err) {
      // The file could not be written: put the engine back on the config that is on disk.
      await opts.apply(previous).catch(() => undefined);
      throw new RequestError('internal', `could not write ${c.target}: ${(err as Error).message}`);
    }
    file = c.target;
    const created = !c.existed;
    opts.logger.info(
      `config ${section} ${created ? 'written to new file' : 'updated in'} ${c.target}; applied: ${result.applied.join(', ') || 'none'}`,
    );
    opts.emit?.({ file: c.target, ...result });
    const later = result.restartRequired.length
      ? ` ${result.restartRequired.join(', ')} take${result.restartRequired.length === 1 ? 's' : ''} effect at the next start.`
      : '';
    const message = created
      ? `Created ${c.target}. Start the agent with --config ${c.target} (or CCMON_CONFIG) so it keeps these settings after a restart.${later}`
      : `Saved ${c.target} (previous version kept as ${backup}).${later}`;
    return { file: c.target, created, backup, ...result, message };
  };

  const reloadFile = async (): Promise<string> => {
    const path = target();
    const text = await readIfExists(path);
    if (text === null)
      return file === null
        ? 'no config file to reload: the agent runs on the defaults'
        : `${path} does not exist; the running config is kept`;
    const next = parseConfigText(text, path).config; // ConfigError: says what and where
    const result = await opts.apply(next);
    opts.emit?.({ file: path, ...result });
    const later = result.restartRequired.length
      ? `; at the next start: ${result.restartRequired.join(', ')}`
      : '';
    return `config reloaded from ${path}; applied: ${result.applied.join(', ') || 'none'}${later}`;
  };

  return {
    name: 'config',
    file: target,
    reloadFile: () => {
      const run = queue.then(reloadFile);
      queue = run.catch(() => undefined);
      return run;
    },
    handlers: {
      'config.get': async (): Promise<ConfigView> => {
        const path = target();
        const text = await readIfExists(path);
        const raw = (text === null ? {} : (editable(text, path).toJS() ?? {})) as Record<
          string,
          unknown
        >;
        const redacted: string[] = [];
        return {
          file,
          writable: await canWrite(path),
          createAt,
          unusedFile: opts.file === null && file === null && text !== null,
          document: redactSecrets(raw, [], redacted) as ConfigView['document'],
          defaults: {
            checks: { probes: DEFAULT_CHECKS },
            scrape: { jobs: DEFAULT_SCRAPE_JOBS },
            backup: { sets: [{ name: 'claude-code', sources: [...DEFAULT_BACKUP_SOURCES] }] },
          },
          effective: redactSecrets(opts.current(), [], []) as ConfigView['effective'],
          redacted,
        };
      },
      'config.validate': async ({ section, value }) => {
        const c = await candidate(section, value);
        return { ok: c.config !== null, issues: c.issues };
      },
      'config.update': ({ section, value }) => {
        const run = queue.then(() => update(section, value));
        queue = run.catch(() => undefined);
        return run;
      },
    },
    async start() {},
    async stop() {},
  };
}
