/**
 * The Elasticsearch backend: log_analyzer.py's queries (es-queries.ts) against the index pattern
 * filebeat writes (claude-code-*), answers shaped exactly like the local backend's.
 */
import type { Client } from '@elastic/elasticsearch';
import { loadElasticsearch } from '../lazy.js';

type ClientOptions = NonNullable<ConstructorParameters<typeof Client>[0]>;
import type { ElasticsearchLogsConfig, LogsConfig } from './config.js';
import {
  anomalyBody,
  errorsBody,
  ES_FIELDS,
  searchBody,
  slowBody,
  userActivityBody,
} from './es-queries.js';
import { parseTimestamp } from './parse.js';
import { levelVariants, type DayCounts, type WindowCounts } from './query.js';
import {
  anomalyWindows,
  buildAnomalyReport,
  buildUserActivity,
  daysWindow,
  hoursWindow,
  nowMs,
  page,
  positive,
} from './results.js';
import type { LogEntry, LogHits, LogStore } from './types.js';

/** Elasticsearch could not be reached or refused the query: says which cluster and why. */
export class LogStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogStoreError';
  }
}

/** Secrets come from the environment variables the config names, never from the file itself. */
export function createEsClient(
  es: ElasticsearchLogsConfig,
  env: NodeJS.ProcessEnv = process.env,
  extra: Partial<ClientOptions> = {},
): Client {
  const apiKey = env[es.apiKeyEnv];
  const password = env[es.passwordEnv];
  const auth = apiKey
    ? { apiKey }
    : es.username && password
      ? { username: es.username, password }
      : undefined;
  const { Client: EsClient } = loadElasticsearch();
  return new EsClient({
    node: es.node,
    requestTimeout: es.requestTimeoutMs,
    maxRetries: 1,
    ...(auth ? { auth } : {}),
    ...extra,
  });
}

interface EsHit {
  _index: string;
  _id?: string;
  _source?: Record<string, unknown>;
}

export function createElasticLogStore(config: LogsConfig, client: Client): LogStore {
  const index = config.elasticsearch.indexPattern;
  const search = async (body: Record<string, unknown>) => {
    try {
      return await client.search<Record<string, unknown>>({
        index,
        ignore_unavailable: true,
        allow_no_indices: true,
        ...body,
      });
    } catch (err) {
      throw new LogStoreError(
        `elasticsearch ${config.elasticsearch.node} (${index}): ${describe(err)}`,
      );
    }
  };
  const toHits = (res: {
    hits: { total?: number | { value: number }; hits: unknown[] };
  }): LogHits => {
    const t = res.hits.total;
    return {
      total: typeof t === 'number' ? t : (t?.value ?? 0),
      hits: res.hits.hits.map((h) => entryOfHit(h as EsHit)),
    };
  };

  return {
    backend: 'elasticsearch',
    async errors(q) {
      const w = hoursWindow(q.hours, q.now);
      return toHits(
        await search(errorsBody(w, levelVariants(config.errorLevels), page(q.offset, q.limit))),
      );
    },
    async slowRequests(q) {
      const w = hoursWindow(q.hours, q.now);
      const threshold = positive('threshold', q.thresholdSeconds);
      return toHits(await search(slowBody(w, threshold, page(q.offset, q.limit))));
    },
    async search(q) {
      const p = page(q.offset, q.limit);
      const w =
        q.hours === undefined ? { since: 0, until: nowMs(q.now) } : hoursWindow(q.hours, q.now);
      return toHits(await search(searchBody(w, q.text ?? '', q.fields ?? {}, p)));
    },
    async userActivity(q) {
      const w = daysWindow(q.days, q.now);
      const res = await search(userActivityBody(w, q.userId, config.requests));
      const days: DayCounts = {};
      const agg = res.aggregations?.daily_requests as
        | {
            buckets: Array<{
              key: number;
              doc_count: number;
              total_tokens?: { value: number | null };
            }>;
          }
        | undefined;
      for (const b of agg?.buckets ?? []) {
        days[new Date(b.key).toISOString().slice(0, 10)] = {
          requests: b.doc_count,
          tokens: b.total_tokens?.value ?? 0,
        };
      }
      return buildUserActivity(q.userId, q.days, w, days);
    },
    async anomalies(q) {
      const w = anomalyWindows(q.hours, q.now);
      const services = [...new Set(config.sources.map((s) => s.service))];
      const res = await search(anomalyBody(w, services, config.requests));
      type Bucket = {
        doc_count: number;
        services?: { buckets: Record<string, { doc_count: number }> };
      };
      const windows = (
        res.aggregations?.windows as { buckets?: Record<string, Bucket> } | undefined
      )?.buckets;
      const counts: WindowCounts = {};
      for (const s of services) {
        counts[s] = {
          previous: windows?.previous?.services?.buckets[s]?.doc_count ?? 0,
          current: windows?.current?.services?.buckets[s]?.doc_count ?? 0,
          before: windows?.before?.services?.buckets[s]?.doc_count ?? 0,
        };
      }
      const report = buildAnomalyReport(
        q.hours,
        w,
        counts,
        services,
        config.anomalyFactor,
        config.anomalyMinRequests,
      );
      // The overall verdict counts every request document, as the seed's queries do.
      const overall = buildAnomalyReport(
        q.hours,
        w,
        {
          all: {
            previous: windows?.previous?.doc_count ?? 0,
            current: windows?.current?.doc_count ?? 0,
            before: windows?.before?.doc_count ?? 0,
          },
        },
        [],
        config.anomalyFactor,
        config.anomalyMinRequests,
      );
      return { ...overall, services: report.services };
    },
    async close() {
      await client.close();
    },
  };
}

/** A filebeat document as a LogEntry (accepts `fields.service` when fields_under_root is off). */
export function entryOfHit(hit: EsHit): LogEntry {
  const src = hit._source ?? {};
  const fields = (src.fields ?? {}) as Record<string, unknown>;
  const num = (v: unknown) =>
    typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : null;
  const str = (v: unknown) =>
    typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
  return {
    timestamp: parseTimestamp(src[ES_FIELDS.timestamp]) ?? String(src[ES_FIELDS.timestamp]),
    service: str(src[ES_FIELDS.service]) ?? str(fields.service) ?? '',
    level: str(src[ES_FIELDS.level]),
    message: str(src[ES_FIELDS.message]) ?? '',
    latencySeconds: num(src[ES_FIELDS.latency]),
    userId: str(src[ES_FIELDS.userId]),
    tokensUsed: num(src[ES_FIELDS.tokensUsed]),
    source: { index: hit._index, id: hit._id ?? '' },
  };
}

function describe(err: unknown): string {
  const e = err as {
    name?: string;
    message?: string;
    meta?: { statusCode?: number; body?: unknown };
  };
  if (e.name === 'ConnectionError') return `cannot connect (${e.message ?? ''})`;
  if (e.name === 'TimeoutError') return 'request timed out';
  if (e.meta?.statusCode === 401 || e.meta?.statusCode === 403)
    return `not authorised (HTTP ${e.meta.statusCode}); set the username and the password or API key environment variable`;
  if (e.meta?.statusCode) {
    const reason = (e.meta.body as { error?: { reason?: string } } | undefined)?.error?.reason;
    return `HTTP ${e.meta.statusCode}${reason ? `: ${reason}` : ''}`;
  }
  return e.message ?? String(err);
}
