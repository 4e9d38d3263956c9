/**
 * The `tsdb` config section: how much history the local store keeps and where it snapshots.
 * Durations are Prometheus duration strings (`24h`, `8d`, `5m`).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.js';
import type { SeriesStoreOptions } from './store.js';

const duration = z
  .string()
  .regex(DURATION_PATTERN, 'expected a duration such as 30s, 5m, 24h or 8d')
  .refine((s) => (parseDuration(s) ?? 0) > 0, 'must be longer than zero');

const downsampleLevel = z
  .object({
    /** Width of one aggregated row (min/max/sum/count/last). */
    resolution: duration,
    /** How long those rows are kept. */
    retention: duration,
  })
  .strict();

export const tsdbSchema = z
  .object({
    /** Hard cap on distinct series; new series past it are refused with a warning. */
    maxSeries: z.number().int().min(1).max(10_000_000).default(10_000),
    /** How long raw samples are kept in memory (the rule engine and 1 h / 24 h charts read them). */
    retention: duration.default('24h'),
    /** Coarser copies kept longer for the 7-day charts. */
    downsample: z
      .array(downsampleLevel)
      .max(4)
      .default(() => [
        { resolution: '5m', retention: '26h' },
        { resolution: '1h', retention: '8d' },
      ]),
    /**
     * Memory for decoded chunks kept between queries (the rule engine re-reads the newest minutes
     * of the same series every cycle), in MiB; 0 decodes every query afresh.
     */
    decodedCacheSize: z.number().min(0).max(4096).default(16),
    snapshot: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * Snapshots are also written on shutdown, so this bounds what a crash loses. Each one
         * rewrites the whole store (~13 KiB per series with the default retention), hence not
         * more often than this by default: SSD wear matters on a laptop.
         */
        interval: duration.default('15m'),
        /** Default: tsdb.snapshot in the data directory. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .default(() => ({ enabled: true, interval: '15m' })),
  })
  .strict();

export type TsdbConfig = z.output<typeof tsdbSchema>;

/** Store options from the validated config section. */
export function storeOptionsFromConfig(
  cfg: TsdbConfig,
): Required<
  Pick<SeriesStoreOptions, 'maxSeries' | 'retention' | 'downsample' | 'decodedCacheBytes'>
> {
  return {
    maxSeries: cfg.maxSeries,
    decodedCacheBytes: Math.round(cfg.decodedCacheSize * 1024 * 1024),
    retention: parseDuration(cfg.retention)!,
    downsample: cfg.downsample
      .map((l) => ({
        resolution: parseDuration(l.resolution)!,
        retention: parseDuration(l.retention)!,
      }))
      .sort((a, b) => a.resolution - b.resolution),
  };
}

export function snapshotFileFromConfig(cfg: TsdbConfig, dataDir: string): string {
  return cfg.snapshot.file ?? join(dataDir, 'tsdb.snapshot');
}
