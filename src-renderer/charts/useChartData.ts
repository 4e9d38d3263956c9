/**
 * A panel's data for a range, live. The first load fetches the whole range; each refresh fetches
 * only the last two buckets (the newest one is still filling) and merges them in, so a 24 h chart
 * at 15 s does not re-download and re-parse 5760 points per series every 15 s.
 */
import { useEffect, useState } from 'react';
import type {
  ChartSeries as RawSeries,
  SeriesQueryResult,
} from '../../src-main/core/tsdb/contract';
import { useApi, toLoadableError, type Loadable } from '../api/context';
import { combinePanel, type ChartData } from './combine';
import { stepFor, type ChartPanel } from './panels';

/**
 * How long until the next refresh: a step, at least 5 s. A chart that has nothing to draw yet
 * (a fresh agent: a rate needs two buckets) asks again after 5 s, so its first line shows within
 * seconds of the data arriving rather than a whole step later.
 */
export function refreshMs(rangeSeconds: number, empty = false): number {
  return empty ? 5_000 : Math.max(5_000, stepFor(rangeSeconds) * 1000);
}

/** Replaces the points at or after `from` with the fresh ones and drops those before `start`. */
export function mergeSeries(
  old: RawSeries[],
  fresh: RawSeries[],
  from: number,
  start: number,
): RawSeries[] {
  const key = (s: RawSeries) => JSON.stringify(s.labels);
  const byKey = new Map(old.map((s) => [key(s), s]));
  for (const f of fresh) {
    const cur = byKey.get(key(f));
    const kept = cur ? cur.points.filter(([t]) => t < from) : [];
    byKey.set(key(f), { labels: f.labels, points: [...kept, ...f.points] });
  }
  const out: RawSeries[] = [];
  for (const s of byKey.values()) {
    const points = s.points.filter(([t]) => t >= start);
    if (points.length) out.push({ labels: s.labels, points });
  }
  return out;
}

export function useChartData(panel: ChartPanel, rangeSeconds: number): Loadable<ChartData> {
  const api = useApi();
  const [data, setData] = useState<Loadable<ChartData>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = stepFor(rangeSeconds) * 1000;
    let raw: RawSeries[][] | null = null;
    let empty = false;
    const query = (q: ChartPanel['queries'][number], start: number, end: number) =>
      api.request('series.query', {
        metric: q.metric,
        ...(q.labels ? { labels: q.labels } : {}),
        start,
        end,
        step,
        agg: q.agg,
        limit: 1000,
      });
    const load = async () => {
      try {
        const end = Date.now();
        const start = end - rangeSeconds * 1000;
        if (raw === null) {
          const results: SeriesQueryResult[] = await Promise.all(
            panel.queries.map((q) => query(q, start, end)),
          );
          raw = results.map((r) => r.series);
        } else {
          // Buckets are aligned to the step: re-read the last complete one and the filling one.
          const from = Math.floor(end / step) * step - step;
          const fresh = await Promise.all(panel.queries.map((q) => query(q, from, end)));
          const prev: RawSeries[][] = raw;
          raw = fresh.map((r, i) => mergeSeries(prev[i] ?? [], r.series, from, start));
        }
        const value = combinePanel(panel, raw, [start / 1000, end / 1000]);
        empty = value.xs.length === 0 || value.series.length === 0;
        if (live) setData({ state: 'ready', value });
      } catch (err) {
        if (live) setData(toLoadableError(err));
      }
      if (live) timer = setTimeout(load, refreshMs(rangeSeconds, empty));
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, panel, rangeSeconds]);
  return data;
}
