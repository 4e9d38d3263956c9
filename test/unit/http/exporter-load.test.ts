/**
 * The exporter under many scrapers (issue 10, load): concurrent scrapes share one render, a
 * render is reused for exporter.cacheFor, scrapes beyond exporter.maxRequests get 503 with
 * Retry-After, a scraper that leaves mid-render frees its slot, and the opt-in event-loop delay
 * gauges report a blocked loop. Real HTTP on loopback, real prom-client registries.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, it } from 'node:test';
import { Gauge, Registry } from 'prom-client';
import { silentLogger } from '../../../src-main/core/log.js';
import { createExporterModule, type ExporterOptions } from '../../../src-main/http/exporter.js';

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function get(port: number, agent: Agent | false = false, signal?: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', agent, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A registry whose one gauge counts its collects; `gate` (if set) holds each collect open. */
function countingRegistry() {
  const state = { collects: 0, gate: null as Promise<void> | null };
  const registry = new Registry();
  new Gauge({
    name: 'collects',
    help: 'How often collect() ran.',
    registers: [registry],
    async collect() {
      state.collects++;
      this.set(state.collects);
      if (state.gate) await state.gate;
    },
  });
  return { registry, state };
}

async function withExporter(
  registry: Registry,
  extra: Partial<ExporterOptions>,
  fn: (port: number) => Promise<void>,
) {
  const exporter = createExporterModule({
    registry,
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    ...extra,
  });
  await exporter.start();
  try {
    await fn(exporter.address()!.port);
  } finally {
    await exporter.stop();
  }
}

describe('the exporter under many scrapers', () => {
  it('100 concurrent keep-alive scrapes: one render, every body whole and identical', async () => {
    const { registry, state } = countingRegistry();
    await withExporter(registry, { cacheFor: '1s' }, async (port) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 100 });
      try {
        const answers = await Promise.all(Array.from({ length: 100 }, () => get(port, agent)));
        assert.ok(answers.every((a) => a.status === 200));
        assert.equal(new Set(answers.map((a) => a.body)).size, 1);
        assert.equal(state.collects, 1, 'collected once for all 100');
        assert.match(answers[0]!.body, /^collects 1$/m);
        assert.equal(
          Number(answers[0]!.headers['content-length']),
          Buffer.byteLength(answers[0]!.body),
        );
      } finally {
        agent.destroy();
      }
    });
  });

  it('cacheFor 0s: sequential scrapes see every change; scrapes during a render still share it', async () => {
    const { registry, state } = countingRegistry();
    await withExporter(registry, {}, async (port) => {
      assert.match((await get(port)).body, /^collects 1$/m);
      assert.match((await get(port)).body, /^collects 2$/m, 'not reused');
      let open!: () => void;
      state.gate = new Promise((r) => (open = r));
      const during = Array.from({ length: 10 }, () => get(port));
      await new Promise((r) => setTimeout(r, 100));
      open();
      state.gate = null;
      const bodies = (await Promise.all(during)).map((a) => a.body);
      assert.ok(
        bodies.every((b) => /^collects 3$/m.test(b)),
        'all ten got the one render',
      );
      assert.equal(state.collects, 3);
    });
  });

  it('beyond maxRequests: 503 with Retry-After, and the admitted ones are answered', async () => {
    const { registry, state } = countingRegistry();
    await withExporter(registry, { maxRequests: 4 }, async (port) => {
      let open!: () => void;
      state.gate = new Promise((r) => (open = r));
      const admitted = Array.from({ length: 4 }, () => get(port));
      await new Promise((r) => setTimeout(r, 100));
      const refused = await Promise.all(Array.from({ length: 3 }, () => get(port)));
      for (const r of refused) {
        assert.equal(r.status, 503);
        assert.equal(r.headers['retry-after'], '1');
        assert.match(r.body, /limit of concurrent requests reached \(4\)/);
      }
      open();
      state.gate = null;
      assert.deepEqual(
        (await Promise.all(admitted)).map((a) => a.status),
        [200, 200, 200, 200],
      );
      assert.equal((await get(port)).status, 200, 'slots freed once answered');
      // A keep-alive socket that stays open frees its slot with each answer, not at its close.
      const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; i < 8; i++) assert.equal((await get(port, keepAlive)).status, 200);
      } finally {
        keepAlive.destroy();
      }
    });
  });

  it('scrapers that hang up mid-render free their slots', async () => {
    const { registry, state } = countingRegistry();
    await withExporter(registry, { maxRequests: 3 }, async (port) => {
      let open!: () => void;
      state.gate = new Promise((r) => (open = r));
      const ac = new AbortController();
      const gone = Array.from({ length: 3 }, () => get(port, false, ac.signal).catch(() => null));
      await new Promise((r) => setTimeout(r, 100));
      ac.abort();
      await Promise.all(gone);
      await new Promise((r) => setTimeout(r, 50));
      open();
      state.gate = null;
      const again = await Promise.all(Array.from({ length: 3 }, () => get(port)));
      assert.deepEqual(
        again.map((a) => a.status),
        [200, 200, 200],
      );
    });
  });

  it('eventLoopDelay: a 150 ms block shows in nodejs_eventloop_lag_max_seconds; off by default', async () => {
    const off = new Registry();
    await withExporter(off, {}, async (port) => {
      assert.doesNotMatch((await get(port)).body, /nodejs_eventloop_lag/);
    });
    const registry = new Registry();
    await withExporter(registry, { eventLoopDelay: true }, async (port) => {
      await new Promise((r) => setTimeout(r, 100));
      const until = performance.now() + 150;
      while (performance.now() < until); // block the loop
      await new Promise((r) => setTimeout(r, 100));
      const body = (await get(port)).body;
      const max = Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(body)?.[1]);
      assert.ok(max >= 0.1 && max < 5, `max ${max} s after a 150 ms block`);
      for (const q of ['p50', 'p90', 'p99', 'min', 'mean', 'stddev'])
        assert.match(body, new RegExp(`^nodejs_eventloop_lag_${q}_seconds \\d`, 'm'));
      // Read and reset per scrape: the next window has no block in it.
      await new Promise((r) => setTimeout(r, 200));
      const next = Number(
        /^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec((await get(port)).body)?.[1],
      );
      assert.ok(next < max, `next window's max ${next} < ${max}`);
    });
  });
});
