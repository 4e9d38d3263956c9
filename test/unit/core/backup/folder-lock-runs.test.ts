/**
 * Runs under the backup folder's lock, on real files and real workers: a restore holds it from
 * start to end (its safety backup runs under it), scheduled backups and restore tests wait for it,
 * manual runs say what holds it, and a commit pass that fails leaves no temporary files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  BackupBusyError,
  backupDirHolder,
  lockBackupDir,
} from '../../../../src-main/core/backup/backup-lock.js';
import {
  ExtractionFailedError,
  extractOnWorker,
} from '../../../../src-main/core/backup/extract-thread.js';
import type { CommandRunner } from '../../../../src-main/core/backup/hooks.js';
import { openManifestRecords } from '../../../../src-main/core/backup/manifest-records.js';
import { BackupService } from '../../../../src-main/core/backup/service.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { backupConfig, writeTree } from './fixtures.js';

/** Every path under `root` (recursively) whose name has the restore's temporary infix. */
function restoreTemps(root: string): string[] {
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((p) => p.includes('.ccmon-restore-'));
}

/** Resolves once `ok()` holds, polling; fails after `ms` (a bound, not a timing assertion). */
async function until(ok: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('runs under the backup folder lock', () => {
  let dir: TempDir;
  before(async () => {
    dir = await tempDir('ccmon-bk-lockruns-');
  });
  after(() => dir.cleanup());

  function service(name: string, run?: CommandRunner) {
    const src = join(dir.path, name, 'src');
    writeTree(src, [
      { path: 'a.conf', content: 'one' },
      { path: 'sub/b.conf', content: 'two' },
    ]);
    const config = backupConfig({
      directory: join(dir.path, name, 'backups'),
      sets: [
        { name: 'a', sources: [src], ccmonState: false },
        { name: 'b', sources: [src], ccmonState: false },
      ],
      restore: {
        stopCommand: run ? ['stop'] : null,
        startCommand: null,
        activeCommand: null,
        settleSeconds: 0,
      },
    });
    const s = new BackupService({
      config,
      dataDir: join(dir.path, name, 'data'),
      configFile: null,
      run,
    });
    return { s, src };
  }

  it('a restore holds the lock from start to end: a prune is refused meanwhile, naming the restore', async () => {
    const seen: string[] = [];
    const backupDir = join(dir.path, 'restore', 'backups');
    const run: CommandRunner = async () => {
      // In the middle of the restore (its stop hook): what `ccmon prune` does first.
      try {
        lockBackupDir(backupDir).release();
        seen.push('locked');
      } catch (err) {
        seen.push((err as Error).message);
      }
      return { code: 0, output: '' };
    };
    const made = service('restore', run);
    const s = made.s;
    const { backup } = await s.backup('a');
    writeFileSync(join(made.src, 'a.conf'), 'changed');
    const r = await s.restore({ ref: backup.id, to: null, dryRun: false });
    assert.equal(r.ok, true, r.message);
    assert.ok(r.safetyBackup, 'the safety backup ran under the restore lock');
    assert.equal(readFileSync(join(made.src, 'a.conf'), 'utf8'), 'one');
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, new RegExp(`in use by restore of ${backup.id} \\(pid ${process.pid}`));
    assert.equal(backupDirHolder(s.dir), null, 'released at the end');
  });

  it('a scheduled backup waits for the folder, saying what holds it; a manual one fails at once', async () => {
    const { s } = service('wait');
    const held = lockBackupDir(s.dir, { what: "scheduled backup of set 'a'" });
    const phases: string[] = [];
    let scheduled;
    try {
      await assert.rejects(
        s.backup('b', { kind: 'manual' }),
        (e: Error) =>
          e instanceof BackupBusyError &&
          e.message.includes(`scheduled backup of set 'a' (pid ${process.pid}, since `),
      );
      scheduled = s.backup('b', {
        kind: 'scheduled',
        onProgress: (p) => phases.push(p.phase ?? ''),
      });
      await until(() => phases.length > 0, 'the waiting phase');
    } finally {
      held.release();
    }
    const r = await scheduled;
    assert.match(
      phases[0]!,
      /^waiting for the backup folder \(held by scheduled backup of set 'a' \(pid \d+, since .*\)\)$/,
    );
    assert.equal(r.backup.set, 'b');
    assert.equal(r.backup.kind, 'scheduled');
  });

  it('two scheduled sets at the same minute: both back up', async () => {
    const { s } = service('same-minute');
    const [a, b] = await Promise.all([
      s.backup('a', { kind: 'scheduled' }),
      s.backup('b', { kind: 'scheduled' }),
    ]);
    assert.deepEqual([a.backup.set, b.backup.set], ['a', 'b']);
    assert.equal(s.list().length, 2);
  });

  it('a restore test waits for the folder, then tests', async () => {
    const { s } = service('restore-test');
    await s.backup('a');
    const held = lockBackupDir(s.dir, { what: "scheduled backup of set 'b'" });
    const phases: string[] = [];
    let test;
    try {
      test = s.restoreTest('a', (p) => phases.push(p.phase ?? ''));
      await until(() => phases.length > 0, 'the waiting phase');
    } finally {
      held.release();
    }
    const r = await test;
    assert.equal(r.ok, true, r.problems.join('; '));
    assert.match(phases[0]!, /held by scheduled backup of set 'b'/);
  });

  it('a commit pass that fails (the manifest gone) removes its temporary files', async () => {
    const { s } = service('commit');
    const { backup } = await s.backup('a');
    const out = join(dir.path, 'commit', 'out');
    // Restored once: the second extraction writes temporary files beside existing ones.
    assert.equal((await s.restore({ ref: backup.id, to: out, dryRun: false })).ok, true);
    const record = s.store.list().find((b) => b.id === backup.id)!;
    const before = restoreTemps(out);
    assert.deepEqual(before, []);
    await assert.rejects(
      extractOnWorker({
        archivePath: record.archivePath,
        manifest: openManifestRecords(record.manifestPath),
        to: out,
        dumpDir: null,
        roots: [out],
        // The commit pass reads the file list again: gone, as a prune would have deleted it.
        onCommit: () => rmSync(record.manifestPath),
      }),
      (e: Error) =>
        e instanceof ExtractionFailedError &&
        e.committing &&
        /while putting the files in place: .*ENOENT.*temporary files were removed/.test(e.message),
    );
    assert.deepEqual(restoreTemps(out), []);
  });
});
