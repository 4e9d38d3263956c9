import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { CheckResult } from '../../../../src-main/core/checks/types.js';
import { registerCheckMetrics } from '../../../../src-main/core/metrics/check-metrics.js';
import { LabelSets } from '../../../../src-main/core/metrics/computed.js';
import { renderTextFormat } from '../../../../src-main/core/metrics/render.js';

function result(name: string, failures: number, latencyMs: number): CheckResult {
  return {
    name,
    type: 'http',
    status: failures > 0 ? 'unhealthy' : 'healthy',
    message: '',
    details: '',
    latencyMs,
    at: new Date(0).toISOString(),
    consecutiveFailures: failures,
    intervalMs: 10_000,
    values: {},
  };
}

describe('computed metrics (check metrics)', () => {
  it('follow the latest results: values change, removed checks vanish, labels stay one object', async () => {
    const registry = new Registry();
    const latest = new Map<string, CheckResult>([
      ['api', result('api', 0, 120)],
      ['db "main"', result('db "main"', 2, 5000)],
    ]);
    registerCheckMetrics(registry, () => latest);
    let text = await renderTextFormat(registry);
    assert.match(text, /^# TYPE ccmon_check_up gauge$/m);
    assert.match(text, /^ccmon_check_up\{check="api"\} 1$/m);
    assert.match(text, /^ccmon_check_up\{check="db \\"main\\""\} 0$/m);
    assert.match(text, /^ccmon_check_duration_seconds\{check="api"\} 0.12$/m);
    const first = (await registry.getSingleMetric('ccmon_check_up')!.get()).values[0]!.labels;

    latest.set('api', result('api', 1, 30));
    latest.delete('db "main"');
    text = await renderTextFormat(registry);
    assert.match(text, /^ccmon_check_up\{check="api"\} 0$/m);
    assert.match(text, /^ccmon_check_duration_seconds\{check="api"\} 0.03$/m);
    assert.doesNotMatch(text, /db/);
    assert.equal(
      (await registry.getSingleMetric('ccmon_check_up')!.get()).values[0]!.labels,
      first,
    );
    // prom-client's own rendering and JSON read them too.
    assert.match(await registry.metrics(), /^ccmon_check_up\{check="api"\} 0$/m);
    const json = await registry.getMetricsAsJSON();
    assert.deepEqual(
      json.map((m) => m.name),
      ['ccmon_check_up', 'ccmon_check_duration_seconds'],
    );
  });

  it('LabelSets hands out one frozen object per key until it is let go', () => {
    const sets = new LabelSets<string>();
    const a = sets.get('a', () => ({ device: 'a' }));
    assert.equal(
      sets.get('a', () => ({ device: 'other' })),
      a,
    );
    assert.ok(Object.isFrozen(a));
    sets.retain(new Set(['b']));
    assert.equal(sets.size, 0);
    assert.notEqual(
      sets.get('a', () => ({ device: 'a' })),
      a,
    );
  });
});
