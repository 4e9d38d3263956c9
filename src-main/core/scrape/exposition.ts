/**
 * Parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text, written because
 * the npm parsers found are unmaintained and know neither OpenMetrics nor timestamps. Semantics
 * follow Prometheus's own parsers (model/textparse): a syntax error fails the whole scrape with its
 * line number; text timestamps are integer milliseconds, OpenMetrics ones float seconds; OpenMetrics
 * `_created` series and exemplars are dropped as Prometheus does by default; a repeated series
 * keeps its first sample and is reported.
 */
import {
  ExpositionError,
  labelBlockEnd,
  nameEnd,
  parseLabels,
  parseValue,
  unescape,
} from './exposition-lexer.js';

export { ExpositionError };

export type ExpositionFormat = 'text' | 'openmetrics';

export interface ParsedSample<L extends Record<string, string> | null = Record<string, string>> {
  /** Labels with `__name__`; null for a series the caller already knew (see parseScrape). */
  labels: L;
  /**
   * The series as written (metric name and label block, before the value): the key of the
   * scraper's series cache, as Prometheus's scrape cache keys by the raw series bytes.
   */
  series: string;
  value: number;
  /** Milliseconds since the epoch when the exposition gave one. */
  timestampMs?: number;
}

export interface ParsedExposition<
  L extends Record<string, string> | null = Record<string, string>,
