/**
 * Prometheus rule files (docs: configuration/recording_rules.md, rulefmt): groups with name,
 * interval, limit and rules; each rule a `record` or an `alert` with expr, for, keep_firing_for,
 * labels, annotations. Validated as strictly as rulefmt (unknown fields are errors), plus
 * ccmon's own check that every PromQL function is one it evaluates. Errors carry file and line.
 */
import { readFile } from 'node:fs/promises';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Node as YamlNode,
  type YAMLMap,
} from 'yaml';
import type { Expr } from './ast.js';
import { parseDuration } from '../duration.js';
import { parsePromQL, PromQLError } from './parse.js';
import { compileTemplate, TemplateError, type CompiledTemplate } from './template.js';

export interface RuleSpec {
  kind: 'alert' | 'record';
  name: string;
  exprText: string;
  expr: Expr;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  labelTemplates: Record<string, CompiledTemplate>;
  annotationTemplates: Record<string, CompiledTemplate>;
  line: number;
}

export interface RuleGroupSpec {
  name: string;
  file: string;
  /** null: the manager's default evaluation interval. */
  intervalMs: number | null;
  limit: number;
  rules: RuleSpec[];
}

export interface RuleIssue {
  file: string;
  line: number;
  group?: string;
  rule?: string;
  message: string;
}

export class RuleFileError extends Error {
  constructor(readonly issues: RuleIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'RuleFileError';
  }
}

export function formatIssue(i: RuleIssue): string {
  const where = [
    i.group !== undefined ? `group "${i.group}"` : '',
    i.rule ? `rule "${i.rule}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${i.file}:${i.line}: ${where ? where + ': ' : ''}${i.message}`;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const GROUP_KEYS = new Set(['name', 'interval', 'limit', 'rules']);
const RULE_KEYS = new Set([
  'record',
  'alert',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);

/** Parse one rule file's text. Returns every group it could build and every problem found. */
export function parseRuleFile(
  text: string,
  file: string,
): { groups: RuleGroupSpec[]; issues: RuleIssue[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const issues: RuleIssue[] = [];
  const lineOf = (n: YamlNode | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 1);
  for (const e of doc.errors)
    issues.push({
      file,
      line: e.linePos?.[0]?.line ?? 1,
      message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
    });
  if (issues.length) return { groups: [], issues };
  const groups: RuleGroupSpec[] = [];
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { groups, issues };
  if (!isMap(root))
    return {
      groups,
      issues: [{ file, line: lineOf(root), message: 'expected a mapping with "groups"' }],
    };
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key !== 'groups')
      issues.push({
        file,
        line: lineOf(pair.key as YamlNode),
        message: `field ${key} not found in type rulefmt.RuleGroups`,
      });
  }
  const list = root.get('groups', true) as YamlNode | undefined;
  if (list === undefined || (isScalar(list) && list.value === null)) return { groups, issues };
  if (!isSeq(list))
    return {
      groups,
      issues: [...issues, { file, line: lineOf(list), message: '"groups" must be a list' }],
    };
  const seen = new Set<string>();
  for (const g of list.items as YamlNode[]) {
    const line = lineOf(g);
    if (!isMap(g)) {
      issues.push({ file, line, message: 'a group must be a mapping' });
      continue;
    }
    const name = scalarString(g, 'name');
    const add = (message: string, at: YamlNode | null | undefined = g, rule?: string) =>
      issues.push({
        file,
        line: lineOf(at),
        group: name ?? '',
        ...(rule ? { rule } : {}),
        message,
      });
    for (const k of unknownKeys(g, GROUP_KEYS))
      add(`field ${k.name} not found in type rulefmt.RuleGroup`, k.node);
    if (!name) add('Groupname must not be empty');
    else if (seen.has(name)) add(`groupname: "${name}" is repeated in the same file`);
    if (name) seen.add(name);
    const intervalText = scalarString(g, 'interval');
    let intervalMs: number | null = null;
    if (intervalText !== undefined) {
      intervalMs = parseDuration(intervalText);
      if (intervalMs === null)
        add(`not a valid duration string: "${intervalText}"`, g.get('interval', true) as YamlNode);
      else if (intervalMs === 0) intervalMs = null; // Prometheus: 0 means the default interval
    }
    const limitText = scalarString(g, 'limit');
    const limit = limitText === undefined ? 0 : Number(limitText);
    if (!Number.isInteger(limit))
      add(`limit must be an integer, got "${limitText}"`, g.get('limit', true) as YamlNode);
    const rulesNode = g.get('rules', true) as YamlNode | undefined;
    const rules: RuleSpec[] = [];
    if (rulesNode !== undefined && !(isScalar(rulesNode) && rulesNode.value === null)) {
      if (!isSeq(rulesNode)) add('"rules" must be a list', rulesNode);
      else
        (rulesNode.items as YamlNode[]).forEach((r, idx) => {
          const spec = parseRule(r, idx, (m, at, rule) => add(m, at ?? r, rule), lineOf(r));
          if (spec) rules.push(spec);
        });
    }
    groups.push({
      name: name ?? '',
      file,
      intervalMs,
      limit: Number.isInteger(limit) ? limit : 0,
      rules,
    });
  }
  return { groups, issues };
}

type Report = (message: string, at?: YamlNode | null, rule?: string) => void;

function parseRule(r: YamlNode, idx: number, report: Report, line: number): RuleSpec | null {
  if (!isMap(r)) {
    report(`rule ${idx}: a rule must be a mapping`);
    return null;
  }
  const record = scalarString(r, 'record');
  const alert = scalarString(r, 'alert');
  const name = record ?? alert ?? `#${idx + 1}`;
  const bad = (m: string, at?: YamlNode | null) => report(m, at, name);
  let ok = true;
  const fail = (m: string, at?: YamlNode | null) => {
    ok = false;
    bad(m, at);
  };
  for (const k of unknownKeys(r, RULE_KEYS))
    fail(`field ${k.name} not found in type rulefmt.Rule`, k.node);
  if (record && alert) fail("only one of 'record' and 'alert' must be set");
  if (!record && !alert) fail("one of 'record' or 'alert' must be set");
  const exprText = scalarString(r, 'expr');
  if (!exprText) fail("field 'expr' must be set in rule");
  if (record !== undefined && !METRIC_NAME.test(record))
    fail(`invalid recording rule name: ${record}`);
  if (record !== undefined) {
    if (r.has('annotations')) fail("invalid field 'annotations' in recording rule");
    if (r.has('for')) fail("invalid field 'for' in recording rule");
    if (r.has('keep_firing_for')) fail("invalid field 'keep_firing_for' in recording rule");
  }
  const dur = (key: string): number => {
    const t = scalarString(r, key);
    if (t === undefined) return 0;
    const ms = parseDuration(t);
    if (ms === null) {
      fail(`${key}: not a valid duration string: "${t}"`, r.get(key, true) as YamlNode);
      return 0;
    }
    return ms;
  };
  const forMs = dur('for');
  const keepFiringForMs = dur('keep_firing_for');
  const labels = stringMap(r, 'labels', fail);
  const annotations = stringMap(r, 'annotations', fail);
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_NAME.test(k) || k === '__name__') fail(`invalid label name: ${k}`);
    if (!isValidUtf8(v)) fail(`invalid label value: ${v}`);
  }
  for (const k of Object.keys(annotations))
    if (!LABEL_NAME.test(k)) fail(`invalid annotation name: ${k}`);
  let expr: Expr | null = null;
  if (exprText) {
    try {
      expr = parsePromQL(exprText);
    } catch (err) {
      if (!(err instanceof PromQLError)) throw err;
      const at = r.get('expr', true) as YamlNode;
      fail(
        `could not parse expression: ${err.message} (at character ${err.position + 1} of ${JSON.stringify(exprText.trim())})`,
        at,
      );
    }
  }
  const labelTemplates: Record<string, CompiledTemplate> = {};
  const annotationTemplates: Record<string, CompiledTemplate> = {};
  if (alert) {
    // Prometheus validates alert templates at load (rulefmt testTemplateParsing).
    for (const [map, out, kind] of [
      [labels, labelTemplates, 'label'],
      [annotations, annotationTemplates, 'annotation'],
    ] as const)
      for (const [k, v] of Object.entries(map)) {
        try {
          out[k] = compileTemplate(v, `__alert_${alert}`);
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          fail(
            `${kind} "${k}": ${err.message}`,
            r.get(kind === 'label' ? 'labels' : 'annotations', true) as YamlNode,
          );
        }
      }
  }
  if (!ok || !expr || !exprText) return null;
  return {
    kind: record ? 'record' : 'alert',
    name,
    exprText,
    expr,
    forMs,
    keepFiringForMs,
    labels,
    annotations,
    labelTemplates,
    annotationTemplates,
    line,
  };
}

