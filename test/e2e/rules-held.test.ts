/**
 * Rules held after a backward clock step, as the admin sees it in Chromium: a real agent in this
 * process evaluates a 1 s rule group; its wall clock (Date.now, patched before the agent is built
 * so every module reads it; timers and performance.now stay real, as with an NTP step) is set
 * back 40 s. The rule manager notices at its next tick and holds; the status snapshot carries the
 * hold, so the banner on every view, the note on the Alerts view and the until time appear. Setting
 * the clock forward again ends the hold and both go away.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { configSchema } from '../../src-main/core/config/schema.js';
import type { RulesListResult } from '../../src-main/core/rules/contract.js';
import type { StatusSnapshot } from '../../src-main/core/system/contract.js';
import { requestAgent, startTestAgent, type TestAgent } from '../helpers/agent.js';
import { launchChromium } from '../helpers/browser.js';
import { tempDir, waitFor } from '../helpers/ports.js';
import { writeRuleGroup } from '../helpers/rule-manager.js';

const SHOTS = 'test-results/screenshots';
const STEP_MS = 40_000;

describe('rules held after the clock was set back, in the dashboard', () => {
  const realNow = Date.now;
  let offset = 0;
  let agent: TestAgent;
  let browser: Browser;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    Date.now = () => realNow() + offset;
    dir = await tempDir('ccmon-e2e-held-');
    const rules = await writeRuleGroup(dir.path, 'tick', '1s', [
      { record: 'ccmon_e2e_tick', expr: 'vector(1)' },
    ]);
    agent = await startTestAgent(
      configSchema.parse({
        checks: { probes: [] },
        scrape: { jobs: [] },
        rules: { defaults: false, files: [rules] },
      }),
    );
    browser = await launchChromium();
  });
  after(async () => {
    Date.now = realNow;
    await browser?.close();
    await agent?.close();
    await dir?.cleanup();
  });

  it('shows the hold on every view and on Alerts, then clears it once the clock is back', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(agent.signInUrl);
    await page.getByTestId('overall-status').waitFor();
    assert.equal(await page.getByTestId('rules-held-banner').count(), 0, 'no banner before');

    offset = -STEP_MS;
    // The rule manager sees the step at its next 1 s tick; the snapshot follows at once.
    const held = await waitFor(
      'rules held in status.get',
      async () => (await requestAgent<StatusSnapshot>(agent, 'status.get')).rulesHeld ?? null,
      10_000,
    );
    const listed = await requestAgent<RulesListResult>(agent, 'rules.list');
    assert.deepEqual(listed.held, held, 'status.get says what rules.list says');
    assert.match(held.reason, /set back by 4\d s/);

    // The banner comes with the next `status` event (the system tick, 5 s).
    const banner = page.getByTestId('rules-held-banner');
    await banner.waitFor({ timeout: 15_000 });
    const text = (await banner.textContent()) ?? '';
    assert.match(text, /Alert rules are on hold until \d{1,2}:\d\d:\d\d/);
    assert.match(text, /set back by 4\d s/);
    await page.screenshot({ path: `${SHOTS}/rules-held-overview.png` });

    await page.goto(`${agent.dashboard.url}#/alerts`);
    const note = page.getByTestId('alerts-held');
    await note.waitFor();
    assert.match(
      (await note.textContent()) ?? '',
      /Rules are not evaluated until .*no alert fires/,
    );
    await page.screenshot({ path: `${SHOTS}/rules-held-alerts.png` });

    offset = 0; // the clock is back past the newest sample: evaluation resumes
    await waitFor(
      'the hold to end',
      async () => (await requestAgent<StatusSnapshot>(agent, 'status.get')).rulesHeld == null,
      10_000,
    );
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await note.waitFor({ state: 'detached', timeout: 5_000 });
    assert.deepEqual(errors, [], 'no console errors');
  });
});
