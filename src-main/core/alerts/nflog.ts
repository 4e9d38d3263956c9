/**
 * Alertmanager's notification log (nflog) and dedup decision (notify.go DedupStage.needsUpdate):
 * per group and receiver integration, which alerts were firing and resolved at the last
 * notification and when. Persisted, so a restart neither re-sends everything nor forgets what a
 * receiver was told is firing.
 */
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { readJsonOr, writeJsonAtomic } from '../atomic-file.js';

export interface NflogEntry {
  firing: string[];
  resolved: string[];
  /** ms since the epoch of the last notification. */
  timestamp: number;
}

// Alertmanager's --data.retention default.
const RETENTION_MS = 120 * 3_600_000;

export class NotificationLog {
  private entries: Record<string, NflogEntry>;
  private readonly file: string;

  constructor(
    dir: string,
    private readonly logger: Logger,
  ) {
    this.file = join(dir, 'nflog.json');
    this.entries = readJsonOr<Record<string, NflogEntry>>(this.file, {}, logger);
  }

  get(key: string): NflogEntry | undefined {
    return this.entries[key];
  }

  log(key: string, firing: string[], resolved: string[], now: number): void {
    this.logMany([{ key, firing, resolved, at: now }]);
  }

  /** Several keys in one write (a group flush's integrations). */
  logMany(items: { key: string; firing: string[]; resolved: string[]; at: number }[]): void {
    for (const i of items)
      this.entries[i.key] = { firing: i.firing, resolved: i.resolved, timestamp: i.at };
    if (items.length) this.save();
  }

  /**
   * Roll forward from the outbox, which is written first: a notification the outbox holds but
   * this log does not know of (a crash between the two writes) is logged now, so the restarted
   * notifier does not queue it a second time.
   */
  replay(items: { key: string; firing: string[]; resolved: string[]; at: number }[]): number {
    const missing = items.filter((i) => (this.entries[i.key]?.timestamp ?? -Infinity) < i.at);
    this.logMany(missing);
    return missing.length;
  }

  /** Move every timestamp by ms (a wall-clock jump), so repeat_interval counts elapsed time. */
  shift(ms: number): void {
    for (const e of Object.values(this.entries)) e.timestamp += ms;
    this.save();
  }

  gc(now: number): void {
    let changed = false;
    for (const [k, e] of Object.entries(this.entries))
      if (e.timestamp < now - RETENTION_MS) {
        delete this.entries[k];
        changed = true;
      }
    if (changed) this.save();
  }

  private save(): void {
    try {
      writeJsonAtomic(this.file, this.entries);
    } catch (err) {
      this.logger.error(
        `could not save the notification log ${this.file}: ${(err as Error).message}`,
      );
    }
  }
}

/** DedupStage.needsUpdate, line for line. */
export function needsUpdate(
  entry: NflogEntry | undefined,
  firing: Set<string>,
  resolved: Set<string>,
  sendResolved: boolean,
  repeatInterval: number,
  now: number,
): boolean {
  // Never notified: only when something fires.
  if (!entry) return firing.size > 0;
  // Something fires that was not firing at the last notification.
  const lastFiring = new Set(entry.firing);
  for (const fp of firing) if (!lastFiring.has(fp)) return true;
  // Everything resolved: notify (irrespective of send_resolved, to clear the log) if the receiver
  // was told something was firing.
  if (firing.size === 0) return entry.firing.length > 0;
  if (sendResolved) {
    const lastResolved = new Set(entry.resolved);
    for (const fp of resolved) if (!lastResolved.has(fp)) return true;
  }
  // Nothing changed: only after repeat_interval.
  return entry.timestamp < now - repeatInterval;
}
