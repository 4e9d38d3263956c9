/**
 * What both backends share: the time windows each query covers, paging bounds, and the shaping of
 * per-day and per-window counts into results. Keeping this in one place is what makes the local
 * and Elasticsearch answers comparable field for field.
 */
import type { DayCounts, WindowCounts } from './query.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_RESULT_WINDOW,
  type AnomalyReport,
  type AnomalyVerdict,
  type UserActivity,
} from './types.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Bad query parameters (exit 2 in the CLI, bad_request over the API). */
export class LogQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogQueryError';
  }
}

export function nowMs(now?: string): number {
  if (now === undefined) return Date.now();
  const t = Date.parse(now);
  if (!Number.isFinite(t)) throw new LogQueryError(`now: '${now}' is not an ISO 8601 time`);
  return t;
}

export function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0)
    throw new LogQueryError(`${name} must be a positive number, got ${v}`);
  return v;
}

/** The seed's "last N hours": [now − N h, now], both ends inclusive. */
export function hoursWindow(hours: number, now?: string): { since: number; until: number } {
  const until = nowMs(now);
  return { since: until - positive('hours', hours) * HOUR, until };
}

export interface Page {
  offset: number;
  limit: number;
}

/** Paging within Elasticsearch's result window, so both backends accept the same pages. */
export function page(offset = 0, limit = DEFAULT_PAGE_SIZE): Page {
  if (!Number.isInteger(offset) || offset < 0)
    throw new LogQueryError(`offset must be a whole number ≥ 0, got ${offset}`);
  if (!Number.isInteger(limit) || limit < 0)
    throw new LogQueryError(`limit must be a whole number ≥ 0, got ${limit}`);
  if (offset + limit > MAX_RESULT_WINDOW)
    throw new LogQueryError(
      `offset + limit must be at most ${MAX_RESULT_WINDOW}, got ${offset + limit}`,
    );
  return { offset, limit };
}

/** "Over N days": N whole UTC calendar days, today included, up to now. */
export function daysWindow(days: number, now?: string): { since: number; until: number } {
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new LogQueryError(`days must be a whole number from 1 to 366, got ${days}`);
  const until = nowMs(now);
  const today = Math.floor(until / DAY) * DAY;
  return { since: today - (days - 1) * DAY, until };
}

export function buildUserActivity(
  userId: string,
  days: number,
  win: { since: number; until: number },
  counts: DayCounts,
): UserActivity {
  const daily = [];
  for (let t = Math.floor(win.until / DAY) * DAY; t >= win.since; t -= DAY) {
    const date = new Date(t).toISOString().slice(0, 10);
    const c = counts[date] ?? { requests: 0, tokens: 0 };
    daily.push({ date, requests: c.requests, tokens: c.tokens });
  }
  return {
    userId,
    days,
    from: new Date(win.since).toISOString(),
    to: new Date(win.until).toISOString(),
    totalRequests: daily.reduce((a, d) => a + d.requests, 0),
    totalTokens: daily.reduce((a, d) => a + d.tokens, 0),
    daily,
  };
}

/** Previous window [now − 2h, now − h), current [now − h, now] (log_analyzer.py's two queries). */
export function anomalyWindows(hours: number, now?: string) {
  const until = nowMs(now);
  const h = positive('hours', hours) * HOUR;
  return { since: until - 2 * h, mid: until - h, until };
}

export function buildAnomalyReport(
  hours: number,
  win: { since: number; mid: number; until: number },
  counts: WindowCounts,
  services: string[],
  factor: number,
  minRequests: number,
): AnomalyReport {
  const iso = (t: number) => new Date(t).toISOString();
  const verdict = (previous: number, current: number, before: number): AnomalyVerdict => {
    const prevRate = previous / hours;
    const curRate = current / hours;
    const baseline = before > 0;
    return {
      anomaly: baseline && current >= minRequests && curRate > factor * prevRate,
      baseline,
      current: { from: iso(win.mid), to: iso(win.until), requests: current, ratePerHour: curRate },
      previous: {
        from: iso(win.since),
        to: iso(win.mid),
        requests: previous,
        ratePerHour: prevRate,
      },
      thresholdPerHour: factor * prevRate,
    };
  };
  let prev = 0;
  let cur = 0;
  let before = 0;
  for (const c of Object.values(counts)) {
    prev += c.previous;
    cur += c.current;
    before += c.before;
  }
  return {
    ...verdict(prev, cur, before),
    windowHours: hours,
    factor,
    minRequests,
    services: services.map((service) => ({
      service,
      ...verdict(
        counts[service]?.previous ?? 0,
        counts[service]?.current ?? 0,
        counts[service]?.before ?? 0,
      ),
    })),
  };
}
