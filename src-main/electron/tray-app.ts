/**
 * The tray app put together: tray icon, dashboard window, IPC, notifications and settings around
 * one engine. Everything Electron offers arrives through ElectronFacade, so this whole file is
 * exercised by unit tests with a fake facade; main.ts only builds the real facade.
 */
import type {
  BrowserWindowConstructorOptions,
  IpcMain,
  Menu,
  MenuItemConstructorOptions,
  NativeImage,
} from 'electron';
import type { Agent } from '../core/agent.js';
import { isRequestName } from '../core/api.js';
import { dispatchRequest } from '../core/local-api.js';
import type { Logger } from '../core/log.js';
import type { OverallStatus } from '../core/system/contract.js';
import { registerAgentIpc } from './ipc.js';
import { applyStartAtLogin } from './login-item.js';
import type { AlertView } from '../core/alerts/contract.js';
import type { CheckResult } from '../core/checks/contract.js';
import type { NotificationPolicy } from './notifications.js';
import type { SettingsStore } from './settings.js';
import type { TrayAction } from './tray-menu.js';
import { TrayService, type TrayLike } from './tray-service.js';
import { DashboardWindow, type WindowLike } from './window.js';

export const APP_USER_MODEL_ID = 'dev.ccmon.app';

/** Everything the tray app takes from Electron (main.ts builds the real one). */
export interface ElectronFacade {
  platform: NodeJS.Platform;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  createTray(image: NativeImage | string): TrayLike;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  trayIcon(status: OverallStatus): NativeImage | string;
  createWindow(options: BrowserWindowConstructorOptions): WindowLike;
  openExternal(url: string): Promise<void>;
  setLoginItemSettings(s: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
  setAppUserModelId(id: string): void;
  /** macOS only: show the dock icon while the window is open. */
  setDockVisible?(visible: boolean): void;
  quit(): void;
}

export interface TrayAppOptions {
  electron: ElectronFacade;
  agent: Agent;
  settings: SettingsStore;
  /** Shared with the ElectronDesktopNotifier the agent's alert engine notifies through. */
  policy: NotificationPolicy;
  rendererIndex: string;
  preload: string;
  executable: string;
  logger: Logger;
  /** Started with --hidden (at login): stay in the tray. */
  hidden: boolean;
  now?: () => Date;
}

const HOUR_MS = 3_600_000;

/**
 * Requests a tray item needs, by name. Checked at run time against the contract, so an item whose
 * engine part is not in this build shows "(not in this version)" instead of failing on click.
 */
export const TRAY_REQUESTS: Partial<Record<TrayAction, string>> = {
  backup: 'backup.run',
  pause: 'monitoring.pause',
  resume: 'monitoring.resume',
};

export class TrayApp {
  readonly tray: TrayService;
  readonly window: DashboardWindow;
  readonly policy: NotificationPolicy;
  private readonly cleanups: Array<() => void> = [];
  private firing = new Set<string>();
  private lastChecks = new Map<string, CheckResult>();
  /** Silences the tray's snooze created, expired again by "Resume notifications". */
  private snoozeSilences: string[] = [];

  constructor(private readonly opts: TrayAppOptions) {
    const { electron, agent, settings } = opts;
    const now = opts.now ?? (() => new Date());
    this.policy = opts.policy;
    const saved = settings.get().snoozedUntil;
    this.policy.restore(saved ? new Date(saved) : null);
    const ipc = registerAgentIpc({
      ipcMain: electron.ipcMain,
      handlers: agent.handlers,
      bus: agent.bus,
      isTrustedSender: (id, url) => this.window.isTrusted(id, url),
      logger: opts.logger,
    });
    this.cleanups.push(() => ipc.dispose());
    this.window = new DashboardWindow({
      createWindow: electron.createWindow,
      rendererIndex: opts.rendererIndex,
      preload: opts.preload,
      openExternal: electron.openExternal,
      attach: (wc) => ipc.forwardTo(wc),
      size: () => settings.get().window,
      saveSize: (size) => settings.update({ window: size }),
      onOpenChange: (open) => electron.setDockVisible?.(open),
    });
    this.tray = new TrayService({
      createTray: electron.createTray,
      buildMenu: electron.buildMenu,
      iconFor: electron.trayIcon,
      onAction: (a) => void this.run(a),
      platform: electron.platform,
      now,
    });
  }

