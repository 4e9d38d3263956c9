/**
 * Issue 10 (security): the dashboard HTTP surface of a real agent refuses requests without the
 * token on every route family, blocks DNS rebinding by Host, and keeps CORS closed.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestAgent, type TestAgent } from '../../helpers/agent.js';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP so the test controls Host and Origin exactly (fetch forbids setting Host). */
function raw(
  agent: TestAgent,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: agent.dashboard.port, method, path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        // SSE never ends by itself: the status and first headers are what the test needs.
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          return;
        }
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    // GET carries no body: a body on GET would make Node's parser reject the request itself.
    req.end(method === 'GET' ? undefined : body);
  });
}

describe('dashboard HTTP API security (real agent)', () => {
  let agent: TestAgent;
  let host: string;
  let auth: string;
  before(async () => {
    agent = await startTestAgent();
    host = `127.0.0.1:${agent.dashboard.port}`;
    auth = `Bearer ${agent.token.token}`;
  });
  after(() => agent.close());

  const json = { 'Content-Type': 'application/json' };
  /** status.get with the token and the right Host: what every refusal is compared against. */
  const statusWithToken = () =>
    raw(agent, 'POST', '/api/v1/status.get', { Host: host, Authorization: auth, ...json }, '{}');

  it('refuses every API route family without the token, or with a wrong one (401)', async () => {
    const cases: Array<[string, string]> = [
      ['POST', '/api/v1/status.get'],
      ['POST', '/api/v1/checks.list'],
      ['POST', '/api/v1/config.get'],
      ['POST', '/api/v1/no.such.request'],
      ['GET', '/api/v1/events'],
      ['GET', '/api/v1/reports/download'],
      ['GET', '/api/anything'],
    ];
    for (const [method, path] of cases) {
      const none = await raw(agent, method, path, { Host: host, ...json }, '{}');
      assert.equal(none.status, 401, `${method} ${path} without a token`);
      assert.match(none.body, /token/);
      const wrong = await raw(
        agent,
        method,
        path,
        { Host: host, Authorization: 'Bearer ' + 'x'.repeat(32), ...json },
        '{}',
      );
      assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
      const cookie = await raw(
        agent,
        method,
        path,
        { Host: host, Cookie: 'ccmon_session=nope', ...json },
        '{}',
      );
      assert.equal(cookie.status, 401, `${method} ${path} with a wrong session cookie`);
    }
    // The same routes answer with the token: the 401s above are the guard, not missing routes.
    assert.equal((await statusWithToken()).status, 200);
    const events = await raw(agent, 'GET', '/api/v1/events', { Host: host, Authorization: auth });
    assert.equal(events.status, 200);
  });

  it('refuses a wrong sign-in link token without setting a cookie', async () => {
    const r = await raw(agent, 'GET', '/?token=' + 'y'.repeat(32), { Host: host });
    assert.equal(r.status, 401);
    assert.equal(r.headers['set-cookie'], undefined);
  });

  it('blocks DNS rebinding: a forged Host gets 421 even with the token', async () => {
    const forged = [
      'evil.example.com',
      `evil.example.com:${agent.dashboard.port}`,
      `127.0.0.1.nip.io:${agent.dashboard.port}`,
      `localhost:${agent.dashboard.port + 1}`,
      `[::1]:${agent.dashboard.port + 1}`,
    ];
    for (const h of forged) {
      for (const [method, path] of [
        ['POST', '/api/v1/status.get'],
        ['GET', '/api/v1/events'],
        ['GET', '/'],
        ['GET', '/healthz'],
      ] as const) {
        const r = await raw(agent, method, path, { Host: h, Authorization: auth, ...json }, '{}');
        assert.equal(r.status, 421, `${method} ${path} with Host '${h}'`);
      }
    }
    for (const h of [`localhost:${agent.dashboard.port}`, host]) {
      const r = await raw(agent, 'GET', '/healthz', { Host: h });
      assert.equal(r.status, 200, `Host ${h} is this machine`);
    }
  });

  it('keeps CORS closed: no Access-Control-Allow-Origin, cross-origin refused, preflight refused', async () => {
    const origin = 'https://evil.example.com';
    const cross = await raw(
      agent,
      'POST',
      '/api/v1/status.get',
      { Host: host, Origin: origin, Authorization: auth, ...json },
      '{}',
    );
    assert.equal(cross.status, 403);
    assert.equal(cross.headers['access-control-allow-origin'], undefined);
    const preflight = await raw(agent, 'OPTIONS', '/api/v1/status.get', {
      Host: host,
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization,content-type',
    });
    assert.ok(preflight.status >= 400, `preflight answered ${preflight.status}`);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.headers['access-control-allow-methods'], undefined);
    assert.equal(preflight.headers['access-control-allow-headers'], undefined);
    // Same-origin preflight too: the server never speaks CORS at all.
    const samePreflight = await raw(agent, 'OPTIONS', '/api/v1/status.get', { Host: host });
    assert.ok(samePreflight.status >= 400);
    // A null origin (sandboxed iframe, file://) is not this server either.
    const nullOrigin = await raw(
      agent,
      'POST',
      '/api/v1/status.get',
      { Host: host, Origin: 'null', Authorization: auth, ...json },
      '{}',
    );
    assert.equal(nullOrigin.status, 403);
    // No response of the whole session carried an allow-origin header, including successes.
    for (const r of [
      await raw(
        agent,
        'POST',
        '/api/v1/status.get',
        { Host: host, Authorization: auth, ...json },
        '{}',
      ),
      await raw(agent, 'GET', '/', { Host: host }),
      await raw(agent, 'GET', '/api/v1/events', { Host: host, Authorization: auth }),
    ]) {
      assert.equal(r.headers['access-control-allow-origin'], undefined);
      assert.equal(r.headers['access-control-allow-credentials'], undefined);
    }
  });

  it('refuses an oversize body with 413 and keeps answering', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
    const r = await raw(
      agent,
      'POST',
      '/api/v1/status.get',
      { Host: host, Authorization: auth, ...json },
      big,
    ).catch((err: Error) => ({ status: -1, headers: {}, body: err.message }));
    // 413, or the connection cut after the limit: either way the body was not taken in.
    assert.ok(r.status === 413 || r.status === -1, `answered ${r.status}`);
    assert.equal((await statusWithToken()).status, 200);
  });

  it('refuses a form-encoded POST with the session cookie (CSRF) with 415', async () => {
    const r = await raw(
      agent,
      'POST',
      '/api/v1/status.get',
      {
        Host: host,
        Cookie: `ccmon_session=${agent.token.token}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      'a=1',
    );
    assert.equal(r.status, 415);
  });
});
