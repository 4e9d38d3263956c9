/** The scraper's part of AgentApi: every target with its health, as Prometheus's /targets page. */
import { z } from 'zod';
import { defineRequest } from '../contract.js';

export const scrapeRequests = {
  /** Every configured scrape target with its last scrape's outcome. */
  'targets.list': defineRequest<TargetHealth[]>()(z.object({}).strict()),
};

/** One scrape target's state, as the dashboard's targets view shows it. */
export interface TargetHealth {
  job: string;
  instance: string;
  url: string;
  labels: Record<string, string>;
  health: 'up' | 'down' | 'unknown' | 'skipped';
  /** Why the last scrape failed, or why the target is skipped. */
  lastError: string | null;
  lastScrape: string | null;
  lastScrapeDurationSeconds: number | null;
  samples: number;
  /** Non-fatal notes about the exposition in the last scrape (duplicate series). */
  warnings: string[];
  /**
   * Samples of the last scrape the series store refused, one line per reason (the series limit
   * reached): the scrape itself succeeded, but these series are not being stored.
   */
  appendErrors: string[];
  intervalMs: number;
}
