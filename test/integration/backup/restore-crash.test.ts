/**
 * kill -9 of `ccmon restore` (issue 10) at fixed points (CCMON_CRASH_AT, crash-points.ts) in the
 * safety backup, the stop hook, the extraction, the commit (renames), the verification and the
 * rollback. After each kill: no temporary file is left in the target once ccmon starts again,
 * every file is whole (its old or its new content, nothing else), the interruption is reported
 * with the safety backup and the commands that end it, and following that advice gives the exact
 * state of either side. Random kills: restore-crash-random.test.ts.
 */
import { describe, it } from 'node:test';
import { useRestoreCrashFixture } from './restore-crash-fixture.js';

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
});
