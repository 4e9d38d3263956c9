/**
 * Functions over range vectors (promql/functions.go, Prometheus 2.x): extrapolatedRate for
 * rate / increase / delta with counter resets, instantValue for irate / idelta, linear regression
 * for deriv / predict_linear, and the *_over_time family.
 */
import { quantile } from './histogram.js';
import type { RangeSeries } from './values.js';

/** Result for one series, or null when Prometheus drops the element. */
export type RangeFn = (
  series: RangeSeries,
  ts: number,
  rangeMs: number,
  offsetMs: number,
) => number | null;

/**
 * extrapolatedRate: the change over the window, corrected for counter resets, extrapolated to the
 * window's edges when the first/last samples are within 1.1 average intervals of them (else by
 * half an interval), never extrapolating a counter below zero.
 */
export function extrapolatedRate(isCounter: boolean, isRate: boolean): RangeFn {
  return ({ ts: times, vs }, ts, rangeMs, offsetMs) => {
    const n = vs.length;
    if (n < 2) return null;
    const rangeStart = ts - (rangeMs + offsetMs);
    const rangeEnd = ts - offsetMs;
    const firstT = times[0]!;
    const firstV = vs[0]!;
    const lastT = times[n - 1]!;
    let result = vs[n - 1]! - firstV;
    if (isCounter) {
      let prev = firstV;
      for (let i = 1; i < n; i++) {
        const cur = vs[i]!;
        if (cur < prev) result += prev;
        prev = cur;
      }
    }
    let durationToStart = (firstT - rangeStart) / 1000;
    const durationToEnd = (rangeEnd - lastT) / 1000;
    const sampledInterval = (lastT - firstT) / 1000;
    const averageDurationBetweenSamples = sampledInterval / (n - 1);
    if (isCounter && result > 0 && firstV >= 0) {
      const durationToZero = sampledInterval * (firstV / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
    let extrapolateToInterval = sampledInterval;
    extrapolateToInterval +=
      durationToStart < extrapolationThreshold
        ? durationToStart
        : averageDurationBetweenSamples / 2;
    extrapolateToInterval +=
      durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
    let factor = extrapolateToInterval / sampledInterval;
    if (isRate) factor /= rangeMs / 1000;
    return result * factor;
  };
}

/** instantValue: from the last two samples; irate treats a decrease as a counter reset. */
export function instantValue(isRate: boolean): RangeFn {
  return ({ ts, vs }) => {
    const n = vs.length;
    if (n < 2) return null;
    const last = vs[n - 1]!;
    const prev = vs[n - 2]!;
    const value = isRate && last < prev ? last : last - prev;
    const interval = ts[n - 1]! - ts[n - 2]!;
    if (interval === 0) return null;
    return isRate ? value / (interval / 1000) : value;
  };
}

/** Least-squares fit with x in seconds relative to interceptTime (promql linearRegression). */
export function linearRegression({ ts, vs }: RangeSeries, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  let sumXY = 0;
  let sumX2 = 0;
  const initY = vs[0]!;
  let constY = true;
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i]!;
    if (constY && i > 0 && v !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptTime) / 1e3;
    sumX += x;
    sumY += v;
    sumXY += x * v;
    sumX2 += x * x;
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

export const deriv: RangeFn = (s) => (s.vs.length < 2 ? null : linearRegression(s, s.ts[0]!)[0]);

export function predictLinear(durationSeconds: number): RangeFn {
  return (s, ts) => {
    if (s.vs.length < 2) return null;
    const [slope, intercept] = linearRegression(s, ts);
    return slope * durationSeconds + intercept;
  };
}

export const changes: RangeFn = ({ vs }) => {
  let n = 0;
  let prev = vs[0]!;
  for (let i = 1; i < vs.length; i++) {
    const v = vs[i]!;
    if (v !== prev && !(Number.isNaN(v) && Number.isNaN(prev))) n++;
    prev = v;
  }
  return n;
};

export const resets: RangeFn = ({ vs }) => {
  let n = 0;
  let prev = vs[0]!;
  for (let i = 1; i < vs.length; i++) {
    const v = vs[i]!;
    if (v < prev) n++;
    prev = v;
  }
  return n;
};

const isInf = (v: number) => v === Infinity || v === -Infinity;

export const OVER_TIME: Record<string, RangeFn> = {
  avg_over_time: ({ vs }) => {
    let mean = 0;
    let count = 0;
    for (const v of vs) {
      count++;
      if (isInf(mean)) {
        if (isInf(v) && mean > 0 === v > 0) continue;
        if (!isInf(v) && !Number.isNaN(v)) continue;
      }
      mean += v / count - mean / count;
    }
    return mean;
  },
  sum_over_time: ({ vs }) => {
    let sum = 0;
    for (const v of vs) sum += v;
    return sum;
  },
  count_over_time: ({ vs }) => vs.length,
  min_over_time: ({ vs }) => {
    let min = vs[0]!;
    for (const v of vs) if (v < min || Number.isNaN(min)) min = v;
    return min;
  },
  max_over_time: ({ vs }) => {
    let max = vs[0]!;
    for (const v of vs) if (v > max || Number.isNaN(max)) max = v;
    return max;
  },
  stddev_over_time: ({ vs }) => Math.sqrt(variance(vs)),
  stdvar_over_time: ({ vs }) => variance(vs),
  last_over_time: ({ vs }) => vs[vs.length - 1]!,
  present_over_time: () => 1,
};

function variance(vs: Float64Array): number {
  let count = 0;
  let mean = 0;
  let aux = 0;
  for (const v of vs) {
    count++;
    const delta = v - mean;
    mean += delta / count;
    aux += delta * (v - mean);
  }
  return aux / count;
}

export function quantileOverTime(q: number): RangeFn {
  return ({ vs }) => quantile(q, Array.from(vs));
}
