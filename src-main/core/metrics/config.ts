/**
 * The `exporter` config section: ccmon's own Prometheus endpoint. 127.0.0.1:9100 by default, the
 * port of the seed's claude_code_exporter.py that ccmon replaces (STYLE: loopback unless configured).
 * On a host that already runs node_exporter (also :9100) set another port; the agent keeps running
 * without its exporter and says so if the port is taken.
 */
import { z } from 'zod';
import { parseDuration } from '../duration.js';

/** Longer reuse would serve values older than the shortest scrape interval anyone uses. */
const MAX_CACHE_MS = 10_000;

export const exporterSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9100),
    /**
     * How long one rendering of /metrics is served to further scrapes: values are at most this
     * old. Prometheus scrapes a target at most once per scrape interval, so this only matters
     * when several scrapers ask within the window (it keeps 200 of them from starving the
     * agent). `0s` renders for every scrape; scrapes arriving during a render still share it.
     */
    cacheFor: z
      .string()
      .refine((s) => {
        const ms = parseDuration(s);
        return ms !== null && ms <= MAX_CACHE_MS;
      }, 'expected a duration from 0s to 10s, such as 1s or 500ms')
      .default('1s'),
    /**
     * Scrapes answered at once; beyond, 503 with Retry-After: 1 (node_exporter's
     * --web.max-requests, whose default is 40). 0 = no limit.
     */
    maxRequests: z.number().int().min(0).default(256),
    /**
     * Export the agent's event-loop delay (nodejs_eventloop_lag_*_seconds, from a
     * perf_hooks monitor sampling every 20 ms). Off by default: the monitor's timer costs idle CPU.
     */
    eventLoopDelay: z.boolean().default(false),
  })
  .strict();

export type ExporterConfig = z.output<typeof exporterSchema>;
