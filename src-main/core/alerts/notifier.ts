/**
 * ccmon's local Alertmanager. It takes PostableAlerts (AlertSender) from the rule engine and from
 * pulled Alertmanagers, merges them into its alert store, routes them into aggregation groups, and
 * on each group flush runs Alertmanager's notify pipeline per receiver integration: mute
 * (inhibition, silences), dedup against the notification log (repeat_interval, send_resolved),
 * then the persisted outbox. Every state change goes to the incident timeline.
 *
 * One deliberate difference from Alertmanager: an alert that resolves while silenced or inhibited
 * is still reported as resolved to every receiver that was told it was firing (Alertmanager drops
 * it, leaving the receiver with a firing alert forever).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { SecretStore } from '../secrets/store.js';
import { nextGridTime } from '../system/cadence.js';
import { isResolved, type Alert } from './alert.js';
import { AlertStore, type UpstreamState } from './alert-store.js';
import { systemClock, type Clock } from './clock.js';
import { ClockJumpDetector } from './clock-jump.js';
import type { AlertsConfig } from './config.js';
import type { AlertsEvents } from './contract.js';
import { Dispatcher, type GroupFlush } from './dispatch.js';
import { IncidentHistory } from './history.js';
import { Inhibitor } from './inhibit.js';
import { NotificationLog } from './nflog.js';
import { planFlush } from './notify-plan.js';
import { Outbox } from './outbox.js';
import { crashPoint } from './crash-point.js';
import type { AlertSender, PostableAlert } from './postable.js';
import { buildRouting, describeReload } from './routing.js';
import { SilenceStore } from './silence.js';
import { nodeDesktopNotifier, type DesktopNotifier } from './sinks/desktop.js';
import { sinkId, type Sink } from './sinks/sink.js';
import { AlertStatusTracker } from './status.js';

export interface NotifierOptions {
  config: AlertsConfig;
  /** The agent's data dir; the notifier keeps its files in `<dataDir>/alerts`. */
  dataDir: string;
  secrets: SecretStore;
  logger: Logger;
  desktop?: DesktopNotifier;
  /** Where notifications link to when alerts.externalUrl is unset (the agent's dashboard). */
  dashboardUrl?: string;
  clock?: Clock;
  emit?: <E extends keyof AlertsEvents>(event: E, payload: AlertsEvents[E]) => void;
}

// Alertmanager's alert GC runs every 30 minutes; resolved alerts stay listed until then.
const GC_MS = 30 * 60_000;
const TICK_MS = 5000;

export class Notifier implements AlertSender {
  readonly clock: Clock;
  readonly silences: SilenceStore;
  readonly history: IncidentHistory;
  readonly outbox: Outbox;
  readonly status: AlertStatusTracker;
  private readonly alerts = new AlertStore();
  /** Pulled alerts their own Alertmanager reports as suppressed: muted here too. */
  readonly upstream: Map<string, UpstreamState> = this.alerts.upstream;
  private readonly dispatcher: Dispatcher;
  private inhibitor: Inhibitor;
  private readonly nflog: NotificationLog;
  // Swapped together by reload(); the outbox reads `sinks` at each attempt.
  private sinks: Map<string, Sink>;
  private sinksByReceiver: Map<string, Sink[]>;
  private config: AlertsConfig;
  private cancelTick: (() => void) | null = null;
  private lastGc = 0;
  private readonly jumps: ClockJumpDetector;

