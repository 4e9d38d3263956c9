/**
 * Alertmanager push through an outage: a real Alertmanager (Debian's prometheus-alertmanager,
 * notifying a loopback webhook) is stopped while ccmon's alerts change — one resolves, one
 * starts firing — and restarted on the same port and storage. ccmon keeps the latest state of
 * each alert, retries with backoff (visible in alerts.deliveries), and once Alertmanager is back
 * its webhook gets the resolution and the new alert, each once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { alertsConfigSchema } from '../../../src-main/core/alerts/config.js';
import { createAlertsModule, type AlertsModule } from '../../../src-main/core/alerts/module.js';
import { silentLogger } from '../../../src-main/core/log.js';
import { FileSecretStore } from '../../../src-main/core/secrets/store.js';
import { freePort, tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { RecordingDesktop } from '../../unit/core/alerts/helpers.js';
import { startSwitchableHttp, type SwitchableReceiver } from './peers.js';

describe('Alertmanager down while alerts change, then back', () => {
  let dir: TempDir;
  let hook: SwitchableReceiver;
  let port: number;
  let am: ChildProcess | null = null;
  let m: AlertsModule;

  async function startAm() {
    const child = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${join(dir.path, 'alertmanager.yml')}`,
        `--storage.path=${join(dir.path, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    am = child;
    await waitFor('Alertmanager', async () => {
      if (child.exitCode !== null) throw new Error('Alertmanager exited');
      return (await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => null))?.ok;
    });
  }
  async function stopAm(signal: NodeJS.Signals = 'SIGTERM') {
    const child = am!;
    am = null;
    child.kill(signal);
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
  /** What Alertmanager's webhook got: `<alertname> <status>` per alert of each notification. */
  const told = () =>
    hook.received.flatMap((r) =>
      (r.body as { alerts: { status: string; labels: { alertname: string } }[] }).alerts.map(
        (a) => `${a.labels.alertname} ${a.status}`,
      ),
    );
  const alert = (alertname: string, resolved = false) => ({
    labels: { alertname, severity: 'critical' },
    annotations: {},
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: new Date(Date.now() + (resolved ? 0 : 120_000)).toISOString(),
  });

  before(async () => {
    dir = await tempDir('ccmon-am-outage-');
    hook = await startSwitchableHttp();
    port = await freePort();
    await writeFile(
      join(dir.path, 'alertmanager.yml'),
      `route:\n  receiver: hook\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n` +
        `receivers:\n  - name: hook\n    webhook_configs:\n      - url: ${hook.url}/am\n        send_resolved: true\n`,
    );
    await startAm();
    m = createAlertsModule({
      config: alertsConfigSchema.parse({
        route: { receiver: 'default', groupWait: '100ms', groupInterval: '300ms' },
        pushTo: [{ url: `http://127.0.0.1:${port}` }],
        desktop: { enabled: false },
      }),
      dataDir: dir.path,
      secrets: new FileSecretStore(dir.path),
      logger: silentLogger,
      desktop: new RecordingDesktop(),
    });
    await m.start();
  });
  after(async () => {
    await m.stop();
    if (am) await stopAm('SIGKILL');
    await hook.close();
    await dir.cleanup();
  });

  it('delivers the backlog once Alertmanager is back, with backoff meanwhile', async () => {
    m.sender.send([alert('PushedBeforeOutage')]);
    await waitFor('the firing notification', async () =>
      told().includes('PushedBeforeOutage firing'),
    );
    // Stopped, as for an upgrade: Alertmanager writes its notification log on the way out. (Killed
    // with SIGKILL it loses the log kept since its last 15-minute snapshot, and with it the memory
    // of having notified the firing alert, so it would not notify the resolution: its own limit.)
    await stopAm();
    // While it is down the rule engine keeps evaluating: one alert resolves, one starts.
    for (let i = 0; i < 6; i++) {
      m.sender.send([alert('PushedBeforeOutage', true), alert('FiredDuringOutage')]);
      await new Promise((r) => setTimeout(r, 500));
    }
    const down = (await m.handlers['alerts.deliveries']({})).pushTargets[0]!;
    assert.equal(down.pending, 2, 'the latest state of both alerts waits');
    assert.match(down.lastError ?? '', /ECONNREFUSED/);

    await startAm();
    await waitFor(
      'the backlog at the webhook',
      async () =>
        told().includes('PushedBeforeOutage resolved') &&
        told().includes('FiredDuringOutage firing'),
      20_000,
    );
    const up = (await m.handlers['alerts.deliveries']({})).pushTargets[0]!;
    assert.equal(up.pending, 0);
    assert.equal(up.lastError, null);
    await new Promise((r) => setTimeout(r, 2500)); // a few group intervals: nothing more
    const counts: Record<string, number> = {};
    for (const t of told()) counts[t] = (counts[t] ?? 0) + 1;
    assert.deepEqual(counts, {
      'PushedBeforeOutage firing': 1,
      'PushedBeforeOutage resolved': 1,
      'FiredDuringOutage firing': 1,
    });
  });
});
