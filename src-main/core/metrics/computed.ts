/**
 * A metric whose values are computed at scrape time from state ccmon already holds (the latest
 * check results, the host's counters), registered on a prom-client registry beside ordinary
 * metrics. A prom-client Gauge used this way must be reset and refilled in collect(): every scrape
 * then hashes each label set and makes new label objects, which the exporter's renderer cannot
 * recognise as unchanged. Here each series keeps one frozen labels object (LabelSets) and values
 * are handed out as computed, so an unchanged series costs a lookup.
 */
import type { Metric, Registry } from 'prom-client';

export interface ComputedValue {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** One frozen labels object per distinct label set, kept while it is in use. */
export class LabelSets<K> {
  private readonly sets = new Map<K, Readonly<Record<string, string>>>();

  /** The labels object for `key`, built by `make` the first time. */
  get(key: K, make: () => Record<string, string>): Readonly<Record<string, string>> {
    let labels = this.sets.get(key);
    if (!labels) this.sets.set(key, (labels = Object.freeze(make())));
    return labels;
  }

  get size(): number {
    return this.sets.size;
  }

  /** Forget the label sets not in `keep` (a check removed, a disk unplugged). */
  retain(keep: ReadonlySet<K>): void {
    for (const key of this.sets.keys()) if (!keep.has(key)) this.sets.delete(key);
  }
}

export interface ComputedMetricOptions {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  registry: Registry;
  /** The current values; called on every scrape (and by registry.getMetricsAsJSON). */
  compute: () => ComputedValue[] | Promise<ComputedValue[]>;
}

/** Registers a computed metric; it has prom-client's get()/reset() shape, so the registry serves it. */
export function registerComputedMetric(opts: ComputedMetricOptions): void {
  const metric = {
    name: opts.name,
    help: opts.help,
    type: opts.type,
    aggregator: 'sum' as const,
    async get() {
      return {
        name: opts.name,
        help: opts.help,
        type: opts.type,
        aggregator: 'sum' as const,
        values: await opts.compute(),
      };
    },
    /** Nothing to reset: values are computed from their source on each scrape. */
    reset() {},
  };
  opts.registry.registerMetric(metric as unknown as Metric);
}
