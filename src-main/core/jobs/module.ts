/** The job scheduler as an engine module: AgentApi's `jobs.*` requests and the scheduler's lifecycle. */
import { join } from 'node:path';
import type { RequestHandlers } from '../api.js';
import { RequestError } from '../local-api.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import { JobScheduler, type JobEventSink } from './scheduler.js';

export interface JobsModuleOptions {
  dataDir: string;
  logger: Logger;
  emit: JobEventSink;
}

export interface JobsModule extends EngineModule {
  scheduler: JobScheduler;
  handlers: Pick<RequestHandlers, 'jobs.list' | 'jobs.history' | 'jobs.run'>;
}

export function createJobsModule(opts: JobsModuleOptions): JobsModule {
  const scheduler = new JobScheduler({
    historyFile: join(opts.dataDir, 'jobs', 'history.jsonl'),
    emit: opts.emit,
    logger: opts.logger,
  });
  return {
    name: 'jobs',
    scheduler,
    handlers: {
      'jobs.list': async () => scheduler.list(),
      'jobs.history': async (p) => scheduler.historyOf(p.jobId, p.limit),
      'jobs.run': async (p) => {
        // A job being removed (its last run finishing) is listed but can no longer be started.
        if (!scheduler.has(p.jobId)) throw new RequestError('not_found', `no job '${p.jobId}'`);
        return (await scheduler.trigger(p.jobId, 'manual')).started;
      },
    },
    // Started last and stopped first by the agent: jobs use the other modules.
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
  };
}
