/**
 * ccmon beside a real Alertmanager (Debian's prometheus-alertmanager, checked with amtool): push
 * (POST /api/v2/alerts), pull (its alerts shown and notified here, silenced ones labelled as such)
 * and silences created there from ccmon.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { alertsConfigSchema } from '../../../src-main/core/alerts/config.js';
import { fingerprint } from '../../../src-main/core/alerts/matchers.js';
import type { AlertsModule } from '../../../src-main/core/alerts/module.js';
import { freePort, tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { startAlertmanager, type RunningServer } from '../../helpers/servers.js';
import { RecordingDesktop, startAlertsModule } from '../../unit/core/alerts/helpers.js';

const run = promisify(execFile);
const AM_CONFIG = `
route:
  receiver: 'null'
  group_wait: 1s
receivers:
  - name: 'null'
`;

interface GettableAlert {
  fingerprint: string;
  labels: Record<string, string>;
  status: { state: string; silencedBy: string[] };
}

describe('push to and pull from a real Alertmanager', () => {
  let am: RunningServer;
  const dirs: TempDir[] = [];
  const modules: AlertsModule[] = [];

  async function module(cfg: object, desktop = new RecordingDesktop()) {
    const dir = await tempDir('ccmon-am-');
    dirs.push(dir);
    const started = await startAlertsModule(
      dir.path,
      alertsConfigSchema.parse({
        ...cfg,
        route: { receiver: 'default', groupWait: '100ms', groupInterval: '300ms' },
      }),
      desktop,
    );
    modules.push(started.m);
    return started;
  }

  before(async () => {
    am = await startAlertmanager(AM_CONFIG);
  });
  after(async () => {
    for (const m of modules) await m.stop();
    for (const d of dirs) await d.cleanup();
    await am.stop();
  });

  it('pushes alerts with POST /api/v2/alerts; Alertmanager computes the same fingerprint', async () => {
    const { m } = await module({ pushTo: [{ url: am.url }] });
    const labels = { alertname: 'HighAPILatency', severity: 'warning', job: 'claude-code-api' };
    m.sender.send([
      {
        labels,
        annotations: { summary: 'API latency high' },
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 120_000).toISOString(),
      },
    ]);
    const got = await waitFor('the alert in Alertmanager', async () => {
      const list = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as GettableAlert[];
      return list.find((a) => a.labels.alertname === 'HighAPILatency');
    });
    assert.equal(got.fingerprint, fingerprint(labels));
    const amtool = await run('amtool', [
      'alert',
      'query',
      '--alertmanager.url',
      am.url,
      '-o',
      'json',
    ]);
    assert.ok(
      (JSON.parse(amtool.stdout) as GettableAlert[]).some(
        (a) => a.labels.alertname === 'HighAPILatency',
      ),
    );
  });

  it('retries a push while Alertmanager is unreachable and keeps the alert pending', async () => {
    const { m } = await module({ pushTo: [{ url: `http://127.0.0.1:${await freePort()}` }] });
    m.sender.send([
      { labels: { alertname: 'X' }, annotations: {}, startsAt: new Date().toISOString() },
    ]);
    const target = await waitFor('a failed push', async () => {
      const d = await m.handlers['alerts.deliveries']({});
      return d.pushTargets[0]?.lastError ? d.pushTargets[0] : null;
    });
    assert.equal(target.pending, 1);
    assert.match(target.lastError!, /ECONNREFUSED/);
  });

  it("pulls Alertmanager's alerts, notifies them, and shows a silence made there as silenced", async () => {
    const labels = { alertname: 'SandboxViolations', severity: 'critical', job: 'sandbox' };
    await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        { labels, annotations: { summary: 'violations' }, startsAt: new Date().toISOString() },
      ]),
    });
    const { m, desktop } = await module({
      pullFrom: [{ name: 'prod', url: am.url, interval: '300ms' }],
    });
    const pulled = await waitFor('the pulled alert', async () =>
      (await m.handlers['alerts.list']({})).find((a) => a.labels.alertname === 'SandboxViolations'),
    );
    assert.equal(pulled.source, 'alertmanager:prod');
    assert.equal(pulled.upstreamState, 'active');
    assert.equal(pulled.state, 'firing');
    await waitFor('a desktop notification for the critical pulled alert', async () =>
      desktop.titles().find((t) => t.includes('SandboxViolations')),
    );

    // Snooze from the tray: the silence is created in the Alertmanager the alert came from.
    const { id, source } = await m.handlers['alerts.snooze']({
      fingerprint: pulled.fingerprint,
      for: '1h',
      createdBy: 'tray',
    });
    assert.equal(source, 'alertmanager:prod');
    const amtool = await run('amtool', [
      'silence',
      'query',
      '--alertmanager.url',
      am.url,
      '-o',
      'json',
    ]);
    const silences = JSON.parse(amtool.stdout) as { id: string; createdBy: string }[];
    assert.ok(
      silences.some((s) => s.id === id && s.createdBy === 'tray'),
      amtool.stdout,
    );
    const silenced = await waitFor('the alert silenced upstream', async () => {
      const a = (await m.handlers['alerts.list']({ source: 'alertmanager:prod' })).find(
        (x) => x.fingerprint === pulled.fingerprint,
      );
      return a?.upstreamState === 'suppressed' ? a : null;
    });
    assert.equal(silenced.state, 'silenced');
    assert.deepEqual(silenced.silencedBy, [`alertmanager:prod/${id}`]);
    const listed = await m.handlers['silences.list']({ source: 'alertmanager:prod' });
    assert.ok(listed.some((s) => s.id === id && s.state === 'active'));

    await m.handlers['silences.expire']({ id, target: 'prod' });
    await waitFor('the alert active again', async () => {
      const a = (await m.handlers['alerts.list']({})).find(
        (x) => x.fingerprint === pulled.fingerprint,
      );
      return a?.upstreamState === 'active' && a.state === 'firing';
    });
  });
});
