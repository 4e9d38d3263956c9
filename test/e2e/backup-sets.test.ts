/**
 * Backup sets changed while the Backups view is open, in Chromium against a real agent on a config
 * file: a set removed through config.update leaves the view at once (its schedule line goes with
 * its jobs, which leave jobs.list), and added again it comes back with its next run. The view
 * follows the `config.applied` event; it does not wait for its one-minute refresh.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { JobInfo } from '../../src-main/core/jobs/contract.js';
import type { HeadlessAgent } from '../../src-main/http/headless.js';
import { IDLE_AGENT_YAML, requestAgent, startHeadlessOnFile } from '../helpers/agent.js';
import { launchChromium } from '../helpers/browser.js';
import { tempDir, type TempDir } from '../helpers/ports.js';

describe('backup sets in the dashboard follow config changes', () => {
  let dir: TempDir;
  let agent: HeadlessAgent;
  let browser: Browser;
  let page: Page;
  let source = '';
  let backups = '';

  const setsShown = () =>
    page.getByTestId('backup-set').evaluateAll((els) => els.map((e) => e.getAttribute('data-set')));
  const updateSets = (sets: { name: string; schedule: string | null; sources?: string[] }[]) =>
    requestAgent(agent, 'config.update', {
      section: 'backup',
      value: {
        directory: backups,
        restoreTestSchedule: null,
        sets: sets.map((s) => ({ sources: [source], ...s, ccmonState: false })),
      },
    });
  /** The backup sets' jobs in jobs.list (maintenance and reports have theirs too). */
  const jobIds = async () =>
    (await requestAgent<JobInfo[]>(agent, 'jobs.list'))
      .map((j) => j.id)
      .filter((id) => /^(backup|restore-test)-/.test(id))
      .sort();

  before(async () => {
    dir = await tempDir('ccmon-e2e-backup-sets-');
    source = join(dir.path, 'etc-claude-code');
    backups = join(dir.path, 'archives');
    mkdirSync(source);
    writeFileSync(join(source, 'settings.json'), '{"model":"claude-sonnet-4-5"}\n');
    ({ agent } = await startHeadlessOnFile(
      dir.path,
      `${IDLE_AGENT_YAML}backup:
  directory: ${backups}
  restoreTestSchedule: null
  sets:
    - { name: config, schedule: "0 2 * * *", sources: [${source}], ccmonState: false }
    - { name: transcripts, schedule: "0 3 * * *", sources: [${source}], ccmonState: false }
`,
    ));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(agent.signInUrl);
    await page.getByTestId('overall-status').waitFor();
  });
  after(async () => {
    await browser?.close();
    await agent?.stop();
    await dir?.cleanup();
  });

  it('a removed set leaves the view and jobs.list at once; added again it is back', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${agent.dashboard.url}#/backups`);
    await page.getByTestId('backup-set').first().waitFor();
    assert.deepEqual(await setsShown(), ['config', 'transcripts']);

    await updateSets([{ name: 'config', schedule: '0 2 * * *' }]);
    await page.locator('[data-set="transcripts"]').waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(await setsShown(), ['config']);
    assert.deepEqual(await jobIds(), ['backup-config', 'restore-test-config']);

    await updateSets([
      { name: 'config', schedule: '0 2 * * *' },
      { name: 'transcripts', schedule: '0 3 * * *' },
    ]);
    const back = page.locator('[data-set="transcripts"]');
    await back.waitFor({ timeout: 10_000 });
    assert.match((await back.textContent()) ?? '', /set transcripts: next /);
    assert.deepEqual(await jobIds(), [
      'backup-config',
      'backup-transcripts',
      'restore-test-config',
      'restore-test-transcripts',
    ]);
    assert.deepEqual(errors, []);
  });

  it('backs up the chosen set, and a failed run of a set shows after a reload', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${agent.dashboard.url}#/backups`);
    await page.getByTestId('backup-set-choice').selectOption('transcripts');
    await page.getByRole('button', { name: 'Back up now' }).click();
    await page.getByTestId('backup-outcome').waitFor({ timeout: 20_000 });
    const list = await requestAgent<{ backups: { set: string }[] }>(agent, 'backup.list');
    assert.deepEqual(
      list.backups.map((b) => b.set),
      ['transcripts'],
      'the chosen set, not the first',
    );

    // config's only source goes missing: its run fails, and the page says so after a reload.
    await updateSets([
      { name: 'config', schedule: '0 2 * * *', sources: [join(dir.path, 'gone')] },
      { name: 'transcripts', schedule: '0 3 * * *' },
    ]);
    await requestAgent(agent, 'backup.run', { set: 'config' });
    const health = page.locator('[data-testid="backup-set-health"][data-set="config"]');
    for (let i = 0; i < 50 && !(await health.count()); i++) {
      await page.reload();
      await page.getByTestId('backup-set').first().waitFor();
    }
    assert.match(
      (await health.textContent()) ?? '',
      /The last backup of config failed .*nothing to back up: the source .*gone does not exist/,
    );

    // Run from the page, the failure is said once: by the set's line, not by the outcome as well.
    const runsOf = async () =>
      (await requestAgent<JobInfo[]>(agent, 'jobs.list')).find((j) => j.id === 'backup-config')!
        .lastRun?.runId;
    const before = await runsOf();
    await page.getByTestId('backup-set-choice').selectOption('config');
    // The list the page reloads on the run's backup.finished event, with that run in it: once the
    // page has it, both the outcome and the set's line had their chance to show the error.
    const reloaded = page.waitForResponse(
      async (r) =>
        r.url().endsWith('/backup.list') &&
        (await r.json()).sets.find((s: { set: string }) => s.set === 'config')?.lastRun?.runId !==
          before,
    );
    await page.getByRole('button', { name: 'Back up now' }).click();
    await reloaded;
    await page.getByRole('button', { name: 'Back up now' }).waitFor();
    const alerts = page.getByRole('alert').filter({ hasText: 'nothing to back up' });
    assert.equal(await alerts.count(), 1, (await alerts.allInnerTexts()).join(' | '));
    assert.equal(await page.getByTestId('backup-outcome').count(), 0);
    assert.deepEqual(errors, []);
  });
});
