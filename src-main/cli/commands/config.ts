import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RawConfig } from '../../core/config/importers/index.js';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { defaultDataDir, resolveConfigFile } from '../../core/paths.js';
import { EXIT_USAGE, message, printJson, UsageError, type GlobalOptions } from '../context.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('validate and import configuration');
  config
    .command('validate <file>')
    .description(
      'check a config file; lists every error with its path and line, exit 2 when invalid',
    )
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const { ConfigError, loadConfig } = await import('../../core/config/load.js');
      const json = Boolean(cmd.optsWithGlobals<GlobalOptions>().json);
      try {
        const loaded = await loadConfig(file);
        if (json) printJson({ valid: true, file, warnings: loaded.warnings });
        else
          message(
            `${file}: valid${loaded.warnings.length ? ` (${loaded.warnings.join('; ')})` : ''}`,
          );
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (json) printJson({ valid: false, file, issues: err.issues });
        else message(err.message);
        process.exitCode = EXIT_USAGE;
      }
    });
  config
    .command('import <files...>')
    .description(
      'merge prometheus.yml (scrape targets) and other known files into the config; prints the ' +
        'result, or writes it with --write (to --config) or --out FILE',
    )
    .option('-o, --out <file>', 'write the merged config to this file')
    .option('-w, --write', 'update the config file given with --config in place')
    .action(async (files: string[], opts: { out?: string; write?: boolean }, cmd: Command) => {
      const { stringify } = await import('yaml');
      const { ConfigError, parseConfigText } = await import('../../core/config/load.js');
      const { ImportError, importFiles } = await import('../../core/config/importers/index.js');
      const { createLogger } = await import('../../core/log.js');
      const { defaultSecretStore } = await import('../../core/secrets/secret-service.js');
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const base = resolveConfigFile(globals.config);
      const target = opts.out ?? (opts.write ? base : null);
      if (opts.write && !base)
        throw new UsageError('--write needs --config FILE (or CCMON_CONFIG)');
      const doc = base ? await readRawConfig(base) : {};
      let run;
      try {
        run = await importFiles(doc, files);
      } catch (err) {
        if (err instanceof ImportError) throw new UsageError(err.message);
        throw err;
      }
      const text = stringify(run.doc, { lineWidth: 100 });
      try {
        parseConfigText(text, target ?? 'the imported config');
      } catch (err) {
        if (err instanceof ConfigError)
          throw new UsageError(`the import would not be valid: ${err.message}`);
        throw err;
      }
      const secretNames = Object.keys(run.secrets);
      if (secretNames.length) {
        const store = defaultSecretStore(defaultDataDir(), createLogger('secrets'));
        for (const [name, value] of Object.entries(run.secrets)) await store.set(name, value);
      }
      if (target) {
        // A crash mid-write never leaves a half-written config behind.
        await writeFileAtomic(target, text);
      }
      if (globals.json)
        printJson({ written: target, files: run.files, secrets: secretNames, config: run.doc });
      else {
        for (const f of run.files) {
          message(`${f.file}: imported as ${f.kind}`);
          for (const n of f.notes) message(`  ${n}`);
        }
        if (secretNames.length)
          message(`secrets moved to the secret store: ${secretNames.join(', ')}`);
        if (target) message(`wrote ${target}`);
        else process.stdout.write(text);
      }
    });
}

async function readRawConfig(file: string): Promise<RawConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new UsageError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new UsageError(`${file}: expected a mapping at the top level`);
  return doc as RawConfig;
}
