/**
 * The alerts module's reload against a real Alertmanager: a push target added by a reload gets the
 * next alerts and one removed gets none; an unchanged target is the same sender (its queue kept); a
 * pull source removed by a reload stops polling and its alerts resolve here, as at a poll that no
 * longer sees them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  alertsConfigSchema,
  type AlertsConfigInput,
} from '../../../src-main/core/alerts/config.js';
import type { AlertsModule } from '../../../src-main/core/alerts/module.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { startAlertmanager, type RunningServer } from '../../helpers/servers.js';
import { startAlertsModule } from '../../unit/core/alerts/helpers.js';

const AM_CONFIG = `
route:
  receiver: 'null'
receivers:
  - name: 'null'
`;

const base = (extra: Partial<AlertsConfigInput> = {}) =>
  alertsConfigSchema.parse({
    route: { receiver: 'default', groupWait: '100ms', groupInterval: '300ms' },
    desktop: { enabled: false },
    ...extra,
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alerts reload: push and pull targets', () => {
  let am: RunningServer;
  let dir: TempDir;
  let m: AlertsModule;
  const inAm = async (alertname: string) =>
    (
      (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
        labels: Record<string, string>;
      }[]
    ).some((a) => a.labels.alertname === alertname);
  const send = (alertname: string) =>
    m.sender.send([
      {
        labels: { alertname, severity: 'warning' },
        annotations: {},
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 120_000).toISOString(),
      },
    ]);

  before(async () => {
    am = await startAlertmanager(AM_CONFIG);
    dir = await tempDir('ccmon-remote-reload-');
    ({ m } = await startAlertsModule(dir.path, base()));
  });
  after(async () => {
    await m?.stop();
    await am?.stop();
    await dir?.cleanup();
  });

  it('a push target added by a reload gets the next alert; removed, it gets no more', async () => {
    send('BeforePush');
    await m.reload(base({ pushTo: [{ url: am.url }] }));
    send('AfterPush');
    await waitFor('the alert pushed after the reload', () => inAm('AfterPush'));
    assert.equal(await inAm('BeforePush'), false, 'nothing is pushed retroactively');
    const sender = m.remote.push[0];
    // The reports mailer holds this object: a reload updates it in place.
    const live = m.config;
    await m.reload(base({ pushTo: [{ url: am.url }], resolveTimeout: '10m' }));
    assert.equal(m.remote.push[0], sender, 'an unchanged target keeps its sender and queue');
    assert.equal(live.resolveTimeout, 600_000, 'the live section is the new one, in place');
    assert.equal(m.config, live);
    await m.reload(base());
    send('AfterRemoval');
    await sleep(1_000);
    assert.equal(await inAm('AfterRemoval'), false);
    assert.deepEqual((await m.handlers['alerts.deliveries']({})).pushTargets, []);
  });

  it('a pull source removed by a reload stops, and its alerts resolve here', async () => {
    await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        {
          labels: { alertname: 'UpstreamDown', severity: 'critical' },
          startsAt: new Date().toISOString(),
        },
      ]),
    });
    await m.reload(base({ pullFrom: [{ name: 'prod', url: am.url, interval: '300ms' }] }));
    const pulled = await waitFor('the pulled alert', async () =>
      (await m.handlers['alerts.list']({})).find(
        (a) => a.labels.alertname === 'UpstreamDown' && a.state === 'firing',
      ),
    );
    assert.equal(pulled.source, 'alertmanager:prod');
    await m.reload(base());
    assert.deepEqual((await m.handlers['alerts.deliveries']({})).pullSources, []);
    const after = (await m.handlers['alerts.list']({})).find(
      (a) => a.fingerprint === pulled.fingerprint,
    );
    assert.equal(after?.state, 'resolved');
  });
});