  constructor(private readonly opts: NotifierOptions) {
    const dir = join(opts.dataDir, 'alerts');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.clock = opts.clock ?? systemClock;
    this.jumps = new ClockJumpDetector(this.clock);
    const cfg = opts.config;
    this.config = cfg;
    const routing = buildRouting(cfg, opts.secrets, opts.desktop ?? nodeDesktopNotifier);
    this.sinks = routing.sinks;
    this.sinksByReceiver = routing.sinksByReceiver;
    this.dispatcher = new Dispatcher(routing.route, this.clock, (f) => this.flush(f));
    this.inhibitor = new Inhibitor(routing.inhibitRules, () => this.alerts.values());
    this.nflog = new NotificationLog(dir, opts.logger);
    this.history = new IncidentHistory(dir, cfg.historyLimit, opts.logger);
    this.silences = new SilenceStore(dir, this.clock, opts.logger, () => this.refresh());
    this.status = new AlertStatusTracker(this.history, () => this.emitList());
    this.outbox = new Outbox(
      dir,
      this.clock,
      () => this.sinks,
      opts.logger,
      (r) => {
        if (!r.ok)
          this.history.record({
            t: r.at,
            kind: 'delivery_failed',
            detail: `${r.sink}: ${r.error}`,
          });
        opts.emit?.('alerts.delivery', { ...r, at: new Date(r.at).toISOString() });
      },
    );
    const replayed = this.nflog.replay(
      this.outbox.list().flatMap((e) => (e.logged ? [{ key: e.key, ...e.logged }] : [])),
    );
    if (replayed)
      opts.logger.info(`notification log: ${replayed} entr(ies) restored from the outbox`);
  }

  start(): void {
    this.dispatcher.start();
    this.outbox.start();
    // On the agent's wake-up grid (core/system/cadence.ts) when the clock has a monotonic side.
    const untilNextTick = () => {
      const mono = this.clock.monotonic?.();
      return mono === undefined ? TICK_MS : nextGridTime(TICK_MS, 0, mono) - mono;
    };
    const loop = () => {
      this.refresh();
      this.cancelTick = this.clock.setTimer(loop, untilNextTick());
    };
    this.cancelTick = this.clock.setTimer(loop, untilNextTick());
  }

  stop(): void {
    this.cancelTick?.();
    this.dispatcher.stop();
    this.outbox.stop();
    this.history.flush();
  }

