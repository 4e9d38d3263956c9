/**
 * The local time-series store's contract. Collectors (checks, scrape, usage) append through
 * SeriesAppender; the rule engine and the charts read through SeriesQuerier. Times are
 * milliseconds since the epoch; label sets include `__name__`.
 */

/** A label set, `__name__` included. Treat as immutable. */
export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  /** Milliseconds since the epoch. */
  t: number;
  v: number;
  /** A staleness marker (Prometheus: the series disappeared at t); `v` is NaN and meaningless. */
  stale?: true;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** Prometheus label matcher semantics: regexes are fully anchored; a missing label equals "". */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export interface SeriesData {
  labels: Labels;
  /** Ascending by t, within the requested [mint, maxt] (both inclusive). */
  samples: Sample[];
}

/** One series' newest sample in a window (SeriesQuerier.selectLatest). */
export interface LatestSample {
  labels: Labels;
  sample: Sample;
}

/** One series' samples as columns (SeriesQuerier.selectColumns): times in ms and values. */
export interface SeriesColumns {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

export interface SeriesAppender {
  /**
   * Append one sample. Out-of-order samples (t older than the series' newest) are dropped and
   * counted; throws SeriesLimitError when a new series would pass the configured cap.
   */
  append(labels: Labels, t: number, v: number): void;
  /** Mark a series stale at t (its target vanished or the scrape failed), as Prometheus does. */
  markStale(labels: Labels, t: number): void;
}

export interface SeriesQuerier {
  /** Every series matching all matchers, with its samples in [mint, maxt]. */
  select(matchers: LabelMatcher[], mint: number, maxt: number): SeriesData[];
  /**
   * Optional fast path for instant selectors: per matching series (same order as `select`), its
   * newest sample in [mint, maxt], a staleness marker included; series without one are omitted.
   */
  selectLatest?(matchers: LabelMatcher[], mint: number, maxt: number): LatestSample[];
  /**
   * Optional fast path for range selectors: per matching series (same order as `select`), its
   * samples in [mint, maxt] as columns, staleness markers dropped; series left empty are omitted.
   * The arrays may be views of the store's decoded chunks: read them, never write.
   */
  selectColumns?(matchers: LabelMatcher[], mint: number, maxt: number): SeriesColumns[];
  /** Sorted distinct values of a label over the series matching the matchers. */
  labelValues(name: string, matchers?: LabelMatcher[]): string[];
}

export class SeriesLimitError extends Error {
  constructor(
    readonly limit: number,
    readonly labels: Labels,
  ) {
    super(
      `series limit of ${limit} reached: not storing new series ${formatLabels(labels)}; ` +
        'raise tsdb.maxSeries in the config or drop high-cardinality labels',
    );
    this.name = 'SeriesLimitError';
  }
}

/** `name{a="1", b="2"}`, as Prometheus prints a series. */
export function formatLabels(labels: Labels): string {
  const { __name__: name = '', ...rest } = labels;
  const inner = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${JSON.stringify(rest[k])}`)
    .join(', ');
  return inner ? `${name}{${inner}}` : name || '{}';
}

/**
 * Set one label on a label object being built. A plain assignment to `__proto__` would set the
 * object's prototype and lose the label (Prometheus allows the name), merging two series.
 */
export function setLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__')
    Object.defineProperty(labels, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else labels[name] = value;
}
