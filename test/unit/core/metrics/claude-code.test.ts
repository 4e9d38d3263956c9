import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { checkSchema, type CheckOf } from '../../../../src-main/core/checks/config.js';
import { HostSampler } from '../../../../src-main/core/checks/host-sampler.js';
import { probeHttp } from '../../../../src-main/core/checks/probe-http.js';
import {
  ClaudeCodeMetrics,
  IncreaseTracker,
} from '../../../../src-main/core/metrics/claude-code.js';
import type { Simulation } from '../../../../src-main/simulator/index.js';
import { startQuietSimulation } from '../../../helpers/simulation.js';

let sim: Simulation;
before(async () => {
  sim = await startQuietSimulation();
});
after(() => sim.stop());

async function value(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const m = await registry.getSingleMetric(name)!.get();
  return m.values.find(
    (v) =>
      Object.entries(labels).every(([k, l]) => v.labels[k] === l) &&
      (v as { metricName?: string }).metricName === undefined,
  )?.value;
}

describe('IncreaseTracker', () => {
  it('adds increases, treats a drop as a counter reset, and the first value whole', () => {
    const t = new IncreaseTracker();
    assert.deepEqual(
      [
        t.increase('a', 100),
        t.increase('a', 130),
        t.increase('a', 130),
        t.increase('a', 20),
        t.increase('a', 25),
      ],
      [100, 30, 0, 20, 5],
    );
  });
});

describe('claude_code_* from the API /health (no double counting)', () => {
  it('token counter follows the API total across polls and across an API restart', async () => {
    const registry = new Registry();
    const metrics = new ClaudeCodeMetrics(registry);
    const check = {
      timeout: 1000,
      ...checkSchema.parse({
        name: 'API Health',
        type: 'http',
        url: `${sim.urls.api}/health`,
        exportAs: 'claude_code_api',
      }),
    } as CheckOf<'http'>;
    const ctx = {
      signal: new AbortController().signal,
      timeoutMs: 1000,
      agents: { http: new http.Agent(), https: new https.Agent() },
      host: new HostSampler(),
    };
    const poll = async () => {
      const o = await probeHttp(check, ctx);
      metrics.observe(o.http!);
    };
    const truth = () => sim.traffic.health().tokens_used['claude-sonnet-4-5']!.input;

    sim.advance(120);
    await poll();
    await poll(); // a second poll with no new traffic must add nothing (the seed added the total again)
    assert.equal(
      await value(registry, 'claude_code_tokens_used_total', {
        model: 'claude-sonnet-4-5',
        type: 'input',
      }),
      truth(),
    );
    sim.advance(60);
    await poll();
    const beforeRestart = truth();
    assert.equal(
      await value(registry, 'claude_code_tokens_used_total', {
        model: 'claude-sonnet-4-5',
        type: 'input',
      }),
      beforeRestart,
    );
    const costBefore = sim.traffic.health().total_cost;

    sim.restartApi();
    sim.advance(30);
    await poll();
    const afterRestart = truth();
    assert.ok(afterRestart < beforeRestart, 'the simulated API counts from zero again');
    assert.equal(
      await value(registry, 'claude_code_tokens_used_total', {
        model: 'claude-sonnet-4-5',
        type: 'input',
      }),
      beforeRestart + afterRestart,
    );
    const cost = (await value(registry, 'claude_code_cost_usd'))!;
    assert.ok(
      Math.abs(cost - (costBefore + sim.traffic.health().total_cost)) < 1e-6,
      'cost survives the restart',
    );
    assert.equal(await value(registry, 'claude_code_active_sessions'), sim.traffic.activeSessions);
    assert.equal(
      await value(registry, 'claude_code_api_requests_total', {
        endpoint: '/health',
        status: '200',
      }),
      4,
    );
    const text = await registry.metrics();
    assert.match(text, /claude_code_api_latency_seconds_count\{endpoint="\/health"\} 4/);
    assert.match(text, /claude_code_api_latency_seconds_bucket\{le="2",endpoint="\/health"\} 4/);
  });

  it('counts 5xx answers by status and ignores a malformed /health without failing', async () => {
    const registry = new Registry();
    const metrics = new ClaudeCodeMetrics(registry);
    metrics.observe({ url: 'http://x/health', status: 503, latencyMs: 5 });
    metrics.observe({ url: 'http://x/health', status: 0, latencyMs: 0 });
    metrics.observe({
      url: 'http://x/health',
      status: 200,
      latencyMs: 5,
      json: { active_sessions: 'many', tokens_used: [1, 2], total_cost: -3 },
    });
    assert.equal(await value(registry, 'claude_code_api_requests_total', { status: '503' }), 1);
    assert.deepEqual([...metrics.ignored].sort(), ['active_sessions', 'tokens_used', 'total_cost']);
    assert.equal(await value(registry, 'claude_code_tokens_used_total'), undefined);
  });
});
