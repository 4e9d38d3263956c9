/**
 * Deterministic kill points for the crash tests (issue 10): when CCMON_CRASH_AT names a point
 * (`restore-extracting`, `backup-before-commit`, …), the process SIGKILLs itself there, exactly
 * like `kill -9` from outside, with no chance to clean up. `name:N` kills at the N-th time the
 * point is reached (e.g. in the middle of a restore's renames). Unset, this costs one comparison.
 */
const target = process.env.CCMON_CRASH_AT ?? '';
const [targetName, targetCount] = target.split(':');
let reached = 0;

/** Marks a point where a crash must be survivable; kills the process when the tests ask for it. */
export function crashPoint(name: string): void {
  if (!target || name !== targetName) return;
  reached++;
  if (reached >= Number(targetCount ?? 1)) process.kill(process.pid, 'SIGKILL');
}
