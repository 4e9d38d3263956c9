/**
 * Parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text, written because
 * the npm parsers found are unmaintained and know neither OpenMetrics nor timestamps. Semantics
 * follow Prometheus's own parsers (model/textparse): a syntax error fails the whole scrape with its
 * line number; text timestamps are integer milliseconds, OpenMetrics ones float seconds; OpenMetrics
 * `_created` series and exemplars are dropped as Prometheus does by default; a repeated series
 * keeps its first sample and is reported.
 */

export type ExpositionFormat = 'text' | 'openmetrics';

export interface ParsedSample {
  /** Labels with `__name__`. */
  labels: Record<string, string>;
  /**
   * The series as written (metric name and label block, before the value): the key of the
   * scraper's series cache, as Prometheus's scrape cache keys by the raw series bytes.
   */
  series: string;
  value: number;
  /** Milliseconds since the epoch when the exposition gave one. */
  timestampMs?: number;
}

export interface ParsedExposition {
  samples: ParsedSample[];
  /** Metric family name → TYPE. */
  types: Map<string, string>;
  help: Map<string, string>;
  /** Non-fatal problems (duplicate series), one line each. */
  warnings: string[];
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ExpositionError';
  }
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
  const om = format === 'openmetrics';
  const out: ParsedExposition = { samples: [], types: new Map(), help: new Map(), warnings: [] };
  const seen = new Set<string>();
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
    const sample = parseSampleLine(line, lineNo, om);
    const name = sample.labels.__name__!;
    if (om && name.endsWith('_created') && isCreatedOf(name, out.types)) continue;
    const key = seriesKey(sample.labels);
    if (seen.has(key)) {
      out.warnings.push(
        `line ${lineNo}: duplicate series ${describe(sample.labels)} (kept the first sample)`,
      );
      continue;
    }
    seen.add(key);
    out.samples.push(sample);
  }
  if (om && !sawEof)
    throw new ExpositionError(lines.length, 'OpenMetrics exposition does not end with # EOF');
  return out;
}

function parseComment(line: string, lineNo: number, om: boolean, out: ParsedExposition): void {
  const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
  if (!m) {
    if (om)
      throw new ExpositionError(
        lineNo,
        `unknown comment '${line.slice(0, 40)}' (OpenMetrics allows HELP, TYPE, UNIT, EOF)`,
      );
    return; // the text format ignores other comments
  }
  const [, kind, name, rest = ''] = m;
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

function parseSampleLine(line: string, lineNo: number, om: boolean): ParsedSample {
  let pos = 0;
  const labels: Record<string, string> = {};
  let name = '';
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch) {
    name = nameMatch[0];
    pos = name.length;
  } else if (line[0] !== '{') {
    throw new ExpositionError(lineNo, `expected a metric name, got '${line.slice(0, 20)}'`);
  }
  if (line[pos] === '{') {
    pos = parseLabels(line, pos + 1, lineNo, labels, (quotedName) => {
      if (name) throw new ExpositionError(lineNo, 'metric name given twice');
      name = quotedName;
    });
  }
  if (!name) throw new ExpositionError(lineNo, 'sample without a metric name');
  labels.__name__ = name;
  const series = line.slice(0, pos);
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
  const sample: ParsedSample = { labels, series, value };
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

/** Parses `a="1",b="x"}`, returns the position after `}`. A bare quoted string is a metric name. */
function parseLabels(
  line: string,
  start: number,
  lineNo: number,
  labels: Record<string, string>,
  onName: (n: string) => void,
): number {
  let pos = start;
  const skipSpace = () => {
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  };
  for (;;) {
    skipSpace();
    if (line[pos] === '}') return pos + 1;
    let key: string;
    if (line[pos] === '"') {
      const [s, next] = readQuoted(line, pos, lineNo);
      pos = next;
      skipSpace();
      if (line[pos] !== '=') {
        onName(s);
        if (line[pos] === ',') pos++;
        continue;
      }
      key = s;
    } else {
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(pos));
      if (!m) throw new ExpositionError(lineNo, `invalid label name at column ${pos + 1}`);
      key = m[0];
      pos += key.length;
      skipSpace();
    }
    if (line[pos] !== '=') throw new ExpositionError(lineNo, `expected '=' after label ${key}`);
    pos++;
    skipSpace();
    if (line[pos] !== '"')
      throw new ExpositionError(lineNo, `label ${key}: value must be in double quotes`);
    const [value, next] = readQuoted(line, pos, lineNo);
    pos = next;
    if (key === '__name__' || Object.prototype.hasOwnProperty.call(labels, key))
      throw new ExpositionError(lineNo, `label ${key} given twice`);
    if (key.length === 0) throw new ExpositionError(lineNo, 'empty label name');
    labels[key] = value;
    skipSpace();
    if (line[pos] === ',') pos++;
    else if (line[pos] !== '}')
      throw new ExpositionError(lineNo, `expected ',' or '}' after label ${key}`);
  }
}

function readQuoted(line: string, start: number, lineNo: number): [string, number] {
  let pos = start + 1;
  let raw = '';
  while (pos < line.length && line[pos] !== '"') {
    if (line[pos] === '\\') {
      raw += line.slice(pos, pos + 2);
      pos += 2;
    } else raw += line[pos++];
  }
  if (line[pos] !== '"') throw new ExpositionError(lineNo, 'unterminated quoted string');
  return [unescape(raw, lineNo, true), pos + 1];
}

/** Label values escape \\, \" and \n; HELP text only \\ and \n. Anything else is kept as written. */
function unescape(s: string, lineNo: number, quote: boolean): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.?)/g, (all, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === '"' && quote) return '"';
    if (c === '') throw new ExpositionError(lineNo, 'dangling backslash');
    return all;
  });
}

/** Go's ParseFloat spellings Prometheus accepts: NaN, ±Inf, Infinity, decimals, exponents, hex. */
function parseValue(s: string): number | null {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (/^[+]?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return null;
  return Number(s);
}

function isCreatedOf(name: string, types: Map<string, string>): boolean {
  const base = name.slice(0, -'_created'.length);
  const t = types.get(base) ?? types.get(base.replace(/_total$/, ''));
  return t === 'counter' || t === 'histogram' || t === 'summary' || t === 'gaugehistogram';
}

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
