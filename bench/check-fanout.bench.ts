/**
 * Checker fan-out (issue 3): 200 HTTP targets on the simulator, 20 of them hanging. Goal: all 180
 * answering targets reported within one 10 s interval. Anchor, in the same run: health_check.py's
 * way (one request after another, 5 s timeout each), counted at the same 10 s mark.
 * CHECK_FANOUT_TARGETS=500 runs the load size of issue 10 (one in ten hanging, as here).
 */
import http from 'node:http';
import { checksSectionSchema } from '../src-main/core/checks/config.js';
import { HostSampler } from '../src-main/core/checks/host-sampler.js';
import { PROBES } from '../src-main/core/checks/probes.js';
import { CheckScheduler } from '../src-main/core/checks/scheduler.js';
import { startSimulation } from '../src-main/simulator/index.js';
import { percentile } from './agent-process.js';

const INTERVAL_MS = 10_000;
const TARGETS = Number(process.env.CHECK_FANOUT_TARGETS ?? 200);
const HUNG = Math.round(TARGETS / 10);
const OK = TARGETS - HUNG;
const sim = await startSimulation({
  apiPort: 0,
  gatewayPort: 0,
  containersPort: null,
  controlPort: null,
  tickMs: 0,
  faults: 'api/health=hang',
});
const targets = [
  ...Array.from({ length: OK }, (_, i) => ({
    name: `ok-${i}`,
    url: `${sim.urls.api}/sandbox/status?target=${i}`,
  })),
  ...Array.from({ length: HUNG }, (_, i) => ({
    name: `hang-${i}`,
    url: `${sim.urls.api}/health?target=${i}`,
  })),
];
// A fixed shuffle spreads the hung targets through the config, as they would be in real life.
for (let i = targets.length - 1; i > 0; i--) {
  const j = (i * 7919) % (i + 1);
  [targets[i], targets[j]] = [targets[j]!, targets[i]!];
}

// ccmon: the checks engine with its defaults (concurrency 32, timeout 5 s).
const config = checksSectionSchema.parse({
  probes: targets.map((t) => ({ ...t, type: 'http', interval: '10s' })),
});
const reported = new Map<string, number>();
const t0 = performance.now();
const scheduler = new CheckScheduler({
  checks: config.probes,
  concurrency: config.concurrency,
  probes: PROBES,
  host: new HostSampler(),
  onResult: (r) => reported.set(r.name, performance.now() - t0),
});
await scheduler.runNow();
await scheduler.stop();
const okTimes = [...reported]
  .filter(([n]) => n.startsWith('ok-'))
  .map(([, t]) => t)
  .sort((a, b) => a - b);
const okInInterval = okTimes.filter((t) => t <= INTERVAL_MS).length;
const roundMs = Math.max(...reported.values());

// Anchor: sequential requests with a 5 s timeout, like health_check.py, stopped at the 10 s mark.
const s0 = performance.now();
let seqOk = 0;
let seqDone = 0;
for (const t of targets) {
  if (performance.now() - s0 > INTERVAL_MS) break;
  const ok = await new Promise<boolean>((resolve) => {
    const req = http.get(t.url, { timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
  });
  if (performance.now() - s0 > INTERVAL_MS) break;
  seqDone++;
  if (ok && t.name.startsWith('ok-')) seqOk++;
}
await sim.stop();

console.log(`### Check fan-out: ${TARGETS} HTTP targets, ${HUNG} hanging, one 10 s interval\n`);
console.log(
  '| checker | answering targets reported within 10 s | p50 / p99 report time of those (ms) | whole round incl. hung (ms) | goal | met |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(
  `| ccmon checks (concurrency ${config.concurrency}, timeout 5 s) | ${okInInterval} / ${OK} | ${percentile(okTimes, 50).toFixed(0)} / ${percentile(okTimes, 99).toFixed(0)} | ${roundMs.toFixed(0)} | ${OK} / ${OK} | ${okInInterval === OK ? 'yes' : 'no'} |`,
);
console.log(
  `| sequential, 5 s timeout (health_check.py's way; anchor) | ${seqOk} / ${OK} (${seqDone} of ${TARGETS} targets tried) | — | — | — | — |`,
);
process.exitCode = okInInterval === OK ? 0 : 1;
