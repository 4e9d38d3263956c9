/**
 * AgentApi: the one typed contract between the engine and every UI (Electron IPC, HTTP + SSE).
 *
 * Each domain declares its requests in its own `contract.ts` with `defineRequest`; this file merges
 * them. The IPC handler, the preload bridge, the HTTP routes and the renderer client are all derived
 * from `agentRequests`, never listed by hand. Params are zod schemas (validated at every boundary);
 * results are types only. This file and the contracts it imports must stay free of Node built-ins:
 * the renderer imports their types.
 */
import type { z } from 'zod';
import type { RequestDef } from './contract.js';
import { systemRequests, type SystemEvents } from './system/contract.js';
import { checksRequests, type ChecksEvents } from './checks/contract.js';
import { scrapeRequests } from './scrape/contract.js';
import { alertsRequests, type AlertsEvents } from './alerts/contract.js';
import { usageRequests, type UsageEvents } from './usage/contract.js';
import { tsdbRequests } from './tsdb/contract.js';
import { maintenanceRequests, type MaintenanceEvents } from './maintenance/contract.js';
import { reportsRequests } from './reports/contract.js';
import { logsRequests, type LogsEvents } from './logs/contract.js';
import { jobRequests, type JobEvents } from './jobs/contract.js';
import { backupRequests, type BackupEvents } from './backup/contract.js';
import { rulesRequests, type RulesEvents } from './rules/contract.js';
import { configRequests, type ConfigEvents } from './config/contract.js';
import { monitoringRequests, type MonitoringEvents } from './monitoring/contract.js';

export type { RequestDef } from './contract.js';
export { defineRequest } from './contract.js';

/** Every request the UI can make: name → params schema (+ result type). One spread per domain. */
export const agentRequests = {
  ...systemRequests,
  ...checksRequests,
  ...scrapeRequests,
  ...alertsRequests,
  ...usageRequests,
  ...tsdbRequests,
  ...maintenanceRequests,
  ...reportsRequests,
  ...logsRequests,
  ...jobRequests,
  ...backupRequests,
  ...rulesRequests,
  ...configRequests,
  ...monitoringRequests,
};

/** Every event the UI can receive: name → payload. One member per domain. */
export type AgentEvents = SystemEvents &
  ChecksEvents &
  AlertsEvents &
  UsageEvents &
  MaintenanceEvents &
  LogsEvents &
  JobEvents &
  BackupEvents &
  RulesEvents &
  ConfigEvents &
  MonitoringEvents;

export type RequestName = keyof typeof agentRequests;
export type EventName = keyof AgentEvents;
export type ParamsOf<K extends RequestName> = z.input<(typeof agentRequests)[K]['params']>;
export type ResultOf<K extends RequestName> =
  (typeof agentRequests)[K] extends RequestDef<z.ZodType, infer R> ? R : never;

/** The engine side: one handler per request, given already-validated params. */
export type RequestHandlers = {
  [K in RequestName]: (
    params: z.output<(typeof agentRequests)[K]['params']>,
  ) => Promise<ResultOf<K>>;
};

/** What every UI holds. Subscriptions return their unsubscribe function (a React effect cleanup). */
export interface AgentApi {
  request<K extends RequestName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>>;
  subscribe<E extends EventName>(event: E, listener: (payload: AgentEvents[E]) => void): () => void;
}

/** The error shape every transport uses for a failed request. */
export interface AgentErrorBody {
  error: {
    code: 'bad_request' | 'not_found' | 'unauthorized' | 'internal';
    message: string;
    issues?: string[];
  };
}

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(agentRequests, name);
}
