import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { BackupEvents } from '../../../../src-main/core/backup/contract.js';
import {
  backupProgressBridge,
  createBackupModule,
  type BackupModule,
} from '../../../../src-main/core/backup/module.js';
import type { JobEvents, JobProgress } from '../../../../src-main/core/jobs/contract.js';
import { JobScheduler } from '../../../../src-main/core/jobs/scheduler.js';
import { silentLogger } from '../../../../src-main/core/log.js';
import { DIFF_SAMPLE } from '../../../../src-main/core/backup/diff.js';
import { lockBackupDir } from '../../../../src-main/core/backup/backup-lock.js';
import { RequestError } from '../../../../src-main/core/local-api.js';
import { tempDir, waitFor, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, recordingLogger, writeTree } from './fixtures.js';

describe('backup module (AgentApi handlers, events, metrics)', () => {
  let dir: TempDir;
  let mod: BackupModule;
  let scheduler: JobScheduler;
  const registry = new Registry();
  const events: { event: string; payload: unknown }[] = [];
  before(async () => {
    dir = await tempDir('ccmon-bk-mod-');
    const src = join(dir.path, 'src');
    writeTree(
      src,
      Array.from({ length: 300 }, (_, i) => ({
        path: `f${i}.log`,
        content: Buffer.alloc(20_000, i % 250),
      })),
    );
    const emitBackup = <E extends keyof BackupEvents>(event: E, payload: BackupEvents[E]) =>
      void events.push({ event, payload });
    const bridge = backupProgressBridge(emitBackup);
    scheduler = new JobScheduler({
      historyFile: join(dir.path, 'jobs.jsonl'),
      progressIntervalMs: 0,
      emit: <E extends keyof JobEvents>(event: E, payload: JobEvents[E]) => {
        events.push({ event, payload });
        if (event === 'job.progress') bridge(payload as JobProgress);
      },
    });
    mod = createBackupModule({
      config: backupConfig({ sets: [{ name: 'app', sources: [src], schedule: '0 3 * * *' }] }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
      scheduler,
      registry,
      logger: silentLogger,
      emit: emitBackup,
    });
    await scheduler.start();
  });
  after(async () => {
    await scheduler.stop();
    await dir.cleanup();
  });

  it('backup.run starts the job; progress (files, bytes, rate, ETA) and the result arrive as events', async () => {
    const started = await mod.handlers['backup.run']({});
    assert.equal(started.jobId, 'backup-app');
    assert.equal(started.status, 'running');
    const finished = await waitFor(
      'backup.finished',
      async () =>
        events.find((e) => e.event === 'backup.finished')?.payload as
          BackupEvents['backup.finished'] | undefined,
    );
    assert.equal(finished.ok, true, finished.message);
    assert.equal(finished.backup!.files, 300);
    const progress = events
      .filter((e) => e.event === 'backup.progress')
      .map((e) => e.payload as BackupEvents['backup.progress']);
    assert.ok(progress.length > 0, 'progress events');
    assert.ok(progress.every((p) => p.set === 'app'));
    const last = progress.at(-1)!;
    assert.equal(last.totalFiles, 300);
    assert.ok(last.rateBytesPerSecond > 0 && last.etaSeconds !== null);
  });

  it('backup.list shows the set, its schedule, next run and last backup; metrics export it', async () => {
    const list = await mod.handlers['backup.list']({});
    const set = list.sets[0]!;
    assert.equal(set.schedule, '0 3 * * *');
    assert.ok(set.nextRunAt);
    assert.equal(set.lastBackup?.id, list.backups[0]!.id);
    const text = await registry.metrics();
    assert.match(text, /ccmon_backup_last_success_timestamp_seconds\{set="app"\} \d+/);
    assert.match(text, /ccmon_backup_size_bytes\{set="app"\} [1-9]\d*/);
    assert.match(text, /ccmon_backup_duration_seconds\{set="app"\} [\d.]+/);
  });

  it('an agent started over existing backups exports their last success at once', async () => {
    const restarted = new Registry();
    const again = createBackupModule({
      config: backupConfig({ sets: [{ name: 'app', sources: [join(dir.path, 'src')] }] }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
      scheduler: new JobScheduler({ historyFile: join(dir.path, 'jobs-2.jsonl') }),
      registry: restarted,
      logger: silentLogger,
      emit: () => {},
    });
    try {
      const newest = mod.service.list()[0]!;
      const seconds = Date.parse(newest.createdAt) / 1000;
      const exported = /^ccmon_backup_last_success_timestamp_seconds\{set="app"\} (\S+)$/m.exec(
        await restarted.metrics(),
      );
      // finishedAt is after createdAt by the backup's duration (well under a minute here).
      assert.ok(exported && Math.abs(Number(exported[1]) - seconds) < 60, exported?.[0]);
    } finally {
      await again.stop();
    }
  });

  it('the restore test job extracts into a temp folder, compares, and exports its result', async () => {
    const run = await scheduler.run('restore-test-app');
    assert.equal(run.status, 'succeeded', run.message);
    const test = events.find((e) => e.event === 'backup.restoreTest')!
      .payload as BackupEvents['backup.restoreTest'];
    assert.equal(test.ok, true);
    assert.equal(test.files, 300);
    assert.match(await registry.metrics(), /ccmon_backup_restore_test_success\{set="app"\} 1/);
    const list = await mod.handlers['backup.list']({});
    assert.equal(list.sets[0]!.lastRestoreTest?.ok, true);
  });

  it('the last restore test outlives a restart (backup.list and the gauges)', async () => {
    const again = new Registry();
    const scheduler2 = new JobScheduler({
      historyFile: join(dir.path, 'jobs2.jsonl'),
      emit: () => {},
    });
    const mod2 = createBackupModule({
      config: backupConfig({ sets: [{ name: 'app', sources: [join(dir.path, 'src')] }] }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
      scheduler: scheduler2,
      registry: again,
      logger: silentLogger,
      emit: () => {},
    });
    await mod2.start();
    const list = await mod2.handlers['backup.list']({});
    assert.equal(list.sets[0]!.lastRestoreTest?.ok, true);
    assert.equal(list.sets[0]!.lastRestoreTest?.files, 300);
    assert.match(await again.metrics(), /ccmon_backup_restore_test_success\{set="app"\} 1/);
    assert.match(
      await again.metrics(),
      /ccmon_backup_restore_test_timestamp_seconds\{set="app"\} \d+/,
    );
    await mod2.stop();
  });

  it('since when a set is configured outlives a restart, and is forgotten with the set', async () => {
    const dataDir = join(dir.path, 'data-configured');
    const moduleWith = (sets: string[], registry: Registry) =>
      createBackupModule({
        config: backupConfig({ sets: sets.map((name) => ({ name, sources: [dir.path] })) }),
        dataDir,
        configFile: null,
        scheduler: new JobScheduler({ historyFile: join(dir.path, 'jobs3.jsonl'), emit: () => {} }),
        registry,
        logger: silentLogger,
        emit: () => {},
      });
    const since = async (registry: Registry, set: string) =>
      (await registry.metrics()).match(
        new RegExp(`^ccmon_backup_set_configured_timestamp_seconds\\{set="${set}"\\} (\\d+)$`, 'm'),
      )?.[1];
    const first = new Registry();
    const before = Math.floor(Date.now() / 1000);
    const m1 = moduleWith(['a', 'b'], first);
    await m1.start();
    const a = Number(await since(first, 'a'));
    assert.ok(a >= before && a <= Date.now() / 1000, `${a}`);
    await new Promise((r) => setTimeout(r, 1100));
    // A restart: the same time, not the restart's.
    const second = new Registry();
    const m2 = moduleWith(['a', 'b'], second);
    await m2.start();
    assert.equal(Number(await since(second, 'a')), a);
    // b leaves the config, c joins it: b is forgotten, c counts from now.
    m2.reload(
      backupConfig({
        sets: [
          { name: 'a', sources: [dir.path] },
          { name: 'c', sources: [dir.path] },
        ],
      }),
    );
    assert.equal(await since(second, 'b'), undefined);
    assert.ok(Number(await since(second, 'c')) > a);
    const third = new Registry();
    await moduleWith(['a', 'c', 'b'], third).start();
    assert.equal(Number(await since(third, 'a')), a);
    assert.ok(Number(await since(third, 'b')) > a, 'b configured again counts from then');
  });

  it('backup.restore needs the backup id typed as confirmation', async () => {
    const id = (await mod.handlers['backup.list']({})).backups[0]!.id;
    await assert.rejects(
      mod.handlers['backup.restore']({ id, confirm: 'yes', to: join(dir.path, 'r') }),
      (e: Error) => e instanceof RequestError && e.code === 'bad_request' && e.message.includes(id),
    );
    const r = await mod.handlers['backup.restore']({ id, confirm: id, to: join(dir.path, 'r') });
    assert.equal(r.ok, true);
    const preview = await mod.handlers['backup.restorePreview']({ id, to: join(dir.path, 'r2') });
    assert.equal(preview.dryRun, true);
    // 300 logs and their folders: the report keeps a sample of DIFF_SAMPLE paths and the counts.
    assert.ok(preview.diff.counts.added > 300, `${preview.diff.counts.added} added`);
    assert.equal(preview.diff.added.length, DIFF_SAMPLE);
    assert.equal(preview.diff.truncated, true);
  });

  it('backup.restorePreview and backup.restore take latest:SET and include, elsewhere or in place; bad input is bad_request', async () => {
    const id = (await mod.handlers['backup.list']({})).backups[0]!.id;
    const src = join(dir.path, 'src');
    const include = [join(src, 'f7.log')];
    const to = join(dir.path, 'part');
    const preview = await mod.handlers['backup.restorePreview']({ id: 'latest:app', to, include });
    assert.equal(preview.id, id);
    assert.deepEqual(preview.diff.added.at(-1), join(to, src, 'f7.log'));
    const r = await mod.handlers['backup.restore']({ id: 'latest:app', confirm: id, to, include });
    assert.equal(r.ok, true, r.message);
    assert.match(r.message, /^restored 1 files .* \(only .*f7\.log\)$/);
    const badRequest = (e: Error) => e instanceof RequestError && e.code === 'bad_request';
    await assert.rejects(
      mod.handlers['backup.restorePreview']({ id, to, include: [join(src, 'nope.log')] }),
      badRequest,
    );
    // What the dashboard's file browser lists: the top, then a folder.
    const top = await mod.handlers['backup.files']({ id: 'latest:app' });
    assert.deepEqual(
      top.entries.map((e) => e.path),
      [join(dir.path, 'data'), src],
      "the sources: the logs and ccmon's own state",
    );
    const folder = await mod.handlers['backup.files']({ id, path: src });
    assert.ok(folder.entries.some((e) => e.path === join(src, 'f7.log') && e.type === 'file'));
    await assert.rejects(mod.handlers['backup.files']({ id, path: join(src, 'nope') }), badRequest);
    // In place too: the preview of one file lists that file alone.
    const inPlace = await mod.handlers['backup.restorePreview']({ id, include });
    assert.equal(inPlace.target, 'in place');
    assert.equal(inPlace.diff.counts.added + inPlace.diff.counts.changed, 0, 'as it was');
    assert.equal(inPlace.diff.unchanged, 2, 'the file and its source folder');
  });

  it("maintenance's backupNow goes through the scheduler: recorded in the job history, never overlapping", async () => {
    const summary = await mod.backupNow(null);
    assert.match(summary, /^app-\d{8}T\d{6}Z(-\d+)?: 300 files/);
    const history = scheduler.historyOf('backup-app');
    assert.equal(history[0]!.message, summary);
    const [a, b] = await Promise.all([mod.backupNow('app'), mod.backupNow('app')]);
    assert.ok(
      [a, b].some((m) => /skipped: the run started at .* is still running/.test(m)),
      `${a} / ${b}`,
    );
  });

  it('unknown sets and ids are not_found; prune preview lists decisions', async () => {
    await assert.rejects(
      mod.handlers['backup.run']({ set: 'nope' }),
      (e: Error) =>
        e instanceof RequestError && e.code === 'not_found' && /configured: app/.test(e.message),
    );
    await assert.rejects(
      mod.handlers['backup.verify']({ id: 'no-such-backup' }),
      (e: Error) => e instanceof RequestError && e.code === 'not_found',
    );
    // The dashboard's changes (compared on a worker, as in the agent): a path neither backup has
    // is a bad request as in backup.files, an unknown backup not_found.
    const latest = (await mod.handlers['backup.list']({})).backups[0]!.id;
    const same = await mod.handlers['backup.changes']({ from: latest, to: 'latest:app' });
    assert.equal(same.total, 0, 'a backup against itself');
    await assert.rejects(
      mod.handlers['backup.changes']({ from: latest, to: latest, path: '/no/such/path' }),
      (e: Error) => e instanceof RequestError && e.code === 'bad_request',
    );
    await assert.rejects(
      mod.handlers['backup.changes']({ from: 'no-such-backup', to: latest }),
      (e: Error) => e instanceof RequestError && e.code === 'not_found',
    );
    const prune = await mod.handlers['backup.prunePreview']({});
    assert.equal(prune.dryRun, true);
    assert.ok(prune.decisions.every((d) => d.keep));
  });
});

describe('backup module: retention after scheduled backups, backup.prune, never-succeeded sets', () => {
  let dir: TempDir;
  let mod: BackupModule;
  let scheduler: JobScheduler;
  const registry = new Registry();
  const finished: BackupEvents['backup.finished'][] = [];
  const { logger, logs } = recordingLogger();
  before(async () => {
    dir = await tempDir('ccmon-bk-retain-');
    const src = join(dir.path, 'src');
    writeTree(src, [
      { path: 'a.yaml', content: 'a: 1' },
      { path: 'b.yaml', content: 'b: 2' },
    ]);
    scheduler = new JobScheduler({ historyFile: join(dir.path, 'jobs.jsonl') });
    mod = createBackupModule({
      config: backupConfig({
        retention: { keepLast: 2, keepWithin: null },
        sets: [
          { name: 'app', sources: [src], schedule: '0 3 * * *' },
          { name: 'never', sources: [src], schedule: '0 4 * * *' },
        ],
      }),
      dataDir: join(dir.path, 'data'),
      configFile: null,
      scheduler,
      registry,
      logger,
      emit: (event, payload) => {
        if (event === 'backup.finished') finished.push(payload as BackupEvents['backup.finished']);
      },
    });
    await scheduler.start();
  });
  after(async () => {
    await scheduler.stop();
    await dir.cleanup();
  });

  const ids = () => mod.service.list().map((b) => b.id);
  const run = async (trigger: 'schedule' | 'manual') => {
    const r = await scheduler.run('backup-app', trigger);
    assert.equal(r.status, 'succeeded', r.message);
    return r;
  };

  it('a configured set without a successful backup exports its last success as 0', async () => {
    const text = await registry.metrics();
    assert.match(text, /^ccmon_backup_last_success_timestamp_seconds\{set="never"\} 0$/m);
    assert.match(text, /^ccmon_backup_last_success_timestamp_seconds\{set="app"\} 0$/m);
    // No duration or size for a backup that never happened.
    assert.doesNotMatch(text, /ccmon_backup_(duration_seconds|size_bytes)\{set="never"\}/);
    await run('manual');
    assert.match(
      await registry.metrics(),
      /^ccmon_backup_last_success_timestamp_seconds\{set="app"\} [1-9]\d*(\.\d+)?$/m,
    );
  });

  it('a scheduled backup applies keepLast 2 and says what it removed (history, event, log)', async () => {
    const first = await run('schedule'); // two backups now: nothing to remove, nothing said
    assert.equal(ids().length, 2);
    assert.doesNotMatch(first.message, /retention/);
    assert.deepEqual(finished.at(-1)!.retention, { removed: [], freedBytes: 0, error: null });
    await run('manual'); // manual runs leave retention alone
    const before = ids();
    assert.equal(before.length, 3);
    const r = await run('schedule');
    const after = ids();
    assert.equal(after.length, 2, after.join(', '));
    const removed = before.slice(1); // the two older of the three; the new one and the newest stay
    assert.deepEqual(after.slice(1), before.slice(0, 1));
    for (const id of removed) assert.ok(!after.includes(id));
    assert.match(r.message, /; retention removed 2 backup\(s\), [\d.]+ (B|KiB|MiB) freed \(/);
    for (const id of removed) assert.ok(r.message.includes(id), r.message);
    assert.equal(scheduler.historyOf('backup-app')[0]!.message, r.message);
    const event = finished.at(-1)!;
    assert.equal(event.ok, true);
    assert.deepEqual([...event.retention!.removed].sort(), [...removed].sort());
    assert.equal(event.retention!.error, null);
    assert.ok(event.retention!.freedBytes > 0);
    assert.ok(
      logs.some((l) => l.startsWith('info ') && removed.every((id) => l.includes(id))),
      logs.join('\n'),
    );
  });

  it('backup.prune removes what backup.prunePreview lists; refused while the folder is locked', async () => {
    await run('manual');
    await run('manual');
    const before = ids();
    assert.equal(before.length, 4);
    const preview = await mod.handlers['backup.prunePreview']({});
    assert.deepEqual(preview.removed, before.slice(2));
    assert.equal(ids().length, 4, 'the preview removes nothing');
    const lock = lockBackupDir(mod.service.dir);
    try {
      await assert.rejects(
        mod.handlers['backup.prune']({}),
        (e: Error) =>
          e instanceof RequestError &&
          e.code === 'bad_request' &&
          e.message.includes(mod.service.dir),
      );
    } finally {
      lock.release();
    }
    assert.equal(ids().length, 4);
    const pruned = await mod.handlers['backup.prune']({});
    assert.equal(pruned.dryRun, false);
    assert.deepEqual(pruned.removed, before.slice(2));
    assert.deepEqual(ids(), before.slice(0, 2));
  });

  it('a retention failure leaves the backup a success, and says so in the run, event and log', async () => {
    // The oldest backup's archive is a folder now: unlink(2) refuses it (EISDIR), as a file that
    // cannot be deleted would be refused.
    const oldest = mod.service.list().at(-1)!;
    rmSync(oldest.archivePath);
    mkdirSync(oldest.archivePath);
    writeFileSync(join(oldest.archivePath, 'keep'), '');
    const r = await run('schedule');
    assert.match(r.message, /; retention not applied: .*EISDIR/);
    const event = finished.at(-1)!;
    assert.equal(event.ok, true);
    assert.ok(event.backup);
    assert.match(event.retention!.error!, /EISDIR/);
    assert.ok(
      logs.some((l) =>
        /^warn after the backup of app: the retention policy was not applied/.test(l),
      ),
      logs.join('\n'),
    );
    rmSync(oldest.archivePath, { recursive: true });
  });
});
