/**
 * The local backend's query semantics, as plain data (so scan workers receive them) plus the
 * predicates and mergeable partial results. Each mirrors the Elasticsearch query built in
 * es-queries.ts: a keyword field matches exactly, free text matches every word of the message.
 */
import type { LogEntry, SearchField } from './types.js';

interface Window {
  /** Epoch ms, inclusive bounds (Elasticsearch range gte / lte). */
  since: number;
  until: number;
}

export type QuerySpec =
  | (Window & { kind: 'errors'; levels: string[]; keep: number })
  | (Window & { kind: 'slow'; thresholdSeconds: number; keep: number })
  | (Window & { kind: 'user'; userId: string; requests: 'latency' | 'all' })
  | (Window & { kind: 'rates'; mid: number; requests: 'latency' | 'all' })
  | (Window & {
      kind: 'search';
      words: string[];
      fields: Partial<Record<SearchField, string>>;
      keep: number;
    });

/** Counts by UTC day (YYYY-MM-DD). */
export type DayCounts = Record<string, { requests: number; tokens: number }>;
/**
 * Requests per service in the previous [since, mid) and current [mid, until] windows, and before
 * them (`before`: whether the logs reach back that far; only > 0 matters).
 */
export type WindowCounts = Record<string, { previous: number; current: number; before: number }>;

/** A service's counts in `windows`, started at zero the first time. */
export function countsOf(windows: WindowCounts, service: string): WindowCounts[string] {
  return (windows[service] ??= { previous: 0, current: 0, before: 0 });
}

export interface PartialResult {
  total: number;
  hits: LogEntry[];
  days: DayCounts;
  windows: WindowCounts;
}

export function emptyPartial(): PartialResult {
  return { total: 0, hits: [], days: {}, windows: {} };
}

/** filebeat maps levels as keywords (exact); we accept the UPPER, lower and Capitalised spellings. */
export function levelVariants(levels: string[]): string[] {
  const out = new Set<string>();
  for (const l of levels) {
    out.add(l.toUpperCase());
    out.add(l.toLowerCase());
    out.add(l.charAt(0).toUpperCase() + l.slice(1).toLowerCase());
  }
  return [...out];
}

/** Elasticsearch's standard analyzer, near enough: lower-cased runs of letters and digits. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

export function isRequest(e: LogEntry, requests: 'latency' | 'all'): boolean {
  return requests === 'all' || e.latencySeconds !== null;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Apply one parsed entry to a partial result. */
export function collect(spec: QuerySpec, e: LogEntry, into: PartialResult): void {
  const t = Date.parse(e.timestamp);
  if (spec.kind === 'rates' && t < spec.since && isRequest(e, spec.requests)) {
    countsOf(into.windows, e.service).before++;
    return;
  }
  if (t < spec.since || t > spec.until) return;
  switch (spec.kind) {
    case 'errors':
      if (e.level !== null && spec.levels.includes(e.level)) keepNewest(into, e, spec.keep);
      return;
    case 'slow':
      if (e.latencySeconds !== null && e.latencySeconds >= spec.thresholdSeconds)
        keepNewest(into, e, spec.keep);
      return;
    case 'search':
      if (matchesSearch(e, spec.words, spec.fields)) keepNewest(into, e, spec.keep);
      return;
    case 'user': {
      if (e.userId !== spec.userId || !isRequest(e, spec.requests)) return;
      const day = (into.days[utcDay(t)] ??= { requests: 0, tokens: 0 });
      day.requests++;
      day.tokens += e.tokensUsed ?? 0;
      return;
    }
    case 'rates': {
      if (!isRequest(e, spec.requests)) return;
      const w = countsOf(into.windows, e.service);
      if (t < spec.mid) w.previous++;
      else w.current++;
      return;
    }
  }
}

function matchesSearch(
  e: LogEntry,
  text: string[],
  fields: Partial<Record<SearchField, string>>,
): boolean {
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && e[name as SearchField] !== value) return false;
  }
  if (text.length === 0) return true;
  const have = new Set(words(e.message));
  return text.every((w) => have.has(w));
}

/** Newest first; ties broken by source so both merge orders agree. */
export function newerFirst(a: LogEntry, b: LogEntry): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? 1 : -1;
  return sourceKey(a) < sourceKey(b) ? -1 : sourceKey(a) > sourceKey(b) ? 1 : 0;
}

function sourceKey(e: LogEntry): string {
  const s = e.source;
  return 'file' in s ? `${s.file}\0${String(s.offset).padStart(16, '0')}` : `${s.index}\0${s.id}`;
}

/**
 * Bounded memory: only the newest `keep` entries are held. Entries are appended and the list is
 * cut back to `keep` once it doubles, so the cost stays O(n log keep) without a heap.
 */
function keepNewest(into: PartialResult, e: LogEntry, keep: number): void {
  into.total++;
  if (keep === 0) return;
  into.hits.push(e);
  if (into.hits.length >= keep * 2) trim(into.hits, keep);
}

function trim(hits: LogEntry[], keep: number): void {
  hits.sort(newerFirst);
  hits.length = Math.min(hits.length, keep);
}

/** Merge partial results from files or workers. */
export function mergePartials(spec: QuerySpec, parts: PartialResult[]): PartialResult {
  const out = emptyPartial();
  for (const p of parts) {
    out.total += p.total;
    out.hits.push(...p.hits);
    for (const [d, c] of Object.entries(p.days)) {
      const day = (out.days[d] ??= { requests: 0, tokens: 0 });
      day.requests += c.requests;
      day.tokens += c.tokens;
    }
    for (const [s, c] of Object.entries(p.windows)) {
      const w = countsOf(out.windows, s);
      w.previous += c.previous;
      w.current += c.current;
      w.before += c.before;
    }
  }
  trim(out.hits, 'keep' in spec ? spec.keep : 0);
  return out;
}
