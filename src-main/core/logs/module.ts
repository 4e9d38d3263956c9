/**
 * The logs module of the agent: a periodic incremental scan (counters for alert rules, optional
 * shipping to Elasticsearch, a `logs.scan` event) and the logs part of AgentApi answered by the
 * configured LogStore, with a short cache so a dashboard refreshing every few seconds does not
 * rescan the files each time.
 */
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { RequestHandlers } from '../api.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import { delayUntil, gridNow, gridOffset, nextDue } from '../system/cadence.js';
import type { LogsConfig } from './config.js';
import type { LogScanSummary, LogsHealth, LogsStatus } from './contract.js';
import { RequestError } from '../local-api.js';
import { createEsClient, LogStoreError } from './es-store.js';
import { LogShipper } from './es-ship.js';
import { logsHealth } from './health.js';
import { createLogMetrics } from './metrics.js';
import { levelVariants } from './query.js';
import { LogQueryError } from './results.js';
import { createLogStore } from './store.js';
import { LogTailer, type TailBatch } from './tail.js';
import type { LogStore } from './types.js';

export interface LogsModuleOptions {
  config: LogsConfig;
  dataDir: string;
  registry: Registry;
  logger: Logger;
  emit: (summary: LogScanSummary) => void;
  /** Tests pass a store or shipper of their own; default: from the config. */
  store?: LogStore;
  shipper?: LogShipper | null;
}

type LogsHandlers = Pick<
  RequestHandlers,
  | 'logs.errors'
  | 'logs.slow'
  | 'logs.user'
  | 'logs.anomalies'
  | 'logs.search'
  | 'logs.status'
  | 'logs.health'
>;

export interface LogsModule extends EngineModule {
  handlers: LogsHandlers;
  /** One incremental round now (also what the timer runs). */
  scanNow(): Promise<LogScanSummary>;
  /** For the health report. */
  health(now?: string): Promise<LogsHealth>;
}

const CACHE_MS = 15_000;

