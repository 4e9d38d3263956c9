/**
 * Instant evaluation of a plan at one timestamp over the store (promql/engine.go, as of the
 * Prometheus 2.x ccmon is checked against): 5-minute lookback with staleness markers for instant
 * selectors, closed [t - range, t] windows for range selectors, and every operator's label rules.
 */
import type { SeriesQuerier } from '../tsdb/types.js';
import type { Expr, MatrixSelector, VectorSelector } from './ast.js';
import { aggregate } from './aggregate.js';
import { binary } from './binary.js';
import { callFunction } from './functions.js';
import {
  EvalError,
  labelsKey,
  withoutName,
  type Matrix,
  type Value,
  type Vector,
} from './values.js';

/** Prometheus's default query.lookback-delta. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

export interface EvalOptions {
  lookbackMs?: number;
}

/** What the evaluator needs at one timestamp. */
export interface EvalContext {
  querier: SeriesQuerier;
  /** Evaluation time, ms since the epoch. */
  ts: number;
  lookbackMs: number;
}

/** Evaluate an expression at `ts`. Throws EvalError for errors Prometheus reports at evaluation. */
export function evaluate(
  expr: Expr,
  querier: SeriesQuerier,
  ts: number,
  opts: EvalOptions = {},
): Value {
  return evalExpr(expr, { querier, ts, lookbackMs: opts.lookbackMs ?? DEFAULT_LOOKBACK_MS });
}

export function evalExpr(e: Expr, ctx: EvalContext): Value {
  switch (e.kind) {
    case 'number':
      return { type: 'scalar', v: e.value };
    case 'string':
      return { type: 'string', s: e.value };
    case 'vector':
      return { type: 'vector', vector: selectInstant(e, ctx) };
    case 'matrix':
      return { type: 'matrix', matrix: selectRange(e, ctx) };
    case 'unary': {
      const inner = evalExpr(e.expr, ctx);
      if (e.op === '+') return inner;
      if (inner.type === 'scalar') return { type: 'scalar', v: -inner.v };
      const vector = asVector(inner).map((s) => ({ labels: withoutName(s.labels), v: -s.v }));
      return { type: 'vector', vector: unique(vector) };
    }
    case 'binary':
      return binary(e, evalExpr(e.lhs, ctx), evalExpr(e.rhs, ctx));
    case 'aggregate': {
      const param = e.param ? evalExpr(e.param, ctx) : null;
      return { type: 'vector', vector: aggregate(e, asVector(evalExpr(e.expr, ctx)), param) };
    }
    case 'call':
      return callFunction(e, ctx);
  }
}

export function asVector(v: Value): Vector {
  if (v.type !== 'vector') throw new EvalError(`expected instant vector, got ${v.type}`);
  return v.vector;
}

export function asScalar(v: Value): number {
  if (v.type !== 'scalar') throw new EvalError(`expected scalar, got ${v.type}`);
  return v.v;
}

/** Prometheus rejects a result with two elements of the same label set. */
export function unique(vector: Vector): Vector {
  if (vector.length < 2) return vector;
  const seen = new Set<string>();
  for (const s of vector) {
    const k = labelsKey(s.labels);
    if (seen.has(k)) throw new EvalError('vector cannot contain metrics with the same labelset');
    seen.add(k);
  }
  return vector;
}

// Series are taken in the store's order (creation order), as Prometheus's head block yields them
// for instant queries (Select without sorting): topk/bottomk ties depend on it.
function selectInstant(sel: VectorSelector, ctx: EvalContext): Vector {
  const ref = ctx.ts - sel.offsetMs;
  const out: Vector = [];
  const q = ctx.querier;
  if (q.selectLatest) {
    // The store hands over only each series' newest sample in the window: no lookback copies.
    for (const { labels, sample: s } of q.selectLatest(sel.matchers, ref - ctx.lookbackMs, ref))
      if (!s.stale) out.push({ labels, v: s.v, t: s.t });
    return out;
  }
  for (const series of ctx.querier.select(sel.matchers, ref - ctx.lookbackMs, ref)) {
    // The newest sample at or before ref, if it is within the lookback window and not a stale marker.
    const samples = series.samples;
    for (let i = samples.length - 1; i >= 0; i--) {
      const s = samples[i]!;
      if (s.t > ref) continue;
      if (s.t >= ref - ctx.lookbackMs && !s.stale)
        out.push({ labels: series.labels, v: s.v, t: s.t });
      break;
    }
  }
  return out;
}

/** A range selector's samples in [ref - range, ref], stale markers dropped; empty series omitted. */
export function selectRange(m: MatrixSelector, ctx: EvalContext): Matrix {
  const ref = ctx.ts - m.selector.offsetMs;
  const mint = ref - m.rangeMs;
  const q = ctx.querier;
  // The store's columns are views of its decoded chunks: no object per sample.
  if (q.selectColumns) return q.selectColumns(m.selector.matchers, mint, ref);
  const out: Matrix = [];
  for (const series of q.select(m.selector.matchers, mint, ref)) {
    const kept = series.samples.filter((s) => s.t >= mint && s.t <= ref && !s.stale);
    if (kept.length === 0) continue;
    out.push({
      labels: series.labels,
      ts: Float64Array.from(kept, (s) => s.t),
      vs: Float64Array.from(kept, (s) => s.v),
    });
  }
  return out;
}
