/**
 * ccmon as an Alertmanager for an existing Prometheus: `POST /api/v2/alerts` (Alertmanager's API
 * v2, Prometheus's default) and `POST /api/v1/alerts` (api_version: v1 in Prometheus 2.x), on
 * the agent's HTTP server behind its token (Prometheus sends it with an `authorization` block)
 * and Host guard. Posted alerts take the same path as the `alerts.post` request: routing,
 * grouping, inhibition, silences, and resolution when endsAt passes (or resolve_timeout after
 * the last post when endsAt is missing).
 *
 * Answers as Alertmanager's postAlertsHandler does: 200 when all were taken; when some were
 * invalid, the valid ones are still taken and the answer is 400 with the problems as a JSON
 * string (v1: {"status":"error","errorType":"bad_data","error":…}).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Agent } from '../core/agent.js';
import { checkPostedAlerts } from '../core/alerts/receive.js';
import type { Logger } from '../core/log.js';
import { BodyTooLargeError, readBody } from './body.js';
import type { HttpRoute } from './server.js';
import { securityHeaders } from './static.js';

/** Prometheus sends at most 256 alerts per request (notifier maxBatchSize); room to spare. */
const MAX_BODY = 8 * 1024 * 1024;

type ApiVersion = 'v1' | 'v2';

/** The receiver's routes, for the dashboard server's route table. */
export function alertmanagerRoutes(agent: Agent, logger: Logger): HttpRoute[] {
  return (['v1', 'v2'] as const).map((version) => ({
    method: 'POST' as const,
    path: `/api/${version}/alerts`,
    handle: (req, res) => postAlerts(agent, logger, version, req, res),
  }));
}

async function postAlerts(
  agent: Agent,
  logger: Logger,
  version: ApiVersion,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // JSON only, like the rest of the API: an HTML form from another site cannot send it.
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json'))
    return answer(res, version, 415, 'body: send the alerts as application/json');
  let body: unknown;
  try {
    const raw = await readBody(req, MAX_BODY);
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    if (err instanceof BodyTooLargeError) return answer(res, version, 413, `body: ${err.message}`);
    return answer(res, version, 400, `body: not valid JSON: ${(err as Error).message}`);
  }
  const handlers = agent.handlers;
  const { valid, errors } = checkPostedAlerts(body);
  if (valid.length > 0) {
    try {
      const alerts = valid.map((a) => ({ ...a, annotations: a.annotations ?? {} }));
      const r = await handlers['alerts.post']({ alerts });
      errors.push(...r.errors);
    } catch (err) {
      // The notifier refused every alert (its own validation): a bad request, not a crash.
      errors.push((err as Error).message);
    }
  }
  if (errors.length > 0) {
    logger.warn(`${req.url}: ${errors.length} invalid alert(s): ${errors.slice(0, 3).join('; ')}`);
    return answer(res, version, 400, errors.join('; '));
  }
  return answer(res, version, 200, null);
}

function answer(
  res: ServerResponse,
  version: ApiVersion,
  status: number,
  error: string | null,
): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  if (version === 'v1')
    res.end(
      JSON.stringify(
        error === null ? { status: 'success' } : { status: 'error', errorType: 'bad_data', error },
      ),
    );
  // v2: an empty 200, or the error as a JSON string (the OpenAPI's postAlerts 400 schema).
  else res.end(error === null ? '' : JSON.stringify(error));
}
