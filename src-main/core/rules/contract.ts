/**
 * AgentApi for the rule engine: the loaded groups with each rule's health, last evaluation and
 * active (pending and firing) alerts, a reload, and an event whenever an alert changes state.
 * Types and zod only: the renderer imports this file.
 */
import { z } from 'zod';
import { defineRequest } from '../contract.js';

export type RuleHealthView = 'ok' | 'err' | 'unknown';
export type AlertStateView = 'inactive' | 'pending' | 'firing';

export interface ActiveAlertView {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  /** ISO time the condition first held (the `for` clock starts here). */
  activeAt: string;
  value: number;
}

export interface RuleView {
  name: string;
  type: 'alerting' | 'recording';
  query: string;
  /** `for` and `keep_firing_for`, seconds (alerting rules). */
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  health: RuleHealthView;
  lastError: string | null;
  lastEvaluation: string | null;
  /** Seconds the last evaluation took. */
  evaluationTime: number;
  /** Alerting rules: the most severe state of its alerts. */
  state?: AlertStateView;
  alerts?: ActiveAlertView[];
}

export interface RuleGroupView {
  name: string;
  file: string;
  /** Seconds between evaluations. */
  interval: number;
  lastEvaluation: string | null;
  evaluationTime: number;
  rules: RuleView[];
}

export interface RulesListResult {
  groups: RuleGroupView[];
  /** Rule files in use (`<defaults>/…` for the built-in ones). */
  files: string[];
  /** The last reload's problem, when the running rules are older than the files. */
  loadError: string | null;
  /**
   * Set while evaluation waits after the system clock was set back: until when, and why
   * (alerts keep their state meanwhile). Absent or null when rules evaluate normally.
   */
  held?: { until: string; reason: string } | null;
}

export interface RulesReloadResult {
  ok: boolean;
  groups: number;
  rules: number;
  /** Each problem with file, line and rule; the previous rules stay active when not ok. */
  errors: string[];
}

export interface RuleStateChange {
  group: string;
  rule: string;
  labels: Record<string, string>;
  from: AlertStateView;
  to: AlertStateView;
  value: number;
  at: string;
}

export const rulesRequests = {
  'rules.list': defineRequest<RulesListResult>()(
    z.object({ type: z.enum(['alert', 'record']).optional() }).strict(),
  ),
  'rules.reload': defineRequest<RulesReloadResult>()(z.object({}).strict()),
};

export interface RulesEvents {
  /** Alerts that changed state in one evaluation of one group. */
  'rules.state': { changes: RuleStateChange[] };
}
