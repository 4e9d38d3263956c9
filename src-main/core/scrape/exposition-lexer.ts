/**
 * The lexical layer of the exposition parser (exposition.ts): metric and label names, label
 * blocks, quoted strings with their escapes, and sample values, scanned by character code rather
 * than by regex on the hot path (every line of every scrape).
 */
import { setLabel } from '../tsdb/types.js';

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'ExpositionError';
  }
}

const CHAR_a = 97;
const CHAR_z = 122;
const CHAR_A = 65;
const CHAR_Z = 90;
const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_UNDERSCORE = 95;
const CHAR_COLON = 58;
const CHAR_QUOTE = 34;
const CHAR_BACKSLASH = 92;
const CHAR_CLOSE_BRACE = 125;

/** [a-zA-Z_] (label names), plus ':' for metric names. */
function isNameStart(c: number, metric: boolean): boolean {
  return (
    (c >= CHAR_a && c <= CHAR_z) ||
    (c >= CHAR_A && c <= CHAR_Z) ||
    c === CHAR_UNDERSCORE ||
    (metric && c === CHAR_COLON)
  );
}

/** End of the name starting at `start` (= start when there is none), scanned without a regex. */
export function nameEnd(line: string, start: number, metric: boolean): number {
  if (start >= line.length || !isNameStart(line.charCodeAt(start), metric)) return start;
  let pos = start + 1;
  for (; pos < line.length; pos++) {
    const c = line.charCodeAt(pos);
    if (!isNameStart(c, metric) && !(c >= CHAR_0 && c <= CHAR_9)) break;
  }
  return pos;
}

/** Parses `a="1",b="x"}`, returns the position after `}`. A bare quoted string is a metric name. */
export function parseLabels(
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
      const s = readQuoted(line, pos, lineNo);
      pos = quotedEnd;
      skipSpace();
      if (line[pos] !== '=') {
        onName(s);
        if (line[pos] === ',') pos++;
        continue;
      }
      key = s;
    } else {
      const end = nameEnd(line, pos, false);
      if (end === pos) throw new ExpositionError(lineNo, `invalid label name at column ${pos + 1}`);
      key = line.slice(pos, end);
      pos = end;
      skipSpace();
    }
    if (line[pos] !== '=') throw new ExpositionError(lineNo, `expected '=' after label ${key}`);
    pos++;
    skipSpace();
    if (line[pos] !== '"')
      throw new ExpositionError(lineNo, `label ${key}: value must be in double quotes`);
    const value = readQuoted(line, pos, lineNo);
    pos = quotedEnd;
    if (key === '__name__' || Object.prototype.hasOwnProperty.call(labels, key))
      throw new ExpositionError(lineNo, `label ${key} given twice`);
    if (key.length === 0) throw new ExpositionError(lineNo, 'empty label name');
    setLabel(labels, key, value);
    skipSpace();
    if (line[pos] === ',') pos++;
    else if (line[pos] !== '}')
      throw new ExpositionError(lineNo, `expected ',' or '}' after label ${key}`);
  }
}

/**
 * The position after the `}` closing a label block that starts at `start` (after `{`), skipping
 * quoted strings and their escapes; -1 when it is not closed (the full parse reports why).
 */
export function labelBlockEnd(line: string, start: number): number {
  let inQuotes = false;
  for (let pos = start; pos < line.length; pos++) {
    const c = line.charCodeAt(pos);
    if (inQuotes) {
      if (c === CHAR_BACKSLASH) pos++;
      else if (c === CHAR_QUOTE) inQuotes = false;
    } else if (c === CHAR_QUOTE) inQuotes = true;
    else if (c === CHAR_CLOSE_BRACE) return pos + 1;
  }
  return -1;
}

/** Where the quoted string readQuoted last read ends (after its closing quote). */
let quotedEnd = 0;

/** The quoted string starting at `start` (a `"`), unescaped; sets quotedEnd. */
function readQuoted(line: string, start: number, lineNo: number): string {
  let pos = start + 1;
  let escaped = false;
  while (pos < line.length) {
    const c = line.charCodeAt(pos);
    if (c === CHAR_QUOTE) break;
    if (c === CHAR_BACKSLASH) {
      escaped = true;
      pos += 2;
    } else pos++;
  }
  if (pos >= line.length) throw new ExpositionError(lineNo, 'unterminated quoted string');
  quotedEnd = pos + 1;
  const raw = line.slice(start + 1, pos);
  return escaped ? unescape(raw, lineNo, true) : raw;
}

/** Label values escape \\, \" and \n; HELP text only \\ and \n. Anything else is kept as written. */
export function unescape(s: string, lineNo: number, quote: boolean): string {
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
export function parseValue(s: string): number | null {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (/^[+]?inf(inity)?$/.test(lower)) return Infinity;
  if (/^-inf(inity)?$/.test(lower)) return -Infinity;
  return null;
}
