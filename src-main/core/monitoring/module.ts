/**
 * Pause and resume monitoring. Pausing stops the collection loops (checks, scrapes) and the rule
 * evaluation through their modules' own start/stop, so no alert fires on the gap: with no evaluation
 * there is no `up == 0` or `absent()` on data that merely stopped arriving. Firing alerts are no
 * longer re-sent, so they resolve at their endsAt, as when Prometheus itself is stopped for
 * maintenance. Resuming starts the loops, waits for one fresh round, then lets rules evaluate again.
 * The pause is kept in `<dataDir>/monitoring/pause.json`, so a restart stays paused until its end.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { RequestHandlers } from '../api.js';
import { parseDuration } from '../duration.js';
import type { Logger } from '../log.js';
import type { EngineModule } from '../module.js';
import type { StatusSnapshot } from '../system/contract.js';
import type { MonitoringState } from './contract.js';
import { writeFileAtomic } from '../atomic-file.js';

export interface MonitoringModuleOptions {
  dataDir: string;
  logger: Logger;
  /** Called whenever the state changes (the agent publishes it as the `monitoring` event). */
  onChange?: (state: MonitoringState) => void;
  /** One fresh round of data before rules evaluate again after a resume. */
  warmUp?: () => Promise<void>;
  /** Bound on warmUp, so a hung target cannot keep rules off. */
  warmUpTimeoutMs?: number;
  now?: () => number;
  /** Where ccmon_monitoring_paused is exported (so a Prometheus that scrapes ccmon can inhibit). */
  registry?: Registry;
}

export interface MonitoringModule extends EngineModule {
  handlers: Pick<RequestHandlers, 'monitoring.pause' | 'monitoring.resume' | 'monitoring.state'>;
  /** Wrap a collection loop (checks, scrape): not started while paused. */
  gateLoop(m: EngineModule): EngineModule;
  /** Wrap an evaluator (rules): loaded at start, but not evaluating while paused. */
  gateEvaluator(m: EngineModule): EngineModule;
  state(): MonitoringState;
  /** The overall status as the UI should see it: `paused` while paused. */
  overlay(status: StatusSnapshot): StatusSnapshot;
}

