/**
 * ccmon's Prometheus exporter listener: `GET /metrics` from the agent's own registry, on its own
 * port (127.0.0.1:9100 by default) apart from the dashboard, with no token, as exporters are
 * scraped. A taken port is reported and the agent carries on without its exporter.
 *
 * Under many scrapers the exporter must not starve the agent's event loop (/healthz, the
 * dashboard API, the checks): concurrent scrapes share one render, a render is served again for
 * `exporter.cacheFor` (values at most that old), and past `exporter.maxRequests` scrapes in flight
 * the answer is 503 with Retry-After, as node_exporter's --web.max-requests does. Measured in
 * bench/load.bench.ts: 200 scrapers rendering each scrape kept /healthz waiting ~0.9 s at p99.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../core/log.js';
import type { EngineModule } from '../core/module.js';
import { parseDuration } from '../core/duration.js';
import { ExpositionCache, type RenderedBody } from '../core/metrics/exposition-cache.js';
import { registerLoopDelayMetrics, type LoopDelayMonitor } from '../core/metrics/loop-delay.js';
import { renderTextParts } from '../core/metrics/render.js';

export interface ExporterOptions {
  registry: Registry;
  host: string;
  port: number;
  logger: Logger;
  /** How long one render is served again (exporter.cacheFor, a duration); absent: not reused. */
  cacheFor?: string;
  /** Scrapes answered at once before 503 (exporter.maxRequests); 0 or absent: no limit. */
  maxRequests?: number;
  /** Export the event-loop delay (exporter.eventLoopDelay), sampled while the exporter runs. */
  eventLoopDelay?: boolean;
}

/** One loop-delay monitor per registry: its gauges can be registered only once. */
const loopMonitors = new WeakMap<Registry, LoopDelayMonitor>();

export interface ExporterModule extends EngineModule {
  /** The bound address once started (null when disabled or the port was taken). */
  address(): { host: string; port: number; url: string } | null;
  /** Why the exporter is not running, if it is not. */
  problem(): string | null;
}

export function createExporterModule(opts: ExporterOptions): ExporterModule {
  let server: Server | null = null;
  let bound: { host: string; port: number; url: string } | null = null;
  let problem: string | null = null;
  const maxRequests = opts.maxRequests ?? 0;
  let inFlight = 0;
  const cache = new ExpositionCache({
    render: () => renderTextParts(opts.registry),
    maxAgeMs: parseDuration(opts.cacheFor ?? '0') ?? 0,
  });
  let loopDelay: LoopDelayMonitor | null = null;
  if (opts.eventLoopDelay) {
    loopDelay = loopMonitors.get(opts.registry) ?? registerLoopDelayMetrics(opts.registry);
    loopMonitors.set(opts.registry, loopDelay);
  }
  const send = (req: IncomingMessage, res: ServerResponse, rendered: RenderedBody) => {
    if (res.destroyed) return; // the scraper gave up while the render ran
    res.writeHead(200, {
      'Content-Type': opts.registry.contentType,
      'Content-Length': rendered.body.length,
    });
    // The shared Buffer goes to the socket as is (no per-socket copy); HEAD gets the headers.
    res.end(req.method === 'HEAD' ? undefined : rendered.body);
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' })
        .end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      if (maxRequests > 0 && inFlight >= maxRequests) {
        // promhttp's MaxRequestsInFlight answer, plus when to come back.
        res
          .writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' })
          .end(`limit of concurrent requests reached (${maxRequests}), try again later\n`);
        return;
      }
      inFlight++;
      res.once('close', () => inFlight--);
      const kept = cache.fresh();
      if (kept) send(req, res, kept);
      else
        cache.get().then(
          (rendered) => send(req, res, rendered),
          (err: Error) => {
            if (res.destroyed) return;
            opts.logger.error(`/metrics: ${err.message}`);
            res
              .writeHead(500, { 'Content-Type': 'text/plain' })
              .end(`error collecting metrics: ${err.message}\n`);
          },
        );
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        '<html><head><title>ccmon exporter</title></head><body><h1>ccmon exporter</h1><p><a href="/metrics">Metrics</a></p></body></html>\n',
      );
      return;
    }
    res
      .writeHead(404, { 'Content-Type': 'text/plain' })
      .end('not found; metrics are at /metrics\n');
  };

  return {
    name: 'exporter',
    address: () => bound,
    problem: () => problem,
    async start() {
      if (server) return;
      const s = createServer(handler);
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(opts.port, opts.host, () => {
            s.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        problem =
          e.code === 'EADDRINUSE'
            ? `exporter port ${opts.host}:${opts.port} is already in use (node_exporter also defaults to 9100); set exporter.port in the config`
            : `exporter could not listen on ${opts.host}:${opts.port}: ${e.message}`;
        opts.logger.error(`${problem}; running without the exporter`);
        return;
      }
      server = s;
      const port = (s.address() as AddressInfo).port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      bound = { host: opts.host, port, url: `http://${host}:${port}/metrics` };
      loopDelay?.enable();
      opts.logger.info(`exporter listening on ${bound.url}`);
    },
    async stop() {
      const s = server;
      server = null;
      bound = null;
      cache.clear();
      loopDelay?.disable();
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
