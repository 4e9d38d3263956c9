/** The outbox's records: what waits (OutboxEntry), what was attempted (DeliveryRecord). */
import type { Notification } from './notification.js';
import type { Sink } from './sinks/sink.js';

/** What the notification log records for a notification; replayed if a crash lost the log write. */
export interface LoggedState {
  firing: string[];
  resolved: string[];
  at: number;
}

export interface OutboxEntry {
  id: string;
  /** Coalescing and ordering key: group key + integration. */
  key: string;
  /** `receiver/type[index]`. */
  sink: string;
  notification: Notification;
  state: 'pending' | 'failed';
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastError: string | null;
  idempotencyKey: string;
  sequence: number;
  logged?: LoggedState;
}

export interface DeliveryRecord {
  id: string;
  sink: string;
  groupKey: string;
  status: Notification['status'];
  alerts: number;
  at: number;
  ok: boolean;
  attempts: number;
  error: string | null;
}

/** One notification of a group flush, for add(). */
export interface OutboxItem {
  key: string;
  sink: Sink;
  notification: Notification;
  logged?: LoggedState;
}
