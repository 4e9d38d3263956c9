import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { httpGet, requestTarget } from '../../../../src-main/core/checks/http-get.js';

describe('httpGet request options', () => {
  it('points where Node would point for the same URL (urlToHttpOptions)', () => {
    for (const href of [
      'http://localhost:8080/health',
      'http://127.0.0.1/metrics?format=prometheus&x=%20y',
      'https://example.test/api/v1/status',
      'http://[::1]:9100/metrics',
      'http://admin:p%40ss%3Aword@gw.internal:4000/health/readiness',
      'http://user@host:1/',
    ]) {
      const node = urlToHttpOptions(new URL(href));
      const ours = requestTarget(new URL(href));
      for (const k of ['protocol', 'hostname', 'port', 'path', 'auth'] as const)
        assert.equal(ours[k], node[k], `${href}: ${k}`);
      assert.equal(requestTarget(new URL(href)), ours, 'kept per URL');
    }
  });

  describe('against a real server', () => {
    let server: http.Server;
    let base: string;
    const seen: { url?: string; auth?: string }[] = [];
    before(async () => {
      server = http.createServer((req, res) => {
        seen.push({ url: req.url, auth: req.headers.authorization });
        res.end('ok');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise((r) => server.close(r)));

    it('sends the path, the query and the URL credentials', async () => {
      const answer = await httpGet(new URL(`http://probe:s%40cret@${base}/health?deep=1`), {
        timeoutMs: 2000,
        maxBytes: 1024,
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), 'ok');
      assert.deepEqual(seen.at(-1), {
        url: '/health?deep=1',
        auth: `Basic ${Buffer.from('probe:s@cret').toString('base64')}`,
      });
    });
  });
});
