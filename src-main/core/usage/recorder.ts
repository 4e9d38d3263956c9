/**
 * The one UsageRecorder every source writes to: books into the ledger, bumps the store/exporter
 * series, owes tokens to the Redis counters, tracks silence and publishes security events.
 */
import type { SecurityEventView } from './contract.js';
import { utcDay, type UsageLedger } from './ledger.js';
import { ACTIVITY_COUNTERS, USAGE_METRICS as M } from './metric-names.js';
import type { Identity, SecurityKind, TokenType, UsageRecorder, UsageSource } from './records.js';
import type { RedisTokenCounters } from './redis-counters.js';
import type { UsageSeries } from './series.js';
import type { SilenceTracker } from './silence.js';

export interface RecorderParts {
  ledger: UsageLedger;
  series: UsageSeries;
  silence: SilenceTracker;
  redis: RedisTokenCounters | null;
  onSecurity?: (ev: SecurityEventView) => void;
}

/**
 * The identity labels plus `extra`. Object.assign, not `who(id, { model })`: on Node 20's V8 an
 * object spread here made every label set survive young-generation collections (measured with
 * --trace-gc-nvp: ~15× the promoted bytes of Object.assign for the same objects), so each booked
 * point left old-generation garbage; see also metrics-ingest.ts.
 */
function who(id: Identity, extra?: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {
    user: id.user,
    organization: id.organization,
    team: id.team,
  };
  return extra ? Object.assign(labels, extra) : labels;
}

export function createRecorder(p: RecorderParts): UsageRecorder {
  return {
    tokens(id: Identity, model: string, type: TokenType, n: number, t: number, src: UsageSource) {
      p.ledger.addTokens(id, model, type, n, t, src);
      p.series.inc(M.tokens, who(id, { model, type, source: src }), n);
      // The seed's counters are what Claude Code reports, not what transcripts or LiteLLM repeat.
      if (src === 'otlp' || src === 'prometheus') p.redis?.add(id.user, utcDay(t), n);
    },
    cost(id, model, usd, t, src) {
      p.ledger.addCost(id, model, usd, t, src);
      p.series.inc(M.cost, who(id, { model, source: src }), usd);
    },
    session(id, t, src) {
      p.ledger.touchSession(id, t, src);
      p.series.inc(M.sessions, who(id, { source: src }), 1);
    },
    activeSeconds(id, seconds, t, src) {
      p.series.inc(M.activeSeconds, who(id, { source: src }), seconds);
    },
    counter(name, id, labels, n) {
      const def = ACTIVITY_COUNTERS[name];
      if (def) p.series.inc(def, Object.assign({}, labels, { user: id.user }), n);
    },
    apiRequest(id, model, durationMs, t, src, count = 1) {
      p.ledger.addRequest(id, model, t, src, count);
      p.series.inc(M.requests, who(id, { model }), count);
      if (durationMs !== null && durationMs >= 0)
        p.series.observe(M.latency, { model }, durationMs / 1000);
    },
    apiError(id, model, statusCode, _message, t, src = 'otlp', count = 1) {
      p.ledger.addError(id, model, t, src, count);
      p.series.inc(M.errors, who(id, { model, status_code: statusCode }), count);
    },
    toolResult(id, tool, success) {
      p.series.inc(M.toolResults, { user: id.user, tool_name: tool, success: String(success) }, 1);
    },
    prompt(id) {
      p.series.inc(M.prompts, who(id), 1);
    },
    security(id: Identity, kind: SecurityKind, detail: string, t: number) {
      p.ledger.addSecurity({ t, user: id.user, kind, detail });
      p.series.inc(M.security, { user: id.user, kind }, 1);
      if (kind === 'sandbox_violation') p.series.inc(M.sandboxViolations, { user: id.user }, 1);
      p.onSecurity?.({ time: new Date(t).toISOString(), user: id.user, kind, detail });
    },
    seen(signal, id, t) {
      p.silence.seen(signal, t);
      if (signal.startsWith('otlp')) p.silence.seen('otlp', t);
      if (id.user !== 'unknown') p.silence.seen(`user:${id.user}`, t);
    },
  };
}
