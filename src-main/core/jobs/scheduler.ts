/**
 * The one scheduler every job uses (backups, restore tests; maintenance and reports later), on
 * croner. Guarantees:
 * - no overlapping runs of one job: a trigger while it runs is recorded as `skipped`;
 * - a run missed during sleep/suspend runs once at wake: croner re-arms its timer at most every
 *   30 s and compares against the wall clock, so the overdue slot fires once and the next slot is
 *   computed from "now" (missed slots collapse into one run, like anacron);
 * - with `catchUp`, a run missed while the agent was not running at all runs once at start
 *   (systemd timers' `Persistent=true`), judged from the job history;
 * - progress (files, bytes, rate, ETA) is published as `job.progress`, throttled to 4 per second;
 * - a job removed from the config (unregister) is never interrupted: a running run finishes and is
 *   recorded, then the job is forgotten. Its past runs stay in the history file (jobs.history), as
 *   cron's runs stay in syslog after a crontab line is deleted; jobs.list shows only live jobs.
 */
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { silentLogger, type Logger } from '../log.js';
import type { JobEvents, JobInfo, JobRun, JobTrigger } from './contract.js';
import { JobHistory } from './history.js';
import { throttledProgress, type ProgressUpdate } from './progress.js';

export type { ProgressUpdate };

export interface JobContext {
  readonly runId: string;
  readonly jobId: string;
  readonly trigger: JobTrigger;
  /** Aborted when the agent stops: long jobs should stop and clean up. */
  readonly signal: AbortSignal;
  progress(update: ProgressUpdate): void;
}

export interface JobDefinition {
  id: string;
  title: string;
  /** Cron expression (5 or 6 fields, croner syntax), or null for on-demand jobs. */
  schedule: string | null;
  timezone?: string;
  /** Run once at start when a scheduled slot passed while the agent was not running. */
  catchUp?: boolean;
  /** Returns a one-line summary for the history; throws to fail the run. */
  run(ctx: JobContext): Promise<string | void>;
}

export type JobEventSink = <E extends keyof JobEvents>(event: E, payload: JobEvents[E]) => void;

export interface JobSchedulerOptions {
  /** JSONL history file; null keeps history in memory only. */
  historyFile: string | null;
  emit?: JobEventSink;
  logger?: Logger;
  /** Minimum milliseconds between two progress events of one run. */
  progressIntervalMs?: number;
}

/** A cron expression croner cannot parse, named with the job it belongs to. */
export class JobScheduleError extends Error {
  constructor(jobId: string, schedule: string, why: string) {
    super(`job '${jobId}': invalid schedule '${schedule}': ${why}`);
    this.name = 'JobScheduleError';
  }
}

interface RunningJob {
  run: JobRun;
  abort: AbortController;
  done: Promise<JobRun>;
}

export class JobScheduler {
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly crons = new Map<string, Cron>();
  private readonly running = new Map<string, RunningJob>();
  /** Unregistered while running: forgotten when that run ends. */
  private readonly retiring = new Set<string>();
  private readonly history: JobHistory;
  private readonly emit: JobEventSink;
  private readonly logger: Logger;
  private readonly progressIntervalMs: number;
  private started = false;

  constructor(opts: JobSchedulerOptions) {
    this.history = new JobHistory(opts.historyFile);
    this.emit = opts.emit ?? (() => {});
    this.logger = opts.logger ?? silentLogger;
    this.progressIntervalMs = opts.progressIntervalMs ?? 250;
  }

  /** Add (or replace) a job; validates its cron expression now so config errors surface early. */
  register(def: JobDefinition): void {
    if (def.schedule !== null) validateSchedule(def.id, def.schedule, def.timezone);
    this.unschedule(def.id);
    this.retiring.delete(def.id);
    this.jobs.set(def.id, def);
    if (!this.started) return;
    this.schedule(def);
    this.catchUp(def);
  }

  /**
   * Remove a job (its config entry is gone): its timer is cancelled now; a run in progress is not
   * interrupted, stays listed as running, and the job is forgotten when it ends (a trigger meanwhile
   * is refused). Registering the id again before then keeps it. False when the job is unknown.
   */
  unregister(jobId: string): boolean {
    if (!this.has(jobId)) return false;
    this.unschedule(jobId);
    if (this.running.has(jobId)) this.retiring.add(jobId);
    else this.jobs.delete(jobId);
    return true;
  }

