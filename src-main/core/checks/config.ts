/**
 * The `checks` config section: which probes run, how often and with what thresholds. Defaults are
 * the seed's health_check.py (API /health, the LLM gateway, the sandbox, disk and memory < 90 %)
 * at the seed's intervals, plus LiteLLM's readiness and CPU load (the seed's resource dimension).
 */
import { z } from 'zod';
import { durationSchema, intervalSchema } from '../scrape/duration.js';
import { parseCondition } from './conditions.js';

const conditionSchema = z.string().superRefine((text, ctx) => {
  try {
    parseCondition(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});
const DEFAULT_TIMEOUT_MS = 5000;
const percent = z.number().min(0).max(100);
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const common = {
  name: z.string().min(1),
  enabled: z.boolean().default(true),
  interval: intervalSchema.prefault('30s'),
  /** Unset: 5 s, or the interval when that is shorter (as Prometheus caps scrape_timeout). */
  timeout: durationSchema.optional(),
  /**
   * Consecutive failures before 'unhealthy'; fewer show as 'degraded'. Default 1: red within one
   * interval, as the seed's health_check.py and Uptime Kuma (retries 0) do; raise it for a flappy
   * network. Alerts keep their own `for`, so one failed probe still does not page anyone.
   */
  failureThreshold: z.number().int().min(1).max(100).default(1),
  /** Extra labels for this check's samples, e.g. {team: platform}. */
  labels: z.record(z.string(), z.string()).default({}),
};

export const httpCheckSchema = z
  .object({
    ...common,
    type: z.literal('http'),
    url: httpUrl,
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    /** Expected HTTP statuses; any other is a failure. */
    expectStatus: z.array(z.number().int().min(100).max(599)).default([200]),
    /** Gatus-style conditions, e.g. `[BODY].status == healthy`, `[RESPONSE_TIME] < 2000`. */
    conditions: z.array(conditionSchema).default([]),
    /** Responses above this many bytes are cut off and fail the check (a runaway endpoint). */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Accept self-signed certificates (still reported in the details). */
    insecure: z.boolean().default(false),
    /** This URL is the Claude Code API: its answers feed the exporter's claude_code_* metrics. */
    exportAs: z.enum(['claude_code_api']).optional(),
  })
  .strict();

export const tcpCheckSchema = z
  .object({
    ...common,
    type: z.literal('tcp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
  })
  .strict();

export const tlsCheckSchema = z
  .object({
    ...common,
    type: z.literal('tls'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(443),
    servername: z.string().optional(),
    /** Days before expiry that turn the check degraded, then unhealthy. */
    warnDays: z.number().min(0).default(14),
    criticalDays: z.number().min(0).default(7),
  })
  .strict();

export const redisCheckSchema = z
  .object({
    ...common,
    type: z.literal('redis'),
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
      .default('redis://127.0.0.1:6379'),
    /** Name of the environment variable holding the password (secrets never live in the config). */
    passwordEnv: z.string().optional(),
    /** PING slower than this is degraded. */
    latencyWarnMs: z.number().min(0).default(100),
    /** Keyspace hit ratio below this (0..1) is degraded; unset to ignore. */
    minHitRatio: z.number().min(0).max(1).optional(),
  })
  .strict();

export const elasticsearchCheckSchema = z
  .object({
    ...common,
    type: z.literal('elasticsearch'),
    url: httpUrl.default('http://localhost:9200'),
    apiKeyEnv: z.string().optional(),
    usernameEnv: z.string().optional(),
    passwordEnv: z.string().optional(),
  })
  .strict();

export const diskCheckSchema = z
  .object({
    ...common,
    type: z.literal('disk'),
    /** Mount points; each is checked, the worst wins. */
    mounts: z.array(z.string().min(1)).min(1).default(['/']),
    warnPercent: percent.default(80),
    maxPercent: percent.default(90),
  })
  .strict();

export const memoryCheckSchema = z
  .object({
    ...common,
    type: z.literal('memory'),
    warnPercent: percent.default(80),
    maxPercent: percent.default(90),
  })
  .strict();

export const cpuCheckSchema = z
  .object({
    ...common,
    type: z.literal('cpu'),
    warnPercent: percent.default(80),
    maxPercent: percent.default(95),
  })
  .strict();

export const processCheckSchema = z
  .object({
    ...common,
    type: z.literal('process'),
    /** Process name as the OS shows it (Linux: /proc/PID/comm, 15 characters). */
    process: z.string().min(1).optional(),
    pidFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => c.process !== undefined || c.pidFile !== undefined, {
    message: 'a process check needs `process` (a name) or `pidFile`',
  });

export const systemdCheckSchema = z
  .object({
    ...common,
    type: z.literal('systemd'),
    unit: z.string().regex(/^[\w@.:\\-]+$/, 'not a systemd unit name'),
  })
  .strict();

export const poolCheckSchema = z
  .object({
    ...common,
    type: z.literal('pool'),
    /** The backends of a load-balanced service (the seed's nginx upstream), each probed over HTTP. */
    members: z
      .array(z.object({ url: httpUrl, weight: z.number().int().min(1).default(1) }).strict())
      .min(1),
    expectStatus: z.array(z.number().int().min(100).max(599)).default([200]),
    /** Fewer healthy members than this is unhealthy (default: none answering). */
    minHealthy: z.number().int().min(1).default(1),
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024),
  })
  .strict();

export const checkSchema = z.discriminatedUnion('type', [
  httpCheckSchema,
  tcpCheckSchema,
  tlsCheckSchema,
  redisCheckSchema,
  elasticsearchCheckSchema,
  diskCheckSchema,
  memoryCheckSchema,
  cpuCheckSchema,
  processCheckSchema,
  systemdCheckSchema,
  poolCheckSchema,
]);

type WithTimeout<T> = T extends unknown ? Omit<T, 'timeout'> & { timeout: number } : never;
/** A check as the engine runs it: every default applied, the timeout resolved. */
export type CheckConfig = WithTimeout<z.output<typeof checkSchema>>;
export type CheckType = CheckConfig['type'];
export type CheckOf<T extends CheckType> = Extract<CheckConfig, { type: T }>;

/** The seed's health_check.py, at the seed's intervals (API 10 s, sandbox 15 s, host 30 s). */
export const DEFAULT_CHECKS: z.input<typeof checkSchema>[] = [
  {
    name: 'API Health',
    type: 'http',
    url: 'http://localhost:8080/health',
    interval: '10s',
    exportAs: 'claude_code_api',
  },
  {
    name: 'LLM Gateway',
    type: 'http',
    url: 'http://localhost:4000/health/liveliness',
    interval: '10s',
  },
  {
    name: 'LLM Gateway Readiness',
    type: 'http',
    url: 'http://localhost:4000/health/readiness',
    interval: '15s',
    conditions: ['[BODY].status == healthy'],
  },
  {
    name: 'Sandbox',
    type: 'http',
    url: 'http://localhost:8080/sandbox/status',
    interval: '15s',
    conditions: ['has([BODY].violations)'],
    exportAs: 'claude_code_api',
  },
  { name: 'Disk Space', type: 'disk', interval: '30s', mounts: ['/'] },
  { name: 'Memory', type: 'memory', interval: '15s' },
  { name: 'CPU Load', type: 'cpu', interval: '15s' },
];

export const checksSectionSchema = z
  .object({
    /** How many probes may be in flight at once; a hung one holds a slot only until its timeout. */
    concurrency: z.number().int().min(1).max(1000).default(32),
    probes: z.array(checkSchema).default(() => DEFAULT_CHECKS.map((c) => checkSchema.parse(c))),
  })
  .strict()
  .superRefine((section, ctx) => {
    const seen = new Map<string, number>();
    section.probes.forEach((p, i) => {
      const first = seen.get(p.name);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['probes', i, 'name'],
          message: `duplicate check name '${p.name}' (also probes.${first}); names must be unique`,
        });
      else seen.set(p.name, i);
      if (p.timeout !== undefined && p.timeout > p.interval)
        ctx.addIssue({
          code: 'custom',
          path: ['probes', i, 'timeout'],
          message: `timeout (${p.timeout} ms) is longer than the interval (${p.interval} ms)`,
        });
    });
  })
  .transform((section) => ({
    ...section,
    probes: section.probes.map(
      (p) =>
        ({ ...p, timeout: p.timeout ?? Math.min(DEFAULT_TIMEOUT_MS, p.interval) }) as CheckConfig,
    ),
  }));

export type ChecksConfig = z.output<typeof checksSectionSchema>;
