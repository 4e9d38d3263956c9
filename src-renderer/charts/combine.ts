/**
 * Turns `series.query` results into what a panel draws: aligned time buckets, sums by labels, the
 * error ratio and histogram_quantile, then uPlot's column layout ([xs in seconds, ...ys]).
 */
import type { ChartSeries as RawSeries } from '../../src-main/core/tsdb/contract';
import { legendFor, type ChartPanel, type PanelQuery } from './panels';

export interface ChartData {
  /** The query window in seconds (the time axis spans it even where data is missing). */
  window: [number, number];
  /** Seconds since the epoch (uPlot's time axis). */
  xs: number[];
  series: Array<{ label: string; values: (number | null)[] }>;
}

/** Sum series by labels on the union of their bucket times; `last` carries a value forward. */
export function sumSeries(
  query: PanelQuery,
  raw: RawSeries[],
  xsMs: number[],
): ChartData['series'] {
  // Float64Array with NaN for "no value": packed doubles, no boxed nulls in the hot loops.
  const groups = new Map<string, { labels: Record<string, string>; values: Float64Array }>();
  const scale = query.scale ?? 1;
  const carry = query.agg === 'last';
  let index: Map<number, number> | null = null;
  for (const s of raw) {
    const key = query.sumBy.map((l) => `${l}=${s.labels[l] ?? ''}`).join(',');
    let g = groups.get(key);
    if (!g) {
      const labels = Object.fromEntries(query.sumBy.map((l) => [l, s.labels[l] ?? '']));
      g = { labels, values: new Float64Array(xsMs.length).fill(NaN) };
      groups.set(key, g);
    }
    // Points and bucket times are both ascending: one merge walk, no hashing of 5,761 timestamps
    // per series (the Map lookups made a 24 h refresh of the latency panel a long task).
    const own = isAscending(s.points)
      ? alignSorted(s.points, xsMs, scale)
      : alignByIndex(s.points, (index ??= new Map(xsMs.map((t, i) => [t, i]))), xsMs.length, scale);
    // A gauge or cumulative counter keeps its value between samples (a sum must not dip to 0).
    if (carry) for (let i = 1; i < own.length; i++) if (Number.isNaN(own[i]!)) own[i] = own[i - 1]!;
    const values = g.values;
    for (let i = 0; i < own.length; i++) {
      const v = own[i]!;
      if (Number.isNaN(v)) continue;
      values[i] = Number.isNaN(values[i]!) ? v : values[i]! + v;
    }
  }
  return [...groups.values()]
    .map((g) => ({
      label: legendFor(query.legend, g.labels),
      values: Array.from(g.values, (v) => (Number.isNaN(v) ? null : v)),
    }))
    .sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
}

type Points = RawSeries['points'];

function isAscending(points: Points): boolean {
  for (let i = 1; i < points.length; i++) if (points[i]![0] < points[i - 1]![0]) return false;
  return true;
}

function alignSorted(points: Points, xsMs: number[], scale: number): Float64Array {
  const own = new Float64Array(xsMs.length).fill(NaN);
  let k = 0;
  for (let i = 0; i < xsMs.length && k < points.length; i++) {
    const t = xsMs[i]!;
    while (k < points.length && points[k]![0] < t) k++;
    const p = points[k];
    if (p && p[0] === t && p[1] !== null) own[i] = p[1] * scale;
  }
  return own;
}

function alignByIndex(
  points: Points,
  index: Map<number, number>,
  length: number,
  scale: number,
): Float64Array {
  const own = new Float64Array(length).fill(NaN);
  for (const [t, v] of points) {
    const i = index.get(t);
    if (i !== undefined && v !== null) own[i] = v * scale;
  }
  return own;
}

/**
 * Prometheus' histogram_quantile: buckets sorted by `le`, the quantile's rank found in the
 * cumulative counts, linear interpolation inside the bucket (lower bound 0 for the first one);
 * a rank in the +Inf bucket returns the largest finite bound. NaN when nothing was observed.
 */
export function histogramQuantile(
  q: number,
  buckets: Array<{ le: number; count: number }>,
): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  return quantileOfSorted(
    q,
    sorted.map((b) => b.le),
    sorted.map((b) => b.count),
    sorted.length,
  );
}

