/**
 * ccmon and real Alertmanagers side by side: push (forward ccmon's alerts to them) and pull (take
 * theirs in, shown and notified like ccmon's own, with their silenced/inhibited state kept). An
 * alert that disappears from a pulled Alertmanager is resolved here at the poll that misses it.
 */
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { AlertsConfig } from './config.js';
import { fingerprint } from './matchers.js';
import type { Notifier } from './notifier.js';
import type { PostableAlert } from './postable.js';
import { AlertmanagerPull, toPostable, type PullSnapshot } from './pull.js';
import { AlertmanagerPush } from './push.js';

type PullConfig = AlertsConfig['pullFrom'][number];

export class RemoteAlertmanagers {
  push: AlertmanagerPush[];
  pull: AlertmanagerPull[];
  private pullConfigs: PullConfig[];
  private readonly pulledFps = new Map<string, Set<string>>();
  private readonly dir: string;
  private running = false;

  constructor(
    cfg: AlertsConfig,
    dataDir: string,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
  ) {
    this.dir = join(dataDir, 'alerts');
    this.push = cfg.pushTo.map((t) => this.newPush(t.url));
    this.pull = cfg.pullFrom.map((p) => this.newPull(p));
    this.pullConfigs = cfg.pullFrom;
  }

  start(): void {
    this.running = true;
    for (const p of this.push) p.start();
    for (const p of this.pull) p.start();
  }

  stop(): void {
    this.running = false;
    for (const p of this.push) p.stop();
    for (const p of this.pull) p.stop();
  }

  /**
   * Apply changed pushTo / pullFrom lists: unchanged targets keep running (a push target keeps its
   * queue), removed ones stop, new ones start. Alerts pulled from a source that is no longer
   * configured resolve now, as they would at a poll that no longer sees them.
   */
  reload(cfg: AlertsConfig): void {
    const pushes = new Map(this.push.map((p) => [p.url, p]));
    this.push = cfg.pushTo.map((t) => {
      const kept = pushes.get(t.url);
      pushes.delete(t.url);
      if (kept) return kept;
      const p = this.newPush(t.url);
      if (this.running) p.start();
      return p;
    });
    for (const gone of pushes.values()) gone.stop();

    const same = (a: PullConfig, b: PullConfig) =>
      a.name === b.name && a.url === b.url && a.interval === b.interval;
    const pulls = this.pull.map((p, i) => ({ p, cfg: this.pullConfigs[i]! }));
    this.pull = cfg.pullFrom.map((c) => {
      const kept = pulls.find((o) => same(o.cfg, c));
      if (kept) return kept.p;
      const p = this.newPull(c);
      if (this.running) p.start();
      return p;
    });
    for (const old of pulls) {
      if (this.pull.includes(old.p)) continue;
      old.p.stop();
      if (!cfg.pullFrom.some((c) => c.name === old.cfg.name))
        this.onPulled(old.cfg.name, { at: this.notifier.clock.now(), alerts: [] });
    }
    this.pullConfigs = cfg.pullFrom;
  }

  private newPush(url: string): AlertmanagerPush {
    return new AlertmanagerPush(url, this.dir, this.notifier.clock, this.logger.child('push'));
  }

  private newPull(p: PullConfig): AlertmanagerPull {
    return new AlertmanagerPull(
      p.name,
      p.url,
      p.interval,
      this.notifier.clock,
      this.logger.child(`pull:${p.name}`),
      (s) => this.onPulled(p.name, s),
    );
  }

  /** Forward ccmon's own alerts (never pulled ones: that would loop). */
  forward(alerts: PostableAlert[]): void {
    for (const p of this.push) p.enqueue(alerts);
  }

  pullSource(name: string): AlertmanagerPull | undefined {
    return this.pull.find((p) => p.name === name);
  }

  private onPulled(name: string, snap: PullSnapshot): void {
    const source = `alertmanager:${name}`;
    const seen = new Set<string>();
    const batch: PostableAlert[] = [];
    for (const a of snap.alerts) {
      const fp = fingerprint(a.labels);
      seen.add(fp);
      this.notifier.upstream.set(fp, {
        state: a.status.state,
        silencedBy: a.status.silencedBy.map((id) => `${source}/${id}`),
        inhibitedBy: a.status.inhibitedBy,
      });
      batch.push(toPostable(a));
    }
    const now = new Date(snap.at).toISOString();
    for (const fp of this.pulledFps.get(name) ?? []) {
      if (seen.has(fp)) continue;
      const gone = this.notifier.alert(fp);
      this.notifier.upstream.delete(fp);
      if (gone)
        batch.push({
          labels: { ...gone.labels },
          annotations: gone.annotations,
          startsAt: new Date(gone.startsAt).toISOString(),
          endsAt: now,
        });
    }
    this.pulledFps.set(name, seen);
    const { errors } = this.notifier.receive(batch, source);
    if (errors.length)
      throw new Error(`alertmanager ${name} sent invalid alerts: ${errors.join('; ')}`);
  }
}
