/**
 * The Prometheus text format 0.0.4 for a prom-client registry, rendered with a fraction of the
 * garbage registry.metrics() makes. prom-client formats every series afresh on every scrape
 * (Object.entries, two regex escapes per label value, an array per line, template strings), about
 * 1 MB of short-lived objects for ccmon's ~400 series: one or more young-generation GCs per
 * scrape, which is what set the exporter's sequential p99. Here the label block of a series is
 * formatted once and kept for as long as its labels object lives (prom-client keeps one object
 * per series until reset; histograms keep theirs as `sharedLabels`), a series' whole line is
 * reused while its value is unchanged, and a family whose lines are all unchanged reuses its text.
 * Output is the same text (families in registration order, separated by a blank line), except
 * that NaN is spelled `NaN` as the format's specification writes it (prom-client writes `Nan`).
 */
import type { Registry } from 'prom-client';

/** One value as prom-client's get()/getForPromString() hand it out. */
interface ExportedValue {
  value: number;
  labels?: Readonly<Record<string, string | number>>;
  /** Histograms: the series' labels, shared by its buckets, sum and count. */
  sharedLabels?: Readonly<Record<string, string | number>>;
  /** Histograms and summaries: `_bucket`, `_sum`, `_count` names. */
  metricName?: string;
}

interface ExportedMetric {
  name: string;
  help: string;
  type: string;
  values: ExportedValue[];
}

interface Collectable {
  name: string;
  get(): Promise<ExportedMetric> | ExportedMetric;
  getForPromString?(): Promise<ExportedMetric> | ExportedMetric;
}

/** Label object → its formatted pairs (`a="1",b="2"`), for as long as the object lives. */
const pairsCache = new WeakMap<object, string>();

interface CachedLine {
  name: string;
  value: number;
  line: string;
}

/** What the last render of one metric produced, to reuse what did not change. */
interface MetricState {
  help: string;
  type: string;
  header: string;
  /** Labels object → its last line (per metric: one labels object may serve several metrics). */
  lines: WeakMap<object, CachedLine>;
  previous: string[];
  /** The family with its HELP and TYPE lines (the exposition), and without them (ccmon's own store). */
  text: string;
  body: string;
}

const states = new WeakMap<object, MetricState>();

