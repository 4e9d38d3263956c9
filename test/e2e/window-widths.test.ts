/**
 * Overview and Alerts at a narrow window (900 px) and a wide one (1600 px), with the content that
 * pushed tables past the window before: a check failing with a long URL in its error, a firing
 * alert with a long unbroken name and a summary holding a URL, its detail panel open. Nothing may
 * scroll sideways and the detail panel's title must stay inside the panel.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { configSchema } from '../../src-main/core/config/schema.js';
import { startTestAgent, type TestAgent } from '../helpers/agent.js';
import { launchChromium } from '../helpers/browser.js';
import { freePort, tempDir } from '../helpers/ports.js';

const SHOTS = 'test-results/screenshots';
const LONG_NAME = 'ClaudeCodeGatewayUnreachableFromEveryProbeLocationForTenMinutes';

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
}

describe('Overview and Alerts at 900 px and 1600 px', () => {
  let agent: TestAgent;
  let browser: Browser;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = await tempDir('ccmon-e2e-widths-');
    const rules = join(dir.path, 'long.rules.yml');
    await writeFile(
      rules,
      'groups:\n  - name: long\n    interval: 1s\n    rules:\n' +
        `      - alert: ${LONG_NAME}\n        expr: vector(1)\n` +
        '        labels: { severity: critical }\n' +
        '        annotations:\n          summary: "Health endpoint down: ' +
        'https://gateway.internal.example.company.com/v1/health/deep?verbose=true&region=eu-west"\n',
    );
    // Nothing listens on this port: the check fails with the URL in its message.
    const closed = await freePort();
    agent = await startTestAgent(
      configSchema.parse({
        scrape: { jobs: [] },
        rules: { defaults: false, files: [rules] },
        alerts: {
          route: { receiver: 'default', groupWait: '100ms' },
          receivers: [{ name: 'default' }],
          desktop: { enabled: false },
        },
        checks: {
          probes: [
            {
              name: 'Gateway',
              type: 'http',
              url: `http://127.0.0.1:${closed}/healthz/with/a/long/path/segment/after/segment?query=string&more=values`,
              interval: '1s',
              timeout: '500ms',
            },
          ],
        },
      }),
    );
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await agent?.close();
    await dir?.cleanup();
  });

  for (const width of [900, 1600]) {
    it(`fits a ${width} px window`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(agent.signInUrl);
      await page.locator('[data-check="Gateway"][data-status="unhealthy"]').waitFor();
      assert.equal(await horizontalOverflow(page), 0, 'Overview scrolls sideways');
      await page.screenshot({ path: `${SHOTS}/widths-overview-${width}.png`, fullPage: true });

      await page.goto(`${agent.dashboard.url}#/alerts`);
      const row = page.locator(`[data-alert="${LONG_NAME}"]`);
      await row.waitFor({ timeout: 15_000 });
      await row.getByRole('button').click();
      const title = page.locator('#alert-title');
      await title.waitFor();
      assert.equal(await horizontalOverflow(page), 0, 'Alerts scrolls sideways');
      const panel = await page.getByTestId('alert-detail').boundingBox();
      const heading = await title.boundingBox();
      assert.ok(panel && heading);
      assert.ok(heading.x + heading.width <= panel.x + panel.width, 'title inside its panel');
      const table = await page.getByTestId('alerts').boundingBox();
      assert.ok(table);
      if (width >= 1600)
        assert.ok(table.x + table.width <= panel.x, 'the alerts table ends before the panel');
      await page.screenshot({ path: `${SHOTS}/widths-alerts-${width}.png`, fullPage: true });
      await page.close();
    });
  }
});
