/**
 * What one group flush sends, per receiver integration: Alertmanager's notify pipeline (notify.go)
 * up to the send — mute (inhibition, silences; a resolution still reaches every integration that
 * was told the alert fired), dedup against the notification log (DedupStage), send_resolved —
 * and what the log records. Pure: the notifier writes the outbox and the log, in that order.
 */
import { isResolved, type Alert } from './alert.js';
import type { GroupFlush } from './dispatch.js';
import { needsUpdate, type NflogEntry } from './nflog.js';
import { buildNotification } from './notification.js';
import type { LoggedState, OutboxItem } from './outbox.js';
import { sinkId, type Sink } from './sinks/sink.js';

export interface FlushPlan {
  /** Notifications to queue, with what the log records for each. */
  items: (OutboxItem & { logged: LoggedState })[];
  /** Log entries with nothing to send (resolutions to an integration without send_resolved). */
  silent: (LoggedState & { key: string })[];
}

export function planFlush(
  f: GroupFlush,
  opts: {
    sinks: Sink[];
    logged: (key: string) => NflogEntry | undefined;
    muted: (a: Alert) => boolean;
    now: number;
    externalURL: string;
  },
): FlushPlan {
  const { now } = opts;
  const plan: FlushPlan = { items: [], silent: [] };
  for (const sink of opts.sinks) {
    const key = `${f.groupKey}|${sinkId(sink)}`;
    const entry = opts.logged(key);
    const toldFiring = new Set(entry?.firing ?? []);
    const alerts = f.alerts.filter(
      (a) => !opts.muted(a) || (isResolved(a, now) && toldFiring.has(a.fingerprint)),
    );
    if (alerts.length === 0) continue;
    const firing = new Set(alerts.filter((a) => !isResolved(a, now)).map((a) => a.fingerprint));
    const resolved = new Set(alerts.filter((a) => isResolved(a, now)).map((a) => a.fingerprint));
    const repeat = f.route.options.repeatInterval;
    if (!needsUpdate(entry, firing, resolved, sink.sendResolved, repeat, now)) continue;
    const toSend = sink.sendResolved ? alerts : alerts.filter((a) => firing.has(a.fingerprint));
    const logged = { firing: [...firing], resolved: [...resolved], at: now };
    if (toSend.length === 0) {
      // Nothing to tell this receiver, but the log must still learn the alerts resolved.
      plan.silent.push({ key, ...logged });
      continue;
    }
    const notification = buildNotification({
      receiver: f.route.options.receiver,
      groupKey: f.groupKey,
      groupLabels: f.groupLabels,
      alerts: toSend,
      now,
      externalURL: opts.externalURL,
    });
    plan.items.push({ key, sink, notification, logged });
  }
  return plan;
}
