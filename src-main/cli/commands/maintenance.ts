import type { Command } from 'commander';
import type { MaintenanceRun } from '../../core/maintenance/types.js';
import {
  commandContext,
  EXIT_FAILED,
  message,
  printJson,
  UsageError,
  type GlobalOptions,
} from '../context.js';

export function registerMaintenance(program: Command): void {
  program
    .command('maintenance')
    .description(
      "the seed's maintenance tasks now: log retention, config backup, cache cleanup, database, disk usage",
    )
    .option('--dry-run', 'list what would change; change nothing')
    .option(
      '--task <id...>',
      'only these tasks (log-retention, config-backup, cache-cleanup, database, disk-usage)',
    )
    .action(async (opts: { dryRun?: boolean; task?: string[] }, cmd: Command) => {
      const { createLogger } = await import('../../core/log.js');
      const { MaintenanceRunner } = await import('../../core/maintenance/runner.js');
      const { maintenanceTasks } = await import('../../core/maintenance/module.js');
      const { AgentUnreachableError, connectToAgent } = await import('../agent-client.js');
      const ctx = await commandContext(cmd.optsWithGlobals<GlobalOptions>());
      const dryRun = Boolean(opts.dryRun);
      const known = maintenanceTasks(ctx.loaded.config.maintenance, null).map((t) => t.id);
      const unknown = (opts.task ?? []).filter((t) => !known.includes(t));
      if (unknown.length)
        throw new UsageError(`--task: unknown ${unknown.join(', ')} (one of ${known.join(', ')})`);
      let run: MaintenanceRun;
      try {
        // Through the agent when it runs: it opens the silence and owns the backup module.
        const agent = await connectToAgent(ctx);
        run = await agent.request('maintenance.run', {
          dryRun,
          ...(opts.task ? { tasks: opts.task } : {}),
        });
      } catch (err) {
        if (!(err instanceof AgentUnreachableError)) throw err;
        message(
          `note: ${err.message}; running locally, without a silence or the configuration backup`,
        );
        const runner = new MaintenanceRunner({
          config: ctx.loaded.config.maintenance,
          dataDir: ctx.dataDir,
          tasks: maintenanceTasks(ctx.loaded.config.maintenance, null),
          logger: createLogger('maintenance'),
          silences: null,
          serviceStatus: async () => 'unknown: the agent is not running',
        });
        run = await runner.run({ dryRun, ...(opts.task ? { only: opts.task } : {}) });
      }
      if (ctx.json) printJson(run);
      else {
        for (const t of run.tasks)
          message(
            `${t.status === 'failed' ? '✗' : t.status === 'skipped' ? '-' : '✓'} ${t.title}: ${t.summary}`,
          );
        message(`report: ${run.reportFile ?? 'not written'}`);
      }
      if (run.status === 'failed') process.exitCode = EXIT_FAILED;
    });
}
