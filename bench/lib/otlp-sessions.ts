/**
 * Claude Code's OTLP/HTTP protobuf telemetry, generated per session (one delta metrics export of
 * 11 points and three event batches of 4 log records per round, as its 60 s / 5 s exporters send
 * them), and a driver that sends it closed-loop or paced. Shared by the usage-ingest and load
 * benchmarks and the load test.
 */
import { Agent } from 'node:http';
import { type Causes, exportWithRetry } from './otlp-export.js';
import { otlpTypes } from '../../src-main/core/usage/otlp/schema.js';

const MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5'];
const kv = (key: string, v: string) => ({ key, value: { stringValue: v } });

export function metricsBody(user: string, session: string, round: number): Buffer {
  const start = BigInt(Date.now() - 3_600_000 + round * 1000) * 1_000_000n;
  const time = start + 1_000_000_000n;
  const who = [
    kv('user.email', user),
    kv('user.account_uuid', `uuid-${user}`),
    kv('organization.id', 'org-1'),
    kv('session.id', session),
  ];
  const point = (attrs: object[], v: number) => ({
    attributes: [...who, ...attrs],
    startTimeUnixNano: String(start),
    timeUnixNano: String(time),
    asDouble: v,
  });
  const tokens = MODELS.flatMap((m) =>
    ['input', 'output', 'cacheRead', 'cacheCreation'].map((t) =>
      point([kv('model', m), kv('type', t)], 100 + round),
    ),
  );
  const req = {
    resourceMetrics: [
      {
        resource: { attributes: [kv('service.name', 'claude-code')] },
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code' },
            metrics: [
              {
                name: 'claude_code.token.usage',
                unit: 'tokens',
                sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: tokens },
              },
              {
                name: 'claude_code.cost.usage',
                unit: 'USD',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: MODELS.map((m) => point([kv('model', m)], 0.01)),
                },
              },
              {
                name: 'claude_code.active_time.total',
                unit: 's',
                sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [point([], 5)] },
              },
            ],
          },
        ],
      },
    ],
  };
  const t = otlpTypes().metricsRequest;
  return Buffer.from(t.encode(t.fromObject(req)).finish());
}

export function logsBody(user: string, session: string, seq: number): Buffer {
  const ts = String(BigInt(Date.now()) * 1_000_000n + BigInt(seq));
  const base = [
    kv('user.email', user),
    kv('session.id', session),
    kv('event.sequence', String(seq)),
  ];
  const rec = (name: string, attrs: object[]) => ({
    timeUnixNano: ts,
    body: { stringValue: `claude_code.${name}` },
    attributes: [...base, kv('event.name', name), ...attrs],
  });
  const req = {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', 'claude-code')] },
        scopeLogs: [
          {
            logRecords: [
              rec('user_prompt', [kv('prompt_length', '120')]),
              rec('api_request', [
                kv('model', 'claude-sonnet-4-5'),
                kv('cost_usd', '0.012'),
                kv('duration_ms', String(800 + (seq % 900))),
                kv('input_tokens', '1200'),
                kv('output_tokens', '300'),
              ]),
              rec('tool_result', [
                kv('tool_name', 'Bash'),
                kv('success', 'true'),
                kv('duration_ms', '40'),
              ]),
              rec('tool_decision', [
                kv('tool_name', 'Edit'),
                kv('decision', seq % 10 === 0 ? 'reject' : 'accept'),
                kv('source', 'config'),
              ]),
            ],
          },
        ],
      },
    ],
  };
  const t = otlpTypes().logsRequest;
  return Buffer.from(t.encode(t.fromObject(req)).finish());
}

export interface Work {
  path: string;
  body: Buffer;
  items: number;
}

/** `rounds` rounds of one session's telemetry. */
export function sessionWork(user: string, session: string, rounds: number): Work[] {
  const out: Work[] = [];
  for (let r = 0; r < rounds; r++) {
    out.push({ path: '/v1/metrics', body: metricsBody(user, session, r), items: 11 });
    for (let k = 0; k < 3; k++)
      out.push({ path: '/v1/logs', body: logsBody(user, session, r * 3 + k), items: 4 });
  }
  return out;
}

/** Points and records per second that `sessions` real Claude Code sessions send (60 s metrics, 5 s events). */
export const realItemsPerSecond = (sessions: number) => sessions * (11 / 60 + 12 / 5);

export interface DriveResult {
  seconds: number;
  items: number;
  /** Per attempt (the receiver's answer time), ms. */
  p99: number;
  p50: number;
  /** Per export, first send to final answer, backoff included, ms. */
  exportP99: number;
  /** Exports finally lost (refused for good, or out of retries). */
  failed: number;
  /** Exports accepted only after a retry. */
  retried: number;
  /** Every failed attempt by cause ('HTTP 429', 'ECONNRESET', …). */
  causes: Causes;
  /** The last cause of each lost export. */
  lostCauses: Causes;
}

/** Closed loop (each session sends its next request when the last one is answered), or paced: each
 *  session sends one request every `everyMs`, whatever the answers (an open loop, like real senders).
 *  Each export retries as an OTel SDK exporter does (lib/otlp-export.ts). */
export async function driveSessions(
  port: number,
  sessions: Work[][],
  everyMs = 0,
): Promise<DriveResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: sessions.length });
  const latencies: number[] = [];
  const totals: number[] = [];
  const causes: Causes = {};
  const lostCauses: Causes = {};
  let items = 0;
  let failed = 0;
  let retried = 0;
  const send = async (w: Work) => {
    const o = await exportWithRetry(port, agent, w.path, w.body, causes);
    latencies.push(...o.attemptMs);
    totals.push(o.totalMs);
    if (o.ok) {
      items += w.items;
      if (o.attempts > 1) retried++;
    } else {
      failed++;
      lostCauses[o.cause!] = (lostCauses[o.cause!] ?? 0) + 1;
    }
  };
  const start = performance.now();
  if (everyMs === 0)
    await Promise.all(
      sessions.map(async (work) => {
        for (const w of work) await send(w);
      }),
    );
  else
    await Promise.all(
      sessions.map(async (work, i) => {
        const inFlight: Promise<void>[] = [];
        const offset = (i / sessions.length) * everyMs; // spread the sessions over one interval
        for (let k = 0; k < work.length; k++) {
          const due = start + offset + k * everyMs;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          inFlight.push(send(work[k]!));
        }
        await Promise.all(inFlight);
      }),
    );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const q = (a: number[], p: number) => {
    a.sort((x, y) => x - y);
    return a[Math.min(a.length - 1, Math.floor(p * a.length))]!;
  };
  return {
    seconds,
    items,
    p99: q(latencies, 0.99),
    p50: q(latencies, 0.5),
    exportP99: q(totals, 0.99),
    failed,
    retried,
    causes,
    lostCauses,
  };
}
