/**
 * The logs module inside a real headless agent: the periodic incremental scan feeds
 * ccmon_log_errors_total / ccmon_log_slow_requests_total on the exporter, and the dashboard's
 * logs.* requests answer over HTTP.
 */
import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema } from '../../../src-main/core/config/schema.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { freePort, tempDir, waitFor, type TempDir } from '../../helpers/ports.js';

const entry = (fields: Record<string, unknown>) =>
  JSON.stringify({ '@timestamp': new Date().toISOString(), ...fields }) + '\n';

describe('logs module in the agent', () => {
  let logs: TempDir;
  let agent: TestAgent;
  let metricsUrl: string;

  before(async () => {
    logs = await tempDir('ccmon-logs-agent-');
    await writeFile(
      join(logs.path, 'app.log'),
      entry({ level: 'ERROR', message: 'old, before the agent started' }),
    );
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { port },
        logs: {
          sources: [
            { service: 'claude-code', paths: [join(logs.path, 'app.log')] },
            { service: 'llm-gateway', paths: [join(logs.path, 'gateway.log')] },
          ],
          scanIntervalSeconds: 1,
        },
      }),
    );
  });
  after(async () => {
    await agent?.close();
    await logs?.cleanup();
  });

  const metric = async (name: string, service: string) => {
    const text = await (await fetch(metricsUrl)).text();
    const m = new RegExp(`^${name}\\{service="${service}"\\} (\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const call = (name: string, params: unknown, expect = 200) =>
    requestAgent<Record<string, unknown>>(agent, name, params, expect);

  it('exports counters for every configured service from the first scrape', async () => {
    await waitFor(
      'the exporter',
      async () => (await metric('ccmon_log_errors_total', 'llm-gateway')) === 0,
    );
    assert.equal(
      await metric('ccmon_log_slow_requests_total', 'claude-code'),
      0,
      'history is not counted',
    );
  });

  it('counts new error lines and slow requests as they are written', async () => {
    await waitFor('the first scan', async () =>
      (await call('logs.status', {})).lastScan ? true : null,
    );
    await appendFile(
      join(logs.path, 'app.log'),
      entry({ level: 'ERROR', message: 'upstream timeout' }) +
        entry({ level: 'fatal', message: 'sandbox died' }) +
        entry({ level: 'INFO', message: 'slow one', latency: 3.5 }) +
        entry({ level: 'INFO', message: 'fast one', latency: 0.2 }),
    );
    await waitFor(
      'errors counted',
      async () => (await metric('ccmon_log_errors_total', 'claude-code')) === 2,
    );
    assert.equal(await metric('ccmon_log_slow_requests_total', 'claude-code'), 1);
    assert.equal(await metric('ccmon_log_lines_total', 'claude-code'), 4);
  });

  it('answers the dashboard: recent errors, slow requests, anomalies, status, health', async () => {
    const errors = await call('logs.errors', { hours: 1 });
    assert.equal(errors.total, 3); // the two new ones and the one written before start
    const slow = await call('logs.slow', { hours: 1 });
    assert.equal((slow.hits as { message: string }[])[0]!.message, 'slow one');
    const anomalies = await call('logs.anomalies', {});
    assert.equal(typeof (anomalies.current as { requests: number }).requests, 'number');
    const status = await call('logs.status', {});
    assert.equal(status.backend, 'local');
    assert.deepEqual(status.services, ['claude-code', 'llm-gateway']);
    const health = await call('logs.health', {});
    assert.equal(health.status, 'degraded');
    assert.match(String(health.summary), /3 error\(s\)/);
    assert.match(String((health.problems as string[])[0]), /gateway\.log/);
  });

  it('refuses bad parameters with a 400 that says why', async () => {
    const r = await call('logs.errors', { hours: 1, offset: 9_990, limit: 20 }, 400);
    assert.match(JSON.stringify(r), /offset \+ limit must be at most 10000/);
    const bad = await call('logs.user', { days: 7 }, 400);
    assert.match(JSON.stringify(bad), /userId/);
  });
});
