/**
 * Usage counters kept twice in step: as Prometheus-style cumulative series in the engine's store
 * (SeriesAppender, for rules and charts) and as prom-client metrics on the exporter registry (for
 * Prometheus scraping ccmon). Samples are stamped with receive time (the ledger keeps the event
 * time), so a store that drops out-of-order samples never loses a late-arriving batch.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { SeriesLimitError, type Labels, type SeriesAppender } from '../tsdb/types.js';

/** Claude Code API latency buckets (seconds): the seed's P95 < 2 s target sits on a boundary. */
export const LATENCY_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120];

export interface CounterDef {
  name: string;
  help: string;
  labelNames: readonly string[];
  /**
   * Also kept in the store under another name and coarser labels (store only: the exporter
   * registry already holds that name for another module), so rules written against the seed's
   * names see this data too.
   */
  storeAlias?: { name: string; labelNames: readonly string[] };
}

export class UsageSeries {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();
  /** Series the store refused (limit reached); counted, never thrown into ingestion. */
  droppedSamples = 0;

  constructor(
    private readonly appender: SeriesAppender | null,
    private readonly registry: Registry | null,
    /** Stamps store samples: receive time, so a late batch is never dropped as out of order. */
    private readonly clock: () => number = Date.now,
  ) {}

  /** Add n to a counter series (created on first use with the given label names). */
  inc(def: CounterDef, labels: Record<string, string>, n: number): void {
    if (!(n > 0)) return;
    const full = pick(def.labelNames, labels);
    this.bump(def.name, full, n);
    if (def.storeAlias) this.bump(def.storeAlias.name, pick(def.storeAlias.labelNames, labels), n);
    this.counter(def)?.inc(full, n);
  }

  /** Observe a value into a histogram (`_bucket{le}`, `_sum`, `_count` series). */
  observe(def: CounterDef, labels: Record<string, string>, v: number): void {
    const full = pick(def.labelNames, labels);
    // Object.assign rather than a spread: see recorder.ts (spread label sets were promoted).
    for (const le of LATENCY_BUCKETS)
      if (v <= le) this.bump(`${def.name}_bucket`, Object.assign({}, full, { le: String(le) }), 1);
    this.bump(`${def.name}_bucket`, Object.assign({}, full, { le: '+Inf' }), 1);
    this.bump(`${def.name}_sum`, full, v, true);
    this.bump(`${def.name}_count`, full, 1);
    this.histogram(def)?.observe(full, v);
  }

  /** The current value of a counter series (for tests and the views). */
  value(name: string, labels: Record<string, string>): number {
    return this.values.get(seriesKey(name, labels))?.value ?? 0;
  }

  private bump(name: string, labels: Record<string, string>, n: number, force = false): void {
    const key = seriesKey(name, labels);
    let s = this.values.get(key);
    if (!s)
      this.values.set(key, (s = { labels: Object.assign({ __name__: name }, labels), value: 0 }));
    if (!(n > 0) && !force) return;
    s.value += n;
    if (!this.appender) return;
    try {
      this.appender.append(s.labels, this.clock(), s.value);
    } catch (err) {
      if (!(err instanceof SeriesLimitError)) throw err;
      this.droppedSamples++;
    }
  }

  private counter(def: CounterDef): Counter | null {
    if (!this.registry) return null;
    let c = this.counters.get(def.name);
    if (!c) {
      // Another module already exports this name: keep it in the store only, never crash.
      if (this.registry.getSingleMetric(def.name)) return null;
      c = new Counter({
        name: def.name,
        help: def.help,
        labelNames: [...def.labelNames],
        registers: [this.registry],
      });
      this.counters.set(def.name, c);
    }
    return c;
  }

  private histogram(def: CounterDef): Histogram | null {
    if (!this.registry) return null;
    let h = this.histograms.get(def.name);
    if (!h) {
      if (this.registry.getSingleMetric(def.name)) return null;
      h = new Histogram({
        name: def.name,
        help: def.help,
        labelNames: [...def.labelNames],
        buckets: LATENCY_BUCKETS,
        registers: [this.registry],
      });
      this.histograms.set(def.name, h);
    }
    return h;
  }
}

function pick(names: readonly string[], labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = labels[n] ?? '';
  return out;
}

/** Labels always come in their definition's order (pick), so no sort is needed. */
function seriesKey(name: string, labels: Record<string, string>): string {
  let k = name;
  for (const n in labels) k += `\u0000${n}=${labels[n]}`;
  return k;
}
