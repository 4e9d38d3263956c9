/**
 * The composition root: builds the engine from a validated config, wires every module's handlers
 * into AgentApi, and starts and stops the modules in order. Both shells (tray app, headless agent)
 * call createAgent; neither knows how the engine is put together.
 */
import { mkdirSync } from 'node:fs';
import { Registry } from 'prom-client';
import type { AgentApi, RequestHandlers } from './api.js';
import { EventBus } from './bus.js';
import type { CcmonConfig } from './config/schema.js';
import { createLocalApi } from './local-api.js';
import { createLogger, type Logger } from './log.js';
import type { EngineModule } from './module.js';
import { createExporterModule } from '../http/exporter.js';
import { HostSampler } from './checks/host-sampler.js';
import { createChecksModule } from './checks/module.js';
import { createMetricsModule } from './metrics/module.js';
import { registrySource } from './metrics/render.js';
import { createScrapeModule } from './scrape/module.js';
import { createSystemModule } from './system/module.js';
import { createTsdbModule } from './tsdb/module.js';
import type { SeriesAppender } from './tsdb/types.js';
import { createUsageModule } from './usage/module.js';
import { createLogsModule } from './logs/module.js';
import { createAlertsModule, dashboardUrlOf } from './alerts/module.js';
import { createRulesModule } from './rules/module.js';
import type { SecretStore } from './secrets/store.js';
import { defaultSecretStore } from './secrets/secret-service.js';
import type { DesktopNotifier } from './alerts/sinks/desktop.js';
import { createMaintenanceModule } from './maintenance/module.js';
import { createReportsModule } from './reports/module.js';
import { createReportMailer } from './reports/mail.js';
import { createJobsModule } from './jobs/module.js';
import { backupProgressBridge, createBackupModule } from './backup/module.js';
import { checksHealthCheck } from './backup/hooks.js';
import { passphraseKeeper, passphraseProvider } from './backup/passphrase.js';
import { createConfigModule } from './config/module.js';
import { checksSlotFacade, ModuleSlot, scrapeSlotFacade } from './config/slots.js';
import { reloadEngine } from './config/reload.js';
import { ScheduleRecorder } from './config/schedules.js';
import { createMonitoringModule } from './monitoring/module.js';
import type { ChecksModule } from './checks/module.js';
import type { ScrapeModule } from './scrape/module.js';

export interface AgentOptions {
  config: CcmonConfig;
  configFile: string | null;
  configWarnings?: string[];
  dataDir: string;
  shell: 'electron' | 'headless';
  logger?: Logger;
  /** Where secrets live; the tray app passes its safeStorage store (default: a 0600 file). */
  secrets?: SecretStore;
  /** How desktop notifications are shown; the tray app passes Electron's (default: node-notifier). */
  desktop?: DesktopNotifier;
  /** How PDF reports are printed; the tray app passes Electron's printToPDF (default: Chromium). */
  printPdf?: (html: string) => Promise<Buffer>;
}

