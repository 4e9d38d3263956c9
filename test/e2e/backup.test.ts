/**
 * One-click backup with progress, verify, and a restore that shows its dry-run diff and needs the
 * backup id typed back, in Chromium against a real agent backing up a real folder.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { tempDir, type TempDir } from '../helpers/ports.js';
import { startSimAgent, type SimAgent } from './sim-agent.js';

const SHOTS = 'test-results/screenshots';

describe('backups in the dashboard', () => {
  let dir: TempDir;
  let s: SimAgent;
  let browser: Browser;
  let page: Page;
  let source: string;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = await tempDir('ccmon-e2e-backup-');
    source = join(dir.path, 'etc-claude-code');
    mkdirSync(join(source, 'data'), { recursive: true });
    writeFileSync(join(source, 'settings.json'), '{"model":"claude-sonnet-4-5"}\n');
    // Enough incompressible bytes that the archive takes a moment and reports progress.
    for (let i = 0; i < 24; i++)
      writeFileSync(join(source, 'data', `blob-${i}.bin`), randomBytes(2 * 1024 * 1024));
    // A second name of one blob: a restore makes it a link again, and its dry run says so.
    linkSync(join(source, 'data', 'blob-0.bin'), join(source, 'data', 'blob-0-link.bin'));
    s = await startSimAgent({
      extra: {
        backup: {
          directory: join(dir.path, 'archives'),
          sets: [
            {
              name: 'claude-code',
              schedule: null,
              sources: [source],
            },
          ],
          restoreTestSchedule: null,
          restore: { stopCommand: null, startCommand: null, activeCommand: null, settleSeconds: 0 },
        },
      },
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(s.agent.signInUrl);
    await page.getByTestId('overall-status').waitFor();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await dir?.cleanup();
  });

  /**
   * Opens the restore panel of the first backup taken (the last row: newest first), closing the
   * one open; its id.
   */
  async function openRestoreOfFirst(): Promise<string> {
    const id = (await page
      .locator('table[data-testid="backups"] tbody tr')
      .last()
      .getAttribute('data-backup'))!;
    await page.getByRole('button', { name: 'Close' }).click();
    await page.locator(`tr[data-backup="${id}"]`).getByRole('button', { name: 'Restore…' }).click();
    return id;
  }

  it('backs up with one click, showing progress until it completes', async () => {
    await page.goto(`${s.agent.dashboard.url}#/backups`);
    await page.getByText('No backups yet.').waitFor();
    await page.getByRole('button', { name: 'Back up now' }).click();
    const progress = page.getByTestId('backup-progress');
    await progress.waitFor();
    await page.screenshot({ path: `${SHOTS}/backup-progress.png`, fullPage: true });
    await page.getByTestId('backup-outcome').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('backup-outcome').innerText(), /^✓/);
    await page.locator('table[data-testid="backups"] tbody tr').first().waitFor();
    assert.equal(await page.locator('table[data-testid="backups"] tbody tr').count(), 1);
  });

  it('verifies the archive against its manifest', async () => {
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText(/OK: \d+ files match the manifest/).waitFor({ timeout: 30_000 });
  });

  it('shows the dry-run diff, and restores only after the id is typed back', async () => {
    writeFileSync(join(source, 'settings.json'), '{"model":"changed-by-mistake"}\n');
    writeFileSync(join(source, 'stray.txt'), 'not in the backup\n');
    const id = (await page
      .locator('table[data-testid="backups"] tbody tr')
      .first()
      .getAttribute('data-backup'))!;
    await page.getByRole('button', { name: 'Restore…' }).click();
    const diff = page.getByTestId('restore-diff');
    await diff.waitFor({ timeout: 30_000 });
    const text = await diff.innerText();
    assert.match(text, /~ .*settings\.json/, 'the changed file is listed');
    assert.match(
      await page.getByTestId('restore-summary').innerText(),
      /1 changed, .* unchanged; 1 hard link kept\.$/,
    );
    await page.screenshot({ path: `${SHOTS}/restore-dry-run.png`, fullPage: true });
    const restore = page.getByRole('button', { name: 'Restore', exact: true });
    assert.equal(await restore.isDisabled(), true, 'disabled until the id is typed');
    await page.getByLabel(/Type the backup id/).fill(id.slice(0, -1));
    assert.equal(await restore.isDisabled(), true);
    await page.getByLabel(/Type the backup id/).fill(id);
    await restore.click();
    await page.getByTestId('restore-result').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('restore-result').innerText(), /^✓/);
    assert.equal(
      readFileSync(join(source, 'settings.json'), 'utf8'),
      '{"model":"claude-sonnet-4-5"}\n',
    );
  });

  it('restores only the paths given into another folder, after its own dry run', async () => {
    writeFileSync(join(source, 'settings.json'), '{"model":"broken again"}\n');
    const id = await openRestoreOfFirst();
    await page.getByTestId('restore-diff').waitFor({ timeout: 30_000 });
    const folder = join(dir.path, 'recovered');
    const settings = join(source, 'settings.json');
    await page.getByLabel(/Only these files or folders/).fill(settings);
    await page.getByLabel('Into folder').fill(folder);
    await page.getByRole('button', { name: 'Show the dry run' }).click();
    const summary = page.getByTestId('restore-summary');
    await summary.filter({ hasText: folder }).waitFor({ timeout: 30_000 });
    assert.match(await summary.innerText(), /\(only .*settings\.json\): \d+ added/);
    assert.match(
      await page.getByTestId('restore-diff').innerText(),
      /\+ .*recovered.*settings\.json/,
    );
    assert.doesNotMatch(await page.getByTestId('restore-diff').innerText(), /blob-/);
    await page.screenshot({ path: `${SHOTS}/restore-part.png`, fullPage: true });
    await page.getByLabel(/Type the backup id/).fill(id);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByTestId('restore-result').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('restore-result').innerText(), /^✓ restored 1 files/);
    assert.equal(readFileSync(join(folder, settings), 'utf8'), '{"model":"claude-sonnet-4-5"}\n');
    assert.equal(existsSync(join(folder, source, 'data')), false);
    assert.equal(
      readFileSync(settings, 'utf8'),
      '{"model":"broken again"}\n',
      'live file untouched',
    );
  });

  it('restores only the paths chosen from the backup’s files in place, leaving the rest as it is', async () => {
    const settings = join(source, 'settings.json');
    writeFileSync(join(source, 'data', 'new.bin'), 'outside the chosen path\n');
    const id = await openRestoreOfFirst();
    await page.getByTestId('restore-diff').waitFor({ timeout: 30_000 });
    // Chosen from the backup's files: its top is the source folder, opened by its name.
    await page.getByRole('button', { name: 'Choose from the backup’s files…' }).click();
    const browser = page.getByTestId('backup-browser');
    await browser.getByRole('button', { name: `${source}/` }).click();
    await browser.getByRole('button', { name: 'data/' }).waitFor();
    await browser.getByLabel(`restore ${settings}`).check();
    assert.equal(await page.getByLabel(/Only these files or folders/).inputValue(), settings);
    await page.screenshot({ path: `${SHOTS}/restore-browse.png`, fullPage: true });
    await page.getByRole('button', { name: 'Show the dry run' }).click();
    const summary = page.getByTestId('restore-summary');
    await summary.filter({ hasText: '(only' }).waitFor({ timeout: 30_000 });
    assert.match(
      await summary.innerText(),
      /in place.*\(only .*settings\.json\): 0 added, 1 changed, 0 removed/,
    );
    await page.getByLabel(/Type the backup id/).fill(id);
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByTestId('restore-result').waitFor({ timeout: 60_000 });
    assert.match(
      await page.getByTestId('restore-result').innerText(),
      /^✓ restored .* in place \(only .*settings\.json\)/,
    );
    assert.equal(readFileSync(settings, 'utf8'), '{"model":"claude-sonnet-4-5"}\n');
    assert.equal(existsSync(join(source, 'data', 'new.bin')), true, 'outside the part: kept');
  });

  it('narrows a folder of the backup by name in the file browser', async () => {
    await openRestoreOfFirst();
    await page.getByRole('button', { name: 'Choose from the backup’s files…' }).click();
    const browser = page.getByTestId('backup-browser');
    await browser.getByRole('button', { name: `${source}/` }).click();
    await browser.getByRole('button', { name: 'data/' }).click();
    await browser.getByLabel(`restore ${join(source, 'data', 'blob-23.bin')}`).waitFor();
    // The walk sorts names, so blob-0-link.bin came first and blob-0.bin is its link.
    assert.match(
      await browser.locator('tbody tr', { hasText: 'blob-0.bin' }).innerText(),
      /blob-0\.bin \(hard link of .*\/data\/blob-0-link\.bin\)/,
    );
    await browser.getByLabel('Names containing').fill('BLOB-2');
    const rows = browser.locator('tbody tr');
    // blob-2.bin and blob-20 … blob-23.bin, of 24 blobs.
    await browser.getByText('blob-1.bin', { exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual(
      (await rows.allInnerTexts()).map((t) => t.split('\t')[1]),
      ['blob-2.bin', 'blob-20.bin', 'blob-21.bin', 'blob-22.bin', 'blob-23.bin'],
    );
    await browser.getByLabel('Names containing').fill('nothing-like-this');
    await browser.getByText('No names here contain “nothing-like-this”.').waitFor();
    await page.screenshot({ path: `${SHOTS}/restore-browse-filter.png`, fullPage: true });
  });

  it(
    'does not offer a restore that would not fit, and offers it once there is room',
    { skip: process.getuid?.() !== 0 && 'mounting a small file system needs root' },
    async () => {
      // Into a 1 MiB file system with room for 7 more entries: the backup's 50 MiB (a hard link is
      // written whole before it is linked again) and ~30 entries fit neither way.
      const small = join(dir.path, 'small-disk');
      mkdirSync(small);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,nr_inodes=8', 'tmpfs', small]);
      try {
        const id = await openRestoreOfFirst();
        await page.getByTestId('restore-diff').waitFor({ timeout: 30_000 });
        await page.getByLabel('Into folder').fill(small);
        await page.getByRole('button', { name: 'Show the dry run' }).click();
        const space = page.getByTestId('restore-space');
        await space.waitFor({ timeout: 30_000 });
        assert.match(
          await space.innerText(),
          /^It would not fit on the file system of .*small-disk.*: it writes 50\.\d MiB where .* is free; it makes \d+ files and folders where there is room for 7\.$/,
        );
        await page.screenshot({ path: `${SHOTS}/restore-no-room.png`, fullPage: true });
        // The restore is not offered while the dry run says it cannot fit (it would be refused).
        await page.getByLabel(/Type the backup id/).fill(id);
        const restore = page.getByRole('button', { name: 'Restore', exact: true });
        assert.equal(await restore.isDisabled(), true);
        await page.getByTestId('restore-blocked').waitFor();
        assert.deepEqual(readdirSync(small), []);
        // Room made: a new dry run offers it again, and it restores.
        execFileSync('mount', ['-o', 'remount,size=64m,nr_inodes=1000', small]);
        await page.getByRole('button', { name: 'Show the dry run' }).click();
        await page.getByTestId('restore-diff').waitFor({ timeout: 30_000 });
        assert.equal(await space.count(), 0);
        await page.getByLabel(/Type the backup id/).fill(id);
        await restore.click();
        await page.getByTestId('restore-result').waitFor({ timeout: 60_000 });
        assert.match(await page.getByTestId('restore-result').innerText(), /^✓/);
        assert.equal(readdirSync(small).length > 0, true);
      } finally {
        execFileSync('umount', [small]);
      }
    },
  );

  it('pages through a folder of more than a thousand entries in the file browser', async () => {
    mkdirSync(join(source, 'sessions'));
    for (let i = 0; i < 1005; i++)
      writeFileSync(join(source, 'sessions', `s-${String(i).padStart(4, '0')}.jsonl`), `${i}\n`);
    const rows = page.locator('table[data-testid="backups"] tbody tr');
    const before = await rows.count();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Back up now' }).click();
    await rows.nth(before).waitFor({ timeout: 60_000 });
    await rows.first().getByRole('button', { name: 'Restore…' }).click(); // the newest
    await page.getByRole('button', { name: 'Choose from the backup’s files…' }).click();
    const browser = page.getByTestId('backup-browser');
    await browser.getByRole('button', { name: `${source}/` }).click();
    await browser.getByRole('button', { name: 'sessions/' }).click();
    const pages = browser.getByTestId('backup-browser-pages');
    await pages.getByText('1–1000 of 1005').waitFor();
    assert.equal(await pages.getByRole('button', { name: 'Previous' }).isDisabled(), true);
    await pages.getByRole('button', { name: 'Next' }).click();
    await pages.getByText('1001–1005 of 1005').waitFor();
    assert.deepEqual(
      (await browser.locator('tbody tr').allInnerTexts()).map((t) => t.split('\t')[1]),
      ['s-1000.jsonl', 's-1001.jsonl', 's-1002.jsonl', 's-1003.jsonl', 's-1004.jsonl'],
    );
    assert.equal(await pages.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await pages.getByRole('button', { name: 'Previous' }).click();
    await pages.getByText('1–1000 of 1005').waitFor();
  });

  it('shows what changed since the previous backup, or since one chosen, a page at a time', async () => {
    /** A file's time as the table shows it (UTC, to the second). */
    const shown = (path: string) =>
      statSync(join(source, path)).mtime.toISOString().replace('T', ' ').slice(0, 19);
    const removedAt = shown('sessions/s-0000.jsonl');
    rmSync(join(source, 'sessions', 's-0000.jsonl'));
    writeFileSync(join(source, 'settings.json'), '{"model":"claude-opus-4-1"}\n');
    writeFileSync(join(source, 'notes.txt'), 'twelve bytes');
    const rows = page.locator('table[data-testid="backups"] tbody tr');
    const before = await rows.count();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Back up now' }).click();
    await rows.nth(before).waitFor({ timeout: 60_000 });
    const previous = (await rows.nth(1).getAttribute('data-backup'))!;
    const first = (await rows.last().getAttribute('data-backup'))!;
    await rows.first().getByRole('button', { name: 'Changes…' }).click();

    const changes = page.getByTestId('backup-changes');
    const since = changes.getByLabel('Compared with');
    assert.equal(await since.inputValue(), previous, 'the previous backup of the set');
    const summary = changes.getByTestId('backup-changes-summary');
    await summary.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/backup-changes.png`, fullPage: true });
    // The set holds ccmon's own state too (config, alert history), which moves between backups.
    assert.match(
      await summary.innerText(),
      /^1 added \(12 B\), 1 removed \(2 B\), \d+ changed, 0 in mode\/owner\/time only, \d+ unchanged\.$/,
    );
    const rowsOf = async (below: string) =>
      (await changes.locator('tbody tr').allInnerTexts()).filter((r) =>
        r.split('\t')[1]!.startsWith(below),
      );
    // In path order: the removal where the file was, between the other two.
    assert.deepEqual(await rowsOf(source), [
      `added\t${source}/notes.txt\t12 B\t${shown('notes.txt')}`,
      `removed\t${source}/sessions/s-0000.jsonl\t2 B\t${removedAt}`,
      `changed\t${source}/settings.json\t28 B\t${shown('settings.json')}`,
    ]);

    // Since the first backup: the 1,005 session files and more, over pages of 500.
    await since.selectOption(first);
    const pages = changes.getByTestId('backup-changes-pages');
    await pages.getByText(/^1–500 of \d+$/).waitFor({ timeout: 30_000 });
    assert.match(await summary.innerText(), /^10\d\d added/);
    await pages.getByRole('button', { name: 'Next' }).click();
    await pages.getByText(/^501–1000 of \d+$/).waitFor();
    assert.equal(await changes.locator('tbody tr').count(), 500);
    await changes.getByRole('button', { name: 'Close' }).click();
    assert.equal(await changes.count(), 0);
  });
});
