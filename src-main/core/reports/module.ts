/**
 * Health reports as an engine module: generated on request (AgentApi, `ccmon report`) and on the
 * configured schedules (written under the reports folder), all from the same builder.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentApi, RequestHandlers } from '../api.js';
import type { JobScheduler } from '../jobs/scheduler.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import { namedChanges } from '../config/named-changes.js';
import type { SeriesQuerier } from '../tsdb/types.js';
import { VERSION } from '../version.js';
import type { Window } from './availability.js';
import { buildHealthReport } from './collect.js';
import type { ReportsConfig } from './config.js';
import type { ReportMailer } from './mail.js';
import type { SavedReport } from './contract.js';
import type { HealthReport } from './model.js';
import { parsePeriod, PeriodError } from './period.js';
import { RequestError } from '../local-api.js';
import type { CsvTable } from './render/csv.js';
import { renderReport, type RenderedReport, type ReportFormat } from './render/index.js';
import { PdfUnavailableError } from './render/pdf.js';
import { writeFileAtomicSync } from '../atomic-file.js';

export interface ReportsModuleOptions {
  config: ReportsConfig;
  dataDir: string;
  querier: SeriesQuerier;
  /** Resolved lazily: the API includes this module's own handlers. */
  api: () => AgentApi;
  maintenanceWindows: (w: Window) => Window[];
  scheduler: JobScheduler | null;
  logger: Logger;
  printPdf?: (html: string) => Promise<Buffer>;
  /** Sends scheduled reports that have `email` set. */
  mailer?: ReportMailer;
}

export interface ReportsModule extends EngineModule {
  handlers: Pick<RequestHandlers, 'reports.generate' | 'reports.saved'>;
  build(period: string): Promise<HealthReport>;
  render(
    period: string,
    format: ReportFormat,
    csvTable?: CsvTable,
  ): Promise<RenderedReport & { filename: string; report: HealthReport }>;
  /**
   * Apply a new reports section while running (config reload), as backup sets do: an added
   * schedule is registered at once, a removed one's job is unregistered (a report being written
   * finishes first; saved reports stay), a changed one is registered again; targets apply from the
   * next report. Returns the fields that only apply at the next start (the folder).
   */
  reload(next: ReportsConfig): { restartRequired: string[] };
}

export function createReportsModule(opts: ReportsModuleOptions): ReportsModule {
  const dir = opts.config.dir ?? join(opts.dataDir, 'reports');

  const build = (period: string) =>
    buildHealthReport(
      {
        api: opts.api(),
        querier: opts.querier,
        maintenanceWindows: opts.maintenanceWindows,
        targets: opts.config.targets,
        version: VERSION,
      },
      parsePeriod(period),
    );

  const renderBuilt = async (report: HealthReport, format: ReportFormat, csvTable?: CsvTable) => {
    const rendered = await renderReport(report, format, {
      csvTable,
      chromiumPath: opts.config.chromiumPath,
      printPdf: opts.printPdf,
    });
    const stamp = (iso: string) => iso.slice(0, 16).replace(/[:]/g, '');
    const filename = `ccmon-health-report-${stamp(report.period.from)}-${stamp(report.period.to)}${csvTable ? `-${csvTable}` : ''}.${rendered.extension}`;
    return { ...rendered, filename, report };
  };
  const render = async (period: string, format: ReportFormat, csvTable?: CsvTable) =>
    renderBuilt(await build(period), format, csvTable);

  /** A scheduled run: one report, every format from the same figures, saved and maybe e-mailed. */
  const saveScheduled = async (schedule: ReportsConfig['schedules'][number]) => {
    const target = join(dir, schedule.name);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    const report = await build(schedule.period);
    const files = [];
    for (const format of schedule.formats) {
      const r = await renderBuilt(report, format);
      const file = join(target, r.filename);
      writeFileAtomicSync(file, r.body);
      files.push({ file, r });
    }
    let mailed = '';
    if (schedule.email) {
      if (!opts.mailer)
        throw new Error('reports: e-mail is configured but no mailer is available in this agent');
      await opts.mailer({
        receiver: schedule.email.receiver,
        ...(schedule.email.to ? { to: schedule.email.to } : {}),
        subject: `[ccmon] ${schedule.name} health report: ${report.overall_status.toUpperCase()} (${report.period.label})`,
        text:
          `Claude Code health report, ${report.period.from} – ${report.period.to}.\nOverall status: ${report.overall_status}.\n` +
          report.slos.map((s) => `${s.dimension}: ${s.verdict} (${s.actual})`).join('\n') +
          '\n',
        attachments: files.map(({ r }) => ({
          filename: r.filename,
          content: r.body,
          contentType: r.contentType,
        })),
      });
      mailed = `; e-mailed via receiver ${schedule.email.receiver}`;
    }
    return `wrote ${files.map((f) => f.file).join(', ')}${mailed}`;
  };

  const jobId = (name: string) => `report-${name}`;
  let started = false;
  const registerSchedule = (s: ReportsConfig['schedules'][number]) =>
    opts.scheduler?.register({
      id: jobId(s.name),
      title: `${s.name} health report (${s.period})`,
      schedule: s.schedule,
      catchUp: false,
      run: () => saveScheduled(s),
    });

  const reload = (next: ReportsConfig): { restartRequired: string[] } => {
    // `dir` is where saved reports are listed from and written to: wired once at start.
    if (opts.config.dir !== next.dir) return { restartRequired: ['reports.dir'] };
    const before = opts.config.schedules;
    // In place: the views and build() read this object; a running job holds its own schedule.
    Object.assign(opts.config, structuredClone(next));
    if (!started) return { restartRequired: [] };
    const { changed, removed } = namedChanges(before, opts.config.schedules);
    for (const s of changed) registerSchedule(s);
    for (const name of removed) opts.scheduler?.unregister(jobId(name));
    return { restartRequired: [] };
  };

  return {
    name: 'reports',
    build,
    render,
    reload,
    handlers: {
      'reports.generate': async ({ period, format, csvTable }) => {
        try {
          parsePeriod(period);
        } catch (err) {
          if (err instanceof PeriodError) throw new RequestError('bad_request', err.message);
          throw err;
        }
        const r = await render(period, format, csvTable).catch((err: Error) => {
          // No Chromium here: the message says what to install, so it must reach the user.
          throw err instanceof PdfUnavailableError
            ? new RequestError('bad_request', err.message)
            : err;
        });
        const binary = format === 'pdf';
        return {
          filename: r.filename,
          contentType: r.contentType,
          encoding: binary ? 'base64' : 'utf8',
          body: r.body.toString(binary ? 'base64' : 'utf8'),
          overall_status: r.report.overall_status,
        };
      },
      'reports.saved': async () => listSaved(dir),
    },
    async start() {
      started = true;
      for (const s of opts.config.schedules) registerSchedule(s);
    },
    async stop() {},
  };
}

function listSaved(dir: string): SavedReport[] {
  const out: SavedReport[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    let files: string[];
    try {
      files = readdirSync(join(dir, name));
    } catch {
      continue;
    }
    for (const f of files) {
      if (f.includes('.tmp-')) continue;
      const st = statSync(join(dir, name, f));
      out.push({
        file: join(dir, name, f),
        name,
        format: f.split('.').pop() ?? '',
        bytes: st.size,
        at: st.mtime.toISOString(),
      });
    }
  }
  return out.sort((a, b) => b.at.localeCompare(a.at));
}
