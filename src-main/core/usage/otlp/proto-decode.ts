/**
 * OTLP/HTTP protobuf bodies straight into the plain objects of types.ts, field by field from the
 * vendored schema (schema.ts: opentelemetry-proto v1.5 field numbers), instead of protobufjs'
 * decode + toObject. Under ten times Claude Code's normal telemetry rate that two-step path
 * allocated a message object, a Long per 64-bit field and then a plain copy of everything; with
 * the agent's small young generation much of it was promoted, and the old generation peaked near
 * 130 MB. This reads each field once and keeps only what ingestion uses (types.ts). Unknown fields
 * are skipped (proto3); a known field with the wrong wire type is a bad request (WireError).
 * test/unit/core/usage/proto-decode.test.ts checks it against protobufjs.
 */
import {
  anyValue,
  attribute,
  embedded,
  expect,
  message,
  push,
  resource,
  scope,
  type Fields,
} from './proto-common.js';
import type {
  HistogramDataPoint,
  LogRecord,
  Metric,
  NumberDataPoint,
  OtlpLogsRequest,
  OtlpMetricsRequest,
  Scope,
} from './types.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT, WireReader } from './wire.js';

type Timed = { startTimeUnixNano?: string; timeUnixNano?: string };

/** Both fixed64 times (fields 2 and 3 in every data point type). */
function time(r: WireReader, f: number, w: number, p: Timed): boolean {
  if (f !== 2 && f !== 3) return false;
  expect(w, WIRE_I64, f, f === 2 ? 'start_time_unix_nano' : 'time_unix_nano');
  if (f === 2) p.startTimeUnixNano = r.fixed64();
  else p.timeUnixNano = r.fixed64();
  return true;
}

const numberPointFields: Fields<NumberDataPoint> = (r, f, w, p) => {
  if (time(r, f, w, p)) return true;
  if (f === 7) p.attributes = attribute(r, w, f, p.attributes);
  else if (f === 4) {
    expect(w, WIRE_I64, f, 'NumberDataPoint.as_double');
    p.asDouble = r.double();
  } else if (f === 6) {
    expect(w, WIRE_I64, f, 'NumberDataPoint.as_int');
    p.asInt = r.sfixed64();
  } else return false;
  return true;
};

/** Histogram, exponential histogram and summary points: what ingestion counts. */
const histogramPointFields =
  (attributesField: number): Fields<HistogramDataPoint> =>
  (r, f, w, p) => {
    if (time(r, f, w, p)) return true;
    if (f === attributesField) p.attributes = attribute(r, w, f, p.attributes);
    else if (f === 4) {
      expect(w, WIRE_I64, f, 'count');
      p.count = r.fixed64();
    } else if (f === 5) {
      expect(w, WIRE_I64, f, 'sum');
      p.sum = r.double();
    } else return false;
    return true;
  };

type Points = { dataPoints?: object[]; aggregationTemporality?: number; isMonotonic?: boolean };

/** Gauge / Sum / Histogram / ExponentialHistogram / Summary: data_points = 1 (+ temporality 2, monotonic 3). */
const pointsFields =
  (point: Fields<object>, temporality: boolean, monotonic: boolean): Fields<Points> =>
  (r, f, w, d) => {
    if (f === 1) {
      expect(w, WIRE_LEN, f, 'data_points');
      d.dataPoints = push(d.dataPoints, embedded(r, {}, point));
    } else if (f === 2 && temporality) {
      expect(w, WIRE_VARINT, f, 'aggregation_temporality');
      d.aggregationTemporality = r.int32();
    } else if (f === 3 && monotonic) {
      expect(w, WIRE_VARINT, f, 'is_monotonic');
      d.isMonotonic = r.bool();
    } else return false;
    return true;
  };

const DATA: Record<number, [keyof Metric, Fields<Points>]> = {
  5: ['gauge', pointsFields(numberPointFields as Fields<object>, false, false)],
  7: ['sum', pointsFields(numberPointFields as Fields<object>, true, true)],
  9: ['histogram', pointsFields(histogramPointFields(9) as Fields<object>, true, false)],
  10: [
    'exponentialHistogram',
    pointsFields(histogramPointFields(1) as Fields<object>, true, false),
  ],
  11: ['summary', pointsFields(histogramPointFields(7) as Fields<object>, false, false)],
};

