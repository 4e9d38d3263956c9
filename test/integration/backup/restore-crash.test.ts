/**
 * kill -9 of `ccmon restore` (issue 10) at fixed points (CCMON_CRASH_AT, crash-points.ts) in the
 * safety backup, the stop hook, the extraction, the commit (renames), the verification and the
 * rollback. After each kill: no temporary file is left in the target once ccmon starts again,
 * every file is whole (its old or its new content, nothing else), the interruption is reported
 * with the safety backup and the commands that end it, and following that advice gives the exact
 * state of either side. Random kills: restore-crash-random.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ccmon } from './cli.js';
import { snapshot, useRestoreCrashFixture } from './restore-crash-fixture.js';

describe('kill -9 at fixed points of a restore', () => {
  const fx = useRestoreCrashFixture();

  const points: [string, string, { phase: string; changed: boolean; safety: boolean }][] = [
    ['backup-archiving:5', 'ok', { phase: 'safety-backup', changed: false, safety: false }],
    ['restore-stopping', 'ok', { phase: 'stopping', changed: false, safety: true }],
    ['restore-extracting:20', 'ok', { phase: 'extracting', changed: false, safety: true }],
    ['restore-committing:20', 'ok', { phase: 'committing', changed: true, safety: true }],
    ['restore-verifying', 'ok', { phase: 'verifying', changed: true, safety: true }],
    ['restore-rolling-back', 'failing', { phase: 'rolling-back', changed: true, safety: true }],
    [
      'rollback-committing:10',
      'failing',
      { phase: 'rollback-committing', changed: true, safety: true },
    ],
  ];
  for (const [point, active, expect] of points) {
    it(`killed at ${point}: reported at the next start, recovered by its advice`, async () => {
      await fx.killedAt(point, active);
      await fx.recover(expect);
    });
  }

  it('a folder the restore brings back is staged whole; killed meanwhile, the next start removes it', async () => {
    rmSync(join(fx.live, 'dir-2'), { recursive: true });
    const before = snapshot(fx.live);
    await fx.killedAt('restore-extracting:30'); // in dir-2 (12 files per folder)
    const staged = readdirSync(fx.live).filter((n) => n.startsWith('dir-2.ccmon-restore-'));
    assert.equal(staged.length, 1, `dir-2 was being written under a temporary name: ${staged}`);
    assert.ok(
      !readdirSync(fx.live).includes('dir-2'),
      'nothing under its final name before the commit',
    );

    const listed = await ccmon(['--config', fx.config('ok'), '--json', 'backups'], fx.env());
    assert.equal(JSON.parse(listed.stdout).interruptedRestore?.phase, 'extracting');
    assert.match(listed.stderr, /temporary files and folders were removed/);
    assert.deepEqual(snapshot(fx.live), before, 'the staged folder is gone, nothing else changed');

    const again = await ccmon(
      ['--config', fx.config('ok'), '--json', 'restore', fx.id, '--yes'],
      fx.env(),
    );
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(snapshot(fx.live), fx.v1);
    fx.resetLive();
  });
});
