/**
 * The local backend (the default): the seed's filebeat sources read straight from disk. Each query
 * streams every file that can hold entries in its window (rotated and gzipped ones included),
 * splits large files into byte ranges for the worker threads, and merges bounded partial results.
 */
import type { LogsConfig } from './config.js';
import { resolveLogFiles, type LogFile } from './files.js';
import type { ParserSpec } from './parse.js';
import {
  countsOf,
  levelVariants,
  mergePartials,
  words,
  type PartialResult,
  type QuerySpec,
} from './query.js';
import {
  anomalyWindows,
  buildAnomalyReport,
  buildUserActivity,
  daysWindow,
  hoursWindow,
  nowMs,
  page,
  positive,
} from './results.js';
import { runScanTasks } from './scan-pool.js';
import { MAX_SAMPLES, type ScanTask } from './scan-task.js';
import type { LogHits, LogStore, ScanReport } from './types.js';

/** Files bigger than this are split into byte ranges so both cores work on one big log. */
const SPLIT_ABOVE = 32 * 1024 * 1024;

export function parserSpecFor(config: LogsConfig, file: Pick<LogFile, 'sourceIndex'>): ParserSpec {
  const source = config.sources[file.sourceIndex]!;
  return {
    service: source.service,
    format: source.format,
    latencyUnit: source.latencyUnit,
    json: config.json,
    text: config.text,
  };
}

export function createLocalLogStore(config: LogsConfig): LogStore {
  const scan = async (
    spec: QuerySpec,
  ): Promise<{ partial: PartialResult; scan: ScanReport; olderFiles: Set<string> }> => {
    const problems: string[] = [];
    const all = await resolveLogFiles(config.sources, problems);
    // A file last written before the window opened cannot hold entries inside it: not read, but
    // it says its service's logs reach back before the window (the anomalies' baseline).
    const files = all.filter((f) => f.mtimeMs >= spec.since);
    const olderFiles = new Set(
      all.filter((f) => f.mtimeMs < spec.since).map((f) => parserSpecFor(config, f).service),
    );
    const tasks: ScanTask[] = [];
    const sizes: number[] = [];
    const total = files.reduce((a, f) => a + f.size, 0);
    const rangeBytes = Math.max(SPLIT_ABOVE, Math.ceil(total / (config.scanThreads * 4)));
    for (const f of files) {
      const parser = parserSpecFor(config, f);
      const base = { file: f.path, gzip: f.gzip, parser };
      if (f.gzip || f.size <= SPLIT_ABOVE) {
        tasks.push({ ...base, start: 0, end: null });
        sizes.push(f.size);
        continue;
      }
      for (let start = 0; start < f.size; start += rangeBytes) {
        const end = start + rangeBytes >= f.size ? null : start + rangeBytes;
        tasks.push({ ...base, start, end });
        sizes.push(Math.min(rangeBytes, f.size - start));
      }
    }
    const results = await runScanTasks(tasks, spec, sizes, {
      threads: config.scanThreads,
      maxLineBytes: config.maxLineBytes,
    });
    const report: ScanReport = {
      filesScanned: files.length,
      bytesScanned: 0,
      malformedLines: 0,
      malformedSamples: [],
      problems,
    };
    for (const r of results) {
      report.bytesScanned += r.bytes;
      report.malformedLines += r.malformed;
      for (const s of r.samples)
        if (report.malformedSamples.length < MAX_SAMPLES) report.malformedSamples.push(s);
      if (r.problem) problems.push(r.problem);
    }
    return {
      partial: mergePartials(
        spec,
        results.map((r) => r.partial),
      ),
      scan: report,
      olderFiles,
    };
  };

  const hits = async (spec: QuerySpec, p: { offset: number; limit: number }): Promise<LogHits> => {
    const { partial, scan: report } = await scan(spec);
    return {
      total: partial.total,
      hits: partial.hits.slice(p.offset, p.offset + p.limit),
      scan: report,
    };
  };

  return {
    backend: 'local',
    async errors(q) {
      const p = page(q.offset, q.limit);
      const levels = levelVariants(config.errorLevels);
      return hits(
        { kind: 'errors', ...hoursWindow(q.hours, q.now), levels, keep: p.offset + p.limit },
        p,
      );
    },
    async slowRequests(q) {
      const p = page(q.offset, q.limit);
      const thresholdSeconds = positive('threshold', q.thresholdSeconds);
      return hits(
        {
          kind: 'slow',
          ...hoursWindow(q.hours, q.now),
          thresholdSeconds,
          keep: p.offset + p.limit,
        },
        p,
      );
    },
    async search(q) {
      const p = page(q.offset, q.limit);
      const win =
        q.hours === undefined ? { since: 0, until: nowMs(q.now) } : hoursWindow(q.hours, q.now);
      const fields = Object.fromEntries(
        Object.entries(q.fields ?? {}).filter(([, v]) => v !== undefined && v !== ''),
      );
      return hits(
        { kind: 'search', ...win, words: words(q.text ?? ''), fields, keep: p.offset + p.limit },
        p,
      );
    },
    async userActivity(q) {
      const win = daysWindow(q.days, q.now);
      const { partial, scan: report } = await scan({
        kind: 'user',
        ...win,
        userId: q.userId,
        requests: config.requests,
      });
      return { ...buildUserActivity(q.userId, q.days, win, partial.days), scan: report };
    },
    async anomalies(q) {
      const win = anomalyWindows(q.hours, q.now);
      const {
        partial,
        scan: report,
        olderFiles,
      } = await scan({
        kind: 'rates',
        ...win,
        requests: config.requests,
      });
      for (const service of olderFiles) countsOf(partial.windows, service).before++;
      const services = [...new Set(config.sources.map((s) => s.service))];
      return {
        ...buildAnomalyReport(
          q.hours,
          win,
          partial.windows,
          services,
          config.anomalyFactor,
          config.anomalyMinRequests,
        ),
        scan: report,
      };
    },
    async close() {},
  };
}
