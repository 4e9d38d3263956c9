/**
 * OTLP/HTTP request bodies → plain objects, for both encodings the spec allows
 * (`application/x-protobuf` and `application/json`), gzip-compressed or not. Both paths go through
 * the same protobufjs types, so JSON gets protobuf's rules too: int64 as number or string, enums as
 * number or name, unknown fields ignored (OTLP/JSON: receivers MUST ignore unknown fields).
 */
import { gunzipSync } from 'node:zlib';
import type protobuf from 'protobufjs';
import { decodeLogsProto, decodeMetricsProto } from './proto-decode.js';
import { otlpTypes } from './schema.js';
import type { OtlpLogsRequest, OtlpMetricsRequest } from './types.js';

export type OtlpEncoding = 'protobuf' | 'json';
export type OtlpSignal = 'metrics' | 'logs';

/** A request the client must not retry as is (OTLP/HTTP: 400 Bad Request, or 413/415). */
export class OtlpBadRequest extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 = 400,
  ) {
    super(message);
    this.name = 'OtlpBadRequest';
  }
}

/** The encoding named by a Content-Type header, or null for one OTLP/HTTP does not define. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === 'application/x-protobuf' || base === 'application/protobuf') return 'protobuf';
  if (base === 'application/json') return 'json';
  return null;
}

/** Undo Content-Encoding (gzip or identity), refusing bodies that inflate past the limit. */
export function decompress(
  body: Buffer,
  contentEncoding: string | undefined,
  limit: number,
): Buffer {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (enc === 'identity' || enc === '') return body;
  if (enc !== 'gzip' && enc !== 'x-gzip')
    throw new OtlpBadRequest(`unsupported Content-Encoding '${enc}': send gzip or none`, 415);
  try {
    return gunzipSync(body, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new OtlpBadRequest(`decompressed body exceeds ${limit} bytes`, 413);
    throw new OtlpBadRequest(`body is not valid gzip: ${(err as Error).message}`);
  }
}

const toObjectOptions: protobuf.IConversionOptions = {
  longs: String,
  enums: Number,
  bytes: String,
  defaults: false,
  arrays: true,
  oneofs: false,
};

function decodeWith(type: protobuf.Type, body: Buffer, encoding: OtlpEncoding): unknown {
  if (encoding === 'protobuf') {
    let msg: protobuf.Message;
    try {
      msg = type.decode(body);
    } catch (err) {
      throw new OtlpBadRequest(
        `body is not a valid ${type.name} protobuf: ${(err as Error).message}`,
      );
    }
    return type.toObject(msg, toObjectOptions);
  }
  let json: unknown;
  const text = body.toString('utf8');
  try {
    json = body.length === 0 ? {} : JSON.parse(text);
  } catch (err) {
    throw new OtlpBadRequest(`body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new OtlpBadRequest(`body must be a JSON object (${type.name})`);
  try {
    const obj = SNAKE_KEY.test(text) ? camelKeys(json) : json;
    return type.toObject(type.fromObject(obj as Record<string, unknown>), toObjectOptions);
  } catch (err) {
    throw new OtlpBadRequest(`body is not a valid ${type.name}: ${(err as Error).message}`);
  }
}

/** Protobuf through the direct decoder (proto-decode.ts); any error in it is the body's fault. */
function decodeProto<T>(decode: (b: Buffer) => T, body: Buffer, name: string): T {
  try {
    return decode(body);
  } catch (err) {
    // WireError, or a RangeError from a body nested past the stack: a bad body either way.
    throw new OtlpBadRequest(`body is not a valid ${name} protobuf: ${(err as Error).message}`);
  }
}

export function decodeMetricsRequest(body: Buffer, encoding: OtlpEncoding): OtlpMetricsRequest {
  if (encoding === 'protobuf')
    return decodeProto(decodeMetricsProto, body, 'ExportMetricsServiceRequest');
  return decodeWith(otlpTypes().metricsRequest, body, encoding) as OtlpMetricsRequest;
}

export function decodeLogsRequest(body: Buffer, encoding: OtlpEncoding): OtlpLogsRequest {
  if (encoding === 'protobuf')
    return decodeProto(decodeLogsProto, body, 'ExportLogsServiceRequest');
  return decodeWith(otlpTypes().logsRequest, body, encoding) as OtlpLogsRequest;
}

/**
 * OTLP/JSON requires lowerCamelCase keys, but some senders (older collectors, hand-written
 * scripts) use the proto's snake_case names as protobuf's own JSON mapping accepts; take both.
 * Attribute keys are values (`{"key": "user.email"}`), never object keys, so they are untouched.
 */
const SNAKE_KEY = /"[a-z]+_[a-z]\w*"\s*:/;

function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const key = k.includes('_') ? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : k;
    out[key] = camelKeys(val);
  }
  return out;
}