  /** A job that can be triggered: registered and not being removed. */
  has(jobId: string): boolean {
    return this.jobs.has(jobId) && !this.retiring.has(jobId);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const def of this.jobs.values()) this.schedule(def);
    for (const def of this.jobs.values()) this.catchUp(def);
  }

  private catchUp(def: JobDefinition): void {
    if (!def.catchUp || !this.missedWhileStopped(def)) return;
    this.logger.info(
      `job ${def.id}: a scheduled run was missed while the agent was stopped; running it now`,
    );
    void this.trigger(def.id, 'catch-up').catch((err: Error) => this.logger.error(err.message));
  }

  /** Stops the timers, aborts running jobs and waits for them to finish their cleanup. */
  async stop(): Promise<void> {
    this.started = false;
    for (const id of [...this.crons.keys()]) this.unschedule(id);
    const runs = [...this.running.values()];
    for (const r of runs) r.abort.abort(new Error('the agent is stopping'));
    await Promise.allSettled(runs.map((r) => r.done));
  }

  /** Run a job now and wait for the outcome (a second trigger while it runs is `skipped`). */
  async run(jobId: string, trigger: JobTrigger = 'manual'): Promise<JobRun> {
    return (await this.trigger(jobId, trigger)).done;
  }

  /** Start a job now; `started` is returned at once, `done` settles with the finished run. */
  async trigger(
    jobId: string,
    trigger: JobTrigger,
  ): Promise<{ started: JobRun; done: Promise<JobRun> }> {
    const def = this.jobs.get(jobId);
    if (!def || this.retiring.has(jobId))
      throw new Error(
        def
          ? `job '${jobId}' was removed from the config; its last run is finishing`
          : `no job '${jobId}' (known: ${[...this.jobs.keys()].join(', ')})`,
      );
    const current = this.running.get(jobId);
    if (current) {
      const skipped = this.skippedRun(jobId, trigger, current.run);
      return { started: skipped, done: Promise.resolve(skipped) };
    }
    const abort = new AbortController();
    const run: JobRun = {
      runId: randomUUID(),
      jobId,
      trigger,
      status: 'running',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      durationSeconds: null,
      message: '',
    };
    const done = this.execute(def, run, abort);
    this.running.set(jobId, { run, abort, done });
    this.emit('job.started', { ...run });
    return { started: { ...run }, done };
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((def) => ({
      id: def.id,
      title: def.title,
      // A job being removed runs no more: no schedule to show while its last run finishes.
      schedule: this.retiring.has(def.id) ? null : def.schedule,
      nextRunAt: this.crons.get(def.id)?.nextRun()?.toISOString() ?? null,
      running: this.running.has(def.id),
      lastRun: this.running.get(def.id)?.run ?? this.history.last(def.id),
    }));
  }

  historyOf(jobId?: string, limit = 50): JobRun[] {
    return this.history.list(jobId, limit);
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  private async execute(def: JobDefinition, run: JobRun, abort: AbortController): Promise<JobRun> {
    const t0 = performance.now();
    const ctx: JobContext = {
      runId: run.runId,
      jobId: def.id,
      trigger: run.trigger,
      signal: abort.signal,
      progress: throttledProgress(run, t0, this.progressIntervalMs, (p) =>
        this.emit('job.progress', p),
      ),
    };
    try {
      await Promise.resolve(); // let trigger() register the run before the job starts
      const summary = await def.run(ctx);
      run.status = 'succeeded';
      run.message = summary || 'done';
    } catch (err) {
      run.status = 'failed';
      run.message = (err as Error).message || String(err);
      this.logger.warn(`job ${def.id} failed: ${run.message}`);
    }
    run.finishedAt = new Date().toISOString();
    run.durationSeconds = round3((performance.now() - t0) / 1000);
    this.running.delete(def.id);
    if (this.retiring.delete(def.id)) this.jobs.delete(def.id);
    this.history.add({ ...run });
    this.emit('job.finished', { ...run });
    return { ...run };
  }

  private skippedRun(jobId: string, trigger: JobTrigger, current: JobRun): JobRun {
    const now = new Date().toISOString();
    const run: JobRun = {
      runId: randomUUID(),
      jobId,
      trigger,
      status: 'skipped',
      startedAt: now,
      finishedAt: now,
      durationSeconds: 0,
      message: `skipped: the run started at ${current.startedAt} is still running (no overlapping runs)`,
    };
    this.history.add(run);
    this.emit('job.finished', { ...run });
    return run;
  }

  private schedule(def: JobDefinition): void {
    if (def.schedule === null) return;
    const cron = new Cron(def.schedule, { timezone: def.timezone, catch: true }, () => {
      if (this.slotAlreadyRan(def.id, cron)) return;
      void this.trigger(def.id, 'schedule').catch((err: Error) => this.logger.error(err.message));
    });
    this.crons.set(def.id, cron);
  }

  private unschedule(jobId: string): void {
    this.crons.get(jobId)?.stop();
    this.crons.delete(jobId);
  }

  /**
   * The wall clock stepped back past a slot that already ran: croner drops a last run that lies in
   * the future and plans from "now", which offers that slot again. Each slot runs once.
   */
  private slotAlreadyRan(jobId: string, cron: Cron): boolean {
    const slot = cron.previousRuns(1, new Date(Date.now() + 1))[0];
    const last =
      this.running.get(jobId)?.run ?? this.history.last(jobId, (r) => r.trigger === 'schedule');
    if (!slot || !last || Date.parse(last.startedAt) < slot.getTime()) return false;
    this.logger.warn(
      `job ${jobId}: the ${slot.toISOString()} slot already ran at ${last.startedAt} (the clock was set back); not running it again`,
    );
    return true;
  }

  /** The newest slot before now is later than the last run we know of (never true on first use). */
  private missedWhileStopped(def: JobDefinition): boolean {
    const cron = this.crons.get(def.id);
    const last = this.history.last(def.id, (r) => r.status !== 'skipped');
    if (!cron || !last) return false;
    const previousSlot = cron.previousRuns(1)[0];
    return previousSlot !== undefined && previousSlot.getTime() > Date.parse(last.startedAt);
  }
}

/** Throws JobScheduleError when croner rejects the expression (or it never fires). */
export function validateSchedule(jobId: string, schedule: string, timezone?: string): void {
  let probe: Cron;
  try {
    probe = new Cron(schedule, { timezone, paused: true });
  } catch (err) {
    throw new JobScheduleError(
      jobId,
      schedule,
      (err as Error).message.replace(/^CronPattern: /, ''),
    );
  }
  const next = probe.nextRun();
  probe.stop();
  if (!next) throw new JobScheduleError(jobId, schedule, 'it never fires');
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
