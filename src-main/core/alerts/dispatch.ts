/**
 * Alertmanager's dispatcher (dispatch/dispatch.go): each alert is routed, and lands in one
 * aggregation group per matched route, keyed by the route and the alert's group labels. A new group
 * flushes after group_wait (at once if its alert started more than group_wait ago), then every
 * group_interval. A flush hands the group's alerts to the notify pipeline; resolved alerts it
 * carried are then dropped from the group, and empty groups are removed by periodic maintenance.
 */
import { isResolved, type Alert } from './alert.js';
import type { Clock } from './clock.js';
import { formatLabels, type LabelSet } from './matchers.js';
import { groupLabels, matchRoutes, type Route } from './route.js';

export interface GroupFlush {
  /** Alertmanager's group key: `<route key>:<group labels>`. */
  groupKey: string;
  route: Route;
  groupLabels: Record<string, string>;
  /** Copies: firing alerts first by start; resolved ones keep their endsAt. */
  alerts: Alert[];
}

export type FlushHandler = (flush: GroupFlush) => boolean;

// Alertmanager runs its group garbage collection every 30s.
const MAINTENANCE_MS = 30_000;

class AggregationGroup {
  readonly alerts = new Map<string, Alert>();
  hasFlushed = false;
  private cancel: (() => void) | null = null;
  /** When the pending timer was set and for how long (to shorten it on a reload). */
  private timer = { at: 0, ms: 0 };

  constructor(
    readonly groupKey: string,
    private currentRoute: Route,
    readonly labels: Record<string, string>,
    private readonly clock: Clock,
    private readonly onFlush: FlushHandler,
  ) {
    this.schedule(currentRoute.options.groupWait);
  }

  insert(alert: Alert): void {
    this.alerts.set(alert.fingerprint, alert);
    // An alert older than group_wait does not wait again (e.g. after a restart).
    if (!this.hasFlushed && alert.startsAt + this.route.options.groupWait < this.clock.now())
      this.schedule(0);
  }

  get route(): Route {
    return this.currentRoute;
  }

  /**
   * A reload kept this group on a route with possibly new receiver and intervals. A shorter
   * group_wait (before the first flush) or group_interval moves the pending flush to that long
   * after the group started or last flushed; a longer one applies from the next flush on.
   */
  rebind(route: Route): void {
    const key = this.hasFlushed ? 'groupInterval' : 'groupWait';
    const shorter = route.options[key] < this.currentRoute.options[key];
    this.currentRoute = route;
    if (!shorter || this.cancel === null) return;
    const due = this.timer.at + Math.min(this.timer.ms, route.options[key]);
    this.schedule(Math.max(0, due - this.clock.now()));
  }

  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private schedule(ms: number): void {
    this.cancel?.();
    this.timer = { at: this.clock.now(), ms };
    this.cancel = this.clock.setTimer(() => this.tick(), ms);
  }

  private tick(): void {
    this.schedule(this.route.options.groupInterval);
    this.hasFlushed = true;
    this.flush();
  }

  flush(): void {
    if (this.alerts.size === 0) return;
    const now = this.clock.now();
    const snapshot = [...this.alerts.values()].map((a) => ({ ...a }));
    snapshot.sort(
      (a, b) =>
        a.startsAt - b.startsAt ||
        (a.labels.alertname ?? '').localeCompare(b.labels.alertname ?? ''),
    );
    const resolved = snapshot.filter((a) => isResolved(a, now));
    if (
      this.onFlush({
        groupKey: this.groupKey,
        route: this.route,
        groupLabels: this.labels,
        alerts: snapshot,
      })
    ) {
      // DeleteIfNotModified: keep an alert that fired again while the flush ran.
      for (const r of resolved) {
        const cur = this.alerts.get(r.fingerprint);
        if (cur && cur.updatedAt === r.updatedAt && cur.endsAt === r.endsAt)
          this.alerts.delete(r.fingerprint);
      }
    }
  }
}

