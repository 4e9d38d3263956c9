/**
 * Backups on the worker thread (core/backup/worker.ts): progress crosses back to the caller,
 * cancellation reaches the worker and removes the partial archive, errors keep their class and
 * message, and a backup leaves no worker behind.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { ProgressUpdate } from '../../../../src-main/core/jobs/scheduler.js';
import { BackupError } from '../../../../src-main/core/backup/create.js';
import { BackupBusyError, BackupStore } from '../../../../src-main/core/backup/store.js';
import { runBackup } from '../../../../src-main/core/backup/worker.js';
import { lockBackupDir } from '../../../../src-main/core/backup/backup-lock.js';
import { tempDir, type TempDir } from '../../../helpers/ports.js';
import { ROOT } from '../../../integration/backup/cli.js';
import { backupConfig } from './fixtures.js';

const run = promisify(execFile);

describe('backups on a worker thread', () => {
  let dir: TempDir;
  let src: string;
  before(async () => {
    dir = await tempDir('ccmon-bk-worker-');
    src = join(dir.path, 'src');
    for (let d = 0; d < 4; d++) {
      mkdirSync(join(src, `d${d}`), { recursive: true });
      for (let f = 0; f < 50; f++)
        writeFileSync(join(src, `d${d}`, `f${f}`), randomBytes(64 * 1024));
    }
  });
  after(() => dir.cleanup());

  const opts = (backupDir: string) => {
    const config = backupConfig({ directory: backupDir });
    return {
      set: {
        name: 'w',
        schedule: null,
        sources: [{ path: src, include: [], exclude: [] }],
        database: null,
        redis: null,
        ccmonState: false,
      },
      config,
      backupDir,
    };
  };

  it('reports progress with totals and returns the same result createBackup would', async () => {
    const seen: ProgressUpdate[] = [];
    const r = await runBackup({ ...opts(join(dir.path, 'b1')), onProgress: (p) => seen.push(p) });
    assert.equal(r.files, 200);
    assert.equal(r.bytes, 200 * 64 * 1024);
    assert.ok(
      seen.some((p) => p.phase === 'archived' && p.files === 200 && p.totalFiles === 200),
      JSON.stringify(seen.at(-1)),
    );
    assert.deepEqual(
      new BackupStore(join(dir.path, 'b1')).list().map((b) => b.id),
      [r.id],
    );
  });

  it("a first backup's totals are counted beside the worker: the sources' plus the dumps'", async () => {
    const backupDir = join(dir.path, 'b-count');
    const config = backupConfig({
      directory: backupDir,
      sets: [
        {
          name: 'w',
          sources: [src],
          ccmonState: false,
          database: { command: ['sh', '-c', 'echo "SELECT 1;"'] },
        },
      ],
    });
    const seen: ProgressUpdate[] = [];
    const r = await runBackup({
      set: config.sets[0]!,
      config,
      backupDir,
      onProgress: (p) => seen.push(p),
    });
    assert.equal(r.files, 201, 'the dump and the 200 files');
    const archived = seen.find((p) => p.phase === 'archived');
    assert.deepEqual([archived?.totalFiles, archived?.totalBytes], [r.files, r.bytes]);
    for (const p of seen)
      if (p.totalFiles != null) assert.ok(p.files <= p.totalFiles, JSON.stringify(p));
  });

  it('an abort reaches the worker: the backup fails as cancelled and leaves no partial file', async () => {
    const backupDir = join(dir.path, 'b2');
    const ac = new AbortController();
    const run = runBackup({
      ...opts(backupDir),
      signal: ac.signal,
      onProgress: (p) => {
        if (p.files > 0) ac.abort();
      },
    });
    await assert.rejects(
      run,
      (err: Error) => err instanceof BackupError && /cancelled/.test(err.message),
    );
    assert.deepEqual(
      readdirSync(backupDir).filter((n) => !n.startsWith('.ccmon-backup.lock')),
      [],
    );
  });

  it('runs whatever flags the process was started with (a worker refuses some, e.g. --expose-gc)', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        'test/integration/backup/memory-child.ts',
        src,
        join(dir.path, 'b4'),
        'gzip',
      ],
      { cwd: ROOT, timeout: 60_000 },
    );
    assert.equal(JSON.parse(stdout).files, 200);
  });

  it('errors keep their class across the thread boundary (a held lock is BackupBusyError)', async () => {
    const backupDir = join(dir.path, 'b3');
    const lock = lockBackupDir(backupDir);
    try {
      await assert.rejects(runBackup(opts(backupDir)), BackupBusyError);
    } finally {
      lock.release();
    }
  });
});
