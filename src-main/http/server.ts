/**
 * The agent's HTTP surface for UIs: the dashboard (static renderer), AgentApi over HTTP
 * (`POST /api/v1/<request>`), and its events over SSE (`GET /api/v1/events`). Every route passes
 * the Host/Origin guard; everything under /api needs the token. Other modules (exporter, OTLP)
 * listen on their own ports.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentErrorBody } from '../core/api.js';
import type { Agent } from '../core/agent.js';
import { dispatchRequest, RequestError } from '../core/local-api.js';
import type { Logger } from '../core/log.js';
import { alertmanagerRoutes } from './alertmanager-api.js';
import { hostAllowed, originAllowed, presentedToken, SESSION_COOKIE, tokensEqual } from './auth.js';
import { BodyTooLargeError, readBody } from './body.js';
import { streamEvents } from './sse.js';
import { securityHeaders, serveStatic } from './static.js';

const MAX_REQUEST_BODY = 1024 * 1024;

/** A route another module adds to the dashboard server (e.g. report downloads). */
export interface HttpRoute {
  method: 'GET' | 'POST';
  /** Exact path, or a prefix when it ends with '/'. */
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> | void;
}

export interface DashboardServerOptions {
  agent: Agent;
  host: string;
  port: number;
  token: string;
  rendererDir: string;
  allowedHosts?: string[];
  routes?: HttpRoute[];
  logger: Logger;
}

export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  let boundPort = opts.port;
  // Alertmanager's POST /api/v{1,2}/alerts, so a Prometheus can use ccmon as its Alertmanager.
  const routes = [...alertmanagerRoutes(opts.agent, opts.logger), ...(opts.routes ?? [])];
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      opts.logger.error(`${req.method} ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error; see the agent log');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, boundPort, opts.allowedHosts ?? [])) {
      return sendError(res, 421, 'unauthorized', 'unknown Host header (DNS-rebinding guard)');
    }
    if (!originAllowed(req.headers.origin as string | undefined, req.headers.host)) {
      return sendError(res, 403, 'unauthorized', 'cross-origin requests are not allowed');
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);

    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    // Sign-in link: `/?token=…` trades the token for a session cookie, then drops it from the URL.
    const offered = url.searchParams.get('token');
    if (offered !== null && req.method === 'GET') {
      if (!tokensEqual(offered, opts.token))
        return sendError(res, 401, 'unauthorized', 'wrong token');
      res.writeHead(303, {
        'Set-Cookie': `${SESSION_COOKIE}=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname,
      });
      res.end();
      return;
    }

    if (url.pathname.startsWith('/api/')) {
      const presented = presentedToken(req);
      if (presented === null || !tokensEqual(presented, opts.token)) {
        return sendError(
          res,
          401,
          'unauthorized',
          'missing or wrong token: open the sign-in link the agent printed',
        );
      }
      return handleApi(req, res, url);
    }
    if (req.method === 'GET' || req.method === 'HEAD')
      return serveStatic(opts.rendererDir, req, res);
    return sendError(res, 405, 'bad_request', `${req.method} not allowed here`);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = routes.find(
      (r) =>
        r.method === req.method &&
        (r.path.endsWith('/') ? url.pathname.startsWith(r.path) : url.pathname === r.path),
    );
    if (route) return route.handle(req, res, url);

    if (url.pathname === '/api/v1/events' && req.method === 'GET') {
      const status = await opts.agent.handlers['status.get']({});
      return streamEvents(opts.agent.bus, req, res, [['status', status]]);
    }
    const m = /^\/api\/v1\/([a-zA-Z0-9_.-]+)$/.exec(url.pathname);
    if (!m || req.method !== 'POST')
      return sendError(res, 404, 'not_found', `no route ${req.method} ${url.pathname}`);
    // JSON only: a cross-site HTML form cannot send it (CSRF guard alongside SameSite=Strict).
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendError(res, 415, 'bad_request', 'send params as application/json');
    }
    let params: unknown;
    try {
      const body = await readBody(req, MAX_REQUEST_BODY);
      params = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return sendError(res, 413, 'bad_request', err.message);
      return sendError(
        res,
        400,
        'bad_request',
        `request body is not valid JSON: ${(err as Error).message}`,
      );
    }
    try {
      const result = await dispatchRequest(opts.agent.handlers, m[1]!, params);
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end(JSON.stringify(result ?? null));
    } catch (err) {
      if (err instanceof RequestError) {
        return sendError(
          res,
          err.code === 'not_found' ? 404 : 400,
          err.code,
          err.message,
          err.issues,
        );
      }
      throw err;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  boundPort = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${hostForUrl}:${boundPort}/`,
    port: boundPort,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendError(
  res: ServerResponse,
  status: number,
  code: AgentErrorBody['error']['code'],
  message: string,
  issues?: string[],
): void {
  const body: AgentErrorBody = { error: { code, message, ...(issues?.length ? { issues } : {}) } };
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
