/**
 * The dashboard in Chromium against a real agent watching the simulated deployment: live data
 * appears, a simulated outage turns the status red, reports download as files.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { startSimAgent, type SimAgent } from './sim-agent.js';

const SHOTS = 'test-results/screenshots';

describe('live dashboard against the simulator', () => {
  let s: SimAgent;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The seed's ClaudeCodeServiceDown rule, on a 1 s evaluation and a 2 s `for` instead of 1 m,
    // so the test sees the whole pending → firing path in seconds.
    const rules = join(tmpdir(), `ccmon-e2e-rules-${process.pid}.yml`);
    writeFileSync(
      rules,
      [
        'groups:',
        '  - name: claude_code_alerts',
        '    interval: 1s',
        '    rules:',
        '      - alert: ClaudeCodeServiceDown',
        '        expr: up{job="claude-code-api"} == 0',
        '        for: 2s',
        '        labels: { severity: critical }',
        '        annotations:',
        '          summary: Claude Code API is down',
        '          description: The Claude Code API has not answered its scrape for 2 seconds',
        '',
      ].join('\n'),
    );
    s = await startSimAgent({
      extra: {
        rules: { defaults: false, files: [rules], evaluationInterval: '1s' },
        alerts: { desktop: { enabled: false } },
      },
    });
    browser = await launchChromium();
    ctx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(s.agent.signInUrl);
    await page.getByTestId('overall-status').waitFor();
  });
  after(async () => {
    await ctx?.close();
    await browser?.close();
    await s?.close();
  });

  it('shows live check results on the five dimensions', async () => {
    await page.goto(`${s.agent.dashboard.url}#/overview`);
    const row = page.locator('tr[data-check="API Health"]');
    await row.waitFor();
    await page.locator('tr[data-check="API Health"][data-status="healthy"]').waitFor();
    assert.match(await row.locator('td.num').innerText(), /\d+ ms/);
    await page
      .getByTestId('overall-status')
      .filter({ hasText: /^Healthy$/ })
      .waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="dimension-availability"][data-status="healthy"]').waitFor();
    await page.screenshot({ path: `${SHOTS}/live-overview.png`, fullPage: true });
  });

  it('draws the eight panels from the agent store, and they update', async () => {
    await page.goto(`${s.agent.dashboard.url}#/charts`);
    await page.getByRole('radio', { name: '15 m' }).click();
    // The agent started seconds ago: a rate needs two 15 s buckets, so the first line can take
    // up to 15 s plus a scrape, and an empty chart asks again every 5 s.
    for (const id of ['request-rate', 'latency-p95', 'active-sessions', 'resources'])
      await page.locator(`section[data-panel="${id}"] canvas`).waitFor({ timeout: 30_000 });
    const sessions = page.getByTestId('stat-active-sessions');
    assert.match(await sessions.innerText(), /^\d+$/);
    // Live: a newer bucket arrives without reloading the page.
    const newest = await page
      .locator('section[data-panel="request-rate"]')
      .getAttribute('data-newest');
    assert.ok(newest, 'the chart says which bucket is newest');
    await page
      .locator(`section[data-panel="request-rate"][data-newest]:not([data-newest="${newest}"])`)
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/live-charts.png`, fullPage: true });
  });

  it('turns the status red within one interval when the API goes down, and green again after', async () => {
    await page.goto(`${s.agent.dashboard.url}#/overview`);
    // Every check result the dashboard's own event stream delivers, recorded in the page.
    // globalThis, typed by hand: this file is compiled without the DOM library.
    await page.evaluate(() => {
      type Source = { addEventListener(t: string, l: (e: { data: string }) => void): void };
      const g = globalThis as unknown as {
        checkResults: unknown[];
        EventSource: new (url: string) => Source;
      };
      g.checkResults = [];
      new g.EventSource('/api/v1/events').addEventListener('check.result', (e) =>
        g.checkResults.push(JSON.parse(e.data)),
      );
    });
    await page.waitForFunction(
      () => (globalThis as unknown as { checkResults: unknown[] }).checkResults.length > 0,
    );
    const started = Date.now();
    await s.sim.setFaults('api=down');
    await page
      .getByTestId('overall-status')
      .filter({ hasText: /^Unhealthy$/ })
      .waitFor({ timeout: 15_000 });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `# status turned Unhealthy ${seconds.toFixed(1)} s after the fault (check interval 1 s)\n`,
    );
    // Within one interval, counted in rounds rather than seconds: the first failed round of the
    // API check, at the default failureThreshold, is already 'unhealthy'.
    const results = (await page.evaluate(
      () => (globalThis as unknown as { checkResults: unknown[] }).checkResults,
    )) as {
      name: string;
      status: string;
      consecutiveFailures: number;
    }[];
    const firstFailure = results.find((r) => r.name === 'API Health' && r.status !== 'healthy');
    assert.ok(firstFailure, 'the failed round was streamed');
    assert.equal(firstFailure.status, 'unhealthy');
    assert.equal(firstFailure.consecutiveFailures, 1);
    await page.locator('tr[data-check="API Health"][data-status="unhealthy"]').waitFor();
    assert.notEqual(
      (await page.locator('tr[data-check="API Health"] td').last().innerText()).trim(),
      'none',
      'the last error is shown',
    );
    await page.screenshot({ path: `${SHOTS}/outage-overview.png`, fullPage: true });
    // …and the rule fires: the alert shows in the alerts view, with its timeline.
    await page.goto(`${s.agent.dashboard.url}#/alerts`);
    const row = page.locator('tr[data-alert="ClaudeCodeServiceDown"]');
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole('button').click();
    await page.getByTestId('timeline').waitFor();
    assert.match(
      await page.getByTestId('alert-detail').innerText(),
      /Claude Code API has not answered/,
    );
    await page.screenshot({ path: `${SHOTS}/outage-alert.png`, fullPage: true });
    await s.sim.setFaults('none');
    await page
      .getByTestId('overall-status')
      .filter({ hasText: /^Healthy$/ })
      .waitFor({ timeout: 15_000 });
  });

  it('exports a health report as a downloaded file', async () => {
    await page.goto(`${s.agent.dashboard.url}#/reports`);
    await page.getByLabel('Period').fill('1h');
    await page.getByLabel('Markdown').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export report' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.md$/);
    const text = readFileSync((await download.path())!, 'utf8');
    assert.match(text, /API Health/, 'the report covers the checks');
    await page.getByTestId('report-done').waitFor();
    await page.screenshot({ path: `${SHOTS}/reports.png`, fullPage: true });
  });

  it('shows a period error at the field', async () => {
    await page.goto(`${s.agent.dashboard.url}#/reports`);
    await page.getByLabel('Period').fill('soon');
    await page.getByRole('button', { name: 'Export report' }).click();
    await page.locator('#report-period[aria-invalid="true"]').waitFor();
    assert.match(await page.locator('#report-period-help').innerText(), /period/);
  });

  it('had no console errors', () => {
    assert.deepEqual(errors, []);
  });
});
