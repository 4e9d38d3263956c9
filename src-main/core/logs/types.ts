/**
 * The log analysis domain: one LogStore interface with the seed's four queries (34.3.5
 * log_analyzer.py: errors, slow requests, a user's activity, anomaly detection) plus search, and
 * the shapes both backends (local files, Elasticsearch) return. Types only: the renderer imports
 * these through the contract.
 */

/** One log event, normalised the same way by both backends. Times are ISO 8601 (UTC). */
export interface LogEntry {
  timestamp: string;
  /** filebeat's `fields.service` (claude-code, llm-gateway, claude-sandbox, …). */
  service: string;
  level: string | null;
  message: string;
  latencySeconds: number | null;
  userId: string | null;
  tokensUsed: number | null;
  /** Where it came from: a file and the byte offset of its line, or an index and document id. */
  source: { file: string; offset: number } | { index: string; id: string };
}

/** A page of matching entries, newest first; `total` counts every match, not just this page. */
export interface LogHits {
  total: number;
  hits: LogEntry[];
  /** Problems met while answering (unreadable files, bad globs, malformed lines): never fatal. */
  scan?: ScanReport;
}

export interface DailyActivity {
  /** UTC calendar day, YYYY-MM-DD. */
  date: string;
  requests: number;
  tokens: number;
}

/** A user's requests and token sums per UTC day over the last N calendar days, newest day first. */
export interface UserActivity {
  userId: string;
  days: number;
  from: string;
  to: string;
  totalRequests: number;
  totalTokens: number;
  daily: DailyActivity[];
  scan?: ScanReport;
}

export interface RateWindow {
  from: string;
  to: string;
  requests: number;
  /** Requests per hour over the window. */
  ratePerHour: number;
}

/** The seed's rule: the current window's request rate above `factor` × the previous window's. */
export interface AnomalyVerdict {
  anomaly: boolean;
  /**
   * Whether the logs reach back before the previous window (a request logged earlier): without
   * that, a previous window of 0 means "no logs yet" (a new install, a new source), not "idle",
   * and no rate is called an anomaly.
   */
  baseline: boolean;
  current: RateWindow;
  previous: RateWindow;
  /** factor × previous rate: the rate the current window had to exceed. */
  thresholdPerHour: number;
}

export interface AnomalyReport extends AnomalyVerdict {
  windowHours: number;
  factor: number;
  /** Below this many requests in the current window nothing is called an anomaly (noise guard). */
  minRequests: number;
  /** The same verdict per configured service. */
  services: Array<AnomalyVerdict & { service: string }>;
  scan?: ScanReport;
}

/** Fields that can be searched by value (filebeat maps these as keywords: exact match). */
export type SearchField = 'service' | 'level' | 'userId';

export interface SearchQuery {
  /** Free text: every word must appear in the message (Elasticsearch `match` with operator and). */
  text?: string;
  /** Exact values of keyword fields. */
  fields?: Partial<Record<SearchField, string>>;
  hours?: number;
  offset?: number;
  limit?: number;
  now?: string;
}

export interface ErrorsQuery {
  hours: number;
  offset?: number;
  limit?: number;
  /** Evaluate as of this time (ISO); default: now. */
  now?: string;
}

export interface SlowQuery extends ErrorsQuery {
  thresholdSeconds: number;
}

export interface UserQuery {
  userId: string;
  days: number;
  now?: string;
}

export interface AnomalyQuery {
  hours: number;
  now?: string;
}

/** The one interface both backends implement; every result is newest first. */
export interface LogStore {
  readonly backend: 'local' | 'elasticsearch';
  errors(q: ErrorsQuery): Promise<LogHits>;
  slowRequests(q: SlowQuery): Promise<LogHits>;
  userActivity(q: UserQuery): Promise<UserActivity>;
  anomalies(q: AnomalyQuery): Promise<AnomalyReport>;
  search(q: SearchQuery): Promise<LogHits>;
  close(): Promise<void>;
}

/** A bad line, with where it was and why, for the admin to fix the parser config or the writer. */
export interface MalformedSample {
  file: string;
  offset: number;
  reason: string;
  line: string;
}

/** What a scan met besides results. */
export interface ScanReport {
  filesScanned: number;
  bytesScanned: number;
  malformedLines: number;
  malformedSamples: MalformedSample[];
  /** Unreadable files, bad globs, missing folders: each names the path and the reason. */
  problems: string[];
}

/** Paging bounds shared by both backends (Elasticsearch's default index.max_result_window). */
export const MAX_RESULT_WINDOW = 10_000;
export const DEFAULT_PAGE_SIZE = 100;
