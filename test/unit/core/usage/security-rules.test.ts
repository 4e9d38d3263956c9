import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigError } from '../../../../src-main/core/config/load.js';
import { parseConfigText } from '../../../../src-main/core/config/load.js';
import { ingestLogs } from '../../../../src-main/core/usage/otlp/events-ingest.js';
import { SecurityEventRules } from '../../../../src-main/core/usage/otlp/security-rules.js';
import type { OtlpLogsRequest } from '../../../../src-main/core/usage/otlp/types.js';
import { usagePipeline } from './harness.js';

/** One Claude Code event as the OTLP log exporter sends it (string attributes). */
function event(name: string, attrs: Record<string, string>, seq: number): OtlpLogsRequest {
  const attributes = Object.entries({
    'event.name': name,
    'user.email': 'carol@example.com',
    'session.id': 'sess-c1',
    'event.sequence': String(seq),
    ...attrs,
  }).map(([key, v]) => ({ key, value: { stringValue: v } }));
  return {
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: String(BigInt(Date.UTC(2025, 10, 22, 8, 29)) * 1_000_000n),
                body: { stringValue: `claude_code.${name}` },
                attributes,
              },
            ],
          },
        ],
      },
    ],
  } as OtlpLogsRequest;
}

function rulesFrom(yaml: string): SecurityEventRules {
  return new SecurityEventRules(parseConfigText(yaml, 'ccmon.yaml').config.usage.securityEvents);
}

describe('admin-defined security events (usage.securityEvents)', () => {
  const yaml = [
    'usage:',
    '  securityEvents:',
    '    - event: claude_code.tool_decision',
    '      kind: rejected_tool_decision',
    '      when: { decision: reject|deny, source: config }',
    '    - event: sandbox_escape_attempt',
    '      kind: sandbox_violation',
  ].join('\n');

  it('classifies an event only when every attribute pattern matches, anchored like =~', () => {
    const rules = rulesFrom(yaml);
    assert.equal(rules.size, 2);
    assert.equal(
      rules.classify('tool_decision', { decision: 'deny', source: 'config' }),
      'rejected_tool_decision',
    );
    assert.equal(rules.classify('tool_decision', { decision: 'deny', source: 'user' }), null);
    assert.equal(
      rules.classify('tool_decision', { decision: 'denied', source: 'config' }),
      null,
      'anchored: deny does not match denied',
    );
    assert.equal(rules.classify('sandbox_escape_attempt', {}), 'sandbox_violation');
    assert.equal(rules.classify('tool_result', {}), null);
  });

  it('records one signal per event through ingestion, replacing the built-in classification', () => {
    const p = usagePipeline();
    const opts = { ...p.logsOpts, securityRules: rulesFrom(yaml) };
    // Unknown to the built-in classification: only the rule makes it a signal.
    ingestLogs(event('sandbox_escape_attempt', { path: '/etc/shadow' }, 1), opts);
    // Built-in would also count a reject; the rule matches first and it is counted once.
    ingestLogs(event('tool_decision', { decision: 'reject', source: 'config' }, 2), opts);
    // No rule matches: the built-in classification still applies.
    ingestLogs(event('tool_decision', { decision: 'reject', source: 'user_reject' }, 3), opts);
    // Neither a rule nor the built-ins: no signal.
    ingestLogs(event('tool_decision', { decision: 'accept', source: 'config' }, 4), opts);
    assert.deepEqual(
      p.security.map((e) => e.kind),
      ['sandbox_violation', 'rejected_tool_decision', 'rejected_tool_decision'],
    );
    assert.equal(
      p.appender.latest('claude_sandbox_violations_total', { user: 'carol@example.com' }),
      1,
    );
  });

  it('a bad rule is a config error naming its path and line', () => {
    const bad = [
      'usage:',
      '  securityEvents:',
      '    - event: claude_code.tool_decision',
      '      kind: rejected',
      '      when: { decision: "reject(" }',
      '    - event: Not An Event',
      '      kind: auth_failure',
    ].join('\n');
    assert.throws(
      () => parseConfigText(bad, 'ccmon.yaml'),
      (err: ConfigError) => {
        const where = err.issues.map((i) => `${i.path}@${i.line}`);
        assert.ok(where.includes('usage.securityEvents.0.kind@4'), where.join(' '));
        assert.ok(where.includes('usage.securityEvents.0.when.decision@5'), where.join(' '));
        assert.ok(where.includes('usage.securityEvents.1.event@6'), where.join(' '));
        assert.match(
          err.issues.find((i) => i.path.endsWith('when.decision'))!.message,
          /regular expression/,
        );
        return true;
      },
    );
  });
});
