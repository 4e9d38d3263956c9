/**
 * ccmon's Prometheus exporter listener: `GET /metrics` from the agent's own registry, on its own
 * port (127.0.0.1:9100 by default) apart from the dashboard, with no token, as exporters are
 * scraped. A taken port is reported and the agent carries on without its exporter.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../core/log.js';
import type { EngineModule } from '../core/module.js';
import { renderTextParts } from '../core/metrics/render.js';

export interface ExporterOptions {
  registry: Registry;
  host: string;
  port: number;
  logger: Logger;
}

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

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' })
        .end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      renderTextParts(opts.registry)
        .then((parts) => {
          let length = 0;
          for (const p of parts) length += Buffer.byteLength(p);
          res.writeHead(200, {
            'Content-Type': opts.registry.contentType,
            'Content-Length': length,
          });
          if (req.method === 'HEAD') {
            res.end();
            return;
          }
          // One writev of the pieces; unchanged families go out from their kept strings.
          res.cork();
          for (const p of parts) if (p) res.write(p);
          res.end();
        })
        .catch((err: Error) => {
          opts.logger.error(`/metrics: ${err.message}`);
          res
            .writeHead(500, { 'Content-Type': 'text/plain' })
            .end(`error collecting metrics: ${err.message}\n`);
        });
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
      opts.logger.info(`exporter listening on ${bound.url}`);
    },
    async stop() {
      const s = server;
      server = null;
      bound = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
