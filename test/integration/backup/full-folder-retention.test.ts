/**
 * A scheduled backup that finds its folder full: the retention policy makes room (only what the
 * prune after a success would remove), and the backup runs once more; with nothing to remove it
 * fails saying so. The full folder is a small tmpfs mounted by the test (root only).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { BackupEvents } from '../../../src-main/core/backup/contract.js';
import { createBackupModule, type BackupModule } from '../../../src-main/core/backup/module.js';
import { JobScheduler } from '../../../src-main/core/jobs/scheduler.js';
import { tempDir, type TempDir } from '../../helpers/ports.js';
import { backupConfig, recordingLogger } from '../../unit/core/backup/fixtures.js';

const isRoot = process.getuid?.() === 0;

describe(
  'a scheduled backup into a full folder',
  { skip: !isRoot && 'mounting needs root' },
  () => {
    let dir: TempDir;
    let backups = '';
    let scheduler: JobScheduler;
    let mod: BackupModule;
    const finished: BackupEvents['backup.finished'][] = [];
    const { logger, logs } = recordingLogger();
    const start = async (keepLast: number) => {
      scheduler = new JobScheduler({ historyFile: join(dir.path, `jobs-${keepLast}.jsonl`) });
      mod = createBackupModule({
        config: backupConfig({
          directory: backups,
          retention: { keepLast, keepWithin: null },
          sets: [{ name: 'app', sources: [join(dir.path, 'src')], schedule: '0 3 * * *' }],
        }),
        dataDir: join(dir.path, 'data'),
        configFile: null,
        scheduler,
        registry: new Registry(),
        logger,
        emit: (event, payload) => {
          if (event === 'backup.finished')
            finished.push(payload as BackupEvents['backup.finished']);
        },
      });
      await scheduler.start();
    };
    const archives = () =>
      readdirSync(backups)
        .filter((f) => f.endsWith('.tar.gz'))
        .sort();

    before(async () => {
      dir = await tempDir('ccmon-bk-full-');
      // 3 MiB that does not compress: a 7 MiB folder holds two backups, not three.
      mkdirSync(join(dir.path, 'src'));
      writeFileSync(join(dir.path, 'src', 'blob.bin'), randomBytes(3 * 1024 * 1024));
      backups = join(dir.path, 'backups');
      mkdirSync(backups);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=7m', 'tmpfs', backups]);
    });
    after(async () => {
      await scheduler?.stop();
      execFileSync('umount', [backups]);
      await dir?.cleanup();
    });

    it('retention makes room and the backup runs again; manual runs do not prune', async () => {
      await start(1);
      for (let i = 0; i < 2; i++) {
        const r = await scheduler.run('backup-app', 'manual');
        assert.equal(r.status, 'succeeded', r.message);
      }
      const [newer, older] = mod.service.list().map((b) => b.id); // newest first
      const third = await scheduler.run('backup-app', 'manual');
      assert.equal(third.status, 'failed', 'a manual run leaves retention to the admin');
      assert.match(third.message!, /no space left on the device holding .*backups/);
      assert.deepEqual(archives(), [`${older}.tar.gz`, `${newer}.tar.gz`].sort());

      const r = await scheduler.run('backup-app', 'schedule');
      assert.equal(r.status, 'succeeded', r.message);
      assert.match(
        r.message!,
        new RegExp(
          `, after the folder was found full and retention removed 1 backup\\(s\\), 3\\.\\d MiB freed \\(${older!}\\); retention removed 1 backup\\(s\\), 3\\.\\d MiB freed \\(${newer!}\\)$`,
        ),
      );
      const now = mod.service.list().map((b) => b.id);
      assert.equal(now.length, 1);
      assert.ok(![older, newer].includes(now[0]), 'only the new backup is left');
      assert.deepEqual(archives(), [`${now[0]}.tar.gz`]);
      assert.deepEqual(finished.at(-1)!.retention!.removed, [older!, newer!]);
      assert.ok(
        logs.includes(
          `info the backup of app found its folder full: retention removed 1 backup(s), 3.0 MiB freed: ${older!}`,
        ),
        logs.join('\n'),
      );
      await scheduler.stop();
    });

    it('with nothing the policy lets go, it fails and says so', async () => {
      await start(5);
      const kept = archives();
      const r = await scheduler.run('backup-app', 'manual');
      assert.equal(r.status, 'succeeded', r.message); // two now: the folder is full
      const s = await scheduler.run('backup-app', 'schedule');
      assert.equal(s.status, 'failed');
      assert.match(
        s.message!,
        /no space left on the device holding .*\. The retention policy had nothing to remove\.$/,
      );
      assert.equal(archives().length, kept.length + 1, 'nothing removed, no partial archive');
    });
  },
);
