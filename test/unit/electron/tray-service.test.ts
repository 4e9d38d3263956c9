import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrayAction } from '../../../src-main/electron/tray-menu.js';
import { trayTooltip } from '../../../src-main/electron/tray-menu.js';
import { TrayService } from '../../../src-main/electron/tray-service.js';
import { fakeElectron, type FakeTray } from './fakes.js';

function setup(platform: NodeJS.Platform = 'linux') {
  const electron = fakeElectron(platform);
  const actions: TrayAction[] = [];
  const service = new TrayService({
    createTray: electron.createTray,
    buildMenu: electron.buildMenu,
    iconFor: electron.trayIcon,
    onAction: (a) => actions.push(a),
    platform,
    now: () => new Date('2026-01-01T10:00:00Z'),
  });
  service.show();
  return { service, tray: electron.trays[0] as FakeTray, actions };
}

describe('TrayService', () => {
  it('starts unknown, and colours the icon by each overall status', () => {
    const { service, tray } = setup();
    assert.deepEqual(tray.images, ['icon:unknown']);
    for (const overall of ['healthy', 'degraded', 'unhealthy', 'unknown'] as const)
      service.setStatus({ overall, summary: overall });
    assert.deepEqual(tray.images, [
      'icon:unknown',
      'icon:healthy',
      'icon:degraded',
      'icon:unhealthy',
      'icon:unknown',
    ]);
  });

  it('returns early when a setter gets the value it already has', () => {
    const { service, tray } = setup();
    service.setStatus({ overall: 'healthy', summary: 'all 7 checks pass' });
    const renders = tray.menus.length;
    service.setStatus({ overall: 'healthy', summary: 'all 7 checks pass' });
    service.setFiringAlerts(0);
    service.setJob(null);
    service.setWorstChecks([]);
    service.setMonitoringPaused(false);
    service.setUnavailable([]);
    assert.equal(tray.menus.length, renders, 'no re-render without a change');
    assert.equal(tray.images.length, 2);
  });

  it('shows the paused icon while monitoring is paused, whatever the last status', () => {
    const { service, tray } = setup();
    service.setStatus({ overall: 'unhealthy', summary: 'api down' });
    service.setMonitoringPaused(true);
    assert.equal(tray.images.at(-1), 'icon:paused');
    assert.match(tray.tooltips.at(-1)!, /Monitoring paused/);
    assert.ok(tray.item('Resume monitoring'));
    service.setMonitoringPaused(false);
    assert.equal(tray.images.at(-1), 'icon:unhealthy');
  });

  it('lists the worst checks and firing alerts in the menu and a one-line tooltip', () => {
    const { service, tray } = setup();
    service.setStatus({ overall: 'unhealthy', summary: '2 of 7 checks fail' });
    service.setWorstChecks([
      { name: 'claude-code-api', status: 'unhealthy', detail: 'connection refused' },
      { name: 'llm-gateway', status: 'degraded', detail: 'p95 2.4 s' },
      { name: 'redis', status: 'healthy', detail: '1 ms' },
    ]);
    service.setFiringAlerts(2);
    const labels = tray.menu.map((i) => i.label ?? i.type);
    assert.equal(labels[0], 'Unhealthy: 2 of 7 checks fail');
    assert.equal(labels[1], '  ✖ claude-code-api: connection refused');
    assert.equal(labels[2], '  ▲ llm-gateway: p95 2.4 s');
    assert.equal(labels[3], '  2 alerts firing');
    assert.ok(!labels.some((l) => String(l).includes('redis')), 'healthy checks are not listed');
    const tip = tray.tooltips.at(-1)!;
    assert.equal(tip, 'ccmon: Unhealthy · claude-code-api connection refused · 2 alerts firing');
    assert.ok(!tip.includes('\n'));
  });

  it('keeps the tooltip within the 127 characters Windows shows', () => {
    const tip = trayTooltip({
      overall: 'degraded',
      summary: '',
      worstChecks: [{ name: 'x'.repeat(100), status: 'degraded', detail: 'y'.repeat(100) }],
      firingAlerts: 3,
      job: null,
      snooze: null,
      monitoringPaused: false,
      rulesHeldUntil: null,
      unavailable: new Set(),
    });
    assert.equal(tip.length, 127);
    assert.ok(tip.endsWith('…'));
  });

  it('says in the tooltip and the menu that alert rules are on hold, and until when', () => {
    const { service, tray } = setup();
    const until = new Date('2026-01-01T10:01:30Z');
    const hhmmss = until.toTimeString().slice(0, 8);
    service.setStatus({
      overall: 'degraded',
      summary: 'api slow',
      rulesHeld: { until: until.toISOString(), reason: 'the system clock was set back by 90 s' },
    });
    service.setWorstChecks([{ name: 'api', status: 'degraded', detail: 'z'.repeat(200) }]);
    const tip = tray.tooltips.at(-1)!;
    assert.ok(tip.includes(`rules on hold until ${hhmmss}`), tip);
    assert.ok(tip.length <= 127, 'a long check detail is cut, not the hold');
    assert.ok(tray.item(`  Alert rules on hold until ${hhmmss} (clock set back)`));
    const renders = tray.menus.length;
    service.setStatus({
      overall: 'degraded',
      summary: 'api slow',
      rulesHeld: { until: until.toISOString(), reason: 'same' },
    });
    assert.equal(tray.menus.length, renders, 'same hold: no re-render');
    service.setStatus({ overall: 'degraded', summary: 'api slow', rulesHeld: null });
    assert.ok(!tray.tooltips.at(-1)!.includes('on hold'));
    assert.ok(!tray.items().some((i) => i.label?.includes('on hold')));

    // A clock that had run days ahead, corrected: the hold ends on another day, so say which.
    const later = new Date(2026, 0, 3, 9, 5, 0);
    service.setStatus({
      overall: 'degraded',
      summary: 'api slow',
      rulesHeld: { until: later.toISOString(), reason: 'the system clock was set back by 2 days' },
    });
    assert.ok(tray.tooltips.at(-1)!.includes('rules on hold until 2026-01-03 09:05:00'));
  });

  it('has the menu of the issue, and each item runs its action', () => {
    const { tray, actions } = setup();
    for (const label of [
      'Open dashboard',
      'Back up now',
      'Restore…',
      'Export health report…',
      'For 1 hour',
      'Until resolved',
      'Pause monitoring',
      'Settings…',
      'Quit ccmon',
    ])
      tray.click(label);
    assert.deepEqual(actions, [
      'open',
      'backup',
      'restore',
      'report',
      'snooze-1h',
      'snooze-resolved',
      'pause',
      'settings',
      'quit',
    ]);
  });

  it('shows a running backup with its progress and disables a second one', () => {
    const { service, tray } = setup();
    service.setJob({ label: 'Backing up', percent: 42 });
    assert.equal(tray.item(/^Backing up/).label, 'Backing up 42%');
    assert.equal(tray.item(/^Backing up/).enabled, false);
    assert.match(tray.tooltips.at(-1)!, /Backing up 42%/);
    service.setJob(null);
    assert.equal(tray.item('Back up now').enabled, true);
  });

  it('says which items this build cannot do instead of failing on click', () => {
    const { service, tray } = setup();
    service.setUnavailable(['backup', 'pause']);
    assert.equal(tray.item('Back up now (not in this version)').enabled, false);
    assert.equal(tray.item('Pause monitoring (not in this version)').enabled, false);
    assert.equal(tray.item('Open dashboard').enabled, true);
  });

  it('offers to resume notifications while snoozed', () => {
    const { service, tray, actions } = setup();
    service.setSnooze({ until: new Date('2026-01-01T11:00:00Z') });
    assert.match(tray.item(/^Alerts snoozed until/).label!, /snoozed until \d\d:\d\d/);
    tray.click('Resume notifications');
    assert.deepEqual(actions, ['unsnooze']);
  });

  it('opens the dashboard on a left click on Linux and Windows, not on macOS', () => {
    const linux = setup('linux');
    linux.tray.clickListeners.forEach((l) => l());
    assert.deepEqual(linux.actions, ['open']);
    const mac = setup('darwin');
    assert.equal(mac.tray.clickListeners.length, 0);
  });

  it('sets the context menu again on every change (Linux AppIndicator needs it)', () => {
    const { service, tray } = setup();
    const before = tray.menus.length;
    service.setFiringAlerts(1);
    service.setFiringAlerts(2);
    assert.equal(tray.menus.length, before + 2);
  });

  it('destroys the tray icon', () => {
    const { service, tray } = setup();
    service.destroy();
    assert.equal(tray.destroyed, true);
  });
});
