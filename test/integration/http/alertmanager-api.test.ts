/**
 * The Alertmanager-compatible receiver over real HTTP on a real agent: authentication and Host
 * guard, Alertmanager-style 400s naming the field, partial batches, endsAt and resolve_timeout,
 * routing to a webhook, and Prometheus's older /api/v1/alerts.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Notification } from '../../../src-main/core/alerts/notification.js';
import { configSchema } from '../../../src-main/core/config/schema.js';
import { webhookAlerts } from '../../helpers/agent-config.js';
import { startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/ports.js';
import { startHttpReceiver, type HttpReceiver } from '../alerts/receivers.js';

describe('POST /api/v2/alerts (ccmon as an Alertmanager)', () => {
  let agent: TestAgent;
  let hook: HttpReceiver;
  const post = (body: unknown, path = '/api/v2/alerts', init: RequestInit = {}) =>
    agent.api(path, { method: 'POST', body: JSON.stringify(body), ...init });
  const list = async (alertname: string) =>
    (await agent.agent.api.request('alerts.list', {})).find(
      (a) => a.labels['alertname'] === alertname,
    );

  before(async () => {
    hook = await startHttpReceiver();
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { enabled: false },
        checks: { probes: [] },
        rules: { defaults: false, files: [] },
        alerts: webhookAlerts(`${hook.url}/hook`, { groupWait: '100ms', groupInterval: '500ms' }),
      }),
    );
  });
  after(async () => {
    await agent?.close();
    await hook?.close();
  });

  it('refuses requests without the token, with a wrong one, or for another Host', async () => {
    const url = new URL('/api/v2/alerts', agent.dashboard.url);
    const body = JSON.stringify([{ labels: { alertname: 'Nope' } }]);
    const headers = { 'Content-Type': 'application/json' };
    assert.equal((await fetch(url, { method: 'POST', body, headers })).status, 401);
    const wrong = { ...headers, Authorization: 'Bearer not-the-token-at-all-xxxxxxxxxxxx' };
    assert.equal((await fetch(url, { method: 'POST', body, headers: wrong })).status, 401);
    // fetch will not forge Host: send a raw request naming another host (DNS rebinding).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          ...headers,
          Host: 'evil.example:80',
          Authorization: `Bearer ${agent.token.token}`,
        },
      });
      req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
      req.on('error', reject);
      req.end(body);
    });
    assert.equal(status, 421);
    assert.equal(await list('Nope'), undefined, 'nothing was taken');
  });

  it('takes a firing alert without endsAt (resolve_timeout applies) and routes it', async () => {
    const res = await post([
      { labels: { alertname: 'DiskFull', severity: 'critical' }, annotations: { summary: 'disk' } },
    ]);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    const a = await list('DiskFull');
    assert.equal(a?.state, 'firing');
    assert.equal(a?.annotations['summary'], 'disk');
    const n = await waitFor('the webhook', async () =>
      hook.received.find((r) => (r.body as Notification).groupLabels['alertname'] === 'DiskFull'),
    );
    assert.equal((n.body as Notification).status, 'firing');
  });

  it('resolves an alert whose endsAt has passed, and the webhook hears it', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    assert.equal((await post([{ labels: { alertname: 'Flap' }, startsAt }])).status, 200);
    await waitFor('Flap firing at the webhook', async () =>
      hook.received.find(
        (r) =>
          (r.body as Notification).groupLabels['alertname'] === 'Flap' &&
          (r.body as Notification).status === 'firing',
      ),
    );
    const endsAt = new Date(Date.now() - 1000).toISOString();
    assert.equal((await post([{ labels: { alertname: 'Flap' }, startsAt, endsAt }])).status, 200);
    await waitFor('Flap resolved at the webhook', async () =>
      hook.received.find(
        (r) =>
          (r.body as Notification).groupLabels['alertname'] === 'Flap' &&
          (r.body as Notification).status === 'resolved',
      ),
    );
    assert.equal((await list('Flap'))?.state, 'resolved');
  });

  it("applies silences and inhibition to posted alerts as to ccmon's own", async () => {
    await agent.agent.api.request('silences.create', {
      matchers: ['alertname="Quiet"'],
      duration: '1h',
      createdBy: 'test',
    });
    const res = await post([
      { labels: { alertname: 'Quiet' } },
      { labels: { alertname: 'Pair', severity: 'critical' } },
      { labels: { alertname: 'Pair', severity: 'warning' } },
    ]);
    assert.equal(res.status, 200);
    assert.equal((await list('Quiet'))?.state, 'silenced');
    const pair = (await agent.agent.api.request('alerts.list', {})).filter(
      (a) => a.labels['alertname'] === 'Pair',
    );
    // The default inhibit rule: critical inhibits warning with the same alertname.
    assert.deepEqual(pair.map((a) => `${a.labels['severity']}:${a.state}`).sort(), [
      'critical:firing',
      'warning:inhibited',
    ]);
    await waitFor('the critical Pair at the webhook', async () =>
      hook.received.find((r) => (r.body as Notification).groupLabels['alertname'] === 'Pair'),
    );
    const named = (n: string) =>
      hook.received.filter((r) => (r.body as Notification).groupLabels['alertname'] === n);
    assert.equal(named('Quiet').length, 0, 'a silenced alert is not notified');
    assert.deepEqual(
      named('Pair').flatMap((r) =>
        (r.body as Notification).alerts.map((a) => a.labels['severity']),
      ),
      ['critical'],
      'the inhibited warning is not notified',
    );
  });

  it('answers 400 naming the alert and field, after taking the valid ones of the batch', async () => {
    const res = await post([
      { labels: { alertname: 'Partial' } },
      { labels: {} },
      { labels: { alertname: 'X' }, startsAt: 'soon' },
    ]);
    assert.equal(res.status, 400);
    const message = (await res.json()) as string;
    assert.match(message, /alerts\[1\]\.labels: at least one label pair required/);
    assert.match(message, /alerts\[2\]\.startsAt: expected an RFC 3339 date-time/);
    assert.equal((await list('Partial'))?.state, 'firing', 'the valid alert was taken');
    assert.equal(await list('X'), undefined);
  });

  it('answers 400 for a body that is not JSON or not an array, 415 for another type, 413 past 8 MiB', async () => {
    const notJson = await agent.api('/api/v2/alerts', { method: 'POST', body: '[{' });
    assert.equal(notJson.status, 400);
    assert.match((await notJson.json()) as string, /^body: not valid JSON/);
    const object = await post({ labels: { alertname: 'A' } });
    assert.equal(object.status, 400);
    assert.equal(await object.json(), 'body: expected a JSON array of alerts, got object');
    const text = await post([{ labels: { a: '1' } }], '/api/v2/alerts', {
      headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(text.status, 415);
    const huge = await agent.api('/api/v2/alerts', {
      method: 'POST',
      body: `[${'{"labels":{"a":"1"}},'.repeat(450_000)}{"labels":{"a":"1"}}]`,
    });
    assert.equal(huge.status, 413, 'a body past 8 MiB is refused, not buffered');
    assert.equal((await post([{ labels: { alertname: 'AfterHuge' } }])).status, 200);
  });

  it('serves Prometheus 2.x api_version v1 with the v1 answer format', async () => {
    const ok = await post([{ labels: { alertname: 'OldProm' } }], '/api/v1/alerts');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: 'success' });
    assert.equal((await list('OldProm'))?.state, 'firing');
    const bad = await post([{ labels: { alertname: 'OldProm', '': 'x' } }], '/api/v1/alerts');
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { status: string; errorType: string; error: string };
    assert.equal(body.status, 'error');
    assert.equal(body.errorType, 'bad_data');
    assert.match(body.error, /alerts\[0\]\.labels\.: invalid label name/);
  });
});
