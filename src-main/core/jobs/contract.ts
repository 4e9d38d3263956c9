/**
 * AgentApi for the one job scheduler (backups now; maintenance tasks and reports later): what is
 * scheduled, what ran, run one now, and live progress events. Types and zod only (renderer-safe).
 */
import { z } from 'zod';
import { defineRequest } from '../contract.js';

export type JobTrigger = 'schedule' | 'manual' | 'catch-up';
export type JobStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

/** One run of a job, as kept in the job history. */
export interface JobRun {
  runId: string;
  jobId: string;
  trigger: JobTrigger;
  status: JobStatus;
  startedAt: string;
  finishedAt: string | null;
  durationSeconds: number | null;
  /** One line for people: what was done, or why it failed or was skipped. */
  message: string;
}

/** Live progress of a running job: published on the bus at most every 250 ms, and at the end. */
export interface JobProgress {
  jobId: string;
  runId: string;
  /** What the job is doing now, e.g. `archiving /etc/claude-code`. */
  phase: string;
  files: number;
  totalFiles: number | null;
  bytes: number;
  totalBytes: number | null;
  /** Bytes per second since the run started. */
  rateBytesPerSecond: number;
  /** Seconds left at the current rate; null while the total is unknown. */
  etaSeconds: number | null;
  at: string;
}

export interface JobInfo {
  id: string;
  title: string;
  /** Cron expression (croner syntax), or null for jobs that only run on demand. */
  schedule: string | null;
  nextRunAt: string | null;
  running: boolean;
  lastRun: JobRun | null;
}

export const jobRequests = {
  /**
   * The jobs of the running config. A job whose config entry was removed (a backup set, a report
   * schedule) is gone at once, or once its last run ends; its runs stay in `jobs.history`.
   */
  'jobs.list': defineRequest<JobInfo[]>()(z.object({}).strict()),
  'jobs.history': defineRequest<JobRun[]>()(
    z
      .object({
        jobId: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(1000).default(50),
      })
      .strict(),
  ),
  /** Start a job now; resolves when it has started (follow `job.finished` for the outcome). */
  'jobs.run': defineRequest<JobRun>()(z.object({ jobId: z.string().min(1) }).strict()),
};

export interface JobEvents {
  'job.started': JobRun;
  'job.progress': JobProgress;
  'job.finished': JobRun;
}
