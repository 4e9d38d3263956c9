/**
 * The Overview's scrape targets in Chromium against a real agent scraping a real exporter on
 * loopback: a target that is up but whose samples the series store refuses (its series limit)
 * shows those refusals next to the exposition warnings (a repeated series), not just a green "up".
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { configSchema } from '../../src-main/core/config/schema.js';
import type { TargetHealth } from '../../src-main/core/scrape/contract.js';
import { requestAgent, startTestAgent, type TestAgent } from '../helpers/agent.js';
import { launchChromium } from '../helpers/browser.js';

const SHOTS = 'test-results/screenshots';

// 40 series against a store limit of 10, and four series written twice.
const EXPOSITION =
  '# TYPE queue_depth gauge\n' +
  Array.from({ length: 40 }, (_, i) => `queue_depth{queue="q${i}"} ${i}\n`).join('') +
  Array.from({ length: 4 }, (_, i) => `queue_depth{queue="q${i}"} 99\n`).join('');

describe('scrape targets in the dashboard', () => {
  let exporter: Server;
  let agent: TestAgent;
  let browser: Browser;
  let page: Page;

  before(async () => {
    exporter = createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(EXPOSITION),
    );
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
    const { port } = exporter.address() as AddressInfo;
    agent = await startTestAgent(
      configSchema.parse({
        exporter: { enabled: false },
        checks: { probes: [] },
        rules: { enabled: false },
        usage: { otlp: { enabled: false }, transcripts: { enabled: false } },
        tsdb: { maxSeries: 10 },
        scrape: {
          interval: '1s',
          jobs: [{ name: 'queue-exporter', staticConfigs: [{ targets: [`127.0.0.1:${port}`] }] }],
        },
      }),
    );
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    await page.goto(agent.signInUrl);
    await page.getByTestId('overall-status').waitFor();
  });
  after(async () => {
    await browser?.close();
    await agent?.close();
    await new Promise((r) => exporter?.close(r));
  });

  it('shows the store refusals and the exposition warning of an up target', async () => {
    await page.goto(`${agent.dashboard.url}#/overview`);
    const row = page.locator('[data-target^="queue-exporter/"][data-health="up"]');
    // The table polls every 15 s; reload until the first scrape is in.
    for (let i = 0; i < 30 && !(await row.count()); i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    await row.waitFor();
    const refused = row.locator('[data-note="not-stored"]');
    await refused.first().waitFor();
    // One note for every series the limit turned away, naming the first.
    assert.equal(await refused.count(), 1);
    assert.match(
      await refused.innerText(),
      /^Not stored: series limit of 10 reached: \d+ new series not stored \(the first: queue_depth\{/,
    );
    assert.match(await refused.innerText(), /raise tsdb\.maxSeries/);
    const warning = row.locator('[data-note="exposition"]');
    assert.match(
      await warning.first().innerText(),
      /^Exposition: line 42: duplicate series .*queue="q0".* \(kept the first sample\)$/,
    );
    assert.equal(await row.locator('.badge').innerText(), 'up');
    // Past the first three notes, the rest fold away.
    const [target] = await requestAgent<TargetHealth[]>(agent, 'targets.list');
    const notes = target!.warnings.length + target!.appendErrors.length;
    assert.equal(notes, 5, JSON.stringify(target));
    assert.equal(await row.locator('summary').innerText(), `${notes - 3} more`);
    assert.equal(await row.locator('li[data-note]').count(), notes);
    mkdirSync(SHOTS, { recursive: true });
    await page.getByTestId('targets').screenshot({ path: `${SHOTS}/targets-refused.png` });
  });
});
