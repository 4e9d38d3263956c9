/**
 * Turning OTLP sums into increments without ever counting twice (OTel metrics data model:
 * delta points cover disjoint [start, time] windows; cumulative points restart when start changes).
 * - delta: a point whose (stream, start, time) was already booked is a re-sent batch: skipped.
 * - cumulative: increment = value − previous value of the same stream and start; a new start time
 *   or a smaller value is a reset (the new value is all new); an older or equal time is a re-send.
 * State is bounded (oldest streams forgotten first) and exportable so a restart resumes it.
 */
import { hash } from 'node:crypto';

interface CumulativeState {
  start: string;
  time: string;
  value: number;
  /** Insertion number when last moved to the back of the map (see touch). */
  seq: number;
}

export interface TemporalityState {
  cumulative: [string, Omit<CumulativeState, 'seq'>][];
  delta: [string, string[]][];
}

/**
 * How many recent delta windows per stream are remembered for de-duplication. An exporter retries
 * its latest batch (OTLP/HTTP retry with backoff), so the last few windows are what can come back.
 */
const DELTA_WINDOWS_KEPT = 4;

/**
 * A stream's last DELTA_WINDOWS_KEPT delta windows, as exact numbers in one typed array written in
 * place: [startSeconds, startNanos, timeSeconds, timeNanos] per window, NaN when unused. Keeping
 * the windows as fresh strings and arrays per point (as before) made every point leave garbage
 * that had lived through a few scavenges, promoted into the old generation: ~90 bytes of old-space
 * growth per point, ~10 MB a minute at ten times Claude Code's normal rate.
 */
interface DeltaState {
  windows: Float64Array;
  /** Slot the next window goes into. */
  next: number;
  seq: number;
}

/** A decimal nanosecond string as [seconds, nanoseconds], both exact in a double. */
function splitNanos(ns: string): [number, number] {
  return ns.length > 9 ? [Number(ns.slice(0, -9)), Number(ns.slice(-9))] : [0, Number(ns)];
}

const joinNanos = (sec: number, nanos: number): string =>
  sec === 0 ? String(nanos) : `${sec}${String(nanos).padStart(9, '0')}`;

export class SumAccumulator {
  private readonly cumulative = new Map<string, CumulativeState>();
  private readonly deltaSeen = new Map<string, DeltaState>();
  private seq = 0;

  constructor(private readonly maxStreams = 200_000) {}

  /** Increment for a delta point, or null when this window was already booked. */
  delta(stream: string, start: string, time: string, value: number): number | null {
    const [s0, s1] = splitNanos(start);
    const [t0, t1] = splitNanos(time);
    let d = this.deltaSeen.get(stream);
    if (d) {
      const w = d.windows;
      for (let i = 0; i < w.length; i += 4)
        if (w[i] === s0 && w[i + 1] === s1 && w[i + 2] === t0 && w[i + 3] === t1) return null;
      this.touch(this.deltaSeen, stream, d);
    } else {
      d = { windows: new Float64Array(DELTA_WINDOWS_KEPT * 4).fill(NaN), next: 0, seq: 0 };
      this.add(this.deltaSeen, stream, d);
    }
    const at = d.next * 4;
    d.windows[at] = s0;
    d.windows[at + 1] = s1;
    d.windows[at + 2] = t0;
    d.windows[at + 3] = t1;
    d.next = (d.next + 1) % DELTA_WINDOWS_KEPT;
    return value;
  }

  /** Increment for a cumulative point, or null for a re-sent or out-of-order point. */
  cumulativePoint(stream: string, start: string, time: string, value: number): number | null {
    const prev = this.cumulative.get(stream);
    if (!prev) {
      this.add(this.cumulative, stream, { start, time, value, seq: 0 });
      return value;
    }
    if (prev.start === start && compareNanos(time, prev.time) <= 0) return null;
    // An older start than the one we hold is a late point from before a reset: counted then.
    if (prev.start !== start && compareNanos(start, prev.start) < 0) return null;
    // A new start (process restart) or a drop is a reset: the new value is all new.
    const inc = prev.start !== start || value < prev.value ? value : value - prev.value;
    // Updated in place (see DeltaState for why no new object per point).
    prev.start = start;
    prev.time = time;
    prev.value = value;
    this.touch(this.cumulative, stream, prev);
    return inc;
  }

  has(stream: string): boolean {
    return this.cumulative.has(stream) || this.deltaSeen.has(stream);
  }

  get streams(): number {
    return this.cumulative.size + this.deltaSeen.size;
  }

  exportState(): TemporalityState {
    const delta: [string, string[]][] = [];
    for (const [k, d] of this.deltaSeen) {
      const list: string[] = [];
      // Oldest first, as the state file has always listed them.
      for (let n = 0; n < DELTA_WINDOWS_KEPT; n++) {
        const i = ((d.next + n) % DELTA_WINDOWS_KEPT) * 4;
        const w = d.windows;
        if (Number.isNaN(w[i]!)) continue;
        list.push(`${joinNanos(w[i]!, w[i + 1]!)}-${joinNanos(w[i + 2]!, w[i + 3]!)}`);
      }
      delta.push([k, list]);
    }
    const cumulative: TemporalityState['cumulative'] = [];
    for (const [k, c] of this.cumulative)
      cumulative.push([k, { start: c.start, time: c.time, value: c.value }]);
    return { cumulative, delta };
  }

  importState(s: TemporalityState | undefined): void {
    for (const [k, v] of s?.cumulative ?? []) this.add(this.cumulative, k, { ...v, seq: 0 });
    for (const [k, windows] of s?.delta ?? [])
      for (const w of windows) {
        const [start, time] = w.split('-');
        if (start && time && /^\d+$/.test(start) && /^\d+$/.test(time))
          this.delta(k, start, time, 0);
      }
  }

  private add<V extends { seq: number }>(map: Map<string, V>, key: string, value: V): void {
    value.seq = ++this.seq;
    map.set(key, value);
    if (map.size > this.maxStreams) map.delete(map.keys().next().value as string);
  }

  /**
   * Keeps an active stream away from the eviction end. Moving it to the back on every point
   * (delete + set) left a hash table of deleted entries to rebuild every few thousand points;
   * moving it only once it is older than half the bound still evicts only streams unused for
   * at least maxStreams / 2 newer insertions.
   */
  private touch<V extends { seq: number }>(map: Map<string, V>, key: string, value: V): void {
    if (this.seq - value.seq < this.maxStreams / 2) return;
    map.delete(key);
    this.add(map, key, value);
  }
}

/** Compare two decimal nanosecond strings without losing precision. */
/**
 * A compact, fixed-size key for a long identity string (streams and events are kept by the 100 000).
 * One-shot crypto.hash (Node >= 20.12): the same digest as createHash, without a Hash object
 * (a native-backed stream) per point or event, so saved state still matches.
 */
export function digestKey(text: string): string {
  return hash('sha1', text, 'base64');
}

export function compareNanos(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