/** The group an alert lands in on a route: Alertmanager's group key, and our map's id for it. */
function placement(route: Route, alert: Alert) {
  const labels = groupLabels(route, alert.labels);
  const groupKey = `${route.key}:${formatLabels(labels)}`;
  // Two routes may share a key (same matchers): groups belong to the route object, as in
  // Alertmanager, so they are kept apart by the route's position in the tree.
  return { id: `${route.id}|${groupKey}`, groupKey, labels };
}

export class Dispatcher {
  private readonly groups = new Map<string, AggregationGroup>();
  private cancelMaintenance: (() => void) | null = null;

  constructor(
    private route: Route,
    private readonly clock: Clock,
    private readonly onFlush: FlushHandler,
  ) {}

  start(): void {
    const loop = () => {
      this.maintenance();
      this.cancelMaintenance = this.clock.setTimer(loop, MAINTENANCE_MS);
    };
    this.cancelMaintenance = this.clock.setTimer(loop, MAINTENANCE_MS);
  }

  stop(): void {
    this.cancelMaintenance?.();
    for (const g of this.groups.values()) g.stop();
    this.groups.clear();
  }

  /** Route one (already merged) alert into its groups. Returns the receivers it is routed to. */
  put(alert: Alert): string[] {
    const receivers: string[] = [];
    for (const route of matchRoutes(this.route, alert.labels)) {
      receivers.push(route.options.receiver);
      const { id, groupKey, labels } = placement(route, alert);
      let g = this.groups.get(id);
      if (!g) {
        g = new AggregationGroup(groupKey, route, labels, this.clock, this.onFlush);
        this.groups.set(id, g);
      }
      g.insert(alert);
    }
    return receivers;
  }

  /**
   * Swap the route tree (a config reload). Alertmanager stops its dispatcher and routes every
   * alert again into new groups, losing their timers (prometheus/alertmanager#2492, #4956); ccmon
   * keeps a group whose route sits at the same place with the same key and the same group labels:
   * its alerts, its flush timer and hasFlushed stay, and its route takes the new receiver and
   * intervals. Alerts are re-routed; groups no alert reaches any more are dropped without a flush,
   * as Alertmanager drops them (the notification log keeps what each receiver was told).
   */
  reload(route: Route): { kept: number; created: number; dropped: number } {
    const alerts = new Map<string, Alert>();
    for (const g of this.groups.values())
      for (const a of g.alerts.values()) alerts.set(a.fingerprint, a);
    const old = new Map(this.groups);
    this.groups.clear();
    this.route = route;
    const kept = new Set<string>();
    for (const a of alerts.values())
      for (const r of matchRoutes(route, a.labels)) {
        const { id, groupKey, labels } = placement(r, a);
        let g = this.groups.get(id);
        if (!g && old.has(id)) {
          g = old.get(id)!;
          g.rebind(r);
          // Membership is decided again: an alert may now stop at an earlier sibling.
          g.alerts.clear();
          kept.add(id);
          this.groups.set(id, g);
        }
        if (!g) {
          g = new AggregationGroup(groupKey, r, labels, this.clock, this.onFlush);
          this.groups.set(id, g);
        }
        // A kept group's timer stays as it is; a new group decides as any new group does.
        if (kept.has(id)) g.alerts.set(a.fingerprint, a);
        else g.insert(a);
      }
    let dropped = 0;
    for (const [id, g] of old)
      if (!kept.has(id)) {
        g.stop();
        dropped++;
      }
    return { kept: kept.size, created: this.groups.size - kept.size, dropped };
  }

  /** Receivers an alert with these labels would reach (for the alerts list). */
  receiversFor(labels: LabelSet): string[] {
    return [...new Set(matchRoutes(this.route, labels).map((r) => r.options.receiver))];
  }

  groupsView(): { groupKey: string; receiver: string; alerts: string[] }[] {
    return [...this.groups.values()].map((g) => ({
      groupKey: g.groupKey,
      receiver: g.route.options.receiver,
      alerts: [...g.alerts.keys()],
    }));
  }

  /** Drop groups that flushed everything they had (Alertmanager's doMaintenance). */
  maintenance(): void {
    for (const [key, g] of this.groups)
      if (g.alerts.size === 0) {
        g.stop();
        this.groups.delete(key);
      }
  }
}
