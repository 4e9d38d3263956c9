/**
 * The store's own metrics on the exporter registry, computed in collect() from the store's
 * counters (prom-client's pattern for values kept elsewhere), so appends pay nothing for them.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SnapshotInfo, StoreStats } from './contract.js';

export interface StoreMetricsSource {
  stats(): StoreStats;
  lastSnapshot(): SnapshotInfo | null;
  snapshotFailures(): number;
}

export function registerStoreMetrics(registry: Registry, src: StoreMetricsSource): void {
  let stats: StoreStats | null = null;
  // One stats() walk per scrape, shared by every metric below (the first collect refreshes it).
  const fresh = (): StoreStats => (stats ??= src.stats());
  const gauge = (name: string, help: string, value: (s: StoreStats) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const v = value(fresh());
        if (v !== null) this.set(v);
      },
    });
  const counter = (name: string, help: string, value: (s: StoreStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(value(fresh()));
      },
    });
  new Gauge({
    name: 'ccmon_tsdb_series',
    help: 'Series held in the local time-series store.',
    registers: [registry],
    collect() {
      stats = src.stats();
      this.set(stats.series);
    },
  });
  gauge('ccmon_tsdb_series_limit', 'The tsdb.maxSeries cap.', (s) => s.maxSeries);
  gauge('ccmon_tsdb_samples', 'Raw samples held in memory.', (s) => s.samples);
  gauge(
    'ccmon_tsdb_chunk_bytes',
    'Bytes of compressed chunks (raw and downsampled) in memory.',
    (s) => s.chunkBytes,
  );
  gauge(
    'ccmon_tsdb_decoded_cache_bytes',
    'Bytes of decoded chunks cached for repeated queries (bounded by tsdb.decodedCacheSize).',
    (s) => s.decodedCacheBytes,
  );
  counter(
    'ccmon_tsdb_samples_appended_total',
    'Samples appended to the store.',
    (s) => s.samplesAppended,
  );
  counter(
    'ccmon_tsdb_out_of_order_samples_total',
    'Samples dropped for being older than their series’ newest.',
    (s) => s.outOfOrder,
  );
  counter(
    'ccmon_tsdb_duplicate_samples_total',
    'Samples dropped for repeating the newest timestamp with another value.',
    (s) => s.duplicates,
  );
  counter(
    'ccmon_tsdb_invalid_samples_total',
    'Samples dropped for a non-integer or out-of-range timestamp, or a value that is not a number.',
    (s) => s.invalid,
  );
  counter(
    'ccmon_tsdb_series_limit_refusals_total',
    'Appends refused because tsdb.maxSeries was reached.',
    (s) => s.seriesRefused,
  );
  counter(
    'ccmon_tsdb_series_removed_total',
    'Series forgotten after all their data aged out.',
    (s) => s.seriesRemoved,
  );
  const lastOk = () => {
    const l = src.lastSnapshot();
    return l?.ok ? l : null;
  };
  gauge('ccmon_tsdb_snapshot_duration_seconds', 'Duration of the last successful snapshot.', () => {
    const l = lastOk();
    return l ? l.durationMs / 1000 : null;
  });
  gauge(
    'ccmon_tsdb_snapshot_size_bytes',
    'Size of the last successful snapshot.',
    () => lastOk()?.bytes ?? null,
  );
  gauge(
    'ccmon_tsdb_snapshot_last_success_timestamp_seconds',
    'When the last snapshot succeeded.',
    () => {
      const l = lastOk();
      return l ? Date.parse(l.at) / 1000 : null;
    },
  );
  new Counter({
    name: 'ccmon_tsdb_snapshot_failures_total',
    help: 'Snapshots that failed to write (the previous one was kept).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(src.snapshotFailures());
    },
  });
}
