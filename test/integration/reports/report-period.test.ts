import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { CheckResult } from '../../../src-main/core/checks/contract.js';
import { configSchema } from '../../../src-main/core/config/schema.js';
import type { GeneratedReport, HealthReport } from '../../../src-main/core/reports/contract.js';
import type { Simulation } from '../../../src-main/simulator/index.js';
import { startQuietSimulation } from '../../helpers/simulation.js';
import { requestAgent, startTestAgent, type TestAgent } from '../../helpers/agent.js';
import { launchChromium } from '../../helpers/browser.js';
import { configForAgent, execCcmon } from '../../helpers/cli.js';
import { tempDir, waitFor, type TempDir } from '../../helpers/ports.js';
import { startSmtpReceiver } from '../alerts/receivers.js';

const run = promisify(execFile);

const call = requestAgent;

/** Run a scheduled job now and wait for its outcome. */
async function runJob(
  agent: TestAgent,
  jobId: string,
): Promise<{ status: string; message: string }> {
  const started = await call<{ runId: string }>(agent, 'jobs.run', { jobId });
  return waitFor(`job ${jobId} to finish`, async () => {
    const runs = await call<Array<{ runId: string; status: string; message: string }>>(
      agent,
      'jobs.history',
      { jobId },
    );
    const r = runs.find((x) => x.runId === started.runId);
    return r && r.status !== 'running' ? r : null;
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A scripted period on the simulator: healthy, an outage of the API, healthy again. The report must
// count what the checks saw, and its HTML and PDF must carry it without touching the network.
describe('health report over a scripted period with an outage', () => {
  let sim: Simulation;
  let agent: TestAgent;
  let out: TempDir;
  const results: CheckResult[] = [];
  let from = 0;
  let to = 0;
  let outageFrom = 0;
  let outageTo = 0;

  before(async () => {
    out = await tempDir('ccmon-report-');
    const rulesFile = join(out.path, 'outage.rules.yml');
    writeFileSync(
      rulesFile,
      [
        'groups:',
        '  - name: scripted',
        '    interval: 250ms',
        '    rules:',
        '      - alert: ClaudeCodeServiceDown',
        '        expr: ccmon_check_up{check="API Health"} == 0',
        '        labels: { severity: critical }',
        '        annotations: { summary: API down }',
        '',
      ].join('\n'),
    );
    sim = await startQuietSimulation({ tickMs: 200 });
    const config = configSchema.parse({
      checks: {
        probes: [
          {
            name: 'API Health',
            type: 'http',
            url: `${sim.urls.api}/health`,
            interval: '200ms',
            timeout: '150ms',
            failureThreshold: 1,
            exportAs: 'claude_code_api',
          },
          { name: 'Memory', type: 'memory', interval: '500ms' },
        ],
      },
      scrape: {
        jobs: [
          {
            name: 'claude-code-api',
            staticConfigs: [{ targets: [new URL(sim.urls.api).host] }],
            interval: '500ms',
          },
        ],
      },
      rules: { defaults: false, files: [rulesFile] },
      reports: { schedules: [] },
      maintenance: { schedule: null },
    });
    agent = await startTestAgent(config);
    agent.agent.bus.on('check.result', (r) => results.push(r));
    await sleep(1000);
    from = Date.now();
    await sleep(2000);
    outageFrom = Date.now();
    await sim.setFaults('api=down');
    await sleep(2000);
    await sim.setFaults('none');
    outageTo = Date.now();
    await sleep(2000);
    to = Date.now();
  });
  after(async () => {
    await agent?.close();
    await sim?.stop();
    await out?.cleanup();
  });

  async function generate(format: string): Promise<GeneratedReport> {
    const res = await agent.api('/api/v1/reports.generate', {
      method: 'POST',
      body: JSON.stringify({
        period: `${new Date(from).toISOString()}..${new Date(to).toISOString()}`,
        format,
      }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as GeneratedReport;
  }

  it('counts the runs and the outage the checks saw', async () => {
    const report = JSON.parse((await generate('json')).body) as HealthReport;
    const api = report.checks.find((c) => c.name === 'API Health')!;
    const seen = results.filter(
      (r) => r.name === 'API Health' && Date.parse(r.at) >= from && Date.parse(r.at) <= to,
    );
    assert.equal(api.runs, seen.length, 'one run per check result in the period');
    assert.equal(api.failedRuns, seen.filter((r) => r.status === 'unhealthy').length);
    assert.ok(api.failedRuns >= 5, `the outage failed runs (${api.failedRuns})`);
    // The API was down for outageTo - outageFrom of the period; runs are 200 ms apart, so the
    // time-weighted figure may differ from that by about one interval at each edge.
    const expected = 1 - (outageTo - outageFrom) / (to - from);
    assert.ok(
      Math.abs(api.availability! - expected) < 0.08,
      `availability ${api.availability} vs about ${expected.toFixed(3)}`,
    );
    assert.ok(api.unknownSeconds < 0.5, 'no gaps: the check ran throughout');
    assert.equal(report.slos.find((s) => s.dimension === 'availability')!.verdict, 'missed');
    assert.ok(api.latencyMs.p95 !== null);
    assert.ok(report.resources.some((r) => r.resource === 'memory' && r.peakPercent! > 0));
    assert.equal(report.period.from, new Date(from).toISOString());
  });

  it('lists the alert the outage fired as an incident, with its start and end', async () => {
    const report = JSON.parse((await generate('json')).body) as HealthReport;
    const incident = report.incidents.find((i) => i.alertname === 'ClaudeCodeServiceDown');
    assert.ok(
      incident,
      `incidents: ${JSON.stringify(report.incidents)} timeline: ${JSON.stringify(report.timeline)}`,
    );
    assert.equal(incident.severity, 'critical');
    const start = Date.parse(incident.startsAt);
    assert.ok(start >= outageFrom && start <= outageTo, 'fired during the outage');
    assert.ok(
      incident.endsAt !== null && Date.parse(incident.endsAt) >= outageTo - 1000,
      'resolved after it',
    );
    assert.ok(
      incident.durationSeconds! > 1 && incident.durationSeconds! < 3.5,
      `lasted about the outage (${incident.durationSeconds} s)`,
    );
  });

  it('the HTML report opens in Chromium without a single network request', async () => {
    const html = await generate('html');
    const file = join(out.path, html.filename);
    writeFileSync(file, html.body);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      assert.deepEqual(requests, [pathToFileURL(file).href], 'only the file itself');
      assert.match(
        (await page.locator('[data-field=overall_status]').textContent()) ?? '',
        /HEALTHY|UNHEALTHY/,
      );
      assert.ok((await page.locator('svg[role=img]').count()) >= 2, 'inline SVG charts');
      await page
        .screenshot({ path: join('test-results', 'report-html.png'), fullPage: true })
        .catch(() => {});
    } finally {
      await browser.close();
    }
  });

  it('ccmon report writes a PDF through the running agent whose pages hold the report', async () => {
    const configFile = configForAgent(out.path, agent.dashboard.port);
    const pdf = join(out.path, 'report.pdf');
    const period = `${new Date(from).toISOString()}..${new Date(to).toISOString()}`;
    const env = { ...process.env, CCMON_DATA_DIR: agent.dataDir };
    await execCcmon(
      ['--config', configFile, 'report', '--period', period, '--format', 'pdf', '-o', pdf],
      env,
    );
    const { stdout: text } = await run('pdftotext', ['-layout', pdf, '-']);
    assert.match(text, /Claude Code health report/);
    assert.match(text, /API Health/);
    assert.match(text, /Objectives/);
    await run('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', pdf, join(out.path, 'page')]);
    const { stdout: info } = await run('pdfinfo', [pdf]);
    assert.match(info, /Pages:\s+[1-9]/);
  });

  it('refuses a bad period with 400 and says what it expects', async () => {
    const res = await agent.api('/api/v1/reports.generate', {
      method: 'POST',
      body: JSON.stringify({ period: 'soon', format: 'md' }),
    });
    assert.equal(res.status, 400);
    assert.match(
      ((await res.json()) as { error: { message: string } }).error.message,
      /expected e\.g\. 24h, 7d/,
    );
  });

  it('ccmon report says clearly when no agent is running (exit 1)', async () => {
    const configFile = join(out.path, 'nobody.yaml');
    writeFileSync(configFile, 'dashboard:\n  port: 1\n');
    await assert.rejects(
      execCcmon(['--config', configFile, 'report'], {
        ...process.env,
        CCMON_DATA_DIR: agent.dataDir,
      }),
      (err: { code: number; stderr: string }) =>
        err.code === 1 && /not answering at http:\/\/127\.0\.0\.1:1/.test(err.stderr),
    );
  });
});

describe('scheduled health reports', () => {
  it('a report job writes each format to the reports folder, listed by reports.saved', async () => {
    const config = configSchema.parse({
      checks: { probes: [{ name: 'Memory', type: 'memory', interval: '1s' }] },
      scrape: { jobs: [] },
      rules: { defaults: false },
      maintenance: { schedule: null },
      reports: {
        schedules: [
          { name: 'nightly', schedule: '0 7 * * *', period: '1h', formats: ['md', 'csv'] },
        ],
      },
    });
    const agent = await startTestAgent(config);
    try {
      const jobs = await call<
        Array<{ id: string; schedule: string | null; nextRunAt: string | null }>
      >(agent, 'jobs.list', {});
      const job = jobs.find((j) => j.id === 'report-nightly');
      assert.ok(job, `jobs: ${jobs.map((j) => j.id).join(', ')}`);
      assert.equal(job.schedule, '0 7 * * *');
      assert.match(job.nextRunAt ?? '', /T\d\d:00:00/);
      const done = await runJob(agent, 'report-nightly');
      assert.equal(done.status, 'succeeded', done.message);
      const saved = await call<
        Array<{ file: string; name: string; format: string; bytes: number }>
      >(agent, 'reports.saved', {});
      assert.deepEqual(saved.map((s) => s.format).sort(), ['csv', 'md']);
      assert.ok(
        saved.every(
          (s) =>
            s.name === 'nightly' &&
            s.bytes > 0 &&
            s.file.startsWith(join(agent.dataDir, 'reports', 'nightly')),
        ),
      );
    } finally {
      await agent.close();
    }
  });
});

describe('e-mailed scheduled reports', () => {
  it("sends the files through an alert receiver's SMTP settings", async () => {
    const smtp = await startSmtpReceiver();
    const config = configSchema.parse({
      checks: { probes: [{ name: 'Memory', type: 'memory', interval: '1s' }] },
      scrape: { jobs: [] },
      rules: { defaults: false },
      maintenance: { schedule: null },
      alerts: {
        receivers: [
          { name: 'default' },
          {
            name: 'ops',
            email: [
              {
                to: 'oncall@company.example',
                from: 'ccmon@company.example',
                smarthost: `127.0.0.1:${smtp.port}`,
                requireTls: false,
              },
            ],
          },
        ],
      },
      reports: {
        schedules: [
          {
            name: 'weekly',
            schedule: '0 7 * * 1',
            period: '1h',
            formats: ['html', 'csv'],
            email: { receiver: 'ops', to: ['admin@company.example'] },
          },
        ],
      },
    });
    const agent = await startTestAgent(config);
    try {
      const done = await runJob(agent, 'report-weekly');
      assert.equal(done.status, 'succeeded', done.message);
      assert.match(done.message, /e-mailed via receiver ops/);
      assert.equal(smtp.mails.length, 1);
      const mail = smtp.mails[0]!;
      assert.deepEqual(
        mail.to,
        ['admin@company.example'],
        'the schedule overrides the receiver recipients',
      );
      assert.match(mail.data, /Subject: \[ccmon\] weekly health report: (HEALTHY|UNHEALTHY)/);
      assert.match(mail.data, /filename=ccmon-health-report-[\d-T]+\.html/);
      assert.match(mail.data, /filename=ccmon-health-report-[\d-T]+\.csv/);
    } finally {
      await agent.close();
      await smtp.close();
    }
  });
});
