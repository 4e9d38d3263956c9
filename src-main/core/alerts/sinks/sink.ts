/**
 * A receiver integration (Alertmanager's notify.Integration): one e-mail, Slack, webhook or desktop
 * config of a receiver. `send` throws DeliveryError; `retryable: false` means retrying cannot help
 * (a 4xx other than 408/429, a rejected recipient), so the outbox gives up at once.
 */
import type { Notification } from '../notification.js';

export type SinkType = 'email' | 'slack' | 'webhook' | 'desktop' | 'alertmanager';

export interface Sink {
  readonly receiver: string;
  readonly type: SinkType;
  /** Position among the receiver's configs of this type (Alertmanager: `email[0]`). */
  readonly index: number;
  readonly sendResolved: boolean;
  send(n: Notification, delivery?: DeliveryMeta): Promise<void>;
}

/**
 * What identifies one notification across retries and restarts. The outbox is at-least-once (as
 * Alertmanager is): a crash after a receiver accepted a request but before the outbox recorded it
 * sends the same notification again, with the same key, so the receiver can drop the duplicate.
 */
export interface DeliveryMeta {
  /** `<hash of group key and integration>-<sequence>-<creation ms, base 36>`: the same on every attempt. */
  idempotencyKey: string;
  /** Per group and integration, +1 for every new notification (gaps mean superseded ones). */
  sequence: number;
}

/** HTTP headers carrying DeliveryMeta (the IETF draft's Idempotency-Key, plus the sequence). */
export function deliveryHeaders(d: DeliveryMeta | undefined): Record<string, string> {
  return d ? { 'Idempotency-Key': d.idempotencyKey, 'X-Ccmon-Sequence': String(d.sequence) } : {};
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export function sinkId(s: Pick<Sink, 'receiver' | 'type' | 'index'>): string {
  return `${s.receiver}/${s.type}[${s.index}]`;
}

/** Alertmanager's retry rule for HTTP integrations: 5xx and 429/408 are worth retrying. */
export async function checkHttpResponse(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  const body = (await res.text().catch(() => '')).slice(0, 200);
  const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
  throw new DeliveryError(`${what}: HTTP ${res.status}${body ? `: ${body}` : ''}`, retryable);
}

/** POST JSON with a timeout; network failures are retryable. */
export async function postJson(
  url: string,
  body: unknown,
  what: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'ccmon', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new DeliveryError(
      `${what}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      true,
    );
  }
  await checkHttpResponse(res, what);
}
