import { z } from 'zod';
import { defineRequest } from '../contract.js';

/** Health of the whole deployment, worst check first. `unknown` whenever data is missing or stale. */
export type OverallStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unknown' | 'paused';

export interface AgentInfo {
  version: string;
  shell: 'electron' | 'headless';
  startedAt: string;
  pid: number;
  dataDir: string;
  configFile: string | null;
  configWarnings: string[];
  node: string;
}

export interface StatusSnapshot {
  overall: OverallStatus;
  /** ISO time of the newest result that fed `overall`; null before the first round. */
  updatedAt: string | null;
  summary: string;
  /**
   * Set while rule evaluation waits after the system clock was set back (rules.list's `held`):
   * until when and why. No alert fires or resolves meanwhile; absent or null otherwise.
   */
  rulesHeld?: RulesHold | null;
}

/** Rule evaluation held after a backward clock step (core/rules/clock-hold.ts). */
export interface RulesHold {
  /** ISO time evaluation resumes. */
  until: string;
  reason: string;
}

export const systemRequests = {
  'agent.info': defineRequest<AgentInfo>()(z.object({}).strict()),
  'status.get': defineRequest<StatusSnapshot>()(z.object({}).strict()),
};

export interface SystemEvents {
  status: StatusSnapshot;
}
