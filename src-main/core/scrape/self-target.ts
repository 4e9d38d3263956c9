/**
 * ccmon's own metrics in its own store, as a Prometheus scraping ccmon's exporter would have them,
 * so rules over them work locally (BackupStale on ccmon_backup_*, DiskWillFillIn4Hours and
 * HighMemoryUsage on the node_* host metrics) and charts can show them. The registry is read
 * in-process at the scrape interval, never over HTTP, and stored under the job that points at the
 * exporter (the seed's `sandbox` job at :9100), or an implicit job `ccmon` when none does.
 */
import type { SeriesAppender } from '../tsdb/types.js';
import type { ScrapeConfig } from './config.js';
import { ScrapeTarget, type ExpositionSource, type TargetSpec } from './target.js';

export interface SelfScrape {
  /** ccmon's registry rendered in-process, only the families `keepFamily` accepts. */
  render: (keepFamily: (name: string) => boolean) => ReturnType<ExpositionSource>;
  /** The store itself: ccmon's own numbers skip the usage tap. */
  appender: SeriesAppender;
}

/**
 * Families the store already holds from their own source, dropped from ccmon's exposition (as a
 * metric_relabel_configs `drop` would): claude_code_* come from the API's /metrics, LiteLLM and
 * Claude Code's telemetry, and storing ccmon's re-export too would count the same traffic twice
 * (the seed's double counting); the checks module stores each ccmon_check_* result at its time.
 */
export function storedFromItsSource(metricName: string): boolean {
  return metricName.startsWith('claude_code_') || metricName.startsWith('ccmon_check_');
}

export function selfTarget(spec: TargetSpec, self: SelfScrape): ScrapeTarget {
  const keep = (name: string) => !storedFromItsSource(name);
  return new ScrapeTarget(spec, self.appender, {
    // Dropped families are not even collected; `keep` still filters what comes back.
    source: () => self.render(keep),
    keep,
    displayUrl: `${spec.url} (read in-process)`,
  });
}

/** The target for ccmon itself when no configured job points at its exporter. */
export function implicitSelfSpec(
  config: ScrapeConfig,
  exporter: { host: string; port: number } | null | undefined,
): TargetSpec {
  const host = exporter?.host.includes(':') ? `[${exporter.host}]` : exporter?.host;
  const address = exporter ? `${host}:${exporter.port}` : 'localhost';
  return {
    job: 'ccmon',
    address,
    url: new URL(`http://${address}/metrics`),
    labels: { instance: address, job: 'ccmon' },
    intervalMs: config.interval,
    timeoutMs: Math.min(config.timeout, config.interval),
    honorLabels: false,
    bodySizeLimit: config.bodySizeLimit,
  };
}
