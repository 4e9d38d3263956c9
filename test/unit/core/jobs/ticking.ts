/** The scheduler tests' clock-driven job: one run per second, each run's start time recorded. */
import { JobScheduler, type JobDefinition } from '../../../../src-main/core/jobs/scheduler.js';

export interface TickingScheduler {
  scheduler: JobScheduler;
  /** The `tick` job (every second), to register again after a removal. */
  tick: JobDefinition;
  /** Date.now() at the start of every run of `tick`. */
  runs: number[];
}

/** A started, in-memory scheduler whose one job `tick` runs every second. Stop it when done. */
export async function startTickingScheduler(): Promise<TickingScheduler> {
  const scheduler = new JobScheduler({ historyFile: null });
  const runs: number[] = [];
  const tick: JobDefinition = {
    id: 'tick',
    title: 'every second',
    schedule: '* * * * * *',
    run: async () => void runs.push(Date.now()),
  };
  scheduler.register(tick);
  await scheduler.start();
  return { scheduler, tick, runs };
}
