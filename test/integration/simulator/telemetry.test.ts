/**
 * `ccmon simulate --otlp --logs` against a real agent: the simulated users' Claude Code telemetry
 * (OTLP/HTTP JSON, delta sums and api_request / api_error events) books every token, dollar,
 * request and error the simulator counted, per user and per model; its request log is read by the
 * agent's log analysis (errors and slow requests); a receiver that is down is counted, not fatal.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../../../src-main/core/config/schema.js';
import type { LogHits } from '../../../src-main/core/logs/types.js';
import type { UsageStatus, UsageSummary } from '../../../src-main/core/usage/contract.js';
import { startSimulation, type Simulation } from '../../../src-main/simulator/index.js';
import type { RequestRecord } from '../../../src-main/simulator/traffic.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { freePort, tempDir, type TempDir } from '../../helpers/ports.js';

describe('the simulator’s telemetry and request log in a real agent', () => {
  let dir: TempDir;
  let agent: TestAgent;
  let sim: Simulation;
  const seen: RequestRecord[] = [];

  before(async () => {
    dir = await tempDir('ccmon-sim-telemetry-');
    const logsDir = join(dir.path, 'logs');
    const config = defaultConfig();
    config.checks.probes = [];
    config.scrape.jobs = [];
    config.rules.enabled = false;
    config.usage.transcripts.enabled = false;
    config.logs.sources = [
      {
        service: 'claude-code',
        paths: [join(logsDir, 'claude-code', '*.log')],
        format: 'auto',
        latencyUnit: 's',
      },
    ];
    agent = await startTestAgent(config);
    const status = await requestAgent<UsageStatus>(agent, 'usage.status');
    sim = await startSimulation({
      apiPort: 0,
      gatewayPort: 0,
      containersPort: null,
      controlPort: null,
      tickMs: 0,
      seed: 7,
      // Errors and slow requests often enough to count in a minute of traffic.
      errorRatio: 0.1,
      medianLatency: 1.2,
      otlp: { url: status.receiver.url!, intervalMs: 60_000 },
      logsDir,
    });
    sim.traffic.onRequest((r) => seen.push(r));
    sim.advance(60);
    await sim.telemetry!.flush();
    sim.requestLog!.flush();
  });
  after(async () => {
    await sim?.stop();
    await agent?.close();
    await dir?.cleanup();
  });

  it('books every token, dollar, request and error per user and per model', async () => {
    assert.ok(seen.length > 100, `${seen.length} requests simulated`);
    assert.equal(sim.telemetry!.failures, 0, sim.telemetry!.lastError ?? '');
    const failed = seen.filter((r) => r.status >= 500);
    assert.ok(failed.length > 0);
    const byUser = await requestAgent<UsageSummary>(agent, 'usage.summary', { by: 'user' });
    const sum = (rs: RequestRecord[], f: (r: RequestRecord) => number) =>
      rs.reduce((a, r) => a + f(r), 0);
    for (const user of new Set(seen.map((r) => r.user))) {
      const mine = seen.filter((r) => r.user === user);
      const row = byUser.rows.find((x) => x.key === `${user}@example.com`);
      assert.ok(row, user);
      assert.equal(
        row.inputTokens,
        sum(mine, (r) => r.inputTokens),
        `${user} input`,
      );
      assert.equal(
        row.outputTokens,
        sum(mine, (r) => r.outputTokens),
        `${user} output`,
      );
      assert.ok(Math.abs(row.costUsd - sum(mine, (r) => r.cost)) < 1e-6, `${user} cost`);
      assert.equal(row.errors, mine.filter((r) => r.status >= 500).length, `${user} errors`);
      assert.equal(row.requests, mine.filter((r) => r.status < 500).length, `${user} requests`);
    }
    const byModel = await requestAgent<UsageSummary>(agent, 'usage.summary', { by: 'model' });
    assert.deepEqual(
      byModel.rows.map((r) => r.key).sort(),
      [...new Set(seen.map((r) => r.model))].sort(),
    );
    assert.ok(Math.abs(byModel.total.costUsd - sim.traffic.totalCost) < 1e-6);
  });

  it('its request log is what the agent’s log analysis reads: errors and slow requests', async () => {
    const errors = await requestAgent<LogHits>(agent, 'logs.errors', { hours: 1, limit: 1000 });
    assert.equal(errors.total, seen.filter((r) => r.status >= 500).length);
    assert.ok(errors.hits.every((h) => h.service === 'claude-code' && h.level === 'ERROR'));
    const slow = await requestAgent<LogHits>(agent, 'logs.slow', { hours: 1, limit: 1000 });
    assert.equal(slow.total, seen.filter((r) => Math.round(r.latency * 1000) / 1000 > 2).length);
    assert.ok(slow.total > 0);
  });

  it('a receiver that is down: the export fails, is counted and said once, and the simulation goes on', async () => {
    const told: (string | null)[] = [];
    const down = await startSimulation({
      apiPort: 0,
      gatewayPort: 0,
      containersPort: null,
      controlPort: null,
      tickMs: 0,
      otlp: {
        // A port nothing listens on (9, discard, is one fetch refuses to try at all).
        url: `http://127.0.0.1:${await freePort()}`,
        intervalMs: 60_000,
        onHealth: (error) => told.push(error),
      },
    });
    try {
      down.advance(5);
      await down.telemetry!.flush();
      assert.equal(down.telemetry!.failures, 1);
      assert.equal(down.telemetry!.lastError, 'ECONNREFUSED');
      down.advance(5);
      await down.telemetry!.flush();
      assert.equal(down.telemetry!.failures, 2);
      assert.deepEqual(told, ['ECONNREFUSED'], 'said once, not at every export');
      assert.ok(down.traffic.totalCost > 0);
    } finally {
      await down.stop();
    }
  });
});
