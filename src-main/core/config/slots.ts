/**
 * Modules the running engine rebuilds from config: on a reload (config.update) and on resume after a
 * pause. The checks and scrape modules' stop() is final (it aborts their one AbortSignal), so a slot
 * starts a fresh instance after every stop instead of restarting the old one. Everything else holds
 * the slot's stable facade, so subscribers and handlers survive a rebuild.
 */
import type { ChecksModule, CheckListener } from '../checks/module.js';
import type { CheckResult } from '../checks/types.js';
import type { EngineModule } from '../module.js';
import type { ScrapeModule } from '../scrape/module.js';

export class ModuleSlot<M extends EngineModule, C> {
  private module: M;
  private running = false;
  private stale = false;

  constructor(
    readonly name: string,
    private readonly build: (config: C) => M,
    private config: C,
    private readonly onBuilt: (m: M) => void = () => {},
  ) {
    this.module = build(config);
    onBuilt(this.module);
  }

  get current(): M {
    return this.module;
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    if (this.stale) this.replace(this.build(this.config));
    this.running = true;
    await this.module.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stale = true;
    await this.module.stop();
  }

  /**
   * Build from `config` (throws, changing nothing, when the module refuses it), swap it in and, if
   * the slot was running, stop the old one and start the new one.
   */
  async rebuild(config: C): Promise<void> {
    const next = this.build(config);
    const old = this.module;
    this.config = config;
    if (this.running) await old.stop();
    this.replace(next);
    if (this.running) await next.start();
    else this.stale = false;
  }

  private replace(next: M): void {
    this.module = next;
    this.stale = false;
    this.onBuilt(next);
  }
}

/** A ChecksModule that survives rebuilds: listeners and the latest results carry over by name. */
export function checksSlotFacade<C>(slot: () => ModuleSlot<ChecksModule, C>): {
  facade: ChecksModule;
  attach: (m: ChecksModule) => void;
} {
  const listeners = new Set<CheckListener>();
  const latest = new Map<string, CheckResult>();
  const attach = (m: ChecksModule) => {
    // Results of checks that no longer exist would keep the status red forever.
    const names = new Set(m.configured().map((c) => c.name));
    for (const name of [...latest.keys()]) if (!names.has(name)) latest.delete(name);
    m.onResult((r, o) => {
      latest.set(r.name, r);
      for (const l of listeners) l(r, o);
    });
  };
  const facade: ChecksModule = {
    name: 'checks',
    handlers: {
      'checks.list': async (p) =>
        (await slot().current.handlers['checks.list'](p)).map((c) => ({
          ...c,
          last: c.last ?? latest.get(c.name) ?? null,
        })),
      'checks.run': (p) => slot().current.handlers['checks.run'](p),
    },
    onResult(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    latest: () => latest,
    configured: () => slot().current.configured(),
    runNow: (names) => slot().current.runNow(names),
    start: () => slot().start(),
    stop: () => slot().stop(),
  };
  return { facade, attach };
}

/** A ScrapeModule that survives rebuilds. */
export function scrapeSlotFacade<C>(slot: () => ModuleSlot<ScrapeModule, C>): ScrapeModule {
  return {
    name: 'scrape',
    handlers: { 'targets.list': (p) => slot().current.handlers['targets.list'](p) },
    targets: () => slot().current.targets(),
    scrapeAll: () => slot().current.scrapeAll(),
    start: () => slot().start(),
    stop: () => slot().stop(),
  };
}
