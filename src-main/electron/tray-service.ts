/**
 * The tray icon as a small state-driven service (Signal-Desktop's SystemTrayService): private
 * state, setters that return early when nothing changed, and one render() that turns the state
 * into icon, tooltip and menu. Electron is injected (createTray, buildMenu) so tests run without it.
 */
import type { Menu, MenuItemConstructorOptions, NativeImage } from 'electron';
import type { OverallStatus, StatusSnapshot } from '../core/system/contract.js';
import {
  trayMenuTemplate,
  trayTooltip,
  type TrayAction,
  type TrayCheck,
  type TrayState,
} from './tray-menu.js';

/** The part of Electron's Tray the service uses. */
export interface TrayLike {
  setImage(image: NativeImage | string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayServiceOptions {
  createTray(image: NativeImage | string): TrayLike;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
  /** The icon for a status (a template image on macOS, see tray-icons.ts). */
  iconFor(status: OverallStatus): NativeImage | string;
  onAction(action: TrayAction): void;
  platform: NodeJS.Platform;
  now?: () => Date;
}

export class TrayService {
  private state: TrayState = {
    overall: 'unknown',
    summary: 'starting…',
    worstChecks: [],
    firingAlerts: 0,
    job: null,
    snooze: null,
    monitoringPaused: false,
    rulesHeldUntil: null,
    unavailable: new Set(),
  };
  private tray: TrayLike | null = null;
  private shownIcon: OverallStatus | null = null;

  constructor(private readonly opts: TrayServiceOptions) {}

  /** Creates the tray icon (call once the app is ready). */
  show(): void {
    if (this.tray) return;
    this.tray = this.opts.createTray(this.opts.iconFor(this.iconStatus()));
    this.shownIcon = this.iconStatus();
    // On Windows and Linux a left click opens the dashboard; macOS always shows the menu.
    if (this.opts.platform !== 'darwin') this.tray.on('click', () => this.opts.onAction('open'));
    this.render();
  }

  /** The overall status and, when the snapshot carries it, the rule-evaluation hold. */
  setStatus(snapshot: Pick<StatusSnapshot, 'overall' | 'summary' | 'rulesHeld'>): void {
    const held = snapshot.rulesHeld ? new Date(snapshot.rulesHeld.until) : null;
    if (
      snapshot.overall === this.state.overall &&
      snapshot.summary === this.state.summary &&
      held?.getTime() === this.state.rulesHeldUntil?.getTime()
    )
      return;
    this.state = {
      ...this.state,
      overall: snapshot.overall,
      summary: snapshot.summary,
      rulesHeldUntil: held,
    };
    this.render();
  }

  setWorstChecks(checks: TrayCheck[]): void {
    if (sameChecks(checks, this.state.worstChecks)) return;
    this.state = { ...this.state, worstChecks: checks };
    this.render();
  }

  setFiringAlerts(count: number): void {
    if (count === this.state.firingAlerts) return;
    this.state = { ...this.state, firingAlerts: count };
    this.render();
  }

  setJob(job: TrayState['job']): void {
    const cur = this.state.job;
    if (cur === job || (cur && job && cur.label === job.label && cur.percent === job.percent))
      return;
    this.state = { ...this.state, job };
    this.render();
  }

  setSnooze(snooze: TrayState['snooze']): void {
    if (JSON.stringify(snooze) === JSON.stringify(this.state.snooze)) return;
    this.state = { ...this.state, snooze };
    this.render();
  }

  setMonitoringPaused(paused: boolean): void {
    if (paused === this.state.monitoringPaused) return;
    this.state = { ...this.state, monitoringPaused: paused };
    this.render();
  }

  setUnavailable(actions: Iterable<TrayAction>): void {
    const next = new Set(actions);
    const cur = this.state.unavailable;
    if (next.size === cur.size && [...next].every((a) => cur.has(a))) return;
    this.state = { ...this.state, unavailable: next };
    this.render();
  }

  /** A copy of the state, for tests and the status line of the window title. */
  snapshot(): Readonly<TrayState> {
    return { ...this.state };
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = null;
    this.shownIcon = null;
  }

  private iconStatus(): OverallStatus {
    return this.state.monitoringPaused ? 'paused' : this.state.overall;
  }

  private render(): void {
    const tray = this.tray;
    if (!tray) return;
    const status = this.iconStatus();
    if (status !== this.shownIcon) {
      tray.setImage(this.opts.iconFor(status));
      this.shownIcon = status;
    }
    const shown = { ...this.state, overall: status };
    const now = this.opts.now?.() ?? new Date();
    tray.setToolTip(trayTooltip(shown, now));
    // Linux (AppIndicator) only picks up menu changes when the menu is set again, so it always is.
    tray.setContextMenu(
      this.opts.buildMenu(trayMenuTemplate(shown, (a) => this.opts.onAction(a), now)),
    );
  }
}

function sameChecks(a: TrayCheck[], b: TrayCheck[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (c, i) => c.name === b[i]!.name && c.status === b[i]!.status && c.detail === b[i]!.detail,
    )
  );
}
