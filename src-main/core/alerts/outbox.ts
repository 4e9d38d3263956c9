/**
 * The persisted outbox: every notification is written here before it is sent (write-ahead), retried
 * with exponential backoff (1 s doubling to 5 min) when its sink fails, and survives restarts and
 * kill -9 (atomic file writes). Per group and integration (the key) notifications leave strictly in
 * order, one at a time, so a receiver sees a firing before its resolved even after an outage.
 *
 * Backlog: a newer notification replaces the last waiting one of its key only when it says all the
 * older one said (every alert it reported firing is still firing, every resolved one still
 * resolved): a repeat or a grown group. A firing followed by its resolved keeps both. Past
 * MAX_BACKLOG per key the oldest waiting ones are dropped (recorded as superseded), so a flapping
 * alert during a long outage cannot become a storm when the sink returns.
 *
 * Delivery is at-least-once: every attempt of one notification carries the same idempotency key
 * and sequence (DeliveryMeta), so the one duplicate a crash can cause (after the receiver accepted,
 * before the outbox recorded it) can be recognised.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import { crashPoint } from './crash-point.js';
import type { Notification } from './notification.js';
import type { DeliveryRecord, OutboxEntry, OutboxItem } from './outbox-types.js';
import { readJsonOr, writeJsonAtomic } from '../atomic-file.js';
import { DeliveryError, sinkId, type Sink } from './sinks/sink.js';

export type { DeliveryRecord, LoggedState, OutboxEntry, OutboxItem } from './outbox-types.js';

interface OutboxFile {
  entries: OutboxEntry[];
  recent: DeliveryRecord[];
  /** Last sequence per key and when it was used (dropped with the notification log's retention). */
  sequences?: Record<string, { seq: number; at: number }>;
}

const MIN_BACKOFF = 1000;
const MAX_BACKOFF = 5 * 60_000;
const RECENT = 200;
const FAILED_KEPT_MS = 7 * 86_400_000;
const SEQUENCE_KEPT_MS = 120 * 3_600_000;
/** Waiting notifications per group and integration before the oldest are superseded. */
export const MAX_BACKLOG = 20;

export class Outbox {
  private entries: OutboxEntry[];
  private recent: DeliveryRecord[];
  private sequences: Record<string, { seq: number; at: number }>;
  private readonly file: string;
  private inFlight = new Set<string>();
  private cancelTimer: (() => void) | null = null;
  private stopped = true;

  constructor(
    dir: string,
    private readonly clock: Clock,
    private readonly sinks: () => Map<string, Sink>,
    private readonly logger: Logger,
    private readonly onDelivery: (r: DeliveryRecord) => void = () => {},
    private readonly giveUpAfter = 24 * 3_600_000,
  ) {
    this.file = join(dir, 'outbox.json');
    const saved = readJsonOr<OutboxFile>(this.file, { entries: [], recent: [] }, logger);
    // Entries written before idempotency keys existed get their id as key.
    this.entries = (saved.entries ?? []).map((e) => ({
      ...e,
      idempotencyKey: e.idempotencyKey ?? e.id,
      sequence: e.sequence ?? 0,
    }));
    this.recent = saved.recent ?? [];
    this.sequences = saved.sequences ?? {};
  }

