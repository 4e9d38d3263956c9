/**
 * Agent identity and the overall status snapshot, fed by the checks module's results and the rule
 * manager's hold after a backward clock step (`rulesHeld`, so every UI can say why nothing fires):
 * recomputed on every result and on a slow tick (so data that stops arriving turns 'unknown'),
 * published as the `status` event whenever it changes. A tick arriving far too late means the machine slept: older
 * results are then distrusted until fresh ones arrive.
 */
import type { RequestHandlers } from '../api.js';
import type { CheckResult } from '../checks/types.js';
import type { EngineModule } from '../module.js';
import { everyOnGrid } from './cadence.js';
import { VERSION } from '../version.js';
import type { AgentInfo, RulesHold, StatusSnapshot } from './contract.js';
import { computeOverall, type CheckRef } from './overall.js';

export interface StatusSource {
  configured(): CheckRef[];
  latest(): Map<string, CheckResult>;
  onResult(listener: (r: CheckResult) => void): () => void;
}

export interface SystemModuleOptions {
  shell: AgentInfo['shell'];
  dataDir: string;
  configFile: string | null;
  configWarnings: string[];
  /** The checks whose results make the overall status; without it the status stays 'unknown'. */
  checks?: StatusSource;
  /**
   * Whether rule evaluation is held after a backward clock step (the rule manager's view); read on
   * every snapshot and on the tick, so the hold shows within a tick of starting and ending.
   */
  rulesHold?: () => RulesHold | null;
  /** Called with every changed snapshot (the agent forwards it as the `status` event). */
  onStatus?: (s: StatusSnapshot) => void;
  /** Tick for staleness and sleep detection. */
  tickMs?: number;
  now?: () => number;
}

export interface SystemModule extends EngineModule {
  handlers: Pick<RequestHandlers, 'agent.info' | 'status.get'>;
  info(): AgentInfo;
  status(): StatusSnapshot;
}

export function createSystemModule(opts: SystemModuleOptions): SystemModule {
  const startedAt = new Date().toISOString();
  const now = opts.now ?? Date.now;
  const tickMs = opts.tickMs ?? 5000;
  const info = (): AgentInfo => ({
    version: VERSION,
    shell: opts.shell,
    startedAt,
    pid: process.pid,
    dataDir: opts.dataDir,
    configFile: opts.configFile,
    configWarnings: opts.configWarnings,
    node: process.versions.node,
  });
  let resumedAt: number | null = null;
  let last: StatusSnapshot = {
    overall: 'unknown',
    updatedAt: null,
    summary: 'no checks have run yet',
  };
  const fromChecks = (): StatusSnapshot => {
    if (!opts.checks) return last;
    const latest = opts.checks.latest();
    if (latest.size === 0)
      return { overall: 'unknown', updatedAt: null, summary: 'no checks have run yet' };
    return computeOverall(opts.checks.configured(), latest, now(), resumedAt);
  };
  const compute = (): StatusSnapshot => {
    const base = fromChecks();
    if (!opts.rulesHold) return base;
    let rulesHeld: RulesHold | null;
    try {
      rulesHeld = opts.rulesHold();
    } catch {
      rulesHeld = null; // a status must come out whatever the rule manager does
    }
    return { ...base, rulesHeld };
  };
  let emittedAt = 0;
  const refresh = () => {
    const next = compute();
    const changed =
      next.overall !== last.overall ||
      next.summary !== last.summary ||
      next.rulesHeld?.until !== last.rulesHeld?.until;
    // A new result alone only moves updatedAt; publish that at most every 10 s, changes at once.
    if (changed || (next.updatedAt !== last.updatedAt && now() - emittedAt >= 10_000)) {
      last = next;
      emittedAt = now();
      opts.onStatus?.(next);
    }
  };
  let cancelTick: (() => void) | null = null;
  let unsubscribe: (() => void) | null = null;
  let lastTick = now();
  return {
    name: 'system',
    info,
    status: compute,
    handlers: {
      'agent.info': async () => info(),
      'status.get': async () => compute(),
    },
    async start() {
      if ((!opts.checks && !opts.rulesHold) || cancelTick) return;
      unsubscribe = opts.checks?.onResult(refresh) ?? null;
      lastTick = now();
      // On the agent's wake-up grid (cadence.ts), with the checks that feed it.
      cancelTick = everyOnGrid(tickMs, 'status tick', () => {
        const t = now();
        if (t - lastTick > tickMs * 3) resumedAt = t; // the process was frozen: slept or suspended
        lastTick = t;
        refresh();
      });
    },
    async stop() {
      cancelTick?.();
      cancelTick = null;
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
