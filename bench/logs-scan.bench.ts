/**
 * Log scan throughput: `ccmon logs errors` and `ccmon logs slow` over 1 GB of JSON-lines logs,
 * against jq (the same queries, exact) and `grep -c` (a byte-pattern count, no time window) in the
 * same run on the same files. Goal (issue 8): ccmon ≥ 2× jq's throughput. Reports MB/s and peak
 * RSS (GNU time's %M for every tool). The logs are generated into a temp folder and deleted after.
 * BENCH_LOGS_MB overrides the size (default 1024).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gnuTime } from './lib/gnu-time.js';

const TOTAL_MB = Number(process.env.BENCH_LOGS_MB ?? 1024);
const FILES = ['app.log.3', 'app.log.2', 'app.log.1', 'app.log']; // oldest first, as logrotate leaves them
const root = new URL('..', import.meta.url).pathname;

interface Measured {
  tool: string;
  query: string;
  seconds: number;
  peakRssMb: number;
  matches: number;
}

/** Lines like a gateway writes: 1 % errors, ~8 % of requests at or over 2 s. */
async function generate(dir: string, now: number): Promise<number> {
  const perFile = Math.ceil((TOTAL_MB * 1024 * 1024) / FILES.length);
  const span = 23 * 3600_000;
  const models = ['claude-sonnet-4', 'claude-opus-4', 'claude-haiku-4'];
  let seq = 0;
  let bytes = 0;
  const approxLines = (TOTAL_MB * 1024 * 1024) / 190;
  for (const name of FILES) {
    const out = createWriteStream(join(dir, name), { highWaterMark: 4 << 20 });
    let written = 0;
    while (written < perFile) {
      const parts: string[] = [];
      for (let i = 0; i < 20_000; i++, seq++) {
        const t = new Date(now - span + Math.floor((seq / approxLines) * span)).toISOString();
        const r = (seq * 2654435761) % 1000;
        const level = r < 10 ? 'ERROR' : r < 60 ? 'WARN' : 'INFO';
        const latency = r % 97 < 8 ? 2 + (r % 50) / 10 : (r % 19) / 10;
        parts.push(
          `{"@timestamp":"${t}","level":"${level}","message":"${level === 'ERROR' ? 'upstream error 502 from provider' : 'request completed'}",` +
            `"latency":${latency},"user_id":"user${r % 40}","tokens_used":${(r * 37) % 4000},"model":"${models[r % 3]}","request_id":"req-${seq}"}\n`,
        );
      }
      const chunk = parts.join('');
      written += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
    bytes += written;
  }
  return bytes;
}

/** GNU time, where grep -c's exit 1 (nothing matched) is a result, not a failure. */
const timed = (cmd: string, args: string[]) => gnuTime(cmd, args, { okCodes: [0, 1] });

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ccmon-bench-logs-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const since = new Date(now - 24 * 3600_000).toISOString();
    const bytes = await generate(dir, now);
    const paths = FILES.map((f) => join(dir, f));
    const config = join(dir, 'ccmon.json');
    await writeFile(
      config,
      JSON.stringify({
        version: 1,
        logs: {
          sources: [{ service: 'claude-code', paths: [join(dir, 'app.log')], format: 'json' }],
        },
      }),
    );
    // package.json's bin, as `npm run bench` builds it; from source (tsx) without a build.
    const built = join(root, 'dist/cli/ccmon.js');
    const ccmon = existsSync(built)
      ? [built]
      : ['--import', 'tsx', join(root, 'src-main/cli/bin.ts')];
    const levels =
      '"ERROR","error","Error","FATAL","fatal","Fatal","CRITICAL","critical","Critical"';
    const queries = {
      errors: {
        ccmon: ['logs', 'errors', '--hours', '24'],
        jq: `select((.level | IN(${levels})) and ."@timestamp" >= "${since}" and ."@timestamp" <= "${nowIso}") | 1`,
        grep: '"level":"(ERROR|FATAL|CRITICAL)"',
      },
      slow: {
        ccmon: ['logs', 'slow', '--threshold', '2s', '--hours', '24'],
        jq: `select(.latency >= 2 and ."@timestamp" >= "${since}" and ."@timestamp" <= "${nowIso}") | 1`,
        grep: '"latency":([2-9]|[1-9][0-9]+)[,.]',
      },
    };
    const rows: Measured[] = [];
    // Warm the page cache once so no tool pays for the first read from disk.
    await timed('sh', ['-c', 'cat "$@" > /dev/null', 'warm', ...paths]);
    for (const [query, q] of Object.entries(queries)) {
      const c = await timed(process.execPath, [
        ...ccmon,
        '--config',
        config,
        ...q.ccmon,
        '--now',
        nowIso,
        '--limit',
        '10',
        '--json',
      ]);
      rows.push({
        tool: 'ccmon',
        query,
        seconds: c.seconds,
        peakRssMb: c.rssMb,
        matches: (JSON.parse(c.stdout) as { total: number }).total,
      });
      const j = await timed('jq', ['-c', q.jq, ...paths]);
      rows.push({
        tool: 'jq',
        query,
        seconds: j.seconds,
        peakRssMb: j.rssMb,
        matches: j.stdout.split('\n').filter(Boolean).length,
      });
      const g = await timed('grep', ['-c', '-E', q.grep, ...paths]);
      const count = g.stdout
        .split('\n')
        .filter(Boolean)
        .reduce((a, l) => a + Number(l.split(':').pop()), 0);
      rows.push({ tool: 'grep -c', query, seconds: g.seconds, peakRssMb: g.rssMb, matches: count });
    }
    const mb = bytes / 1024 / 1024;
    const mbs = (r: Measured) => mb / r.seconds;
    console.log(
      `Scanning ${mb.toFixed(0)} MB of JSON-lines logs (${FILES.length} rotated files), page cache warm, ${new Date().toISOString()}\n`,
    );
    console.log('| query | tool | seconds | MB/s | peak RSS (MB) | matches |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: |');
    for (const r of rows)
      console.log(
        `| ${r.query} | ${r.tool} | ${r.seconds.toFixed(2)} | ${mbs(r).toFixed(0)} | ${r.peakRssMb.toFixed(0)} | ${r.matches} |`,
      );
    console.log('');
    let met = true;
    for (const query of Object.keys(queries)) {
      const c = rows.find((r) => r.tool === 'ccmon' && r.query === query)!;
      const j = rows.find((r) => r.tool === 'jq' && r.query === query)!;
      const ratio = mbs(c) / mbs(j);
      const same = c.matches === j.matches;
      met &&= ratio >= 2 && same;
      console.log(
        `- ${query}: ccmon ${ratio.toFixed(1)}× jq's throughput (goal ≥ 2×: ${ratio >= 2 ? 'met' : 'NOT met'}); ` +
          `same matches as jq: ${same ? 'yes' : `NO (${c.matches} vs ${j.matches})`}`,
      );
    }
    console.log(
      `\nGoal ${met ? 'met' : 'NOT met'}. grep -c counts byte patterns without a time window (an upper bound on raw speed).`,
    );
    if (!met) process.exitCode = 1;
    await stat(dir);
  } finally {
    await cleanup();
  }
}

await main();