  /**
   * stop(), then wait (at most `ms`) for deliveries in flight to finish and be recorded, so a
   * graceful shutdown does not make the next start send them again.
   */
  async stopGracefully(ms = 5000): Promise<void> {
    this.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.outbox.idle(),
      new Promise((r) => (timer = setTimeout(r, ms))),
    ]).finally(() => clearTimeout(timer));
  }

  /**
   * Apply a changed `alerts` section, like Alertmanager's /-/reload: build the new route tree,
   * receivers and inhibit rules first (a config that cannot be built throws and the old one keeps
   * running), then swap them in one step. The alert store, silences, the notification log and the
   * outbox stay, so nothing already sent is sent again; aggregation groups are kept or dropped as
   * Dispatcher.reload says. Queued deliveries go to the new integration of the same name.
   */
  reload(cfg: AlertsConfig): string {
    const routing = buildRouting(cfg, this.opts.secrets, this.opts.desktop ?? nodeDesktopNotifier);
    this.config = cfg;
    this.sinks = routing.sinks;
    this.sinksByReceiver = routing.sinksByReceiver;
    this.inhibitor = new Inhibitor(routing.inhibitRules, () => this.alerts.values());
    this.history.limit = cfg.historyLimit;
    const summary = describeReload(this.dispatcher.reload(routing.route));
    this.history.record({ t: this.clock.now(), kind: 'routing_reloaded', detail: summary });
    this.opts.logger.info(`alert routing reloaded: ${summary}`);
    this.refresh();
    return summary;
  }

  /** AlertSender: what the rule manager calls after each evaluation. */
  send(alerts: PostableAlert[]): void {
    const { errors } = this.receive(alerts, 'ccmon');
    for (const e of errors) this.opts.logger.warn(`rejected alert: ${e}`);
  }

  /** Take alerts in (Alertmanager's POST /api/v2/alerts); returns per-alert validation errors. */
  receive(alerts: PostableAlert[], source: string): { accepted: number; errors: string[] } {
    this.checkClock();
    const result = this.alerts.put(
      alerts,
      source,
      this.clock.now(),
      this.config.resolveTimeout,
      (a) => this.dispatcher.put(a),
    );
    this.inhibitor.invalidate();
    this.refresh();
    return result;
  }

  /** Silences, inhibitions and resolutions of every known alert, recorded when they change. */
  refresh(): void {
    this.checkClock();
    const now = this.clock.now();
    for (const a of this.alerts.values()) {
      const resolved = isResolved(a, now);
      const up = this.upstream.get(a.fingerprint);
      const silencedBy = this.silences.mutedBy(a.labels);
      const inhibitedBy = this.inhibitor.inhibitedBy(a.labels, a.fingerprint, now);
      this.status.update(a, {
        resolved,
        silencedBy: up ? [...silencedBy, ...up.silencedBy] : silencedBy,
        inhibitedBy: up ? [...inhibitedBy, ...up.inhibitedBy] : inhibitedBy,
        now,
      });
      if (resolved)
        for (const s of this.silences.alertResolved(a.fingerprint))
          this.history.record({
            t: now,
            kind: 'silence_expired',
            detail: `${s.id} (its alert resolved)`,
          });
    }
    if (now - this.lastGc >= GC_MS) this.gc(now);
    this.status.flushChanges();
  }

  /**
   * After a wall-clock jump (or a suspend), move wall-time deadlines by the jump so they count
   * elapsed time: a +2 h step must not resolve every alert whose endsAt it skipped (a false
   * "resolved", then "firing" again at the next evaluation), bring repeat notifications early,
   * or, stepped back, hold retries and resolutions for the jump's length.
   */
  private checkClock(): void {
    const jump = this.jumps.check();
    if (!jump) return;
    const moved = this.alerts.shiftActive(jump, this.clock.now() - jump);
    this.nflog.shift(jump);
    this.outbox.shift(jump);
    this.opts.logger.warn(
      `the wall clock moved ${jump > 0 ? 'forward' : 'back'} by ${Math.round(Math.abs(jump) / 1000)} s ` +
        `(a clock change or a suspend): ${moved} active alert(s), repeat intervals and retries moved with it`,
    );
  }

  private gc(now: number): void {
    this.lastGc = now;
    for (const fp of this.alerts.gc(now, GC_MS)) this.status.forget(fp);
    this.inhibitor.invalidate();
    this.silences.gc();
    this.nflog.gc(now);
  }

  private muted(a: Alert, now: number): boolean {
    const up = this.upstream.get(a.fingerprint);
    if (up?.state === 'suppressed') return true;
    return (
      this.silences.mutedBy(a.labels).length > 0 ||
      this.inhibitor.inhibitedBy(a.labels, a.fingerprint, now).length > 0
    );
  }

  /** The notify pipeline for one group flush, per receiver integration. */
  private flush(f: GroupFlush): boolean {
    this.checkClock();
    const now = this.clock.now();
    const { items, silent } = planFlush(f, {
      sinks: this.sinksByReceiver.get(f.route.options.receiver) ?? [],
      logged: (key) => this.nflog.get(key),
      muted: (a) => this.muted(a, now),
      now,
      externalURL: this.config.externalUrl ?? this.opts.dashboardUrl ?? 'http://127.0.0.1:7323',
    });
    // Write-ahead order: the outbox (all integrations of this flush in one atomic write), then
    // the notification log, then sending. A crash after the first write is rolled forward at
    // start (replay); before it, nothing was decided and the next flush decides again.
    if (items.length) {
      this.outbox.add(items);
      crashPoint('outbox-written');
    }
    this.nflog.logMany([...silent, ...items.map((i) => ({ key: i.key, ...i.logged }))]);
    this.outbox.kick();
    for (const { sink, notification } of items)
      for (const a of notification.alerts)
        this.history.record({
          t: now,
          kind: 'notified',
          fingerprint: a.fingerprint,
          alertname: a.labels.alertname,
          detail: `${sinkId(sink)} (${a.status})`,
        });
    return true;
  }

  allAlerts(): Alert[] {
    return this.alerts.all();
  }

  alert(fp: string): Alert | undefined {
    return this.alerts.get(fp);
  }

  sourceOf(fp: string): string {
    return this.alerts.sourceOf(fp);
  }

  receiversFor(a: Alert): string[] {
    return this.dispatcher.receiversFor(a.labels);
  }

  private emitList(): void {
    this.opts.emit?.('alerts', this.status.views(this));
  }
}
