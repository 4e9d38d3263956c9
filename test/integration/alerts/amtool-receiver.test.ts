/**
 * Alertmanager's own client against ccmon's receiver: `amtool alert add` (prometheus-alertmanager
 * 0.25) posts to /api/v2/alerts with the agent's token from an http config file; without the
 * token it is refused and amtool reports the failure.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema } from '../../../src-main/core/config/schema.js';
import { startTestAgent, type TestAgent } from '../../helpers/agent.js';

describe('amtool alert add into ccmon', () => {
  let agent: TestAgent;

  before(async () => {
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { enabled: false },
        checks: { probes: [] },
        rules: { defaults: false, files: [] },
        alerts: { desktop: { enabled: false } },
      }),
    );
  });
  after(async () => {
    await agent?.close();
  });

  // Asynchronous: the agent answers from this process's event loop.
  const amtool = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(
        'amtool',
        [...args, `--alertmanager.url=${agent.dashboard.url}`],
        { encoding: 'utf8', timeout: 30_000 },
        (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );

  it('adds an alert with labels, annotations and an end, authenticated by the token file', async () => {
    const cfg = join(agent.dataDir, 'amtool-http.yml');
    writeFileSync(cfg, `authorization:\n  credentials_file: ${JSON.stringify(agent.token.file)}\n`);
    const end = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await amtool([
      'alert',
      'add',
      'alertname=FromAmtool',
      'severity=critical',
      '--annotation=summary=added by amtool',
      `--end=${end}`,
      `--http.config.file=${cfg}`,
    ]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const alerts = await agent.agent.api.request('alerts.list', {});
    const a = alerts.find((x) => x.labels['alertname'] === 'FromAmtool');
    assert.equal(a?.state, 'firing');
    assert.equal(a?.labels['severity'], 'critical');
    assert.equal(a?.annotations['summary'], 'added by amtool');
  });

  it('is refused without the token, and amtool says so', async () => {
    const r = await amtool(['alert', 'add', 'alertname=NoToken']);
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /401|[Uu]nauthorized/);
    const alerts = await agent.agent.api.request('alerts.list', {});
    assert.equal(
      alerts.find((x) => x.labels['alertname'] === 'NoToken'),
      undefined,
    );
  });
});
