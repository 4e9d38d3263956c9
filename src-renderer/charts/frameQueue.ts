/**
 * Chart updates one per animation frame. Eight 24 h charts refresh on the same 15 s cadence, so their
 * data lands together and React renders them in one batch: eight uPlot setData calls of 5,761 points
 * in one task made a 50 ms+ frame (long-animation-frame attribution in bench/dashboard.bench.ts).
 * Queued, each chart redraws in its own frame (a few ms), and the page keeps 60 fps; a chart that is
 * updated again before its turn only draws the newest data.
 */
type Update = () => void;

const pending = new Map<object, Update>();
let scheduled = false;

// rAF where there is a display; a macrotask otherwise (a hidden tab runs no animation frames).
const nextFrame = (fn: () => void) =>
  typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible'
    ? requestAnimationFrame(fn)
    : setTimeout(fn, 0);

function runOne(): void {
  scheduled = false;
  const first = pending.entries().next();
  if (first.done) return;
  const [owner, update] = first.value;
  pending.delete(owner);
  try {
    update();
  } finally {
    if (pending.size) schedule();
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  nextFrame(runOne);
}

/** Run `update` for `owner` in a frame of its own; returns a cancel for effect cleanups. */
export function queueChartUpdate(owner: object, update: Update): () => void {
  pending.set(owner, update);
  schedule();
  return () => {
    if (pending.get(owner) === update) pending.delete(owner);
  };
}

/** Updates waiting for their frame (tests). */
export function pendingChartUpdates(): number {
  return pending.size;
}
