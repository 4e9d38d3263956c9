import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Counter, Gauge, Registry } from 'prom-client';
import { silentLogger } from '../../../src-main/core/log.js';
import { createExporterModule, type ExporterModule } from '../../../src-main/http/exporter.js';

let registry: Registry;
let exporter: ExporterModule;
let port = 0;

function send(method: string, path = '/metrics') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

before(async () => {
  registry = new Registry();
  const c = new Counter({
    name: 'hits_total',
    help: 'Hits',
    labelNames: ['page'],
    registers: [registry],
  });
  // Multi-byte label values: Content-Length counts bytes, not characters.
  c.inc({ page: 'café ☕' }, 3);
  c.inc({ page: '/' }, 1);
  new Gauge({ name: 'up_since', help: 'Start', registers: [registry] }).set(1700000000);
  exporter = createExporterModule({ registry, host: '127.0.0.1', port: 0, logger: silentLogger });
  await exporter.start();
  port = exporter.address()!.port;
});
after(() => exporter.stop());

describe('the exporter listener', () => {
  it('serves the registry in the text format with an exact Content-Length', async () => {
    const r = await send('GET');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0.0.4/);
    assert.equal(Number(r.headers['content-length']), r.body.length);
    assert.equal(r.body.toString('utf8'), await registry.metrics());
    assert.match(r.body.toString('utf8'), /^hits_total\{page="café ☕"\} 3$/m);
  });

  it('follows changes between scrapes, and HEAD gives the headers alone', async () => {
    (registry.getSingleMetric('hits_total') as Counter<'page'>).inc({ page: '/' }, 41);
    const r = await send('GET');
    assert.match(r.body.toString('utf8'), /^hits_total\{page="\/"\} 42$/m);
    const head = await send('HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    assert.equal(Number(head.headers['content-length']), r.body.length);
  });

  it('answers other methods with 405 and other paths with 404', async () => {
    assert.equal((await send('POST')).status, 405);
    assert.equal((await send('GET', '/nope')).status, 404);
    assert.equal((await send('GET', '/')).status, 200);
  });

  it('reports a taken port instead of failing the agent', async () => {
    const second = createExporterModule({
      registry,
      host: '127.0.0.1',
      port,
      logger: silentLogger,
    });
    await second.start();
    assert.equal(second.address(), null);
    assert.match(second.problem()!, /already in use.*exporter\.port/);
    await second.stop();
  });
});
