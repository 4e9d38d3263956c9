/** The receiver's HTTP contract (OTLP/HTTP spec): status codes, encodings, gzip, partial success. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../src-main/core/log.js';
import { otlpTypes } from '../../../src-main/core/usage/otlp/schema.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../../src-main/http/otlp.js';

const fixture = readFileSync(
  new URL('../../fixtures/usage/claude-code-metrics.json', import.meta.url),
);

describe('OTLP/HTTP receiver', () => {
  let rx: OtlpReceiver;
  const seen: string[] = [];
  let failNext = false;

  before(async () => {
    rx = await startOtlpReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 64 * 1024,
      logger: silentLogger,
      ingest: {
        metrics: (req) => {
          if (failNext) {
            failNext = false;
            throw new Error('store unavailable');
          }
          const n = req.resourceMetrics?.[0]?.scopeMetrics?.[0]?.metrics?.length ?? 0;
          seen.push(`metrics:${n}`);
          return n === 4
            ? { accepted: 6, rejected: 1, errors: ['lines: no time'] }
            : { accepted: n, rejected: 0, errors: [] };
        },
        logs: (req) => {
          seen.push(`logs:${req.resourceLogs?.length ?? 0}`);
          return { accepted: 1, rejected: 0, errors: [] };
        },
      },
    });
  });
  after(() => rx.close());

  const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${rx.url}${path}`, { method: 'POST', body, headers });

  it('JSON in, JSON out, with partialSuccess when points were rejected', async () => {
    const res = await post('/v1/metrics', fixture, { 'Content-Type': 'application/json' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), {
      partialSuccess: { rejectedDataPoints: 1, errorMessage: 'lines: no time' },
    });
  });

  it('protobuf in, protobuf out; gzip bodies are inflated', async () => {
    const t = otlpTypes().metricsRequest;
    const proto = Buffer.from(t.encode(t.fromObject(JSON.parse(fixture.toString()))).finish());
    const res = await post('/v1/metrics', gzipSync(proto), {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'gzip',
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    const r = otlpTypes().metricsResponse;
    const decoded = r.toObject(r.decode(new Uint8Array(await res.arrayBuffer())), {
      longs: Number,
    });
    assert.equal(decoded.partialSuccess.rejectedDataPoints, 1);
    const logs = await post('/v1/logs', '{"resourceLogs":[{}]}', {
      'Content-Type': 'application/json; charset=utf-8',
    });
    assert.equal(logs.status, 200);
    assert.deepEqual(await logs.json(), {});
    assert.deepEqual(seen.slice(-2), ['metrics:4', 'logs:1']);
  });

  it('bad data is 400 with a google.rpc.Status saying what is wrong (not retryable)', async () => {
    const res = await post('/v1/metrics', '{"resourceMetrics": [', {
      'Content-Type': 'application/json',
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: number; message: string };
    assert.equal(body.code, 3);
    assert.match(body.message, /not valid JSON/);
    const proto = await post('/v1/logs', Buffer.from([0x0a, 0xff, 0xff]), {
      'Content-Type': 'application/x-protobuf',
    });
    assert.equal(proto.status, 400);
    const s = otlpTypes().status;
    assert.match(
      String(s.toObject(s.decode(new Uint8Array(await proto.arrayBuffer()))).message),
      /protobuf/,
    );
  });

  it('415 for other content types and encodings, 404/405 for other routes and methods', async () => {
    assert.equal((await post('/v1/metrics', 'x', { 'Content-Type': 'text/plain' })).status, 415);
    assert.equal(
      (
        await post('/v1/metrics', 'x', {
          'Content-Type': 'application/json',
          'Content-Encoding': 'br',
        })
      ).status,
      415,
    );
    assert.equal(
      (await post('/v1/traces', '{}', { 'Content-Type': 'application/json' })).status,
      404,
    );
    const get = await fetch(`${rx.url}/v1/metrics`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('413 for bodies past the limit, declared or streamed, and for gzip that inflates past it', async () => {
    assert.equal(
      (
        await post('/v1/metrics', Buffer.alloc(100 * 1024, 0x20), {
          'Content-Type': 'application/json',
        })
      ).status,
      413,
    );
    const bomb = gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    assert.ok(bomb.length < 64 * 1024);
    assert.equal(
      (
        await post('/v1/metrics', bomb, {
          'Content-Type': 'application/json',
          'Content-Encoding': 'gzip',
        })
      ).status,
      413,
    );
    // Chunked, no Content-Length: the stream is cut off at the limit.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${rx.url}/v1/metrics`,
        { method: 'POST', headers: { 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(8 * 1024, 0x20));
      req.end();
    });
    assert.equal(status, 413);
  });

  it('overload is 429 with Retry-After (retryable), never a dropped connection', async () => {
    const busy = await startOtlpReceiver({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024,
      logger: silentLogger,
      maxInFlight: 0,
      ingest: { metrics: () => assert.fail('not reached'), logs: () => assert.fail('not reached') },
    });
    try {
      const res = await fetch(`${busy.url}/v1/metrics`, {
        method: 'POST',
        body: '{}',
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '1');
      assert.equal(((await res.json()) as { code: number }).code, 8);
    } finally {
      await busy.close();
    }
  });

  it("keeps an idle sender connection open past 5 s (Node's default, Claude Code's events interval)", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = () =>
      new Promise<{ port: number; keepAlive: string }>((resolve, reject) => {
        const req = request(
          `${rx.url}/v1/logs`,
          { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({
                port: req.socket!.localPort!,
                keepAlive: String(res.headers['keep-alive']),
              }),
            );
          },
        );
        req.on('error', reject);
        req.end('{}');
      });
    try {
      const first = await send();
      // Senders (Node's agent among them) expire idle sockets by this hint.
      assert.equal(first.keepAlive, 'timeout=65');
      // Past Node's default 5 s and the 1 s it adds to the announced timeout.
      await new Promise((r) => setTimeout(r, 7_000));
      assert.equal((await send()).port, first.port, 'the same connection, not closed while idle');
    } finally {
      agent.destroy();
    }
  });

  it('an internal failure is 503 (retryable): the sender keeps its batch', async () => {
    failNext = true;
    const res = await post('/v1/metrics', '{}', { 'Content-Type': 'application/json' });
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { code: number }).code, 14);
  });
});
