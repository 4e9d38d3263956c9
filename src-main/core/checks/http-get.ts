/**
 * One bounded HTTP(S) exchange for probes and scrapes: a total deadline (a hung target costs its
 * timeout, nothing more), a hard cap on the body (an endless or huge answer is cut, never buffered
 * whole), and errors worded for the admin ("connection refused at localhost:8080").
 */
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpGetOptions {
  method?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  maxBytes: number;
  insecure?: boolean;
  signal?: AbortSignal;
  agents?: { http: http.Agent; https: https.Agent };
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  latencyMs: number;
  /** Days until the server certificate expires (https only). */
  certDaysLeft?: number;
}

export class HttpProbeError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'refused' | 'dns' | 'tls' | 'too_large' | 'network',
  ) {
    super(message);
    this.name = 'HttpProbeError';
  }
}

export function httpGet(url: URL, opts: HttpGetOptions): Promise<HttpAnswer> {
  const started = performance.now();
  const isHttps = url.protocol === 'https:';
  const lib = isHttps ? https : http;
  const where = url.host;
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (err: HttpProbeError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(err);
    };
    const req = lib.request(
      {
        ...requestTarget(url),
        method: opts.method ?? 'GET',
        headers: { 'User-Agent': 'ccmon', ...opts.headers },
        agent: opts.agents ? (isHttps ? opts.agents.https : opts.agents.http) : undefined,
        ...(isHttps ? { rejectUnauthorized: !opts.insecure } : {}),
      },
      (res) => {
        const declared = Number(res.headers['content-length'] ?? -1);
        if (declared > opts.maxBytes) {
          fail(tooLarge(where, opts.maxBytes));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes) fail(tooLarge(where, opts.maxBytes));
          else chunks.push(c);
        });
        res.on('error', (err) => fail(describe(err, where)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          const cert = isHttps ? (res.socket as TLSSocket).getPeerCertificate?.() : undefined;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            latencyMs: performance.now() - started,
            ...(cert?.valid_to
              ? { certDaysLeft: (Date.parse(cert.valid_to) - Date.now()) / 86_400_000 }
              : {}),
          });
        });
      },
    );
    const timer = setTimeout(
      () =>
        fail(new HttpProbeError(`no answer from ${where} within ${opts.timeoutMs} ms`, 'timeout')),
      opts.timeoutMs,
    );
    const onAbort = () => fail(new HttpProbeError(`request to ${where} cancelled`, 'timeout'));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => fail(describe(err, where)));
    req.end();
  });
}

type RequestTarget = Pick<http.RequestOptions, 'protocol' | 'hostname' | 'port' | 'path' | 'auth'>;

/**
 * Where a URL points, as request options: what Node's urlToHttpOptions makes of it (brackets off
 * an IPv6 host, user:password as `auth`), kept per URL. Probes and scrapes ask the same few URLs
 * every few seconds, and converting a URL reads a dozen of its getters each time: a tenth of an
 * idle agent's HTTP client time (profiled).
 */
const targets = new Map<string, RequestTarget>();
const MAX_TARGETS = 4096;

export function requestTarget(url: URL): RequestTarget {
  let t = targets.get(url.href);
  if (t) return t;
  const { hostname, port, username, password } = url;
  t = {
    protocol: url.protocol,
    hostname: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname,
    path: url.pathname + url.search,
  };
  if (port !== '') t.port = Number(port);
  if (username || password)
    t.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  if (targets.size >= MAX_TARGETS) targets.clear(); // configured targets: far fewer
  targets.set(url.href, t);
  return t;
}

function tooLarge(where: string, max: number): HttpProbeError {
  return new HttpProbeError(
    `answer from ${where} is larger than ${max} bytes (capped)`,
    'too_large',
  );
}

function describe(err: Error, where: string): HttpProbeError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED')
    return new HttpProbeError(`connection refused at ${where}`, 'refused');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new HttpProbeError(`host of ${where} not found (DNS)`, 'dns');
  if (code === 'ECONNRESET') return new HttpProbeError(`connection reset by ${where}`, 'network');
  if (/CERT|SSL|TLS|SELF_SIGNED/.test(code))
    return new HttpProbeError(`TLS error from ${where}: ${err.message}`, 'tls');
  return new HttpProbeError(`${where}: ${err.message}`, 'network');
}
