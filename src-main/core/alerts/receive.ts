/**
 * Alerts posted to ccmon's Alertmanager-compatible receiver (POST /api/v2/alerts, and the older
 * /api/v1/alerts Prometheus 2.x can still use) checked the way Alertmanager checks them before
 * they join the notifier's path: its OpenAPI PostableAlert (labels required; annotations,
 * startsAt, endsAt, generatorURL optional; unknown fields ignored) and then model.Alert.Validate
 * (at least one label pair, valid label names, start before end). Every problem names the
 * alert's index and the field, so a misconfigured sender can be fixed from the 400's body.
 */
import type { PostableAlert } from './postable.js';

/** Alertmanager's label name rule (model.LabelName.IsValid, legacy validation). */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** RFC 3339 as Go's time.Time unmarshals it: fractional seconds of any length, Z or an offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
/** Go's zero time, which Alertmanager treats as "not set". */
const ZERO_TIME = /^0001-01-01T00:00:00(?:\.0+)?(?:Z|[+-]00:00)$/i;

/** The cap on alerts per request, as for the `alerts.post` request. */
export const MAX_ALERTS_PER_POST = 10_000;

/** A posted alert that passed; without startsAt the notifier starts it at its own now. */
export type CheckedAlert = Omit<PostableAlert, 'startsAt'> & { startsAt?: string };

export interface CheckedAlerts {
  /** The alerts that passed, startsAt defaulted to endsAt as Alertmanager does. */
  valid: CheckedAlert[];
  /** One message per problem, e.g. `alerts[2].labels: at least one label pair required`. */
  errors: string[];
}

/** Check a parsed request body (a JSON array of PostableAlert). */
export function checkPostedAlerts(body: unknown): CheckedAlerts {
  if (!Array.isArray(body))
    return { valid: [], errors: [`body: expected a JSON array of alerts, got ${kind(body)}`] };
  if (body.length > MAX_ALERTS_PER_POST)
    return {
      valid: [],
      errors: [`body: ${body.length} alerts in one request; at most ${MAX_ALERTS_PER_POST}`],
    };
  const valid: CheckedAlert[] = [];
  const errors: string[] = [];
  body.forEach((item, i) => {
    const problems: string[] = [];
    const alert = checkOne(item, (field, msg) =>
      problems.push(`alerts[${i}]${field ? `.${field}` : ''}: ${msg}`),
    );
    if (problems.length > 0) errors.push(...problems);
    else if (alert) valid.push(alert);
  });
  return { valid, errors };
}

function checkOne(
  item: unknown,
  fail: (field: string, message: string) => void,
): CheckedAlert | null {
  if (!isObject(item)) {
    fail('', `expected an alert object, got ${kind(item)}`);
    return null;
  }
  const labels = labelSet(item['labels'], 'labels', true, fail);
  const annotations = labelSet(item['annotations'], 'annotations', false, fail);
  const startsAt = time(item['startsAt'], 'startsAt', fail);
  const endsAt = time(item['endsAt'], 'endsAt', fail);
  const gen = item['generatorURL'];
  if (gen !== undefined && gen !== null && typeof gen !== 'string')
    fail('generatorURL', `expected a string, got ${kind(gen)}`);
  if (!labels || !annotations || startsAt === undefined || endsAt === undefined) return null;
  // Removing empty label values comes first (removeEmptyLabels), then "at least one pair".
  for (const [k, v] of Object.entries(labels)) if (v === '') delete labels[k];
  if (Object.keys(labels).length === 0) {
    fail('labels', 'at least one label pair required');
    return null;
  }
  // postAlertsHandler: a missing start is the end when one is given (else now, by the notifier).
  const start = startsAt ?? endsAt;
  if (start !== null && endsAt !== null && Date.parse(endsAt) < Date.parse(start)) {
    fail('endsAt', `start time must be before end time (startsAt ${start}, endsAt ${endsAt})`);
    return null;
  }
  return {
    labels,
    annotations,
    ...(start !== null ? { startsAt: start } : {}),
    // Without endsAt the notifier applies resolve_timeout, as Alertmanager does.
    ...(endsAt !== null ? { endsAt } : {}),
    ...(typeof gen === 'string' && gen !== '' ? { generatorURL: gen } : {}),
  };
}

function labelSet(
  v: unknown,
  field: string,
  required: boolean,
  fail: (field: string, message: string) => void,
): Record<string, string> | null {
  if (v === undefined || v === null) {
    if (required) fail(field, 'is required');
    return required ? null : {};
  }
  if (!isObject(v)) {
    fail(field, `expected an object of string values, got ${kind(v)}`);
    return null;
  }
  const out: Record<string, string> = {};
  let ok = true;
  for (const [name, value] of Object.entries(v)) {
    if (field === 'labels' && !LABEL_NAME.test(name)) {
      fail(`${field}.${name}`, `invalid label name (expected ${LABEL_NAME.source})`);
      ok = false;
    } else if (typeof value !== 'string') {
      fail(`${field}.${name}`, `expected a string, got ${kind(value)}`);
      ok = false;
    } else out[name] = value;
  }
  return ok ? out : null;
}

/** A valid time string, null when absent or Go's zero time, undefined when invalid. */
function time(
  v: unknown,
  field: string,
  fail: (field: string, message: string) => void,
): string | null | undefined {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || !RFC3339.test(v) || Number.isNaN(Date.parse(v))) {
    fail(
      field,
      `expected an RFC 3339 date-time such as 2026-01-02T15:04:05Z, got ${JSON.stringify(v)}`,
    );
    return undefined;
  }
  return ZERO_TIME.test(v) ? null : v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
