/**
 * AgentApi requests of the local time-series store: raw-series queries for the dashboard's
 * charts (PromQL is the rule engine's business, not this one's), label values for pickers, and
 * store statistics. Times are ms since the epoch; durations are Prometheus duration strings.
 */
import { z } from 'zod';
import { defineRequest } from '../contract.js';
import type { Labels } from './types.js';

export type ChartAggregation = 'avg' | 'min' | 'max' | 'last' | 'sum' | 'count' | 'rate';

/** A chart point: [ms, value]; null where the value is NaN or ±Inf (JSON cannot carry them). */
export type ChartPoint = [number, number | null];

export interface ChartSeries {
  labels: Labels;
  points: ChartPoint[];
}

export interface StoreStats {
  series: number;
  maxSeries: number;
  samples: number;
  /** Encoded bytes of raw and downsampled chunks (head chunks by allocated size). */
  chunkBytes: number;
  /** Bytes of decoded chunks cached for repeated queries (capped by the store's option). */
  decodedCacheBytes: number;
  samplesAppended: number;
  outOfOrder: number;
  duplicates: number;
  /** Samples whose timestamp was not an integer ms in range, or whose value was not a number. */
  invalid: number;
  /** Appends refused because the series cap was reached. */
  seriesRefused: number;
  /** Series removed because all their data aged out. */
  seriesRemoved: number;
  oldest: number | null;
  newest: number | null;
}

const durationText = z
  .string()
  .regex(
    /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/,
    'expected a duration such as 15s, 5m, 1h or 7d',
  )
  .refine((s) => s !== '', 'expected a duration such as 15s, 5m, 1h or 7d');

const matcher = z
  .object({
    name: z.string().min(1),
    op: z.enum(['=', '!=', '=~', '!~']),
    value: z.string(),
  })
  .strict();

/** Which series: a metric name and equality labels, and/or full matchers (all must match). */
const selector = {
  metric: z.string().min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  matchers: z.array(matcher).max(32).optional(),
};

function hasSelector(p: {
  metric?: string;
  labels?: Record<string, string>;
  matchers?: unknown[];
}): boolean {
  return (
    Boolean(p.metric) || Object.keys(p.labels ?? {}).length > 0 || (p.matchers?.length ?? 0) > 0
  );
}

const noSelector = {
  message: 'give a metric, labels or matchers to select series',
  path: ['metric'],
};

export const seriesQueryParams = z
  .object({
    ...selector,
    /** Window start and end in ms; or `range` back from `end` (default now). */
    start: z.number().int().optional(),
    end: z.number().int().optional(),
    range: durationText.optional(),
    /** Bucket width: a duration or ms; default picks one for about 300 points. */
    step: z.union([durationText, z.number().int().positive()]).optional(),
    /** How each bucket is reduced: avg (default) / min / max / last / sum / count, or rate for counters. */
    agg: z.enum(['avg', 'min', 'max', 'last', 'sum', 'count', 'rate']).default('avg'),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict()
  .refine(hasSelector, noSelector)
  .refine((p) => p.start === undefined || p.range === undefined, {
    message: 'give either start or range, not both',
    path: ['range'],
  });

export interface SeriesQueryResult {
  start: number;
  end: number;
  step: number;
  agg: ChartAggregation;
  /** 'raw', or the resolution (ms) of the downsampled rows the points came from. */
  source: 'raw' | number;
  series: ChartSeries[];
  /** More series matched than `limit`. */
  truncated: boolean;
}

export const tsdbRequests = {
  'series.query': defineRequest<SeriesQueryResult>()(seriesQueryParams),
  'series.labelValues': defineRequest<string[]>()(
    z.object({ name: z.string().min(1), ...selector }).strict(),
  ),
  'series.stats': defineRequest<StoreStats & { lastSnapshot: SnapshotInfo | null }>()(
    z.object({}).strict(),
  ),
};

export interface SnapshotInfo {
  /** ISO time the last snapshot attempt finished. */
  at: string;
  ok: boolean;
  file: string;
  bytes: number;
  series: number;
  durationMs: number;
  error?: string;
}
