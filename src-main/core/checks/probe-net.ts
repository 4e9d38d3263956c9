/** TCP connect and TLS certificate expiry probes (node:net / node:tls, no child processes). */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import type { CheckOf } from './config.js';
import type { ProbeContext } from './probe-context.js';
import type { ProbeOutcome } from './types.js';

function refusalMessage(err: NodeJS.ErrnoException, where: string): string {
  if (err.code === 'ECONNREFUSED') return `connection refused at ${where}`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
    return `host of ${where} not found (DNS)`;
  return `${where}: ${err.message}`;
}

/**
 * One outcome per probe: the first of the socket's own result, an error, the timeout or the
 * cancellation settles it; the timer and the abort listener go and the socket is destroyed.
 * Returns `done` for the socket's success path.
 */
function settleOnce(
  socket: Socket,
  ctx: ProbeContext,
  resolve: (o: ProbeOutcome) => void,
  text: { where: string; timeout: string; cancelled: string },
): (o: ProbeOutcome) => void {
  const done = (o: ProbeOutcome) => {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    socket.destroy();
    resolve(o);
  };
  const onAbort = () => done({ status: 'unhealthy', message: text.cancelled });
  const timer = setTimeout(
    () => done({ status: 'unhealthy', message: text.timeout }),
    ctx.timeoutMs,
  );
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  socket.once('error', (err) =>
    done({ status: 'unhealthy', message: refusalMessage(err, text.where) }),
  );
  return done;
}

export function probeTcp(check: CheckOf<'tcp'>, ctx: ProbeContext): Promise<ProbeOutcome> {
  const where = `${check.host}:${check.port}`;
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: check.host, port: check.port });
    const done = settleOnce(socket, ctx, resolve, {
      where,
      timeout: `no TCP connection to ${where} within ${ctx.timeoutMs} ms`,
      cancelled: `TCP connect to ${where} cancelled`,
    });
    socket.once('connect', () => {
      const ms = performance.now() - started;
      done({
        status: 'healthy',
        message: `connected to ${where} in ${Math.round(ms)} ms`,
        values: { connect_seconds: ms / 1000 },
      });
    });
  });
}

export function probeTls(check: CheckOf<'tls'>, ctx: ProbeContext): Promise<ProbeOutcome> {
  const where = `${check.host}:${check.port}`;
  return new Promise((resolve) => {
    // Expiry is what this probe judges; chain errors are reported, not fatal (the cert is still read).
    const socket = tlsConnect({
      host: check.host,
      port: check.port,
      servername: check.servername ?? check.host,
      rejectUnauthorized: false,
    });
    const done = settleOnce(socket, ctx, resolve, {
      where,
      timeout: `no TLS handshake with ${where} within ${ctx.timeoutMs} ms`,
      cancelled: `TLS check of ${where} cancelled`,
    });
    socket.once('secureConnect', () => {
      const cert: PeerCertificate = socket.getPeerCertificate();
      if (!cert?.valid_to)
        return done({ status: 'unhealthy', message: `${where} sent no certificate` });
      const expires = Date.parse(cert.valid_to);
      const days = (expires - Date.now()) / 86_400_000;
      const trust = socket.authorized ? '' : ` (not trusted: ${String(socket.authorizationError)})`;
      const status =
        days <= 0
          ? 'unhealthy'
          : days <= check.criticalDays
            ? 'unhealthy'
            : days <= check.warnDays
              ? 'degraded'
              : 'healthy';
      const when =
        days <= 0
          ? `expired ${new Date(expires).toISOString()}`
          : `expires in ${days.toFixed(1)} days (${new Date(expires).toISOString().slice(0, 10)})`;
      done({
        status,
        message: `certificate of ${where} ${when}${trust}`,
        details: {
          subject: cert.subject?.CN,
          issuer: cert.issuer?.CN,
          validTo: new Date(expires).toISOString(),
          authorized: socket.authorized,
        },
        values: { cert_days_left: days },
      });
    });
  });
}