const RUNNING: MonitoringState = { paused: false, since: null, until: null, by: null };
// setTimeout holds at most 2^31-1 ms (~24.8 days); longer waits re-arm.
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createMonitoringModule(opts: MonitoringModuleOptions): MonitoringModule {
  const now = opts.now ?? Date.now;
  const file = join(opts.dataDir, 'monitoring', 'pause.json');
  const loops: EngineModule[] = [];
  const evaluators: EngineModule[] = [];
  const engineStarted = new Set<EngineModule>();
  let state: MonitoringState = RUNNING;
  let timer: NodeJS.Timeout | null = null;
  // Pause and resume run one at a time: a resume racing a pause must not leave loops half started.
  let queue: Promise<unknown> = Promise.resolve();
  if (opts.registry)
    new Gauge({
      name: 'ccmon_monitoring_paused',
      help: 'Whether ccmon monitoring is paused (1): no checks, scrapes or rule evaluations run.',
      registers: [opts.registry],
      // Computed at scrape time from the current state (STYLE: no pushed point-in-time values).
      collect() {
        this.set(state.paused ? 1 : 0);
      },
    });
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const persist = async (s: MonitoringState) => {
    if (!s.paused) return rm(file, { force: true });
    await mkdir(join(opts.dataDir, 'monitoring'), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, JSON.stringify(s));
  };

  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!state.paused || !state.until) return;
    const left = Date.parse(state.until) - now();
    timer = setTimeout(
      () => {
        timer = null;
        if (Date.parse(state.until ?? '') <= now()) void resume().catch(logFailure);
        else arm();
      },
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    );
    timer.unref();
  };
  const logFailure = (err: Error) => opts.logger.error(`resume failed: ${err.message}`);

  const change = (next: MonitoringState) => {
    state = next;
    arm();
    opts.onChange?.(state);
  };

  const pause = (forText: string | undefined, by: string | undefined) =>
    serial(async () => {
      const t = now();
      const ms = forText ? parseDuration(forText) : null;
      const next: MonitoringState = {
        paused: true,
        since: state.paused && state.since ? state.since : new Date(t).toISOString(),
        until: ms ? new Date(t + ms).toISOString() : null,
        by: by ?? null,
      };
      await persist(next);
      const wasPaused = state.paused;
      change(next);
      if (!wasPaused) {
        // Rules first, then the loops that feed them (the reverse of the start order).
        for (const m of [...evaluators, ...[...loops].reverse()])
          if (engineStarted.has(m)) await m.stop();
      }
      opts.logger.info(
        `monitoring paused${next.until ? ` until ${next.until}` : ' until resumed'}${by ? ` by ${by}` : ''}`,
      );
      return state;
    });

  const resume = () =>
    serial(async () => {
      if (!state.paused) return state;
      await persist(RUNNING);
      change(RUNNING);
      for (const m of loops) if (engineStarted.has(m)) await m.start();
      if (opts.warmUp && loops.some((m) => engineStarted.has(m))) await boundedWarmUp();
      for (const m of evaluators) if (engineStarted.has(m)) await m.start();
      opts.logger.info('monitoring resumed');
      return state;
    });

  const boundedWarmUp = async () => {
    let t: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      t = setTimeout(resolve, opts.warmUpTimeoutMs ?? 15_000);
      t.unref();
    });
    await Promise.race([opts.warmUp!().catch(() => undefined), limit]);
    clearTimeout(t);
  };

  const gate = (m: EngineModule, kind: 'loop' | 'evaluator'): EngineModule => {
    (kind === 'loop' ? loops : evaluators).push(m);
    return {
      name: m.name,
      async start() {
        engineStarted.add(m);
        if (!state.paused) return m.start();
        // An evaluator still loads (rules.list shows the rules) but does not evaluate.
        if (kind === 'evaluator') {
          await m.start();
          await m.stop();
        }
      },
      async stop() {
        engineStarted.delete(m);
        await m.stop();
      },
    };
  };

  return {
    name: 'monitoring',
    handlers: {
      'monitoring.pause': ({ for: forText, by }) => pause(forText, by),
      'monitoring.resume': () => resume(),
      'monitoring.state': async () => state,
    },
    gateLoop: (m) => gate(m, 'loop'),
    gateEvaluator: (m) => gate(m, 'evaluator'),
    state: () => state,
    overlay: (status) =>
      state.paused
        ? {
            overall: 'paused',
            updatedAt: state.since,
            summary: `monitoring paused ${state.until ? `until ${state.until}` : 'until resumed'}`,
          }
        : status,
    async start() {
      const saved = await loadPause(file, opts.logger);
      if (saved && saved.until && Date.parse(saved.until) <= now()) {
        await rm(file, { force: true });
        opts.logger.info(`the pause saved until ${saved.until} is over: monitoring runs`);
      } else if (saved) {
        state = saved;
        arm();
        opts.logger.warn(
          `monitoring is paused${saved.until ? ` until ${saved.until}` : ' until resumed'} (saved pause)`,
        );
      }
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/** The saved pause; a damaged file is reported and ignored (monitoring runs: the safe side). */
async function loadPause(file: string, logger: Logger): Promise<MonitoringState | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const s = JSON.parse(text) as Partial<MonitoringState>;
    const valid =
      s.paused === true &&
      typeof s.since === 'string' &&
      !Number.isNaN(Date.parse(s.since)) &&
      (s.until === null || (typeof s.until === 'string' && !Number.isNaN(Date.parse(s.until))));
    if (valid) return { paused: true, since: s.since!, until: s.until ?? null, by: s.by ?? null };
  } catch {
    // fall through
  }
  logger.warn(`${file} is not a saved pause; ignoring it, monitoring runs`);
  return null;
}
