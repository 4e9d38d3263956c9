/**
 * One scrape target with Prometheus's semantics (scrape/scrape.go): target labels job and instance
 * plus static labels; on a clash with an exposed label the exposed one becomes exported_<name>
 * unless honor_labels; report series up, scrape_duration_seconds, scrape_samples_scraped; series
 * that vanish, or every series when the scrape fails, get a staleness marker. Every sample of a
 * scrape carries the scrape's scheduled time (scrape.go's appendTime), not its time of receipt.
 */
import type { TargetHealth } from './contract.js';
import { httpGet, HttpProbeError } from '../checks/http-get.js';
import {
  formatLabels,
  SeriesLimitError,
  setLabel,
  type Labels,
  type SeriesAppender,
} from '../tsdb/types.js';
import { ExpositionError, formatOf, parseScrape, seriesKey } from './exposition.js';

// Prometheus's default Accept header for scrapes (OpenMetrics preferred, text 0.0.4 accepted).
const ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
  'text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export interface TargetSpec {
  job: string;
  /** host:port as written in static_configs. */
  address: string;
  url: URL;
  /** job, instance and static labels. */
  labels: Record<string, string>;
  intervalMs: number;
  timeoutMs: number;
  honorLabels: boolean;
  bodySizeLimit: number;
}

/**
 * A series seen in the previous scrape, keyed by its text as exposed (Prometheus's scrapeCache):
 * a series scraped again costs no relabelling or keying, and the store receives the same frozen
 * label object every time, which its appender looks up by identity.
 */
interface CachedSeries {
  labels: Labels;
  key: string;
  /** Number of the last scrape that stored a sample of it (ScrapeTarget.scrapes). */
  scrape: number;
}

/** An exposition read some other way than over HTTP (ccmon's own registry, in-process). */
export type ExpositionSource = () => Promise<{ body: string; contentType: string | undefined }>;

export interface ScrapeTargetOptions {
  /** Listed but never scraped, for this reason. */
  skipReason?: string | null;
  /** Where the exposition comes from instead of GET spec.url. */
  source?: ExpositionSource;
  /** Metric names to store (metric_relabel_configs' `drop`, by name); default: all. */
  keep?: (metricName: string) => boolean;
  /** What the targets view shows as the URL (default: spec.url). */
  displayUrl?: string;
}

/** At most this many distinct notes of each kind are kept per scrape. */
const MAX_NOTES = 20;

export class ScrapeTarget {
  /**
   * Series of the last successful scrape, by exposed text, and the same series by labelled key
   * (`live`: what gets a staleness marker when it is missing next time). Both are kept from one
   * scrape to the next and pruned of what a scrape did not store, rather than built anew each
   * scrape: a scrape of unchanged series then only looks its series up.
   */
  private readonly cache = new Map<string, CachedSeries>();
  private readonly live = new Map<string, CachedSeries>();
  private scrapes = 0;
  private readonly reportLabels: Record<'up' | 'duration' | 'samples', Labels>;
  /** Store refusals during the scrape in progress (the next scrape starts a fresh list). */
  private appendErrors: string[] = [];
  /** Series the store's limit refused in the scrape in progress: one note for all of them. */
  private limitRefusals: { error: SeriesLimitError; count: number } | null = null;
  /** Exposed series texts `keep` turned down, so they are not split into labels again. */
  private readonly dropped = new Set<string>();
  private readonly known = {
    has: (series: string) => this.cache.has(series) || this.dropped.has(series),
  };
  readonly health: TargetHealth;

  constructor(
    readonly spec: TargetSpec,
    private readonly appender: SeriesAppender,
    private readonly options: ScrapeTargetOptions = {},
  ) {
    const skipReason = options.skipReason ?? null;
    const report = (name: string) => Object.freeze({ ...spec.labels, __name__: name });
    this.reportLabels = {
      up: report('up'),
      duration: report('scrape_duration_seconds'),
      samples: report('scrape_samples_scraped'),
    };
    this.health = {
      job: spec.job,
      instance: spec.labels.instance ?? spec.address,
      url: options.displayUrl ?? spec.url.toString(),
      labels: spec.labels,
      health: skipReason ? 'skipped' : 'unknown',
      lastError: skipReason,
      lastScrape: null,
      lastScrapeDurationSeconds: null,
      samples: 0,
      warnings: [],
      appendErrors: [],
      intervalMs: spec.intervalMs,
    };
  }

