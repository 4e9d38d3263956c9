/**
 * The rule manager (rules/manager.go): loads the default and configured rule files, evaluates
 * each group on its interval over the series store, appends recording-rule and ALERTS series
 * back to it, hands due alerts to the AlertSender as PostableAlerts, keeps `for` state across
 * restarts and reloads, and reports state changes.
 */
import { join } from 'node:path';
import type { Logger } from '../log.js';
import type { AlertSender, PostableAlert } from '../alerts/postable.js';
import { ClockJumpDetector, JUMP_TOLERANCE_MS } from '../alerts/clock-jump.js';
import type { SeriesAppender, SeriesQuerier } from '../tsdb/types.js';
import { AlertingRule, type Alert } from './alerting-rule.js';
import { AlertStateFile, type PersistedAlert } from './alert-state.js';
import { EvaluationHold, newestOwnSample } from './clock-hold.js';
import type { RulesConfig } from './config.js';
import type { RuleStateChange, RulesListResult, RulesReloadResult } from './contract.js';
import { DEFAULT_RULE_FILES } from './defaults/index.js';
import { parseDuration } from '../duration.js';
import { everyOnGrid } from '../system/cadence.js';
import { copyGroupState, RuleGroup } from './group.js';
import {
  formatIssue,
  parseRuleFile,
  RuleFileError,
  loadRuleFiles,
  type RuleGroupSpec,
} from './rule-file.js';
import { listRules } from './rules-view.js';
import { diff, snapshot } from './state-changes.js';
import { globFiles } from './unittest/test-file.js';

export interface RuleManagerOptions {
  config: RulesConfig;
  dataDir: string;
  querier: SeriesQuerier;
  appender: SeriesAppender;
  sender: AlertSender;
  logger: Logger;
  /** Called with the alerts that changed state in one group evaluation. */
  onStateChange?: (changes: RuleStateChange[]) => void;
  now?: () => number;
}

export const DEFAULTS_PREFIX = '<defaults>/';

export class RuleManager {
  private groups: RuleGroup[] = [];
  private files: string[] = [];
  private loadError: string | null = null;
  /** Each running group's cancel function. */
  private timers = new Map<RuleGroup, () => void>();
  private running = false;
  private readonly state: AlertStateFile;
  private restoredOnce = false;
  private readonly now: () => number;
  /** Only on the real clock: an injected `now` is a test's simulated time, not a jump. */
  private readonly jumps: ClockJumpDetector | null;
  /** After a backward step of the wall clock: no evaluation until it catches up (clock-hold.ts). */
  private readonly hold = new EvaluationHold();

  constructor(private readonly opts: RuleManagerOptions) {
    this.state = new AlertStateFile(join(opts.dataDir, 'rules', 'alert-state.json'));
    this.now = opts.now ?? Date.now;
    this.jumps = opts.now
      ? null
      : new ClockJumpDetector({ now: () => this.now(), monotonic: () => performance.now() });
  }

  /**
   * A wall-clock step (or a suspend) between evaluations moves the alerts' wall-time marks by
   * the step, so `for` counts time that passed (a +2 h step must not fire a pending alert) and
   * re-sends keep their cadence (a −10 min step must not pause them until the notifier's endsAt
   * runs out). Firing alerts keep their start: it is what receivers were told.
   */
  private followClockJump(): void {
    const jump = this.jumps?.check() ?? 0;
    if (!jump) return;
    const wasHeld = this.hold.holds(this.now());
    this.hold.clockMoved(this.now(), jump);
    const move = (t: number) => (t > 0 ? t + jump : t);
    for (const g of this.groups)
      for (const r of g.rules)
        if (r instanceof AlertingRule)
          for (const a of r.active.values()) {
            if (a.state === 'pending') a.activeAt += jump;
            a.lastSentAt = move(a.lastSentAt);
            a.validUntil = move(a.validUntil);
            a.keepFiringSince = move(a.keepFiringSince);
            a.resolvedAt = move(a.resolvedAt);
          }
    this.opts.logger.warn(
      `the wall clock moved by ${Math.round(jump / 1000)} s (a clock change or a suspend): alert timers moved with it`,
    );
    const held = this.hold.view(this.now());
    if (held && !wasHeld)
      this.opts.logger.warn(`rule evaluation held until ${held.until}: ${held.reason}`);
  }

