/**
 * Silences as the dashboard lists them, from either side: ccmon's own store and a pulled
 * Alertmanager's GET /api/v2/silences (whose matchers say isRegex / isEqual instead of an operator).
 */
import { rfc3339 } from './alert.js';
import type { SilenceView } from './contract.js';
import type { GettableSilence } from './pull.js';
import { silenceState, type Silence } from './silence.js';

export function localSilenceView(s: Silence, now: number): SilenceView {
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: rfc3339(s.startsAt),
    endsAt: rfc3339(s.endsAt),
    updatedAt: rfc3339(s.updatedAt),
    createdBy: s.createdBy,
    comment: s.comment,
    state: silenceState(s, now),
    ...(s.untilResolved ? { untilResolved: s.untilResolved } : {}),
    source: 'ccmon',
  };
}

/** Alertmanager's matcher flags as an operator (isEqual defaults to true in API v2). */
function operator(m: { isRegex: boolean; isEqual?: boolean }): '=' | '!=' | '=~' | '!~' {
  const negated = m.isEqual === false;
  if (m.isRegex) return negated ? '!~' : '=~';
  return negated ? '!=' : '=';
}

export function pulledSilenceView(s: GettableSilence, pullName: string): SilenceView {
  return {
    id: s.id,
    matchers: s.matchers.map((m) => ({ name: m.name, value: m.value, op: operator(m) })),
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    updatedAt: s.updatedAt,
    createdBy: s.createdBy,
    comment: s.comment,
    state: s.status.state,
    source: `alertmanager:${pullName}`,
  };
}
