/**
 * The simulated users' Claude Code telemetry, as Claude Code exports it with
 * CLAUDE_CODE_ENABLE_TELEMETRY=1 over OTLP/HTTP JSON: `claude_code.token.usage` and
 * `claude_code.cost.usage` as delta sums per user, session and model (`/v1/metrics`), and an
 * `api_request` or `api_error` event per request (`/v1/logs`). Sent every `intervalMs`; what an
 * unreachable receiver missed is dropped (a demo's telemetry, not a ledger), and each failure is
 * counted once in `failures`.
 */
import type { RequestRecord, SimModel, Traffic } from './traffic.js';

export interface TelemetryOptions {
  /** The OTLP/HTTP endpoint, e.g. http://127.0.0.1:4318 (ccmon agent's receiver). */
  url: string;
  /** Milliseconds between exports; Claude Code's logs default is 5 s. */
  intervalMs?: number;
  /** Told when exports start failing (the error) and when they work again (null), once each. */
  onHealth?: (error: string | null) => void;
}

/** Requests kept for the next export at most (a stopped receiver must not grow this). */
const MAX_EVENTS = 5000;

type Attrs = Record<string, string>;

/** One user's tokens and cost on one model since the last export. */
interface UsageSum {
  user: string;
  model: SimModel;
  input: number;
  output: number;
  cost: number;
}

export class TelemetryExporter {
  private events: { t: number; seq: number; r: RequestRecord }[] = [];
  /** Each event's `event.sequence`, which with its time tells two events apart. */
  private seq = 0;
  /** Tokens and cost since the last export, per user and model. */
  private sums = new Map<string, UsageSum>();
  private since = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private sending: Promise<void> = Promise.resolve();
  exports = 0;
  failures = 0;
  lastError: string | null = null;

  constructor(
    traffic: Traffic,
    private readonly opts: TelemetryOptions,
  ) {
    this.unsubscribe = traffic.onRequest((r) => this.record(r));
    this.timer = setInterval(() => void this.flush(), opts.intervalMs ?? 5000);
    this.timer.unref();
  }

  /** Send what has accumulated now (tests; the timer does it every interval). */
  flush(): Promise<void> {
    this.sending = this.sending.then(() => this.send());
    return this.sending;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe();
    await this.flush();
  }

  private record(r: RequestRecord): void {
    if (this.events.length < MAX_EVENTS) this.events.push({ t: Date.now(), seq: this.seq++, r });
    const key = `${r.user}\0${r.model}`;
    const s = this.sums.get(key) ?? { user: r.user, model: r.model, input: 0, output: 0, cost: 0 };
    s.input += r.inputTokens;
    s.output += r.outputTokens;
    s.cost += r.cost;
    this.sums.set(key, s);
  }

  private async send(): Promise<void> {
    const now = Date.now();
    const events = this.events;
    const sums = [...this.sums.values()];
    const since = this.since;
    this.events = [];
    this.sums = new Map();
    this.since = now;
    if (events.length === 0 && sums.length === 0) return;
    try {
      if (sums.length) await this.post('/v1/metrics', metricsBody(sums, since, now));
      if (events.length) await this.post('/v1/logs', logsBody(events));
      this.exports++;
      if (this.lastError !== null) this.opts.onHealth?.(null);
      this.lastError = null;
    } catch (err) {
      this.failures++;
      // fetch's own message is "fetch failed"; its cause says why (ECONNREFUSED …).
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const message = cause ? `${cause.code ?? cause.message}` : (err as Error).message;
      if (this.lastError === null) this.opts.onHealth?.(message);
      this.lastError = message;
    }
  }

  private async post(path: string, body: unknown): Promise<void> {
    const res = await fetch(new URL(path, this.opts.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  }
}

/** A simulated user's identity attributes; one session per user and simulator run. */
const identity = (user: string): Attrs => ({
  'user.email': `${user}@example.com`,
  'user.account_uuid': `sim-${user}`,
  'organization.id': 'sim-org',
  'session.id': `sim-${user}-${SESSION}`,
});
const SESSION = Date.now().toString(36);

const attributes = (a: Attrs) =>
  Object.entries(a).map(([key, v]) => ({ key, value: { stringValue: v } }));

const nanos = (ms: number) => `${ms}000000`;

const RESOURCE = {
  attributes: attributes({ 'service.name': 'claude-code', 'service.version': 'simulated' }),
};

function metricsBody(sums: UsageSum[], since: number, now: number) {
  const point = (a: Attrs, value: number) => ({
    attributes: attributes(a),
    startTimeUnixNano: nanos(since),
    timeUnixNano: nanos(now),
    asDouble: value,
  });
  // OTLP: 1 = DELTA, Claude Code's default temporality.
  const sum = (dataPoints: ReturnType<typeof point>[]) => ({
    aggregationTemporality: 1,
    isMonotonic: true,
    dataPoints,
  });
  const tokens = sums.flatMap((s) =>
    (['input', 'output'] as const)
      .filter((type) => s[type] > 0)
      .map((type) => point({ ...identity(s.user), model: s.model, type }, s[type])),
  );
  const cost = sums
    .filter((s) => s.cost > 0)
    .map((s) => point({ ...identity(s.user), model: s.model }, s.cost));
  return {
    resourceMetrics: [
      {
        resource: RESOURCE,
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code', version: 'simulated' },
            metrics: [
              { name: 'claude_code.token.usage', unit: 'tokens', sum: sum(tokens) },
              { name: 'claude_code.cost.usage', unit: 'USD', sum: sum(cost) },
            ],
          },
        ],
      },
    ],
  };
}

function logsBody(events: { t: number; seq: number; r: RequestRecord }[]) {
  return {
    resourceLogs: [
      {
        resource: RESOURCE,
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events', version: 'simulated' },
            logRecords: events.map(({ t, seq, r }) => {
              const failed = r.status >= 500;
              const name = failed ? 'api_error' : 'api_request';
              const common: Attrs = {
                'event.name': name,
                'event.timestamp': new Date(t).toISOString(),
                'event.sequence': String(seq),
                ...identity(r.user),
                model: r.model,
                duration_ms: String(Math.round(r.latency * 1000)),
              };
              const detail: Attrs = failed
                ? { status_code: String(r.status), error: `upstream answered ${r.status}` }
                : {
                    input_tokens: String(r.inputTokens),
                    output_tokens: String(r.outputTokens),
                    cost_usd: String(r.cost),
                  };
              return {
                timeUnixNano: nanos(t),
                body: { stringValue: `claude_code.${name}` },
                attributes: attributes({ ...common, ...detail }),
              };
            }),
          },
        ],
      },
    ],
  };
}