  /**
   * One timer tick of group g: evaluate at the wall time, or, while evaluation is held after a
   * backward clock step, only re-send the firing alerts on their cadence.
   */
  private tick(g: RuleGroup): void {
    this.followClockJump();
    const ts = this.now();
    if (this.hold.holds(ts)) {
      this.resendHeld(g, ts);
      return;
    }
    const held = this.hold.release(ts);
    if (held > 0) {
      this.opts.logger.info(`rule evaluation resumes after ${Math.round(held / 1000)} s held`);
      // The condition was not observed while held: that time does not count towards `for`.
      for (const group of this.groups)
        for (const r of group.rules)
          if (r instanceof AlertingRule)
            for (const a of r.active.values()) if (a.state === 'pending') a.activeAt += held;
    }
    this.evaluateGroup(g, ts);
  }

  /** Held: keep the notifier's firing (and recently resolved) alerts from expiring, change nothing. */
  private resendHeld(g: RuleGroup, ts: number): void {
    const due: Alert[] = [];
    for (const r of g.rules)
      if (r instanceof AlertingRule)
        due.push(...r.alertsToSend(ts, this.resendDelayMs(), g.intervalMs));
    if (due.length) this.send(due);
  }

  /** Load (or reload) every rule file; on any error the running rules stay as they were. */
  async load(): Promise<RulesReloadResult> {
    const cfg = this.opts.config;
    const specs: RuleGroupSpec[] = [];
    const errors: string[] = [];
    const files: string[] = [];
    if (cfg.defaults)
      for (const [name, text] of Object.entries(DEFAULT_RULE_FILES)) {
        const parsed = parseRuleFile(text, DEFAULTS_PREFIX + name);
        specs.push(...parsed.groups);
        errors.push(...parsed.issues.map(formatIssue));
        files.push(DEFAULTS_PREFIX + name);
      }
    const configured = await globFiles(cfg.files, (p) => errors.push(`${p}: no rule file matches`));
    try {
      specs.push(...(await loadRuleFiles(configured)));
      files.push(...configured);
    } catch (err) {
      if (!(err instanceof RuleFileError)) throw err;
      errors.push(...err.issues.map(formatIssue));
    }
    if (errors.length) {
      this.loadError = errors.join('\n');
      this.opts.logger.error(
        `rule files not (re)loaded, keeping the previous rules:\n${this.loadError}`,
      );
      return { ok: false, groups: this.groups.length, rules: countRules(this.groups), errors };
    }
    const defaultInterval = parseDuration(cfg.evaluationInterval) ?? 30_000;
    const alertCtx = { externalLabels: cfg.externalLabels, externalURL: '' };
    const next = specs.map((s) => new RuleGroup(s, s.intervalMs ?? defaultInterval, alertCtx));
    const kept = new Set<RuleGroup>();
    for (const g of next) {
      const old = this.groups.find((o) => o.name === g.name && o.spec.file === g.spec.file);
      if (old) {
        copyGroupState(old, g);
        kept.add(old);
      }
    }
    // Prometheus marks the series of a group that no longer exists stale, so they vanish at once.
    for (const old of this.groups)
      if (!kept.has(old)) old.markAllStale(this.opts.appender, this.now());
    if (!this.restoredOnce) this.restoreState(next);
    this.loadError = null;
    this.files = files;
    const wasRunning = this.running;
    if (wasRunning) this.stopTimers();
    this.groups = next;
    if (wasRunning) this.startTimers();
    this.opts.logger.info(
      `loaded ${next.length} rule groups with ${countRules(next)} rules from ${files.length} files`,
    );
    return { ok: true, groups: next.length, rules: countRules(next), errors: [] };
  }

  private restoreState(groups: RuleGroup[]): void {
    this.restoredOnce = true;
    const tolerance = parseDuration(this.opts.config.outageTolerance) ?? 3600_000;
    const { byRule, problem } = this.state.load(this.now(), tolerance);
    if (problem) this.opts.logger.warn(problem);
    for (const g of groups)
      for (const r of g.rules) {
        const saved = byRule.get(`${g.name}\0${r.name}`);
        if (saved && r instanceof AlertingRule) r.restore(saved);
      }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.holdIfBehindStore();
    this.startTimers();
  }

