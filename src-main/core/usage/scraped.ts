/**
 * Usage from scraped Prometheus samples, for the two ways the numbers can arrive without OTLP:
 * - Claude Code's own Prometheus exporter (OTEL_METRICS_EXPORTER=prometheus) or an OTel Collector's
 *   prometheus exporter: `claude_code_token_usage_tokens_total` (unit suffix) and
 *   `claude_code_token_usage_total` (no suffix), labels with underscores (`user_account_uuid`).
 * - LiteLLM's /metrics: spend, tokens, requests and failures per model, team and user.
 * Scraped counters are cumulative with no start time: increments come from the same accumulator
 * as OTLP cumulative sums (a drop is a reset), keyed by target and label set.
 * The scraper hands every sample of a scrape to `accept`; samples it does not know are ignored.
 */
import { bookClaudeCodeMetric } from './otlp/metrics-ingest.js';
import { identityOf, type Identity, type UsageRecorder } from './records.js';
import { SumAccumulator } from './temporality.js';
import type { Labels, SeriesAppender } from '../tsdb/types.js';

export interface ScrapedSample {
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Milliseconds since the epoch. */
  t: number;
}

/** `claude_code_token_usage_tokens_total` / `claude_code_token_usage_total` → `claude_code.token.usage`. */
const CLAUDE_CODE_NAMES: [RegExp, string][] = [
  [/^claude_code_token_usage(_tokens)?_total$/, 'claude_code.token.usage'],
  [/^claude_code_cost_usage(_usd)?_total$/i, 'claude_code.cost.usage'],
  [/^claude_code_session_count(_1)?_total$/, 'claude_code.session.count'],
  [/^claude_code_active_time(_total)?(_seconds|_s)?_total$/, 'claude_code.active_time.total'],
  [/^claude_code_lines_of_code_count(_1)?_total$/, 'claude_code.lines_of_code.count'],
  [/^claude_code_commit_count(_1)?_total$/, 'claude_code.commit.count'],
  [/^claude_code_pull_request_count(_1)?_total$/, 'claude_code.pull_request.count'],
  [/^claude_code_code_edit_tool_decision(_1)?_total$/, 'claude_code.code_edit_tool.decision'],
];

/** Prometheus label (dots became underscores) → the OTel attribute Claude Code sent. */
const LABEL_TO_ATTR: Record<string, string> = {
  user_account_uuid: 'user.account_uuid',
  user_email: 'user.email',
  user_id: 'user.id',
  session_id: 'session.id',
  organization_id: 'organization.id',
  app_version: 'app.version',
  terminal_type: 'terminal.type',
};

/** Answers by exposed name: a scrape asks again for the same few names every interval. */
const knownNames = new Map<string, string | null>();

export function claudeCodeMetricName(promName: string): string | null {
  let name = knownNames.get(promName);
  if (name === undefined) {
    name = CLAUDE_CODE_NAMES.find(([re]) => re.test(promName))?.[1] ?? null;
    if (knownNames.size < 1000) knownNames.set(promName, name);
  }
  return name;
}

export interface ScrapedUsageOptions {
  recorder: UsageRecorder;
  bookCost: boolean;
  teamAttribute: string;
  teams: Record<string, string>;
}

interface PreparedSeries {
  target: string;
  rest: Labels;
  key: string;
}

/** The accumulator's key of one scraped series of one target. */
function seriesKey(target: string, labels: Readonly<Record<string, string>>): string {
  return `${target}|${JSON.stringify(labels)}`;
}

export class ScrapedUsage {
  private readonly acc = new SumAccumulator(100_000);
  private readonly prepared = new WeakMap<Labels, PreparedSeries>();
  private readonly targetFirstSeen = new Map<string, number>();

  constructor(private readonly opts: ScrapedUsageOptions) {}

  /** Book the usage in one scrape of `target`. Returns how many samples were usage samples. */
  accept(target: string, samples: readonly ScrapedSample[]): number {
    let used = 0;
    for (const s of samples) used += this.acceptSample(target, s);
    return used;
  }

  /** One sample; 1 when it was a usage sample, 0 when ignored. */
  acceptSample(target: string, s: ScrapedSample, key = seriesKey(target, s.labels)): number {
    const name = s.labels.__name__ ?? '';
    if (name.startsWith('claude_code_')) return this.claudeCode(target, name, s, key);
    if (name.startsWith('litellm_')) return this.litellm(target, name, s, key);
    return 0;
  }

