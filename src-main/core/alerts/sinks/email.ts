/**
 * E-mail over SMTP with nodemailer, as Alertmanager's email_config: smarthost host:port, optional
 * AUTH, STARTTLS required unless `requireTls: false`, subject = Alertmanager's default title.
 */
import type { EmailConfig } from '../config.js';
import { defaultText, defaultTitle, type Notification } from '../notification.js';
import type { SecretStore } from '../../secrets/store.js';
import { secretOrFail } from './http-sinks.js';
import { compileTemplate } from '../template.js';
import { DeliveryError, type Sink } from './sink.js';
import { smtpTransport } from './smtp.js';

export function emailSink(
  receiver: string,
  index: number,
  cfg: EmailConfig,
  secrets: SecretStore,
): Sink {
  const subject = cfg.subject ? compileTemplate(cfg.subject) : defaultTitle;
  return {
    receiver,
    type: 'email',
    index,
    sendResolved: cfg.sendResolved,
    async send(n, delivery) {
      const pass = cfg.authPassword
        ? await secretOrFail(secrets, cfg.authPassword.secret)
        : undefined;
      const transport = smtpTransport(cfg, pass);
      try {
        await transport.sendMail({
          from: cfg.from,
          to: cfg.to,
          subject: subject(n),
          text: `${defaultText(n)}\n\n${n.externalURL}\n`,
          html: html(n),
          // RFC 5322 Message-ID from the idempotency key: a re-send after a crash is the same
          // message, which mail clients and list servers collapse.
          ...(delivery ? { messageId: `<${delivery.idempotencyKey}@${domainOf(cfg.from)}>` } : {}),
          headers: delivery ? { 'X-Ccmon-Sequence': String(delivery.sequence) } : {},
        });
      } catch (err) {
        const e = err as { responseCode?: number; code?: string; message: string };
        // SMTP 5xx is a permanent rejection (bad recipient, auth refused); the rest may pass later.
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
        throw new DeliveryError(`email ${receiver} via ${cfg.smarthost}: ${e.message}`, !permanent);
      } finally {
        transport.close();
      }
    },
  };
}

/** The sender's domain for Message-ID (RFC 5322 §3.6.4 wants it globally unique). */
function domainOf(from: string): string {
  return /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'ccmon.invalid';
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(n: Notification): string {
  const rows = n.alerts
    .map(
      (a) =>
        `<tr><td>${escape(a.status)}</td><td>${escape(a.labels.alertname ?? '')}</td>` +
        `<td>${escape(a.annotations.summary ?? '')}</td><td>${escape(a.annotations.description ?? '')}</td></tr>`,
    )
    .join('');
  return (
    `<h2>${escape(defaultTitle(n))}</h2><table border="1" cellpadding="4">` +
    `<tr><th>status</th><th>alert</th><th>summary</th><th>description</th></tr>${rows}</table>` +
    `<p><a href="${escape(n.externalURL)}">open ccmon</a></p>`
  );
}
