/**
 * Values the evaluator passes around (promql/value.go): scalars, instant vectors, range vectors,
 * and the label helpers every operator needs.
 */
import type { Labels } from '../tsdb/types.js';

export interface InstantSample {
  labels: Labels;
  v: number;
  /** The sample's own timestamp when it came straight from a selector (for timestamp()). */
  t?: number;
}

/**
 * One element of a range vector: its samples as columns (times in ms, values), ascending, never
 * empty. The arrays may be views of the store's decoded chunks: read them, never write.
 */
export interface RangeSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

export type Vector = InstantSample[];
export type Matrix = RangeSeries[];

export type Value =
  | { type: 'scalar'; v: number }
  | { type: 'string'; s: string }
  | { type: 'vector'; vector: Vector }
  | { type: 'matrix'; matrix: Matrix };

/** An evaluation failure Prometheus also reports as an error (the rule's health turns bad). */
export class EvalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalError';
  }
}

// NUL sorts before every name character, so comparing keys compares label sets as labels.Compare does.
const SEP = '\x00';

/**
 * Keys and name-less copies by label-set object: the store hands out the same frozen label
 * objects every evaluation, so a cycle re-derives neither (they were a third of its allocation).
 * Label sets are never mutated once built (Labels is read-only), which makes this safe.
 */
const keys = new WeakMap<Labels, string>();
const nameless = new WeakMap<Labels, Labels>();
/** `by` / `on` lists come from the parsed expression, the same array every evaluation. */
const sortedNames = new WeakMap<readonly string[], string[]>();

/** A stable identity for a label set (sorted name/value pairs), like labels.Hash. */
export function labelsKey(labels: Labels): string {
  let key = keys.get(labels);
  if (key !== undefined) return key;
  const names = Object.keys(labels);
  if (!isSorted(names)) names.sort();
  key = '';
  for (const n of names) key += n + SEP + labels[n] + SEP;
  keys.set(labels, key);
  return key;
}

function isSorted(names: string[]): boolean {
  for (let i = 1; i < names.length; i++) if (names[i - 1]! > names[i]!) return false;
  return true;
}

/** The key of only the given labels (`on`/`by`), or of all but them (`ignoring`/`without`). */
export function signature(labels: Labels, names: readonly string[], include: boolean): string {
  let key = '';
  if (include) {
    let sorted = sortedNames.get(names);
    if (!sorted) sortedNames.set(names, (sorted = [...names].sort()));
    for (const n of sorted) {
      const v = labels[n];
      if (v !== undefined && v !== '') key += n + SEP + v + SEP;
    }
    return key;
  }
  const all = Object.keys(labels);
  if (!isSorted(all)) all.sort();
  for (const n of all) {
    if (n === '__name__' || names.includes(n)) continue;
    key += n + SEP + labels[n] + SEP;
  }
  return key;
}

export function withoutName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels;
  let rest = nameless.get(labels);
  if (!rest) {
    const { __name__: _drop, ...copy } = labels;
    nameless.set(labels, (rest = Object.freeze(copy)));
  }
  return rest;
}

/** Copy of labels with `name` set; an empty value deletes the label (Prometheus's label builder). */
export function setLabel(labels: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...labels };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** labels.Compare: lexicographic over sorted (name, value) pairs. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = Object.keys(a).sort();
  const bn = Object.keys(b).sort();
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const x = an[i]!;
    const y = bn[i]!;
    if (x !== y) return x < y ? -1 : 1;
    const xv = a[x]!;
    const yv = b[y]!;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  return an.length - bn.length;
}