  async start(): Promise<void> {
    const { electron, agent, settings } = this.opts;
    // Windows groups notifications and taskbar entries by AppUserModelId; it must match the installer's appId.
    if (electron.platform === 'win32') electron.setAppUserModelId(APP_USER_MODEL_ID);
    this.applyStartAtLogin(settings.get().startAtLogin);
    this.tray.setUnavailable(
      Object.entries(TRAY_REQUESTS)
        .filter(([, req]) => !isRequestName(req!))
        .map(([a]) => a as TrayAction),
    );
    this.tray.setSnooze(this.policy.state());
    this.tray.show();
    this.tray.setStatus(await agent.handlers['status.get']({}));
    this.cleanups.push(agent.bus.on('status', (s) => this.tray.setStatus(s)));
    // Paused from anywhere (tray, dashboard, a saved pause at start) shows in the tray.
    this.tray.setMonitoringPaused((await agent.handlers['monitoring.state']({})).paused);
    this.cleanups.push(agent.bus.on('monitoring', (m) => this.tray.setMonitoringPaused(m.paused)));
    this.cleanups.push(agent.bus.on('alerts', (list) => this.onAlerts(list)));
    this.cleanups.push(agent.bus.on('check.result', (r) => this.onCheck(r)));
    // A backup started from anywhere (tray, dashboard, schedule) shows its progress in the tray.
    this.cleanups.push(
      agent.bus.on('backup.progress', (p) =>
        this.tray.setJob({
          label: 'Backing up',
          percent: p.totalBytes ? Math.min(100, Math.round((p.bytes / p.totalBytes) * 100)) : null,
        }),
      ),
    );
    this.cleanups.push(agent.bus.on('backup.finished', () => this.tray.setJob(null)));
    // The first picture of checks and alerts; events keep it current. A failure here must not
    // keep the tray from starting: the events fill it in.
    try {
      for (const c of await agent.handlers['checks.list']({})) if (c.last) this.onCheck(c.last);
      this.onAlerts(await agent.handlers['alerts.list']({}));
    } catch (err) {
      this.opts.logger.warn(`tray: first status read failed: ${(err as Error).message}`);
    }
    if (!this.opts.hidden) this.window.open();
  }

  applyStartAtLogin(enabled: boolean): void {
    try {
      applyStartAtLogin(enabled, {
        platform: this.opts.electron.platform,
        setLoginItemSettings: this.opts.electron.setLoginItemSettings,
        executable: this.opts.executable,
      });
    } catch (err) {
      this.opts.logger.warn(`could not change start at login: ${(err as Error).message}`);
    }
  }

  /** One tray menu action. Errors are logged and shown in the tooltip, never thrown at Electron. */
  async run(action: TrayAction): Promise<void> {
    const { electron, settings } = this.opts;
    try {
      switch (action) {
        case 'open':
          return this.window.open();
        case 'restore':
          return this.window.open('#/backups');
        case 'report':
          return this.window.open('#/reports');
        case 'settings':
          return this.window.open('#/settings');
        case 'snooze-1h':
          this.policy.snoozeFor(HOUR_MS);
          await this.silenceFiring('1h');
          break;
        case 'snooze-resolved':
          this.policy.snoozeUntilResolved(this.firing);
          await this.silenceFiring('until-resolved');
          break;
        case 'unsnooze':
          this.policy.resume();
          await this.expireSnoozeSilences();
          break;
        case 'backup':
        case 'pause':
        case 'resume':
          await this.callEngine(action);
          break;
        case 'quit':
          return electron.quit();
      }
      const snooze = this.policy.state();
      settings.update({
        snoozedUntil: snooze && 'until' in snooze ? snooze.until.toISOString() : null,
      });
      this.tray.setSnooze(snooze);
    } catch (err) {
      this.opts.logger.error(`tray action '${action}' failed: ${(err as Error).message}`);
    }
  }

  /** The alert list changed: firing count in the tray; resolved alerts leave the snooze. */
  private onAlerts(list: AlertView[]): void {
    const now = new Set(list.filter((a) => a.state === 'firing').map((a) => a.fingerprint));
    for (const fp of this.firing) if (!now.has(fp)) this.policy.resolved(fp);
    this.firing = now;
    this.tray.setFiringAlerts(now.size);
    this.tray.setSnooze(this.policy.state());
  }

  /** A check finished: the tray lists the worst ones (unhealthy, then unknown, then degraded). */
  private onCheck(r: CheckResult): void {
    this.lastChecks.set(r.name, r);
    const rank = { unhealthy: 0, unknown: 1, degraded: 2, healthy: 3 } as const;
    this.tray.setWorstChecks(
      [...this.lastChecks.values()]
        .filter((c) => c.status !== 'healthy')
        .sort((a, b) => rank[a.status] - rank[b.status] || a.name.localeCompare(b.name))
        .map((c) => ({ name: c.name, status: c.status, detail: c.message })),
    );
  }

  // The engine's own snooze (alerts.snooze) silences each firing alert for every sink, not only
  // this desktop: the tray's snooze means "I know, stop paging me".
  private async silenceFiring(duration: '1h' | 'until-resolved'): Promise<void> {
    for (const fingerprint of this.firing) {
      try {
        const r = await this.opts.agent.handlers['alerts.snooze']({
          fingerprint,
          for: duration,
          createdBy: 'ccmon tray',
        });
        this.snoozeSilences.push(r.id);
      } catch (err) {
        // Resolved meanwhile, or gone: the local snooze still holds its notifications back.
        this.opts.logger.warn(`could not silence alert ${fingerprint}: ${(err as Error).message}`);
      }
    }
  }

  private async expireSnoozeSilences(): Promise<void> {
    for (const id of this.snoozeSilences.splice(0)) {
      await this.opts.agent.handlers['silences.expire']({ id }).catch((err: Error) => {
        this.opts.logger.warn(`could not expire silence ${id}: ${err.message}`);
      });
    }
  }

  private async callEngine(action: TrayAction): Promise<void> {
    const name = TRAY_REQUESTS[action];
    if (!name || !isRequestName(name)) return;
    const params = action === 'pause' ? { by: 'tray' } : {};
    await dispatchRequest(this.opts.agent.handlers, name, params);
  }

  stop(): void {
    for (const c of this.cleanups.splice(0)) c();
    this.tray.destroy();
  }
}
