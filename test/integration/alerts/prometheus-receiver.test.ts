/**
 * ccmon as a real Prometheus's Alertmanager: Prometheus 2.42 scrapes a loopback target whose
 * gauge the test flips, evaluates a rule on it every second and posts the alert to ccmon's
 * POST /api/v2/alerts with the agent's token file (alertmanager_config `authorization`, as the
 * README documents). The alert is
 * listed by alerts.list, routed to a webhook, and resolved when the rule stops firing.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Notification } from '../../../src-main/core/alerts/notification.js';
import { configSchema } from '../../../src-main/core/config/schema.js';
import { webhookAlerts } from '../../helpers/agent-config.js';
import { startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/ports.js';
import { startPrometheus, type RunningServer } from '../../helpers/servers.js';
import { startHttpReceiver, type HttpReceiver } from './receivers.js';

const RULES = `
groups:
  - name: receiver
    interval: 1s
    rules:
      - alert: QueueBacklog
        expr: queue_backlog > 100
        labels:
          severity: warning
        annotations:
          summary: 'backlog of {{ $value }} on {{ $labels.instance }}'
`;

describe('a real Prometheus posting to ccmon as its Alertmanager', () => {
  let agent: TestAgent;
  let hook: HttpReceiver;
  let target: Server;
  let prom: RunningServer;
  let backlog = 500;

  before(async () => {
    hook = await startHttpReceiver();
    target = createServer((_req, res) =>
      res
        .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
        .end(`# TYPE queue_backlog gauge\nqueue_backlog ${backlog}\n`),
    );
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const targetPort = (target.address() as AddressInfo).port;
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { enabled: false },
        checks: { probes: [] },
        rules: { defaults: false, files: [] },
        alerts: webhookAlerts(`${hook.url}/hook`),
      }),
    );
    const agentPort = agent.dashboard.port;
    prom = await startPrometheus(
      `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [receiver.rules.yml]
alerting:
  alertmanagers:
    - api_version: v2
      authorization:
        credentials_file: ${JSON.stringify(agent.token.file)}
      static_configs:
        - targets: ['127.0.0.1:${agentPort}']
scrape_configs:
  - job_name: queue
    static_configs:
      - targets: ['127.0.0.1:${targetPort}']
`,
      { 'receiver.rules.yml': RULES },
    );
  });

  after(async () => {
    await prom?.stop();
    await agent?.close();
    await new Promise((r) => target.close(r));
    await hook?.close();
  });

  it('lists the firing alert and routes it to the webhook', async () => {
    const list = await waitFor(
      'QueueBacklog in alerts.list',
      async () => {
        const alerts = await agent.agent.api.request('alerts.list', {});
        const a = alerts.find((x) => x.labels['alertname'] === 'QueueBacklog');
        return a?.state === 'firing' ? a : undefined;
      },
      60_000,
    );
    assert.equal(list.labels['job'], 'queue');
    assert.equal(list.labels['severity'], 'warning');
    assert.match(list.annotations['summary'] ?? '', /^backlog of 500 on 127\.0\.0\.1:\d+$/);
    assert.match(list.generatorURL, /^http:\/\/.+\/graph\?g0\.expr=/, 'Prometheus links its graph');
    assert.deepEqual(list.receivers, ['hook']);
    const firing = await waitFor('the firing webhook', async () => hook.received[0], 30_000);
    const n = firing.body as Notification;
    assert.equal(n.status, 'firing');
    assert.equal(n.alerts[0]!.labels['alertname'], 'QueueBacklog');
  });

  it('resolves when the rule stops firing, and the webhook hears it', async () => {
    backlog = 3;
    const resolved = await waitFor(
      'the resolved webhook',
      async () => hook.received.find((r) => (r.body as Notification).status === 'resolved'),
      60_000,
    );
    assert.equal((resolved.body as Notification).alerts[0]!.labels['alertname'], 'QueueBacklog');
    const alerts = await agent.agent.api.request('alerts.list', {});
    const a = alerts.find((x) => x.labels['alertname'] === 'QueueBacklog');
    assert.ok(!a || a.state === 'resolved', `state after resolution: ${a?.state}`);
  });
});
