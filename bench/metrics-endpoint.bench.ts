/**
 * GET /metrics latency (p50/p99) and bytes at ~500 series: ccmon's exporter in a real `ccmon agent`
 * against prometheus-node-exporter (Debian) on the same machine, sequentially (one keep-alive
 * client) and with 4 concurrent clients (wrk). node_exporter runs the collectors that give it about
 * the same number of series. Goal (issue 3): ccmon's p99 below node_exporter's in both.
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { startSimulation } from '../src-main/simulator/index.js';
import {
  cpuSeconds,
  freePort,
  loadAverage,
  percentile,
  startAgentProcess,
  startProcess,
  stopProcess,
} from './agent-process.js';

const SEQUENTIAL = Number(process.env.METRICS_BENCH_REQUESTS ?? 2000);
const WRK_SECONDS = Number(process.env.METRICS_BENCH_WRK_SECONDS ?? 10);

const sim = await startSimulation({
  apiPort: 0,
  gatewayPort: 0,
  containersPort: null,
  controlPort: null,
  tickMs: 1000,
});
// ~500 series: 150 HTTP checks (ccmon_check_up + duration each) plus the seed metrics, host,
// process and the other modules' own metrics, as a busy deployment would show.
const checks = Array.from(
  { length: 150 },
  (_, i) =>
    `    - { name: "svc-${i}", type: http, url: "${sim.urls.api}/sandbox/status?i=${i}", interval: 30s }`,
);
const ccmonPort = await freePort();
// cacheFor 0s: every request renders afresh, as node_exporter collects on every request (the
// default serves one render for up to 1 s, which would measure a cache, not the exporter).
const agent = await startAgentProcess(
  `exporter: { port: ${ccmonPort}, cacheFor: 0s }\nusage: { otlp: { port: ${await freePort()} } }\nscrape: { jobs: [] }\nchecks:\n  probes:\n` +
    `    - { name: API Health, type: http, url: "${sim.urls.api}/health", interval: 10s, exportAs: claude_code_api }\n` +
    `${checks.join('\n')}\n`,
);
const nePort = await freePort();
const ne = startProcess('prometheus-node-exporter', [
  `--web.listen-address=127.0.0.1:${nePort}`,
  '--collector.disable-defaults',
  ...[
    'cpu',
    'meminfo',
    'filesystem',
    'netdev',
    'diskstats',
    'loadavg',
    'stat',
    'vmstat',
    'netstat',
    'sockstat',
  ].map((c) => `--collector.${c}`),
]);
await new Promise((r) => setTimeout(r, 35_000)); // every check has run once

async function sequential(
  url: string,
  pid: number,
): Promise<{ p50: number; p99: number; bytes: number; series: number; cpuMs: number }> {
  const agentPool = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () =>
    new Promise<{ ms: number; body: string }>((resolve, reject) => {
      const t0 = performance.now();
      http
        .get(url, { agent: agentPool }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ ms: performance.now() - t0, body }));
        })
        .on('error', reject);
    });
  for (let i = 0; i < 50; i++) await get(); // warm-up
  const times: number[] = [];
  let last = '';
  // CPU the exporter spent per request: unlike latency, barely moved by other load on the machine.
  const cpu0 = cpuSeconds(pid);
  for (let i = 0; i < SEQUENTIAL; i++) {
    const r = await get();
    times.push(r.ms);
    last = r.body;
  }
  const cpuMs = ((cpuSeconds(pid) - cpu0) * 1000) / SEQUENTIAL;
  agentPool.destroy();
  times.sort((a, b) => a - b);
  const series = last.split('\n').filter((l) => l && !l.startsWith('#')).length;
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    bytes: Buffer.byteLength(last),
    series,
    cpuMs,
  };
}

function wrk(url: string): { p50: number; p99: number; rps: number } {
  const r = spawnSync('wrk', ['-t4', '-c4', `-d${WRK_SECONDS}s`, '--latency', url], {
    encoding: 'utf8',
  });
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(r.stdout);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
  return { p50: ms('50'), p99: ms('99'), rps };
}

const ccmonUrl = `http://127.0.0.1:${ccmonPort}/metrics`;
const neUrl = `http://127.0.0.1:${nePort}/metrics`;
const seq = {
  ccmon: await sequential(ccmonUrl, agent.pid),
  ne: await sequential(neUrl, ne.pid!),
};
const conc = { ccmon: wrk(ccmonUrl), ne: wrk(neUrl) };
const load = loadAverage();
await agent.stop();
await stopProcess(ne);
await sim.stop();

const f = (n: number) => n.toFixed(2);
console.log(
  `### GET /metrics (${SEQUENTIAL} sequential requests; wrk 4 clients × ${WRK_SECONDS} s; load average ${load})\n`,
);
console.log(
  '| exporter | series | bytes | seq p50 ms | seq p99 ms | seq CPU ms/req | 4-client p50 ms | 4-client p99 ms | 4-client req/s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [name, s, c] of [
  ['ccmon agent', seq.ccmon, conc.ccmon],
  ['prometheus-node-exporter (anchor)', seq.ne, conc.ne],
] as const)
  console.log(
    `| ${name} | ${s.series} | ${s.bytes} | ${f(s.p50)} | ${f(s.p99)} | ${f(s.cpuMs)} | ${f(c.p50)} | ${f(c.p99)} | ${c.rps.toFixed(0)} |`,
  );
const metSeq = seq.ccmon.p99 < seq.ne.p99;
const metConc = conc.ccmon.p99 < conc.ne.p99;
console.log(
  `\nGoal: ccmon p99 below node_exporter's — sequential: ${metSeq ? 'met' : 'not met'}, 4 clients: ${metConc ? 'met' : 'not met'}.`,
);
process.exitCode = metSeq && metConc ? 0 : 1;
