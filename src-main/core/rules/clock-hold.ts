/**
 * Rule evaluation held after the wall clock steps back (an NTP correction of −10 min, a manual
 * change), until wall time passes what it showed before the step.
 *
 * Why: the store already holds samples up to the pre-step time and, as Prometheus's does,
 * refuses samples older than a series' newest. Evaluating at the stepped-back time would replay
 * history that already produced alerts (a firing alert "resolves" because its condition did not
 * hold ten minutes earlier, then fires again), see no data at all for series younger than the
 * step (`absent()` fires), and append ALERTS samples the store refuses. So, as when monitoring is
 * paused, nothing new fires or resolves: alert state is kept, firing alerts keep being re-sent on
 * their cadence (so the notifier does not expire them), and evaluation resumes once the clock has
 * caught up, when fresh scrapes are stored again. The hold is at most the step's length.
 *
 * Chosen over an engine clock that slews (never backward, converging to wall time): that clock
 * would have to stamp every sample in every module (scrapes, checks, OTLP, jobs) to keep the
 * store's order, and every stored time would then differ from the wall clock users read; the
 * hold touches only the rule manager, loses nothing the store keeps, and gives no false alert.
 * Time spent held does not count towards a pending alert's `for`: its condition was not observed.
 */

import type { SeriesQuerier } from '../tsdb/types.js';

export interface HoldView {
  /** ISO time evaluation resumes. */
  until: string;
  reason: string;
}

export class EvaluationHold {
  private until = 0;
  private since = 0;
  private stepMs = 0;
  private found: 'step' | 'store' = 'step';

  /**
   * The wall clock jumped by `jumpMs` as seen at `now` (− back, + forward). After a step back,
   * every time written before it is at most now − jumpMs (what the clock would show without the
   * step): evaluation waits for that. A jump while held also moves the start of the hold, so the
   * held time stays time that really passed.
   */
  clockMoved(now: number, jumpMs: number, found: 'step' | 'store' = 'step'): void {
    if (this.until > 0) this.since += jumpMs;
    if (jumpMs >= 0) return;
    const until = now - jumpMs;
    if (until <= this.until) return;
    if (this.until === 0) this.since = now;
    this.until = until;
    this.stepMs = -jumpMs;
    this.found = found;
  }

  /** Whether evaluation at wall time `ts` waits. */
  holds(ts: number): boolean {
    return this.until > 0 && ts < this.until;
  }

  /**
   * Once evaluation may resume at `ts`: how long it was held (ms; once, then 0), so that pending
   * alerts' `for` can leave that time out.
   */
  release(ts: number): number {
    if (this.until === 0 || ts < this.until) return 0;
    const held = Math.max(0, ts - this.since);
    this.until = 0;
    this.since = 0;
    this.stepMs = 0;
    return held;
  }

  /** For rules.list: why rules are not evaluated right now, or null. */
  view(now: number): HoldView | null {
    if (!this.holds(now)) return null;
    const s = Math.round(this.stepMs / 1000);
    return {
      until: new Date(this.until).toISOString(),
      reason:
        (this.found === 'step'
          ? `the system clock was set back by ${s} s`
          : `the system clock is ${s} s behind samples ccmon stored before it started`) +
        '; rules wait until it passes the time of the newest stored samples (alerts keep their state meanwhile)',
    };
  }
}

/** Series only ccmon itself writes, stamped by its own clock (scraped samples may carry their own). */
const OWN_SERIES = ['ccmon_check_up', 'ALERTS_FOR_STATE'];

/**
 * The newest sample at or after `from` among ccmon's own series, or null: at start, a clock
 * behind what ccmon itself stored before (set back while the agent was stopped) is a step too.
 */
export function newestOwnSample(querier: SeriesQuerier, from: number): number | null {
  let newest: number | null = null;
  for (const name of OWN_SERIES)
    for (const series of querier.select(
      [{ name: '__name__', op: '=', value: name }],
      from,
      Infinity,
    ))
      for (const sample of series.samples)
        if (newest === null || sample.t > newest) newest = sample.t;
  return newest;
}
