/**
 * The `usage` config section: where Claude Code's telemetry arrives (OTLP/HTTP receiver), where
 * local transcripts live, what tokens cost, the budgets, and when silence becomes an alert.
 * Every field is defaulted so an empty section is a working one.
 */
import { z } from 'zod';
import { DEFAULT_PRICING } from './pricing-defaults.js';
import { securityEventRuleSchema } from './otlp/security-rules.js';

const port = z.number().int().min(0).max(65535);

/** USD per million tokens for models whose name starts with `match` (longest match wins). */
export const modelPriceSchema = z
  .object({
    match: z.string().min(1),
    input: z.number().min(0),
    output: z.number().min(0),
    cacheWrite: z.number().min(0),
    cacheRead: z.number().min(0),
  })
  .strict();
export type ModelPrice = z.output<typeof modelPriceSchema>;

export const budgetSchema = z
  .object({
    name: z.string().min(1),
    /** `all` = the whole deployment; otherwise the budget applies to `subject` in that scope. */
    scope: z.enum(['user', 'team', 'organization', 'all']).default('all'),
    /** user e-mail/id, team or organization id; ignored for scope `all`. */
    subject: z.string().default(''),
    period: z.enum(['day', 'month']).default('month'),
    unit: z.enum(['usd', 'tokens']).default('usd'),
    limit: z.number().positive(),
  })
  .strict();
export type BudgetConfig = z.output<typeof budgetSchema>;

export const usageSchema = z
  .object({
    otlp: z
      .object({
        enabled: z.boolean().default(true),
        /** OTLP/HTTP's default port; loopback unless configured otherwise (STYLE: bind to 127.0.0.1). */
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(4318),
        /** Largest accepted request body, compressed and decompressed alike. */
        maxBodyBytes: z
          .number()
          .int()
          .positive()
          .default(8 * 1024 * 1024),
        /**
         * Where tokens and cost are counted from: the claude_code.token.usage / cost.usage metrics
         * (Claude Code's default) or the api_request events (for log-only setups). Never both, so
         * nothing is counted twice.
         */
        costFrom: z.enum(['metrics', 'events']).default('metrics'),
        /** Resource or point attribute naming a user's team (e.g. set via OTEL_RESOURCE_ATTRIBUTES). */
        teamAttribute: z.string().default('team'),
      })
      .strict()
      .default(() => ({
        enabled: true,
        host: '127.0.0.1',
        port: 4318,
        maxBodyBytes: 8 * 1024 * 1024,
        costFrom: 'metrics' as const,
        teamAttribute: 'team',
      })),
    transcripts: z
      .object({
        enabled: z.boolean().default(true),
        /** Default: ~/.claude/projects (resolved at start). */
        dir: z.string().default(''),
        /** The user these local transcripts are booked to; default `local:<os user>`. */
        user: z.string().default(''),
        intervalSeconds: z.number().int().positive().default(60),
      })
      .strict()
      .default(() => ({ enabled: true, dir: '', user: '', intervalSeconds: 60 })),
    redis: z
      .object({
        /** The seed's per-user daily counters `tokens:{user}:{date}`; empty URL = off. */
        url: z.string().default(''),
        keyPrefix: z.string().default('tokens'),
        ttlSeconds: z.number().int().positive().default(86_400),
        /** Pending increments kept while Redis is down (distinct keys); oldest dropped beyond. */
        maxBacklogKeys: z.number().int().positive().default(10_000),
      })
      .strict()
      .default(() => ({
        url: '',
        keyPrefix: 'tokens',
        ttlSeconds: 86_400,
        maxBacklogKeys: 10_000,
      })),
    pricing: z.array(modelPriceSchema).default(() => DEFAULT_PRICING.map((p) => ({ ...p }))),
    /** User → team, for team budgets when telemetry carries no team attribute. */
    teams: z.record(z.string(), z.string()).default({}),
    budgets: z.array(budgetSchema).default([]),
    /**
     * Extra security signals: events (and attribute values) an admin classifies, tried before the
     * built-in classification, e.g. {event: claude_code.tool_decision, kind: rejected_tool_decision,
     * when: {source: "config"}}.
     */
    securityEvents: z.array(securityEventRuleSchema).default([]),
    silence: z
      .object({
        /** Minutes without telemetry after which a source counts as silent. */
        afterMinutes: z.number().positive().default(15),
        /** Sources expected to send: `otlp`, `otlp:metrics`, `otlp:logs`, `user:<id>`, `litellm`. */
        expected: z.array(z.string().min(1)).default(['otlp']),
      })
      .strict()
      .default(() => ({ afterMinutes: 15, expected: ['otlp'] })),
  })
  .strict();

export type UsageConfig = z.output<typeof usageSchema>;

export function defaultUsageConfig(): UsageConfig {
  return usageSchema.parse({});
}
