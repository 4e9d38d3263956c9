import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { checkSchema, type CheckOf } from '../../../../src-main/core/checks/config.js';
import { HostSampler } from '../../../../src-main/core/checks/host-sampler.js';
import type { ProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import { probeHttp } from '../../../../src-main/core/checks/probe-http.js';
import { probePool } from '../../../../src-main/core/checks/probe-pool.js';
import type { Simulation } from '../../../../src-main/simulator/index.js';
import { startQuietSimulation } from '../../../helpers/simulation.js';

let sim: Simulation;
before(async () => {
  sim = await startQuietSimulation({ containersPort: 0 });
  sim.advance(60);
});
after(() => sim.stop());

const ctx = (timeoutMs = 1000): ProbeContext => ({
  signal: new AbortController().signal,
  timeoutMs,
  agents: { http: new http.Agent(), https: new https.Agent() },
  host: new HostSampler(),
});
const check = (over: Record<string, unknown>) =>
  ({
    timeout: 1000,
    ...checkSchema.parse({ name: 't', type: 'http', ...over }),
  }) as CheckOf<'http'>;

describe('HTTP probe against the simulated deployment', () => {
  it('healthy /health keeps the JSON body as details, like health_check.py', async () => {
    const o = await probeHttp(
      check({
        url: `${sim.urls.api}/health`,
        conditions: ['has([BODY].tokens_used)', '[BODY].active_sessions > 0'],
      }),
      ctx(),
    );
    assert.equal(o.status, 'healthy', o.message);
    assert.equal((o.details as { status: string }).status, 'ok');
    assert.match(o.message, /^HTTP 200 in \d+ ms$/);
    assert.equal(o.http?.status, 200);
  });

  it('a LiteLLM readiness condition passes, and says what it saw when it fails', async () => {
    assert.equal(
      (
        await probeHttp(
          check({
            url: `${sim.urls.gateway}/health/readiness`,
            conditions: ['[BODY].status == healthy'],
          }),
          ctx(),
        )
      ).status,
      'healthy',
    );
    const o = await probeHttp(
      check({
        url: `${sim.urls.gateway}/health/readiness`,
        conditions: ['[BODY].db == disconnected'],
      }),
      ctx(),
    );
    assert.equal(o.status, 'unhealthy');
    assert.match(o.message, /condition failed: \[BODY\]\.db == disconnected \(got connected\)/);
  });

  it('names a 503 HTML error page', async () => {
    await sim.setFaults('api/health=5xx:1');
    const o = await probeHttp(check({ url: `${sim.urls.api}/health` }), ctx());
    assert.equal(o.status, 'unhealthy');
    assert.match(
      o.message,
      /HTTP 503 \(an HTML error page\) from 127\.0\.0\.1:\d+\/health; expected 200/,
    );
    assert.equal(o.details, 'Status code: 503');
  });

  it('names invalid JSON (the garbage fault)', async () => {
    await sim.setFaults('api/health=garbage');
    const o = await probeHttp(check({ url: `${sim.urls.api}/health` }), ctx());
    assert.equal(o.status, 'unhealthy');
    assert.match(o.message, /invalid JSON from|HTML page where JSON/);
  });

  it('a hanging or slow endpoint fails at the timeout', async () => {
    await sim.setFaults('api/health=hang,api/sandbox/status=slow:2s');
    const t0 = Date.now();
    const [hang, slow] = await Promise.all([
      probeHttp(check({ url: `${sim.urls.api}/health` }), ctx(300)),
      probeHttp(check({ url: `${sim.urls.api}/sandbox/status` }), ctx(300)),
    ]);
    assert.ok(Date.now() - t0 < 1500);
    assert.match(hang.message, /no answer from 127\.0\.0\.1:\d+ within 300 ms/);
    assert.equal(slow.status, 'unhealthy');
  });

  it('a down service is refused, not a crash', async () => {
    await sim.setFaults('api=down');
    const o = await probeHttp(check({ url: `${sim.urls.api}/health` }), ctx());
    assert.match(o.message, /connection refused at 127\.0\.0\.1:\d+/);
    assert.equal(o.http?.status, 0);
    await sim.setFaults('none');
  });

  it('caps an oversize body', async () => {
    const o = await probeHttp(check({ url: `${sim.urls.api}/metrics`, maxBodyBytes: 1024 }), ctx());
    assert.equal(o.status, 'unhealthy');
    assert.match(o.message, /larger than 1024 bytes \(capped\)/);
  });
});

describe('pool probe (the seed nginx upstream)', () => {
  const pool = (urls: string[]) =>
    ({
      timeout: 500,
      ...checkSchema.parse({
        name: 'pool',
        type: 'pool',
        members: urls.map((url, i) => ({ url, weight: 3 - i })),
      }),
    }) as CheckOf<'pool'>;

  it('is healthy with all members up, degraded with some down, unhealthy with none', async () => {
    await sim.setFaults('none');
    const members = [
      `${sim.urls.api}/health`,
      `${sim.urls.gateway}/health/liveliness`,
      `${sim.urls.containers}/metrics`,
    ];
    assert.equal((await probePool(pool(members), ctx(500))).status, 'healthy');
    await sim.setFaults('gateway=down');
    const some = await probePool(pool(members), ctx(500));
    assert.equal(some.status, 'degraded');
    assert.match(
      some.message,
      /2 of 3 backends healthy \(weight 4\/6\); down: 127\.0\.0\.1:\d+ \(connection refused/,
    );
    await sim.setFaults('api=down,gateway=down,containers=down');
    assert.equal((await probePool(pool(members), ctx(500))).status, 'unhealthy');
    await sim.setFaults('none');
  });
});