  start(): void {
    this.stopped = false;
    // Failed deliveries stay visible for a week, then go (the timeline keeps the record).
    const now = this.clock.now();
    const before = this.entries.length;
    this.entries = this.entries.filter(
      (e) => e.state !== 'failed' || e.createdAt >= now - FAILED_KEPT_MS,
    );
    for (const [k, s] of Object.entries(this.sequences))
      if (s.at < now - SEQUENCE_KEPT_MS && !this.entries.some((e) => e.key === k))
        delete this.sequences[k];
    if (this.entries.length !== before) this.save();
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  /** One notification, written and sent (see add for a group flush's several). */
  enqueue(key: string, sink: Sink, notification: Notification): void {
    this.add([{ key, sink, notification }]);
    this.kick();
  }

  /**
   * The write-ahead step: every item in one atomic write. Nothing is sent until kick(), so the
   * caller can record the notification log in between.
   */
  add(items: OutboxItem[]): void {
    const now = this.clock.now();
    for (const item of items) {
      const seq = (this.sequences[item.key]?.seq ?? 0) + 1;
      this.sequences[item.key] = { seq, at: now };
      const waiting = this.entries.filter(
        (e) => e.key === item.key && e.state === 'pending' && !this.inFlight.has(e.id),
      );
      const last = waiting.at(-1);
      if (last && subsumes(item.notification, last.notification)) {
        this.entries.splice(this.entries.indexOf(last), 1);
        waiting.pop();
      }
      for (const old of waiting.slice(0, Math.max(0, waiting.length - (MAX_BACKLOG - 1))))
        this.supersede(old, now);
      this.entries.push({
        id: randomUUID(),
        key: item.key,
        sink: sinkId(item.sink),
        notification: item.notification,
        state: 'pending',
        attempts: 0,
        createdAt: now,
        nextAttemptAt: now,
        lastError: null,
        // The creation time keeps keys unique even when sequences restart (an outbox file set
        // aside as corrupt, a group quiet past the retention).
        idempotencyKey: `${createHash('sha256').update(item.key).digest('hex').slice(0, 16)}-${seq}-${now.toString(36)}`,
        sequence: seq,
        ...(item.logged ? { logged: item.logged } : {}),
      });
    }
    this.save();
  }

  list(): OutboxEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  history(): DeliveryRecord[] {
    return [...this.recent].reverse();
  }

  /** Retry a failed (or waiting) entry now. */
  retry(id: string): boolean {
    const e = this.entries.find((x) => x.id === id);
    if (!e) return false;
    e.state = 'pending';
    e.nextAttemptAt = this.clock.now();
    this.save();
    this.kick();
    return true;
  }

  /** Move retry times and ages by ms (a wall-clock jump), so backoff and give-up count elapsed time. */
  shift(ms: number): void {
    for (const e of this.entries) {
      e.nextAttemptAt += ms;
      e.createdAt += ms;
    }
    this.save();
    this.kick();
  }

  /** Wait until nothing is due or in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** Start every due delivery: per key only the oldest waiting one, so order holds. */
  kick(): void {
    if (this.stopped) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    const now = this.clock.now();
    let next = Infinity;
    const busy = new Set(this.entries.filter((e) => this.inFlight.has(e.id)).map((e) => e.key));
    for (const e of this.entries) {
      if (e.state !== 'pending' || busy.has(e.key)) continue;
      busy.add(e.key);
      if (e.nextAttemptAt <= now) void this.attempt(e);
      else next = Math.min(next, e.nextAttemptAt);
    }
    if (next < Infinity) this.cancelTimer = this.clock.setTimer(() => this.kick(), next - now);
  }

  private async attempt(e: OutboxEntry): Promise<void> {
    this.inFlight.add(e.id);
    const sink = this.sinks().get(e.sink);
    let error: DeliveryError | null = null;
    if (!sink)
      error = new DeliveryError(`receiver integration ${e.sink} is no longer configured`, false);
    else {
      try {
        crashPoint('before-send');
        await sink.send(e.notification, { idempotencyKey: e.idempotencyKey, sequence: e.sequence });
        crashPoint('after-send');
      } catch (err) {
        error =
          err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, true);
      }
    }
    this.inFlight.delete(e.id);
    const now = this.clock.now();
    e.attempts++;
    if (!error) {
      this.entries = this.entries.filter((x) => x !== e);
      // The sink answers again: what waits for it in backoff goes now (still one per key).
      for (const w of this.entries)
        if (w.sink === e.sink && w.state === 'pending')
          w.nextAttemptAt = Math.min(w.nextAttemptAt, now);
    } else {
      e.lastError = error.message;
      const expired = now - e.createdAt >= this.giveUpAfter;
      if (!error.retryable || expired) {
        e.state = 'failed';
        this.logger.error(
          `delivery to ${e.sink} failed for good after ${e.attempts} attempt(s): ${error.message}`,
        );
      } else {
        const backoff = Math.min(MAX_BACKOFF, MIN_BACKOFF * 2 ** (e.attempts - 1));
        e.nextAttemptAt = now + backoff;
        this.logger.warn(
          `delivery to ${e.sink} failed (attempt ${e.attempts}, retry in ${backoff / 1000}s): ${error.message}`,
        );
      }
    }
    this.record(e, now, error?.message ?? null);
    this.save();
    this.kick();
  }

  /** Drop a waiting notification that a long backlog made stale; the record says so. */
  private supersede(e: OutboxEntry, now: number): void {
    this.entries.splice(this.entries.indexOf(e), 1);
    this.logger.warn(
      `delivery to ${e.sink}: more than ${MAX_BACKLOG} notifications of ${e.notification.groupKey} waiting; dropped the oldest`,
    );
    this.record(
      e,
      now,
      `superseded: more than ${MAX_BACKLOG} notifications waiting for this group`,
    );
  }

  private record(e: OutboxEntry, now: number, error: string | null): void {
    const record: DeliveryRecord = {
      id: e.id,
      sink: e.sink,
      groupKey: e.notification.groupKey,
      status: e.notification.status,
      alerts: e.notification.alerts.length,
      at: now,
      ok: error === null,
      attempts: e.attempts,
      error,
    };
    this.recent.push(record);
    if (this.recent.length > RECENT) this.recent.splice(0, this.recent.length - RECENT);
    this.onDelivery(record);
  }

  private save(): void {
    try {
      writeJsonAtomic(this.file, {
        entries: this.entries,
        recent: this.recent,
        sequences: this.sequences,
      } satisfies OutboxFile);
    } catch (err) {
      this.logger.error(`could not save the outbox ${this.file}: ${(err as Error).message}`);
    }
  }
}

/** True when `newer` tells a receiver everything `older` would: each alert at least as far along. */
export function subsumes(newer: Notification, older: Notification): boolean {
  const now = new Map(newer.alerts.map((a) => [a.fingerprint, a.status]));
  return older.alerts.every((a) => {
    const status = now.get(a.fingerprint);
    return status === a.status;
  });
}
