/**
 * The monitoring switch's part of AgentApi: pause every check, scrape and rule evaluation (for a
 * while, or until resumed), resume, and read the state. A pause survives a restart until it ends.
 */
import { z } from 'zod';
import { defineRequest } from '../contract.js';
import { parseDuration } from '../duration.js';

export interface MonitoringState {
  paused: boolean;
  /** ISO time the pause began; null when running. */
  since: string | null;
  /** ISO time the pause ends by itself; null until resumed (or when running). */
  until: string | null;
  /** Who or what asked for the pause ("tray", "dashboard", …), for the banner and the log. */
  by: string | null;
}

/** The longest timed pause: a week; longer than that is "until resumed". */
export const MAX_PAUSE_MS = 7 * 24 * 3600_000;

const pauseDuration = z.string().refine((s) => {
  const ms = parseDuration(s);
  return ms !== null && ms > 0 && ms <= MAX_PAUSE_MS;
}, 'expected a duration between 1s and 1w, such as 15m, 1h or 8h (leave it out to pause until resumed)');

export const monitoringRequests = {
  /** Stop checks, scrapes and rule evaluation; `for` ends the pause by itself. */
  'monitoring.pause': defineRequest<MonitoringState>()(
    z.object({ for: pauseDuration.optional(), by: z.string().min(1).max(100).optional() }).strict(),
  ),
  /** Start them again at once (a first round of checks runs before rules evaluate). */
  'monitoring.resume': defineRequest<MonitoringState>()(z.object({}).strict()),
  'monitoring.state': defineRequest<MonitoringState>()(z.object({}).strict()),
};

export interface MonitoringEvents {
  /** The pause state changed. */
  monitoring: MonitoringState;
}
