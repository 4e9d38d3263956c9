/**
 * `ccmon rules check FILE…` and `ccmon rules test FILE…`: promtool's `check rules` and
 * `test rules`, with the same verdicts and exit codes (0 all good, 1 any file failed: promtool
 * uses 1 for bad input here too, and scripts switching from promtool rely on it).
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { EXIT_FAILED, EXIT_OK, printJson, type GlobalOptions } from '../context.js';
import { registerRulesExport } from './rules-export.js';

/** The `rules` command group; each subcommand registers itself with one line below. */
export function registerRules(program: Command): Command {
  const rules = program
    .command('rules')
    .description('check, unit-test (and export) Prometheus rule files');
  registerRulesCheck(rules);
  registerRulesTest(rules);
  registerRulesExport(rules);
  return rules;
}

function registerRulesCheck(rules: Command): void {
  rules
    .command('check <files...>')
    .description(
      'validate rule files like `promtool check rules`: syntax, PromQL, templates; exit 1 on any error',
    )
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const { parseRuleFile, formatIssue } = await import('../../core/rules/rule-file.js');
      const json = Boolean(cmd.optsWithGlobals<GlobalOptions>().json);
      const results = [];
      let failed = false;
      for (const file of files) {
        let issues: string[];
        let count = 0;
        try {
          const parsed = parseRuleFile(await readFile(file, 'utf8'), file);
          issues = parsed.issues.map(formatIssue);
          count = parsed.groups.reduce((n, g) => n + g.rules.length, 0);
        } catch (err) {
          issues = [
            `${file}: cannot read rule file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          ];
        }
        failed ||= issues.length > 0;
        results.push({ file, valid: issues.length === 0, rules: count, issues });
        if (!json) {
          process.stdout.write(`Checking ${file}\n`);
          if (issues.length) process.stderr.write(`  FAILED:\n${issues.join('\n')}\n\n`);
          else process.stdout.write(`  SUCCESS: ${count} rules found\n\n`);
        }
      }
      if (json) printJson(results);
      process.exitCode = failed ? EXIT_FAILED : EXIT_OK;
    });
}

function registerRulesTest(rules: Command): void {
  rules
    .command('test <files...>')
    .description(
      "run promtool's rule unit-test files (input_series, alert_rule_test, promql_expr_test)",
    )
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const { runRuleUnitTestFile } = await import('../../core/rules/unittest/runner.js');
      const json = Boolean(cmd.optsWithGlobals<GlobalOptions>().json);
      const reports = [];
      for (const file of files) {
        if (!json) process.stdout.write(`Unit Testing:  ${file}\n`);
        const report = await runRuleUnitTestFile(file);
        reports.push({ file, passed: report.errors.length === 0, errors: report.errors });
        if (json) continue;
        if (report.errors.length)
          process.stderr.write(`  FAILED:\n${report.errors.join('\n\n')}\n`);
        else process.stdout.write('  SUCCESS\n');
        process.stdout.write('\n');
      }
      if (json) printJson(reports);
      process.exitCode = reports.every((r) => r.passed) ? EXIT_OK : EXIT_FAILED;
    });
}
