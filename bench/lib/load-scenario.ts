/**
 * The load scenario of issue 10 (item 4), shared by bench/load.bench.ts and the load test: a real
 * agent with N HTTP check targets on the simulator plus the seed's scrape jobs, 200 concurrent
 * scrapers of its exporter, OTLP at ten times the normal rate, and meanwhile a prober that keeps
 * asking /healthz and the dashboard API (status.get) and reads the agent's RSS and fds from /proc.
 * How responsive the agent stays is what the prober's latencies say (the event-loop delay seen
 * from outside: /healthz does no work of its own).
 */
import { Agent, request } from 'node:http';
import type { Simulation } from '../../src-main/simulator/index.js';
import { fdsOf, rssOf, type RunningAgent } from './agent-run.js';

/** Config YAML: `checks` HTTP targets (every 10 s), the seed's scrape jobs, on the simulator. */
export function loadConfigYaml(
  sim: Simulation,
  ports: { exporter: number; otlp: number },
  checks: number,
): string {
  const host = (u: string) => new URL(u).host;
  const probes = Array.from({ length: checks }, (_, i) =>
    i % 2 === 0
      ? `    - { name: sandbox-${i}, type: http, url: "${sim.urls.api}/sandbox/status?target=${i}", interval: 10s }`
      : `    - { name: gateway-${i}, type: http, url: "${sim.urls.gateway}/health/liveliness?target=${i}", interval: 10s }`,
  );
  return [
    `exporter: { port: ${ports.exporter} }`,
    `usage: { otlp: { port: ${ports.otlp} }, transcripts: { enabled: false } }`,
    'checks:',
    '  probes:',
    ...probes,
    'scrape:',
    '  jobs:',
    `    - { name: claude-code-api, staticConfigs: [{ targets: ["${host(sim.urls.api)}"] }], interval: 10s }`,
    `    - { name: llm-gateway, staticConfigs: [{ targets: ["${host(sim.urls.gateway)}"] }], interval: 10s }`,
    '',
  ].join('\n');
}

export interface ProbeReport {
  healthzMs: number[];
  apiMs: number[];
  /** Answers that were not 200 with the expected body, or failed requests. */
  errors: string[];
  rss: number[];
  fds: number[];
}

/** Every `everyMs`: GET /healthz, POST status.get, read RSS and fds of the agent. */
export function startProber(agent: RunningAgent, everyMs = 250): { stop(): Promise<ProbeReport> } {
  const report: ProbeReport = { healthzMs: [], apiMs: [], errors: [], rss: [], fds: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      try {
        const res = await fetch(new URL('healthz', agent.url));
        const body = await res.text();
        if (res.status !== 200 || body !== 'ok\n') report.errors.push(`healthz ${res.status}`);
        report.healthzMs.push(performance.now() - t0);
        const t1 = performance.now();
        const api = await agent.request<{ overall?: string }>('status.get');
        if (api.status !== 200 || typeof api.body.overall !== 'string')
          report.errors.push(`status.get ${api.status}`);
        report.apiMs.push(performance.now() - t1);
      } catch (err) {
        report.errors.push(`probe: ${(err as Error).message}`);
      }
      try {
        report.rss.push(rssOf(agent.pid));
        report.fds.push(fdsOf(agent.pid).fds);
      } catch (err) {
        report.errors.push(`proc: ${(err as Error).message}`);
      }
      const wait = everyMs - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return report;
    },
  };
}

export interface ScrapeReport {
  ok: number;
  failed: number;
  errors: string[];
  bytes: number;
  latenciesMs: number[];
}

/**
 * `clients` keep-alive scrapers each doing GET `url` back to back until `untilMs` (performance.now
 * time); `check` validates each body (the exporter must answer whole, well-formed text).
 */
export async function scrapeUntil(
  url: string,
  clients: number,
  untilMs: number,
  check: (body: string) => string | null,
): Promise<ScrapeReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const r: ScrapeReport = { ok: 0, failed: 0, errors: [], bytes: 0, latenciesMs: [] };
  const fail = (why: string) => {
    r.failed++;
    if (r.errors.length < 10) r.errors.push(why);
  };
  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(url, { agent, headers: { Accept: 'text/plain' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const bad = res.statusCode === 200 ? check(body) : `status ${res.statusCode}`;
          if (bad) fail(bad);
          else {
            r.ok++;
            r.bytes += body.length;
            r.latenciesMs.push(performance.now() - t0);
          }
          resolve();
        });
        res.on('error', (e) => (fail(e.message), resolve()));
      });
      req.on('error', (e) => (fail(e.message), resolve()));
      req.end();
    });
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < untilMs) await once();
    }),
  );
  agent.destroy();
  return r;
}
