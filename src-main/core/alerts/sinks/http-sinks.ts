/**
 * HTTP receiver integrations: the generic webhook (Alertmanager's webhook payload, version 4, as
 * its webhook_config posts it) and the Slack incoming webhook (Alertmanager's slack_config:
 * one attachment with title, text, colour `danger`/`good`).
 */
import type { SlackConfig, WebhookConfig } from '../config.js';
import { defaultText, defaultTitle, type Notification } from '../notification.js';
import type { SecretStore } from '../../secrets/store.js';
import { requireSecret } from '../../secrets/store.js';
import { compileTemplate } from '../template.js';
import { DeliveryError, deliveryHeaders, postJson, type Sink } from './sink.js';

export function webhookSink(
  receiver: string,
  index: number,
  cfg: WebhookConfig,
  secrets: SecretStore,
): Sink {
  return {
    receiver,
    type: 'webhook',
    index,
    sendResolved: cfg.sendResolved,
    async send(n, delivery) {
      const url =
        typeof cfg.url === 'string' ? cfg.url : await secretOrFail(secrets, cfg.url.secret);
      const headers: Record<string, string> = deliveryHeaders(delivery);
      if (cfg.bearerToken)
        headers.Authorization = `Bearer ${await secretOrFail(secrets, cfg.bearerToken.secret)}`;
      await postJson(url, truncate(n, cfg.maxAlerts), `webhook ${receiver}`, headers);
    },
  };
}

/** max_alerts: keep the first N alerts and count the rest in truncatedAlerts. */
export function truncate(n: Notification, max: number): Notification {
  if (max <= 0 || n.alerts.length <= max) return n;
  return { ...n, alerts: n.alerts.slice(0, max), truncatedAlerts: n.alerts.length - max };
}

export function slackSink(
  receiver: string,
  index: number,
  cfg: SlackConfig,
  secrets: SecretStore,
): Sink {
  // Compile now so a bad template fails at config load, not at 3 a.m.
  const title = cfg.title ? compileTemplate(cfg.title) : defaultTitle;
  const text = cfg.text ? compileTemplate(cfg.text) : defaultText;
  return {
    receiver,
    type: 'slack',
    index,
    sendResolved: cfg.sendResolved,
    async send(n, delivery) {
      const url = await secretOrFail(secrets, cfg.apiUrl.secret);
      const t = title(n);
      const body = {
        ...(cfg.channel ? { channel: cfg.channel } : {}),
        username: cfg.username,
        attachments: [
          {
            title: t,
            title_link: n.externalURL,
            text: text(n),
            fallback: t,
            color: n.status === 'firing' ? 'danger' : 'good',
            mrkdwn_in: ['fallback', 'pretext', 'text'],
          },
        ],
      };
      // Slack ignores the headers; a proxy in front of it (or a test peer) can deduplicate on them.
      await postJson(url, body, `slack ${receiver}`, deliveryHeaders(delivery));
    },
  };
}

/** A missing secret cannot be fixed by retrying soon, but can be by the user: keep it retryable. */
export async function secretOrFail(secrets: SecretStore, name: string): Promise<string> {
  try {
    return await requireSecret(secrets, name);
  } catch (err) {
    throw new DeliveryError((err as Error).message, true);
  }
}
