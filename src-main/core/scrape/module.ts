/**
 * The scrape engine module: expands the configured jobs into targets and scrapes each at its
 * interval, appending every sample to the series store. A target that is ccmon's own exporter (the
 * seed's `sandbox` job at :9100, where its claude_code_exporter.py ran) is read in-process
 * (self-target.ts); without such a job, an implicit job `ccmon` does that.
 */
import type { RequestHandlers } from '../api.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import { delayUntil, granuleFor, gridNow, gridOffset, nextDue } from '../system/cadence.js';
import type { SeriesAppender } from '../tsdb/types.js';
import type { ScrapeConfig } from './config.js';
import { implicitSelfSpec, selfTarget, type SelfScrape } from './self-target.js';
import { ScrapeTarget, type TargetSpec } from './target.js';

export interface ScrapeModuleOptions {
  config: ScrapeConfig;
  appender: SeriesAppender;
  logger: Logger;
  /** host:port of ccmon's own exporter, when it runs. */
  selfAddress?: { host: string; port: number } | null;
  /** ccmon's own registry, stored like a target's (without it, a job at the exporter is skipped). */
  self?: SelfScrape | null;
}

export interface ScrapeModule extends EngineModule {
  handlers: Pick<RequestHandlers, 'targets.list'>;
  targets(): ScrapeTarget[];
  /** Scrape every active target once now (tests, `ccmon check`). */
  scrapeAll(): Promise<void>;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

export function expandTargets(config: ScrapeConfig): TargetSpec[] {
  const out: TargetSpec[] = [];
  for (const job of config.jobs) {
    if (!job.enabled) continue;
    for (const group of job.staticConfigs) {
      for (const address of group.targets) {
        const url = new URL(`${job.scheme}://${address}${job.metricsPath}`);
        for (const [k, values] of Object.entries(job.params))
          for (const v of values) url.searchParams.append(k, v);
        const interval = job.interval ?? config.interval;
        out.push({
          job: job.name,
          address,
          url,
          // Prometheus: static labels may override instance but job comes from job_name.
          labels: { instance: address, ...group.labels, job: job.name },
          intervalMs: interval,
          // Prometheus caps scrape_timeout at the interval.
          timeoutMs: Math.min(job.timeout ?? config.timeout, interval),
          honorLabels: job.honorLabels,
          bodySizeLimit: job.bodySizeLimit ?? config.bodySizeLimit,
        });
      }
    }
  }
  return out;
}

/**
 * The timestamp of a scrape that began at `now` for the tick scheduled at `tick`: the tick itself
 * when the timer fired within the tolerance, so every scrape of a target lands on its interval grid
 * (Prometheus's scrape loop aligns to its ticker within --scrape.timestamp-tolerance, exact
 * intervals also encode in fewer bits); the actual start when the timer fired late. Node's timers
 * fire a few ms late routinely, more under load, hence 1 % of the interval (at most 100 ms) rather
 * than Prometheus's 2 ms.
 */
export function stampFor(now: number, tick: number, intervalMs: number): number {
  return Math.abs(now - tick) <= alignTolerance(intervalMs) ? tick : now;
}

function alignTolerance(intervalMs: number): number {
  return Math.min(intervalMs / 100, 100);
}

export function isSelf(
  spec: TargetSpec,
  self: { host: string; port: number } | null | undefined,
): boolean {
  if (!self) return false;
  const port = Number(spec.url.port || (spec.url.protocol === 'https:' ? 443 : 80));
  if (port !== self.port) return false;
  const host = spec.url.hostname;
  return (
    host === self.host ||
    (LOOPBACK.has(host) && (LOOPBACK.has(self.host) || self.host === '0.0.0.0'))
  );
}

export function createScrapeModule(opts: ScrapeModuleOptions): ScrapeModule {
  const self = opts.self ?? null;
  const targets = expandTargets(opts.config).map((spec) => {
    if (!isSelf(spec, opts.selfAddress)) return new ScrapeTarget(spec, opts.appender);
    if (self) return selfTarget(spec, self);
    return new ScrapeTarget(spec, opts.appender, {
      skipReason: `not scraped: ${spec.address} is ccmon's own exporter (the seed's exporter port)`,
    });
  });
  if (self && !targets.some((t) => isSelf(t.spec, opts.selfAddress)))
    targets.push(selfTarget(implicitSelfSpec(opts.config, opts.selfAddress), self));
  const active = targets.filter((t) => t.health.health !== 'skipped');
  const granule = granuleFor(active.length);
  const timers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<unknown>>();
  const stopping = new AbortController();
  let running = false;

  const scrapeOne = (t: ScrapeTarget, at?: number) => {
    const p = t.scrape(stopping.signal, at).then((h) => {
      if (h.health === 'down') opts.logger.debug(`scrape ${h.job} ${h.instance}: ${h.lastError}`);
    });
    inflight.add(p);
    return p.finally(() => inflight.delete(p));
  };

  /**
   * Scrape `t` when `due` comes, then at each time of its grid: the agent's wake-up grid
   * (core/system/cadence.ts, monotonic), offset by the target as Prometheus offsets each target's
   * loop. Grid times missed (the laptop slept, the loop was blocked, a scrape ran long) are
   * skipped, not caught up, as Go's ticker drops them in Prometheus's scrape loop.
   */
  const loop = (t: ScrapeTarget, due: number, clocks: { wallMinusGrid: number }) => {
    if (!running) return;
    const interval = t.spec.intervalMs;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const now = Date.now();
      // Stamps are the grid time read on the wall clock, pinned once so a target's samples sit
      // exactly one interval apart; pinned again when the wall clock stepped (NTP, a manual
      // change), so samples are never stamped ahead of or behind the clock.
      const wallMinusGrid = now - gridNow();
      if (Math.abs(wallMinusGrid - clocks.wallMinusGrid) > alignTolerance(interval))
        clocks.wallMinusGrid = wallMinusGrid;
      const stamp = stampFor(now, Math.round(due + clocks.wallMinusGrid), interval);
      void scrapeOne(t, stamp).finally(() => {
        const offset = gridOffset(`${t.spec.job}/${t.spec.address}`, interval, granule);
        loop(t, nextDue(interval, offset, due, gridNow()), clocks);
      });
    }, delayUntil(due));
    timer.unref();
    timers.add(timer);
  };

  return {
    name: 'scrape',
    handlers: { 'targets.list': async () => targets.map((t) => ({ ...t.health })) },
    targets: () => targets,
    scrapeAll: async () => {
      await Promise.all(active.map((t) => scrapeOne(t)));
    },
    async start() {
      if (running) return;
      running = true;
      // First scrapes at once, spread over a second; then each target on its grid time.
      const now = gridNow();
      const clocks = { wallMinusGrid: Date.now() - now };
      active.forEach((t, i) =>
        loop(t, now + Math.round((i / Math.max(1, active.length)) * 1000), { ...clocks }),
      );
    },
    async stop() {
      running = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      stopping.abort();
      await Promise.allSettled([...inflight]);
    },
  };
}
