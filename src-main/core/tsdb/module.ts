/**
 * The tsdb engine module: owns the one series store of the agent, restores it from the last
 * snapshot on start, applies retention every minute, snapshots periodically and on stop, and
 * answers the `series.*` requests of AgentApi.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { RequestError } from '../local-api.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import { everyOnGrid } from '../system/cadence.js';
import { snapshotFileFromConfig, storeOptionsFromConfig, type TsdbConfig } from './config.js';
import type {
  seriesQueryParams,
  SeriesQueryResult,
  SnapshotInfo,
  StoreStats,
  tsdbRequests,
} from './contract.js';
import { formatDuration, parseDuration } from '../duration.js';
import { equalityMatchers, MatcherError } from './matchers.js';
import { registerStoreMetrics } from './metrics.js';
import { MAX_POINTS, queryRange } from './query.js';
import { loadSnapshot, writeSnapshot, type SnapshotWriteOptions } from './snapshot.js';
import { createSeriesStore, type SeriesStore } from './store.js';
import type { LabelMatcher } from './types.js';

type Params<K extends keyof typeof tsdbRequests> = z.output<(typeof tsdbRequests)[K]['params']>;

export interface TsdbModuleOptions {
  config: TsdbConfig;
  dataDir: string;
  /** The exporter's registry; the store's own metrics are registered on it. */
  registry: Registry;
  logger: Logger;
  now?: () => number;
  /** For tests: inject a failing file (disk full). */
  snapshotFile?: SnapshotWriteOptions['openFile'];
}

export interface TsdbModule extends EngineModule {
  readonly store: SeriesStore;
  /** Write a snapshot now (one at a time; a call during a write waits for it). Never throws. */
  snapshot(): Promise<SnapshotInfo>;
  handlers: {
    'series.query': (p: z.output<typeof seriesQueryParams>) => Promise<SeriesQueryResult>;
    'series.labelValues': (p: Params<'series.labelValues'>) => Promise<string[]>;
    'series.stats': (
      p: Params<'series.stats'>,
    ) => Promise<StoreStats & { lastSnapshot: SnapshotInfo | null }>;
  };
}

const RETENTION_EVERY_MS = 60_000;
/** Steps a chart can snap to; the default is the smallest giving at most ~300 points. */
const NICE_STEPS = [
  '15s',
  '30s',
  '1m',
  '2m',
  '5m',
  '10m',
  '15m',
  '30m',
  '1h',
  '2h',
  '6h',
  '12h',
  '1d',
].map((d) => parseDuration(d)!);

export function createTsdbModule(opts: TsdbModuleOptions): TsdbModule {
  const logger = opts.logger.child('tsdb');
  const now = opts.now ?? Date.now;
  const store = createSeriesStore({ ...storeOptionsFromConfig(opts.config), now, logger });
  const file = snapshotFileFromConfig(opts.config, opts.dataDir);
  let lastSnapshot: SnapshotInfo | null = null;
  let failures = 0;
  let inflight: Promise<SnapshotInfo> | null = null;
  /** Samples appended and held as of the last good snapshot: skip a rewrite when unchanged. */
  let writtenAt = '';
  const changeMark = () => {
    const st = store.stats();
    return `${st.samplesAppended}/${st.samples}/${st.series}`;
  };
  const timers: (() => void)[] = [];
  let started = false;
  registerStoreMetrics(opts.registry, {
    stats: () => store.stats(),
    lastSnapshot: () => lastSnapshot,
    snapshotFailures: () => failures,
  });

  async function snapshotOnce(): Promise<SnapshotInfo> {
    try {
      const before = changeMark();
      const w = await writeSnapshot(store, file, { now, openFile: opts.snapshotFile });
      writtenAt = before;
      lastSnapshot = {
        at: new Date().toISOString(),
        ok: true,
        file,
        bytes: w.bytes,
        series: w.series,
        durationMs: w.durationMs,
      };
    } catch (err) {
      failures++;
      const error = (err as Error).message;
      logger.warn(error);
      lastSnapshot = {
        at: new Date().toISOString(),
        ok: false,
        file,
        bytes: 0,
        series: 0,
        durationMs: 0,
        error,
      };
    }
    return lastSnapshot;
  }

  function snapshot(): Promise<SnapshotInfo> {
    inflight ??= snapshotOnce().finally(() => (inflight = null));
    return inflight;
  }

  /** The periodic snapshot: skipped while the store is unchanged since the last good one. */
  function periodicSnapshot(): void {
    if (lastSnapshot?.ok && changeMark() === writtenAt) return;
    void snapshot();
  }

  function selectorMatchers(p: {
    metric?: string;
    labels?: Record<string, string>;
    matchers?: LabelMatcher[];
  }): LabelMatcher[] {
    return [...equalityMatchers(p.metric, p.labels), ...(p.matchers ?? [])];
  }

  function badRequest<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof MatcherError) throw new RequestError('bad_request', err.message);
      throw err;
    }
  }

  return {
    name: 'tsdb',
    store,
    snapshot,
    handlers: {
      'series.query': async (p) => {
        const end = p.end ?? now();
        const start = p.start ?? end - (p.range ? parseDuration(p.range)! : 3_600_000);
        if (start > end)
          throw new RequestError('bad_request', `start (${start}) is after end (${end})`);
        const span = end - start;
        const step =
          typeof p.step === 'number' ? p.step : p.step ? parseDuration(p.step)! : autoStep(span);
        if (step <= 0) throw new RequestError('bad_request', 'step must be longer than zero');
        if (span / step > MAX_POINTS) {
          throw new RequestError(
            'bad_request',
            `step ${formatDuration(step)} over ${formatDuration(span)} gives more than ${MAX_POINTS} points per series; use a larger step`,
          );
        }
        const r = badRequest(() =>
          queryRange(store, {
            matchers: selectorMatchers(p),
            start,
            end,
            step,
            agg: p.agg,
            limit: p.limit,
          }),
        );
        return { start, end, step, agg: p.agg, ...r };
      },
      'series.labelValues': async (p) =>
        badRequest(() => store.labelValues(p.name, selectorMatchers(p))),
      'series.stats': async () => ({ ...store.stats(), lastSnapshot }),
    },
    async start() {
      if (started) return;
      started = true;
      if (opts.config.snapshot.enabled) {
        await mkdir(dirname(file), { recursive: true });
        const r = await loadSnapshot(store, file, logger);
        if (r.status === 'loaded') {
          logger.info(
            `restored ${r.series} series from ${file} (${r.bytes} bytes, ${Math.round(r.durationMs)} ms)`,
          );
        }
        const every = parseDuration(opts.config.snapshot.interval)!;
        timers.push(everyOnGrid(every, 'tsdb snapshot', periodicSnapshot));
      }
      timers.push(everyOnGrid(RETENTION_EVERY_MS, 'tsdb retention', () => store.applyRetention()));
    },
    async stop() {
      // Never snapshot a store that was not restored first: it would overwrite the history.
      if (!started) return;
      started = false;
      for (const cancel of timers.splice(0)) cancel();
      if (inflight) await inflight;
      if (opts.config.snapshot.enabled) await snapshot();
    },
  };
}

function autoStep(span: number): number {
  return NICE_STEPS.find((s) => span / s <= 300) ?? Math.ceil(span / 300 / 86_400_000) * 86_400_000;
}
