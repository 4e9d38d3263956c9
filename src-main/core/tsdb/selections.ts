/**
 * Series selections memoised by matcher array: a rule's selector passes the same array every
 * evaluation, so matching (regexes over postings, sorting by key) runs once until the set of
 * series changes. A copy of the matchers is kept to notice a caller that reused and changed its
 * array; arrays nobody holds any more are dropped with their entry (WeakMap).
 */
import type { LabelMatcher } from './types.js';

export class SelectionMemo<S> {
  /** Bumped whenever a series is created or forgotten: older selections are stale. */
  private generation = 0;
  private readonly memo = new WeakMap<
    readonly LabelMatcher[],
    { generation: number; copy: LabelMatcher[]; series: readonly S[] }
  >();

  /** The set of series changed. */
  invalidate(): void {
    this.generation++;
  }

  /** The memoised selection for `matchers`, or `compute(matchers)` remembered (read-only). */
  get(matchers: LabelMatcher[], compute: (m: LabelMatcher[]) => S[]): readonly S[] {
    const hit = this.memo.get(matchers);
    if (hit && hit.generation === this.generation && sameMatchers(hit.copy, matchers))
      return hit.series;
    const series = compute(matchers);
    this.memo.set(matchers, {
      generation: this.generation,
      copy: matchers.map((m) => ({ ...m })),
      series,
    });
    return series;
  }
}

function sameMatchers(a: readonly LabelMatcher[], b: readonly LabelMatcher[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.name !== y.name || x.op !== y.op || x.value !== y.value) return false;
  }
  return true;
}
