/**
 * Settings and the pause switch in Chromium against a real agent with a real config file, watching
 * the simulator: a bad value shows its error at the field and saves nothing; a good one is written
 * (comments kept) and the running agent uses it; tabs work from the keyboard; pausing shows the
 * paused banner and status, and Resume brings monitoring back.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { CheckSummary } from '../../src-main/core/checks/contract.js';
import type { TargetHealth } from '../../src-main/core/scrape/contract.js';
import { loadConfig } from '../../src-main/core/config/load.js';
import { silentLogger } from '../../src-main/core/log.js';
import { startHeadless, type HeadlessAgent } from '../../src-main/http/headless.js';
import type { Simulation } from '../../src-main/simulator/index.js';
import { startQuietSimulation } from '../helpers/simulation.js';
import { requestAgent } from '../helpers/agent.js';
import { launchChromium } from '../helpers/browser.js';
import { tempDir, waitFor, type TempDir } from '../helpers/ports.js';

const SHOTS = 'test-results/screenshots';

describe('settings in Chromium', () => {
  let sim: Simulation;
  let dir: TempDir;
  let file: string;
  let agent: HeadlessAgent;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const checks = () => requestAgent<CheckSummary[]>(agent, 'checks.list');
  const targets = () => requestAgent<TargetHealth[]>(agent, 'targets.list');

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sim = await startQuietSimulation();
    dir = await tempDir('ccmon-e2e-settings-');
    file = join(dir.path, 'ccmon.yaml');
    await writeFile(
      file,
      `# ccmon for the e2e test
exporter: { enabled: false }
usage: { otlp: { enabled: false }, transcripts: { enabled: false } }
rules: { defaults: false }
scrape: { jobs: [] }
checks:
  probes:
    - name: API Health # pages the on-call
      type: http
      url: ${sim.urls.api}/health
      interval: 1s
    - name: LLM Gateway
      type: http
      url: ${sim.urls.gateway}/health/liveliness
      interval: 1s
`,
    );
    agent = await startHeadless({
      loaded: await loadConfig(file),
      dataDir: join(dir.path, 'data'),
      logger: silentLogger,
      port: 0,
    });
    browser = await launchChromium();
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(agent.signInUrl);
    await page.getByTestId('overall-status').waitFor();
  });
  after(async () => {
    await browser?.close();
    await agent?.stop();
    await sim?.stop();
    await dir?.cleanup();
  });

  it('shows a bad value at its field, saves nothing, then saves a good one the agent applies', async () => {
    await page.goto(`${agent.dashboard.url}#/settings`);
    await page.getByTestId('check-row-0').waitFor();
    assert.match(await page.getByTestId('config-file').innerText(), /ccmon\.yaml/);
    const interval = page.locator('input[data-path="checks.probes.0.interval"]');
    assert.equal(await interval.inputValue(), '1s');
    const before = await readFile(file, 'utf8');

    await interval.fill('soon');
    // Leaving the field checks it at once, before any save.
    await interval.press('Tab');
    await page
      .locator('input[data-path="checks.probes.0.interval"][aria-invalid="true"]')
      .waitFor();
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page.getByTestId('save-result').waitFor();
    const err = page.locator('#f-checks-probes-0-interval-err');
    assert.match(await err.innerText(), /'soon' is not a duration/);
    assert.match(await page.getByTestId('save-result').innerText(), /Not saved: 1 problem/);
    await page.screenshot({ path: `${SHOTS}/settings-field-error.png`, fullPage: true });
    assert.equal(await readFile(file, 'utf8'), before, 'nothing written');

    // Keyboard only: fix the value, submit with Enter.
    await interval.fill('2s');
    await interval.press('Enter');
    await page.getByTestId('settings-saved').waitFor();
    assert.match(await page.getByTestId('settings-saved').innerText(), /Applied now: checks/);
    const text = await readFile(file, 'utf8');
    assert.match(text, /- name: API Health # pages the on-call/);
    assert.match(text, /interval: 2s/);
    await waitFor('the agent to run the check every 2 s', async () =>
      (await checks()).find((c) => c.name === 'API Health' && c.intervalMs === 2000),
    );
    await page.screenshot({ path: `${SHOTS}/settings.png`, fullPage: true });
  });

  it('moves between sections with the arrow keys and shows each', async () => {
    await page.goto(`${agent.dashboard.url}#/settings`);
    const checksTab = page.getByRole('tab', { name: 'Checks' });
    await checksTab.focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: 'Scrape targets', selected: true }).waitFor();
    // The file sets no scrape jobs: an empty state, not a blank panel.
    await page.getByText('No scrape targets').waitFor();
    await page.keyboard.press('ArrowRight');
    // No backup section in the file: the built-in set, its first folder the seed's.
    await page.locator('input[data-path="backup.sets.0.sources.0.path"]').waitFor();
    assert.equal(
      await page.locator('input[data-path="backup.sets.0.sources.0.path"]').inputValue(),
      '/etc/claude-code',
    );
    await page.keyboard.press('ArrowRight');
    await page.locator('input[data-path="maintenance.schedule"]').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.locator('input[data-path="alerts.receivers.0.name"]').waitFor();
  });

  it('adds a scrape job: a bad target shows at the targets field, a good one is scraped at once', async () => {
    await page.goto(`${agent.dashboard.url}#/settings`);
    await page.getByRole('tab', { name: 'Scrape targets' }).click();
    await page.getByText('No scrape targets').waitFor();
    await page.getByRole('button', { name: 'Add a scrape job' }).click();
    await page.getByTestId('job-row-0').waitFor();
    await page.locator('input[data-path="scrape.jobs.0.name"]').fill('llm-gateway');
    const targetsField = page.locator('input[data-path="scrape.jobs.0.staticConfigs.0.targets"]');
    await targetsField.fill('http://not a host');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page
      .locator('input[data-path="scrape.jobs.0.staticConfigs.0.targets"][aria-invalid="true"]')
      .waitFor();
    assert.match(await page.getByTestId('save-result').innerText(), /Not saved/);
    await targetsField.fill(new URL(sim.urls.gateway).host);
    await page.locator('input[data-path="scrape.jobs.0.interval"]').fill('1s');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    // The banner of the earlier save may still show: wait for this one's.
    await page
      .getByTestId('settings-saved')
      .filter({ hasText: /scrape/ })
      .waitFor();
    assert.match(await readFile(file, 'utf8'), /name: llm-gateway/);
    await waitFor('the new job to be scraped', async () =>
      (await targets()).find((t) => t.job === 'llm-gateway' && t.health === 'up'),
    );
  });

  it('a config file broken by hand shows a designed error with the line, not a blank view', async () => {
    const good = await readFile(file, 'utf8');
    await writeFile(file, `${good}\nchecks: [\n`);
    try {
      await page.goto(`${agent.dashboard.url}#/settings`);
      await page.reload();
      const alert = page.locator('.state-error');
      await alert.waitFor();
      assert.match(await alert.innerText(), /Could not load the configuration/);
      assert.match(await alert.innerText(), /line \d+|ccmon\.yaml/);
      await page.getByRole('button', { name: 'Try again' }).waitFor();
    } finally {
      await writeFile(file, good);
    }
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('check-row-0').waitFor();
  });

  it('a receiver changed under Notifications is applied at once, not at the next start', async () => {
    await page.goto(`${agent.dashboard.url}#/settings`);
    await page.getByRole('tab', { name: 'Notifications' }).click();
    const form = page.locator('form[aria-labelledby="settings-receivers"]');
    assert.doesNotMatch(await form.innerText(), /next start/);
    const hook = 'http://127.0.0.1:9/ccmon-hook';
    await form
      .locator('textarea[data-path="alerts.receivers.0.channels"]')
      .fill(JSON.stringify({ webhook: [{ url: hook }] }));
    await form.getByRole('button', { name: 'Save and apply' }).click();
    const banner = page.getByTestId('settings-saved').filter({ hasText: /Applied now: .*alerts/ });
    await banner.waitFor();
    assert.doesNotMatch(await banner.innerText(), /alerts takes? effect at the next start/);
    const view = await requestAgent<{
      effective: { alerts: { receivers: { webhook: { url: string }[] }[] } };
    }>(agent, 'config.get');
    assert.equal(view.effective.alerts.receivers[0]!.webhook[0]!.url, hook);
  });

  it('pauses from the dashboard: banner and paused status; Resume brings monitoring back', async () => {
    await page.goto(`${agent.dashboard.url}#/overview`);
    await page.locator('#pause-for').selectOption('');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByTestId('paused-banner').waitFor();
    assert.match(
      await page.getByTestId('paused-banner').innerText(),
      /until resumed \(by dashboard\)/,
    );
    await page
      .getByTestId('overall-status')
      .filter({ hasText: /^Paused$/ })
      .waitFor();
    await page.screenshot({ path: `${SHOTS}/paused.png`, fullPage: true });
    await page.getByRole('button', { name: 'Resume monitoring' }).click();
    await page.getByTestId('paused-banner').waitFor({ state: 'detached' });
    await page
      .getByTestId('overall-status')
      .filter({ hasText: /^Healthy$/ })
      .waitFor({ timeout: 15_000 });
    assert.deepEqual(errors, []);
  });
});
