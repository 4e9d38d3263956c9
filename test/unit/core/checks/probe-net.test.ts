/**
 * The TCP and TLS probes' settle rules against real loopback sockets: a peer that accepts but never
 * answers the TLS handshake fails at the timeout, a cancelled check says so, and a settled probe
 * leaves no abort listener behind on the signal it was given.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { checkSchema, type CheckOf } from '../../../../src-main/core/checks/config.js';
import { HostSampler } from '../../../../src-main/core/checks/host-sampler.js';
import { probeTcp, probeTls } from '../../../../src-main/core/checks/probe-net.js';

/** Accepts connections and says nothing: a TLS client waits for a ServerHello forever. */
let silent: Server;
let port: number;
const sockets = new Set<Socket>();
before(async () => {
  silent = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  port = (silent.address() as AddressInfo).port;
});
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

const host = new HostSampler();
/** A context whose signal counts the abort listeners added and removed. */
function ctx(timeoutMs: number, controller = new AbortController()) {
  let listeners = 0;
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...a: Parameters<typeof add>) => {
    listeners++;
    add(...a);
  }) as typeof add;
  signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
    listeners--;
    remove(...a);
  }) as typeof remove;
  return {
    signal,
    timeoutMs,
    agents: { http: new http.Agent(), https: new https.Agent() },
    host,
    listeners: () => listeners,
  };
}
const tls = (p: number) =>
  checkSchema.parse({ name: 'cert', type: 'tls', host: '127.0.0.1', port: p }) as CheckOf<'tls'>;
const tcp = (p: number) =>
  checkSchema.parse({ name: 'port', type: 'tcp', host: '127.0.0.1', port: p }) as CheckOf<'tcp'>;

describe('net probes settle once', () => {
  it('tls: a peer that never answers the handshake fails at the timeout', async () => {
    const c = ctx(300);
    const o = await probeTls(tls(port), c);
    assert.equal(o.status, 'unhealthy');
    assert.equal(o.message, `no TLS handshake with 127.0.0.1:${port} within 300 ms`);
    assert.equal(c.listeners(), 0, 'the abort listener is removed');
  });

  it('tls: a cancelled check says it was cancelled', async () => {
    const controller = new AbortController();
    const c = ctx(10_000, controller);
    const pending = probeTls(tls(port), c);
    setTimeout(() => controller.abort(), 50);
    const o = await pending;
    assert.equal(o.message, `TLS check of 127.0.0.1:${port} cancelled`);
  });

  it('tcp: connected, refused, and no listener left either way', async () => {
    const c = ctx(1000);
    const ok = await probeTcp(tcp(port), c);
    assert.equal(ok.status, 'healthy');
    assert.match(ok.message, new RegExp(`^connected to 127.0.0.1:${port} in \\d+ ms$`));
    const refused = await probeTcp(tcp(1), c);
    assert.equal(refused.message, 'connection refused at 127.0.0.1:1');
    assert.equal(c.listeners(), 0);
  });
});
