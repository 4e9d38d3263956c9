/**
 * The agent's wake-up grid. Every periodic task (checks, scrapes, rule groups, the status tick,
 * the notifier, usage booking, the log scan) fires at multiples of its interval on one clock,
 * shifted by an offset that is a multiple of WAKE_GRANULE_MS, so one wake-up of the process serves
 * every task due then: timer coalescing, as systemd's AccuracySec= and the OSes' timer slack do
 * for laptops. On the machines measured here a wake-up of an idle process costs ~0.2-0.3 ms of CPU
 * before any work, and an HTTP request made right after other work a third of one made from cold;
 * tasks that each woke the process on a phase of their own were most of the idle agent's CPU.
 *
 * The clock is the monotonic one (performance.now(), zero at process start): a wall-clock step
 * (NTP, a manual change) moves no task. Offsets still spread large sets over the interval
 * (Prometheus offsets each target's loop by a hash of it, so targets are not all scraped in one
 * burst), in steps of the granule.
 */

/** Periodic work lands on multiples of this (monotonic ms). */
export const WAKE_GRANULE_MS = 5000;

/** The grid's clock: monotonic ms since the process started. */
export const gridNow = (): number => performance.now();

/** A stable offset in [0, interval) from a task's name (FNV-1a). */
export function phaseOf(name: string, intervalMs: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h % Math.max(1, intervalMs);
}

/**
 * Sets of more periodic tasks than this are spread over their whole interval (a granule of 1 ms),
 * as Prometheus spreads its targets: hundreds of probes due at one grid time would hold the event
 * loop for tens of ms (the `load` bench's 500 checks: /healthz p99 7.8 → 60 ms at idle).
 */
export const COALESCE_MAX_TASKS = 32;

/** The granule for a set of `tasks` periodic tasks of one kind. */
export function granuleFor(tasks: number): number {
  return tasks > COALESCE_MAX_TASKS ? 1 : WAKE_GRANULE_MS;
}

/**
 * The task's offset on the grid: its phase rounded down to the granule when the interval is a
 * multiple of the granule; 0 otherwise (the task then runs at multiples of its own interval, which
 * still meets the others' wake-ups whenever the two intervals share them).
 */
export function gridOffset(
  name: string,
  intervalMs: number,
  granuleMs: number = WAKE_GRANULE_MS,
): number {
  if (intervalMs < granuleMs || intervalMs % granuleMs !== 0) return 0;
  const phase = phaseOf(name, intervalMs);
  return phase - (phase % granuleMs);
}

/** The first grid time strictly after `after`: offset + k × interval. */
export function nextGridTime(intervalMs: number, offsetMs: number, after: number): number {
  const k = Math.floor((after - offsetMs) / intervalMs) + 1;
  return offsetMs + k * intervalMs;
}

/**
 * When a task that was due at `due` runs next: the following grid time, or, when that is already
 * past (the run took longer than the interval, the machine was suspended), the first one after
 * `now`: a missed run is skipped, not caught up, as Go's ticker drops ticks in Prometheus's loops.
 * Node's timers count from the event loop's cached time, so a run can start up to a few ms before
 * its due time: that slack never makes the same grid time run twice.
 */
export function nextDue(intervalMs: number, offsetMs: number, due: number, now: number): number {
  const next = nextGridTime(intervalMs, offsetMs, due);
  const slack = Math.min(intervalMs / 10, 1000);
  if (next > now && next - now <= intervalMs + slack) return next;
  return nextGridTime(intervalMs, offsetMs, now);
}

/** Milliseconds until `due` (0 when it is past): a timer's delay. */
export function delayUntil(due: number, now: number = gridNow()): number {
  return Math.max(0, due - now);
}

/**
 * Run `fn` at each grid time of a periodic task (offset by its `name`) until the returned function
 * is called: setInterval on the wake-up grid. Like setInterval it does not wait for an async `fn`;
 * the timer is unref'd. `atOnce`: a first run right away (on a timer of 0), then the grid times.
 */
export function everyOnGrid(
  intervalMs: number,
  name: string,
  fn: () => unknown,
  { atOnce = false }: { atOnce?: boolean } = {},
): () => void {
  const offset = gridOffset(name, intervalMs);
  const now = gridNow();
  let due = atOnce ? now : nextGridTime(intervalMs, offset, now);
  let timer: NodeJS.Timeout | null = null;
  const arm = () => {
    timer = setTimeout(run, delayUntil(due));
    timer.unref();
  };
  const run = () => {
    due = nextDue(intervalMs, offset, due, gridNow());
    arm(); // before fn: a cancel from inside fn clears the next run
    fn();
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
