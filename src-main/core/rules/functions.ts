/**
 * Function calls (promql/functions.go): dispatch, the instant-vector functions, label_replace /
 * label_join with Go's regexp expansion, absent / absent_over_time label derivation.
 */
import type { Call, Expr, VectorSelector } from './ast.js';
import { asScalar, asVector, evalExpr, selectRange, unique, type EvalContext } from './engine.js';
import { histogramQuantile } from './histogram.js';
import { compileAnchored } from './label-matchers.js';
import {
  changes,
  deriv,
  extrapolatedRate,
  instantValue,
  OVER_TIME,
  predictLinear,
  quantileOverTime,
  resets,
  type RangeFn,
} from './range-functions.js';
import { EvalError, withoutName, type Value, type Vector } from './values.js';
import type { Labels } from '../tsdb/types.js';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const MATH: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn: (v) => (v < 0 ? -1 : v > 0 ? 1 : v),
};

const RANGE: Record<string, RangeFn> = {
  rate: extrapolatedRate(true, true),
  increase: extrapolatedRate(true, false),
  delta: extrapolatedRate(false, false),
  irate: instantValue(true),
  idelta: instantValue(false),
  deriv,
  changes,
  resets,
  ...OVER_TIME,
};

const vec = (vector: Vector): Value => ({ type: 'vector', vector });
const map = (v: Vector, f: (x: number) => number): Vector =>
  v.map((s) => ({ labels: withoutName(s.labels), v: f(s.v) }));

export function callFunction(e: Call, ctx: EvalContext): Value {
  const f = e.func;
  const arg = (i: number) => evalExpr(e.args[i]!, ctx);
  const mathFn = MATH[f];
  if (mathFn) return vec(unique(map(asVector(arg(0)), mathFn)));
  const rangeFn = RANGE[f];
  if (rangeFn) return vec(overRange(e.args[0]!, ctx, rangeFn, f === 'last_over_time'));
  switch (f) {
    case 'quantile_over_time':
      return vec(overRange(e.args[1]!, ctx, quantileOverTime(asScalar(arg(0))), false));
    case 'predict_linear':
      return vec(overRange(e.args[0]!, ctx, predictLinear(asScalar(arg(1))), false));
    case 'time':
      return { type: 'scalar', v: ctx.ts / 1000 };
    case 'vector':
      return vec([{ labels: {}, v: asScalar(arg(0)) }]);
    case 'scalar': {
      const v = asVector(arg(0));
      return { type: 'scalar', v: v.length === 1 ? v[0]!.v : NaN };
    }
    case 'timestamp': {
      const v = asVector(arg(0));
      // A selector's own sample times; any other expression's samples are "at" the evaluation time.
      const direct = e.args[0]!.kind === 'vector';
      return vec(
        unique(
          v.map((s) => ({
            labels: withoutName(s.labels),
            v: (direct ? (s.t ?? ctx.ts) : ctx.ts) / 1000,
          })),
        ),
      );
    }
    case 'round': {
      const toNearest = e.args.length > 1 ? asScalar(arg(1)) : 1;
      // Prometheus multiplies by the inverse: fewer floating-point surprises; ties round up.
      const inv = 1 / toNearest;
      return vec(unique(map(asVector(arg(0)), (x) => Math.floor(x * inv + 0.5) / inv)));
    }
    case 'clamp': {
      const [v, min, max] = [asVector(arg(0)), asScalar(arg(1)), asScalar(arg(2))];
      if (max < min) return vec([]);
      return vec(unique(map(v, (x) => Math.max(min, Math.min(max, x)))));
    }
    case 'clamp_min': {
      const min = asScalar(arg(1));
      return vec(unique(map(asVector(arg(0)), (x) => Math.max(min, x))));
    }
    case 'clamp_max': {
      const max = asScalar(arg(1));
      return vec(unique(map(asVector(arg(0)), (x) => Math.min(max, x))));
    }
    case 'histogram_quantile':
      return vec(unique(histogramQuantile(asScalar(arg(0)), asVector(arg(1)))));
    case 'absent':
      return vec(asVector(arg(0)).length > 0 ? [] : [{ labels: absentLabels(e.args[0]!), v: 1 }]);
    case 'absent_over_time': {
      const m = e.args[0]!;
      const present = m.kind === 'matrix' && selectRange(m, ctx).length > 0;
      return vec(present ? [] : [{ labels: absentLabels(m), v: 1 }]);
    }
    case 'label_replace':
      return vec(
        unique(
          labelReplace(
            asVector(arg(0)),
            ...(stringArgs(e, 1, 4) as [string, string, string, string]),
          ),
        ),
      );
    case 'label_join': {
      const [dst, sep, ...srcs] = stringArgs(e, 1, e.args.length - 1);
      return vec(unique(labelJoin(asVector(arg(0)), dst!, sep!, srcs)));
    }
    case 'sort':
    case 'sort_desc': {
      const desc = f === 'sort_desc';
      const out = [...asVector(arg(0))];
      out.sort((a, b) => {
        if (Number.isNaN(a.v)) return desc ? 1 : -1;
        if (Number.isNaN(b.v)) return desc ? -1 : 1;
        return desc ? b.v - a.v : a.v - b.v;
      });
      return vec(out);
    }
    default:
      throw new EvalError(`function "${f}" is not supported`);
  }
}

