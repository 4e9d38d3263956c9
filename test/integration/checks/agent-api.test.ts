/**
 * The checks through AgentApi over HTTP + SSE, as the dashboard uses them: the status snapshot is
 * driven by real results, check results stream as events, checks.run runs now, and a service going
 * down turns the overall status unhealthy after the consecutive-failure threshold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CheckResult } from '../../../src-main/core/checks/types.js';
import type { CheckSummary } from '../../../src-main/core/checks/contract.js';
import { parseConfigText } from '../../../src-main/core/config/load.js';
import type { StatusSnapshot } from '../../../src-main/core/system/contract.js';
import type { TargetHealth } from '../../../src-main/core/scrape/contract.js';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { startQuietSimulation } from '../../helpers/simulation.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/ports.js';

let sim: Simulation;
let agent: TestAgent;
const events: { event: string; data: unknown }[] = [];
const abort = new AbortController();

before(async () => {
  sim = await startQuietSimulation({ containersPort: 0, tickMs: 200 });
  const { config } = parseConfigText(
    `
exporter: { port: 0 }
usage: { otlp: { enabled: false } }
checks:
  probes:
    - { name: API Health, type: http, url: "${sim.urls.api}/health", interval: 500ms, failureThreshold: 2, exportAs: claude_code_api }
    - { name: LLM Gateway, type: http, url: "${sim.urls.gateway}/health/liveliness", interval: 500ms }
scrape:
  jobs:
    - { name: dev-containers, interval: 500ms, staticConfigs: [{ targets: ["${new URL(sim.urls.containers!).host}"] }] }
`,
    'agent-api.yaml',
  );
  agent = await startTestAgent(config);
  const res = await agent.api('/api/v1/events', { signal: abort.signal });
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
});
after(async () => {
  abort.abort();
  await agent?.close();
  await sim?.stop();
});

const post = <T>(name: string, params: unknown = {}) => requestAgent<T>(agent, name, params);

describe('checks over AgentApi', () => {
  it('streams check results and a healthy status once every check has reported', async () => {
    await waitFor('a healthy status event', async () =>
      events.some((e) => e.event === 'status' && (e.data as StatusSnapshot).overall === 'healthy'),
    );
    const first = events.find((e) => e.event === 'status')!.data as StatusSnapshot;
    assert.notEqual(
      first.overall,
      'healthy',
      'the first snapshot (before any result) is not green',
    );
    const result = events.find((e) => e.event === 'check.result')!.data as CheckResult;
    assert.ok(['API Health', 'LLM Gateway'].includes(result.name));
    const status = await post<StatusSnapshot>('status.get');
    assert.equal(status.overall, 'healthy');
    assert.equal(status.summary, 'all 2 checks healthy');
  });

  it('lists checks with their last result and scrape targets with their health', async () => {
    const list = await post<CheckSummary[]>('checks.list');
    assert.deepEqual(
      list.map((c) => [c.name, c.last?.status]),
      [
        ['API Health', 'healthy'],
        ['LLM Gateway', 'healthy'],
      ],
    );
    const targets = await waitFor('a scraped target', async () => {
      const t = await post<TargetHealth[]>('targets.list');
      return t[0]?.health === 'up' ? t : null;
    });
    assert.equal(targets[0]!.job, 'dev-containers');
    assert.ok(targets[0]!.samples > 0);
  });

  it('checks.run runs now; bad params and unknown names are 400s', async () => {
    const [r] = await post<CheckResult[]>('checks.run', { names: ['LLM Gateway'] });
    assert.equal(r!.name, 'LLM Gateway');
    const bad = await agent.api('/api/v1/checks.run', {
      method: 'POST',
      body: JSON.stringify({ names: ['nope'] }),
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /unknown check 'nope'/);
    const wrong = await agent.api('/api/v1/checks.run', {
      method: 'POST',
      body: JSON.stringify({ names: 'x' }),
    });
    assert.equal(wrong.status, 400);
  });

  it('a service going down turns the status degraded, then unhealthy, and back when it recovers', async () => {
    await sim.setFaults('api=down');
    const down = await waitFor('an unhealthy status', async () => {
      const s = await post<StatusSnapshot>('status.get');
      return s.overall === 'unhealthy' ? s : null;
    });
    assert.match(down.summary, /API Health unhealthy: connection refused at 127\.0\.0\.1:\d+/);
    const apiResults = events
      .filter((e) => e.event === 'check.result' && (e.data as CheckResult).name === 'API Health')
      .map((e) => (e.data as CheckResult).status);
    assert.ok(apiResults.includes('degraded'), 'one failure is below the threshold of 2');
    await sim.setFaults('none');
    await waitFor(
      'recovery',
      async () => (await post<StatusSnapshot>('status.get')).overall === 'healthy',
    );
  });
});
