/**
 * `ccmon simulate`: the seed's deployment on loopback, for demos, tests and benchmarks. Traffic
 * advances on a timer (real time) or by `advance()` (tests drive a fast clock). Faults can be changed
 * while it runs, in-process or through the control endpoint (`POST /faults`, `POST /restart`).
 * Optionally its users' Claude Code telemetry goes to an OTLP receiver and its request log to a
 * folder, so a demo's usage and log views fill too.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClaudeCodeApi } from './claude-code-api.js';
import { createDevContainers } from './dev-containers.js';
import { FaultSpecError, formatFaults, parseFaultSpec, type FaultRule } from './faults.js';
import { createLlmGateway } from './llm-gateway.js';
import { RequestLog } from './log-files.js';
import { Random } from './random.js';
import type { SimHttpService } from './service.js';
import { TelemetryExporter, type TelemetryOptions } from './telemetry.js';
import { Traffic, type TrafficOptions } from './traffic.js';

export interface SimulationOptions extends TrafficOptions {
  host?: string;
  /** Ports; 0 picks a free one. Defaults are the seed's: 8080, 4000, 9323. */
  apiPort?: number;
  gatewayPort?: number;
  /** null leaves the dev-containers target out. */
  containersPort?: number | null;
  /** Control endpoint port; null for none. */
  controlPort?: number | null;
  faults?: string;
  /** Milliseconds between traffic ticks; 0 for a manual clock (`advance`). */
  tickMs?: number;
  /** Send the simulated users' Claude Code telemetry to this OTLP/HTTP endpoint (telemetry.ts). */
  otlp?: TelemetryOptions | null;
  /** Write the API's request log under this folder (log-files.ts). */
  logsDir?: string | null;
}

export interface Simulation {
  readonly urls: {
    api: string;
    gateway: string;
    containers: string | null;
    control: string | null;
  };
  readonly traffic: Traffic;
  /** The telemetry sent (with `otlp`), for a status line or a test's flush. */
  readonly telemetry: TelemetryExporter | null;
  /** The request log written (with `logsDir`). */
  readonly requestLog: RequestLog | null;
  faults(): FaultRule[];
  setFaults(spec: string): Promise<void>;
  /** The API process "restarts": its cumulative counters drop to zero. */
  restartApi(): void;
  advance(seconds: number): void;
  stop(): Promise<void>;
}

export async function startSimulation(opts: SimulationOptions = {}): Promise<Simulation> {
  const host = opts.host ?? '127.0.0.1';
  const rng = new Random((opts.seed ?? 42) + 1);
  const traffic = new Traffic(opts);
  const api = createClaudeCodeApi(traffic, rng, host, opts.apiPort ?? 8080);
  const gateway = createLlmGateway(traffic, rng, host, opts.gatewayPort ?? 4000);
  const containers =
    opts.containersPort === null
      ? null
      : createDevContainers(traffic, rng, host, opts.containersPort ?? 9323);
  const services: SimHttpService[] = [api, gateway, ...(containers ? [containers] : [])];
  let rules: FaultRule[] = parseFaultSpec(opts.faults ?? '');

  const started: SimHttpService[] = [];
  try {
    for (const s of services) {
      await s.start();
      started.push(s);
    }
  } catch (err) {
    for (const s of started) await s.stop();
    const e = err as NodeJS.ErrnoException;
    throw e.code === 'EADDRINUSE'
      ? new Error(`simulator: port already in use (${e.message}); choose other ports`)
      : e;
  }
  for (const s of services) await s.setFaults(rules);

  const setFaults = async (spec: string) => {
    rules = parseFaultSpec(spec);
    for (const s of services) await s.setFaults(rules);
  };
  const restartApi = () => {
    traffic.restart();
    api.resetCounters();
  };

  let control: Server | null = null;
  if (opts.controlPort !== null && opts.controlPort !== undefined) {
    control = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('utf8').trim();
      try {
        if (req.method === 'POST' && req.url === '/faults') await setFaults(body);
        else if (req.method === 'POST' && req.url === '/restart') restartApi();
        else if (!(req.method === 'GET' && req.url === '/state')) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            faults: formatFaults(rules),
            health: traffic.health(),
            violations: traffic.violations,
          }),
        );
      } catch (err) {
        res.writeHead(err instanceof FaultSpecError ? 400 : 500, {
          'Content-Type': 'application/json',
        });
        res.end(JSON.stringify({ error: (err as Error).message }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      control!.once('error', reject);
      control!.listen(opts.controlPort!, host, () => resolve());
    });
  }

  const telemetry = opts.otlp ? new TelemetryExporter(traffic, opts.otlp) : null;
  const requestLog = opts.logsDir ? new RequestLog(traffic, opts.logsDir) : null;
  const tickMs = opts.tickMs ?? 1000;
  const timer = tickMs > 0 ? setInterval(() => traffic.advance(tickMs / 1000), tickMs) : null;
  timer?.unref();

  return {
    urls: {
      api: api.url,
      gateway: gateway.url,
      containers: containers?.url ?? null,
      control: control ? `http://${host}:${(control.address() as AddressInfo).port}` : null,
    },
    traffic,
    telemetry,
    requestLog,
    faults: () => rules,
    setFaults,
    restartApi,
    advance: (s) => traffic.advance(s),
    async stop() {
      if (timer) clearInterval(timer);
      await telemetry?.stop();
      requestLog?.stop();
      for (const s of services) await s.stop();
      if (control) {
        control.closeAllConnections();
        await new Promise<void>((resolve) => control!.close(() => resolve()));
      }
    },
  };
}

export { parseFaultSpec, formatFaults, FaultSpecError } from './faults.js';
