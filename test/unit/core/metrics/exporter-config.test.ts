/**
 * The exporter's load settings through the real config loader: defaults, and a clear error with
 * the path and line for a bad cacheFor or maxRequests (`ccmon config validate` prints these).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfigText } from '../../../../src-main/core/config/load.js';

function issuesOf(yaml: string) {
  try {
    parseConfigText(yaml, 'ccmon.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues;
  }
  assert.fail('accepted');
}

describe('exporter config', () => {
  it('defaults: a render reused for 1 s, 256 scrapes at once, no loop-delay monitor', () => {
    const { exporter } = parseConfigText('exporter: { port: 9200 }\n', 'ccmon.yaml').config;
    assert.equal(exporter.cacheFor, '1s');
    assert.equal(exporter.maxRequests, 256);
    assert.equal(exporter.eventLoopDelay, false);
  });

  it('accepts 0s and 500ms reuse, no limit, and the monitor', () => {
    for (const cacheFor of ['0s', '500ms', '10s']) {
      const yaml = `exporter: { cacheFor: ${cacheFor}, maxRequests: 0, eventLoopDelay: true }\n`;
      const { exporter } = parseConfigText(yaml, 'ccmon.yaml').config;
      assert.equal(exporter.cacheFor, cacheFor);
      assert.equal(exporter.maxRequests, 0);
      assert.equal(exporter.eventLoopDelay, true);
    }
  });

  it('a reuse longer than 10 s, a non-duration or a negative limit: path, line and why', () => {
    const issues = issuesOf('version: 1\nexporter:\n  cacheFor: 1m\n  maxRequests: -1\n');
    const byPath = new Map(issues.map((i) => [i.path, i]));
    assert.equal(byPath.get('exporter.cacheFor')?.line, 3);
    assert.match(byPath.get('exporter.cacheFor')!.message, /from 0s to 10s/);
    assert.equal(byPath.get('exporter.maxRequests')?.line, 4);
    const [bad] = issuesOf('exporter: { cacheFor: soon }\n');
    assert.equal(bad!.path, 'exporter.cacheFor');
    assert.match(bad!.message, /such as 1s or 500ms/);
  });
});
