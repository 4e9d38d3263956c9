/**
 * The label sets of the series a check writes (ccmon_check_up, ccmon_check_duration_seconds and
 * one per probe measurement), each built once and kept frozen. The store finds a series by the
 * identity of its labels object (tsdb/store.ts) and only sorts and keys a label set it has not
 * seen: a new object per result made it do that for every sample of every run.
 */
import { setLabel, type Labels } from '../tsdb/types.js';

/** Keys for the two series every result writes; probe measurements never contain a NUL. */
export const UP_KEY = '\u0000up';
export const DURATION_KEY = '\u0000duration';

/** Distinct measurement keys kept per check: a probe inventing keys cannot grow this forever. */
const MAX_KEYS_PER_CHECK = 256;

export class CheckSeriesLabels {
  /** check name → measurement key → labels. */
  private readonly byCheck = new Map<string, Map<string, Labels>>();

  /** `extra`: the check's configured labels (`labels:` in its config), if any. */
  constructor(
    private readonly extra: (check: string) => Readonly<Record<string, string>> | undefined,
  ) {}

  /**
   * The labels of one series of `check`: UP_KEY, DURATION_KEY, or a probe measurement key
   * (`field` or `field|label=value`, see ProbeOutcome.values).
   */
  get(check: string, key: string): Labels {
    let own = this.byCheck.get(check);
    if (!own) this.byCheck.set(check, (own = new Map()));
    let labels = own.get(key);
    if (labels) return labels;
    labels = this.build(check, key);
    // Past the bound a label set is built afresh each time (correct, only slower).
    if (own.size < MAX_KEYS_PER_CHECK) own.set(key, labels);
    return labels;
  }

  private build(check: string, key: string): Labels {
    const out: Record<string, string> = {};
    let name: string;
    let ln = '';
    let lv: string | undefined;
    if (key === UP_KEY) name = 'ccmon_check_up';
    else if (key === DURATION_KEY) name = 'ccmon_check_duration_seconds';
    else {
      const [field, pair] = key.split('|');
      name = `ccmon_check_${field}`;
      [ln = '', lv] = (pair ?? '').split('=');
    }
    out.__name__ = name;
    out.check = check;
    for (const [k, v] of Object.entries(this.extra(check) ?? {})) setLabel(out, k, v);
    if (ln && lv !== undefined) setLabel(out, ln, lv);
    return Object.freeze(out);
  }
}
