/**
 * The notifier's sinks against real peers on loopback: a webhook and a Slack endpoint (HTTP
 * receiver) and an SMTP server; failures are retried from the persisted outbox, and secrets never
 * reach the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertsConfigSchema } from '../../../src-main/core/alerts/config.js';
import { Notifier } from '../../../src-main/core/alerts/notifier.js';
import type { Notification } from '../../../src-main/core/alerts/notification.js';
import { createLogger } from '../../../src-main/core/log.js';
import { FileSecretStore } from '../../../src-main/core/secrets/store.js';
import { oncallEmail, quickRoute } from '../../helpers/agent-config.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import {
  startHttpReceiver,
  startSmtpReceiver,
  type HttpReceiver,
  type SmtpReceiver,
} from './receivers.js';

const SMTP_PASSWORD = 'pw-s3cret-value';
const SLACK_TOKEN_PATH = '/services/T000/B000/sEcReTtOkEn';

describe('sinks: webhook, Slack and e-mail for real', () => {
  let http: HttpReceiver;
  let smtp: SmtpReceiver;
  let dir: TempDir;
  let notifier: Notifier;
  const logLines: string[] = [];

  before(async () => {
    http = await startHttpReceiver();
    smtp = await startSmtpReceiver();
    dir = await tempDir('ccmon-sinks-');
    const secrets = new FileSecretStore(dir.path);
    await secrets.set('smtp-pw', SMTP_PASSWORD);
    await secrets.set('slack-url', `${http.url}${SLACK_TOKEN_PATH}`);
    http.failNext(SLACK_TOKEN_PATH, 2); // Slack answers 500 twice: the outbox retries
    const config = alertsConfigSchema.parse({
      route: quickRoute('team'),
      receivers: [
        {
          name: 'team',
          webhook: [{ url: `${http.url}/hook`, maxAlerts: 1 }],
          slack: [
            {
              apiUrl: { secret: 'slack-url' },
              channel: '#critical-alerts',
              title: 'Claude Code Critical Alert',
              text: '{{ range .Alerts }}{{ .Annotations.description }}{{ end }}',
              sendResolved: true,
            },
          ],
          email: [
            oncallEmail(smtp.port, {
              authUsername: 'alerts@company.com',
              authPassword: { secret: 'smtp-pw' },
            }),
          ],
        },
      ],
      desktop: { enabled: false },
      externalUrl: 'http://127.0.0.1:7323',
    });
    notifier = new Notifier({
      config,
      dataDir: dir.path,
      secrets,
      logger: createLogger('test', { level: 'debug', write: (l) => logLines.push(l) }),
    });
    notifier.start();
  });

  after(async () => {
    notifier.stop();
    await http.close();
    await smtp.close();
    await dir.cleanup();
  });

  it('delivers one firing notification to each sink, in the formats Alertmanager uses', async () => {
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 120_000).toISOString();
    notifier.send([
      {
        labels: { alertname: 'ClaudeCodeServiceDown', severity: 'critical', instance: 'a' },
        annotations: { description: 'API a down' },
        startsAt,
        endsAt,
      },
      {
        labels: { alertname: 'ClaudeCodeServiceDown', severity: 'critical', instance: 'b' },
        annotations: { description: 'API b down' },
        startsAt,
        endsAt,
      },
    ]);
    const hook = await waitFor('webhook', async () =>
      http.received.find((r) => r.path === '/hook'),
    );
    const body = hook.body as Notification;
    assert.equal(body.version, '4');
    assert.equal(body.status, 'firing');
    assert.equal(body.receiver, 'team');
    assert.equal(body.groupKey, '{}:{alertname="ClaudeCodeServiceDown"}');
    assert.deepEqual(body.groupLabels, { alertname: 'ClaudeCodeServiceDown' });
    assert.deepEqual(body.commonLabels, {
      alertname: 'ClaudeCodeServiceDown',
      severity: 'critical',
    });
    assert.equal(body.alerts.length, 1, 'max_alerts: 1');
    assert.equal(body.truncatedAlerts, 1);
    assert.match(body.alerts[0]!.fingerprint, /^[0-9a-f]{16}$/);
    assert.equal(body.alerts[0]!.endsAt, '0001-01-01T00:00:00Z');

    const mail = await waitFor('e-mail', async () => smtp.mails[0]);
    assert.deepEqual(mail.to, ['oncall@company.com']);
    assert.equal(mail.user, 'alerts@company.com');
    assert.equal(mail.password, SMTP_PASSWORD, 'the password comes from the secret store');
    assert.match(mail.data, /Subject: \[FIRING:2\] ClaudeCodeServiceDown \(critical\)/);
    assert.match(mail.data, /API a down/);

    const slack = await waitFor(
      'slack after two 500s',
      async () => http.received.find((r) => r.path === SLACK_TOKEN_PATH),
      20_000,
    );
    const payload = slack.body as {
      channel: string;
      attachments: { title: string; text: string; color: string }[];
    };
    assert.equal(payload.channel, '#critical-alerts');
    assert.equal(payload.attachments[0]!.title, 'Claude Code Critical Alert');
    assert.equal(payload.attachments[0]!.text, 'API a downAPI b down');
    assert.equal(payload.attachments[0]!.color, 'danger');
    // The receiver answers before the outbox records the answer: wait for the record.
    const ok = await waitFor('the outbox records the Slack delivery', async () =>
      notifier.outbox.history().find((h) => h.sink === 'team/slack[0]' && h.ok),
    );
    assert.equal(ok.attempts, 3);
    assert.ok(
      notifier.outbox
        .history()
        .some((h) => h.sink === 'team/slack[0]' && !h.ok && h.error?.includes('HTTP 500')),
    );
  });

  it('sends resolved notifications to the sinks that want them (webhook, Slack) and not to e-mail', async () => {
    const before = { hooks: http.received.length, mails: smtp.mails.length };
    const now = new Date().toISOString();
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    notifier.send([
      {
        labels: { alertname: 'ClaudeCodeServiceDown', severity: 'critical', instance: 'a' },
        annotations: {},
        startsAt,
        endsAt: now,
      },
      {
        labels: { alertname: 'ClaudeCodeServiceDown', severity: 'critical', instance: 'b' },
        annotations: {},
        startsAt,
        endsAt: now,
      },
    ]);
    await waitFor(
      'resolved webhook + slack',
      async () =>
        http.received
          .slice(before.hooks)
          .filter((r) => (r.body as { status?: string; attachments?: unknown[] }) !== null)
          .length >= 2,
    );
    const resolvedHook = http.received.slice(before.hooks).find((r) => r.path === '/hook')!
      .body as Notification;
    assert.equal(resolvedHook.status, 'resolved');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(
      smtp.mails.length,
      before.mails,
      'e-mail: send_resolved is false, as in Alertmanager',
    );
  });

  it('never writes a secret to the log', () => {
    const all = logLines.join('\n');
    assert.ok(logLines.length > 0, 'the failed Slack attempts were logged');
    assert.ok(!all.includes(SMTP_PASSWORD));
    assert.ok(!all.includes('sEcReTtOkEn'), all);
  });
});
