import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Conf from 'conf';
import { createAgent, type Agent } from '../../../src-main/core/agent.js';
import { defaultConfig } from '../../../src-main/core/config/schema.js';
import { silentLogger } from '../../../src-main/core/log.js';
import { NotificationPolicy } from '../../../src-main/electron/notifications.js';
import { openSettings, type SettingsBacking } from '../../../src-main/electron/settings.js';
import { TrayApp } from '../../../src-main/electron/tray-app.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { fakeElectron, type FakeElectron, type FakeTray, type FakeWindow } from './fakes.js';

describe('TrayApp (real engine, fake Electron)', () => {
  let dir: TempDir;
  let agent: Agent;
  let electron: FakeElectron;
  let app: TrayApp;
  const now = new Date('2026-01-01T10:00:00Z');

  async function start(platform: NodeJS.Platform = 'linux', hidden = false) {
    electron = fakeElectron(platform);
    const { settings } = openSettings(
      () =>
        new Conf({
          cwd: dir.path,
          configName: 'settings',
          projectName: 'ccmon-test',
        }) as unknown as SettingsBacking,
      join(dir.path, 'settings.json'),
    );
    app = new TrayApp({
      electron,
      agent,
      settings,
      policy: new NotificationPolicy(() => now),
      rendererIndex: '/opt/ccmon/dist/renderer/index.html',
      preload: '/opt/ccmon/preload.cjs',
      executable: '/opt/ccmon/ccmon',
      logger: silentLogger,
      hidden,
      now: () => now,
    });
    await app.start();
    return { tray: electron.trays[0] as FakeTray, settings };
  }

  beforeEach(async () => {
    dir = await tempDir('ccmon-trayapp-');
    agent = createAgent({
      config: defaultConfig(),
      configFile: null,
      dataDir: join(dir.path, 'data'),
      shell: 'electron',
      logger: silentLogger,
    });
    await agent.start();
  });
  afterEach(async () => {
    app?.stop();
    await agent.stop();
    await dir.cleanup();
  });

  it('shows the engine status in the tray and follows status events', async () => {
    const { tray } = await start();
    assert.equal(tray.images.at(-1), 'icon:unknown');
    assert.match(tray.tooltips.at(-1)!, /^ccmon: Status unknown/);
    assert.equal(tray.menu[0]!.label, 'Status unknown: no checks have run yet');
    agent.bus.emit('status', {
      overall: 'unhealthy',
      updatedAt: now.toISOString(),
      summary: 'api down',
    });
    assert.equal(tray.images.at(-1), 'icon:unhealthy');
    assert.equal(tray.menu[0]!.label, 'Unhealthy: api down');
  });

  it('says in the tray that alert rules are on hold while the status snapshot carries it', async () => {
    const { tray } = await start();
    const until = new Date(now.getTime() + 90_000);
    agent.bus.emit('status', {
      overall: 'healthy',
      updatedAt: now.toISOString(),
      summary: 'all 7 checks healthy',
      rulesHeld: { until: until.toISOString(), reason: 'the system clock was set back by 90 s' },
    });
    assert.ok(
      tray.tooltips.at(-1)!.includes(`rules on hold until ${until.toTimeString().slice(0, 8)}`),
    );
    agent.bus.emit('status', {
      overall: 'healthy',
      updatedAt: now.toISOString(),
      summary: 'all 7 checks healthy',
      rulesHeld: null,
    });
    assert.ok(!tray.tooltips.at(-1)!.includes('on hold'));
  });

  it('opens the dashboard at start, and not when started hidden at login', async () => {
    await start();
    assert.equal(electron.windows.length, 1);
    app.stop();
    await start('linux', true);
    assert.equal(electron.windows.length, 0);
  });

  it('routes menu items to the dashboard pages', async () => {
    const { tray } = await start('linux', true);
    tray.click('Restore…');
    const win = electron.windows[0] as FakeWindow;
    assert.deepEqual(win.loaded[0]!.options, { hash: '/backups' });
    tray.click('Export health report…');
    tray.click('Settings…');
    assert.deepEqual(win.webContents.scripts, [
      'location.hash = "#/reports"',
      'location.hash = "#/settings"',
    ]);
  });

  it('snoozes notifications for an hour and remembers it across restarts', async () => {
    const { tray, settings } = await start();
    tray.click('For 1 hour');
    await new Promise((r) => setImmediate(r));
    assert.equal(settings.get().snoozedUntil, '2026-01-01T11:00:00.000Z');
    assert.match(tray.item(/^Alerts snoozed until/).label!, /snoozed until/);
    app.stop();
    const again = await start();
    assert.ok(again.tray.item(/^Alerts snoozed until/));
    again.tray.click('Resume notifications');
    await new Promise((r) => setImmediate(r));
    assert.equal(again.settings.get().snoozedUntil, null);
    assert.ok(again.tray.item('For 1 hour'));
  });

  it('answers the dashboard over IPC only for its own window', async () => {
    await start();
    const win = electron.windows[0] as FakeWindow;
    const handler = electron.fakeIpc.handlers.get('ccmon:request')!;
    const ok = (await handler(
      {
        sender: win.webContents,
        senderFrame: { url: 'file:///opt/ccmon/dist/renderer/index.html' },
      },
      'status.get',
      {},
    )) as { ok: boolean };
    assert.equal(ok.ok, true);
    win.close();
    const refused = (await handler(
      {
        sender: win.webContents,
        senderFrame: { url: 'file:///opt/ccmon/dist/renderer/index.html' },
      },
      'status.get',
      {},
    )) as { ok: boolean };
    assert.equal(refused.ok, false, 'a closed window is no longer trusted');
  });

  it('sets the AppUserModelId on Windows and hides the dock with the window on macOS', async () => {
    await start('win32');
    assert.deepEqual(electron.appUserModelIds, ['dev.ccmon.app']);
    assert.equal(electron.loginItems.length, 1, 'login item applied from settings');
    app.stop();
    await start('darwin');
    (electron.windows[0] as FakeWindow).close();
    assert.deepEqual(electron.dock, [true, false]);
    assert.deepEqual(electron.appUserModelIds, []);
  });

  it('counts firing alerts from the engine, and an until-resolved snooze ends when they resolve', async () => {
    const { tray } = await start();
    const alert = {
      fingerprint: '0123456789abcdef',
      labels: { alertname: 'ClaudeCodeServiceDown', severity: 'critical' },
      annotations: {},
      startsAt: now.toISOString(),
      endsAt: null,
      updatedAt: now.toISOString(),
      state: 'firing' as const,
      silencedBy: [],
      inhibitedBy: [],
      receivers: ['desktop'],
      generatorURL: '',
      source: 'ccmon',
    };
    agent.bus.emit('alerts', [alert]);
    assert.equal(tray.item('  1 alert firing').enabled, false);
    assert.match(tray.tooltips.at(-1)!, /1 alert firing/);
    tray.click('Until resolved');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(app.policy.state(), { untilResolved: true });
    assert.equal(app.policy.allows(alert.fingerprint), false);
    agent.bus.emit('alerts', [{ ...alert, state: 'resolved', endsAt: now.toISOString() }]);
    assert.equal(app.policy.state(), null);
    assert.ok(tray.item('For 1 hour'), 'snooze menu is back');
    assert.ok(!tray.items().some((i) => /alerts? firing/.test(i.label ?? '')));
  });

  it('lists the worst checks from check results', async () => {
    const { tray } = await start();
    const result = (
      name: string,
      status: 'healthy' | 'unhealthy' | 'degraded',
      message: string,
    ) => ({
      name,
      type: 'http',
      status,
      message,
      details: null,
      latencyMs: 12,
      at: now.toISOString(),
      consecutiveFailures: status === 'healthy' ? 0 : 3,
      intervalMs: 10_000,
      values: {},
    });
    agent.bus.emit('check.result', result('LLM Gateway', 'degraded', 'slow: 2.4 s'));
    agent.bus.emit('check.result', result('API Health', 'unhealthy', 'connection refused'));
    agent.bus.emit('check.result', result('Redis', 'healthy', 'PONG'));
    const labels = tray.menu.map((i) => i.label);
    assert.deepEqual(labels.slice(1, 3), [
      '  ✖ API Health: connection refused',
      '  ▲ LLM Gateway: slow: 2.4 s',
    ]);
    agent.bus.emit('check.result', result('API Health', 'healthy', 'ok'));
    assert.ok(
      !tray.menu.some((i) => i.label?.includes('API Health')),
      'recovered checks leave the list',
    );
  });

  it('shows a backup in progress from its events, and enables Back up now again at the end', async () => {
    const { tray } = await start();
    assert.equal(tray.item('Back up now').enabled, true, 'backup.run is in this build');
    const progress = {
      jobId: 'backup:claude-code',
      runId: 'r1',
      phase: 'archiving',
      files: 3,
      totalFiles: 10,
      bytes: 250,
      totalBytes: 1000,
      rateBytesPerSecond: 100,
      etaSeconds: 7,
      at: now.toISOString(),
      set: 'claude-code',
    };
    agent.bus.emit('backup.progress', progress);
    assert.equal(tray.item(/^Backing up/).label, 'Backing up 25%');
    assert.equal(tray.item(/^Backing up/).enabled, false);
    agent.bus.emit('backup.finished', {
      set: 'claude-code',
      ok: true,
      backup: null,
      message: 'done',
    });
    assert.equal(tray.item('Back up now').enabled, true);
  });

  it('pauses and resumes monitoring from the menu, and shows a pause made elsewhere', async () => {
    const { tray } = await start('linux', true);
    tray.click('Pause monitoring');
    await waitFor(
      'the engine to pause',
      async () => (await agent.handlers['monitoring.state']({})).paused,
    );
    assert.equal((await agent.handlers['monitoring.state']({})).by, 'tray');
    assert.equal((await agent.handlers['status.get']({})).overall, 'paused');
    assert.equal(tray.images.at(-1), 'icon:paused');
    tray.click('Resume monitoring');
    await waitFor(
      'the engine to resume',
      async () => !(await agent.handlers['monitoring.state']({})).paused,
    );
    assert.ok(tray.item('Pause monitoring'));
    // Paused from the dashboard: the tray follows the monitoring event.
    await agent.handlers['monitoring.pause']({ for: '1h', by: 'dashboard' });
    assert.ok(tray.item('Resume monitoring'));
    assert.equal(tray.images.at(-1), 'icon:paused');
    // A tray started while the engine is paused (a saved pause) shows it at once.
    app.stop();
    const again = await start('linux', true);
    assert.ok(again.tray.item('Resume monitoring'));
    assert.equal(again.tray.images.at(-1), 'icon:paused');
  });

  it('quits from the menu', async () => {
    const { tray } = await start();
    tray.click('Quit ccmon');
    assert.equal(electron.quits, 1);
  });

  it('stops cleanly: tray destroyed, IPC handler removed, no more status updates', async () => {
    const { tray } = await start();
    app.stop();
    assert.equal(tray.destroyed, true);
    assert.equal(electron.fakeIpc.handlers.size, 0);
    const before = tray.images.length;
    agent.bus.emit('status', { overall: 'healthy', updatedAt: null, summary: 'ok' });
    assert.equal(tray.images.length, before);
  });
});