  /** The clock set back while the agent was stopped: ccmon's own stored samples are ahead of it. */
  private holdIfBehindStore(): void {
    if (!this.jumps) return; // an injected clock is a test's simulated time
    const now = this.now();
    const newest = newestOwnSample(this.opts.querier, now + JUMP_TOLERANCE_MS);
    if (newest === null) return;
    this.hold.clockMoved(now, now - newest, 'store');
    const held = this.hold.view(now);
    if (held) this.opts.logger.warn(`rule evaluation held until ${held.until}: ${held.reason}`);
  }

  stop(): void {
    this.running = false;
    this.stopTimers();
  }

  private startTimers(): void {
    for (const g of this.groups) {
      // Evaluate soon after start, then at the group's times on the agent's wake-up grid
      // (core/system/cadence.ts), offset by the group's name as Prometheus staggers groups.
      this.timers.set(
        g,
        everyOnGrid(g.intervalMs, g.name, () => this.tick(g), { atOnce: true }),
      );
    }
  }

  private stopTimers(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  /** One evaluation of one group at ts (the timers call this; tests call it directly). */
  evaluateGroup(g: RuleGroup, ts: number): void {
    const before = snapshot(g);
    const res = g.eval(
      ts,
      { querier: this.opts.querier, appender: this.opts.appender },
      this.resendDelayMs(),
    );
    for (const e of res.errors)
      this.opts.logger.warn(`rule "${e.rule}" in group "${g.name}" failed: ${e.error}`);
    if (res.toSend.length) this.send(res.toSend);
    const changes = diff(g, before, snapshot(g), ts);
    if (changes.length) this.opts.onStateChange?.(changes);
    this.persist(ts);
  }

  /** Evaluate every group once at ts, in order. */
  evaluateAll(ts = this.now()): void {
    for (const g of this.groups) this.evaluateGroup(g, ts);
  }

  private resendDelayMs(): number {
    return parseDuration(this.opts.config.resendDelay) ?? 60_000;
  }

  private send(alerts: Alert[]): void {
    const ext = this.opts.config.externalLabels;
    const postable: PostableAlert[] = alerts.map((a) => ({
      // Prometheus's notifier adds external labels the alert does not already have.
      labels: { ...ext, ...a.labels },
      annotations: a.annotations,
      startsAt: new Date(a.firedAt || a.activeAt).toISOString(),
      endsAt: new Date(
        a.resolvedAt > 0 && a.state === 'inactive' ? a.resolvedAt : a.validUntil,
      ).toISOString(),
    }));
    try {
      this.opts.sender.send(postable);
    } catch (err) {
      this.opts.logger.error(`sending ${postable.length} alerts failed: ${(err as Error).message}`);
    }
  }

  private persist(ts: number): void {
    const alerts: PersistedAlert[] = [];
    for (const g of this.groups)
      for (const r of g.rules)
        if (r instanceof AlertingRule)
          for (const [key, a] of r.active)
            if (a.state !== 'inactive')
              alerts.push({
                group: g.name,
                rule: r.name,
                key,
                labels: a.labels,
                state: a.state,
                activeAt: a.activeAt,
              });
    try {
      this.state.save(ts, alerts);
    } catch (err) {
      this.opts.logger.warn(`could not save alert state: ${(err as Error).message}`);
    }
  }

  /**
   * Whether evaluation is held after a backward clock step, and why (null when not): what the
   * status snapshot reads on every check result, without building the rule list.
   */
  held(): RulesListResult['held'] {
    return this.hold.view(this.now());
  }

  list(type?: 'alert' | 'record'): RulesListResult {
    return {
      groups: listRules(this.groups, type),
      files: this.files,
      loadError: this.loadError,
      held: this.hold.view(this.now()),
    };
  }

  get ruleGroups(): readonly RuleGroup[] {
    return this.groups;
  }
}

function countRules(groups: RuleGroup[]): number {
  return groups.reduce((n, g) => n + g.rules.length, 0);
}
