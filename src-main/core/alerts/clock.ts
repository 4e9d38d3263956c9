/**
 * Time as the notifier sees it. Group timers (group_wait, group_interval), retries and expiry all
 * go through a Clock so tests can step through hours of Alertmanager behaviour deterministically.
 * `now` is wall time (timestamps, what senders put in startsAt/endsAt); `monotonic` only moves
 * forward with elapsed time, so comparing the two reveals a wall-clock jump (NTP step, manual
 * change) or a suspend (the monotonic clock stops while the machine sleeps).
 */
export interface Clock {
  now(): number;
  /** Milliseconds from an arbitrary origin, never set back (performance.now). */
  monotonic?(): number;
  /** Run fn after ms; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** A clock that only moves when told to; timers fire in time order during advance(). */
export class ManualClock implements Clock {
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  /** Wall time minus monotonic time: changed only by jump(). */
  private offset = 0;

  constructor(private t = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.t + this.offset;
  }

  monotonic(): number {
    return this.t;
  }

  /** Set the wall clock by ms (an NTP step, a manual change); no time passes, no timer fires. */
  jump(ms: number): void {
    this.offset += ms;
  }

  setTimer(fn: () => void, ms: number): () => void {
    // Timers run on elapsed (monotonic) time, as setTimeout does.
    const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** Move time forward, firing due timers in order (timers they schedule fire too when due). */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      // Let promise chains started by the timer (deliveries) settle before the next one.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.t = target;
  }
}