export interface Agent {
  readonly api: AgentApi;
  readonly handlers: RequestHandlers;
  readonly bus: EventBus;
  /** The running config (replaced by config.update). */
  readonly config: CcmonConfig;
  readonly dataDir: string;
  /** Applies the config file as it is now (config/module.ts reloadFile): the message to log. */
  reloadConfigFile(): Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAgent(opts: AgentOptions): Agent {
  const logger = opts.logger ?? createLogger('agent');
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const bus = new EventBus();

  const metricsRegistry = new Registry();
  // The one series store of the engine: every sample collected or scraped lands here.
  const tsdb = createTsdbModule({
    config: opts.config.tsdb,
    dataDir: opts.dataDir,
    registry: metricsRegistry,
    logger,
  });
  const seriesAppender: SeriesAppender = tsdb.store;
  const host = new HostSampler();
  let current = opts.config;
  // Checks and scrape are rebuilt on reload and on resume (see config/slots.ts); all else holds the facade.
  const { facade: checks, attach: checksAttach } = checksSlotFacade(() => checksSlot);
  const checksSlot: ModuleSlot<ChecksModule, CcmonConfig['checks']> = new ModuleSlot(
    'checks',
    (config) =>
      createChecksModule({
        config,
        appender: seriesAppender,
        host,
        logger: logger.child('checks'),
      }),
    opts.config.checks,
    (m) => checksAttach(m),
  );
  checks.onResult((r) => bus.emit('check.result', r));
  const exporter = createExporterModule({
    registry: metricsRegistry,
    ...opts.config.exporter,
    logger: logger.child('exporter'),
  });
  const metrics = createMetricsModule({
    registry: metricsRegistry,
    checks,
    host,
    logger: logger.child('metrics'),
  });
  const usage = createUsageModule({
    config: opts.config.usage,
    dataDir: opts.dataDir,
    logger: logger.child('usage'),
    bus,
    registry: metricsRegistry,
    appender: seriesAppender,
  });
  // Claude Code's Prometheus exporter and LiteLLM /metrics also feed the usage ledger.
  const scrapeAppender = usage.scraped.tap(seriesAppender);
  const scrapeSlot: ModuleSlot<ScrapeModule, CcmonConfig['scrape']> = new ModuleSlot(
    'scrape',
    (config) =>
      createScrapeModule({
        config,
        appender: scrapeAppender,
        logger: logger.child('scrape'),
        selfAddress: opts.config.exporter.enabled ? opts.config.exporter : null,
        self: { render: registrySource(metricsRegistry), appender: seriesAppender },
      }),
    opts.config.scrape,
  );
  const scrape = scrapeSlotFacade(() => scrapeSlot);
  const monitoring = createMonitoringModule({
    dataDir: opts.dataDir,
    registry: metricsRegistry,
    logger: logger.child('monitoring'),
    onChange: (state) => {
      bus.emit('monitoring', state);
      bus.emit('status', monitoring.overlay(system.status()));
    },
    warmUp: async () => {
      await Promise.all([checks.runNow(), scrape.scrapeAll()]);
    },
  });
  const system = createSystemModule({
    shell: opts.shell,
    dataDir: opts.dataDir,
    configFile: opts.configFile,
    configWarnings: opts.configWarnings ?? [],
    checks: {
      configured: () => checks.configured(),
      latest: () => checks.latest(),
      onResult: (l) => checks.onResult(l),
    },
    // Read on every check result: the hold alone, not the rule list (rules is built further down).
    rulesHold: () => rules.manager.held() ?? null,
    onStatus: (s) => {
      if (!monitoring.state().paused) bus.emit('status', s);
    },
  });

  // One secret store for the engine: alert sinks, backup passphrases, e-mailed reports.
  const secrets = opts.secrets ?? defaultSecretStore(opts.dataDir, logger.child('secrets'));
  const alerts = createAlertsModule({
    config: opts.config.alerts,
    dataDir: opts.dataDir,
    secrets,
    ...(opts.desktop ? { desktop: opts.desktop } : {}),
    logger: logger.child('alerts'),
    // Notification links point at this agent's dashboard (loopback when it listens on every address).
    dashboardUrl: dashboardUrlOf(opts.config.dashboard),
    emit: (event, payload) => bus.emit(event, payload as never),
  });

  // Prometheus's side: rule files evaluated over the store, alerts handed to the notifier.
  // A copy the rule manager reads: a reload updates it in place (config/reload.ts).
  const rulesConfig = { ...opts.config.rules };
  const rules = createRulesModule({
    config: rulesConfig,
    dataDir: opts.dataDir,
    querier: tsdb.store,
    appender: tsdb.store,
    sender: alerts.sender,
    logger: logger.child('rules'),
    emit: (changes) => bus.emit('rules.state', { changes }),
  });

  // The one scheduler every job uses (backups, restore tests, maintenance, reports).
  const jobs = createJobsModule({
    dataDir: opts.dataDir,
    logger: logger.child('jobs'),
    emit: (event, payload) => bus.emit(event, payload as never),
  });
  // Jobs are registered through a recorder and read copies of their sections, so a reload can
  // move a schedule without rebuilding the module (config/schedules.ts).
  const schedules = new ScheduleRecorder(jobs.scheduler);
  const scheduled = {
    backup: structuredClone(opts.config.backup),
    maintenance: structuredClone(opts.config.maintenance),
    reports: structuredClone(opts.config.reports),
  };
  // Asked once and remembered; a passphrase set from the dashboard makes it look again.
  const passphrase = passphraseProvider({
    envName: opts.config.backup.encryption.passphraseEnv,
    secrets,
  });
  const backup = createBackupModule({
    config: scheduled.backup,
    dataDir: opts.dataDir,
    configFile: opts.configFile,
    scheduler: schedules.recording,
    registry: metricsRegistry,
    logger: logger.child('backup'),
    emit: (event, payload) => bus.emit(event, payload as never),
    healthCheck: checksHealthCheck(() => checks.runNow()),
    passphrase,
    passphraseKeeper: passphraseKeeper({
      secrets,
      provider: passphrase,
      encryption: () => scheduled.backup.encryption,
    }),
  });
  bus.on(
    'job.progress',
    backupProgressBridge((event, payload) => bus.emit(event, payload as never)),
  );

  // Maintenance and reports read the other domains through AgentApi, resolved once it exists.
  let api: AgentApi | null = null;
  const lateApi = (): AgentApi => {
    if (!api) throw new Error('AgentApi used before the agent was built');
    return api;
  };
  const maintenance = createMaintenanceModule({
    config: scheduled.maintenance,
    dataDir: opts.dataDir,
    logger: logger.child('maintenance'),
    api: lateApi,
    scheduler: schedules.recording,
    backupNow: (set) => backup.backupNow(set),
    onRun: (run) => bus.emit('maintenance.run', run),
  });
  const reports = createReportsModule({
    config: scheduled.reports,
    dataDir: opts.dataDir,
    querier: tsdb.store,
    api: lateApi,
    maintenanceWindows: (w) => maintenance.windows(w.from, w.to),
    scheduler: schedules.recording,
    logger: logger.child('reports'),
    ...(opts.printPdf ? { printPdf: opts.printPdf } : {}),
    mailer: createReportMailer(alerts.config, secrets),
  });

  const logs = createLogsModule({
    config: opts.config.logs,
    dataDir: opts.dataDir,
    registry: metricsRegistry,
    logger: logger.child('logs'),
    emit: (summary) => bus.emit('logs.scan', summary),
  });

  const config = createConfigModule({
    file: opts.configFile,
    dataDir: opts.dataDir,
    current: () => current,
    logger: logger.child('config'),
    emit: (payload) => bus.emit('config.applied', payload),
    apply: async (next) => {
      const result = await reloadEngine(current, next, {
        alerts,
        checks: checksSlot,
        scrape: scrapeSlot,
        rules,
        rulesConfig,
        schedules,
        scheduled,
        appender: seriesAppender,
        backup,
        reports,
      });
      current = next;
      return result;
    },
  });

  // Order matters: producers before consumers on start, reverse on stop.
  const modules: EngineModule[] = [
    tsdb,
    system,
    metrics,
    exporter,
    // before the loops it gates: a saved pause keeps them from starting
    monitoring,
    monitoring.gateLoop(checks),
    monitoring.gateLoop(scrape),
    usage,
    logs,
    alerts,
    monitoring.gateEvaluator(rules),
    backup,
    maintenance,
    reports,
    // last: jobs run against started modules, and stop first
    jobs,
  ];

  const handlers: RequestHandlers = {
    ...tsdb.handlers,
    ...system.handlers,
    ...checks.handlers,
    ...scrape.handlers,
    ...usage.handlers,
    ...logs.handlers,
    ...alerts.handlers,
    ...maintenance.handlers,
    ...reports.handlers,
    ...jobs.handlers,
    ...backup.handlers,
    ...rules.handlers,
    ...config.handlers,
    ...monitoring.handlers,
    // While paused the overall status is 'paused', whatever the last results said.
    'status.get': async () => monitoring.overlay(system.status()),
  };
  api = createLocalApi(handlers, bus);

  let started = false;
  return {
    api,
    handlers,
    bus,
    get config() {
      return current;
    },
    dataDir: opts.dataDir,
    reloadConfigFile: () => config.reloadFile(),
    async start() {
      if (started) return;
      started = true;
      for (const m of modules) {
        logger.debug(`starting ${m.name}`);
        await m.start();
      }
    },
    async stop() {
      if (!started) return;
      started = false;
      for (const m of [...modules].reverse()) {
        try {
          await m.stop();
        } catch (err) {
          logger.error(`stopping ${m.name} failed: ${(err as Error).message}`);
        }
      }
    },
  };
}
