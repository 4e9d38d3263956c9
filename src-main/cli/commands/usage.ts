import type { Command } from 'commander';
import type { UsageGroupBy, UsageSourceFilter, UsageSummary } from '../../core/usage/contract.js';
import { commandContext, message, printJson, UsageError, type GlobalOptions } from '../context.js';

interface UsageOptions {
  by: string;
  since?: string;
  until?: string;
  source?: string;
  csv?: boolean;
}

const GROUPS = ['user', 'model', 'day', 'team', 'organization'];
const SOURCES = ['telemetry', 'transcripts', 'litellm', 'all'];

export function registerUsage(program: Command): void {
  program
    .command('usage')
    .description(
      'Claude Code tokens and cost by user, model or day, from the telemetry the agent received ' +
        "and this machine's ~/.claude/projects transcripts",
    )
    .option('--by <group>', `group by ${GROUPS.join('|')}`, 'user')
    .option('--since <date>', 'first day, YYYY-MM-DD or e.g. 7d (default: 30 days ago)')
    .option('--until <date>', 'last day, YYYY-MM-DD (default: today)')
    .option(
      '--source <source>',
      `${SOURCES.join('|')} (default: telemetry, or transcripts when no telemetry was received)`,
    )
    .option('--csv', 'print CSV (RFC 4180) on stdout')
    .action(async (opts: UsageOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      if (!GROUPS.includes(opts.by))
        throw new UsageError(`--by must be one of ${GROUPS.join(', ')} (got '${opts.by}')`);
      if (opts.source && !SOURCES.includes(opts.source))
        throw new UsageError(
          `--source must be one of ${SOURCES.join(', ')} (got '${opts.source}')`,
        );
      const now = Date.now();
      const since = opts.since ? parseDay('--since', opts.since, now) : undefined;
      const until = opts.until ? parseDay('--until', opts.until, now) : undefined;
      if (since && until && since > until)
        throw new UsageError(`--since ${since} is after --until ${until}`);
      const { loadOfflineUsage } = await import('../../core/usage/offline.js');
      const { summarize, toCsv } = await import('../../core/usage/views.js');
      const ctx = await commandContext(global);
      const usage = await loadOfflineUsage(ctx.loaded.config.usage, ctx.dataDir);
      for (const w of usage.warnings) message(`warning: ${w}`);
      const rows = usage.ledger.allRows();
      const hasTelemetry = rows.some((r) => r.source === 'otlp' || r.source === 'prometheus');
      const source = (opts.source ??
        (hasTelemetry ? 'telemetry' : 'transcripts')) as UsageSourceFilter;
      const summary = summarize(rows, { by: opts.by as UsageGroupBy, since, until, source }, now);
      if (opts.csv) {
        process.stdout.write(toCsv(summary));
        return;
      }
      const budgets = usage.budgets(now);
      if (ctx.json) {
        printJson({ ...summary, savedAt: usage.savedAt, budgets });
        return;
      }
      process.stdout.write(renderTable(summary));
      for (const b of budgets) {
        process.stdout.write(
          `budget ${b.name}: ${fmtAmount(b.used, b.unit)} of ${fmtAmount(b.limit, b.unit)} ` +
            `(${(b.usedRatio * 100).toFixed(1)} %, projected ${(b.projectedRatio * 100).toFixed(0)} %) ${b.state}\n`,
        );
      }
      if (!usage.savedAt && source !== 'transcripts')
        message(
          'no telemetry saved yet: is `ccmon agent` running with Claude Code pointed at its OTLP receiver?',
        );
    });
}

/** YYYY-MM-DD, or `Nd` days ago (UTC). */
export function parseDay(flag: string, text: string, now: number): string {
  const rel = /^(\d{1,4})d$/.exec(text);
  if (rel) return new Date(now - Number(rel[1]) * 86_400_000).toISOString().slice(0, 10);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)))
    return text;
  throw new UsageError(
    `${flag} '${text}' is not a date: use YYYY-MM-DD or a number of days like 7d`,
  );
}

function fmtAmount(v: number, unit: 'usd' | 'tokens'): string {
  return unit === 'usd' ? `$${v.toFixed(2)}` : `${Math.round(v).toLocaleString('en-US')} tokens`;
}

export function renderTable(s: UsageSummary): string {
  const head = [
    s.by.toUpperCase(),
    'TOKENS',
    'INPUT',
    'OUTPUT',
    'CACHE READ',
    'CACHE WRITE',
    'COST USD',
    'REQUESTS',
    'ERRORS',
  ];
  const line = (r: UsageSummary['total']) =>
    [
      r.key,
      r.tokens,
      r.inputTokens,
      r.outputTokens,
      r.cacheReadTokens,
      r.cacheCreationTokens,
      r.costUsd.toFixed(2),
      r.requests,
      r.errors,
    ].map(String);
  const body = [head, ...s.rows.map(line), line({ ...s.total, key: 'TOTAL' })];
  const widths = head.map((_, i) => Math.max(...body.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const title = `Claude Code usage by ${s.by}, ${s.since} … ${s.until} (source: ${s.source})\n`;
  if (s.rows.length === 0) return `${title}no usage in this period\n`;
  return title + body.map(fmt).join('\n') + '\n';
}
