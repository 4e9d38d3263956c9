/**
 * The usage module: Claude Code usage and cost from its OTLP telemetry (own listener, see
 * http/otlp.ts), local transcripts, scraped Prometheus/LiteLLM samples (`scraped.accept`), Redis
 * daily counters, budgets, telemetry silence and security signals; AgentApi handlers for the views.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { RequestHandlers } from '../api.js';
import type { EventBus } from '../bus.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import { everyOnGrid } from '../system/cadence.js';
import type { SeriesAppender } from '../tsdb/types.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../http/otlp.js';
import { evaluateBudget } from './budgets.js';
import type { UsageConfig } from './config.js';
import type { BudgetStatus, UsageStatus } from './contract.js';
import { registerUsageGauges } from './gauges.js';
import { UsageLedger } from './ledger.js';
import { ingestLogs, RecentKeys } from './otlp/events-ingest.js';
import { SecurityEventRules } from './otlp/security-rules.js';
import { ingestMetrics } from './otlp/metrics-ingest.js';
import { createRecorder } from './recorder.js';
import { RedisTokenCounters } from './redis-counters.js';
import { ScrapedUsage } from './scraped.js';
import { UsageSeries } from './series.js';
import { SilenceTracker } from './silence.js';
import { readUsageState, writeUsageState } from './state-file.js';
import { SumAccumulator } from './temporality.js';
import { TranscriptReader } from './transcripts.js';
import { usageHandlers } from './handlers.js';

export interface UsageModuleOptions {
  config: UsageConfig;
  dataDir: string;
  logger: Logger;
  bus?: EventBus;
  appender?: SeriesAppender | null;
  registry?: Registry | null;
  now?: () => number;
}

export type UsageHandlers = Pick<
  RequestHandlers,
  | 'usage.summary'
  | 'usage.topUsers'
  | 'usage.budgets'
  | 'usage.security'
  | 'usage.status'
  | 'usage.redisCounters'
  | 'usage.csv'
>;

export interface UsageModule extends EngineModule {
  readonly handlers: UsageHandlers;
  readonly ledger: UsageLedger;
  readonly series: UsageSeries;
  /** Hand every scrape's samples here (Claude Code's Prometheus exporter, LiteLLM /metrics). */
  readonly scraped: ScrapedUsage;
  readonly redis: RedisTokenCounters | null;
  /** The receiver's URL once started (null when disabled or not listening). */
  otlpUrl(): string | null;
  budgets(): BudgetStatus[];
  /** One maintenance round now: budgets, silence gauges, persistence (also runs every 15 s). */
  tick(): Promise<void>;
  scanTranscripts(): Promise<void>;
  flushState(): Promise<void>;
}

const TICK_MS = 15_000;

