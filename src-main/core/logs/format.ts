/** Plain-text renderings of log results for the command line (the UI renders the same objects). */
import type { AnomalyReport, LogEntry, LogHits, ScanReport, UserActivity } from './types.js';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const rate = (n: number) => `${n.toFixed(1)}/h`;

export function formatHits(title: string, r: LogHits, offset: number): string {
  if (r.total === 0) return `no ${title}`;
  const shown = r.hits.length
    ? `showing ${offset + 1}–${offset + r.hits.length}`
    : `none on this page (offset ${offset})`;
  return [`${r.total} ${title} (newest first, ${shown})`, ...r.hits.map(formatEntry)].join('\n');
}

export function formatEntry(e: LogEntry): string {
  const latency = e.latencySeconds === null ? '-' : `${Number(e.latencySeconds.toFixed(3))}s`;
  return [
    e.timestamp,
    pad(e.service, 14),
    pad(e.level ?? '-', 8),
    pad(e.userId ?? '-', 10),
    pad(latency, 8),
    e.message.replace(/\s+/g, ' ').slice(0, 160),
  ].join('  ');
}

export function formatUserActivity(u: UserActivity): string {
  const first = u.daily.at(-1)?.date ?? '';
  const last = u.daily[0]?.date ?? '';
  const lines = [
    `${u.userId}: ${u.totalRequests} requests, ${u.totalTokens} tokens over ${u.days} days (${first} to ${last}, UTC)`,
    `${pad('date', 12)}${pad('requests', 10)}tokens`,
  ];
  for (const d of u.daily)
    lines.push(`${pad(d.date, 12)}${pad(String(d.requests), 10)}${d.tokens}`);
  return lines.join('\n');
}

export function formatAnomalies(a: AnomalyReport): string {
  const verdict = a.anomaly ? 'ANOMALY' : 'normal';
  const lines = [
    `${verdict}: ${a.current.requests} requests in the last ${a.windowHours} h (${rate(a.current.ratePerHour)}) ` +
      `vs ${a.previous.requests} in the ${a.windowHours} h before (${rate(a.previous.ratePerHour)}); ` +
      `threshold ${a.factor} × ${rate(a.previous.ratePerHour)} = ${rate(a.thresholdPerHour)}` +
      (a.current.requests < a.minRequests
        ? ` (fewer than ${a.minRequests} requests: never an anomaly)`
        : '') +
      (a.baseline ? '' : `; no baseline: no request logged before the last ${2 * a.windowHours} h`),
    `${pad('service', 16)}${pad('previous', 10)}${pad('current', 10)}${pad('threshold', 12)}anomaly`,
  ];
  for (const s of a.services) {
    lines.push(
      `${pad(s.service, 16)}${pad(String(s.previous.requests), 10)}${pad(String(s.current.requests), 10)}` +
        `${pad(rate(s.thresholdPerHour), 12)}${s.anomaly ? 'YES' : s.baseline ? 'no' : 'no (no baseline)'}`,
    );
  }
  return lines.join('\n');
}

/** Warnings for stderr: malformed lines (with a sample) and unreadable files or bad globs. */
export function scanWarnings(scan: ScanReport | undefined): string[] {
  if (!scan) return [];
  const out = scan.problems.map((p) => `warning: ${p}`);
  if (scan.malformedLines > 0) {
    out.push(`warning: ${scan.malformedLines} malformed line(s) skipped, for example:`);
    for (const s of scan.malformedSamples)
      out.push(
        `  ${s.file} at byte ${s.offset}: ${s.reason}${s.line ? `: ${s.line.slice(0, 120)}` : ''}`,
      );
  }
  return out;
}