  /**
   * One scrape; never throws (a failure is recorded as up=0 with its reason). `at` is the time
   * every sample without its own timestamp is stored at: the scrape loop passes the scheduled tick
   * time, as Prometheus stamps a whole scrape with its start (default: now).
   */
  async scrape(signal?: AbortSignal, at: number = Date.now()): Promise<TargetHealth> {
    const t0 = performance.now();
    const n = ++this.scrapes;
    let error: string | null = null;
    let warnings: string[] = [];
    let appended = 0;
    this.appendErrors = [];
    this.limitRefusals = null;
    try {
      const answer = await (this.options.source ?? (() => this.fetch(signal)))();
      // Series of the last scrape keep their labels: only new ones are split into labels.
      const parsed = parseScrape(answer.body, formatOf(answer.contentType), this.known);
      warnings = parsed.warnings;
      const samples = parsed.samples;
      for (let i = 0; i < samples.length; i++) {
        const s = samples[i]!;
        let series = this.cache.get(s.series);
        if (!series) {
          if (s.labels === null) continue; // known because dropped
          if (this.options.keep && !this.options.keep(s.labels.__name__!)) {
            this.dropped.add(s.series);
            continue;
          }
          const labels = Object.freeze(this.targetLabels(s.labels));
          const key = seriesKey(labels);
          // Two exposed series can collapse into one after labelling (honor_labels): the first
          // of this scrape wins, and a series exposed under another text than last time is the
          // same series.
          series = this.live.get(key);
          if (series?.scrape === n) {
            warnings.push(`series ${formatLabels(series.labels)} repeated after labelling`);
            continue;
          }
          if (!series) this.live.set(key, (series = { labels, key, scrape: 0 }));
          this.cache.set(s.series, series);
        } else if (series.scrape === n) {
          warnings.push(`series ${formatLabels(series.labels)} repeated after labelling`);
          continue;
        }
        series.scrape = n;
        this.safeAppend(series.labels, s.timestampMs ?? at, s.value);
        appended++;
      }
    } catch (err) {
      error =
        err instanceof ExpositionError
          ? `invalid exposition from ${this.spec.url.host}${this.spec.url.pathname}: ${err.message}`
          : err instanceof HttpProbeError
            ? err.message
            : (err as Error).message;
    }
    // Staleness: series of the previous scrape missing now (all of them when the scrape failed).
    this.forget(error ? -1 : n, at);

    const duration = (performance.now() - t0) / 1000;
    this.safeAppend(this.reportLabels.up, at, error ? 0 : 1);
    this.safeAppend(this.reportLabels.duration, at, duration);
    this.safeAppend(this.reportLabels.samples, at, appended);
    Object.assign(this.health, {
      health: error ? 'down' : 'up',
      lastError: error,
      lastScrape: new Date(at).toISOString(),
      lastScrapeDurationSeconds: duration,
      samples: appended,
      warnings: warnings.slice(0, MAX_NOTES),
      appendErrors: this.limitRefusals
        ? [limitNote(this.limitRefusals), ...this.appendErrors]
        : this.appendErrors,
    });
    return this.health;
  }

  private async fetch(signal?: AbortSignal): Promise<{ body: string; contentType?: string }> {
    const answer = await httpGet(this.spec.url, {
      headers: {
        Accept: ACCEPT,
        'X-Prometheus-Scrape-Timeout-Seconds': String(this.spec.timeoutMs / 1000),
      },
      timeoutMs: this.spec.timeoutMs,
      maxBytes: this.spec.bodySizeLimit,
      signal,
    });
    if (answer.status !== 200) throw new Error(`server returned HTTP status ${answer.status}`);
    return { body: answer.body.toString('utf8'), contentType: answer.headers['content-type'] };
  }

  /** Mark everything this target produced stale (the target was removed or the agent stops). */
  markAllStale(t = Date.now()): void {
    this.forget(-1, t);
  }

  /**
   * Drop the series scrape `kept` did not store (every one for -1), marking them stale at `t`.
   * forEach rather than for…of: no iterator result per series in code V8 has not optimised.
   */
  private forget(kept: number, t: number): void {
    this.cache.forEach((series, text) => {
      if (series.scrape !== kept) this.cache.delete(text);
    });
    this.live.forEach((series, key) => {
      if (series.scrape === kept) return;
      this.live.delete(key);
      this.safeStale(series.labels, t);
    });
  }

  private targetLabels(exposed: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(exposed)) if (v !== '') setLabel(out, k, v); // empty = absent
    for (const [k, v] of Object.entries(this.spec.labels)) {
      if (Object.hasOwn(out, k) && k !== '__name__') {
        if (this.spec.honorLabels) continue;
        let renamed = `exported_${k}`;
        while (Object.hasOwn(out, renamed)) renamed = `exported_${renamed}`;
        out[renamed] = out[k]!;
      }
      setLabel(out, k, v);
    }
    return out;
  }

  /** Append; a refusal (the store's series limit) is noted once per reason, the scrape goes on. */
  private safeAppend(labels: Labels, t: number, v: number): void {
    try {
      this.appender.append(labels, t, v);
    } catch (err) {
      if (err instanceof SeriesLimitError) {
        if (this.limitRefusals) this.limitRefusals.count++;
        else this.limitRefusals = { error: err, count: 1 };
        return;
      }
      const reason = (err as Error).message;
      if (this.appendErrors.length < MAX_NOTES && !this.appendErrors.includes(reason))
        this.appendErrors.push(reason);
    }
  }

  private safeStale(labels: Labels, t: number): void {
    try {
      this.appender.markStale(labels, t);
    } catch {
      // Nothing to mark: the store never accepted this series.
    }
  }
}

/** One line for every series a scrape could not store past the limit, naming the first. */
function limitNote({ error, count }: { error: SeriesLimitError; count: number }): string {
  const which = count === 1 ? '1 new series' : `${count} new series`;
  return (
    `series limit of ${error.limit} reached: ${which} not stored (the first: ` +
    `${formatLabels(error.labels)}); raise tsdb.maxSeries in the config or drop high-cardinality labels`
  );
}
