/**
 * Runs each enabled check at its own interval with bounded concurrency and a hard deadline per
 * run, applies the consecutive-failure threshold, and hands every result to `onResult`. A probe
 * that ignores its abort signal is still cut off at the deadline (Promise.race), so one broken
 * probe cannot stall a lane.
 */
import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { delayUntil, granuleFor, gridNow, gridOffset, nextDue } from '../system/cadence.js';
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
  /** When the next run is due (the grid's monotonic clock). */
  due: number;
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
  /** Offsets' step: coalesced for a few checks, spread for many (cadence.ts). */
  private granule = 1;

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
        due: 0,
      });
    }
  }

  /**
   * Start the periodic runs: first runs at once, spread over up to a second so they do not burst,
   * then each check on the agent's wake-up grid (core/system/cadence.ts).
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    const enabled = [...this.states.values()].filter((s) => s.check.enabled);
    this.granule = granuleFor(enabled.length);
    const now = gridNow();
    enabled.forEach((s, i) => {
      s.due = now + (enabled.length > 1 ? Math.round((i / enabled.length) * 1000) : 0);
      this.schedule(s);
    });
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

  private schedule(s: CheckState): void {
    if (!this.started) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      void (s.running ?? this.run(s)).finally(() => {
        // A fixed cadence on the grid (Prometheus-style) whatever the run took, on the monotonic
        // clock (a wall-clock step moves nothing); a run that overran its interval skips the grid
        // times it missed.
        const { interval, name } = s.check;
        s.due = nextDue(interval, gridOffset(name, interval, this.granule), s.due, gridNow());
        this.schedule(s);
      });
    }, delayUntil(s.due));
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
