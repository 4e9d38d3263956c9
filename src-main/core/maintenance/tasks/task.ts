/** The shape every maintenance task has; the runner adds names, timing and error handling. */
import type { Logger } from '../../log.js';
import type { TaskAction } from '../types.js';

export interface TaskContext {
  dryRun: boolean;
  now: number;
  logger: Logger;
  signal: AbortSignal;
}

export interface TaskOutcome {
  summary: string;
  actions: TaskAction[];
  warnings: string[];
  /** True when the task could not do its work (the run is then marked failed). */
  failed?: boolean;
  skipped?: boolean;
}

export interface MaintenanceTask {
  id: string;
  title: string;
  run(ctx: TaskContext): Promise<TaskOutcome>;
}
