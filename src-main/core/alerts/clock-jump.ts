/**
 * Detects wall-clock jumps: between two checks the wall clock (Date.now) and the monotonic clock
 * (performance.now) must advance alike; a difference beyond a tolerance is a jump (an NTP step,
 * a manual change) or a suspend (Linux's monotonic clock stops while the machine sleeps; the wall
 * clock does not). Either way wall-time deadlines computed before it — an alert's endsAt from
 * resolve_timeout, the notification log's repeat_interval, a retry's backoff — are off by the
 * jump, and the notifier shifts them so that they count time that really passed.
 */
import type { Clock } from './clock.js';

/** Event-loop lag moves both clocks alike; NTP slews far slower than this. */
export const JUMP_TOLERANCE_MS = 5000;

export class ClockJumpDetector {
  private wall: number;
  private mono: number | null;

  constructor(private readonly clock: Pick<Clock, 'now' | 'monotonic'>) {
    this.wall = clock.now();
    this.mono = clock.monotonic?.() ?? null;
  }

  /** The wall clock's jump since the last call in ms (+ forward, − back), or 0. */
  check(): number {
    if (this.mono === null || !this.clock.monotonic) return 0;
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    const jump = wall - this.wall - (mono - this.mono);
    this.wall = wall;
    this.mono = mono;
    return Math.abs(jump) >= JUMP_TOLERANCE_MS ? jump : 0;
  }
}
