/**
 * Alert routing reloads on a running agent (config.update of the `alerts` section, like
 * Alertmanager's /-/reload) against real webhook receivers on loopback: a receiver whose URL
 * changes while its alert fires gets the next notification at the new URL exactly once and nothing
 * at the old one; a route change keeps the group (nothing re-sent); an invalid routing is refused
 * with its path and the running one keeps delivering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AlertsConfigInput } from '../../../src-main/core/alerts/config.js';
import type { TimelineEventView } from '../../../src-main/core/alerts/contract.js';
import type { Notification } from '../../../src-main/core/alerts/notification.js';
import type { ConfigUpdateResult } from '../../../src-main/core/config/contract.js';
import { configSchema } from '../../../src-main/core/config/schema.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/ports.js';
import { startHttpReceiver, type HttpReceiver } from './receivers.js';

const routing = (
  hookUrl: string,
  routes: AlertsConfigInput['route'][] = [],
): AlertsConfigInput => ({
  route: {
    receiver: 'team',
    groupBy: ['alertname'],
    groupWait: '300ms',
    groupInterval: '500ms',
    repeatInterval: '1h',
    routes: routes as never,
  },
  receivers: [{ name: 'team', webhook: [{ url: hookUrl }] }],
  inhibitRules: [],
  desktop: { enabled: false },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alert routing reloads live', () => {
  let oldHook: HttpReceiver;
  let newHook: HttpReceiver;
  let agent: TestAgent;
  const call = <T>(name: string, params: unknown = {}, expect = 200) =>
    requestAgent<T>(agent, name, params, expect);
  const post = (status: 'firing' | 'resolved') =>
    call('alerts.post', {
      alerts: [
        {
          labels: { alertname: 'GatewayDown', severity: 'critical' },
          annotations: { summary: 'LiteLLM gateway answers 502' },
          startsAt: START,
          ...(status === 'resolved' ? { endsAt: new Date().toISOString() } : {}),
        },
      ],
    });
  const START = new Date().toISOString();
  const bodies = (h: HttpReceiver) => h.received.map((r) => r.body as Notification);

  before(async () => {
    oldHook = await startHttpReceiver();
    newHook = await startHttpReceiver();
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { enabled: false },
        checks: { probes: [] },
        scrape: { jobs: [] },
        rules: { enabled: false },
        usage: { otlp: { enabled: false }, transcripts: { enabled: false } },
        alerts: routing(`${oldHook.url}/hook`),
      }),
    );
  });
  after(async () => {
    await agent?.close();
    await oldHook?.close();
    await newHook?.close();
  });

  it('a receiver URL changed while its alert fires: the next notification goes to the new URL once', async () => {
    await post('firing');
    await waitFor('the first notification', async () => oldHook.received.length === 1 || null);
    const r = await call<ConfigUpdateResult>('config.update', {
      section: 'alerts',
      value: routing(`${newHook.url}/hook`),
    });
    assert.ok(r.applied.includes('alerts'), JSON.stringify(r));
    assert.ok(!r.restartRequired.includes('alerts'));
    // Several group intervals: the notification log was kept, so the firing alert is not re-sent.
    await sleep(1_500);
    assert.equal(newHook.received.length, 0, 'nothing already sent is sent again');
    await post('resolved');
    await waitFor(
      'the resolution at the new URL',
      async () => newHook.received.length === 1 || null,
    );
    await sleep(1_200);
    assert.deepEqual(
      bodies(newHook).map((b) => b.status),
      ['resolved'],
      'exactly once at the new URL',
    );
    assert.equal(oldHook.received.length, 1, 'the old URL gets nothing more');
  });

  it('a route change keeps the group: its alert is not notified again', async () => {
    await post('firing');
    await waitFor('the alert firing again', async () => newHook.received.length === 2 || null);
    // A child route for another team: the alert stays on the root route and its group.
    await call<ConfigUpdateResult>('config.update', {
      section: 'alerts',
      value: routing(`${newHook.url}/hook`, [
        { matchers: ['team="storage"'], receiver: 'team', groupInterval: '1m' } as never,
      ]),
    });
    const timeline = await call<TimelineEventView[]>('alerts.timeline', {});
    const reload = timeline.find((e) => e.kind === 'routing_reloaded');
    assert.match(reload?.detail ?? '', /^1 aggregation group\(s\) kept/);
    await sleep(1_500);
    assert.equal(newHook.received.length, 2);
  });

  it('a delivery retrying against the old URL goes to the new one after the reload', async () => {
    const third = await startHttpReceiver();
    try {
      newHook.failNext('/hook', 1_000); // the current URL answers 500: the outbox retries it
      await call('alerts.post', {
        alerts: [{ labels: { alertname: 'QueueFull', severity: 'warning' }, startsAt: START }],
      });
      await waitFor('a failed attempt', async () => {
        const d = await call<{ outbox: { groupKey: string; attempts: number }[] }>(
          'alerts.deliveries',
        );
        return d.outbox.some((e) => e.groupKey.includes('QueueFull') && e.attempts > 0) || null;
      });
      await call('config.update', { section: 'alerts', value: routing(`${third.url}/hook`) });
      await waitFor('the retry at the new URL', async () => third.received.length === 1 || null);
      const body = third.received[0]!.body as Notification;
      assert.equal(body.commonLabels.alertname, 'QueueFull');
      await sleep(1_500);
      assert.equal(third.received.length, 1, 'once');
      assert.ok(!bodies(newHook).some((b) => b.commonLabels.alertname === 'QueueFull'));
    } finally {
      newHook.failNext('/hook', 0);
      await call('config.update', { section: 'alerts', value: routing(`${newHook.url}/hook`) });
      await third.close();
    }
  });

  it('an invalid routing is refused with its path; the running one keeps delivering', async () => {
    const bad = routing(`${oldHook.url}/hook`);
    (bad.route as { receiver: string }).receiver = 'nobody';
    const res = await call<{ error: { message: string; details?: string[] } }>(
      'config.update',
      { section: 'alerts', value: bad },
      400,
    );
    const details = JSON.stringify(res);
    assert.match(details, /route\.receiver/);
    assert.match(details, /undefined receiver 'nobody'/);
    await post('resolved');
    await waitFor(
      'the resolution at the URL still configured',
      async () => newHook.received.length === 3 || null,
    );
    assert.equal(oldHook.received.length, 1);
  });
});
