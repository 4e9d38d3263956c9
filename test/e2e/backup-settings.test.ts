/**
 * Settings › Backups in Chromium against a real agent on a real config file: a set that lists no
 * folders shows the seed's; a folder added to a set with an exclude glob is written to the file (comments kept) and the running agent's next
 * backup holds it without the excluded file; a relative folder and a retention count that is not a
 * number show their errors at the field and write nothing; a retention policy saved is the one
 * the agent's prune then applies; a passphrase kept from the dashboard (typed twice) encrypts the
 * next backup, which verifies, and is never written to the config file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import type {
  BackupFolder,
  BackupList,
  PassphraseStatus,
  PruneReport,
  VerifyResult,
} from '../../src-main/core/backup/contract.js';
import type { HeadlessAgent } from '../../src-main/http/headless.js';
import { IDLE_AGENT_YAML, requestAgent, startHeadlessOnFile } from '../helpers/agent.js';
import { launchChromium } from '../helpers/browser.js';
import { tempDir, waitFor, type TempDir } from '../helpers/ports.js';

const SHOTS = 'test-results/screenshots';

describe('backup settings in the dashboard', () => {
  let dir: TempDir;
  let agent: HeadlessAgent;
  let file = '';
  let browser: Browser;
  let page: Page;
  let etc = '';
  let sessions = '';
  const errors: string[] = [];

  const form = (name: string) => page.getByRole('form', { name });
  const saveForm = (name: string) =>
    form(name).getByRole('button', { name: 'Save and apply' }).click();
  const backupsSection = () => parse(readFileSync(file, 'utf8')).backup;
  /** One backup of the set through the API, waited for: its id. */
  const backUp = async () => {
    const before = (await requestAgent<BackupList>(agent, 'backup.list')).backups.length;
    await requestAgent(agent, 'backup.run', { set: 'claude-code' });
    return waitFor('the backup', async () => {
      const list = await requestAgent<BackupList>(agent, 'backup.list');
      return list.backups.length > before && list.backups[0]!.id;
    });
  };

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = await tempDir('ccmon-e2e-backup-settings-');
    etc = join(dir.path, 'etc-claude-code');
    sessions = join(dir.path, 'sessions');
    mkdirSync(etc);
    mkdirSync(sessions);
    writeFileSync(join(etc, 'settings.json'), '{}\n');
    writeFileSync(join(sessions, 'a.jsonl'), '{"n":1}\n');
    writeFileSync(join(sessions, 'scratch.tmp'), 'not worth keeping\n');
    ({ agent, file } = await startHeadlessOnFile(
      dir.path,
      `${IDLE_AGENT_YAML}backup:
  directory: ${join(dir.path, 'archives')} # on the second disk
  restoreTestSchedule: null
  sets:
    - name: claude-code
      schedule: null
      sources: [${etc}]
      ccmonState: false
    - { name: seed, schedule: null }
`,
    ));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(agent.signInUrl);
    await page.getByTestId('overall-status').waitFor();
    await page.goto(`${agent.dashboard.url}#/settings`);
    await page.getByRole('tab', { name: 'Backups' }).click();
  });
  after(async () => {
    await browser?.close();
    await agent?.stop();
    await dir?.cleanup();
  });

  it('adds a folder with an exclude glob: written, and in the next backup without the file', async () => {
    const set = page.getByTestId('backup-set-row-0');
    assert.equal(await set.getByLabel('Folder').inputValue(), etc);
    // A set that lists no folders shows the ones it backs up: the seed's.
    assert.deepEqual(
      await page
        .getByTestId('backup-set-row-1')
        .getByLabel('Folder')
        .evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)),
      ['/etc/claude-code', '/var/log/claude-code', '/var/lib/claude-code'],
    );
    await set.getByRole('button', { name: 'Add a folder' }).click();
    const added = page.getByTestId('backup-source-0-1');
    const written = readFileSync(file, 'utf8');

    await added.getByLabel('Folder').fill('sessions');
    await saveForm('Backup sets');
    await added.getByText(/must be an absolute path/).waitFor();
    assert.equal(readFileSync(file, 'utf8'), written, 'nothing written');

    await added.getByLabel('Folder').fill(sessions);
    await added.getByLabel('Exclude').fill('*.tmp, *.{gz,zip}');
    await saveForm('Backup sets');
    await page.getByTestId('settings-saved').getByText('Applied now: backup').waitFor();
    assert.deepEqual(backupsSection().sets[0].sources, [
      etc,
      { path: sessions, exclude: ['*.tmp', '*.{gz,zip}'] },
    ]);
    assert.match(readFileSync(file, 'utf8'), /# on the second disk/, 'comments kept');
    await page.screenshot({ path: `${SHOTS}/settings-backups.png`, fullPage: true });

    const id = await backUp();
    const listed = await requestAgent<BackupFolder>(agent, 'backup.files', {
      id,
      path: sessions,
    });
    assert.deepEqual(
      listed.entries.map((e) => e.name),
      ['a.jsonl'],
    );
  });

  it('retention: a count that is not a number shows at its field; a policy saved is applied', async () => {
    await backUp();
    await backUp();
    const archives = form('Archives');
    await archives.getByLabel('Keep last').fill('two');
    await saveForm('Archives');
    await archives.getByText(/expected a whole number of backups to keep/).waitFor();
    assert.equal(backupsSection().retention, undefined, 'nothing written');

    await archives.getByLabel('Keep last').fill('2');
    await archives.getByLabel('Keep everything within').fill('none');
    await saveForm('Archives');
    await page.getByTestId('settings-saved').waitFor();
    await waitFor('the retention written', async () => backupsSection().retention);
    assert.deepEqual(backupsSection().retention, { keepLast: 2, keepWithin: null });
    const plan = await requestAgent<PruneReport>(agent, 'backup.prunePreview');
    assert.deepEqual(
      plan.decisions.map((d) => d.keep),
      [true, true, false],
      'the two newest of three kept, the oldest would go',
    );
    // Shown again as saved (keepWithin off reads "none").
    await page.getByRole('tab', { name: 'Schedules' }).click();
    await page.getByRole('tab', { name: 'Backups' }).click();
    assert.equal(await form('Archives').getByLabel('Keep everything within').inputValue(), 'none');
    assert.equal(await form('Archives').getByLabel('Keep last').inputValue(), '2');
    assert.deepEqual(errors, []);
  });

  it('encryption: a passphrase typed twice is kept (a mismatch is not), and new backups are encrypted', async () => {
    const status = page.getByTestId('passphrase-status');
    await status.getByText('No passphrase set.').waitFor();
    const keep = page.getByRole('form', { name: 'Set a passphrase' });
    await keep.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
    await keep.getByLabel('Again').fill('correct horse batery');
    await keep.getByRole('button', { name: 'Keep passphrase' }).click();
    await page
      .getByTestId('passphrase-result')
      .getByText(/differ; nothing was kept/)
      .waitFor();
    assert.equal(
      (await requestAgent<PassphraseStatus>(agent, 'backup.passphrase')).from,
      null,
      'nothing kept',
    );

    await keep.getByLabel('Again').fill('correct horse battery');
    await keep.getByRole('button', { name: 'Keep passphrase' }).click();
    await page
      .getByTestId('passphrase-result')
      .getByText(/^Kept in /)
      .waitFor();
    await status.getByText(/^Passphrase: kept in /).waitFor();
    // Kept: the form now offers to change it, its fields cleared.
    const change = page.getByRole('form', { name: 'Change the passphrase' });
    assert.equal(await change.getByLabel('Passphrase', { exact: true }).inputValue(), '');

    const encryption = form('Encryption');
    await encryption.getByLabel('Encrypt new backups').check();
    await saveForm('Encryption');
    await waitFor('encryption written', async () => backupsSection().encryption?.enabled);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /correct horse/, 'never in the config file');

    const id = await backUp();
    const list = await requestAgent<BackupList>(agent, 'backup.list');
    assert.equal(list.backups.find((b) => b.id === id)!.encrypted, true);
    const verified = await requestAgent<VerifyResult>(agent, 'backup.verify', { id });
    assert.deepEqual([verified.ok, verified.problems], [true, []]);
    assert.deepEqual(errors, []);
  });
});
