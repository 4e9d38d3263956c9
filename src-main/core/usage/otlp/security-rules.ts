/**
 * Admin-defined security signals: which Claude Code events (and which attribute values) count as
 * a sandbox violation, a rejected tool decision, a permission-mode change, an API refusal or an
 * auth failure. Claude Code adds events between releases; a rule lets an admin classify a new one
 * (or a new attribute value of a known one) without waiting for a ccmon release. Rules are tried
 * before the built-in classification and the first match wins.
 */
import { z } from 'zod';
import type { SecurityKind } from '../records.js';

const SECURITY_KINDS = [
  'sandbox_violation',
  'rejected_tool_decision',
  'permission_mode_change',
  'api_refusal',
  'auth_failure',
] as const satisfies readonly SecurityKind[];

const pattern = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `not a valid regular expression: ${(err as Error).message}`,
    });
  }
});

export const securityEventRuleSchema = z
  .object({
    /** Event name with or without the `claude_code.` prefix, e.g. `claude_code.tool_decision`. */
    event: z
      .string()
      .regex(
        /^(?:claude_code\.)?[a-z][a-z0-9_]*$/,
        'expected an event name like claude_code.tool_decision',
      )
      .transform((name) => name.replace(/^claude_code\./, '')),
    kind: z.enum(SECURITY_KINDS),
    /** Attribute → regular expression (anchored, like Prometheus's =~); every one must match. */
    when: z.record(z.string(), pattern).default({}),
  })
  .strict();

export type SecurityEventRule = z.output<typeof securityEventRuleSchema>;

interface CompiledRule {
  event: string;
  kind: SecurityKind;
  when: [attribute: string, re: RegExp][];
}

/** The rules compiled once (patterns anchored as Prometheus anchors =~). */
export class SecurityEventRules {
  private readonly rules: CompiledRule[];

  constructor(rules: readonly SecurityEventRule[]) {
    this.rules = rules.map((r) => ({
      event: r.event,
      kind: r.kind,
      when: Object.entries(r.when).map(([k, src]) => [k, new RegExp(`^(?:${src})$`)]),
    }));
  }

  /** The kind of the first rule matching this event and its attributes, or null. */
  classify(event: string, attrs: Record<string, string>): SecurityKind | null {
    for (const rule of this.rules) {
      if (rule.event !== event) continue;
      if (rule.when.every(([k, re]) => re.test(attrs[k] ?? ''))) return rule.kind;
    }
    return null;
  }

  get size(): number {
    return this.rules.length;
  }
}