function scalarString(m: YAMLMap, key: string): string | undefined {
  const n = m.get(key, true) as YamlNode | undefined;
  if (n === undefined || !isScalar(n) || n.value === null) return undefined;
  return String(n.value);
}

function unknownKeys(m: YAMLMap, allowed: Set<string>): Array<{ name: string; node: YamlNode }> {
  const out: Array<{ name: string; node: YamlNode }> = [];
  for (const p of m.items) {
    const k = isScalar(p.key) ? String(p.key.value) : String(p.key);
    if (!allowed.has(k)) out.push({ name: k, node: p.key as YamlNode });
  }
  return out;
}

function stringMap(
  m: YAMLMap,
  key: string,
  fail: (msg: string, at?: YamlNode | null) => void,
): Record<string, string> {
  const n = m.get(key, true) as YamlNode | undefined;
  const out: Record<string, string> = {};
  if (n === undefined || (isScalar(n) && n.value === null)) return out;
  if (!isMap(n)) {
    fail(`"${key}" must be a mapping of names to strings`, n);
    return out;
  }
  for (const p of n.items) {
    const k = isScalar(p.key) ? String(p.key.value) : '';
    const v = p.value as YamlNode | null;
    if (v !== null && !isScalar(v)) fail(`${key}.${k} must be a string`, v);
    else out[k] = v === null || v.value === null ? '' : String(v.value);
  }
  return out;
}

function isValidUtf8(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

/** Read and validate rule files; throws RuleFileError listing every problem in every file. */
export async function loadRuleFiles(files: string[]): Promise<RuleGroupSpec[]> {
  const groups: RuleGroupSpec[] = [];
  const issues: RuleIssue[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      issues.push({
        file,
        line: 0,
        message: `cannot read rule file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      });
      continue;
    }
    const parsed = parseRuleFile(text, file);
    groups.push(...parsed.groups);
    issues.push(...parsed.issues);
  }
  if (issues.length) throw new RuleFileError(issues);
  return groups;
}