function stringArgs(e: Call, from: number, count: number): string[] {
  return e.args.slice(from, from + count).map((a) => {
    if (a.kind !== 'string') throw new EvalError(`expected a string literal in ${e.func}()`);
    return a.value;
  });
}

function overRange(m: Expr, ctx: EvalContext, fn: RangeFn, keepName: boolean): Vector {
  if (m.kind !== 'matrix') throw new EvalError('expected a range vector selector');
  const out: Vector = [];
  for (const series of selectRange(m, ctx)) {
    const v = fn(series, ctx.ts, m.rangeMs, m.selector.offsetMs);
    if (v !== null) out.push({ labels: keepName ? series.labels : withoutName(series.labels), v });
  }
  return unique(out);
}

/** createLabelsForAbsentFunction: equality matchers become labels, unless a name is matched twice. */
export function absentLabels(arg: Expr): Labels {
  const sel: VectorSelector | null =
    arg.kind === 'vector' ? arg : arg.kind === 'matrix' ? arg.selector : null;
  if (!sel) return {};
  const out: Record<string, string> = {};
  const drop: string[] = [];
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.op === '=' && !(m.name in out)) {
      if (m.value !== '') out[m.name] = m.value;
    } else drop.push(m.name);
  }
  for (const n of drop) delete out[n];
  return out;
}

/** Checks label_replace's literal arguments when the rule loads (Prometheus fails at evaluation). */
export function checkLabelReplaceArgs(dst: string, regex: string): string | null {
  if (!LABEL_NAME.test(dst)) return `invalid destination label name in label_replace(): ${dst}`;
  try {
    compileAnchored(regex);
  } catch {
    return `invalid regular expression in label_replace(): ${regex}`;
  }
  return null;
}

function labelReplace(v: Vector, dst: string, repl: string, src: string, regex: string): Vector {
  const problem = checkLabelReplaceArgs(dst, regex);
  if (problem) throw new EvalError(problem);
  const re = compileAnchored(regex);
  return v.map((s) => {
    const m = re.exec(s.labels[src] ?? '');
    if (!m) return s;
    const out: Record<string, string> = { ...s.labels };
    delete out[dst];
    const value = expandGo(repl, m);
    if (value !== '') out[dst] = value;
    return { labels: out, v: s.v, t: s.t };
  });
}

/** Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; `$1x` names the group "1x" (empty). */
export function expandGo(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i === template.length - 1) {
      out += c;
      continue;
    }
    const next = template[i + 1]!;
    if (next === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (next === '{') {
      const end = template.indexOf('}', i + 2);
      const inner = end < 0 ? '' : template.slice(i + 2, end);
      if (end < 0 || !/^\w+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      i = end;
    } else {
      const word = /^\w+/.exec(template.slice(i + 1));
      if (!word) {
        out += c;
        continue;
      }
      name = word[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

function labelJoin(v: Vector, dst: string, sep: string, srcs: string[]): Vector {
  if (!LABEL_NAME.test(dst))
    throw new EvalError(`invalid destination label name in label_join(): ${dst}`);
  return v.map((s) => {
    const joined = srcs.map((n) => s.labels[n] ?? '').join(sep);
    const out: Record<string, string> = { ...s.labels };
    if (joined === '') delete out[dst];
    else out[dst] = joined;
    return { labels: out, v: s.v, t: s.t };
  });
}