> {
  samples: ParsedSample<L>[];
  /** Metric family name → TYPE. */
  types: Map<string, string>;
  help: Map<string, string>;
  /** Non-fatal problems (duplicate series), one line each. */
  warnings: string[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TEXT_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OM_TYPES = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** The format a Content-Type header announces (Prometheus falls back to the text format). */
export function formatOf(contentType: string | undefined): ExpositionFormat {
  return /application\/openmetrics-text/i.test(contentType ?? '') ? 'openmetrics' : 'text';
}

export function parseExposition(text: string, format: ExpositionFormat = 'text'): ParsedExposition {
  return parse(text, format, null) as ParsedExposition;
}

/** The series texts a scraper already holds labels for (its scrape cache). */
export interface KnownSeries {
  has(series: string): boolean;
}

/**
 * parseExposition for a scrape loop: a sample line whose series text `known` has is not split
 * into labels (its `labels` is null), as Prometheus's scrape cache skips parsing the labels of a
 * series it has seen; the caller looks its labels up by `series`. Errors and warnings are the
 * same, apart from a repeated series written with its labels in another order, which the caller
 * finds by its labelled key.
 */
export function parseScrape(
  text: string,
  format: ExpositionFormat,
  known: KnownSeries,
): ParsedExposition<Record<string, string> | null> {
  return parse(text, format, known);
}

function parse(
  text: string,
  format: ExpositionFormat,
  known: KnownSeries | null,
): ParsedExposition<Record<string, string> | null> {
  const om = format === 'openmetrics';
  const out: ParsedExposition<Record<string, string> | null> = {
    samples: [],
    types: new Map(),
    help: new Map(),
    warnings: [],
  };
  // Labelled keys of new series, and the texts of known ones (two sets: no key to build per line).
  const seen = new Set<string>();
  const seenText = new Set<string>();
  const lines = text.split('\n');
  let sawEof = false;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (sawEof) {
      if (line !== '' || i !== lines.length - 1)
        throw new ExpositionError(lineNo, 'content after # EOF');
      continue;
    }
    if (line.trim() === '') {
      if (om && i !== lines.length - 1)
        throw new ExpositionError(lineNo, 'empty line (not allowed in OpenMetrics)');
      continue;
    }
    if (line.startsWith('#')) {
      if (om && line === '# EOF') {
        sawEof = true;
        continue;
      }
      parseComment(line, lineNo, om, out);
      continue;
    }
    const sample = parseSampleLine(line, lineNo, om, known);
    const name = sample.labels ? sample.labels.__name__! : line.slice(0, nameEnd(line, 0, true));
    if (om && name.endsWith('_created') && isCreatedOf(name, out.types)) continue;
    // A known series is keyed by its text (equal text, equal series): no labels needed.
    const key = sample.labels ? dedupeKey(sample.labels) : sample.series;
    const keys = sample.labels ? seen : seenText;
    if (keys.has(key)) {
      const labels = sample.labels ?? parseSampleLine(line, lineNo, om, null).labels!;
      out.warnings.push(
        `line ${lineNo}: duplicate series ${describe(labels)} (kept the first sample)`,
      );
      continue;
    }
    keys.add(key);
    out.samples.push(sample);
  }
  if (om && !sawEof)
    throw new ExpositionError(lines.length, 'OpenMetrics exposition does not end with # EOF');
  return out;
}

function parseComment(
  line: string,
  lineNo: number,
  om: boolean,
  out: Pick<ParsedExposition, 'types' | 'help'>,
): void {
  const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
  if (!m) {
    if (om)
      throw new ExpositionError(
        lineNo,
        `unknown comment '${line.slice(0, 40)}' (OpenMetrics allows HELP, TYPE, UNIT, EOF)`,
      );
    return; // the text format ignores other comments
  }
  // Indexed rather than destructured: no array iterator per comment line in unoptimised code.
  const kind = m[1]!;
  const name = m[2]!;
  const rest = m[3] ?? '';
  if (!METRIC_NAME.test(name!))
    throw new ExpositionError(lineNo, `invalid metric name '${name}' in # ${kind}`);
  if (kind === 'TYPE') {
    const type = rest.trim();
    if (!(om ? OM_TYPES : TEXT_TYPES).has(type))
      throw new ExpositionError(lineNo, `unknown metric type '${type}' for ${name}`);
    if (out.types.has(name!)) throw new ExpositionError(lineNo, `second # TYPE line for ${name}`);
    out.types.set(name!, type);
  } else if (kind === 'HELP') {
    out.help.set(name!, unescape(rest, lineNo, false));
  }
}

function parseSampleLine(
  line: string,
  lineNo: number,
  om: boolean,
  known: KnownSeries | null,
): ParsedSample<Record<string, string> | null> {
  let pos = nameEnd(line, 0, true);
  let name = line.slice(0, pos);
  if (known && pos > 0) {
    const end = line[pos] === '{' ? labelBlockEnd(line, pos + 1) : pos;
    if (end > 0) {
      const series = line.slice(0, end);
      if (known.has(series)) return valuePart(line, end, lineNo, om, name, null, series);
    }
  }
  // __name__ first, so labels written in sorted order give their dedupe key without sorting.
  const labels: Record<string, string> = { __name__: '' };
  if (!name && line[0] !== '{')
    throw new ExpositionError(lineNo, `expected a metric name, got '${line.slice(0, 20)}'`);
  if (line[pos] === '{') {
    pos = parseLabels(line, pos + 1, lineNo, labels, (quotedName) => {
      if (name) throw new ExpositionError(lineNo, 'metric name given twice');
      name = quotedName;
    });
  }
  if (!name) throw new ExpositionError(lineNo, 'sample without a metric name');
  labels.__name__ = name;
  return valuePart(line, pos, lineNo, om, name, labels);
}

/** The value and timestamp after the series text, which ends at `pos`. */
function valuePart<L extends Record<string, string> | null>(
  line: string,
  pos: number,
  lineNo: number,
  om: boolean,
  name: string,
  labels: L,
  series = line.slice(0, pos),
): ParsedSample<L> {
  // Most lines of a text-format scrape are `series value`: one space, no timestamp. Their value
  // is read without the field splitting below (an array and strings per line); anything else,
  // or a value this does not read, takes the general path, which also words the errors.
  if (!om && line.charCodeAt(pos) === 32 && !hasBlankFrom(line, pos + 1)) {
    const value = parseValue(line.slice(pos + 1));
    if (value !== null) return { labels, series, value };
  }
  const rest = line.slice(pos);
  if (om ? !rest.startsWith(' ') : !/^[ \t]/.test(rest))
    throw new ExpositionError(lineNo, `expected a space and a value after ${name}`);
  // OpenMetrics exemplars follow ` # `; Prometheus drops them unless exemplar storage is on.
  const body = om ? rest.split(' # ')[0]! : rest;
  const fields = body.trim().split(om ? / / : /[ \t]+/);
  if (fields.length > 2 || fields[0] === '')
    throw new ExpositionError(
      lineNo,
      `expected 'value [timestamp]' after ${name}, got '${body.trim().slice(0, 40)}'`,
    );
  const value = parseValue(fields[0]!);
  if (value === null) throw new ExpositionError(lineNo, `invalid value '${fields[0]}' for ${name}`);
  const sample: ParsedSample<L> = { labels, series, value };
  if (fields[1] !== undefined) {
    const ts = om ? Number(fields[1]) * 1000 : /^-?\d+$/.test(fields[1]) ? Number(fields[1]) : NaN;
    if (!Number.isFinite(ts))
      throw new ExpositionError(
        lineNo,
        `invalid timestamp '${fields[1]}' for ${name}${om ? ' (seconds)' : ' (integer milliseconds)'}`,
      );
    sample.timestampMs = Math.round(ts);
  }
  return sample;
}

/** Is there a space or tab in `line` at or after `from`? */
function hasBlankFrom(line: string, from: number): boolean {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) return true;
  }
  return false;
}

function isCreatedOf(name: string, types: Map<string, string>): boolean {
  const base = name.slice(0, -'_created'.length);
  const t = types.get(base) ?? types.get(base.replace(/_total$/, ''));
  return t === 'counter' || t === 'histogram' || t === 'summary' || t === 'gaugehistogram';
}

/**
 * seriesKey without sorting when the labels came in sorted order (prom-client and Go's client
 * write them so, apart from `le` and `quantile`), which is most lines of a scrape.
 */
function dedupeKey(labels: Record<string, string>): string {
  let key = '';
  let prev = '';
  for (const k in labels) {
    if (k < prev) return seriesKey(labels);
    key += prev === '' ? `${k}\u0000${labels[k]}` : `\u0001${k}\u0000${labels[k]}`;
    prev = k;
  }
  return key;
}

/** A label set's identity: its pairs in name order (the same series however it was written). */
export function seriesKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

function describe(labels: Record<string, string>): string {
  const { __name__: n, ...rest } = labels;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return inner ? `${n}{${inner}}` : n!;
}
