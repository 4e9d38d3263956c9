import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parsePeriod, PeriodError } from '../../core/reports/period.js';
import {
  commandContext,
  EXIT_FAILED,
  message,
  UsageError,
  type GlobalOptions,
} from '../context.js';

const FORMATS = ['json', 'md', 'html', 'pdf', 'csv'] as const;
const TABLES = ['checks', 'slos', 'incidents', 'resources', 'usage'] as const;

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'health report for a period from the running agent (availability, SLOs, incidents, usage, …)',
    )
    .option('--period <period>', 'e.g. 24h, 7d, 4w, or FROM..TO with ISO dates', '7d')
    .option('--format <format>', `one of ${FORMATS.join(', ')}`, 'md')
    .option('--table <table>', `with --format csv: ${TABLES.join(', ')}`, 'checks')
    .option('-o, --output <file>', 'write the report here (default: stdout; required for pdf)')
    .action(
      async (
        opts: { period: string; format: string; table: string; output?: string },
        cmd: Command,
      ) => {
        if (!FORMATS.includes(opts.format as (typeof FORMATS)[number]))
          throw new UsageError(`--format: '${opts.format}' is not one of ${FORMATS.join(', ')}`);
        if (!TABLES.includes(opts.table as (typeof TABLES)[number]))
          throw new UsageError(`--table: '${opts.table}' is not one of ${TABLES.join(', ')}`);
        if (opts.format === 'pdf' && !opts.output)
          throw new UsageError('--format pdf needs -o FILE');
        try {
          parsePeriod(opts.period);
        } catch (err) {
          if (err instanceof PeriodError) throw new UsageError(`--period: ${err.message}`);
          throw err;
        }
        const { connectToAgent, AgentUnreachableError } = await import('../agent-client.js');
        const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
        let report;
        try {
          const agent = await connectToAgent(ctx);
          report = await agent.request('reports.generate', {
            period: opts.period,
            format: opts.format as (typeof FORMATS)[number],
            ...(opts.format === 'csv' ? { csvTable: opts.table as (typeof TABLES)[number] } : {}),
          });
        } catch (err) {
          if (err instanceof AgentUnreachableError) throw new UsageError(err.message, EXIT_FAILED);
          throw err;
        }
        const body = Buffer.from(report.body, report.encoding);
        if (opts.output) {
          await writeFile(opts.output, body);
          message(
            `wrote ${opts.output} (${body.length} bytes); overall status ${report.overall_status}`,
          );
        } else process.stdout.write(body);
      },
    );
}
