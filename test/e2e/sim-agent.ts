/**
 * The e2e fixture: the simulated deployment (src-main/simulator) on ephemeral ports and a real
 * headless agent configured to watch it (the seed's checks and scrape jobs, pointed at the
 * simulator, at short intervals so a test sees a change within seconds).
 */
import { configSchema } from '../../src-main/core/config/schema.js';
import type { Simulation } from '../../src-main/simulator/index.js';
import { startQuietSimulation } from '../helpers/simulation.js';
import { requestAgent, startTestAgent, type TestAgent } from '../helpers/agent.js';

export interface SimAgent {
  sim: Simulation;
  agent: TestAgent;
  /** AgentApi over HTTP with the token, as the dashboard calls it. */
  request<T>(name: string, params?: object): Promise<T>;
  close(): Promise<void>;
}

export async function startSimAgent(
  opts: { interval?: string; extra?: object } = {},
): Promise<SimAgent> {
  const interval = opts.interval ?? '1s';
  // tickMs: the simulator makes traffic in real time, so charts have live data to draw.
  const sim = await startQuietSimulation({ containersPort: 0, tickMs: 250 });
  const api = new URL(sim.urls.api);
  const gateway = new URL(sim.urls.gateway);
  const config = configSchema.parse({
    checks: {
      probes: [
        {
          name: 'API Health',
          type: 'http',
          url: `${sim.urls.api}/health`,
          interval,
          timeout: '800ms',
          exportAs: 'claude_code_api',
        },
        {
          name: 'LLM Gateway',
          type: 'http',
          url: `${sim.urls.gateway}/health/liveliness`,
          interval,
          timeout: '800ms',
        },
        {
          name: 'Sandbox',
          type: 'http',
          url: `${sim.urls.api}/sandbox/status`,
          interval,
          timeout: '800ms',
          conditions: ['has([BODY].violations)'],
          exportAs: 'claude_code_api',
        },
        { name: 'Memory', type: 'memory', interval: '5s' },
      ],
    },
    scrape: {
      interval,
      timeout: '800ms',
      jobs: [
        { name: 'claude-code-api', staticConfigs: [{ targets: [api.host] }] },
        { name: 'llm-gateway', staticConfigs: [{ targets: [gateway.host] }] },
      ],
    },
    exporter: { enabled: false },
    usage: { otlp: { enabled: false }, transcripts: { enabled: false } },
    ...(opts.extra ?? {}),
  });
  const agent = await startTestAgent(config);
  return {
    sim,
    agent,
    request: <T>(name: string, params: object = {}) => requestAgent<T>(agent, name, params),
    async close() {
      await agent.close();
      await sim.stop();
    },
  };
}
