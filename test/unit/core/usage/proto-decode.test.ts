/**
 * The direct OTLP protobuf decoder (otlp/proto-decode.ts, wire.ts) against protobufjs with the
 * vendored schema: generated requests (random attributes of every AnyValue kind, 64-bit times
 * and ints at the edges, every metric data kind, log records) decode to the same objects, and
 * malformed bodies (truncated, random bytes, wrong wire types, deep nesting, bad UTF-8) end in a
 * WireError that says where, never another exception or a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeLogsProto,
  decodeMetricsProto,
} from '../../../../src-main/core/usage/otlp/proto-decode.js';
import { otlpTypes } from '../../../../src-main/core/usage/otlp/schema.js';
import { WireError } from '../../../../src-main/core/usage/otlp/wire.js';
import { decodeLogsRequest } from '../../../../src-main/core/usage/otlp/decode.js';

/** A small seeded PRNG so a failure names a reproducible case. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

const U64_EDGES = [
  '0',
  '1',
  '4294967295',
  '4294967296',
  '9007199254740991',
  '9007199254740993',
  '1795390514077000123',
  '18446744073709551615',
];
const S64_EDGES = [
  '0',
  '-1',
  '42',
  '-9007199254740993',
  '9223372036854775807',
  '-9223372036854775808',
];

function gen(seed: number) {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const str = () =>
    pick(['', 'user.email', 'ünïcödé ✓', 'a'.repeat(Math.floor(r() * 300)), 'claude-sonnet-4-5']);
  const value = (depth: number): object => {
    switch (Math.floor(r() * (depth > 2 ? 5 : 7))) {
      case 0:
        return { stringValue: str() };
      case 1:
        return { boolValue: r() < 0.5 };
      case 2:
        return { intValue: pick(S64_EDGES) };
      case 3:
        return { doubleValue: pick([0, -1.5, 1e300, 0.1]) };
      case 4:
        return { bytesValue: Buffer.from([1, 2, 255]).toString('base64') };
      case 5:
        return { arrayValue: { values: [value(depth + 1), value(depth + 1)] } };
      default:
        return { kvlistValue: { values: [{ key: str(), value: value(depth + 1) }] } };
    }
  };
  const attrs = () =>
    Array.from({ length: Math.floor(r() * 5) }, () => ({ key: str(), value: value(0) }));
  const times = () => ({ startTimeUnixNano: pick(U64_EDGES), timeUnixNano: pick(U64_EDGES) });
  const num = () => ({
    attributes: attrs(),
    ...times(),
    ...(r() < 0.5 ? { asDouble: r() * 100 } : { asInt: pick(S64_EDGES) }),
  });
  const hist = () => ({ attributes: attrs(), ...times(), count: pick(U64_EDGES), sum: r() });
  const metric = () => {
    const kind = Math.floor(r() * 5);
    const m: Record<string, unknown> = { name: str(), unit: 's', description: 'ignored' };
    if (kind === 0) m.gauge = { dataPoints: [num()] };
    if (kind === 1)
      m.sum = {
        dataPoints: [num(), num()],
        aggregationTemporality: pick([0, 1, 2]),
        isMonotonic: r() < 0.5,
      };
    if (kind === 2)
      m.histogram = {
        dataPoints: [{ ...hist(), bucketCounts: ['1', '2'], explicitBounds: [1] }],
        aggregationTemporality: 2,
      };
    if (kind === 3)
      m.exponentialHistogram = { dataPoints: [{ ...hist(), scale: 3 }], aggregationTemporality: 1 };
    if (kind === 4) m.summary = { dataPoints: [hist()] };
    return m;
  };
  const resource = () => ({ attributes: attrs(), droppedAttributesCount: 1 });
  const scope = () => ({ name: str(), version: '1.0', attributes: attrs() });
  const metrics = {
    resourceMetrics: [
      {
        resource: resource(),
        schemaUrl: 'x',
        scopeMetrics: [{ scope: scope(), metrics: [metric(), metric(), metric()] }],
      },
    ],
  };
  const rec = () => ({
    timeUnixNano: pick(U64_EDGES),
    observedTimeUnixNano: pick(U64_EDGES),
    severityNumber: 9,
    severityText: 'INFO',
    body: value(0),
    attributes: attrs(),
    eventName: str(),
    traceId: Buffer.alloc(16, 1).toString('base64'),
    flags: 1,
  });
  const logs = {
    resourceLogs: [
      { resource: resource(), scopeLogs: [{ scope: scope(), logRecords: [rec(), rec()] }] },
    ],
  };
  return { metrics, logs };
}

/** protobufjs' plain object, cut to what types.ts declares (what the direct decoder keeps). */
const KEEP = new Set([
  'resourceMetrics',
  'resource',
  'scopeMetrics',
  'scope',
  'metrics',
  'name',
  'version',
  'unit',
  'gauge',
  'sum',
  'histogram',
  'exponentialHistogram',
  'summary',
  'dataPoints',
  'aggregationTemporality',
  'isMonotonic',
  'attributes',
  'startTimeUnixNano',
  'timeUnixNano',
  'asDouble',
  'asInt',
  'count',
  'key',
  'value',
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'values',
  'bytesValue',
  'resourceLogs',
  'scopeLogs',
  'logRecords',
  'observedTimeUnixNano',
  'severityNumber',
  'severityText',
  'body',
  'eventName',
]);
function cut(v: unknown, parent = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => cut(x, parent));
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    // Scope attributes are not read; 'sum' is a double in histogram points and a message in Metric.
    if (!KEEP.has(k) || (k === 'attributes' && parent === 'scope')) continue;
    if (Array.isArray(x) && x.length === 0 && k !== 'values') continue;
    out[k] = cut(x, k);
  }
  return out;
}

