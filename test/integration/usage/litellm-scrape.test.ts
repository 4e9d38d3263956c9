/**
 * LiteLLM usage through the agent's real scraper: the simulator's LiteLLM-compatible gateway is
 * scraped by `ccmon agent`'s scrape engine, and the usage module, tapped into it, books spend,
 * tokens, requests and failures per model, team and user exactly as the gateway counted them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { configSchema } from '../../../src-main/core/config/schema.js';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { startQuietSimulation } from '../../helpers/simulation.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/ports.js';
import { utcDay } from '../../helpers/clock.js';

interface Row {
  key: string;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  errors: number;
}

/** Sum of a counter's samples in Prometheus text, by one label. */
function sumBy(text: string, metric: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const key = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1] ?? '';
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

describe('LiteLLM /metrics through the scraper', () => {
  let sim: Simulation;
  let agent: TestAgent;

  before(async () => {
    sim = await startQuietSimulation();
    const gateway = new URL(sim.urls.gateway).host;
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { enabled: false },
        checks: { probes: [] },
        scrape: {
          interval: '1s',
          jobs: [{ name: 'llm-gateway', staticConfigs: [{ targets: [gateway] }] }],
        },
        usage: {
          otlp: { enabled: false },
          transcripts: { enabled: false },
          silence: { expected: ['litellm'] },
        },
      }),
    );
  });
  after(async () => {
    await agent.close();
    await sim.stop();
  });

  const request = <T>(name: string, params: object) => requestAgent<T>(agent, name, params);

  it('books per team what the gateway counted after the first scrape', async () => {
    // The first scrape is the baseline; traffic after it is what must be booked. The day is taken
    // before any of it: booked just after midnight, it still falls within "since" (a day earlier).
    const today = utcDay(Date.now());
    await waitFor('first scrape', async () => {
      const targets = await request<{ health: string }[]>('targets.list', {});
      return targets[0]?.health === 'up';
    });
    const before = await (await fetch(`${sim.urls.gateway}/metrics`)).text();
    sim.advance(120);
    const text = await (await fetch(`${sim.urls.gateway}/metrics`)).text();
    const spend = sumBy(text, 'litellm_spend_metric_total', 'team_alias');
    const spendBefore = sumBy(before, 'litellm_spend_metric_total', 'team_alias');
    const requests = sumBy(text, 'litellm_proxy_total_requests_metric_total', 'team_alias');
    const requestsBefore = sumBy(before, 'litellm_proxy_total_requests_metric_total', 'team_alias');
    assert.ok(spend.size > 0, 'the simulator made LiteLLM traffic');
    const expected = (m: Map<string, number>, b: Map<string, number>, team: string) =>
      (m.get(team) ?? 0) - (b.get(team) ?? 0);
    await waitFor(
      'booked',
      async () => {
        const s = await request<{ rows: Row[] }>('usage.summary', {
          by: 'team',
          source: 'litellm',
          since: today,
        });
        return [...spend.keys()].every((team) => {
          const row = s.rows.find((r) => r.key === (team || '(none)'));
          return (
            row &&
            Math.abs(row.costUsd - expected(spend, spendBefore, team)) < 1e-6 &&
            row.requests === expected(requests, requestsBefore, team)
          );
        });
      },
      20_000,
    ).catch(async (err) => {
      const s = await request<{ rows: Row[] }>('usage.summary', {
        by: 'team',
        source: 'litellm',
        since: today,
      });
      const want = [...spend.keys()].map((t) => [
        t,
        expected(spend, spendBefore, t),
        expected(requests, requestsBefore, t),
      ]);
      const targets = await request<unknown>('targets.list', {});
      throw new Error(
        `${(err as Error).message}\n${JSON.stringify(targets)}\nbooked ${JSON.stringify(s.rows)}\nwanted ${JSON.stringify(want)}`,
      );
    });
    const status = await request<{ silence: { source: string; silent: boolean }[] }>(
      'usage.status',
      {},
    );
    assert.deepEqual(status.silence.find((s) => s.source === 'litellm')?.silent, false);
  });
});
