/**
 * One maintenance run: opens a silence for the alerts maintenance itself causes, runs the tasks in
 * the seed's order (each isolated: one failing never stops the others), expires the silence, and
 * writes the seed's maintenance report plus a JSON record. Real runs are remembered as maintenance
 * windows, which health reports leave out of availability.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { MaintenanceConfig } from './config.js';
import { maintenanceReportText } from './report-text.js';
import type { MaintenanceTask } from './tasks/task.js';
import type { MaintenanceRun, TaskResult } from './types.js';
import { writeFileAtomicSync } from '../atomic-file.js';

export interface SilenceControl {
  open(
    matchers: MaintenanceConfig['silence']['matchers'],
    duration: string,
    comment: string,
  ): Promise<string>;
  close(id: string): Promise<void>;
}

export interface MaintenanceRunnerOptions {
  config: MaintenanceConfig;
  dataDir: string;
  tasks: MaintenanceTask[];
  logger: Logger;
  silences: SilenceControl | null;
  serviceStatus: () => Promise<string>;
  now?: () => number;
}

export interface MaintenanceWindow {
  from: number;
  to: number;
}

export class MaintenanceRunner {
  private readonly dir: string;
  private readonly historyFile: string;

  constructor(private readonly opts: MaintenanceRunnerOptions) {
    this.dir = opts.config.reportDir ?? join(opts.dataDir, 'maintenance');
    this.historyFile = join(opts.dataDir, 'maintenance-history.jsonl');
  }

  get taskIds(): string[] {
    return this.opts.tasks.map((t) => t.id);
  }

  /** The configured tasks, in run order, as the UI lists them. */
  get tasks(): Array<{ id: string; title: string }> {
    return this.opts.tasks.map(({ id, title }) => ({ id, title }));
  }

  async run(params: {
    dryRun: boolean;
    only?: string[];
    signal?: AbortSignal;
  }): Promise<MaintenanceRun> {
    const now = this.opts.now ?? Date.now;
    const unknown = (params.only ?? []).filter((id) => !this.taskIds.includes(id));
    if (unknown.length)
      throw new Error(
        `unknown maintenance task ${unknown.join(', ')} (one of ${this.taskIds.join(', ')})`,
      );
    const id = `${new Date(now()).toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const startedAt = new Date(now()).toISOString();
    const signal = params.signal ?? new AbortController().signal;

    let silenceId: string | null = null;
    const s = this.opts.config.silence;
    if (!params.dryRun && s.enabled && this.opts.silences) {
      try {
        silenceId = await this.opts.silences.open(
          s.matchers,
          s.maxDuration,
          `maintenance run ${id}`,
        );
      } catch (err) {
        this.opts.logger.warn(
          `maintenance: could not open a silence (alerts may fire during the run): ${(err as Error).message}`,
        );
      }
    }
    const tasks: TaskResult[] = [];
    try {
      for (const task of this.opts.tasks) {
        if (params.only?.length && !params.only.includes(task.id)) continue;
        tasks.push(await this.runTask(task, params.dryRun, now, signal));
      }
    } finally {
      if (silenceId) {
        await this.opts
          .silences!.close(silenceId)
          .catch((err: Error) =>
            this.opts.logger.warn(`maintenance: silence ${silenceId} not expired: ${err.message}`),
          );
      }
    }
    const run: MaintenanceRun = {
      id,
      dryRun: params.dryRun,
      startedAt,
      finishedAt: new Date(now()).toISOString(),
      status: tasks.some((t) => t.status === 'failed') ? 'failed' : 'succeeded',
      tasks,
      silenceId,
      reportFile: null,
    };
    run.reportFile = await this.writeReport(run);
    appendFileSync(
      this.historyFile,
      JSON.stringify({
        id,
        from: startedAt,
        to: run.finishedAt,
        dryRun: run.dryRun,
        status: run.status,
        reportFile: run.reportFile,
      }) + '\n',
      { mode: 0o600 },
    );
    return run;
  }

  private async runTask(
    task: MaintenanceTask,
    dryRun: boolean,
    now: () => number,
    signal: AbortSignal,
  ): Promise<TaskResult> {
    // Durations from the monotonic clock: never negative across a wall-clock step.
    const t0 = performance.now();
    try {
      const out = await task.run({ dryRun, now: now(), logger: this.opts.logger, signal });
      return {
        task: task.id,
        title: task.title,
        status: out.failed ? 'failed' : out.skipped ? 'skipped' : 'done',
        summary: out.summary,
        actions: out.actions,
        warnings: out.warnings,
        durationMs: Math.round(performance.now() - t0),
      };
    } catch (err) {
      return {
        task: task.id,
        title: task.title,
        status: 'failed',
        summary: (err as Error).message,
        actions: [],
        warnings: [],
        durationMs: Math.round(performance.now() - t0),
      };
    }
  }

  private async writeReport(run: MaintenanceRun): Promise<string | null> {
    try {
      const dir = join(this.dir, run.startedAt.slice(0, 10));
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const status = await this.opts
        .serviceStatus()
        .catch((err: Error) => `unknown: ${err.message}`);
      const file = join(dir, `maintenance-report${run.dryRun ? '-dry-run' : ''}.txt`);
      writeFileAtomicSync(file, maintenanceReportText(run, status));
      writeFileAtomicSync(
        join(dir, `maintenance-${run.id}.json`),
        JSON.stringify(run, null, 2) + '\n',
      );
      return file;
    } catch (err) {
      this.opts.logger.error(`maintenance: report not written: ${(err as Error).message}`);
      return null;
    }
  }

  /** Past real runs, newest first. */
  history(limit = 50): Array<{
    id: string;
    from: string;
    to: string;
    dryRun: boolean;
    status: string;
    reportFile: string | null;
  }> {
    let text: string;
    try {
      text = readFileSync(this.historyFile, 'utf8');
    } catch {
      return [];
    }
    const rows = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        rows.push(JSON.parse(line));
      } catch {
        // a torn last line after a crash: skip it
      }
    }
    return rows.reverse().slice(0, limit);
  }

  /** Windows of real (not dry) runs overlapping [from, to]. */
  windows(from: number, to: number): MaintenanceWindow[] {
    return this.history(10_000)
      .filter((r) => !r.dryRun)
      .map((r) => ({ from: Date.parse(r.from), to: Date.parse(r.to) }))
      .filter((w) => w.to >= from && w.from <= to);
  }
}
