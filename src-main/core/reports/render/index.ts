/** One entry point for every report format. */
import type { HealthReport } from '../model.js';
import { renderCsv, type CsvTable } from './csv.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { renderPdf } from './pdf.js';

export const REPORT_FORMATS = ['json', 'md', 'html', 'pdf', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderedReport {
  format: ReportFormat;
  contentType: string;
  extension: string;
  body: Buffer;
}

export interface RenderOptions {
  csvTable?: CsvTable;
  chromiumPath?: string | null;
  /** The tray app passes Electron's printToPDF here. */
  printPdf?: (html: string) => Promise<Buffer>;
}

/** Content type per format; the file extension is the format's name. */
const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

export async function renderReport(
  report: HealthReport,
  format: ReportFormat,
  opts: RenderOptions = {},
): Promise<RenderedReport> {
  return {
    format,
    contentType: CONTENT_TYPES[format],
    extension: format,
    body: await renderBody(report, format, opts),
  };
}

async function renderBody(
  report: HealthReport,
  format: ReportFormat,
  opts: RenderOptions,
): Promise<Buffer> {
  switch (format) {
    case 'json':
      return Buffer.from(JSON.stringify(report, null, 2) + '\n');
    case 'md':
      return Buffer.from(renderMarkdown(report));
    case 'html':
      return Buffer.from(renderHtml(report));
    case 'csv':
      return Buffer.from(renderCsv(report, opts.csvTable));
    case 'pdf': {
      const html = renderHtml(report);
      return opts.printPdf ? opts.printPdf(html) : renderPdf(html, opts.chromiumPath);
    }
  }
}
