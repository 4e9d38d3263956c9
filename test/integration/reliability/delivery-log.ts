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

/** Webhook (Alertmanager payload) or Slack (attachment title) requests to one path. */
export function httpReceipts(
  http: SwitchableReceiver,
  path: string,
  shape: 'webhook' | 'slack' = 'webhook',
): Receipt[] {
  return http.received
    .filter((r) => r.path === path)
    .map((r) => {
      const body = r.body as {
        status: string;
        groupLabels: { alertname: string };
        attachments: { title: string }[];
      };
      const what =
        shape === 'webhook'
          ? `${body.groupLabels.alertname} ${body.status}`
          : fromTitle(body.attachments[0]!.title);
      return { what, key: r.idempotencyKey, sequence: r.sequence };
    });
}

/** Mails, by subject (Alertmanager's default title). */
export function mailReceipts(smtp: SwitchableReceiver): Receipt[] {
  return smtp.received.map((r) => ({
    what: fromTitle((r.body as { subject: string }).subject),
    key: r.idempotencyKey,
    sequence: r.sequence,
  }));
}

export function receipts(
  http: SwitchableReceiver,
  smtp: SwitchableReceiver,
  sink: 'webhook' | 'slack' | 'email',
): Receipt[] {
  if (sink === 'email') return mailReceipts(smtp);
  return sink === 'webhook' ? httpReceipts(http, '/hook') : httpReceipts(http, '/slack', 'slack');
}

/**
 * One group's story at one sink: how many requests per status, and how many distinct
 * idempotency keys (a duplicate from a crash repeats its key; a second notification would not).
 */
export function story(list: Receipt[], group: string) {
  const mine = list.filter((r) => r.what.startsWith(`${group} `));
  const of = (status: string) => mine.filter((r) => r.what === `${group} ${status}`);
  return {
    firing: of('firing').length,
    resolved: of('resolved').length,
    firingKeys: new Set(of('firing').map((r) => r.key)).size,
    resolvedKeys: new Set(of('resolved').map((r) => r.key)).size,
    /** Statuses in arrival order, duplicates collapsed. */
    order: mine.map((r) => r.what.split(' ')[1]).filter((s, i, all) => s !== all[i - 1]),
  };
}
