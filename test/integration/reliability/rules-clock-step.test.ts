/**
 * The wall clock set back while rules run (issue 10: "clock jumps … no false alerts"). The real
 * rule manager, the real series store and real rule files, on a fake clock
 * (@sinonjs/fake-timers: Date, timers and performance.now move together, and setSystemTime steps
 * Date alone, as an NTP step does). Samples are appended at Date.now() every 15 s the way the
 * scrape loop stamps them, so the store refuses them while the clock is behind its newest.
 *
 * - `absent(up{job="api"})` with `for: 1m`, the series 2 min old, the clock stepped −10 min: no
 *   alert, the manager says why it holds; a real absence afterwards fires. A control manager
 *   that cannot see the step (an injected clock) fires falsely on the same data.
 * - BackupStale from ccmon's default rules with the real backup metrics and job scheduler,
 *   clock stepped +2 h (over the 03:00 slot) and −10 min (just after it): no BackupStale, the
 *   backup age never negative, the slot run exactly once.
 */
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { install } from '@sinonjs/fake-timers';
import { Registry } from 'prom-client';
import { registerBackupMetrics } from '../../../src-main/core/backup/metrics.js';
import { JobScheduler } from '../../../src-main/core/jobs/scheduler.js';
import { renderTextFormat } from '../../../src-main/core/metrics/render.js';
import { parseExposition } from '../../../src-main/core/scrape/exposition.js';
import { createSeriesStore, type SeriesStore } from '../../../src-main/core/tsdb/index.js';
import { tempDir } from '../../helpers/ports.js';
import { loadRuleManager, writeRuleGroup } from '../../helpers/rule-manager.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const FAKED = ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'];

let clock: ReturnType<typeof install> | null = null;
afterEach(() => {
  clock?.uninstall();
  clock = null;
});

/** A rule manager on `files` over `store`; `injectedNow` makes it blind to clock steps. */
const managerFor = (
  files: string[],
  store: SeriesStore,
  dataDir: string,
  injectedNow?: () => number,
) => loadRuleManager({ files, store, dataDir, now: injectedNow });

