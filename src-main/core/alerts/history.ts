/**
 * The incident timeline: every state change of every alert (firing, resolved, silenced, inhibited,
 * notified, delivery failed, silences created and expired, routing reloaded), appended one JSON line at a time to
 * `alerts/history.jsonl`, so it survives restarts. A torn last line (crash mid-write) is skipped
 * on load; the file is compacted to the newest `limit` events when it grows past twice that.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import { writeFileAtomicSync } from '../atomic-file.js';

export type TimelineKind =
  | 'firing'
  | 'resolved'
  | 'silenced'
  | 'unsilenced'
  | 'inhibited'
  | 'uninhibited'
  | 'notified'
  | 'delivery_failed'
  | 'silence_created'
  | 'silence_expired'
  | 'routing_reloaded';

export interface TimelineEvent {
  /** ms since the epoch. */
  t: number;
  kind: TimelineKind;
  /** The alert's fingerprint (absent for silence events). */
  fingerprint?: string;
  alertname?: string;
  labels?: Record<string, string>;
  /** Human-readable detail: receiver, silence id, error, value. */
  detail?: string;
}

export interface TimelineQuery {
  fingerprint?: string;
  alertname?: string;
  since?: number;
  limit?: number;
}

export class IncidentHistory {
  private events: TimelineEvent[] = [];
  private readonly file: string;
  private linesOnDisk = 0;
  private pending: string[] = [];

  constructor(
    dir: string,
    /** Events kept; a reload may change it (applied at the next record). */
    public limit: number,
    private readonly logger: Logger,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'history.jsonl');
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let bad = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      this.linesOnDisk++;
      try {
        this.events.push(JSON.parse(line) as TimelineEvent);
      } catch {
        bad++;
      }
    }
    if (bad) logger.warn(`${this.file}: skipped ${bad} unreadable line(s)`);
    if (this.events.length > limit) this.events = this.events.slice(-limit);
  }

  record(e: TimelineEvent): void {
    this.events.push(e);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
    // One append per tick, not per event: an evaluation that fires 1,000 alerts is one write.
    this.pending.push(JSON.stringify(e));
    if (this.pending.length === 1) queueMicrotask(() => this.flush());
  }

  /** Write what was recorded since the last flush (also called on stop). */
  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    try {
      appendFileSync(this.file, lines.join('\n') + '\n', { mode: 0o600 });
      this.linesOnDisk += lines.length;
      if (this.linesOnDisk > 2 * this.limit) this.compact();
    } catch (err) {
      this.logger.error(`could not append to ${this.file}: ${(err as Error).message}`);
    }
  }

  /** Newest first. */
  query(q: TimelineQuery = {}): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    const limit = q.limit ?? 500;
    for (let i = this.events.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.events[i]!;
      if (q.since !== undefined && e.t < q.since) break;
      if (q.fingerprint && e.fingerprint !== q.fingerprint) continue;
      if (q.alertname && e.alertname !== q.alertname) continue;
      out.push(e);
    }
    return out;
  }

  private compact(): void {
    writeFileAtomicSync(this.file, this.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    this.linesOnDisk = this.events.length;
  }
}
