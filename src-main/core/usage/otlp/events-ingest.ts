/**
 * Claude Code's OTLP log events → usage records. The event name comes from the record's
 * event_name field, the `event.name` attribute, or a string body (`claude_code.api_request`);
 * numbers in attributes may be strings. Re-sent batches are recognised by a bounded set of event
 * keys (session, name, timestamp, sequence), so a retried export is never counted twice.
 */
import {
  identityOf,
  num,
  type Identity,
  type SecurityKind,
  type UsageRecorder,
} from '../records.js';
import { digestKey } from '../temporality.js';
import type { SecurityEventRules } from './security-rules.js';
import type { IngestResult } from './metrics-ingest.js';
import { attrMap, nanosToMillis, type OtlpLogsRequest } from './types.js';

export interface EventsIngestOptions {
  recorder: UsageRecorder;
  seen: RecentKeys;
  /** Book tokens and cost from api_request events (`usage.otlp.costFrom: events`). */
  bookCost: boolean;
  teamAttribute: string;
  teams: Record<string, string>;
  /** Admin-defined classification (`usage.securityEvents`), tried before the built-in one. */
  securityRules?: SecurityEventRules;
  now?: () => number;
}

/** A bounded set of recently seen keys (oldest forgotten first). */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 100_000) {}
  /** True when the key is new (and remembers it). */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value as string);
    return true;
  }
  get size(): number {
    return this.keys.size;
  }
}

export function ingestLogs(req: OtlpLogsRequest, opts: EventsIngestOptions): IngestResult {
  const result: IngestResult = { accepted: 0, rejected: 0, errors: [] };
  const now = opts.now?.() ?? Date.now();
  for (const rl of req.resourceLogs ?? []) {
    const resAttrs = attrMap(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const rec of sl.logRecords ?? []) {
        // Object.assign, not a spread: see metrics-ingest.ts (spread objects were promoted).
        const attrs = Object.assign({}, resAttrs, attrMap(rec.attributes));
        const name = eventName(rec.eventName, attrs['event.name'], rec.body?.stringValue);
        result.accepted++;
        if (!name) continue; // a plain log line, not a Claude Code event
        const tRec = nanosToMillis(rec.timeUnixNano) || nanosToMillis(rec.observedTimeUnixNano);
        const tEvent = Date.parse(attrs['event.timestamp'] ?? '') || tRec || now;
        const t = Math.abs(tEvent - now) > 86_400_000 ? now : tEvent;
        const key = [
          attrs['session.id'],
          name,
          rec.timeUnixNano,
          attrs['event.timestamp'],
          attrs['event.sequence'],
          attrs['prompt.id'],
          attrs['tool_name'],
          attrs['duration_ms'],
        ].join('|');
        const id = identityOf(attrs, opts.teamAttribute, opts.teams);
        opts.recorder.seen('otlp:logs', id, now);
        if (!opts.seen.add(digestKey(key))) continue;
        bookEvent(name, attrs, id, t, opts);
      }
    }
  }
  return result;
}

/** `claude_code.api_request` / `api_request` → `api_request`; null when not a Claude Code event. */
export function eventName(...candidates: (string | undefined)[]): string | null {
  for (const c of candidates) {
    if (!c) continue;
    const m = /^(?:claude_code\.)?([a-z][a-z0-9_]*)$/.exec(c.trim());
    if (m) return m[1]!;
  }
  return null;
}

function bookEvent(
  name: string,
  a: Record<string, string>,
  id: Identity,
  t: number,
  o: EventsIngestOptions,
): void {
  const r = o.recorder;
  const model = a.model ?? '';
  const ruled = o.securityRules?.classify(name, a);
  if (ruled) r.security(id, ruled, describe(name, a), t);
  // One event is one security signal: an admin's rule replaces the built-in classification.
  const security = ruled
    ? () => {}
    : (kind: SecurityKind, detail: string) => r.security(id, kind, detail, t);
  switch (name) {
    case 'api_request': {
      r.apiRequest(id, model, num(a.duration_ms), t, 'otlp');
      if (o.bookCost) {
        const tokens = {
          input: a.input_tokens,
          output: a.output_tokens,
          cacheRead: a.cache_read_tokens,
          cacheCreation: a.cache_creation_tokens,
        };
        for (const [type, v] of Object.entries(tokens)) {
          const n = num(v);
          if (n) r.tokens(id, model, type as 'input', n, t, 'otlp');
        }
        const usd = num(a.cost_usd);
        if (usd) r.cost(id, model, usd, t, 'otlp');
      }
      if ((a.stop_reason ?? '') === 'refusal') security('api_refusal', `model ${model} refused`);
      return;
    }
    case 'api_error': {
      const status = a.status_code ?? '';
      const message = a.error ?? '';
      r.apiError(id, model, status, message, t);
      if (
        status === '401' ||
        status === '403' ||
        /authenticat|unauthori[sz]ed|invalid api key/i.test(message)
      )
        security('auth_failure', `${status || 'error'}: ${message}`.slice(0, 200));
      else if (/refus/i.test(message)) security('api_refusal', message.slice(0, 200));
      return;
    }
    case 'tool_result':
      r.toolResult(id, a.tool_name ?? '', a.success !== 'false', t);
      if (/sandbox/i.test(a.error ?? '') && /(violat|denied|blocked)/i.test(a.error ?? ''))
        security('sandbox_violation', `${a.tool_name ?? 'tool'}: ${a.error}`.slice(0, 200));
      return;
    case 'user_prompt':
      r.prompt(id, t);
      return;
    case 'tool_decision':
      if (a.decision === 'reject')
        security(
          'rejected_tool_decision',
          `${a.tool_name ?? 'tool'} rejected (${a.source ?? 'user'})`,
        );
      return;
    default: {
      const kind = securityKindOf(name, a);
      if (kind) security(kind, describe(name, a));
    }
  }
}

/** Events outside the documented set that still carry a security signal. */
function securityKindOf(name: string, a: Record<string, string>): SecurityKind | null {
  if (/sandbox/.test(name) && /(violation|denied|blocked)/.test(name)) return 'sandbox_violation';
  if (/permission_mode/.test(name) || (name.includes('mode') && a.permission_mode))
    return 'permission_mode_change';
  if (/auth.*(fail|error)/.test(name)) return 'auth_failure';
  if (/refus/.test(name)) return 'api_refusal';
  return null;
}

function describe(name: string, a: Record<string, string>): string {
  const mode = a.permission_mode ?? a.mode ?? a.to ?? '';
  return (mode ? `${name}: ${mode}` : name).slice(0, 200);
}
