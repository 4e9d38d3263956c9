/**
 * What the test peers received, per sink, as `<alertname> <status>` with the idempotency key and
 * sequence: webhook payloads carry them in the body, Slack and e-mail in the rendered title
 * (`[FIRING:1] ApiDown`, `[RESOLVED] ApiDown`).
 */
import type { SwitchableReceiver } from './peers.js';

export interface Receipt {
  what: string;
  key: string | null;
  sequence: number | null;
}

function fromTitle(title: string): string {
  const m = /^\[(FIRING|RESOLVED)[^\]]*\] (\S+)/.exec(title);
  return m ? `${m[2]} ${m[1]!.toLowerCase()}` : `unparsed: ${title}`;
}

export function receipts(
  http: SwitchableReceiver,
  smtp: SwitchableReceiver,
  sink: 'webhook' | 'slack' | 'email',
): Receipt[] {
  if (sink === 'email')
    return smtp.received.map((r) => ({
      what: fromTitle((r.body as { subject: string }).subject),
      key: r.idempotencyKey,
      sequence: r.sequence,
    }));
  return http.received
    .filter((r) => r.path === (sink === 'webhook' ? '/hook' : '/slack'))
    .map((r) => {
      const what =
        sink === 'webhook'
          ? `${(r.body as { groupLabels: { alertname: string } }).groupLabels.alertname} ${(r.body as { status: string }).status}`
          : fromTitle((r.body as { attachments: { title: string }[] }).attachments[0]!.title);
      return { what, key: r.idempotencyKey, sequence: r.sequence };
    });
}

/** Counts per `<group> <status>`. */
export function counts(list: Receipt[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of list) out[r.what] = (out[r.what] ?? 0) + 1;
  return out;
}