describe('rules across a backward step of the wall clock', () => {
  it('absent() with for: 1m: no alert through a −10 min step; a real absence fires after', async () => {
    clock = install({ now: Date.UTC(2026, 10, 22, 10, 0, 0), toFake: FAKED as never });
    const dir = await tempDir('ccmon-rules-step-');
    try {
      const file = await writeRuleGroup(dir.path, 'presence', '15s', [
        { alert: 'ApiAbsent', expr: 'absent(up{job="api"})', for: '1m' },
      ]);
      const store = createSeriesStore();
      const control = createSeriesStore();
      let scraping = true;
      const up = Object.freeze({ __name__: 'up', job: 'api', instance: 'api:8080' });
      const scrapeOnce = () => {
        if (!scraping) return;
        store.append(up, Date.now(), 1);
        control.append(up, Date.now(), 1);
      };
      scrapeOnce();
      const scrape = setInterval(scrapeOnce, 15_000);
      const held = await managerFor([file], store, join(dir.path, 'held'));
      // The control: an injected clock, which the manager does not check for steps.
      const blind = await managerFor([file], control, join(dir.path, 'blind'), () => Date.now());
      held.manager.start();
      blind.manager.start();
      try {
        await clock.tickAsync(2 * MIN); // the api series is 2 minutes old
        assert.equal(held.changes.length, 0);
        const before = Date.now();
        clock.setSystemTime(before - 10 * MIN); // NTP steps the clock back
        await clock.tickAsync(MIN);
        const view = held.manager.list().held;
        assert.ok(view, 'rules.list says evaluation is held');
        assert.ok(Math.abs(Date.parse(view.until) - before) < 20_000, `until ${view.until}`);
        assert.match(view.reason, /clock was set back by 600 s/);
        await clock.tickAsync(12 * MIN); // the hold, then evaluation on fresh samples again
        assert.equal(held.manager.list().held, null, 'evaluation resumed');
        assert.equal(held.sent.length, 0, 'no alert sent');
        assert.equal(held.changes.length, 0, 'no alert even pending');
        const rule = held.manager.list().groups[0]!.rules[0]!;
        assert.ok(Date.parse(rule.lastEvaluation!) > before, 'evaluating again after catch-up');
        assert.ok(
          blind.sent.some((a) => a.labels.alertname === 'ApiAbsent'),
          'without the hold the same step fires ApiAbsent falsely (the scenario is real)',
        );

        scraping = false; // a real absence: 5 min lookback, then 1 min of `for`
        await clock.tickAsync(4 * MIN);
        assert.equal(held.sent.length, 0, 'still within the lookback');
        await clock.tickAsync(3 * MIN);
        const fired = held.sent.filter((a) => a.labels.alertname === 'ApiAbsent');
        assert.equal(fired.length, 1, 'the real absence fires');
        assert.deepEqual(
          held.changes.map((c) => c.to),
          ['pending', 'firing'],
        );
      } finally {
        clearInterval(scrape);
        held.manager.stop();
        blind.manager.stop();
      }
    } finally {
      await dir.cleanup();
    }
  });

  it('a firing alert stays firing through a −10 min step: re-sent on its cadence, never resolved', async () => {
    clock = install({ now: Date.UTC(2026, 10, 22, 10, 0, 0), toFake: FAKED as never });
    const dir = await tempDir('ccmon-rules-firing-');
    try {
      const file = await writeRuleGroup(dir.path, 'up', '15s', [
        { alert: 'ApiUp', expr: 'up{job="api"} == 1' },
      ]);
      const store = createSeriesStore();
      const up = Object.freeze({ __name__: 'up', job: 'api' });
      store.append(up, Date.now(), 1);
      const scrape = setInterval(() => store.append(up, Date.now(), 1), 15_000);
      const r = await managerFor([file], store, dir.path);
      r.manager.start();
      try {
        await clock.tickAsync(2 * MIN);
        clock.setSystemTime(Date.now() - 10 * MIN);
        const stepped = r.sent.length;
        await clock.tickAsync(12 * MIN);
        const after = r.sent
          .slice(stepped)
          .map((a, i) => ({ at: r.sentAt[stepped + i]!, endsAt: Date.parse(a.endsAt ?? '') }));
        // resendDelay 1m at a 15 s interval: every 75 s (due once more than 1m has passed).
        assert.ok(after.length >= 9, `re-sent through the hold (${after.length})`);
        assert.ok(
          after.every((x) => x.endsAt > x.at + MIN),
          'every re-send still firing (endsAt ahead)',
        );
        assert.deepEqual(
          r.changes.map((c) => c.to),
          ['firing'],
          'fired once, never resolved',
        );
      } finally {
        clearInterval(scrape);
        r.manager.stop();
      }
    } finally {
      await dir.cleanup();
    }
  });

  /**
   * The backup-stale setting: ccmon's default rule file, the backup module's real gauges (scraped
   * into the store every 15 s, as Prometheus scrapes ccmon's exporter), a recording rule of the
   * backup's age and the job scheduler's daily 03:00 backup. Every append is recorded.
   */
  async function backupSetting(startAt: number, lastSuccessAt: number) {
    clock = install({ now: startAt, toFake: FAKED as never });
    const dir = await tempDir('ccmon-backup-step-');
    const defaults = join(dir.path, 'ccmon.rules.yml');
    await copyFile(
      new URL('../../../src-main/core/rules/defaults/ccmon.rules.yml', import.meta.url),
      defaults,
    );
    const age = await writeRuleGroup(dir.path, 'backup_age', '1m', [
      {
        record: 'ccmon:backup_age_seconds',
        expr: 'time() - ccmon_backup_last_success_timestamp_seconds',
      },
    ]);
    const store = createSeriesStore();
    const appends: Array<{ name: string; t: number; v: number }> = [];
    const appender = {
      append: (labels: Record<string, string>, t: number, v: number) => {
        appends.push({ name: labels.__name__ ?? '', t, v });
        store.append(labels, t, v);
      },
      markStale: (labels: Record<string, string>, t: number) => store.markStale(labels, t),
    };
    const registry = new Registry();
    const backupState = {
      lastSuccess: new Map([
        ['app', { timestampSeconds: lastSuccessAt / 1000, durationSeconds: 4, sizeBytes: 1e6 }],
      ]),
      restoreTests: new Map(),
    };
    registerBackupMetrics(registry, backupState);
    const selfScrape = async () => {
      const at = Date.now();
      for (const s of parseExposition(await renderTextFormat(registry)).samples)
        store.append(s.labels, at, s.value);
    };
    await selfScrape();
    const scrapes = setInterval(() => void selfScrape(), 15_000);
    const runs: number[] = [];
    const jobs = new JobScheduler({ historyFile: null });
    jobs.register({
      id: 'backup',
      title: 'nightly backup',
      schedule: '0 3 * * *',
      timezone: 'UTC',
      run: async () => {
        runs.push(Date.now());
        backupState.lastSuccess.set('app', {
          timestampSeconds: Date.now() / 1000,
          durationSeconds: 4,
          sizeBytes: 1e6,
        });
        return 'backed up';
      },
    });
    await jobs.start();
    const { manager, sent, changes } = await loadRuleManager({
      files: [defaults, age],
      store,
      appender,
      dataDir: dir.path,
    });
    manager.start();
    const ages = () => appends.filter((a) => a.name === 'ccmon:backup_age_seconds');
    return {
      runs,
      manager,
      ages,
      stale: () => [...sent, ...changes].filter((a) => JSON.stringify(a).includes('BackupStale')),
      async stop() {
        clearInterval(scrapes);
        manager.stop();
        await jobs.stop();
        await dir.cleanup();
      },
    };
  }

  /** No rule ever wrote an older sample after a newer one (nothing the store had to refuse). */
  const inOrder = (xs: Array<{ t: number }>) => xs.every((x, i) => i === 0 || x.t > xs[i - 1]!.t);

  it('backup-stale, +2 h over the 03:00 slot: the slot runs once, no BackupStale', async () => {
    // The last backup was yesterday 03:05: 25 h 35 min old once the clock jumps to 04:40, past
    // 26 h 25 min later. Only the overdue slot's run keeps BackupStale quiet from then on.
    const s = await backupSetting(Date.UTC(2026, 10, 22, 2, 30), Date.UTC(2026, 10, 21, 3, 5));
    try {
      await clock!.tickAsync(10 * MIN);
      clock!.setSystemTime(Date.now() + 2 * HOUR);
      await clock!.tickAsync(50 * MIN);
      assert.equal(s.runs.length, 1, 'the skipped 03:00 slot ran once');
      assert.ok(s.runs[0]! >= Date.UTC(2026, 10, 22, 4, 40), 'right after the step');
      assert.deepEqual(s.stale(), [], 'BackupStale neither pending nor firing');
      const ages = s.ages();
      assert.ok(ages.length >= 55, `${ages.length} evaluations`);
      assert.ok(inOrder(ages));
      assert.ok(
        ages.every((a) => a.v >= 0 && a.v < 26 * 3600),
        ages.map((a) => a.v).join(' '),
      );
      assert.ok(ages.at(-1)!.v < 3600, 'the age restarted with the run');
    } finally {
      await s.stop();
    }
  });

  it('backup-stale, −10 min just after the 03:00 backup: no re-run, age never negative', async () => {
    const s = await backupSetting(Date.UTC(2026, 10, 22, 2, 50), Date.UTC(2026, 10, 21, 3, 5));
    try {
      await clock!.tickAsync(15 * MIN); // 03:05: the 03:00 backup ran
      assert.equal(s.runs.length, 1);
      clock!.setSystemTime(Date.now() - 10 * MIN); // back to 02:55, before the backup's time
      await clock!.tickAsync(MIN);
      assert.ok(s.manager.list().held, 'evaluation held while the clock is behind');
      await clock!.tickAsync(30 * MIN); // 03:00 passes again, then catch-up, then 20 min more
      assert.equal(s.runs.length, 1, 'the 03:00 slot did not run a second time');
      assert.equal(s.manager.list().held, null);
      assert.deepEqual(s.stale(), []);
      const ages = s.ages();
      assert.ok(inOrder(ages), 'no evaluation stamped before one already written');
      assert.ok(
        ages.every((a) => a.v >= 0),
        `ages never negative: ${ages.map((a) => Math.round(a.v)).join(' ')}`,
      );
      assert.ok(ages.at(-1)!.v > 15 * 60 && ages.at(-1)!.v < 30 * 60, 'evaluating again');
    } finally {
      await s.stop();
    }
  });
});