/**
 * histogramQuantile over the first `n` buckets already sorted by bound (`les` ascending), so a
 * 24 h chart sorts its bounds once instead of once per point (the per-point sort and arrays made
 * the latency panel's refresh a long task).
 */
function quantileOfSorted(q: number, les: number[], counts: number[], n: number): number | null {
  if (n < 2 || les[n - 1] !== Infinity) return null;
  const total = counts[n - 1]!;
  if (!(total > 0)) return null;
  const rank = q * total;
  let i = 0;
  while (i < n && !(counts[i]! >= rank)) i++;
  if (i === n - 1) return les[n - 2]!;
  if (i >= n) i = n - 1;
  const upperLe = les[i]!;
  const upperCount = counts[i]!;
  const lowerLe = i === 0 ? 0 : les[i - 1]!;
  const lowerCount = i === 0 ? 0 : counts[i - 1]!;
  if (upperCount === lowerCount) return upperLe;
  return lowerLe + ((upperLe - lowerLe) * (rank - lowerCount)) / (upperCount - lowerCount);
}

/** All bucket times of the raw series, sorted. */
export function bucketTimes(results: RawSeries[][]): number[] {
  // Usually every series has the same buckets: then they are the first series' times.
  const all = results.flat();
  const first = all[0]?.points;
  if (
    first &&
    isAscending(first) &&
    all.every(
      (s) => s.points.length === first.length && s.points.every((p, i) => p[0] === first[i]![0]),
    )
  )
    return first.map((p) => p[0]);
  const set = new Set<number>();
  for (const r of results) for (const s of r) for (const [t] of s.points) set.add(t);
  return [...set].sort((a, b) => a - b);
}

/** One panel's chart data from its queries' raw results (same order as panel.queries). */
export function combinePanel(
  panel: ChartPanel,
  results: RawSeries[][],
  window: [number, number] = [0, 0],
): ChartData {
  const xsMs = bucketTimes(results);
  const xs = xsMs.map((t) => t / 1000);
  const done = (series: ChartData['series']): ChartData => ({
    window,
    xs,
    // A series without a single value is no series (a rate needs two samples in a bucket).
    series: series.filter((s) => s.values.some((v) => v !== null)),
  });
  const c = panel.combine;
  if (c.kind === 'series') {
    return done(panel.queries.flatMap((q, i) => sumSeries(q, results[i] ?? [], xsMs)));
  }
  // Group by the label the combination needs, and name each group by that label's value.
  const by = c.kind === 'ratio' ? c.numerator.label : 'le';
  const grouped = sumSeries(
    { ...panel.queries[0]!, sumBy: [by], legend: `{{ ${by} }}` },
    results[0] ?? [],
    xsMs,
  );
  const labelOf = (s: ChartData['series'][number]) => s.label;
  if (c.kind === 'ratio') {
    const re = new RegExp(c.numerator.pattern);
    const values = xsMs.map((_, i) => {
      let num = 0;
      let den = 0;
      let any = false;
      for (const s of grouped) {
        const v = s.values[i];
        if (v === null || v === undefined) continue;
        any = true;
        den += v;
        if (re.test(labelOf(s))) num += v;
      }
      return any && den > 0 ? num / den : any ? 0 : null;
    });
    return done([{ label: c.label, values }]);
  }
  const bounds = grouped
    .map((s) => ({ le: s.label === '+Inf' ? Infinity : Number(s.label), values: s.values }))
    .sort((a, b) => a.le - b.le);
  // Reused per point: only the buckets with a value at that time take part, in bound order.
  const les = new Array<number>(bounds.length);
  const counts = new Array<number>(bounds.length);
  const values = xsMs.map((_, i) => {
    let n = 0;
    for (const b of bounds) {
      const v = b.values[i];
      if (v === null || v === undefined) continue;
      les[n] = b.le;
      counts[n++] = v;
    }
    return quantileOfSorted(c.q, les, counts, n);
  });
  return done([{ label: panel.queries[0]!.legend, values }]);
}