export function createLogsModule(opts: LogsModuleOptions): LogsModule {
  const { config, logger } = opts;
  const services = [...new Set(config.sources.map((s) => s.service))];
  const store = opts.store ?? createLogStore(config);
  const metrics = createLogMetrics(opts.registry, services);
  const tailer = new LogTailer(config, join(opts.dataDir, 'logs', 'offsets.json'));
  const shipper =
    opts.shipper !== undefined
      ? opts.shipper
      : config.ship.enabled
        ? new LogShipper(createEsClient(config.elasticsearch), config.elasticsearch, config.ship)
        : null;
  const levels = new Set(levelVariants(config.errorLevels));
  let lastScan: LogScanSummary | null = null;
  let running: Promise<LogScanSummary> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const cached = <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key);
    // Monotonic ages: a wall clock stepped back would keep stale answers.
    if (hit && performance.now() - hit.at < CACHE_MS) return hit.value as Promise<T>;
    const value = compute();
    cache.set(key, { at: performance.now(), value });
    value.catch(() => cache.delete(key));
    if (cache.size > 100) cache.delete(cache.keys().next().value!);
    return value;
  };
  const ask = <T>(name: string, params: unknown, compute: () => Promise<T>) =>
    cached(`${name}:${JSON.stringify(params)}`, async () => {
      try {
        return await compute();
      } catch (err) {
        // Bad parameters are the caller's (400); an unreachable cluster is said plainly, no stack.
        if (err instanceof LogQueryError) throw new RequestError('bad_request', err.message);
        if (err instanceof LogStoreError) throw new RequestError('internal', err.message);
        throw err;
      }
    });

  const scanOnce = async (): Promise<LogScanSummary> => {
    const started = Date.now();
    const t0 = performance.now();
    const summary: LogScanSummary = {
      at: new Date(started).toISOString(),
      durationMs: 0,
      files: 0,
      bytesRead: 0,
      lines: 0,
      errors: 0,
      slowRequests: 0,
      malformed: 0,
      services: {},
      problems: [],
      shipped: shipper ? { indexed: 0, duplicates: 0, rejected: 0, error: null } : null,
    };
    const sink = async (batch: TailBatch) => {
      if (shipper && summary.shipped) {
        try {
          const r = await shipper.ship(batch.entries);
          summary.shipped.indexed += r.indexed;
          summary.shipped.duplicates += r.duplicates;
          summary.shipped.rejected += r.rejected;
        } catch (err) {
          summary.shipped.error = (err as Error).message;
          throw err; // the tailer keeps the offset: these lines are read and shipped again
        }
      }
      let errors = 0;
      let slow = 0;
      for (const e of batch.entries) {
        if (e.level !== null && levels.has(e.level)) errors++;
        if (e.latencySeconds !== null && e.latencySeconds >= config.slowThresholdSeconds) slow++;
      }
      metrics.record(batch, errors, slow);
      const s = (summary.services[batch.service] ??= {
        lines: 0,
        errors: 0,
        slowRequests: 0,
        malformed: 0,
      });
      s.lines += batch.lines;
      s.errors += errors;
      s.slowRequests += slow;
      s.malformed += batch.malformed;
      summary.lines += batch.lines;
      summary.errors += errors;
      summary.slowRequests += slow;
      summary.malformed += batch.malformed;
    };
    const round = await tailer.scan(sink);
    summary.files = round.files;
    summary.bytesRead = round.bytesRead;
    summary.problems = round.problems;
    summary.durationMs = Math.round(performance.now() - t0);
    lastScan = summary;
    if (summary.lines > 0) cache.clear(); // new lines: cached answers are stale
    opts.emit(summary);
    return summary;
  };

  const scanNow = (): Promise<LogScanSummary> => {
    running ??= scanOnce().finally(() => (running = null));
    return running;
  };

  // Scans at the agent's wake-up grid times (core/system/cadence.ts), the next one once a scan ended.
  const intervalMs = config.scanIntervalSeconds * 1000;
  const offset = gridOffset('logs scan', intervalMs);
  let due = 0; // set at start
  const schedule = () => {
    due = nextDue(intervalMs, offset, due, gridNow());
    timer = setTimeout(() => {
      scanNow()
        .catch((err: Error) => logger.error(`log scan failed: ${err.message}`))
        .finally(() => {
          if (timer) schedule();
        });
    }, delayUntil(due));
  };

  return {
    name: 'logs',
    scanNow,
    health: (now) => logsHealth(store, config, now),
    handlers: {
      'logs.errors': (p) => ask('errors', p, () => store.errors(p)),
      'logs.slow': (p) =>
        ask('slow', p, () =>
          store.slowRequests({
            ...p,
            thresholdSeconds: p.thresholdSeconds ?? config.slowThresholdSeconds,
          }),
        ),
      'logs.user': (p) => ask('user', p, () => store.userActivity(p)),
      'logs.anomalies': (p) => ask('anomalies', p, () => store.anomalies(p)),
      'logs.search': (p) =>
        ask('search', p, () =>
          store.search({
            text: p.text,
            fields: { service: p.service, level: p.level, userId: p.userId },
            hours: p.hours,
            offset: p.offset,
            limit: p.limit,
            now: p.now,
          }),
        ),
      'logs.status': async (): Promise<LogsStatus> => ({
        enabled: config.enabled,
        backend: store.backend,
        services,
        slowThresholdSeconds: config.slowThresholdSeconds,
        lastScan,
      }),
      'logs.health': () => ask('health', {}, () => logsHealth(store, config)),
    },
    async start() {
      if (!config.enabled || timer) return;
      timer = setTimeout(() => {}, 0); // marks started before the first round resolves
      due = gridNow();
      scanNow()
        .catch((err: Error) => logger.error(`log scan failed: ${err.message}`))
        .finally(() => {
          if (timer) schedule();
        });
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => {});
      await store.close();
    },
  };
}
