/**
 * Alert state that survives a restart. Prometheus writes ALERTS_FOR_STATE into its TSDB and, on
 * start, restores each alert's ActiveAt when the outage was shorter than the tolerance; ccmon keeps
 * the same facts in one JSON file under the data dir, written atomically after each change.
 */
import { readFileSync } from 'node:fs';
import type { AlertState, RestoredAlert } from './alerting-rule.js';
import { writeJsonAtomic } from '../atomic-file.js';

export interface PersistedAlert {
  group: string;
  rule: string;
  /** labelsKey of the alert's labels. */
  key: string;
  labels: Record<string, string>;
  state: AlertState;
  activeAt: number;
}

interface StateFile {
  version: 1;
  /** When the state was last written: the start of the outage on restart. */
  savedAt: number;
  alerts: PersistedAlert[];
}

export class AlertStateFile {
  /** What was last written, to skip unchanged saves without serialising every evaluation. */
  private lastWritten: PersistedAlert[] | null = null;
  private lastSavedAt = 0;

  constructor(readonly path: string) {}

  /** Alerts to restore, per "group\0rule"; empty when the file is missing, corrupt or too old. */
  load(
    now: number,
    toleranceMs: number,
  ): { byRule: Map<string, Map<string, RestoredAlert>>; problem: string | null } {
    const byRule = new Map<string, Map<string, RestoredAlert>>();
    let data: StateFile;
    try {
      data = JSON.parse(readFileSync(this.path, 'utf8')) as StateFile;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return {
        byRule,
        problem:
          code === 'ENOENT'
            ? null
            : `ignoring unreadable alert state ${this.path}: ${(err as Error).message}`,
      };
    }
    if (data?.version !== 1 || !Array.isArray(data.alerts))
      return { byRule, problem: `ignoring alert state ${this.path}: unknown format` };
    if (now - data.savedAt > toleranceMs) return { byRule, problem: null };
    for (const a of data.alerts) {
      const id = `${a.group}\0${a.rule}`;
      let m = byRule.get(id);
      if (!m) byRule.set(id, (m = new Map()));
      m.set(a.key, { activeAt: a.activeAt, state: a.state });
    }
    return { byRule, problem: null };
  }

  /**
   * Write when the active alerts changed, and at least once a minute while any is active so that
   * `savedAt` tells how long the agent was down.
   */
  save(now: number, alerts: PersistedAlert[]): void {
    const same = this.lastWritten !== null && sameAlerts(this.lastWritten, alerts);
    if (same && (alerts.length === 0 || now - this.lastSavedAt < 60_000)) return;
    const file: StateFile = { version: 1, savedAt: now, alerts };
    writeJsonAtomic(this.path, file);
    this.lastWritten = alerts;
    this.lastSavedAt = now;
  }
}

/** Same alerts in the same order? `key` is the labels' key, so equal keys mean equal labels. */
function sameAlerts(a: PersistedAlert[], b: PersistedAlert[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.key !== y.key ||
      x.state !== y.state ||
      x.activeAt !== y.activeAt ||
      x.rule !== y.rule ||
      x.group !== y.group
    )
      return false;
  }
  return true;
}
