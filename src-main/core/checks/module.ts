/**
 * The checks engine module: schedules the configured probes, keeps each check's latest result,
 * appends its samples to the series store (ccmon_check_up, ccmon_check_duration_seconds and the
 * probe's measurements) and tells subscribers (bus, overall status, exporter) about every result.
 */
import type { RequestHandlers } from '../api.js';
import { RequestError } from '../local-api.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import type { Labels, SeriesAppender } from '../tsdb/types.js';
import type { ChecksConfig, CheckConfig } from './config.js';
import type { CheckSummary } from './contract.js';
import { HostSampler } from './host-sampler.js';
import type { ProbeTable } from './probe-context.js';
import { PROBES } from './probes.js';
import { CheckScheduler } from './scheduler.js';
import { CheckSeriesLabels, DURATION_KEY, UP_KEY } from './series-labels.js';
import type { CheckResult, ProbeOutcome } from './types.js';

export type CheckListener = (result: CheckResult, outcome: ProbeOutcome) => void;

export interface ChecksModuleOptions {
  config: ChecksConfig;
  appender: SeriesAppender;
  logger: Logger;
  host?: HostSampler;
  probes?: ProbeTable;
  /** Judge on one failure (one-shot `ccmon check`). */
  ignoreThreshold?: boolean;
}

export interface ChecksModule extends EngineModule {
  handlers: Pick<RequestHandlers, 'checks.list' | 'checks.run'>;
  onResult(listener: CheckListener): () => void;
  /** Latest result per check name (enabled checks that ran at least once). */
  latest(): Map<string, CheckResult>;
  configured(): CheckConfig[];
  runNow(names?: string[]): Promise<CheckResult[]>;
}

export function createChecksModule(opts: ChecksModuleOptions): ChecksModule {
  const listeners = new Set<CheckListener>();
  const latest = new Map<string, CheckResult>();
  const checks = opts.config.probes;
  let limitWarned = false;
  const configured = new Map(checks.map((c) => [c.name, c.labels]));
  const series = new CheckSeriesLabels((name) => configured.get(name));

  const append = (labels: Labels, t: number, v: number) => {
    try {
      opts.appender.append(labels, t, v);
    } catch (err) {
      // The store refuses new series past its cap; say so once rather than per sample.
      if (!limitWarned) opts.logger.warn((err as Error).message);
      limitWarned = true;
    }
  };

  const record = (r: CheckResult, outcome: ProbeOutcome) => {
    latest.set(r.name, r);
    const t = Date.parse(r.at);
    append(series.get(r.name, UP_KEY), t, outcome.status === 'unhealthy' ? 0 : 1);
    append(series.get(r.name, DURATION_KEY), t, r.latencyMs / 1000);
    for (const key in r.values) {
      const value = r.values[key]!;
      if (Number.isFinite(value)) append(series.get(r.name, key), t, value);
    }
    for (const l of listeners) {
      try {
        l(r, outcome);
      } catch (err) {
        opts.logger.error(`check result listener failed: ${(err as Error).message}`);
      }
    }
  };

  const scheduler = new CheckScheduler({
    checks,
    concurrency: opts.config.concurrency,
    probes: opts.probes ?? PROBES,
    host: opts.host ?? new HostSampler(),
    onResult: record,
    ignoreThreshold: opts.ignoreThreshold,
  });

  const runNow = async (names?: string[]) => {
    const unknown = (names ?? []).filter((n) => !scheduler.has(n));
    if (unknown.length)
      throw new RequestError(
        'bad_request',
        `unknown check ${unknown.map((n) => `'${n}'`).join(', ')}`,
      );
    return scheduler.runNow(names);
  };

  return {
    name: 'checks',
    handlers: {
      'checks.list': async () =>
        checks.map((c): CheckSummary => ({
          name: c.name,
          type: c.type,
          enabled: c.enabled,
          intervalMs: c.interval,
          last: latest.get(c.name) ?? null,
        })),
      'checks.run': async ({ names }) => runNow(names),
    },
    onResult(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    latest: () => latest,
    configured: () => checks,
    runNow,
    start: async () => scheduler.start(),
    stop: () => scheduler.stop(),
  };
}
