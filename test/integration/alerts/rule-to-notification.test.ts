/**
 * End to end in one real agent: the scraper finds the Claude Code API down (up == 0), the rule
 * engine fires ClaudeCodeServiceDown, the notifier routes it to a webhook; when the API answers
 * again the rule resolves and the webhook gets the resolved notification.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Notification } from '../../../src-main/core/alerts/notification.js';
import { configSchema } from '../../../src-main/core/config/schema.js';
import { webhookAlerts } from '../../helpers/agent-config.js';
import { startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { freePort, tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { startHttpReceiver, type HttpReceiver } from './receivers.js';

const RULES = `
groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: ClaudeCodeServiceDown
        expr: up{job="claude-code-api"} == 0
        labels:
          severity: critical
        annotations:
          summary: Claude Code API is down
          description: "{{ $labels.instance }} answers no scrape"
`;

describe('rule fires → notification delivered', () => {
  let dir: TempDir;
  let hook: HttpReceiver;
  let agent: TestAgent;
  let apiPort: number;
  let api: Server | null = null;

  before(async () => {
    dir = await tempDir('ccmon-e2e-alerts-');
    hook = await startHttpReceiver();
    apiPort = await freePort();
    const rulesFile = join(dir.path, 'e2e.rules.yml');
    await writeFile(rulesFile, RULES);
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { enabled: false },
        checks: { probes: [] },
        scrape: {
          interval: '1s',
          timeout: '500ms',
          jobs: [
            { name: 'claude-code-api', staticConfigs: [{ targets: [`127.0.0.1:${apiPort}`] }] },
          ],
        },
        rules: { defaults: false, files: [rulesFile], evaluationInterval: '1s' },
        alerts: webhookAlerts(`${hook.url}/hook`),
      }),
    );
  });
  after(async () => {
    await agent.close();
    await new Promise((r) => (api ? api.close(r) : r(null)));
    await hook.close();
    await dir.cleanup();
  });

  it('notifies the firing alert with the rule labels and rendered annotations', async () => {
    const first = await waitFor('the firing notification', async () => hook.received[0], 30_000);
    const n = first.body as Notification;
    assert.equal(n.status, 'firing');
    const a = n.alerts[0]!;
    assert.equal(a.labels.alertname, 'ClaudeCodeServiceDown');
    assert.equal(a.labels.job, 'claude-code-api');
    assert.equal(a.labels.severity, 'critical');
    assert.equal(a.annotations.description, `127.0.0.1:${apiPort} answers no scrape`);
    const list = await agent.agent.api.request('alerts.list', {});
    assert.equal(list[0]!.state, 'firing');
  });

  it('notifies the resolution when the API comes back', async () => {
    api = createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('x 1\n'),
    );
    await new Promise<void>((r) => api!.listen(apiPort, '127.0.0.1', r));
    const resolved = await waitFor(
      'the resolved notification',
      async () => hook.received.find((r) => (r.body as Notification).status === 'resolved'),
      30_000,
    );
    assert.equal(
      (resolved.body as Notification).alerts[0]!.labels.alertname,
      'ClaudeCodeServiceDown',
    );
    const kinds = (await agent.agent.api.request('alerts.timeline', {})).map((e) => e.kind);
    assert.ok(kinds.includes('firing') && kinds.includes('resolved'), kinds.join(','));
  });
});
