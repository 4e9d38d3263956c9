/**
 * Child-process entry of the soak test: builds the real engine (createAgent: checks, scrape, tsdb
 * with downsampling and snapshots, rules, notifier, jobs, …) under a fake clock and drives it
 * through simulated hours. Date, performance.now and the timer functions are faked; sockets,
 * files, workers and setImmediate stay real, so every probe and scrape is real loopback I/O.
 * The clock jumps to the next pending timer, fires every timer due within one window after it,
 * then waits (in real time) until the I/O they started is done, so a probe's fake timeout never
 * fires while its real answer is on the way and a run's measured duration is at most one window.
 *
 * Input: the JSON SoakSpec in CCMON_SOAK_SPEC. Output: IPC messages (SoakMessage), one sample per
 * simulated hour, then `done`. Heap figures are taken after a full collection.
 */
import { install, type Clock } from '@sinonjs/fake-timers';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAgent } from '../../src-main/core/agent.js';
import type { DesktopMessage } from '../../src-main/core/alerts/sinks/desktop.js';
import { configSchema, type CcmonConfigInput } from '../../src-main/core/config/schema.js';
import { silentLogger } from '../../src-main/core/log.js';

export interface SoakSpec {
  hours: number;
  /** Timers due within this window fire together before the I/O they start is awaited. */
  windowMs: number;
  dataDir: string;
  config: CcmonConfigInput;
}

export interface SoakSample {
  hour: number;
  rss: number;
  heapUsed: number;
  series: number;
  samples: number;
  chunkBytes: number;
  /** Real handles keeping the loop alive (process.getActiveResourcesInfo, timers excluded). */
  handles: number;
  handleTypes: string;
  fds: number;
  /** Fake timers pending (intervals and timeouts the engine holds). */
  timers: number;
  checkResults: number;
  scrapesUp: number;
  notifications: number;
  /** Windows whose I/O had not finished after the real-time cap. */
  stalls: number;
  /** Windows with timers fired so far. */
  windows: number;
  snapshotOk: boolean | null;
  /** Finished job runs so far, as `jobId:status`, oldest first. */
  jobRuns: string[];
  /** The same runs with their one-line messages (for diagnostics). */
  jobMessages: string[];
}

export type SoakMessage =
  | { type: 'sample'; sample: SoakSample }
  | { type: 'advance'; seconds: number }
  | { type: 'done'; realSeconds: number; error?: string };

// Captured before the clock is installed: the real ones, to let I/O finish between steps.
const realImmediate = setImmediate;
const realTimeout = setTimeout;
const realDateNow = Date.now;
const yieldReal = () => new Promise<void>((r) => realImmediate(r));
const sleepReal = (ms: number) => new Promise<void>((r) => realTimeout(r, ms));
const send = (m: SoakMessage) => process.send!(m);
// gc() for the hourly heap figure without --expose-gc on the command line: Worker threads the
// engine starts (backup) inherit execArgv and refuse that flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Resources that are real work in flight (timers are the fake clock's business). */
function busyResources(): string[] {
  return process.getActiveResourcesInfo().filter((t) => t !== 'Timeout' && t !== 'Immediate');
}

/**
 * Real work a clock step started and that has not finished: connections, requests, file and
 * DNS operations, child processes. Listening servers, idle keep-alive sockets (unref'd) and the
 * IPC pipe are not work.
 */
function inFlight(): number {
  return process.getActiveResourcesInfo().filter((t) => !IDLE_RESOURCES.has(t)).length;
}
const IDLE_RESOURCES = new Set(['Timeout', 'Immediate', 'TCPServerWrap', 'PipeWrap', 'TTYWrap']);

function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.CCMON_SOAK_SPEC ?? '') as SoakSpec;
  const clock: Clock = install({
    now: Date.now(),
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    shouldClearNativeTimers: true,
  });
  const realStart = realDateNow();
  const notified: DesktopMessage[] = [];
  let results = 0;
  const agent = createAgent({
    config: configSchema.parse(spec.config),
    configFile: null,
    dataDir: spec.dataDir,
    shell: 'headless',
    logger: silentLogger,
    desktop: { show: async (m) => void notified.push(m) },
  });
  agent.bus.on('check.result', () => results++);
  let stalls = 0;
  await agent.start();

  /** Waits until the I/O the fired timers started is done (nothing in flight three turns running). */
  async function settle(): Promise<void> {
    const deadline = realDateNow() + 5_000;
    for (let quiet = 0; quiet < 3;) {
      await yieldReal();
      if (inFlight() === 0) quiet++;
      else {
        quiet = 0;
        if (realDateNow() > deadline) {
          stalls++;
          return;
        }
        await sleepReal(1);
      }
    }
  }

  // The next due time, from fake-timers' own heap (not in its typings).
  const heap = () =>
    (clock as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } }).timerHeap;
  let advanced = clock.now;
  let windows = 0;
  for (let hour = 1; hour <= spec.hours; hour++) {
    const hourEnd = clock.now + 3_600_000;
    while (clock.now < hourEnd) {
      const due = heap()?.peek()?.callAt ?? Infinity;
      const until = Math.min(hourEnd, due === Infinity ? hourEnd : due + spec.windowMs);
      await clock.tickAsync(until - clock.now);
      if (due <= until) {
        windows++;
        await settle();
      }
      if (clock.now - advanced >= 60_000) {
        send({ type: 'advance', seconds: (clock.now - advanced) / 1000 });
        advanced = clock.now;
      }
    }
    gc();
    const st = await agent.handlers['series.stats']({});
    const targets = await agent.handlers['targets.list']({});
    const jobs = await agent.handlers['jobs.history']({ limit: 1000 });
    const types = busyResources();
    send({
      type: 'sample',
      sample: {
        hour,
        rss: process.memoryUsage.rss(),
        heapUsed: process.memoryUsage().heapUsed,
        series: st.series,
        samples: st.samples,
        chunkBytes: st.chunkBytes,
        handles: types.length,
        handleTypes: [...new Set(types)].sort().join(','),
        fds: fdCount(),
        timers: clock.countTimers(),
        checkResults: results,
        scrapesUp: targets.filter((t) => t.health === 'up').length,
        notifications: notified.length,
        stalls,
        windows,
        snapshotOk: st.lastSnapshot?.ok ?? null,
        jobRuns: jobs.map((j) => `${j.jobId}:${j.status}`).reverse(),
        jobMessages: jobs.map((j) => `${j.jobId} at ${j.startedAt}: ${j.message}`).reverse(),
      },
    });
  }
  await agent.stop();
  clock.uninstall();
  send({ type: 'done', realSeconds: (realDateNow() - realStart) / 1000 });
  // Without the IPC channel nothing should keep the process alive: the parent checks it exits.
  process.disconnect();
}

main().catch((err: Error) => {
  send({ type: 'done', realSeconds: 0, error: err.stack ?? err.message });
  process.exitCode = 1;
  process.disconnect();
  // The engine may hold sockets open after a failure: do not wait for it.
  realTimeout(() => process.exit(1), 1000);
});
