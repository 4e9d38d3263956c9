/**
 * The series store: an index of in-memory series (series.ts) with postings per label pair for
 * fast `=` selection, a hard cap on the number of series, retention by age, and counters for
 * everything it refuses. Appending never throws except SeriesLimitError, as the contract says.
 */
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { StoreStats } from './contract.js';
import { DecodedChunkCache, DEFAULT_DECODED_CACHE_BYTES } from './decoded-cache.js';
import { DownsampledSeries } from './downsample.js';
import { compileMatcher, matchAll, type CompiledMatcher } from './matchers.js';
import { MemSeries } from './series.js';
import { SelectionMemo } from './selections.js';
import {
  setLabel,
  SeriesLimitError,
  type LabelMatcher,
  type Labels,
  type LatestSample,
  type Sample,
  type SeriesAppender,
  type SeriesColumns,
  type SeriesData,
  type SeriesQuerier,
} from './types.js';

/** One level of downsampled data: rows of `resolution` ms kept for `retention` ms. */
export interface DownsampleLevel {
  resolution: number;
  retention: number;
}

export interface SeriesStoreOptions {
  /** Hard cap on distinct series; appending a new one past it throws SeriesLimitError. */
  maxSeries?: number;
  /** How long raw samples are kept, in ms (default 24 h). */
  retention?: number;
  /** Coarser copies kept longer for charts (default DEFAULT_LEVELS), finest first. */
  downsample?: DownsampleLevel[];
  /**
   * Cap in bytes on decoded chunks kept for repeated queries (decoded-cache.ts); 0 disables it.
   * Default DEFAULT_DECODED_CACHE_BYTES.
   */
  decodedCacheBytes?: number;
  /** Clock for retention (tests inject one). */
  now?: () => number;
  logger?: Logger;
}

export interface SeriesStore extends SeriesAppender, Required<SeriesQuerier> {
  readonly options: Readonly<Required<Omit<SeriesStoreOptions, 'logger'>>>;
  stats(): StoreStats;
  /** Drop data older than the retention periods; forget series left without data. */
  applyRetention(now?: number): void;
  /** Every series (for snapshots and downsampled queries), in no particular order. */
  allSeries(): Iterable<MemSeries>;
  /** Series matching the matchers (no sample decoding). */
  matching(matchers: LabelMatcher[]): MemSeries[];
  /** Get or create a series (snapshot restore); throws SeriesLimitError past the cap. */
  seriesFor(labels: Labels): MemSeries;
}

export type { StoreStats };

const DAY = 24 * 60 * 60 * 1000;
/** 5 m rows for the 24 h chart, 1 h rows for the 7-day one (a day more than each view). */
export const DEFAULT_LEVELS: DownsampleLevel[] = [
  { resolution: 5 * 60 * 1000, retention: 26 * 60 * 60 * 1000 },
  { resolution: 60 * 60 * 1000, retention: 8 * DAY },
];
const MAX_SAFE_T = 2 ** 52;

