/**
 * The seed's log_analyzer.py queries as Elasticsearch request bodies (range, match, terms,
 * date_histogram, sum, filters), over filebeat's documents: `@timestamp`, `service` (fields_under_root),
 * `level`, `message`, `latency` (seconds), `user_id`, `tokens_used`. Same windows and semantics as
 * the local backend (query.ts): keyword fields match exactly, the message by all of its words.
 */
import type { SearchField } from './types.js';

export const ES_FIELDS = {
  timestamp: '@timestamp',
  service: 'service',
  level: 'level',
  message: 'message',
  latency: 'latency',
  userId: 'user_id',
  tokensUsed: 'tokens_used',
} as const;

type Body = Record<string, unknown>;
interface Win {
  since: number;
  until: number;
}

const timeRange = (w: Win) => ({
  range: { [ES_FIELDS.timestamp]: { gte: w.since, lte: w.until, format: 'epoch_millis' } },
});
const requestsOnly = (requests: 'latency' | 'all') =>
  requests === 'latency' ? [{ exists: { field: ES_FIELDS.latency } }] : [];

function hitsBody(filter: unknown[], must: unknown[], p: { offset: number; limit: number }): Body {
  return {
    query: { bool: { filter, ...(must.length ? { must } : {}) } },
    // unmapped_type: an index under the pattern without @timestamp must not fail the search.
    sort: [{ [ES_FIELDS.timestamp]: { order: 'desc', unmapped_type: 'date' } }],
    from: p.offset,
    size: p.limit,
    track_total_hits: true,
  };
}

export function errorsBody(w: Win, levels: string[], p: { offset: number; limit: number }): Body {
  return hitsBody([timeRange(w), { terms: { [ES_FIELDS.level]: levels } }], [], p);
}

export function slowBody(
  w: Win,
  thresholdSeconds: number,
  p: { offset: number; limit: number },
): Body {
  return hitsBody(
    [timeRange(w), { range: { [ES_FIELDS.latency]: { gte: thresholdSeconds } } }],
    [],
    p,
  );
}

export function searchBody(
  w: Win,
  text: string,
  fields: Partial<Record<SearchField, string>>,
  p: { offset: number; limit: number },
): Body {
  const filter: unknown[] = [timeRange(w)];
  for (const [name, value] of Object.entries(fields)) {
    if (value) filter.push({ match: { [ES_FIELDS[name as SearchField]]: value } });
  }
  const must = text.trim()
    ? [{ match: { [ES_FIELDS.message]: { query: text, operator: 'and' } } }]
    : [];
  return hitsBody(filter, must, p);
}

/** log_analyzer.py's analyze_user_activity, with every day of the window present (min_doc_count 0). */
export function userActivityBody(w: Win, userId: string, requests: 'latency' | 'all'): Body {
  return {
    size: 0,
    query: {
      bool: {
        filter: [
          timeRange(w),
          { match: { [ES_FIELDS.userId]: userId } },
          ...requestsOnly(requests),
        ],
      },
    },
    aggs: {
      daily_requests: {
        date_histogram: {
          field: ES_FIELDS.timestamp,
          calendar_interval: 'day',
          time_zone: 'UTC',
          min_doc_count: 0,
          extended_bounds: { min: w.since, max: w.until },
        },
        aggs: { total_tokens: { sum: { field: ES_FIELDS.tokensUsed } } },
      },
    },
  };
}

/**
 * The two windows of detect_anomalies in one request: request counts in the previous and current
 * window, overall and per configured service, and before them (whether there is a baseline). (The seed averages a `request_count` field that
 * filebeat never writes; counting request documents is what it means.)
 */
export function anomalyBody(
  w: Win & { mid: number },
  services: string[],
  requests: 'latency' | 'all',
): Body {
  const range = (gte: number, lt: number, inclusive: boolean) => ({
    range: {
      [ES_FIELDS.timestamp]: { gte, [inclusive ? 'lte' : 'lt']: lt, format: 'epoch_millis' },
    },
  });
  return {
    size: 0,
    // No lower bound: `before` says whether the logs reach back past the previous window.
    query: {
      bool: {
        filter: [
          { range: { [ES_FIELDS.timestamp]: { lte: w.until, format: 'epoch_millis' } } },
          ...requestsOnly(requests),
        ],
      },
    },
    aggs: {
      windows: {
        filters: {
          filters: {
            before: {
              range: { [ES_FIELDS.timestamp]: { lt: w.since, format: 'epoch_millis' } },
            },
            previous: range(w.since, w.mid, false),
            current: range(w.mid, w.until, true),
          },
        },
        aggs: {
          services: {
            filters: {
              filters: Object.fromEntries(
                services.map((s) => [s, { match: { [ES_FIELDS.service]: s } }]),
              ),
            },
          },
        },
      },
    },
  };
}
