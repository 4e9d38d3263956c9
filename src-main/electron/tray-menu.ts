/**
 * What the tray shows, as plain data: the tooltip line and the context-menu template for a given
 * state. Pure functions, so the tray's behaviour is tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { OverallStatus } from '../core/system/contract.js';

/** One check as the tray lists it (the worst ones first). */
export interface TrayCheck {
  name: string;
  status: 'healthy' | 'degraded' | 'unhealthy' | 'unknown';
  detail: string;
}

export interface TrayState {
  overall: OverallStatus;
  summary: string;
  worstChecks: TrayCheck[];
  firingAlerts: number;
  /** A backup or restore in progress: its label and percent (null when indeterminate). */
  job: { label: string; percent: number | null } | null;
  /** Notifications held back: until a time, or until the alerts firing now resolve. */
  snooze: { until: Date } | { untilResolved: true } | null;
  monitoringPaused: boolean;
  /** Rule evaluation held after a backward clock step: no alert fires or resolves until then. */
  rulesHeldUntil: Date | null;
  /** Requests the running engine does not offer (the item is shown disabled, saying so). */
  unavailable: ReadonlySet<TrayAction>;
}

export type TrayAction =
  | 'open'
  | 'backup'
  | 'restore'
  | 'report'
  | 'snooze-1h'
  | 'snooze-resolved'
  | 'unsnooze'
  | 'pause'
  | 'resume'
  | 'settings'
  | 'quit';

const statusWords: Record<OverallStatus, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  unhealthy: 'Unhealthy',
  unknown: 'Status unknown',
  paused: 'Monitoring paused',
};

const checkMarks: Record<TrayCheck['status'], string> = {
  healthy: '✓',
  degraded: '▲',
  unhealthy: '✖',
  unknown: '?',
};

// Windows truncates tray tooltips at 127 characters (NOTIFYICONDATA.szTip is 128 wide chars).
const TOOLTIP_MAX = 127;

/** The one-line tooltip: status, what is wrong, how many alerts fire, what job runs. */
export function trayTooltip(state: TrayState, now = new Date()): string {
  const parts = [`ccmon: ${statusWords[state.overall]}`];
  const worst = state.worstChecks.find((c) => c.status !== 'healthy');
  // Before the check detail, which may be long: the 127-character cut must not drop it.
  if (state.rulesHeldUntil && state.overall !== 'paused')
    parts.push(`rules on hold until ${clockTime(state.rulesHeldUntil, now)}`);
  if (worst && state.overall !== 'paused') parts.push(`${worst.name} ${worst.detail}`.trim());
  if (state.firingAlerts > 0)
    parts.push(`${state.firingAlerts} alert${state.firingAlerts === 1 ? '' : 's'} firing`);
  if (state.job)
    parts.push(
      state.job.percent === null ? state.job.label : `${state.job.label} ${state.job.percent}%`,
    );
  const line = parts.join(' · ').replace(/\s+/g, ' ');
  return line.length <= TOOLTIP_MAX ? line : line.slice(0, TOOLTIP_MAX - 1) + '…';
}

/**
 * Local HH:MM:SS, the usual case (a hold lasts as long as the clock step); with the date when it
 * ends on another day (a clock that had run days ahead and was corrected).
 */
function clockTime(d: Date, now = new Date()): string {
  const time = d.toTimeString().slice(0, 8);
  if (d.toDateString() === now.toDateString()) return time;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

const MAX_CHECKS_IN_MENU = 3;

/** The context menu; `run` is called with the action of the clicked item. */
export function trayMenuTemplate(
  state: TrayState,
  run: (action: TrayAction) => void,
  now = new Date(),
): MenuItemConstructorOptions[] {
  const item = (label: string, action: TrayAction, extra: MenuItemConstructorOptions = {}) => {
    const unavailable = state.unavailable.has(action);
    return {
      label: unavailable ? `${label} (not in this version)` : label,
      enabled: !unavailable && extra.enabled !== false,
      click: () => run(action),
      ...(extra.type ? { type: extra.type, checked: extra.checked } : {}),
      ...(extra.accelerator ? { accelerator: extra.accelerator } : {}),
    } satisfies MenuItemConstructorOptions;
  };
  const header: MenuItemConstructorOptions[] = [
    { label: `${statusWords[state.overall]}: ${state.summary}`, enabled: false },
  ];
  const bad = state.worstChecks.filter((c) => c.status !== 'healthy').slice(0, MAX_CHECKS_IN_MENU);
  for (const c of bad)
    header.push({ label: `  ${checkMarks[c.status]} ${c.name}: ${c.detail}`, enabled: false });
  if (state.firingAlerts > 0)
    header.push({
      label: `  ${state.firingAlerts} alert${state.firingAlerts === 1 ? '' : 's'} firing`,
      enabled: false,
    });
  if (state.rulesHeldUntil && !state.monitoringPaused)
    header.push({
      label: `  Alert rules on hold until ${clockTime(state.rulesHeldUntil, now)} (clock set back)`,
      enabled: false,
    });

  const backupLabel = state.job
    ? `${state.job.label}${state.job.percent === null ? '…' : ` ${state.job.percent}%`}`
    : 'Back up now';
  const snoozeLabel =
    state.snooze === null
      ? 'Snooze alerts'
      : 'until' in state.snooze
        ? `Alerts snoozed until ${state.snooze.until.toTimeString().slice(0, 5)}`
        : 'Alerts snoozed until resolved';
  const snoozed = state.snooze !== null && (!('until' in state.snooze) || state.snooze.until > now);

  return [
    ...header,
    { type: 'separator' },
    item('Open dashboard', 'open'),
    item(backupLabel, 'backup', { enabled: state.job === null }),
    item('Restore…', 'restore'),
    item('Export health report…', 'report'),
    { type: 'separator' },
    {
      label: snoozeLabel,
      submenu: snoozed
        ? [item('Resume notifications', 'unsnooze')]
        : [item('For 1 hour', 'snooze-1h'), item('Until resolved', 'snooze-resolved')],
    },
    state.monitoringPaused
      ? item('Resume monitoring', 'resume')
      : item('Pause monitoring', 'pause'),
    item('Settings…', 'settings'),
    { type: 'separator' },
    item('Quit ccmon', 'quit'),
  ];
}
