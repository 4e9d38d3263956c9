/**
 * Deterministic crash points for the delivery-guarantee tests: with CCMON_TEST_CRASH_AT=<name> (or
 * `<name>:<n>` for the n-th time the point is reached) the process SIGKILLs itself there, the same
 * as `kill -9` at that instant. Unset, which is always the case outside tests, this is one lookup.
 *
 * Points: `outbox-written` (a flush's notifications are in the outbox, the notification log not
 * yet written), `before-send` (about to call a sink), `after-send` (a sink accepted a notification,
 * the outbox has not recorded it).
 */
export type CrashPointName = 'outbox-written' | 'before-send' | 'after-send';

const hits = new Map<string, number>();

export function crashPoint(name: CrashPointName): void {
  const spec = process.env.CCMON_TEST_CRASH_AT;
  if (!spec) return;
  const [point, nth] = spec.split(':');
  if (point !== name) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count >= Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
}