export function createUsageModule(opts: UsageModuleOptions): UsageModule {
  const cfg = opts.config;
  const now = opts.now ?? Date.now;
  const log = opts.logger;
  const stateFile = join(opts.dataDir, 'usage', 'state.json');
  const ledger = new UsageLedger();
  const series = new UsageSeries(opts.appender ?? null, opts.registry ?? null);
  const silence = new SilenceTracker(
    cfg.silence.expected,
    cfg.silence.afterMinutes * 60_000,
    now(),
  );
  const redis = cfg.redis.url
    ? new RedisTokenCounters({ ...cfg.redis, logger: log.child('redis') })
    : null;
  const recorder = createRecorder({
    ledger,
    series,
    silence,
    redis,
    onSecurity: (ev) => opts.bus?.emit('usage.security', ev),
  });
  const accumulator = new SumAccumulator();
  const seenEvents = new RecentKeys();
  const securityRules = new SecurityEventRules(cfg.securityEvents);
  const ingestOpts = { recorder, teamAttribute: cfg.otlp.teamAttribute, teams: cfg.teams, now };
  // Built once, not per request.
  const metricsIngestOpts = {
    ...ingestOpts,
    accumulator,
    bookCost: cfg.otlp.costFrom === 'metrics',
  };
  const logsIngestOpts = {
    ...ingestOpts,
    seen: seenEvents,
    securityRules,
    bookCost: cfg.otlp.costFrom === 'events',
  };
  const scraped = new ScrapedUsage({ ...ingestOpts, bookCost: cfg.otlp.costFrom === 'metrics' });
  const transcriptsDir = cfg.transcripts.dir || join(homedir(), '.claude', 'projects');
  const transcripts = new TranscriptReader(
    transcriptsDir,
    cfg.transcripts.user || `local:${safeUser()}`,
    cfg.pricing,
    recorder,
  );

  let receiver: OtlpReceiver | null = null;
  let receiverError: string | null = null;
  let timers: (() => void)[] = [];
  let savedRevision = -1;
  let lastScan: string | null = null;
  let transcriptFiles = 0;
  const budgetStates = new Map<string, BudgetStatus['state']>();
  let ticks = 0;

  const budgets = (): BudgetStatus[] =>
    cfg.budgets.map((b) => evaluateBudget(b, ledger.allRows(), now()));
  const status = (): UsageStatus => ({
    receiver: { listening: receiver !== null, url: receiver?.url ?? null, error: receiverError },
    redis: {
      configured: redis !== null,
      up: redis?.up ?? false,
      backlogKeys: redis?.backlogKeys ?? 0,
      dropped: redis?.droppedTokens ?? 0,
    },
    transcripts: {
      enabled: cfg.transcripts.enabled,
      dir: transcriptsDir,
      files: transcriptFiles,
      lastScan,
    },
    silence: silence.status(now()),
  });
  const gauges = registerUsageGauges({
    registry: opts.registry ?? null,
    appender: opts.appender ?? null,
    ledger,
    budgets,
    silence: () => silence.status(now()),
    redis,
    now,
  });

  async function writeIfChanged(): Promise<void> {
    if (ledger.revision === savedRevision) return;
    const rev = ledger.revision;
    await writeUsageState(stateFile, {
      version: 1,
      savedAt: new Date(now()).toISOString(),
      ledger: ledger.snapshot(),
      temporality: accumulator.exportState(),
      transcripts: transcripts.exportState(),
    });
    savedRevision = rev;
  }

  /**
   * One write at a time: both use the same temp file, and the flush at stop could start while a
   * tick's was still writing (the second rename then failed with ENOENT, seen when the idle
   * bench stopped its agents).
   */
  let flushing: Promise<void> = Promise.resolve();
  function flushState(): Promise<void> {
    const next = flushing.then(writeIfChanged, writeIfChanged);
    flushing = next.catch(() => {});
    return next;
  }

  async function tick(): Promise<void> {
    ledger.prune(now());
    for (const b of budgets()) {
      const before = budgetStates.get(b.name) ?? 'ok';
      budgetStates.set(b.name, b.state);
      if (before !== b.state) {
        log.info(
          `budget ${b.name}: ${before} → ${b.state} (${(b.usedRatio * 100).toFixed(1)} % of ${b.limit} ${b.unit})`,
        );
        opts.bus?.emit('usage.budget', b);
      }
    }
    gauges.appendToStore();
    // Saving serialises the whole ledger: once a minute (and at stop) is enough.
    if (++ticks % 4 !== 0) return;
    await flushState().catch((err) => log.error(`saving usage state: ${(err as Error).message}`));
  }

  async function scanTranscripts(): Promise<void> {
    try {
      const r = await transcripts.scan();
      transcriptFiles = r.files;
      lastScan = new Date(now()).toISOString();
      if (r.badLines)
        log.warn(`transcripts: ${r.badLines} unreadable lines skipped under ${transcriptsDir}`);
    } catch (err) {
      log.error(`transcripts scan failed: ${(err as Error).message}`);
    }
  }

  const every = (ms: number, name: string, fn: () => Promise<void>) => {
    timers.push(everyOnGrid(ms, name, () => void fn()));
  };

  return {
    name: 'usage',
    ledger,
    series,
    scraped,
    redis,
    handlers: usageHandlers({ ledger, budgets, status, redis, now }),
    otlpUrl: () => receiver?.url ?? null,
    budgets,
    tick,
    scanTranscripts,
    flushState,
    async start() {
      const { state, warning } = await readUsageState(stateFile);
      if (warning) log.warn(warning);
      if (state) {
        ledger.load(state.ledger);
        accumulator.importState(state.temporality);
        transcripts.loadState(state.transcripts);
        savedRevision = ledger.revision;
      }
      redis?.start();
      if (cfg.otlp.enabled) {
        try {
          receiver = await startOtlpReceiver({
            host: cfg.otlp.host,
            port: cfg.otlp.port,
            maxBodyBytes: cfg.otlp.maxBodyBytes,
            logger: log.child('otlp'),
            ingest: {
              metrics: (req) => ingestMetrics(req, metricsIngestOpts),
              logs: (req) => ingestLogs(req, logsIngestOpts),
            },
            onRequest: gauges.onOtlpRequest,
          });
          receiverError = null;
          log.info(`OTLP receiver listening on ${receiver.url} (/v1/metrics, /v1/logs)`);
        } catch (err) {
          // A taken port must not stop the rest of the agent; the status says why.
          receiverError = `cannot listen on ${cfg.otlp.host}:${cfg.otlp.port}: ${(err as Error).message}`;
          log.error(`OTLP receiver: ${receiverError}`);
        }
      }
      if (cfg.transcripts.enabled) {
        void scanTranscripts();
        every(cfg.transcripts.intervalSeconds * 1000, 'usage transcripts', scanTranscripts);
      }
      every(TICK_MS, 'usage tick', tick);
    },
    async stop() {
      for (const cancel of timers) cancel();
      timers = [];
      await receiver?.close();
      receiver = null;
      await redis?.stop();
      await flushState().catch((err) => log.error(`saving usage state: ${(err as Error).message}`));
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'local';
  }
}
