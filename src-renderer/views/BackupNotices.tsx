/** The lines above the backup list: how an action ended, and a set's last failures. */
import type { VerifyResult } from '../../src-main/core/backup/contract';
import type { JobRun } from '../../src-main/core/jobs/contract';
import { ago } from '../format';

/** How an action ended: a status line, or an alert when it failed. */
export function Outcome(p: { ok: boolean; message: string; testId: string }) {
  return (
    <p
      role={p.ok ? 'status' : 'alert'}
      className={p.ok ? '' : 'field-error'}
      data-testid={p.testId}
    >
      {p.ok ? '✓ ' : '✖ '}
      {p.message}
    </p>
  );
}

/**
 * A set's last run and last restore test, when either failed: what a reload of the page must not
 * hide (the outcome line above shows only what happened while the page was open).
 */
export function SetHealth(p: {
  set: { set: string; lastRun: JobRun | null; lastRestoreTest: VerifyResult | null };
}) {
  const { set, lastRun, lastRestoreTest: test } = p.set;
  const runFailed = lastRun?.status === 'failed';
  const testFailed = test !== null && !test.ok;
  if (!runFailed && !testFailed) return null;
  return (
    <div role="alert" className="field-error" data-testid="backup-set-health" data-set={set}>
      {runFailed && (
        <p>
          The last backup of {set} failed {ago(lastRun.finishedAt ?? lastRun.startedAt)}:{' '}
          {lastRun.message}
        </p>
      )}
      {testFailed && (
        <p>
          The last restore test of {set} failed {ago(test.checkedAt)}:{' '}
          {test.problems.slice(0, 3).join('; ')}
        </p>
      )}
    </div>
  );
}