const opts = {
  longs: String,
  enums: Number,
  bytes: String,
  defaults: false,
  arrays: true,
  oneofs: false,
};

describe('direct OTLP protobuf decoder', () => {
  it('decodes 300 generated metrics and logs requests exactly as protobufjs does', () => {
    const t = otlpTypes();
    for (let seed = 1; seed <= 300; seed++) {
      const { metrics, logs } = gen(seed);
      const mb = Buffer.from(
        t.metricsRequest.encode(t.metricsRequest.fromObject(metrics)).finish(),
      );
      const lb = Buffer.from(t.logsRequest.encode(t.logsRequest.fromObject(logs)).finish());
      const want = (type: typeof t.metricsRequest, b: Buffer) =>
        cut(type.toObject(type.decode(b), opts));
      assert.deepEqual(decodeMetricsProto(mb), want(t.metricsRequest, mb), `metrics seed ${seed}`);
      assert.deepEqual(decodeLogsProto(lb), want(t.logsRequest, lb), `logs seed ${seed}`);
    }
  });

  it('ends every truncation of a valid body and 2,000 random bodies in a WireError or a result', () => {
    const t = otlpTypes();
    const { logs } = gen(7);
    const body = Buffer.from(t.logsRequest.encode(t.logsRequest.fromObject(logs)).finish());
    for (let n = 1; n < body.length; n++) {
      try {
        decodeLogsProto(body.subarray(0, n));
      } catch (err) {
        assert.ok(err instanceof WireError, `cut at ${n}: ${(err as Error).stack}`);
        assert.match((err as Error).message, /byte \d+|wire type|nested/);
      }
    }
    const r = rng(99);
    for (let i = 0; i < 2000; i++) {
      const junk = Buffer.from(
        Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256)),
      );
      for (const decode of [decodeLogsProto, decodeMetricsProto])
        try {
          decode(junk);
        } catch (err) {
          assert.ok(err instanceof WireError, `${junk.toString('hex')}: ${(err as Error).stack}`);
        }
    }
  });

  it('names wrong wire types, deep nesting and bad UTF-8, and the receiver answers them as 400s', () => {
    // resource_logs (field 1) sent as a varint.
    assert.throws(
      () => decodeLogsProto(Buffer.from([0x08, 0x01])),
      /resource_logs \(field 1\) has wire type 0, expected 2/,
    );
    // 200 nested AnyValue arrays in a LogRecord body.
    // 200 nested AnyValue arrays in a LogRecord body, built by hand (protobufjs' encoder stops at its own depth).
    const len = (field: number, payload: Buffer) => {
      const n: number[] = [];
      for (let x = payload.length; ; x >>>= 7) {
        if (x < 0x80) {
          n.push(x);
          break;
        }
        n.push((x & 0x7f) | 0x80);
      }
      return Buffer.concat([Buffer.from([(field << 3) | 2, ...n]), payload]);
    };
    let v = len(1, Buffer.from('x'));
    for (let i = 0; i < 200; i++) v = len(5, len(1, v));
    const deep = len(1, len(2, len(2, len(5, v))));
    assert.throws(() => decodeLogsProto(deep), /nested deeper than 64/);
    // A string field holding 0xff (not UTF-8): proto3 requires valid UTF-8.
    const bad = Buffer.from([0x0a, 0x07, 0x12, 0x05, 0x12, 0x03, 0x1a, 0x01, 0xff]);
    assert.throws(
      () => decodeLogsProto(bad),
      (e: Error) => e instanceof WireError && /UTF-8/.test(e.message),
    );
    assert.throws(
      () => decodeLogsRequest(bad, 'protobuf'),
      (e: Error & { status?: number }) =>
        e.name === 'OtlpBadRequest' &&
        e.status === 400 &&
        /ExportLogsServiceRequest/.test(e.message),
    );
  });
});
