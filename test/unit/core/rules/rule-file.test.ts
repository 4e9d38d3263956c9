import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssue, parseRuleFile } from '../../../../src-main/core/rules/rule-file.js';

const issues = (text: string) => parseRuleFile(text, 'r.yml').issues.map(formatIssue);

describe('rule files', () => {
  it('reads groups and rules with their durations, labels and annotations', () => {
    const { groups, issues: problems } = parseRuleFile(
      [
        'groups:',
        '  - name: g',
        '    interval: 15s',
        '    limit: 5',
        '    rules:',
        '      - record: job:up:sum',
        '        expr: sum by (job) (up)',
        '      - alert: Down',
        '        expr: job:up:sum == 0',
        '        for: 2m',
        '        keep_firing_for: 1m30s',
        '        labels: { severity: critical }',
        "        annotations: { summary: '{{ $labels.job }} down' }",
      ].join('\n'),
      'r.yml',
    );
    assert.deepEqual(problems, []);
    const g = groups[0]!;
    assert.equal(g.intervalMs, 15_000);
    assert.equal(g.limit, 5);
    const alert = g.rules[1]!;
    assert.equal(alert.kind, 'alert');
    assert.equal(alert.forMs, 120_000);
    assert.equal(alert.keepFiringForMs, 90_000);
    assert.equal(alert.line, 8);
    assert.deepEqual(alert.labels, { severity: 'critical' });
  });

  it('reads interval: 0s as the default interval, as Prometheus does', () => {
    const { groups, issues: problems } = parseRuleFile(
      'groups:\n  - name: g\n    interval: 0s\n    rules:\n      - record: r\n        expr: up\n',
      'r.yml',
    );
    assert.deepEqual(problems, []);
    assert.equal(groups[0]!.intervalMs, null);
  });

  it('names file, line, group and rule for each problem', () => {
    assert.deepEqual(
      issues(
        'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(x)\n      - record: b\n        expr: up\n        for: 1m\n',
      ),
      [
        'r.yml:5: group "g", rule "A": could not parse expression: expected type range vector in call to function "rate", got instant vector (at character 5 of "rate(x)")',
        'r.yml:6: group "g", rule "b": invalid field \'for\' in recording rule',
      ],
    );
    assert.match(
      issues(
        'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: soon\n',
      )[0]!,
      /^r\.yml:6: .*for: not a valid duration string: "soon"/,
    );
    assert.match(
      issues(
        'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: { "a-b": x }\n',
      )[0]!,
      /invalid label name: a-b/,
    );
    assert.match(
      issues('groups:\n  - name: g\n    extra: 1\n')[0]!,
      /^r\.yml:3: group "g": field extra not found/,
    );
    assert.match(issues('groups: [\n')[0]!, /^r\.yml:\d+: /);
  });

  it('accepts an empty file and an empty group list, like promtool', () => {
    assert.deepEqual(issues(''), []);
    assert.deepEqual(issues('groups: []\n'), []);
  });
});
