/**
 * `ccmon check [--json]`: one round of every enabled check, reported like the seed's
 * health_check.py (time, overall status, ✓/✗ per check with details) or as its JSON report
 * (`timestamp`, `overall_status`, `checks: [{name, status, details}]`). Exit 0 healthy, 1
 * unhealthy, 2 config error. One round judges on a single failure, as health_check.py does.
 */
import type { Command } from 'commander';
import type { CheckResult } from '../../core/checks/types.js';
import { worstStatus } from '../../core/checks/types.js';
import { createLogger } from '../../core/log.js';
import {
  commandContext,
  EXIT_FAILED,
  EXIT_OK,
  printJson,
  UsageError,
  type GlobalOptions,
} from '../context.js';

export interface HealthReport {
  timestamp: string;
  overall_status: 'healthy' | 'unhealthy';
  /** The worst check's status (healthy, degraded or unhealthy), finer than overall_status. */
  worst: string;
  checks: { name: string; status: string; details: unknown; message: string; latency_ms: number }[];
}

/** health_check.py's rule: unhealthy when any check is; a degraded check is still up. */
export function buildReport(results: CheckResult[], now = new Date()): HealthReport {
  const worst = worstStatus(results.map((r) => r.status)) ?? 'unknown';
  return {
    timestamp: now.toISOString(),
    overall_status:
      results.some((r) => r.status === 'unhealthy' || r.status === 'unknown') ||
      results.length === 0
        ? 'unhealthy'
        : 'healthy',
    worst,
    checks: results.map((r) => ({
      name: r.name,
      status: r.status,
      details: r.details,
      message: r.message,
      latency_ms: r.latencyMs,
    })),
  };
}

export function formatReport(report: HealthReport): string {
  const rule = '='.repeat(50);
  const lines = [
    rule,
    'Claude Code health check report',
    `Time: ${report.timestamp}`,
    `Overall status: ${report.overall_status.toUpperCase()}`,
    rule,
  ];
  for (const c of report.checks) {
    const icon = c.status === 'healthy' ? '✓' : '✗';
    lines.push(`${icon} ${c.name}: ${c.status}`);
    const details = typeof c.details === 'string' ? c.details : JSON.stringify(c.details);
    lines.push(`  Details: ${details}`);
    if (c.status !== 'healthy' && c.message !== details) lines.push(`  ${c.message}`);
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'one round of health checks; prints the health report (exit 0 healthy, 1 unhealthy, 2 config error)',
    )
    .option('--only <names...>', 'run only these checks (by name)')
    .action(async (opts: { only?: string[] }, cmd: Command) => {
      const { createChecksModule } = await import('../../core/checks/module.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const logger = createLogger('check', { level: 'error' });
      const checks = createChecksModule({
        config: ctx.loaded.config.checks,
        appender: { append: () => {}, markStale: () => {} },
        logger,
        ignoreThreshold: true,
      });
      let results: CheckResult[];
      try {
        results = await checks.runNow(opts.only);
      } catch (err) {
        throw new UsageError((err as Error).message);
      } finally {
        await checks.stop();
      }
      if (results.length === 0) throw new UsageError('no checks are enabled in the config');
      const report = buildReport(results);
      if (ctx.json) printJson(report);
      else process.stdout.write(formatReport(report));
      process.exitCode = report.overall_status === 'healthy' ? EXIT_OK : EXIT_FAILED;
    });
}
