/**
 * The OTLP common messages (opentelemetry/proto/common/v1, resource/v1: AnyValue, KeyValue,
 * Resource, InstrumentationScope) read from the wire into the plain objects of types.ts, and the
 * field loop the metrics and logs decoders share (proto-decode.ts). Field readers are module-level
 * functions, not closures, and embedded messages are read in place (WireReader.enter/leave), so a
 * decoded request allocates little more than its result.
 */
import type { AnyValue, KeyValue, Resource, Scope } from './types.js';
import { WIRE_I64, WIRE_LEN, WIRE_VARINT, WireError, type WireReader } from './wire.js';

/** Reads one field into `into`; returns false for a field it does not know (then skipped). */
export type Fields<T> = (r: WireReader, field: number, wire: number, into: T) => boolean;

/** Reads fields up to the reader's current end into `into`. */
export function message<T>(r: WireReader, into: T, read: Fields<T>): T {
  while (!r.done) {
    const tag = r.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (!read(r, field, wire, into)) r.skip(wire, field);
  }
  return into;
}

/** Reads the embedded message in the next length-delimited field. */
export function embedded<T>(r: WireReader, into: T, read: Fields<T>): T {
  const saved = r.enter();
  message(r, into, read);
  r.leave(saved);
  return into;
}

/** A known field with another wire type than the schema's is a malformed body, never guessed at. */
export function expect(wire: number, want: number, field: number, what: string): void {
  if (wire !== want)
    throw new WireError(`${what} (field ${field}) has wire type ${wire}, expected ${want}`);
}

export function push<T>(list: T[] | undefined, v: T): T[] {
  if (!list) return [v];
  list.push(v);
  return list;
}

const arrayValueFields: Fields<AnyValue[]> = (r, f, w, list) => {
  if (f !== 1) return false;
  expect(w, WIRE_LEN, f, 'ArrayValue.values');
  list.push(embedded(r, {}, anyValueFields));
  return true;
};

const kvListFields: Fields<KeyValue[]> = (r, f, w, list) => {
  if (f !== 1) return false;
  expect(w, WIRE_LEN, f, 'KeyValueList.values');
  list.push(embedded(r, {}, keyValueFields));
  return true;
};

const anyValueFields: Fields<AnyValue> = (r, f, w, v) => {
  switch (f) {
    case 1:
      expect(w, WIRE_LEN, f, 'AnyValue.string_value');
      v.stringValue = r.string();
      return true;
    case 2:
      expect(w, WIRE_VARINT, f, 'AnyValue.bool_value');
      v.boolValue = r.bool();
      return true;
    case 3:
      expect(w, WIRE_VARINT, f, 'AnyValue.int_value');
      v.intValue = r.int64();
      return true;
    case 4:
      expect(w, WIRE_I64, f, 'AnyValue.double_value');
      v.doubleValue = r.double();
      return true;
    case 5:
      expect(w, WIRE_LEN, f, 'AnyValue.array_value');
      v.arrayValue = { values: embedded(r, [], arrayValueFields) };
      return true;
    case 6:
      expect(w, WIRE_LEN, f, 'AnyValue.kvlist_value');
      v.kvlistValue = { values: embedded(r, [], kvListFields) };
      return true;
    case 7:
      expect(w, WIRE_LEN, f, 'AnyValue.bytes_value');
      v.bytesValue = r.bytes();
      return true;
    default:
      return false;
  }
};

const keyValueFields: Fields<KeyValue> = (r, f, w, kv) => {
  if (f === 1) {
    expect(w, WIRE_LEN, f, 'KeyValue.key');
    kv.key = r.string();
  } else if (f === 2) {
    expect(w, WIRE_LEN, f, 'KeyValue.value');
    kv.value = embedded(r, {}, anyValueFields);
  } else return false;
  return true;
};

/** An AnyValue field (LogRecord.body). */
export function anyValue(r: WireReader): AnyValue {
  return embedded(r, {}, anyValueFields);
}

/** One element of a repeated KeyValue field, appended to `list`. */
export function attribute(
  r: WireReader,
  w: number,
  f: number,
  list: KeyValue[] | undefined,
): KeyValue[] {
  expect(w, WIRE_LEN, f, 'attributes');
  return push(list, embedded(r, {}, keyValueFields));
}

const resourceFields: Fields<Resource> = (r, f, w, res) => {
  if (f !== 1) return false;
  res.attributes = attribute(r, w, f, res.attributes);
  return true;
};

const scopeFields: Fields<Scope> = (r, f, w, s) => {
  if (f !== 1 && f !== 2) return false;
  expect(w, WIRE_LEN, f, f === 1 ? 'InstrumentationScope.name' : 'InstrumentationScope.version');
  if (f === 1) s.name = r.string();
  else s.version = r.string();
  return true;
};

export const resource = (r: WireReader): Resource => embedded(r, {}, resourceFields);
export const scope = (r: WireReader): Scope => embedded(r, {}, scopeFields);
