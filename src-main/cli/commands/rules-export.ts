/**
 * `ccmon rules export --out DIR`: prometheus.yml, the rule file, alertmanager.yml and a Grafana
 * dashboard JSON, for a team that outgrows one ccmon and runs Prometheus + Alertmanager + Grafana.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { commandContext, message, printJson, UsageError, type GlobalOptions } from '../context.js';

export function registerRulesExport(rules: Command): void {
  rules
    .command('export')
    .description(
      'write prometheus.yml, the rule file, alertmanager.yml and a Grafana dashboard JSON into DIR',
    )
    .requiredOption(
      '--out <dir>',
      'output folder (created if missing; files in it are overwritten)',
    )
    .option('--rules <files...>', "rule files to export instead of ccmon's default rules")
    .option('--with-secrets', 'also write the secrets alertmanager.yml refers to (files mode 0600)')
    .action(
      async (opts: { out: string; withSecrets?: boolean; rules?: string[] }, cmd: Command) => {
        const { exportArtefacts } = await import('../../core/alerts/export/index.js');
        const { defaultSecretStore } = await import('../../core/secrets/secret-service.js');
        const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
        if (!opts.out.trim()) throw new UsageError('--out: give a folder');
        const ruleFiles = opts.rules
          ? await Promise.all(
              opts.rules.map(async (f) => {
                try {
                  return { name: basename(f), text: await readFile(f, 'utf8') };
                } catch (err) {
                  throw new UsageError(
                    `--rules ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
                  );
                }
              }),
            )
          : undefined;
        const result = await exportArtefacts(ctx.loaded.config, opts.out, {
          ruleFiles,
          secrets: defaultSecretStore(ctx.dataDir),
          withSecrets: Boolean(opts.withSecrets),
        });
        if (ctx.json) printJson(result);
        else {
          for (const f of result.files) process.stdout.write(`${f}\n`);
          for (const n of result.notes) message(`note: ${n}`);
        }
      },
    );
}
