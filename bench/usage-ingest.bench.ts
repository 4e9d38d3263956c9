/**
 * Usage ingest (issue 7): 100 concurrent Claude Code sessions' worth of OTLP/HTTP protobuf
 * telemetry (each round: one delta metrics export of 11 points and three event batches of 4 log
 * records, as Claude Code's 60 s / 5 s exporters send them, but back to back) against ccmon's
 * receiver with the full usage pipeline behind it, and against the anchor in the same run: a bare
 * Node HTTP server that only reads and discards the same bodies (an OTel Collector is not
 * installable here). Reports throughput (data points + log records per second), p99 request
 * latency and heap per active user. Loopback only; bounded by BENCH_USAGE_ROUNDS (default 20).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { driveSessions as run, sessionWork, realItemsPerSecond } from './lib/otlp-sessions.js';

const SESSIONS = 100;
const ROUNDS = Number(process.env.BENCH_USAGE_ROUNDS ?? 20);
const EXTRA_USERS = 2000;

async function startServer(mode: 'ccmon' | 'bare'): Promise<{ child: ChildProcess; port: number }> {
  const prof =
    process.env.BENCH_PROFILE && mode === 'ccmon'
      ? ['--cpu-prof', '--cpu-prof-dir=/tmp/usage-prof']
      : [];
  const child = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', '--expose-gc', 'bench/usage-ingest-server.ts', mode],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (c) => reject(new Error(`${mode} server exited ${c}`)));
  });
  return { child, port };
}

interface ServerStats {
  heapUsed: number;
  series: number;
  maxGcMs: number;
  gcMs: number;
  maxLoopDelayMs: number;
}
const mem = (child: ChildProcess) =>
  new Promise<ServerStats>((resolve) => {
    child.once('message', (m) => resolve(m as ServerStats));
    child.send('mem');
  });

const load = Array.from({ length: SESSIONS }, (_, i) =>
  sessionWork(`dev${i}@example.com`, `s-${i}`, ROUNDS),
);
const warm = Array.from({ length: 10 }, (_, i) => sessionWork(`warm${i}@example.com`, `w-${i}`, 2));

// Paced at 10× the telemetry 100 real sessions send (≈ 260 points+records/s): 100 sessions each
// sending one request every PACE_MS (11 or 4 items per request, 6.5 on average).
const PACE_MS = 250;
const paced = Array.from({ length: SESSIONS }, (_, i) =>
  sessionWork(`p${i}@example.com`, `p-${i}`, 10),
);
const results: Record<string, Awaited<ReturnType<typeof run>>> = {};
const pacedResults: Record<string, Awaited<ReturnType<typeof run>>> = {};
let perUser = 0;
let series = 0;
for (const mode of ['bare', 'ccmon'] as const) {
  const { child, port } = await startServer(mode);
  await run(port, warm);
  results[mode] = await run(port, load);
  child.send('reset');
  pacedResults[mode] = await run(port, paced, PACE_MS);
  if (process.env.BENCH_PROFILE) {
    const st = await mem(child);
    console.error(
      `${mode} paced: max GC ${st.maxGcMs.toFixed(1)} ms, max loop delay ${st.maxLoopDelayMs.toFixed(1)} ms`,
    );
  }
  if (mode === 'ccmon') {
    // Memory per active user: the heap grown by EXTRA_USERS more users, one session round each.
    const before = await mem(child);
    if (process.env.BENCH_PROFILE)
      console.error(
        `ccmon server: max GC pause ${before.maxGcMs.toFixed(1)} ms, GC total ${before.gcMs.toFixed(0)} ms, max event-loop delay ${before.maxLoopDelayMs.toFixed(1)} ms`,
      );
    const users = [];
    for (let i = 0; i < EXTRA_USERS; i++) users.push(sessionWork(`u${i}@example.com`, `x-${i}`, 1));
    for (let i = 0; i < users.length; i += SESSIONS) await run(port, users.slice(i, i + SESSIONS));
    const after = await mem(child);
    perUser = (after.heapUsed - before.heapUsed) / EXTRA_USERS;
    series = after.series;
  }
  child.kill('SIGTERM');
}

const ccmon = results.ccmon!;
const bare = results.bare!;
const rate = (r: typeof ccmon) => r.items / r.seconds;
const realLoad = realItemsPerSecond(SESSIONS); // Claude Code's default 60 s metrics / 5 s events
const goals = { pacedP99: 50, saturated: 10 * realLoad, perUser: 64 * 1024 };
const met =
  pacedResults.ccmon!.p99 < goals.pacedP99 &&
  rate(ccmon) >= goals.saturated &&
  perUser < goals.perUser &&
  ccmon.failed === 0 &&
  pacedResults.ccmon!.failed === 0;
const row = (name: string, r: typeof ccmon, extra: string) =>
  console.log(
    `| ${name} | ${Math.round(rate(r)).toLocaleString('en-US')} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.failed} | ${extra} |`,
  );
console.log(
  `### OTLP ingest: ${SESSIONS} concurrent Claude Code sessions (protobuf, delta metrics + events)\n`,
);
console.log(
  '| server, load | points+records/s | p50 ms | p99 ms | failed | heap per active user |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
row('ccmon receiver + usage pipeline, paced at 10× real load', pacedResults.ccmon!, '—');
row('bare Node HTTP read + discard (anchor), paced at 10× real load', pacedResults.bare!, '—');
row(
  `ccmon receiver + usage pipeline, saturated (${ROUNDS} rounds)`,
  ccmon,
  `${(perUser / 1024).toFixed(1)} KiB (${series} series stored)`,
);
row(`bare Node HTTP read + discard (anchor), saturated (${ROUNDS} rounds)`, bare, '—');
console.log(
  `\nSaturated ccmon/anchor: ${(rate(ccmon) / rate(bare)).toFixed(2)}. Goal: p99 < ${goals.pacedP99} ms at 10× real load, ` +
    `saturated ≥ ${Math.round(goals.saturated).toLocaleString('en-US')} points+records/s (10× the ${Math.round(realLoad)}/s that 100 ` +
    `sessions send), < ${goals.perUser / 1024} KiB heap per active user: ${met ? 'met' : 'not met'}.`,
);
process.exitCode = met ? 0 : 1;
