/**
 * One OTLP/HTTP export as an OpenTelemetry SDK exporter sends it: POST, and on a retryable answer
 * try again with exponential backoff, honouring Retry-After. Retryable, per the OTLP/HTTP spec
 * ("Retryable Response Codes"): 429, 502, 503, 504; and, as opentelemetry-js's http transport
 * does, a connection reset/refused/broken pipe/timeout. The backoff constants are
 * opentelemetry-js's retrying-transport.ts (5 attempts, 1 s initial, ×1.5, at most 5 s, ±20 %
 * jitter). Every attempt's cause is counted, so a benchmark can say why exports were retried and
 * which were finally lost.
 */
import { type Agent, request } from 'node:http';

export const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRYABLE_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const MAX_ATTEMPTS = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

/** How each attempt ended: 'HTTP 429', 'ECONNRESET', 'timeout', … (200s are not counted). */
export type Causes = Record<string, number>;

export interface ExportOutcome {
  ok: boolean;
  attempts: number;
  /** Milliseconds of each attempt, first to last. */
  attemptMs: number[];
  /** Milliseconds from the first send to the final answer (backoff included). */
  totalMs: number;
  /** The last attempt's cause when not ok. */
  cause?: string;
}

interface Attempt {
  status?: number;
  cause?: string;
  retryAfterMs?: number;
}

function attempt(
  port: number,
  agent: Agent,
  path: string,
  body: Buffer,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          // Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3).
          const ra = res.headers['retry-after'];
          let retryAfterMs: number | undefined;
          if (ra !== undefined) {
            const secs = Number(ra);
            retryAfterMs = Number.isFinite(secs) ? secs * 1000 : Date.parse(ra) - Date.now();
          }
          resolve({ status, cause: status === 200 ? undefined : `HTTP ${status}`, retryAfterMs });
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ cause: err.code ?? err.message }));
    req.end(body);
  });
}

/** Sends `body` until it is accepted, refused for good, or out of attempts; counts each failed attempt in `causes`. */
export async function exportWithRetry(
  port: number,
  agent: Agent,
  path: string,
  body: Buffer,
  causes: Causes,
  timeoutMs = 10_000,
): Promise<ExportOutcome> {
  const t0 = performance.now();
  const attemptMs: number[] = [];
  let backoff = INITIAL_BACKOFF_MS;
  for (let n = 1; ; n++) {
    const a0 = performance.now();
    const a = await attempt(port, agent, path, body, timeoutMs);
    attemptMs.push(performance.now() - a0);
    if (a.status === 200)
      return { ok: true, attempts: n, attemptMs, totalMs: performance.now() - t0 };
    causes[a.cause!] = (causes[a.cause!] ?? 0) + 1;
    const retryable =
      a.status !== undefined ? RETRYABLE_STATUS.has(a.status) : RETRYABLE_ERRORS.has(a.cause!);
    if (!retryable || n >= MAX_ATTEMPTS)
      return { ok: false, attempts: n, attemptMs, totalMs: performance.now() - t0, cause: a.cause };
    const jittered = backoff * (1 + (Math.random() * 2 - 1) * JITTER);
    const wait = a.retryAfterMs !== undefined && a.retryAfterMs >= 0 ? a.retryAfterMs : jittered;
    backoff = Math.min(backoff * BACKOFF_MULTIPLIER, MAX_BACKOFF_MS);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** "HTTP 429 ×12, ECONNRESET ×3" or "none". */
export const causesText = (c: Causes): string =>
  Object.entries(c)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ×${v}`)
    .join(', ') || 'none';