  /**
   * The scraper's appender with this normaliser tapped in: every scraped sample still goes to the
   * store unchanged, and usage samples are booked too (target = the job and instance labels).
   */
  tap(inner: SeriesAppender): SeriesAppender {
    return {
      append: (labels, t, v) => {
        inner.append(labels, t, v);
        const name = labels.__name__ ?? '';
        // Every scrape appends `up`: the target's first scrape is known even when it exposed no
        // usage series yet (LiteLLM creates them on the first request).
        if (name === 'up') this.noteTarget(`${labels.job ?? ''}/${labels.instance ?? ''}`, t);
        // Only the names that book usage go further: LiteLLM's latency buckets, sums and counts
        // and its deployment state (three quarters of its series) are stored and nothing else.
        if (name.startsWith('litellm_')) {
          if (!litellmKind(name)) return;
        } else if (!name.startsWith('claude_code_') || !claudeCodeMetricName(name)) return;
        const p = this.preparedOf(labels);
        this.acceptSample(p.target, { labels: p.rest, value: v, t }, p.key);
      },
      markStale: (labels, t) => inner.markStale(labels, t),
    };
  }

  /**
   * Target, labels without job/instance and accumulator key of a scraped series, worked out once:
   * the scraper hands the same frozen labels object for a series every scrape.
   */
  private preparedOf(labels: Labels): PreparedSeries {
    let p = this.prepared.get(labels);
    if (!p) {
      const { job = '', instance = '', ...rest } = labels;
      const target = `${job}/${instance}`;
      p = { target, rest, key: seriesKey(target, rest) };
      this.prepared.set(labels, p);
    }
    return p;
  }

  /** When the target was first scraped (set on first sight). */
  private noteTarget(target: string, t: number): number {
    let first = this.targetFirstSeen.get(target);
    if (first === undefined) this.targetFirstSeen.set(target, (first = t));
    return first;
  }

  private increment(target: string, key: string, s: ScrapedSample): number | null {
    // A target's first scrape is the baseline (its history is not ours to count, and this state is
    // not persisted, so counting it would re-count on every restart). A series that appears in a
    // later scrape is new since then and counts from zero (prom-client creates labelled series on
    // first use, so a new user's first requests would otherwise be lost).
    const firstScrape = this.noteTarget(target, s.t);
    const baseline = !this.acc.has(key) && s.t <= firstScrape;
    // No start time in the text format: one constant start, a drop in value is a reset.
    const inc = this.acc.cumulativePoint(key, '0', String(s.t).padStart(16, '0'), s.value);
    if (baseline) return null;
    return inc === null || !(inc > 0) ? null : inc;
  }

  private claudeCode(target: string, promName: string, s: ScrapedSample, key: string): number {
    const name = claudeCodeMetricName(promName);
    if (!name) return 0;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.labels))
      if (k !== '__name__') attrs[LABEL_TO_ATTR[k] ?? k] = v;
    const inc = this.increment(target, key, s);
    if (inc === null) return 1;
    const id = identityOf(attrs, this.opts.teamAttribute, this.opts.teams);
    this.opts.recorder.seen('prometheus', id, Date.now());
    bookClaudeCodeMetric(name, attrs, id, inc, s.t, this.opts, 'prometheus');
    return 1;
  }

  /** LiteLLM proxy metrics (docs.litellm.ai "Prometheus metrics"), per model, team and user. */
  private litellm(target: string, name: string, s: ScrapedSample, key: string): number {
    const kind = litellmKind(name);
    if (!kind) return 0;
    const inc = this.increment(target, key, s);
    if (inc === null) return 1;
    const l = s.labels;
    const user = l.user || l.end_user || l.api_key_alias || l.hashed_api_key || 'unknown';
    const id: Identity = {
      user,
      email: '',
      accountUuid: '',
      organization: '',
      session: '',
      team: l.team_alias || l.team || this.opts.teams[user] || '',
    };
    const model = l.model || l.requested_model || l.litellm_model_name || '';
    const r = this.opts.recorder;
    r.seen('litellm', id, Date.now());
    if (kind === 'spend') r.cost(id, model, inc, s.t, 'litellm');
    else if (kind === 'input' || kind === 'output') r.tokens(id, model, kind, inc, s.t, 'litellm');
    else if (kind === 'requests') r.apiRequest(id, model, null, s.t, 'litellm', inc);
    else if (kind === 'failures')
      r.apiError(id, model, l.status_code ?? l.exception_status ?? '', '', s.t, 'litellm', inc);
    return 1;
  }
}

function litellmKind(name: string): 'spend' | 'input' | 'output' | 'requests' | 'failures' | null {
  if (name === 'litellm_spend_metric_total') return 'spend';
  if (name === 'litellm_input_tokens_metric_total' || name === 'litellm_input_tokens_total')
    return 'input';
  if (name === 'litellm_output_tokens_metric_total' || name === 'litellm_output_tokens_total')
    return 'output';
  if (name === 'litellm_proxy_total_requests_metric_total') return 'requests';
  if (name === 'litellm_proxy_failed_requests_metric_total') return 'failures';
  return null;
}
