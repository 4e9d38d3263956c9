/**
 * An alerting rule's lifecycle (rules/alerting.go): each evaluation turns result samples into
 * alerts keyed by their label set; a new alert is pending, fires once it has been active for
 * `for`, stays firing for `keep_firing_for` after its condition clears, and is kept as resolved
 * for 15 minutes so the resolution reaches the notifier. Labels and annotations are templates.
 */
import type { Labels, SeriesQuerier } from '../tsdb/types.js';
import { evaluateRuleExpr } from './recording-rule.js';
import type { RuleSpec } from './rule-file.js';
import { expandTemplate } from './template.js';
import { labelsKey, withoutName, type InstantSample } from './values.js';

export type AlertState = 'inactive' | 'pending' | 'firing';

export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt: number;
  resolvedAt: number;
  lastSentAt: number;
  validUntil: number;
  keepFiringSince: number;
}

/** What survives a restart for one alert (Prometheus keeps it in ALERTS_FOR_STATE). */
export interface RestoredAlert {
  activeAt: number;
  state: AlertState;
}

// Prometheus: resolved alerts are kept (and re-sent) for 15 minutes.
const RESOLVED_RETENTION_MS = 15 * 60_000;

export interface AlertContext {
  externalLabels: Record<string, string>;
  externalURL: string;
}

export class AlertingRule {
  readonly kind = 'alert';
  readonly active = new Map<string, Alert>();
  /** Prometheus only writes ALERTS series once for-state has been restored after start-up. */
  restored = true;
  private pendingRestore: Map<string, RestoredAlert> | null = null;
  private readonly seriesCache = new WeakMap<
    Labels,
    { state: AlertState; alerts: Labels; forState: Labels }
  >();

  constructor(
    readonly spec: RuleSpec,
    private readonly ctx: AlertContext = { externalLabels: {}, externalURL: '' },
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** Alerts active before a restart: the first evaluation keeps their `for` clock. */
  restore(alerts: Map<string, RestoredAlert>): void {
    this.pendingRestore = alerts;
  }

  /** One evaluation at ts; returns the ALERTS / ALERTS_FOR_STATE samples to append. */
  eval(querier: SeriesQuerier, ts: number, limit: number): InstantSample[] {
    const res = evaluateRuleExpr(this.spec.expr, querier, ts);
    const fresh = new Map<string, Alert>();
    for (const s of res) {
      const data = {
        labels: { ...s.labels } as Record<string, string>,
        externalLabels: this.ctx.externalLabels,
        externalURL: this.ctx.externalURL,
        value: s.v,
      };
      const labels: Record<string, string> = { ...withoutName(s.labels) };
      for (const [k, t] of Object.entries(this.spec.labelTemplates)) {
        const v = expandTemplate(t, data);
        if (v === '') delete labels[k];
        else labels[k] = v;
      }
      labels.alertname = this.spec.name;
      const annotations: Record<string, string> = {};
      for (const [k, t] of Object.entries(this.spec.annotationTemplates))
        annotations[k] = expandTemplate(t, data);
      const key = labelsKey(labels);
      if (fresh.has(key))
        throw new Error(
          'vector contains metrics with the same labelset after applying alert labels',
        );
      fresh.set(key, {
        labels,
        annotations,
        state: 'pending',
        value: s.v,
        activeAt: ts,
        firedAt: 0,
        resolvedAt: 0,
        lastSentAt: 0,
        validUntil: 0,
        keepFiringSince: 0,
      });
    }
    const restoring = this.pendingRestore;
    this.pendingRestore = null;
    for (const [key, a] of fresh) {
      const existing = this.active.get(key);
      if (existing && existing.state !== 'inactive') {
        existing.value = a.value;
        existing.annotations = a.annotations;
        continue;
      }
      const before = restoring?.get(key);
      if (before && before.activeAt <= ts) a.activeAt = before.activeAt;
      this.active.set(key, a);
    }

    const out: InstantSample[] = [];
    let numActive = 0;
    for (const [key, a] of this.active) {
      if (!fresh.has(key)) {
        let keepFiring = false;
        if (a.state === 'firing' && this.spec.keepFiringForMs > 0) {
          if (a.keepFiringSince === 0) a.keepFiringSince = ts;
          if (ts - a.keepFiringSince < this.spec.keepFiringForMs) keepFiring = true;
        }
        if (
          a.state === 'pending' ||
          (a.resolvedAt !== 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)
        )
          this.active.delete(key);
        if (a.state !== 'inactive' && !keepFiring) {
          a.state = 'inactive';
          a.resolvedAt = ts;
        }
        if (!keepFiring) continue;
      } else {
        a.keepFiringSince = 0;
      }
      numActive++;
      if (a.state === 'pending' && ts - a.activeAt >= this.spec.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
      if (this.restored) {
        const series = this.seriesLabels(a);
        out.push({ labels: series.alerts, v: 1 });
        out.push({ labels: series.forState, v: a.activeAt / 1000 });
      }
    }
    if (limit > 0 && numActive > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${numActive} alerts`);
    }
    return out;
  }

  /**
   * The ALERTS and ALERTS_FOR_STATE label sets of an alert, built once per alert and state: the
   * same objects every evaluation let the store and the staleness bookkeeping skip re-keying.
   */
  private seriesLabels(a: Alert): { alerts: Labels; forState: Labels } {
    let c = this.seriesCache.get(a.labels);
    if (!c || c.state !== a.state) {
      c = {
        state: a.state,
        alerts: Object.freeze({ ...a.labels, __name__: 'ALERTS', alertstate: a.state }),
        forState: c?.forState ?? Object.freeze({ ...a.labels, __name__: 'ALERTS_FOR_STATE' }),
      };
      this.seriesCache.set(a.labels, c);
    }
    return c;
  }

  /** Alerts due for (re)sending at ts (alerting.go needsSending); marks them sent. */
  alertsToSend(ts: number, resendDelayMs: number, intervalMs: number): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const due = a.resolvedAt > a.lastSentAt || a.lastSentAt + resendDelayMs < ts;
      if (!due) continue;
      a.lastSentAt = ts;
      // Allow for two missed evaluations or sends before the receiver expires the alert.
      a.validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
      out.push({ ...a });
    }
    return out;
  }

  /** Firing and pending alerts (resolved ones are kept internally for re-sending only). */
  activeAlerts(): Alert[] {
    return [...this.active.values()].filter((a) => a.state !== 'inactive');
  }
}

export function alertKey(labels: Labels): string {
  return labelsKey(labels);
}
