/**
 * Receivers that can go down and come back on the same port (a real outage: connections refused,
 * then accepted again): an HTTP receiver for webhook and Slack payloads and an SMTP server. Each
 * keeps what it accepted, in order, with the idempotency headers ccmon sends.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Received {
  path: string;
  idempotencyKey: string | null;
  sequence: number | null;
  body: unknown;
}

export interface SwitchableReceiver {
  port: number;
  url: string;
  received: Received[];
  down(): Promise<void>;
  up(): Promise<void>;
  /** Attempts refused while down are not counted; attempts answered are (including duplicates). */
  close(): Promise<void>;
}

function header(v: string | string[] | undefined): string | null {
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

async function listen(server: Server | SMTPServer['server'], port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** An HTTP receiver answering 200 to every POST, recording path, headers and JSON body. */
export async function startSwitchableHttp(): Promise<SwitchableReceiver> {
  const received: Received[] = [];
  let server: Server | null = null;
  const make = () =>
    createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const seq = header(req.headers['x-ccmon-sequence']);
        received.push({
          path: req.url ?? '/',
          idempotencyKey: header(req.headers['idempotency-key']),
          sequence: seq === null ? null : Number(seq),
          body: text ? JSON.parse(text) : null,
        });
        res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' }).end('ok');
      });
    });
  server = make();
  const port = await listen(server, 0);
  const r: SwitchableReceiver = {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    async down() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise((res) => s.close(res));
    },
    async up() {
      if (server) return;
      server = make();
      await listen(server, port);
    },
    close: () => r.down(),
  };
  return r;
}

/** A plain SMTP server (no TLS, no auth) whose messages are parsed for Message-ID and Subject. */
export async function startSwitchableSmtp(): Promise<SwitchableReceiver> {
  const received: Received[] = [];
  let server: SMTPServer | null = null;
  const make = () => {
    const s = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          const head = data.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
          const field = (name: string) =>
            new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
          const seq = field('X-Ccmon-Sequence');
          received.push({
            path: 'smtp',
            idempotencyKey: field('Message-ID'),
            sequence: seq === null ? null : Number(seq),
            body: { subject: field('Subject') },
          });
          cb();
        });
      },
    });
    // A killed agent resets its connection mid-session: smtp-server emits that as 'error', which
    // with no listener was an uncaught exception after the tests (seen once in CI).
    s.on('error', () => {});
    return s;
  };
  server = make();
  const port = await listen(server.server, 0);
  const r: SwitchableReceiver = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    async down() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((res) => s.close(() => res()));
    },
    async up() {
      if (server) return;
      server = make();
      await listen(server.server, port);
    },
    close: () => r.down(),
  };
  return r;
}