export function createSeriesStore(opts: SeriesStoreOptions = {}): SeriesStore {
  const options = {
    maxSeries: opts.maxSeries ?? 10_000,
    retention: opts.retention ?? DAY,
    downsample: [...(opts.downsample ?? DEFAULT_LEVELS)].sort(
      (a, b) => a.resolution - b.resolution,
    ),
    decodedCacheBytes: opts.decodedCacheBytes ?? DEFAULT_DECODED_CACHE_BYTES,
    now: opts.now ?? Date.now,
  };
  const decodedCache =
    options.decodedCacheBytes > 0 ? new DecodedChunkCache(options.decodedCacheBytes) : null;
  const selections = new SelectionMemo<MemSeries>();
  const logger = opts.logger ?? silentLogger;
  const byKey = new Map<string, MemSeries>();
  /** label name → value → series having it. */
  const postings = new Map<string, Map<string, Set<MemSeries>>>();
  const counters = {
    samplesAppended: 0,
    outOfOrder: 0,
    duplicates: 0,
    invalid: 0,
    seriesRefused: 0,
    seriesRemoved: 0,
  };
  let lastLimitWarning = -Infinity;
  /** Collectors usually reuse one label object per series: skip sorting and keying for those. */
  let byObject = new WeakMap<Labels, MemSeries>();

  function index(s: MemSeries, add: boolean): void {
    for (const [name, value] of Object.entries(s.labels)) {
      let values = postings.get(name);
      if (!values) postings.set(name, (values = new Map()));
      let set = values.get(value);
      if (!set) values.set(value, (set = new Set()));
      if (add) set.add(s);
      else {
        set.delete(s);
        if (set.size === 0) values.delete(value);
        if (values.size === 0) postings.delete(name);
      }
    }
  }

  function seriesFor(labels: Labels): MemSeries {
    const clean = normalize(labels);
    const key = seriesKey(clean);
    let s = byKey.get(key);
    if (s) return s;
    if (byKey.size >= options.maxSeries) {
      counters.seriesRefused++;
      const now = Date.now();
      if (now - lastLimitWarning > 60_000) {
        lastLimitWarning = now;
        logger.warn(new SeriesLimitError(options.maxSeries, clean).message);
      }
      throw new SeriesLimitError(options.maxSeries, clean);
    }
    s = new MemSeries(
      clean,
      key,
      options.downsample.map((l) => new DownsampledSeries(l.resolution)),
      decodedCache,
    );
    byKey.set(key, s);
    selections.invalidate();
    index(s, true);
    return s;
  }

  function record(s: MemSeries, t: number, v: number, stale: boolean): void {
    switch (s.append(t, v, stale)) {
      case 'appended':
        counters.samplesAppended++;
        break;
      case 'out_of_order':
        counters.outOfOrder++;
        break;
      case 'duplicate':
        counters.duplicates++;
        break;
      case 'unchanged':
        break;
    }
  }

  function validTime(t: number): boolean {
    if (Number.isInteger(t) && Math.abs(t) < MAX_SAFE_T) return true;
    counters.invalid++;
    return false;
  }

  function candidates(compiled: CompiledMatcher[]): Iterable<MemSeries> {
    let best: Set<MemSeries> | null = null;
    for (const m of compiled) {
      if (m.op !== '=' || m.value === '') continue;
      const set = postings.get(m.name)?.get(m.value);
      if (!set) return [];
      if (!best || set.size < best.size) best = set;
    }
    if (best) return best;
    // A matcher that rejects "" needs the label: union the postings of the values it accepts.
    const needing = compiled.find((m) => !m.matchesEmpty);
    if (needing) {
      const out = new Set<MemSeries>();
      for (const [value, set] of postings.get(needing.name) ?? []) {
        if (needing.matches(value)) for (const s of set) out.add(s);
      }
      return out;
    }
    return byKey.values();
  }

  function matching(matchers: LabelMatcher[]): MemSeries[] {
    const compiled = matchers.map(compileMatcher);
    const out: MemSeries[] = [];
    for (const s of candidates(compiled)) if (matchAll(compiled, s.labels)) out.push(s);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** `matching`, memoised until the set of series changes (read-only result). */
  function selection(matchers: LabelMatcher[]): readonly MemSeries[] {
    return selections.get(matchers, matching);
  }

  return {
    options,
    append(labels, t, v) {
      if (!validTime(t)) return;
      if (typeof v !== 'number') {
        counters.invalid++;
        return;
      }
      let s = byObject.get(labels);
      if (!s) byObject.set(labels, (s = seriesFor(labels)));
      record(s, t, v, false);
    },
    markStale(labels, t) {
      if (!validTime(t)) return;
      const s = byKey.get(seriesKey(normalize(labels)));
      // Nothing to mark for a series never seen, or one already marked (Prometheus marks once).
      if (!s || s.lastStale) return;
      record(s, t, NaN, true);
    },
    select(matchers, mint, maxt): SeriesData[] {
      const out: SeriesData[] = [];
      for (const s of selection(matchers)) {
        if (s.lastT < mint || s.mint > maxt) continue;
        const samples: Sample[] = [];
        s.collect(mint, maxt, samples);
        if (samples.length > 0) out.push({ labels: s.labels, samples });
      }
      return out;
    },
    selectColumns(matchers, mint, maxt): SeriesColumns[] {
      const out: SeriesColumns[] = [];
      for (const s of selection(matchers)) {
        if (s.lastT < mint || s.mint > maxt) continue;
        const cols = s.columns(mint, maxt);
        if (cols) out.push(cols);
      }
      return out;
    },
    selectLatest(matchers, mint, maxt): LatestSample[] {
      const out: LatestSample[] = [];
      for (const s of selection(matchers)) {
        if (s.lastT < mint || s.mint > maxt) continue;
        const sample = s.latest(mint, maxt);
        if (sample) out.push({ labels: s.labels, sample });
      }
      return out;
    },
    labelValues(name, matchers = []) {
      if (matchers.length === 0) return [...(postings.get(name)?.keys() ?? [])].sort();
      const values = new Set<string>();
      for (const s of selection(matchers)) {
        const v = s.labels[name];
        if (v !== undefined) values.add(v);
      }
      return [...values].sort();
    },
    stats() {
      let samples = 0;
      let chunkBytes = 0;
      let oldest = Infinity;
      let newest = -Infinity;
      // forEach, not for…of: the iterator's result objects are garbage in unoptimised code, and
      // this runs over every series at each self-scrape.
      byKey.forEach((s) => {
        samples += s.sampleCount;
        chunkBytes += s.chunkBytes;
        if (s.mint < oldest) oldest = s.mint;
        if (s.lastT > newest && s.sampleCount > 0) newest = s.lastT;
      });
      return {
        series: byKey.size,
        maxSeries: options.maxSeries,
        samples,
        chunkBytes,
        decodedCacheBytes: decodedCache?.bytes ?? 0,
        ...counters,
        oldest: Number.isFinite(oldest) ? oldest : null,
        newest: Number.isFinite(newest) ? newest : null,
      };
    },
    applyRetention(now = options.now()) {
      const rawCutoff = now - options.retention;
      for (const s of byKey.values()) {
        s.dropRawBefore(rawCutoff);
        options.downsample.forEach((l, i) => s.downsampled[i]!.dropBefore(now - l.retention));
        if (s.empty) {
          byObject = new WeakMap(); // it may map label objects to the series being forgotten
          byKey.delete(s.key);
          index(s, false);
          selections.invalidate();
          counters.seriesRemoved++;
        }
      }
    },
    allSeries: () => byKey.values(),
    matching,
    seriesFor,
  };
}

/** Prometheus treats an empty label value as an absent label: drop them so both agree. */
function normalize(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) {
    const v = labels[name];
    if (typeof v === 'string' && v !== '') setLabel(out, name, v);
  }
  return Object.freeze(out);
}

/** Canonical key of a normalized label set (sorted names; separators no label text contains). */
function seriesKey(labels: Labels): string {
  let key = '';
  for (const name in labels) key += `${name}\u0000${labels[name]}\u0001`;
  return key;
}
