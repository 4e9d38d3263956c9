// Preloaded into a benchmarked agent (NODE_OPTIONS=--import) to see what holds its memory: with
// CCMON_BENCH_MEM_FILE set, appends process.memoryUsage() (rss, heapTotal, heapUsed, external,
// arrayBuffers, in bytes) with a timestamp as one JSON line per CCMON_BENCH_MEM_MS (1000) to that
// file. The agent is not otherwise changed; the timer is unref'd so it keeps nobody alive.
import { appendFileSync } from 'node:fs';

const file = process.env.CCMON_BENCH_MEM_FILE;
if (file && process.argv.some((a) => a === 'agent')) {
  const every = Number(process.env.CCMON_BENCH_MEM_MS ?? 1000);
  setInterval(() => {
    appendFileSync(file, JSON.stringify({ t: Date.now(), ...process.memoryUsage() }) + '\n');
  }, every).unref();
}
