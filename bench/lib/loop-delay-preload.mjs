// Preloaded into a benchmarked agent (NODE_OPTIONS=--import): measures the event-loop delay
// inside the process with perf_hooks.monitorEventLoopDelay, without changing the agent. On
// SIGUSR2 it writes the histogram since the last signal to CCMON_BENCH_LOOP_FILE (JSON,
// milliseconds) and starts a new one, so a benchmark can read the delay of each phase. The
// histogram's values include the sampling interval itself (nodejs/node#34661; Elastic's APM agent
// subtracts it too), so the resolution is taken off.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.CCMON_BENCH_LOOP_FILE;
if (file) {
  const RESOLUTION_MS = 10;
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    writeFileSync(
      file,
      JSON.stringify({
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        count: h.count,
      }),
    );
    h.reset();
  });
}
