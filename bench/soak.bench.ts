/**
 * Soak, one real hour (issue 10, item 5): a real `ccmon agent` (dist) with the soak configuration
 * (the seed's checks, scrape jobs, rules, jobs and log sources on the simulator; see
 * test/helpers/soak-config.ts) for CCMON_SOAK_MINUTES (default 60), sampled every minute: RSS, V8
 * heap used (its own nodejs_heap_size_used_bytes), the store's chunk bytes and series
 * (series.stats), open fds split into sockets and files, and threads, from /proc. Anchor in the
 * same hour: prometheus-node-exporter's RSS and fds, scraped every 15 s as Prometheus would.
 * The fake-clock test (test/integration/soak) covers 24 h and timers; this is the wall-clock check.
 * Goal: after a 5-minute warm-up, the last tenth's max RSS ≤ 1.3× the first tenth's, fds flat (±3).
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimulation } from '../src-main/simulator/index.js';
import { soakConfig } from '../test/helpers/soak-config.js';
import { freePort, rssBytes, startProcess, stopProcess } from './agent-process.js';
import { fdsOf, runAgent } from './lib/agent-run.js';

const MINUTES = Number(process.env.CCMON_SOAK_MINUTES ?? 60);
const WARM_UP_MIN = Math.min(5, Math.floor(MINUTES / 3));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sim = await startSimulation({
  apiPort: 0,
  gatewayPort: 0,
  containersPort: 0,
  controlPort: null,
  tickMs: 1000,
});
const root = await mkdtemp(join(tmpdir(), 'ccmon-soak-bench-'));
const config = soakConfig(sim.urls, root) as Record<string, unknown>;
const exporterPort = await freePort();
config.exporter = { port: exporterPort };
config.usage = { otlp: { port: await freePort() }, transcripts: { enabled: false } };
const agent = await runAgent(stringify(config));
const nePort = await freePort();
const ne = startProcess('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nePort}`]);
// Prometheus's side of the anchor: node_exporter is scraped every 15 s, as it would be.
const neScrape = setInterval(() => {
  fetch(`http://127.0.0.1:${nePort}/metrics`)
    .then((r) => r.text())
    .catch(() => undefined);
}, 15_000);

interface Row {
  minute: number;
  rss: number;
  heap: number;
  chunkBytes: number;
  series: number;
  fds: number;
  sockets: number;
  threads: number;
  neRss: number;
  neFds: number;
}
const rows: Row[] = [];
const threadsOf = (pid: number) =>
  Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
async function heapUsed(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN);
}

await heapUsed(); // the gauge is set on collection: the first scrape primes it
const start = Date.now();
for (let minute = 1; minute <= MINUTES; minute++) {
  await sleep(Math.max(0, start + minute * 60_000 - Date.now()));
  const st = await agent.request<{ chunkBytes: number; series: number }>('series.stats');
  const f = fdsOf(agent.pid);
  rows.push({
    minute,
    rss: rssBytes(agent.pid),
    heap: await heapUsed(),
    chunkBytes: st.body.chunkBytes,
    series: st.body.series,
    fds: f.fds,
    sockets: f.sockets,
    threads: threadsOf(agent.pid),
    neRss: rssBytes(ne.pid!),
    neFds: fdsOf(ne.pid!).fds,
  });
}
clearInterval(neScrape);
const alive = agent.child.exitCode === null;
const stderr = agent.stderr();
await agent.stop();
await stopProcess(ne);
await sim.stop();
await rm(root, { recursive: true, force: true });

const load = execSync('uptime')
  .toString()
  .trim()
  .replace(/.*load average:/, 'load average');
const mb = (b: number) => (b / 2 ** 20).toFixed(1);
const every = Math.max(1, Math.round(MINUTES / 6));
console.log(`### Soak: a real agent for ${MINUTES} min (${load})\n`);
console.log(
  '| minute | ccmon RSS MB | heap used MB | tsdb chunk KiB | series | fds (sockets) | threads | node_exporter RSS MB (anchor) | node_exporter fds |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows.filter((x) => x.minute === 1 || x.minute % every === 0)) {
  console.log(
    `| ${r.minute} | ${mb(r.rss)} | ${mb(r.heap)} | ${(r.chunkBytes / 1024).toFixed(0)} | ${r.series} | ` +
      `${r.fds} (${r.sockets}) | ${r.threads} | ${mb(r.neRss)} | ${r.neFds} |`,
  );
}
const steady = rows.filter((r) => r.minute > WARM_UP_MIN);
const tenth = Math.max(1, Math.floor(steady.length / 10));
const firstMax = Math.max(...steady.slice(0, tenth).map((r) => r.rss));
const lastMax = Math.max(...steady.slice(-tenth).map((r) => r.rss));
const fdSpread = Math.max(...steady.map((r) => r.fds)) - Math.min(...steady.map((r) => r.fds));
const met = alive && lastMax <= firstMax * 1.3 && fdSpread <= 3;
console.log(
  `\nAfter ${WARM_UP_MIN} min warm-up: last tenth's max RSS ${mb(lastMax)} MB vs first tenth's ${mb(firstMax)} MB ` +
    `(${(lastMax / firstMax).toFixed(2)}×), fd spread ${fdSpread}, agent ${alive ? 'alive' : 'DEAD'}` +
    `${/error/i.test(stderr) ? `, stderr: ${stderr.slice(0, 200)}` : ''}. ` +
    `Goal: ≤ 1.3× and fds flat (±3): ${met ? 'met' : 'not met'}.`,
);
process.exitCode = met ? 0 : 1;
