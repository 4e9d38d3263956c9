/**
 * Times for usage data a test books "now" and then looks for by day. Stamped a minute or two in the
 * past, as a real exporter's points are, data made just after midnight (UTC) lands on yesterday
 * while the test expects today: CI runs at 00:0x failed that way. These keep the stamp within today.
 */
const DAY_MS = 86_400_000;

/** `ago` ms before now, but not before today's midnight (UTC). */
export function earlierToday(ago: number): number {
  const now = Date.now();
  return Math.max(now - ago, now - (now % DAY_MS));
}

/** The UTC day (`YYYY-MM-DD`) of a time in ms: the day its usage is booked on. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
