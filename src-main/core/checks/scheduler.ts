/**
 * Runs each enabled check at its own interval with bounded concurrency and a hard deadline per
 * run, applies the consecutive-failure threshold, and hands every result to `onResult`. A probe
 * that ignores its abort signal is still cut off at the deadline (Promise.race), so one broken
 * probe cannot stall a lane.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { CheckConfig } from './config.js';
import type { HostSampler } from './host-sampler.js';
import { Lanes } from './lanes.js';
import { probeFor, type ProbeTable } from './probe-context.js';
import type { CheckResult, ProbeOutcome } from './types.js';

export interface SchedulerOptions {
  checks: CheckConfig[];
  concurrency: number;
  probes: ProbeTable;
  host: HostSampler;
  onResult: (result: CheckResult, outcome: ProbeOutcome) => void;
  /** One-shot runs (`ccmon check`) judge on a single failure, like health_check.py. */
  ignoreThreshold?: boolean;
}

interface CheckState {
  check: CheckConfig;
  failures: number;
  timedOut: boolean;
  timer: NodeJS.Timeout | null;
  running: Promise<CheckResult> | null;
  phased: boolean;
}

/** A stable offset in [0, interval) from the check's name (FNV-1a). */
export function phaseOf(name: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h % Math.max(1, intervalMs);
}

export class CheckScheduler {
  private readonly states = new Map<string, CheckState>();
  private readonly lanes: Lanes;
  private readonly stopping = new AbortController();
  // Keep-alive saves a handshake per run; no per-host socket cap, or hung requests to one host
  // would queue the healthy ones behind them.
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxFreeSockets: 8 }),
    https: new https.Agent({ keepAlive: true, maxFreeSockets: 8 }),
  };
  private started = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.lanes = new Lanes(opts.concurrency);
    // One abort listener per in-flight run: hundreds of checks are normal, not a leak.
    setMaxListeners(0, this.stopping.signal);
    for (const check of opts.checks) {
      this.states.set(check.name, {
        check,
        failures: 0,
        timedOut: false,
        timer: null,
        running: null,
        phased: false,
      });
    }
  }

  /** Start the periodic runs; first runs are spread over up to a second so they do not burst. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const enabled = [...this.states.values()].filter((s) => s.check.enabled);
    enabled.forEach((s, i) =>
      this.schedule(s, enabled.length > 1 ? Math.round((i / enabled.length) * 1000) : 0),
    );
  }

  /** Run now (all enabled checks, or the named ones) and wait for their results. */
  async runNow(names?: string[]): Promise<CheckResult[]> {
    const states = [...this.states.values()].filter((s) =>
      names ? names.includes(s.check.name) : s.check.enabled,
    );
    return Promise.all(states.map((s) => s.running ?? this.run(s)));
  }

  has(name: string): boolean {
    return this.states.has(name);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopping.abort();
    for (const s of this.states.values()) if (s.timer) clearTimeout(s.timer);
    await Promise.allSettled([...this.states.values()].map((s) => s.running));
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private schedule(s: CheckState, delayMs: number): void {
    if (!this.started) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      // Elapsed time from the monotonic clock: a wall-clock step must not skip or repeat a run.
      const began = performance.now();
      void (s.running ?? this.run(s)).finally(() => {
        // Next run one interval after this one began (Prometheus-style fixed cadence), never in the past.
        // After the quick first run, each check moves once to its own phase within the interval
        // (Prometheus spreads targets by a hash offset), so a large set never runs in one burst.
        const phase = s.phased ? 0 : phaseOf(s.check.name, s.check.interval);
        s.phased = true;
        this.schedule(s, Math.max(0, s.check.interval + phase - (performance.now() - began)));
      });
    }, delayMs);
    s.timer.unref();
  }

  private run(s: CheckState): Promise<CheckResult> {
    const p = this.execute(s).finally(() => {
      s.running = null;
    });
    s.running = p;
    return p;
  }

  private async execute(s: CheckState): Promise<CheckResult> {
    const { check } = s;
    const release = await this.lanes.acquire(s.timedOut);
    const controller = new AbortController();
    const onStop = () => controller.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    const started = performance.now();
    let deadline: NodeJS.Timeout | undefined;
    let outcome: ProbeOutcome;
    let timedOut = false;
    try {
      const probe = probeFor(this.opts.probes, check)(check, {
        signal: controller.signal,
        timeoutMs: check.timeout,
        agents: this.agents,
        host: this.opts.host,
      });
      const cutoff = new Promise<ProbeOutcome>((resolve) => {
        // A little after the probe's own timeout, so its clearer message wins when it keeps time.
        deadline = setTimeout(() => {
          timedOut = true;
          controller.abort();
          resolve({
            status: 'unhealthy',
            message: `${check.name}: no result within ${check.timeout} ms (timed out)`,
          });
        }, check.timeout + 250);
      });
      outcome = await Promise.race([probe, cutoff]);
    } catch (err) {
      outcome = {
        status: 'unhealthy',
        message: `${check.name}: probe failed: ${(err as Error).message}`,
      };
    } finally {
      clearTimeout(deadline);
      this.stopping.signal.removeEventListener('abort', onStop);
      release();
    }
    const latencyMs = performance.now() - started;
    s.timedOut = timedOut || /within \d+ ms|timed out/.test(outcome.message);
    const result = this.judge(s, outcome, latencyMs);
    try {
      this.opts.onResult(result, outcome);
    } catch {
      // A failing consumer must not stop the checks.
    }
    return result;
  }

  private judge(s: CheckState, outcome: ProbeOutcome, latencyMs: number): CheckResult {
    const threshold = this.opts.ignoreThreshold ? 1 : s.check.failureThreshold;
    let status: CheckResult['status'] = outcome.status;
    let message = outcome.message;
    if (outcome.status === 'unhealthy') {
      s.failures++;
      if (s.failures < threshold) {
        status = 'degraded';
        message = `${message} (failure ${s.failures} of ${threshold} before unhealthy)`;
      }
    } else s.failures = 0;
    return {
      name: s.check.name,
      type: s.check.type,
      status,
      message,
      details: outcome.details ?? outcome.message,
      latencyMs: Math.round(latencyMs * 10) / 10,
      at: new Date().toISOString(),
      consecutiveFailures: s.failures,
      intervalMs: s.check.interval,
      values: outcome.values ?? {},
    };
  }
}
