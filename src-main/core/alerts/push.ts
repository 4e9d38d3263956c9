/**
 * Alertmanager push: every batch of alerts the rule engine sends is forwarded to real Alertmanagers
 * with POST /api/v2/alerts, as Prometheus's notifier does. Unlike Prometheus (which drops a batch
 * when a send fails and relies on the next evaluation), the latest state of each alert is kept per
 * target, persisted, and retried with backoff, so a resolution is not lost while the target is down.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { Clock } from './clock.js';
import { fingerprint } from './matchers.js';
import { readJsonOr, writeJsonAtomic } from '../atomic-file.js';
import type { PostableAlert } from './postable.js';
import { postJson } from './sinks/sink.js';

const MAX_PENDING = 10_000;
const MAX_BACKOFF = 5 * 60_000;

export class AlertmanagerPush {
  private pending: Record<string, PostableAlert>;
  private readonly file: string;
  private failures = 0;
  private sending = false;
  private cancel: (() => void) | null = null;
  private stopped = true;
  lastError: string | null = null;

  constructor(
    readonly url: string,
    dir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    const id = createHash('sha256').update(url).digest('hex').slice(0, 12);
    this.file = join(dir, `push-${id}.json`);
    this.pending = readJsonOr<Record<string, PostableAlert>>(this.file, {}, logger);
  }

  get pendingCount(): number {
    return Object.keys(this.pending).length;
  }

  start(): void {
    this.stopped = false;
    if (this.pendingCount) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
  }

  enqueue(alerts: PostableAlert[]): void {
    for (const a of alerts) this.pending[fingerprint(a.labels)] = a;
    const keys = Object.keys(this.pending);
    // Bounded: drop the oldest entries (insertion order) rather than grow without limit.
    for (const k of keys.slice(0, Math.max(0, keys.length - MAX_PENDING))) delete this.pending[k];
    this.save();
    if (!this.sending && this.failures === 0) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.cancel?.();
    this.cancel = this.clock.setTimer(() => void this.flush(), ms);
  }

  /** One POST with everything pending; exposed for tests and shutdown. */
  async flush(): Promise<boolean> {
    if (this.sending || this.pendingCount === 0) return true;
    this.sending = true;
    const batch = { ...this.pending };
    try {
      await postJson(
        new URL('/api/v2/alerts', this.url).toString(),
        Object.values(batch),
        `alertmanager ${this.url}`,
      );
      for (const [k, a] of Object.entries(batch)) if (this.pending[k] === a) delete this.pending[k];
      this.failures = 0;
      this.lastError = null;
      this.save();
      return true;
    } catch (err) {
      this.failures++;
      this.lastError = (err as Error).message;
      const backoff = Math.min(MAX_BACKOFF, 1000 * 2 ** (this.failures - 1));
      this.logger.warn(
        `push to ${this.url} failed (${this.lastError}); retry in ${backoff / 1000}s`,
      );
      this.schedule(backoff);
      return false;
    } finally {
      this.sending = false;
      if (this.pendingCount && this.failures === 0) this.schedule(0);
    }
  }

  private save(): void {
    try {
      writeJsonAtomic(this.file, this.pending);
    } catch (err) {
      this.logger.error(`could not save ${this.file}: ${(err as Error).message}`);
    }
  }
}