/** Backslash, newline and (in label values) double quote, escaped as the format says. */
function escape(s: string, quote: boolean): string {
  if (!/[\\\n"]/.test(s)) return s;
  const out = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return quote ? out.replace(/"/g, '\\"') : out;
}

function formatPairs(labels: Readonly<Record<string, string | number>>, skip?: object): string {
  let out = '';
  for (const name in labels) {
    if (skip && Object.prototype.hasOwnProperty.call(skip, name)) continue;
    const v = labels[name];
    out += `${out ? ',' : ''}${name}="${escape(typeof v === 'string' ? v : String(v), true)}"`;
  }
  return out;
}

function cachedPairs(labels: Readonly<Record<string, string | number>>): string {
  let pairs = pairsCache.get(labels);
  if (pairs === undefined) pairsCache.set(labels, (pairs = formatPairs(labels)));
  return pairs;
}

/** The label block of one value, without braces ('' when it has no labels). */
function pairsOf(v: ExportedValue): string {
  const shared = v.sharedLabels ? cachedPairs(v.sharedLabels) : '';
  if (!v.labels) return shared;
  // prom-client writes a histogram's own labels (le) first, then the shared ones not among them.
  const own = v.sharedLabels ? formatPairs(v.labels, v.sharedLabels) : cachedPairs(v.labels);
  return own && shared ? `${own},${shared}` : own || shared;
}

/** Go's strconv.FormatFloat spellings Prometheus reads: NaN, +Inf, -Inf, shortest decimal. */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return `${v}`;
}

function stateOf(metric: object, data: ExportedMetric): MetricState {
  const hit = states.get(metric);
  if (hit && hit.help === data.help && hit.type === data.type) return hit;
  const state: MetricState = {
    help: data.help,
    type: data.type,
    header: `# HELP ${data.name} ${escape(data.help, false)}\n# TYPE ${data.name} ${data.type}`,
    lines: new WeakMap(),
    previous: [],
    text: '',
    body: '',
  };
  states.set(metric, state);
  return state;
}

function lineOf(state: MetricState, data: ExportedMetric, v: ExportedValue): string {
  const name = v.metricName ?? data.name;
  // Histogram buckets get fresh label objects on every get(): nothing to key a line on.
  const key = v.sharedLabels ? null : v.labels;
  const hit = key ? state.lines.get(key) : undefined;
  if (hit && hit.name === name && Object.is(hit.value, v.value)) return hit.line;
  const pairs = pairsOf(v);
  const line = `${name}${pairs ? `{${pairs}}` : ''} ${formatValue(v.value)}`;
  if (key) state.lines.set(key, { name, value: v.value, line });
  return line;
}

async function renderMetric(metric: Collectable, headers: boolean): Promise<string> {
  const data = await (metric.getForPromString ? metric.getForPromString() : metric.get());
  const state = stateOf(metric, data);
  const values = data.values ?? [];
  const lines: string[] = new Array(values.length);
  let same = values.length === state.previous.length && state.text !== '';
  for (let i = 0; i < values.length; i++) {
    lines[i] = lineOf(state, data, values[i]!);
    if (same && lines[i] !== state.previous[i]) same = false;
  }
  if (!same) {
    state.previous = lines;
    state.body = lines.join('\n');
    state.text = lines.length > 0 ? `${state.header}\n${state.body}` : state.header;
  }
  return headers ? state.text : state.body;
}

export interface RenderOptions {
  /** Families to render (default all): others are neither collected nor rendered. */
  keepFamily?: (name: string) => boolean;
  /**
   * Write the HELP and TYPE lines (default true). ccmon's own store reads only the samples
   * (scrape/self-target.ts): without them its parser has half the lines to go through.
   */
  headers?: boolean;
}

/**
 * Every metric of the registry in the text format, as pieces to write in order (families, the
 * blank lines between them, the final newline), collected concurrently as registry.metrics() does
 * (each metric's collect() runs first). Written piece by piece, an unchanged family is sent from
 * the string kept since the last scrape, with no body-sized string or buffer built per scrape.
 * Registries with default labels or the OpenMetrics content type are left to prom-client, whose
 * output this does not reproduce for them.
 */
export async function renderTextParts(
  registry: Registry,
  { keepFamily, headers = true }: RenderOptions = {},
): Promise<string[]> {
  const internals = registry as unknown as { _defaultLabels?: object };
  if (
    !registry.contentType.startsWith('text/plain') ||
    Object.keys(internals._defaultLabels ?? {}).length > 0
  )
    return [await registry.metrics()];
  let metrics = registry.getMetricsAsArray() as unknown as Collectable[];
  if (keepFamily) metrics = metrics.filter((m) => keepFamily(m.name));
  const families = await Promise.all(metrics.map((m) => renderMetric(m, headers)));
  const parts: string[] = [];
  if (headers) {
    for (let i = 0; i < families.length; i++) parts.push(i > 0 ? '\n\n' : '', families[i]!);
  } else {
    // Sample lines only: a family without samples leaves nothing, not a blank line.
    for (const f of families) if (f !== '') parts.push(f, '\n');
    if (parts.length > 0) return parts;
  }
  parts.push('\n');
  return parts;
}

/** The whole text at once (tests, tools); the exporter writes renderTextParts piece by piece. */
export async function renderTextFormat(registry: Registry): Promise<string> {
  return (await renderTextParts(registry)).join('');
}

/** The registry as a scrape source: ccmon storing its own metrics (scrape/self-target.ts). */
export function registrySource(
  registry: Registry,
): (keepFamily: (name: string) => boolean) => Promise<{ body: string; contentType: string }> {
  return async (keepFamily) => ({
    body: (await renderTextParts(registry, { keepFamily, headers: false })).join(''),
    contentType: registry.contentType,
  });
}
