/**
 * The notifier's alert store (Alertmanager's provider/mem): every alert by fingerprint, where it
 * came from, and what a pulled alert's own Alertmanager says about it. It validates and merges
 * incoming PostableAlerts, moves active alerts' endsAt after a wall-clock jump, and forgets
 * resolved alerts after the GC delay. Routing, muting and sending are the notifier's.
 */
import { fromPostable, InvalidAlertError, isResolved, mergeAlerts, type Alert } from './alert.js';
import type { PostableAlert } from './postable.js';

/** What a pulled alert's Alertmanager reports about it (its silences and inhibitions apply here). */
export interface UpstreamState {
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

export class AlertStore {
  private readonly alerts = new Map<string, Alert>();
  private readonly sources = new Map<string, string>();
  /** Pulled alerts their own Alertmanager reports as suppressed: muted here too. */
  readonly upstream = new Map<string, UpstreamState>();

  /**
   * Validate and store alerts from `source` at `now`; `onStored` gets each stored (possibly
   * merged) alert. Returns the count stored and one error per invalid alert, naming its labels.
   */
  put(
    alerts: PostableAlert[],
    source: string,
    now: number,
    resolveTimeoutMs: number,
    onStored: (a: Alert) => void,
  ): { accepted: number; errors: string[] } {
    const errors: string[] = [];
    let accepted = 0;
    for (const p of alerts) {
      let a: Alert;
      try {
        a = fromPostable(p, now, resolveTimeoutMs);
      } catch (err) {
        if (err instanceof InvalidAlertError) {
          errors.push(`${JSON.stringify(p?.labels ?? {})}: ${err.message}`);
          continue;
        }
        throw err;
      }
      const old = this.alerts.get(a.fingerprint);
      // provider/mem Put: merge only when the activity ranges overlap; otherwise a new incident.
      if (
        old &&
        ((a.endsAt > old.startsAt && a.endsAt < old.endsAt) ||
          (a.startsAt > old.startsAt && a.startsAt < old.endsAt))
      )
        a = mergeAlerts(old, a, now);
      this.alerts.set(a.fingerprint, a);
      this.sources.set(a.fingerprint, source);
      onStored(a);
      accepted++;
    }
    return { accepted, errors };
  }

  values(): IterableIterator<Alert> {
    return this.alerts.values();
  }

  all(): Alert[] {
    return [...this.alerts.values()];
  }

  get(fp: string): Alert | undefined {
    return this.alerts.get(fp);
  }

  /** Where the alert came from: 'ccmon' (its own rules) or a pulled Alertmanager's name. */
  sourceOf(fp: string): string {
    return this.sources.get(fp) ?? 'ccmon';
  }

  /**
   * After the wall clock jumped by `jumpMs`: the endsAt of every alert active before it moves by
   * the jump, so it still counts elapsed time. Returns how many moved.
   */
  shiftActive(jumpMs: number, before: number): number {
    let moved = 0;
    for (const a of this.alerts.values())
      if (!isResolved(a, before) && Number.isFinite(a.endsAt)) {
        a.endsAt += jumpMs;
        moved++;
      }
    return moved;
  }

  /** Drop alerts resolved for longer than `retainMs`; returns their fingerprints. */
  gc(now: number, retainMs: number): string[] {
    const gone: string[] = [];
    for (const [fp, a] of this.alerts)
      if (isResolved(a, now) && a.endsAt < now - retainMs) {
        this.alerts.delete(fp);
        this.sources.delete(fp);
        this.upstream.delete(fp);
        gone.push(fp);
      }
    return gone;
  }
}
