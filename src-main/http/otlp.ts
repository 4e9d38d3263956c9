/**
 * The OTLP/HTTP receiver's own listener (default 127.0.0.1:4318, OTLP's port), for Claude Code's
 * telemetry. Follows the OTLP/HTTP spec: POST /v1/metrics and /v1/logs; binary protobuf or JSON
 * (the response uses the request's encoding); gzip bodies; 200 with partial_success when some
 * points were rejected; 400 with a google.rpc.Status for bad data (not retryable); 413/415 for
 * oversize bodies and unsupported types; 429/503 with Retry-After when overloaded or failing
 * internally (retryable: the sender keeps the batch and tries again).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/log.js';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decompress,
  encodingOf,
  OtlpBadRequest,
  type OtlpEncoding,
  type OtlpSignal,
} from '../core/usage/otlp/decode.js';
import type { IngestResult } from '../core/usage/otlp/metrics-ingest.js';
import { otlpTypes } from '../core/usage/otlp/schema.js';
import type { OtlpLogsRequest, OtlpMetricsRequest } from '../core/usage/otlp/types.js';
import { BodyTooLargeError, readBody } from './body.js';

export interface OtlpIngest {
  metrics(req: OtlpMetricsRequest): IngestResult;
  logs(req: OtlpLogsRequest): IngestResult;
}

export interface OtlpReceiverOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  ingest: OtlpIngest;
  logger: Logger;
  /** Requests handled at once before answering 429 (each is small; this bounds memory). */
  maxInFlight?: number;
  /** Called once per request, for the receiver's own metrics. */
  onRequest?: (
    signal: OtlpSignal | 'other',
    encoding: OtlpEncoding | 'other',
    status: number,
    points: number,
  ) => void;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** How long an idle sender connection is kept (longer than a 60 s export interval). */
export const OTLP_KEEP_ALIVE_MS = 65_000;

const PATHS: Record<string, OtlpSignal> = { '/v1/metrics': 'metrics', '/v1/logs': 'logs' };
const RPC_INVALID_ARGUMENT = 3;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_UNAVAILABLE = 14;

export async function startOtlpReceiver(opts: OtlpReceiverOptions): Promise<OtlpReceiver> {
  const maxInFlight = opts.maxInFlight ?? 256;
  let inFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .catch((err) => {
        opts.logger.error(`OTLP ${req.method} ${req.url}: ${(err as Error).stack ?? err}`);
        if (!res.headersSent)
          sendStatus(res, 'json', 503, RPC_UNAVAILABLE, 'internal error; retry later');
      })
      .finally(() => inFlight--);
  });
  // Senders keep connections alive between exports; never hold a slow client forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  // An idle sender connection stays open past the longest export interval Claude Code uses (60 s
  // metrics; events every 5 s). Node's default of 5 s equals the events interval, so the server
  // closed connections just as the next export was sent on them, and a loop blocked for a while
  // fires those timers before reading the waiting requests (nodejs/node#35526, #43456): the
  // load bench's 10× OTLP phase saw 29 ECONNRESETs this way (retried, none lost).
  server.keepAliveTimeout = OTLP_KEEP_ALIVE_MS;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const signal = PATHS[path];
    const encoding = encodingOf(req.headers['content-type']);
    const done = (status: number, points = 0) =>
      opts.onRequest?.(signal ?? 'other', encoding ?? 'other', status, points);
    if (!signal) {
      sendStatus(
        res,
        encoding ?? 'json',
        404,
        5,
        `no OTLP endpoint at ${path}; use /v1/metrics or /v1/logs`,
      );
      return done(404);
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendStatus(
        res,
        encoding ?? 'json',
        405,
        12,
        `${req.method} not allowed; OTLP/HTTP uses POST`,
      );
      return done(405);
    }
    if (!encoding) {
      sendStatus(
        res,
        'json',
        415,
        RPC_INVALID_ARGUMENT,
        `unsupported Content-Type '${req.headers['content-type'] ?? ''}': send application/x-protobuf or application/json`,
      );
      return done(415);
    }
    if (inFlight > maxInFlight) {
      req.resume();
      res.setHeader('Retry-After', '1');
      sendStatus(res, encoding, 429, RPC_RESOURCE_EXHAUSTED, 'receiver busy; retry later');
      return done(429);
    }
    let result: IngestResult;
    try {
      const raw = await readBody(req, opts.maxBodyBytes);
      const body = decompress(
        raw,
        req.headers['content-encoding'] as string | undefined,
        opts.maxBodyBytes,
      );
      result =
        signal === 'metrics'
          ? opts.ingest.metrics(decodeMetricsRequest(body, encoding))
          : opts.ingest.logs(decodeLogsRequest(body, encoding));
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('Connection', 'close');
        sendStatus(
          res,
          encoding,
          413,
          RPC_INVALID_ARGUMENT,
          `${err.message}; lower the exporter's batch size`,
        );
        return done(413);
      }
      if (err instanceof OtlpBadRequest) {
        sendStatus(res, encoding, err.status, RPC_INVALID_ARGUMENT, err.message);
        return done(err.status);
      }
      throw err;
    }
    sendExportResponse(res, signal, encoding, result);
    done(200, result.accepted);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendExportResponse(
  res: ServerResponse,
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  r: IngestResult,
): void {
  const partial =
    r.rejected > 0
      ? signal === 'metrics'
        ? { rejectedDataPoints: r.rejected, errorMessage: r.errors.join('; ') }
        : { rejectedLogRecords: r.rejected, errorMessage: r.errors.join('; ') }
      : undefined;
  const message = partial ? { partialSuccess: partial } : {};
  if (encoding === 'json') {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(message));
    return;
  }
  const t = signal === 'metrics' ? otlpTypes().metricsResponse : otlpTypes().logsResponse;
  const body = Buffer.from(t.encode(t.fromObject(message)).finish());
  res.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end(body);
}

function sendStatus(
  res: ServerResponse,
  encoding: OtlpEncoding,
  http: number,
  code: number,
  message: string,
): void {
  if (encoding === 'json') {
    res
      .writeHead(http, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ code, message }));
    return;
  }
  const t = otlpTypes().status;
  res
    .writeHead(http, { 'Content-Type': 'application/x-protobuf' })
    .end(Buffer.from(t.encode({ code, message }).finish()));
}