const metricFields: Fields<Metric> = (r, f, w, m) => {
  if (f === 1 || f === 3) {
    expect(w, WIRE_LEN, f, f === 1 ? 'Metric.name' : 'Metric.unit');
    if (f === 1) m.name = r.string();
    else m.unit = r.string();
    return true;
  }
  const data = DATA[f];
  if (!data) return false;
  expect(w, WIRE_LEN, f, `Metric.${data[0]}`);
  // `data` is a oneof: the last member on the wire wins.
  for (const [key] of Object.values(DATA)) if (m[key] !== undefined) delete m[key];
  (m as Record<string, Points>)[data[0]] = embedded(r, {}, data[1]);
  return true;
};

type ScopeMetrics = { scope?: Scope; metrics?: Metric[] };
type ResourceMetrics = NonNullable<OtlpMetricsRequest['resourceMetrics']>[number];

const scopeMetricsFields: Fields<ScopeMetrics> = (r, f, w, sm) => {
  if (f !== 1 && f !== 2) return false;
  expect(w, WIRE_LEN, f, f === 1 ? 'ScopeMetrics.scope' : 'ScopeMetrics.metrics');
  if (f === 1) sm.scope = scope(r);
  else sm.metrics = push(sm.metrics, embedded(r, {}, metricFields));
  return true;
};

const resourceMetricsFields: Fields<ResourceMetrics> = (r, f, w, rm) => {
  if (f !== 1 && f !== 2) return false;
  expect(w, WIRE_LEN, f, f === 1 ? 'ResourceMetrics.resource' : 'ResourceMetrics.scope_metrics');
  if (f === 1) rm.resource = resource(r);
  else rm.scopeMetrics = push(rm.scopeMetrics, embedded(r, {}, scopeMetricsFields));
  return true;
};

const metricsRequestFields: Fields<OtlpMetricsRequest> = (r, f, w, req) => {
  if (f !== 1) return false;
  expect(w, WIRE_LEN, f, 'resource_metrics');
  req.resourceMetrics = push(req.resourceMetrics, embedded(r, {}, resourceMetricsFields));
  return true;
};

/** An ExportMetricsServiceRequest; throws WireError for a malformed body. */
export function decodeMetricsProto(body: Buffer): OtlpMetricsRequest {
  return message(new WireReader(body), {}, metricsRequestFields);
}

const logRecordFields: Fields<LogRecord> = (r, f, w, rec) => {
  switch (f) {
    case 1:
    case 11:
      expect(w, WIRE_I64, f, f === 1 ? 'time_unix_nano' : 'observed_time_unix_nano');
      if (f === 1) rec.timeUnixNano = r.fixed64();
      else rec.observedTimeUnixNano = r.fixed64();
      return true;
    case 2:
      expect(w, WIRE_VARINT, f, 'LogRecord.severity_number');
      rec.severityNumber = r.int32();
      return true;
    case 3:
    case 12:
      expect(w, WIRE_LEN, f, f === 3 ? 'LogRecord.severity_text' : 'LogRecord.event_name');
      if (f === 3) rec.severityText = r.string();
      else rec.eventName = r.string();
      return true;
    case 5:
      expect(w, WIRE_LEN, f, 'LogRecord.body');
      rec.body = anyValue(r);
      return true;
    case 6:
      rec.attributes = attribute(r, w, f, rec.attributes);
      return true;
    default:
      return false;
  }
};

type ScopeLogs = { scope?: Scope; logRecords?: LogRecord[] };
type ResourceLogs = NonNullable<OtlpLogsRequest['resourceLogs']>[number];

const scopeLogsFields: Fields<ScopeLogs> = (r, f, w, sl) => {
  if (f !== 1 && f !== 2) return false;
  expect(w, WIRE_LEN, f, f === 1 ? 'ScopeLogs.scope' : 'ScopeLogs.log_records');
  if (f === 1) sl.scope = scope(r);
  else sl.logRecords = push(sl.logRecords, embedded(r, {}, logRecordFields));
  return true;
};

const resourceLogsFields: Fields<ResourceLogs> = (r, f, w, rl) => {
  if (f !== 1 && f !== 2) return false;
  expect(w, WIRE_LEN, f, f === 1 ? 'ResourceLogs.resource' : 'ResourceLogs.scope_logs');
  if (f === 1) rl.resource = resource(r);
  else rl.scopeLogs = push(rl.scopeLogs, embedded(r, {}, scopeLogsFields));
  return true;
};

const logsRequestFields: Fields<OtlpLogsRequest> = (r, f, w, req) => {
  if (f !== 1) return false;
  expect(w, WIRE_LEN, f, 'resource_logs');
  req.resourceLogs = push(req.resourceLogs, embedded(r, {}, resourceLogsFields));
  return true;
};

/** An ExportLogsServiceRequest; throws WireError for a malformed body. */
export function decodeLogsProto(body: Buffer): OtlpLogsRequest {
  return message(new WireReader(body), {}, logsRequestFields);
}
